"""MkDocs hook: a notebook and two times for every chapter; no doctest directives shown.

For every chapter ``docs/NN-slug.md`` the build

- generates ``notebooks/NN-slug.ipynb`` from the chapter's Markdown
  (:func:`booktools.notebook.chapter_to_notebook`) and adds it to the site as a
  generated file, so the page can link to it and ``--strict`` checks the link;
- computes two times from what the chapter holds (:func:`chapter_time`): how
  long it takes to read, and how long to read it, run every console example
  and try every exercise (the formula is stated on the landing page);
- gives the page's template what it needs for the bar at the top of a chapter
  (both times, "Download notebook", "Open in Colab") and a description for
  the preview metadata, in ``page.meta``;
- fills the times into the table of the landing page: ``{{ reading_time }}``
  in a row becomes the two cells of the chapter linked on the same row (a
  chapter row without it gets them appended), and ``{{ total_reading_time }}``
  and ``{{ total_working_time }}`` become the totals.

On every page it removes ``# doctest: ...`` comments from the console
examples before they are highlighted (:func:`strip_doctest_directives`), so
readers see and copy only code; the Markdown files keep them for the tests.
The generated notebooks drop them too (``booktools.notebook``).

Colab opens notebooks only from GitHub, so "Open in Colab" points at the
generated notebooks on the branch ``extra.notebooks_branch`` of the repository
``extra.repository``; the deploy workflow publishes ``site/notebooks/`` there.
"""

from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass
from html import unescape
from pathlib import PurePosixPath

from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.notebooks")

CHAPTER = re.compile(r"^(?P<number>\d{2})-[a-z0-9-]+\.md$")

# How long a chapter takes (the landing page states the formula below its
# table of chapters). Two figures: *reading* the page, and *working through*
# it, which adds running every console example and trying every exercise. The
# constants were calibrated on one learner who took about 4 h 50 min for
# chapters 1-7 with the examples and exercises (the formula gave 4 h 50 min on
# the text of that time); tests/test_notebook_convert.py checks that the
# landing page states these numbers.
#: Reading speed for technical prose with formulas and code, in words per minute.
WORDS_PER_MINUTE = 200
#: Minutes to take in one display equation ($$ ... $$), on top of the prose.
MINUTES_PER_EQUATION = 1
#: Minutes to run one console example and compare what it prints.
MINUTES_PER_EXAMPLE = 2
#: Minutes to try one exercise and check it against the solution.
MINUTES_PER_EXERCISE = 5
#: The working time is rounded to this many minutes: it is not more precise.
WORKING_ROUNDING = 5

PLACEHOLDER = "{{ reading_time }}"
TOTAL_READING = "{{ total_reading_time }}"
TOTAL_WORKING = "{{ total_working_time }}"
_CHAPTER_LINK = re.compile(r"\]\((?P<path>\d{2}-[a-z0-9-]+\.md)(?:#[^)]*)?\)")
_WORD = re.compile(r"[A-Za-z0-9_]+")
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
_COLLAPSED = re.compile(r"^(?P<indent>[ \t]*)\?\?\?(?!\+)")
_EXERCISE = re.compile(r"^(?:\*\*)?\d+\.\s")
_LINK_TARGET = re.compile(r"(\])\([^)\s]*(?:\s+\"[^\"]*\")?\)")
#: A doctest directive at the end of a console line (doctest's own pattern,
#: which stops at quotes so that a string holding "# doctest:" is left alone).
_DIRECTIVE = re.compile(r"[ \t]*#[ \t]*doctest:[^\n'\"]*$")
_PROMPT = re.compile(r"^(?P<indent>[ \t]*)(?:>>>|\.\.\.)(?: |$)")
#: The same directive as Pygments renders it: a comment token of its own.
_DIRECTIVE_HTML = re.compile(r"[ \t]*<span class=\"c1?\">#[ \t]*doctest:[^<]*</span>")

_times: dict[str, ChapterTime] = {}


def is_chapter(src_uri: str) -> bool:
    return CHAPTER.match(src_uri) is not None


def _round(value: float, step: int = 1) -> int:
    """``value`` rounded to the nearest multiple of ``step`` (halves up), at least ``step``."""
    return max(step, step * math.floor(value / step + 0.5))


