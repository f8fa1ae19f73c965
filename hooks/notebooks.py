"""MkDocs hook: every chapter is also a notebook, downloadable and openable in Colab.

For every chapter ``docs/NN-slug.md`` the build generates
``notebooks/NN-slug.ipynb`` from the chapter's Markdown
(:func:`booktools.notebook.chapter_to_notebook`) and adds it to the site as a
generated file, so the page can link to it and ``--strict`` checks the link.
The chapter's page gets both addresses in ``page.meta`` for the bar at its top
(``overrides/main.html``): "Download notebook" and "Open in Colab".

Colab opens notebooks only from GitHub, so "Open in Colab" points at the
generated notebooks on the branch ``extra.notebooks_branch`` of the repository
``extra.repository``; the deploy workflow publishes ``site/notebooks/`` there.
"""

from __future__ import annotations

import logging
import time
from pathlib import PurePosixPath

from mkdocs.structure.files import File, Files

from booktools.notebook import chapter_to_notebook, colab_url, notebook_json
from booktools.pages import is_chapter

log = logging.getLogger("mkdocs.hooks.notebooks")


def _notebook_path(src_uri: str) -> str:
    """``02-derivatives.md`` -> ``notebooks/02-derivatives.ipynb``."""
    return f"notebooks/{PurePosixPath(src_uri).stem}.ipynb"


def on_files(files: Files, config) -> Files:
    start = time.perf_counter()
    extra = config["extra"]
    chapters = [file for file in files if is_chapter(file.src_uri)]
    for file in chapters:
        nb = chapter_to_notebook(
            file.content_string,
            repository=extra["repository"],
            site_url=config["site_url"] or "",
            source_path=file.src_uri,
            branch=extra.get("branch", "main"),
        )
        files.append(File.generated(config, _notebook_path(file.src_uri), content=notebook_json(nb)))
    log.info("generated %d chapter notebooks in %.1f s", len(chapters), time.perf_counter() - start)
    return files


def on_page_markdown(markdown: str, page, config, files: Files) -> str:
    if is_chapter(page.file.src_uri):
        extra = config["extra"]
        notebook = files.get_file_from_path(_notebook_path(page.file.src_uri))
        page.meta["notebook_url"] = notebook.url_relative_to(page.file)
        page.meta["colab_url"] = colab_url(
            extra["repository"], extra.get("notebooks_branch", "notebooks"), PurePosixPath(notebook.src_uri).name
        )
    return markdown
