"""MkDocs hook: draw every registered figure into the site at build time.

The figures are added to MkDocs' file collection as generated files under
``figures/``, so pages link to them like any other file (and ``--strict``
checks those links). ``booktools.figures.cache`` redraws only the figure
modules whose code, imported library code or data changed since the last
build (the cache lives in ``.cache/figures/``), and draws them in a fresh
process, so ``mkdocs serve`` shows a changed figure module or library
function as it is on disk, never as it was when the server started.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.figures")


def on_files(files: Files, config) -> Files:
    from booktools.figures import cache

    start = time.perf_counter()
    built = cache.build(Path(config.config_file_path).parent / ".cache" / "figures")
    for name, content in sorted(built.files.items()):
        files.append(File.generated(config, f"figures/{name}", content=content))
    log.info("figures: %d drawn (%s), %d modules reused from .cache/figures, in %.1f s",
             len(built.drawn), ", ".join(built.drawn) or "none", len(built.reused),
             time.perf_counter() - start)
    return files
