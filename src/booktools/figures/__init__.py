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

import functools
import importlib
import io
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

from matplotlib import cycler, rc_context
from matplotlib.figure import Figure
from matplotlib.text import Text

from booktools.figures._style import PAPER, PHONE_TEXT_PX, SERIES, texts_drawn
from booktools.images import image_size

__all__ = ["FigureSpec", "FigureInfo", "REGISTRY", "figure", "discover", "render", "render_with_info",
           "narrow_name", "STYLE", "PHONE_TEXT_PX"]

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
    """One registered figure: its file name and the function that draws it.

    A narrow variant (``ch05-x-narrow.svg``, drawn by the same function called
    with ``narrow=True``) names the figure it stands in for on a phone in ``wide``.
    """

    name: str
    draw: Callable[[], Drawing]
    module: str = ""
    wide: str | None = None

    @property
    def format(self) -> str:
        return self.name.rsplit(".", 1)[1]

    @property
    def function(self) -> Callable[..., Drawing]:
        """The decorated drawing function (for a narrow variant, the one it calls with ``narrow=True``)."""
        return getattr(self.draw, "func", self.draw)


@dataclass(frozen=True)
class FigureInfo:
    """What a phone needs to know about a figure file, measured when it is drawn.

    ``width`` and ``height`` are the file's own size (CSS pixels for an SVG, as
    ``booktools.images.image_size`` reads them; pixels for a PNG or GIF), and
    ``text`` the height of its smallest text in the same units: shown ``d``
    pixels wide, that text is ``text * d / width`` CSS pixels tall.
    ``smallest`` is that text itself. ``text`` is None for a figure without text.
    """

    width: float
    height: float
    text: float | None
    smallest: str = ""

    def text_at(self, displayed_width: float) -> float | None:
        """Height in CSS pixels of the smallest text when the figure is shown ``displayed_width`` px wide.

        >>> FigureInfo(width=600, height=400, text=12.0).text_at(300)
        6.0
        """
        return None if self.text is None else self.text * displayed_width / self.width

    def as_json(self) -> dict:
        return {"width": self.width, "height": self.height, "text": self.text, "smallest": self.smallest}


#: Every registered figure, by file name.
REGISTRY: dict[str, FigureSpec] = {}


def narrow_name(name: str) -> str:
    """The file name of a figure's narrow variant.

    >>> narrow_name("ch05-learning-rates.svg")
    'ch05-learning-rates-narrow.svg'
    """
    stem, ext = name.rsplit(".", 1)
    return f"{stem}-narrow.{ext}"


def figure(name: str, *, narrow: bool = False) -> Callable[[Callable[..., Drawing]], Callable[..., Drawing]]:
    """Register a drawing function under the file ``name`` (``.svg``, ``.png`` or ``.gif``).

    With ``narrow=True`` the function takes a keyword argument ``narrow`` and
    is registered twice: ``name`` as drawn by ``draw()``, for a wide page, and
    :func:`narrow_name` of it as drawn by ``draw(narrow=True)``, the variant a
    phone gets (panels stacked, fewer inches, so its text stays readable).

    >>> from booktools.figures import figure, REGISTRY
    >>> @figure("example-figure.svg", narrow=True)
    ... def example(narrow=False):
    ...     return Figure(figsize=(4, 6) if narrow else (8, 3))
    >>> REGISTRY["example-figure.svg"].format, REGISTRY["example-figure-narrow.svg"].wide
    ('svg', 'example-figure.svg')
    >>> del REGISTRY["example-figure.svg"], REGISTRY["example-figure-narrow.svg"]
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            "name must be a lower-case file name ending in .svg, .png or .gif "
            f"(letters, digits and dashes), got {name!r}"
        )
    if narrow and name.rsplit(".", 1)[0].endswith("-narrow"):
        raise ValueError(f"name of a figure with a narrow variant must not end in -narrow, got {name!r}")

    def add(spec: FigureSpec) -> None:
        existing = REGISTRY.get(spec.name)
        if existing is not None and existing.function.__qualname__ != spec.function.__qualname__:
            raise ValueError(f"figure name {spec.name!r} is registered twice")
        REGISTRY[spec.name] = spec

    def register(draw: Callable[..., Drawing]) -> Callable[..., Drawing]:
        if not callable(draw):
            raise TypeError(f"figure {name!r} must decorate a function, got {draw!r}")
        module = getattr(draw, "__module__", "") or ""
        add(FigureSpec(name, draw, module))
        if narrow:
            add(FigureSpec(narrow_name(name), functools.partial(draw, narrow=True), module, wide=name))
        return draw

    return register


def discover() -> list[FigureSpec]:
    """Import every chapter module in this package and return all figures, sorted by name."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return [REGISTRY[name] for name in sorted(REGISTRY)]


def _info(data: bytes, fmt: str, drawn: list[tuple[float, str, Text]]) -> FigureInfo:
    size = image_size(data)
    if size is None:
        raise ValueError(f"cannot read the size of a drawn .{fmt} file")
    # an SVG's size is in points, which image_size converts to CSS pixels (4/3 px per pt);
    # a PNG's or GIF's is in pixels, the unit its renderer measured the text in
    scale = 4 / 3 if fmt == "svg" else 1.0
    smallest = min(drawn, key=lambda item: item[0], default=None)
    text = None if smallest is None else round(smallest[0] * scale, 3)
    return FigureInfo(width=size[0], height=size[1], text=text, smallest=smallest[1] if smallest else "")


def render_with_info(spec: FigureSpec) -> tuple[bytes, FigureInfo]:
    """Draw one figure; return the bytes of its file and what was measured while drawing it.

    A figure drawn as finished bytes (an animated GIF) is measured while its
    function draws its frames, at the dpi they are drawn at.
    """
    with rc_context(STYLE):
        with texts_drawn() as drawn:
            drawing = spec.draw()
        if isinstance(drawing, bytes):
            return drawing, _info(drawing, spec.format, drawn)
        if not isinstance(drawing, Figure):
            raise TypeError(
                f"figure {spec.name!r}: the drawing function must return a "
                f"matplotlib Figure or bytes, got {type(drawing).__name__}"
            )
        buffer = io.BytesIO()
        metadata = {"Date": None} if spec.format == "svg" else {"Software": None}
        with texts_drawn() as drawn:
            drawing.savefig(buffer, format=spec.format, metadata=metadata, bbox_inches="tight")
        data = buffer.getvalue()
        return data, _info(data, spec.format, drawn)


def render(spec: FigureSpec) -> bytes:
    """Draw one figure and return the bytes of its file."""
    return render_with_info(spec)[0]
