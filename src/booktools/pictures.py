"""Figures a phone can read: a figure with a narrow variant is served as a ``<picture>``.

A figure module may draw a figure twice (``@figure("ch05-x.svg", narrow=True)``,
see :mod:`booktools.figures`): wide for a desktop page, and narrow, with its
panels stacked and its text enlarged, for a phone. The page keeps its plain
``![alt](figures/ch05-x.svg)``; at build time ``hooks/figures.py`` passes each
page through :func:`add_sources`, which wraps such an image in a
``<picture>`` whose ``<source>`` gives the narrow file to screens up to
:data:`PHONE_MEDIA` wide. The ``<img>`` keeps its alt text and everything
else, so a browser without ``<picture>`` (or a wide screen) shows the wide figure.
"""

from __future__ import annotations

import re

__all__ = ["PHONE_MEDIA", "add_sources"]

#: Screens that get the narrow variants: Material's own phone and small-tablet
#: layout (below 45em, the width at which its header and sidebars change too).
PHONE_MEDIA = "(max-width: 44.984375em)"

_IMG = re.compile(r"(?P<picture><picture>\s*(?:<source\b[^>]*>\s*)*)?<img\b(?P<attrs>[^>]*?)\s*/?>", re.S)
_SRC = re.compile(r"""\ssrc\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""")


def add_sources(page: str, narrow: dict[str, tuple[str, tuple[int, int] | None]]) -> str:
    """``page`` with every image of a figure that has a narrow variant wrapped in a ``<picture>``.

    ``narrow`` maps a figure's file name to its narrow variant's file name and
    size in CSS pixels (written on the ``<source>``, so the browser reserves
    the narrow figure's box). Only images under a ``figures/`` folder are
    changed, and an image already in a ``<picture>`` is left alone.

    >>> narrow = {"x.svg": ("x-narrow.svg", (400, 600))}
    >>> print(add_sources('<p><img alt="A" src="../figures/x.svg"></p>', narrow))
    <p><picture><source media="(max-width: 44.984375em)" srcset="../figures/x-narrow.svg" width="400" height="600"><img alt="A" src="../figures/x.svg"></picture></p>
    >>> add_sources('<img alt="B" src="figures/y.svg">', narrow)
    '<img alt="B" src="figures/y.svg">'
    """

    def wrap(match: re.Match) -> str:
        if match["picture"]:
            return match[0]
        found = _SRC.search(match["attrs"])
        src = (found["dq"] if found["dq"] is not None else found["sq"]) if found else ""
        folder, _, name = src.rpartition("/")
        if not (folder == "figures" or folder.endswith("/figures")) or name not in narrow:
            return match[0]
        variant, size = narrow[name]
        sizes = f' width="{size[0]}" height="{size[1]}"' if size else ""
        source = f'<source media="{PHONE_MEDIA}" srcset="{folder}/{variant}"{sizes}>'
        return f"<picture>{source}{match[0]}</picture>"

    return _IMG.sub(wrap, page)
