"""The book's figures, drawn from the library by the site build.

Each chapter has one small module here (``ch02_derivatives.py``, ...). A module
declares its figures with the :func:`figure` decorator, naming the file the
figure becomes in the built site::

    @figure("ch02-step-size.svg")
    def step_size_error() -> Figure:
        ...

The site build (``hooks/figures.py``) calls :func:`discover` and writes every
registered figure under ``figures/`` in the site, so a chapter shows it with
``![alt text](figures/ch02-step-size.svg)``. Nothing is committed: figures are
regenerated at every build.

Drawing uses matplotlib's object-oriented API (``matplotlib.figure.Figure``),
never ``pyplot``, so importing this package changes no global backend and
works inside notebooks too. Output is deterministic: SVG files carry no date
and a fixed id salt, PNG files no software stamp, so a rebuild changes no byte.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

from matplotlib import cycler, rc_context
from matplotlib.figure import Figure

from booktools.figures._style import PAPER, SERIES

__all__ = ["FigureSpec", "REGISTRY", "figure", "discover", "render", "STYLE"]

#: What a drawing function may return: a matplotlib figure, or finished bytes
#: (for formats matplotlib's savefig does not write, such as an animated GIF).
Drawing = Union[Figure, bytes]

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.(svg|png|gif)$")

#: rcParams used for every figure: readable on light and dark pages, the book's
#: palette for any line drawn without a colour, and deterministic output.
STYLE = {
    "svg.hashsalt": "backprop-from-scratch",
    "svg.fonttype": "path",
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": PAPER,
    "savefig.facecolor": PAPER,
    "axes.prop_cycle": cycler(color=SERIES),
}


@dataclass(frozen=True)
class FigureSpec:
    """One registered figure: its file name and the function that draws it."""

    name: str
    draw: Callable[[], Drawing]

    @property
    def format(self) -> str:
        return self.name.rsplit(".", 1)[1]


#: Every registered figure, by file name.
REGISTRY: dict[str, FigureSpec] = {}


def figure(name: str) -> Callable[[Callable[[], Drawing]], Callable[[], Drawing]]:
    """Register a drawing function under the file ``name`` (``.svg``, ``.png`` or ``.gif``).

    >>> from booktools.figures import figure, REGISTRY
    >>> @figure("example-figure.svg")
    ... def example():
    ...     return Figure()
    >>> REGISTRY["example-figure.svg"].format
    'svg'
    >>> del REGISTRY["example-figure.svg"]
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            "name must be a lower-case file name ending in .svg, .png or .gif "
            f"(letters, digits and dashes), got {name!r}"
        )

    def register(draw: Callable[[], Drawing]) -> Callable[[], Drawing]:
        if not callable(draw):
            raise TypeError(f"figure {name!r} must decorate a function, got {draw!r}")
        existing = REGISTRY.get(name)
        if existing is not None and existing.draw.__qualname__ != draw.__qualname__:
            raise ValueError(f"figure name {name!r} is registered twice")
        REGISTRY[name] = FigureSpec(name, draw)
        return draw

    return register


def discover() -> list[FigureSpec]:
    """Import every chapter module in this package and return all figures, sorted by name."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return [REGISTRY[name] for name in sorted(REGISTRY)]


def render(spec: FigureSpec) -> bytes:
    """Draw one figure and return the bytes of its file."""
    with rc_context(STYLE):
        drawing = spec.draw()
        if isinstance(drawing, bytes):
            return drawing
        if not isinstance(drawing, Figure):
            raise TypeError(
                f"figure {spec.name!r}: the drawing function must return a "
                f"matplotlib Figure or bytes, got {type(drawing).__name__}"
            )
        buffer = io.BytesIO()
        metadata = {"Date": None} if spec.format == "svg" else {"Software": None}
        drawing.savefig(buffer, format=spec.format, metadata=metadata, bbox_inches="tight")
        return buffer.getvalue()
