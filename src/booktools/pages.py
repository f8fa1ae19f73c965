"""The pages of the site: which are chapters, and what a chapter tells link previews.

The hooks treat chapters (``docs/NN-slug.md``) apart from the other pages:
each gets a notebook (``hooks/notebooks.py``), two times (``hooks/reading_times.py``)
and a description (``hooks/page_meta.py`` puts :func:`description` into
``page.meta["description"]`` unless the front matter sets one;
``overrides/main.html`` writes it into the page's description and Open
Graph tags).
"""

from __future__ import annotations

import re
from html import unescape

__all__ = ["CHAPTER", "is_chapter", "description"]

#: A chapter's path inside ``docs/``: two digits, a dash, a slug.
CHAPTER = re.compile(r"^(?P<number>\d{2})-[a-z0-9-]+\.md$")

#: Blocks that are not prose: headings, fences, admonitions, tabs, tables, HTML, lists, quotes.
_NOT_PROSE = ("#", "```", "~~~", "!!!", "???", "===", "|", "<", "-", "*", ">")


def is_chapter(src_uri: str) -> bool:
    """Whether the page at ``src_uri`` (a path inside ``docs/``) is a chapter.

    >>> is_chapter("02-derivatives.md"), is_chapter("index.md"), is_chapter("reference/nn.md")
    (True, False, False)
    """
    return CHAPTER.match(src_uri) is not None


def description(markdown: str, limit: int = 200) -> str:
    """The chapter's first paragraph of prose, as plain text of at most ``limit`` characters.

    Links keep their text, and Markdown's marks (code, emphasis, math
    dollars) go; a longer paragraph is cut at a word and ends with ``...``.

    >>> description('''# 2. Derivatives
    ...
    ... The *slope* of [a function](01-functions.md) at $x$, in `code`.
    ... ''')
    'The slope of a function at x, in code.'
    >>> description("A " + "long " * 60 + "paragraph.", limit=20)
    'A long long long...'
    """
    if limit < 4:
        raise ValueError(f"limit must be at least 4, got {limit}")
    text = re.sub(r"<!--.*?-->", "", markdown, flags=re.S)
    for block in re.split(r"\n[ \t]*\n", text):
        block = block.strip()
        if not block or block.startswith(_NOT_PROSE):
            continue
        plain = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", block)
        plain = re.sub(r"[`*_$]", "", plain)
        plain = " ".join(unescape(plain).split())
        return plain if len(plain) <= limit else plain[: limit - 3].rsplit(" ", 1)[0] + "..."
    return ""
