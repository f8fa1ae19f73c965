"""MkDocs hook: a chapter's description for link previews and search engines.

A chapter whose front matter sets no ``description`` gets its first paragraph
of prose (:func:`booktools.pages.description`), which ``overrides/main.html``
writes into the page's description and Open Graph tags.
"""

from __future__ import annotations

from mkdocs.structure.files import Files

from booktools.pages import description, is_chapter


def on_page_markdown(markdown: str, page, config, files: Files) -> str:
    if is_chapter(page.file.src_uri):
        page.meta.setdefault("description", description(markdown))
    return markdown