@dataclass(frozen=True)
class ChapterTime:
    """What a chapter asks of a learner, counted from its Markdown, and the two times.

    ``words``: the words shown when the page loads: prose and the code of the
    examples, but not printed output, hidden set-up (HTML comments), display
    equations, link addresses, or what a collapsed block (``???``, the
    solutions of the exercises) holds. A figure counts as the words of its
    alt text, which stand in for the time spent looking at it.
    ``equations``: display equations (``$$ ... $$``).
    ``examples``: console examples shown on the page (fences that start with
    ``>>>``), outside collapsed blocks.
    ``exercises``: numbered items of the ``## Exercises`` section.
    """

    words: int
    equations: int
    examples: int
    exercises: int

    @property
    def reading_exact(self) -> float:
        return self.words / WORDS_PER_MINUTE + MINUTES_PER_EQUATION * self.equations

    @property
    def working_exact(self) -> float:
        return (self.reading_exact + MINUTES_PER_EXAMPLE * self.examples
                + MINUTES_PER_EXERCISE * self.exercises)

    @property
    def reading(self) -> int:
        """Minutes to read the page, to the nearest minute (at least 1)."""
        return _round(self.reading_exact)

    @property
    def working(self) -> int:
        """Minutes to read it, run every example and try every exercise, to the nearest 5."""
        return _round(self.working_exact, WORKING_ROUNDING)


def chapter_time(markdown: str) -> ChapterTime:
    """Count the words, display equations, console examples and exercises of a chapter."""
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[-1]
    words = equations = examples = exercises = 0
    fence = None  # the closing pattern of the open fence
    first_line = console = False
    collapsed = None  # indent of the open collapsed block
    in_math = False
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if collapsed is not None:
            if not stripped or indent > collapsed:
                continue
            collapsed = None
        if fence is not None:
            if fence.match(line):
                fence = None
                continue
            if first_line and stripped:
                first_line = False
                console = stripped.startswith(">>>")
                examples += console
            if console and not stripped.startswith((">>>", "...")):
                continue  # printed output: glanced at while running, not read
            words += len(_WORD.findall(stripped))
            continue
        opening = _FENCE_OPEN.match(line)
        if opening:
            marker = opening["fence"]
            fence = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
            first_line, console = True, False
            continue
        block = _COLLAPSED.match(line)
        if block:
            collapsed = len(block["indent"].expandtabs(4))
            continue
        if line.startswith("## "):
            section = stripped[3:].strip().lower()
        if section == "exercises" and _EXERCISE.match(line):
            exercises += 1
        parts = stripped.split("$$")
        for number, part in enumerate(parts):
            if number:
                in_math = not in_math
                equations += in_math
            if not in_math:
                words += len(_WORD.findall(_LINK_TARGET.sub(r"\1", part)))
    return ChapterTime(words, equations, examples, exercises)


def reading_minutes(markdown: str) -> int:
    """Minutes to read a chapter (the first of its two figures), at least 1."""
    return chapter_time(markdown).reading


def formula() -> str:
    """The formula of the two times, in words (the tooltip of a chapter's times)."""
    return (
        f"Reading: the page's words at {WORDS_PER_MINUTE} a minute, plus {MINUTES_PER_EQUATION} "
        f"min per displayed equation. With the examples and exercises: plus {MINUTES_PER_EXAMPLE} "
        f"min per console example and {MINUTES_PER_EXERCISE} min per exercise, rounded to "
        f"{WORKING_ROUNDING} min."
    )


def duration(minutes: int) -> str:
    """``"45 min"``, ``"1 h"``, ``"4 h 50 min"``."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def strip_doctest_directives(markdown: str) -> str:
    """Remove ``# doctest: ...`` comments from the console examples of a page.

    The directives are for the test runner (pytest-doctestplus reads the
    Markdown files themselves); a reader should see, and copy, only code. Only
    prompt lines (``>>>``, ``...``) inside fences are touched; a line that held
    nothing but a directive is dropped.
    """
    lines = markdown.splitlines(keepends=True)
    fence = None
    for number, line in enumerate(lines):
        if fence is not None:
            if fence.match(line.rstrip("\n")):
                fence = None
            elif _PROMPT.match(line):
                body = line.rstrip("\n")
                directive = _DIRECTIVE.search(body)
                if directive:
                    kept = body[: directive.start()].rstrip()
                    if kept.strip() in {">>>", "..."}:
                        lines[number] = ""
                    else:
                        lines[number] = kept + line[len(body):]
            continue
        opening = _FENCE_OPEN.match(line)
        if opening:
            marker = opening["fence"]
            fence = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
    return "".join(lines)


def strip_doctest_directives_html(html: str) -> str:
    """The same for highlighted code that no Markdown of ours holds (docstrings)."""
    return _DIRECTIVE_HTML.sub("", html)


def _description(markdown: str) -> str:
    """The chapter's first paragraph of prose, as plain text, for the preview metadata."""
    text = re.sub(r"<!--.*?-->", "", markdown, flags=re.S)
    for block in re.split(r"\n[ \t]*\n", text):
        block = block.strip()
        if not block or block.startswith(("#", "```", "~~~", "!!!", "???", "===", "|", "<", "-", "*", ">")):
            continue
        plain = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", block)
        plain = re.sub(r"[`*_$]", "", plain)
        plain = " ".join(unescape(plain).split())
        return plain if len(plain) <= 200 else plain[:197].rsplit(" ", 1)[0] + "..."
    return ""


