"""MkDocs hook: the math is rendered into the pages when the site is built.

Pages ship KaTeX's HTML and CSS, and no math script. The formulas of every
page (arithmatex's markup; a notebook's ``$...$`` too) are collected as the
pages are converted, rendered together in one Node process once all pages are
known (:class:`booktools.math_render.Renderer`, cached in ``.cache/katex/``),
and put into each page's final HTML, whose ``<head>`` then links KaTeX's
stylesheet: pages without math do not load it. The search index keeps the
TeX, as before. A TeX error stops the build, naming the page and the formula.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.utils import get_relative_url

from booktools.math_render import Math, MathError, Renderer, find, has_math, replace

log = logging.getLogger("mkdocs.hooks.math")

CSS = "assets/katex/katex.min.css"
#: Fonts linked for preloading on a page with math: font -> the class of KaTeX's HTML that uses it.
PRELOAD = {"assets/katex/fonts/KaTeX_Main-Regular.woff2": 'class="katex"',
           "assets/katex/fonts/KaTeX_Math-Italic.woff2": "mathnormal"}

_renderer: Renderer | None = None
_formulas: dict[Math, str] = {}  # every formula of this build -> the first page that has it


def _is_notebook(page) -> bool:
    return page.file.src_uri.endswith(".ipynb")


def on_pre_build(config) -> None:
    global _renderer
    _renderer = Renderer(cache_dir=Path(config.config_file_path).parent / ".cache" / "katex")
    _formulas.clear()


def on_page_content(html: str, page, config, files: Files) -> str:
    for math in find(html, notebook=_is_notebook(page)):
        _formulas.setdefault(math, page.file.src_uri)
    return html


def _render(formulas) -> int:
    try:
        rendered = _renderer.render(formulas)
    except MathError as error:
        raise PluginError(str(error)) from None
    for warning in _renderer.warnings:
        log.warning("KaTeX: %s", warning)
    _renderer.warnings.clear()
    return rendered


def on_env(env, config, files: Files):
    start = time.perf_counter()
    rendered = _render(_formulas)
    log.info("math: %d formulas, %d rendered by KaTeX %s in Node, the others read from .cache/katex, in %.1f s",
             len(_formulas), rendered, _renderer.version, time.perf_counter() - start)
    return env


def on_post_page(output: str, page, config) -> str:
    notebook = _is_notebook(page)
    if not has_math(output, notebook=notebook):
        return output
    _render({math: page.file.src_uri for math in find(output, notebook=notebook)})  # none new, normally
    output = replace(output, _renderer.__getitem__, notebook=notebook)
    # KaTeX's stylesheet goes before the first extra_css sheet, so that the book's own CSS wins.
    link = f'<link rel="stylesheet" href="{get_relative_url(CSS, page.url)}">\n    '
    # KaTeX's fonts block the text they set until they arrive (font-display:
    # block), and the browser finds them only once the page is laid out: the
    # two that nearly every formula uses are asked for with the stylesheet.
    for font, used in PRELOAD.items():
        if used in output:
            link += (f'<link rel="preload" href="{get_relative_url(font, page.url)}" as="font" '
                     'type="font/woff2" crossorigin>\n    ')
    first = re.search(r'<link rel="stylesheet" href="[^"]*\b(?:%s)"' % "|".join(
        re.escape(str(css)) for css in config["extra_css"]), output) if config["extra_css"] else None
    at = first.start() if first else output.find("</head>")
    return output[:at] + link + output[at:] if at >= 0 else output


def on_post_build(config) -> None:
    _renderer.save()
