"""MkDocs hook: pages show console examples without their ``# doctest:`` comments.

The directives are for the test runner (pytest-doctestplus reads the Markdown
files themselves); a reader should see, and copy, only code. Every page's
Markdown loses them before it is highlighted
(:func:`booktools.console.strip_directives`); the generated notebooks drop
them too (``booktools.notebook``).
"""

from __future__ import annotations

import re

from mkdocs.structure.files import Files

from booktools.console import strip_directives

#: A directive as Pygments renders it (a comment token of its own), for code that
#: reaches a page without passing through ``on_page_markdown`` (docstrings).
_DIRECTIVE_HTML = re.compile(r"[ \t]*<span class=\"c1?\">#[ \t]*doctest:[^<]*</span>")


def on_page_markdown(markdown: str, page, config, files: Files) -> str:
    return strip_directives(markdown, name=page.file.src_uri)


def on_page_content(html: str, page, config, files: Files) -> str:
    return _DIRECTIVE_HTML.sub("", html)
