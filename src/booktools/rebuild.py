"""What ``mkdocs serve`` keeps from one build to the next: the results of two pure steps, by their whole input.

After an edit, ``mkdocs serve`` builds the whole site again, in the same
process. Two steps of that build give the same result for the same input,
and on a one-sentence edit their input is the same for every page but one:

- Material's search plugin reads each page's HTML into sections for the
  search index (:func:`sections`; about 1 s a build, most of it Python's
  ``html.parser`` on the math);
- pymdownx.highlight colours each code block with Pygments (:func:`highlight`;
  about 0.8 s a build; inline code is coloured afresh, see there).

:func:`install` makes both look their result up by everything they read (the
page's HTML; the code, its language, every option of the highlighter and of
the call) and compute it only when that input is new. Kept sections are
copied before they are handed out, and kept HTML is a string, so no caller
can change what is kept; the memos
keep the results of the last :data:`KEEP` inputs each. ``hooks/rebuild.py``
installs them for ``mkdocs serve`` only: ``mkdocs build`` (the published
site and the tests) runs Material and pymdownx untouched, and
``tests/test_rebuild.py`` checks that both memos give what the steps they
stand for give.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["KEEP", "Memo", "sections", "highlight", "install"]

#: How many inputs each memo keeps the result of (a page's sections, a code block's colours).
KEEP = 2048


class Memo:
    """The results kept for the last ``keep`` keys looked up, the least recently used dropped first.

    >>> calls = []
    >>> squares = Memo(keep=2)
    >>> square = lambda x: squares.get(x, lambda: calls.append(x) or x * x)
    >>> square(3), square(3), calls
    (9, 9, [3])
    >>> square(4), square(5), square(3), calls  # 3 was dropped to keep 5
    (16, 25, 9, [3, 4, 5, 3])
    """

    def __init__(self, keep: int = KEEP) -> None:
        if isinstance(keep, bool) or not isinstance(keep, int):
            raise TypeError(f"keep must be an int, got {type(keep).__name__}")
        if keep < 1:
            raise ValueError(f"keep must be at least 1, got {keep!r}")
        self.keep = keep
        self.results: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The result kept for ``key``, or ``compute()``'s, then kept."""
        if key in self.results:
            self.results.move_to_end(key)
        else:
            self.results[key] = compute()
            if len(self.results) > self.keep:
                self.results.popitem(last=False)
        return self.results[key]


def _parse(html: str) -> list:
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(html)
    parser.close()
    return parser.data


_SECTIONS = Memo()


def sections(html: str) -> list:
    """The sections Material's search plugin reads from a page's HTML (a fresh copy on each call).

    >>> [(s.id, "".join(s.title), "".join(s.text)) for s in sections('<h2 id="a">A</h2><p>Some text.</p>')]
    [(None, '', ''), ('a', 'A', '<p>Some text.</p>')]
    >>> sections("<p>x</p>")[0] is sections("<p>x</p>")[0]  # read once, copied out
    False
    """
    if not isinstance(html, str):
        raise TypeError(f"html must be a str, got {type(html).__name__}")
    return copy.deepcopy(_SECTIONS.get(html, lambda: _parse(html)))


def _add_entry_from_context(self, page) -> None:
    """Material's ``SearchIndex.add_entry_from_context``, the page's HTML read through :func:`sections`."""
    search = page.meta.get("search") or {}
    if search.get("exclude"):
        return
    for section in sections(page.content):
        if not section.is_excluded():
            self.create_entry_for_section(section, page.toc, page.url, page)


def _highlight_key(highlighter, args: tuple, kwargs: dict) -> str | None:
    """Everything a call of ``Highlight.highlight`` reads, as one string; None if the call has side effects."""
    options = {name: value for name, value in vars(highlighter).items() if name != "md"}
    if options.get("title_mode", "text") != "text" or options.get("auto_title"):
        return None  # a title in HTML goes into the Markdown instance's stash
    return repr((sorted(options.items()), args, sorted(kwargs.items())))


def highlight(original: Callable[..., str], memo: Memo | None = None) -> Callable[..., str]:
    """``original`` (pymdownx's ``Highlight.highlight``), its results kept in ``memo`` by its whole input.

    Only a code block's HTML, a string, which no caller can change, is kept
    and handed out as kept; inline code comes back as an element of the
    document's tree, which its caller changes, and is coloured afresh each time.
    """
    if not callable(original):
        raise TypeError(f"original must be callable, got {type(original).__name__}")
    memo = Memo() if memo is None else memo

    def wrapper(self, *args: Any, **kwargs: Any) -> Any:
        key = _highlight_key(self, args, kwargs)
        if key is not None and key in memo.results:
            return memo.get(key, lambda: None)
        result = original(self, *args, **kwargs)
        if key is not None and isinstance(result, str):
            memo.get(key, lambda: result)
        return result

    wrapper.__wrapped__ = original  # type: ignore[attr-defined]
    wrapper.memo = memo  # type: ignore[attr-defined]
    return wrapper


def install() -> None:
    """Make Material's search plugin and pymdownx.highlight keep their results (once per process)."""
    from material.plugins.search.plugin import SearchIndex
    from pymdownx.highlight import Highlight

    if not hasattr(Highlight.highlight, "memo"):
        Highlight.highlight = highlight(Highlight.highlight)
    if SearchIndex.add_entry_from_context is not _add_entry_from_context:
        SearchIndex.add_entry_from_context = _add_entry_from_context