def on_files(files: Files, config) -> Files:
    from booktools.notebook import chapter_to_notebook, notebook_json

    start = time.perf_counter()
    _times.clear()
    extra = config["extra"]
    count = 0
    for file in list(files):
        if not is_chapter(file.src_uri):
            continue
        markdown = file.content_string
        _times[file.src_uri] = chapter_time(markdown)
        nb = chapter_to_notebook(
            markdown,
            repository=extra["repository"],
            site_url=config["site_url"] or "",
            source_path=file.src_uri,
            branch=extra.get("branch", "main"),
        )
        name = f"notebooks/{PurePosixPath(file.src_uri).stem}.ipynb"
        files.append(File.generated(config, name, content=notebook_json(nb)))
        count += 1
    log.info("generated %d chapter notebooks in %.1f s", count, time.perf_counter() - start)
    return files


def _cells(times: ChapterTime | None) -> list[str]:
    if times is None:
        return ["&mdash;", "&mdash;"]
    return [duration(times.reading), duration(times.working)]


def _fill_reading_times(markdown: str) -> str:
    """Fill the landing page's times: the two cells of every chapter row, and the totals.

    ``{{ reading_time }}`` in a row becomes two cells, the reading time and the
    working time of the chapter linked on that row; a chapter row that lacks
    the placeholder gets the cells it misses appended.
    ``{{ total_reading_time }}`` and ``{{ total_working_time }}`` become the
    sums over every chapter (of the rounded figures, so that the table adds up).
    """
    lines = markdown.splitlines()
    header = None
    for number, line in enumerate(lines):
        if not line.lstrip().startswith("|"):
            header = None
            continue
        if header is None:
            header = line
            continue
        link = _CHAPTER_LINK.search(line)
        cells = _cells(_times.get(link["path"]) if link else None)
        if PLACEHOLDER in line:
            lines[number] = line.replace(PLACEHOLDER, " | ".join(cells))
        elif link:
            missing = header.rstrip().count("|") - line.rstrip().count("|")
            if missing > 0:
                lines[number] = line.rstrip() + "".join(f" {cell} |" for cell in cells[-missing:])
    text = "\n".join(lines) + "\n"
    text = text.replace(TOTAL_READING, duration(sum(t.reading for t in _times.values())))
    return text.replace(TOTAL_WORKING, duration(sum(t.working for t in _times.values())))


def on_page_markdown(markdown: str, page, config, files: Files) -> str:
    markdown = strip_doctest_directives(markdown)
    src_uri = page.file.src_uri
    if src_uri == "index.md":
        return _fill_reading_times(markdown)
    if src_uri not in _times:
        return markdown
    extra = config["extra"]
    notebook = files.get_file_from_path(f"notebooks/{PurePosixPath(src_uri).stem}.ipynb")
    times = _times[src_uri]
    page.meta["reading_time"] = times.reading
    page.meta["working_time"] = times.working
    page.meta["working_time_text"] = duration(times.working)
    page.meta["time_formula"] = formula()
    page.meta["notebook_url"] = notebook.url_relative_to(page.file)
    page.meta["colab_url"] = (
        "https://colab.research.google.com/github/"
        f"{extra['repository']}/blob/{extra.get('notebooks_branch', 'notebooks')}/"
        f"{PurePosixPath(notebook.src_uri).name}"
    )
    page.meta.setdefault("description", _description(markdown))
    return markdown


def on_page_content(html: str, page, config, files: Files) -> str:
    """Directives in code that reaches a page without passing ``on_page_markdown`` (docstrings)."""
    return strip_doctest_directives_html(html)
