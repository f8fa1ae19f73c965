"""MkDocs hook: images with their size, and lazy loading below the first one.

Each page's content goes through :func:`booktools.images.add_attributes`, which
reads every image's size from the file the build has for it (figures drawn by
``hooks/figures.py`` included) and from ``data:`` images (a notebook's plots).
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

from mkdocs.structure.files import Files

from booktools.images import add_attributes


def on_page_content(html: str, page, config, files: Files) -> str:
    by_url = {file.url: file for file in files}
    base = posixpath.dirname(page.url)  # the folder the page's relative links start from

    def read(src: str) -> bytes | None:
        url = urlsplit(src)
        if url.scheme or url.netloc or not url.path:
            return None  # another site: not ours to read
        path = posixpath.normpath(posixpath.join(base, unquote(url.path))).lstrip("/")
        file = by_url.get(path)
        return file.content_bytes if file is not None else None

    return add_attributes(html, read)
