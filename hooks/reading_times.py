"""MkDocs hook: how long each chapter takes, on its page and in the landing page's table.

The times are counted from each chapter's Markdown by
:func:`booktools.reading_time.chapter_time` (the formula is stated on the
landing page). A chapter's page gets both times and the formula in
``page.meta``, for the bar at its top (``overrides/main.html``); the landing
page's placeholders (``{{ reading_time }}`` in a chapter's row, and the
totals) are filled by :func:`booktools.reading_time.fill_times`.
"""

from __future__ import annotations

from mkdocs.structure.files import Files

from booktools.pages import is_chapter
from booktools.reading_time import ChapterTime, chapter_time, duration, fill_times, formula

#: The counts of every chapter of the current build, by its path in ``docs/``.
_times: dict[str, ChapterTime] = {}


def on_files(files: Files, config) -> Files:
    _times.clear()
    _times.update({file.src_uri: chapter_time(file.content_string) for file in files if is_chapter(file.src_uri)})
    return files


def on_page_markdown(markdown: str, page, config, files: Files) -> str:
    src_uri = page.file.src_uri
    if src_uri == "index.md":
        return fill_times(markdown, _times)
    times = _times.get(src_uri)
    if times is not None:
        page.meta["reading_time"] = times.reading
        page.meta["working_time"] = times.working
        page.meta["working_time_text"] = duration(times.working)
        page.meta["time_formula"] = formula()
    return markdown
