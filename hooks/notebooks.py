"""MkDocs hook: a notebook and a reading time for every chapter.

For every chapter ``docs/NN-slug.md`` the build

- generates ``notebooks/NN-slug.ipynb`` from the chapter's Markdown
  (:func:`backprop.notebook.chapter_to_notebook`) and adds it to the site as a
  generated file, so the page can link to it and ``--strict`` checks the link;
- computes how long the chapter takes to read from its word count;
- gives the page's template what it needs for the bar at the top of a chapter
  (reading time, "Download notebook", "Open in Colab") and a description for
  the preview metadata, in ``page.meta``;
- fills the reading times into the table of the landing page: a cell holding
  ``{{ reading_time }}`` gets the time of the chapter linked on the same row
  (a chapter row without that cell gets one appended).

Colab opens notebooks only from GitHub, so "Open in Colab" points at the
generated notebooks on the branch ``extra.notebooks_branch`` of the repository
``extra.repository``; the deploy workflow publishes ``site/notebooks/`` there.
"""

from __future__ import annotations

import logging
import math
import re
import time
from html import unescape
from pathlib import PurePosixPath

from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.notebooks")

CHAPTER = re.compile(r"^(?P<number>\d{2})-[a-z0-9-]+\.md$")
#: Reading speed for technical prose with formulas and code, in words per minute.
WORDS_PER_MINUTE = 180
PLACEHOLDER = "{{ reading_time }}"
_CHAPTER_LINK = re.compile(r"\]\((?P<path>\d{2}-[a-z0-9-]+\.md)(?:#[^)]*)?\)")

_minutes: dict[str, int] = {}


def is_chapter(src_uri: str) -> bool:
    return CHAPTER.match(src_uri) is not None


def reading_minutes(markdown: str) -> int:
    """Minutes to read a chapter: its visible words at ``WORDS_PER_MINUTE``, at least 1.

    Hidden set-up (HTML comments), console output and prompts do not count;
    the code that is read does.
    """
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[-1]
    words = 0
    in_console = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_console = "pycon" in stripped
            continue
        if in_console and not stripped.startswith((">>>", "...")):
            continue  # printed output: glanced at, not read
        words += len(re.findall(r"[A-Za-z0-9_]+", stripped))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


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
    from backprop.notebook import chapter_to_notebook, notebook_json

    start = time.perf_counter()
    _minutes.clear()
    extra = config["extra"]
    count = 0
    for file in list(files):
        if not is_chapter(file.src_uri):
            continue
        markdown = file.content_string
        _minutes[file.src_uri] = reading_minutes(markdown)
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


def _fill_reading_times(markdown: str) -> str:
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
        minutes = _minutes.get(link["path"]) if link else None
        shown = f"{minutes} min" if minutes else "&mdash;"
        if PLACEHOLDER in line:
            lines[number] = line.replace(PLACEHOLDER, shown)
        elif link and line.rstrip().count("|") < header.rstrip().count("|"):
            lines[number] = line.rstrip() + f" {shown} |"
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown: str, page, config, files: Files) -> str:
    src_uri = page.file.src_uri
    if src_uri == "index.md" and PLACEHOLDER in markdown:
        return _fill_reading_times(markdown)
    if src_uri not in _minutes:
        return markdown
    extra = config["extra"]
    notebook = files.get_file_from_path(f"notebooks/{PurePosixPath(src_uri).stem}.ipynb")
    page.meta["reading_time"] = _minutes[src_uri]
    page.meta["notebook_url"] = notebook.url_relative_to(page.file)
    page.meta["colab_url"] = (
        "https://colab.research.google.com/github/"
        f"{extra['repository']}/blob/{extra.get('notebooks_branch', 'notebooks')}/"
        f"{PurePosixPath(notebook.src_uri).name}"
    )
    page.meta.setdefault("description", _description(markdown))
    return markdown
