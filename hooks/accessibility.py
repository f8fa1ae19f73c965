"""MkDocs hook: what a keyboard or screen-reader user needs that the tools leave out.

mkdocs-jupyter renders a notebook through nbconvert, which gives every plot the
alt text "No description has been provided for this image" and makes the box
*around* each code cell focusable rather than the code itself, which scrolls
sideways when a line is long. On each notebook page:

- each image a code cell draws gets the alt text of that cell's ``alt``
  metadata (a string, or a list with one string per image); a cell that draws
  an image without one stops the build, naming the notebook and the cell;
- each code cell's scrolling code (``div.highlight-ipynb``) is the one tab stop
  of its input, so arrow keys scroll it (axe: scrollable-region-focusable).

On every page, display math, tables and code blocks, which scroll sideways on a
phone, are focusable for the same reason: ``div.arithmatex`` on a Markdown
page, KaTeX's ``span.katex-display`` on a notebook page (when the math is
rendered at build time), each ``table`` (a focusable table makes Material's
scrolling wrapper reachable) and each code block's ``code``. Material's script
makes a code block focusable only when it sets the block up, which it does as
the block scrolls into view (``content.lazy`` in mkdocs.yml); it then drops
the tab stop of a block that does not scroll.

tests/test_accessibility.py runs axe-core on the built pages.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

PLACEHOLDER = "No description has been provided for this image"
_PLACEHOLDER_ALT = f'alt="{PLACEHOLDER}"'
# A code cell's opening tags (nbconvert nests two divs of the same classes).
_CODE_CELL = re.compile(r'(?:<div\b[^>]*\bclass="jp-Cell jp-CodeCell\b[^>]*>\s*)+')
_INPUT_WRAPPER = '<div class="jp-Cell-inputWrapper" tabindex="0">'
_CODE = re.compile(r'<div class="(highlight-ipynb[^"]*)">')
_SCROLLERS = {'<div class="arithmatex">': '<div class="arithmatex" tabindex="0">',
              "<table>": '<table tabindex="0">',  # Markdown's and mkdocstrings' tables
              "<pre><span></span><code>": '<pre><span></span><code tabindex="0">'}  # Pygments' code blocks
_NOTEBOOK_SCROLLERS = {'<span class="katex-display">': '<span class="katex-display" tabindex="0">'}


def on_page_content(content: str, page, config, files: Files) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return content
    cells = json.loads(Path(page.file.abs_src_path).read_text(encoding="utf-8"))["cells"]
    alts = [cell.get("metadata", {}).get("alt") for cell in cells if cell["cell_type"] == "code"]
    content = _alt_texts(content, alts, page.file.src_uri)
    # One tab stop per code cell: the code that scrolls, not the box around it.
    return _CODE.sub(r'<div class="\1" tabindex="0">',
                     content.replace(_INPUT_WRAPPER, '<div class="jp-Cell-inputWrapper">'))


@event_priority(-100)  # last: hooks/math.py finds the math by this very tag
def on_post_page(output: str, page, config) -> str:
    notebook = page.file.src_uri.endswith(".ipynb")
    for tag, focusable in {**_SCROLLERS, **(_NOTEBOOK_SCROLLERS if notebook else {})}.items():
        output = output.replace(tag, focusable)
    return output


def _alt_texts(content: str, alts: list, name: str) -> str:
    """Each code cell's images get the alt text of its metadata, in order."""
    starts = [m.start() for m in _CODE_CELL.finditer(content)]
    if _PLACEHOLDER_ALT in content and len(starts) != len(alts):
        raise PluginError(f"{name}: {len(alts)} code cells in the notebook but {len(starts)} "
                          "on the page; cannot tell which cell drew which image")
    pieces = [content[:starts[0]] if starts else content]
    for number, (start, end) in enumerate(zip(starts, starts[1:] + [len(content)])):
        cell, alt = content[start:end], alts[number] if number < len(alts) else None
        texts = [alt] if isinstance(alt, str) else list(alt or [])
        images = cell.count(_PLACEHOLDER_ALT)
        if images and len(texts) != images:
            raise PluginError(
                f"{name}: code cell {number + 1} draws {images} image(s) and its metadata gives "
                f"{len(texts)} alt text(s); add \"alt\": \"<what the plot shows>\" (a list for "
                "several images) to the cell's metadata")
        for text in texts[:images]:
            cell = cell.replace(_PLACEHOLDER_ALT, f'alt="{html.escape(text, quote=True)}"', 1)
        pieces.append(cell)
    return "".join(pieces)
