"""MkDocs hook: the explorable figures' data, and their scripts on the pages that show them.

``booktools.explorables`` computes every explorable's data with ``backprop``
(in a fresh process, so ``mkdocs serve`` uses the library as it is on disk,
and again only when that code changed: the result is kept in ``.cache/explorables``);
this hook adds it to the site as ``explorables/<name>.json``. A page that
holds a placeholder ``<div class="bfs-explorable" data-explorable="NAME">``
around its static figure gets the module ``javascripts/explorables/NAME.js``,
which fetches that data and draws the figure's live version; no other page
loads any of it. A placeholder without data or script stops the build; data
that no page shows is a warning (an error under ``--strict``).
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.hooks.explorables")

PLACEHOLDER = re.compile(r'<div\b[^>]*\bdata-explorable="([^"]*)"')
SCRIPTS = "javascripts/explorables"

_names: set[str] = set()  # the explorables with data in this build
_shown: dict[str, list[str]] = {}  # page -> the explorables it shows


def on_files(files: Files, config) -> Files:
    from booktools import explorables

    start = time.perf_counter()
    built = explorables.build(Path(config.config_file_path).parent / ".cache" / "explorables")
    _names.clear()
    _names.update(built)
    _shown.clear()
    docs = Path(config.docs_dir)
    for name, text in sorted(built.items()):
        if not (docs / SCRIPTS / f"{name}.js").is_file():
            raise PluginError(f"explorable {name!r} has data but no script {SCRIPTS}/{name}.js in docs/")
        files.append(File.generated(config, f"explorables/{name}.json", content=text))
    log.info("explorables: %d ready (%s; computed, or read from .cache/explorables) in %.1f s", len(built), ", ".join(sorted(built)),
             time.perf_counter() - start)
    return files


def on_page_content(html: str, page, config, files: Files) -> str:
    names = list(dict.fromkeys(PLACEHOLDER.findall(html)))
    unknown = [name for name in names if name not in _names]
    if unknown:
        raise PluginError(f"{page.file.src_uri}: no explorable named {', '.join(map(repr, unknown))}; "
                          f"booktools.explorables has {', '.join(sorted(_names)) or 'none'}")
    if names:
        _shown[page.file.src_uri] = names
    return html


def on_post_page(output: str, page, config) -> str:
    names = _shown.get(page.file.src_uri)
    if not names:
        return output
    tags = "".join(f'<script type="module" src="{get_relative_url(f"{SCRIPTS}/{name}.js", page.url)}">'
                   "</script>\n" for name in names)
    at = output.rfind("</body>")
    return output[:at] + tags + output[at:] if at >= 0 else output + tags


def on_post_build(config) -> None:
    # A warning, which --strict turns into a failure: `mkdocs serve --dirty` skips unchanged pages.
    unused = sorted(_names - {name for names in _shown.values() for name in names})
    if unused:
        log.warning("explorables computed but shown on no page: %s (wrap the static figure in "
                    '<div class="bfs-explorable" data-explorable="NAME" markdown>)', ", ".join(unused))
