"""MkDocs hook: under ``mkdocs serve``, a rebuild reuses what did not change (:mod:`booktools.rebuild`).

Material's search plugin and pymdownx.highlight keep their results by their
whole input, so a one-sentence edit no longer re-reads every page for the
search index or re-colours every code block. ``mkdocs build`` is left as it is.
"""

from __future__ import annotations

from booktools.rebuild import install


def on_startup(command: str, dirty: bool) -> None:
    if command == "serve":
        install()
