"""MkDocs hook: draw every registered figure into the site at build time.

The figures are added to MkDocs' file collection as generated files under
``figures/``, so pages link to them like any other file (and ``--strict``
checks those links), and ``mkdocs serve`` redraws them on every rebuild.
"""

from __future__ import annotations

import logging
import time

from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.figures")


def on_files(files: Files, config) -> Files:
    from booktools import figures

    start = time.perf_counter()
    specs = figures.discover()
    for spec in specs:
        files.append(File.generated(config, f"figures/{spec.name}", content=figures.render(spec)))
    log.info("drew %d figures in %.1f s", len(specs), time.perf_counter() - start)
    return files
