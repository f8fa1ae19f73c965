"""MkDocs hook: each table arrives in Material's scrolling wrapper (:mod:`booktools.tables`).

Material's script would otherwise move every table into that wrapper when the
page loads, and the browser would style each table, math and all, once more.
"""

from __future__ import annotations

from mkdocs.plugins import event_priority

from booktools.tables import wrap_tables


@event_priority(-110)  # after hooks/accessibility.py (-100), which makes tables focusable
def on_post_page(output: str, page, config) -> str:
    return wrap_tables(output)
