"""MkDocs hook: draw every registered figure into the site at build time.

The figures are added to MkDocs' file collection as generated files under
``figures/``, so pages link to them like any other file (and ``--strict``
checks those links). ``booktools.figures.cache`` redraws only the figure
modules whose code, imported library code or data changed since the last
build (the cache lives in ``.cache/figures/``), and draws them in a fresh
process, so ``mkdocs serve`` shows a changed figure module or library
function as it is on disk, never as it was when the server started.

A figure with a narrow variant (``-narrow`` before its extension) is shown
to phones through a ``<picture>`` (:func:`booktools.pictures.add_sources`),
and ``figures/figures.json`` records what was measured of every figure
(size, smallest text), which ``tests/test_phone.py`` reads back.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from mkdocs.structure.files import File, Files

from booktools.images import image_size
from booktools.pictures import add_sources

log = logging.getLogger("mkdocs.hooks.figures")

_narrow: dict[str, tuple[str, tuple[int, int] | None]] = {}  # figure -> its narrow variant and size


def on_files(files: Files, config) -> Files:
    from booktools.figures import cache

    start = time.perf_counter()
    built = cache.build(Path(config.config_file_path).parent / ".cache" / "figures")
    for name, content in sorted(built.files.items()):
        files.append(File.generated(config, f"figures/{name}", content=content))
    _narrow.clear()
    info = {name: dict(built.info[name]) for name in sorted(built.files)}
    for name, entry in info.items():
        if entry.get("wide"):
            _narrow[entry["wide"]] = (name, image_size(built.files[name]))
            info[entry["wide"]]["narrow"] = name
    files.append(File.generated(config, "figures/figures.json",
                                content=json.dumps(info, indent=1, sort_keys=True)))
    log.info("figures: %d drawn (%s), %d modules reused from .cache/figures, in %.1f s",
             len(built.drawn), ", ".join(built.drawn) or "none", len(built.reused),
             time.perf_counter() - start)
    return files


def on_page_content(html: str, page, config, files: Files) -> str:
    return add_sources(html, _narrow)
