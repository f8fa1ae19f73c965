"""The book's one palette, and small drawing helpers shared by the chapter figure modules.

Every colour a figure uses comes from here, named for what it shows rather
than for its hue, so the same thing has the same colour in every chapter:
central differences are teal in chapter 2 and in chapter 12, backpropagation
is deep blue in chapters 5, 6, 7 and 12 (its backward arrows and gradients
included), and each optimizer and activation function keeps its colour across
chapters 9 and 10. No chapter module writes a colour of its own
(``tests/test_figure_style.py`` checks that).

The palette is checked against a white page (``tests/test_figure_style.py``):
every colour drawn as a line, marker or bar has a contrast ratio of at least
3:1 (WCAG's rule for graphical objects), every colour text is written in at
least 4.5:1. Colours drawn side by side stay apart under red-green colour
blindness (orange against bluish green, not red against green), and where two
lines could still be confused a line style or a label tells them apart too.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
import textwrap
from collections.abc import Iterator

from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text

# Neutrals.
INK = "black"  #: text, the function a figure is about, reference lines
PAPER = "white"  #: the page; text drawn on a dark mark
GREY = "#757575"  #: secondary reference lines and notes
LIGHT_GREY = "#8f8f8f"  #: context drawn behind the data (contours), a baseline bar

# The series of the network chapters (8-11), in the order a plot uses them.
BLUE, ORANGE, GREEN, PURPLE = "#3f51b5", "#c65102", "#007a5e", "#8e24aa"
SERIES = (BLUE, ORANGE, GREEN, PURPLE, GREY)

#: One colour per way of computing a derivative or a gradient, in every chapter.
METHODS = {
    "forward": "#d1495b",  # forward differences (and the source tutorial's h = 1e-12)
    "central": "#00798c",  # central differences
    "complex": "#a6761d",  # the complex step
    "richardson": PURPLE,  # Richardson extrapolation, derivative()'s default
    "numeric": ORANGE,  # a gradient from numeric partial derivatives of the whole function
    "chain": "#aa3377",  # the chain rule with numeric local derivatives (chapter 6)
    "backprop": "#1d3b8a",  # backpropagation: the analytic gradient, the backward pass
    "pytorch": "#66788a",  # PyTorch's autograd (chapter 12)
}

#: Chapter 12's second bar of a pair: backpropagation with the garbage collector off.
BACKPROP_LIGHT = "#6a8fbf"

#: The classes of a classification problem, class 0 first.
CLASSES = (BLUE, ORANGE, GREEN)

#: One colour per optimizer (chapters 9 and 10).
OPTIMIZERS = {"SGD": BLUE, "momentum": ORANGE, "Adam": GREEN}

#: One colour per activation function (chapter 10).
ACTIVATIONS = {"sigmoid": ORANGE, "tanh": GREEN, "relu": BLUE}

#: A line fitted to data (chapters 5 and 6): the points, the fitted line, and the
#: true line they came from, which is also the colour of an exact tangent (chapters 2, 4).
DATA, FIT, TRUE = "#66788a", "#d1495b", "#003d5b"

#: A target or threshold a measurement is held to (chapters 8 and 12).
TARGET = "#2e7d32"

#: The computation-graph drawings (chapters 6 and 7): node fills, arrows, and the
#: backward pass and gradients, which are backpropagation's colour.
GRAPH = {
    "input": "#dbe9f6",
    "operation": "#fde6cc",
    "output": "#d5efd5",
    "edge": "#4d4d4d",
    "forward": "#262626",
    "backward": METHODS["backprop"],
}

#: The parts of the book on the landing page's path.
PARTS = {"Calculus": "#30638e", "Learning": "#00798c", "Networks": "#b5334a", "Beyond": "#8c6d1f"}

#: Colour maps: error contours, counts (a confusion matrix), the digits' pixels.
CMAPS = {"contours": "Greys_r", "counts": "Blues", "pixels": "gray_r"}

#: Colours only ever filled behind dark text or lines (exempt from the 3:1 rule).
FILLS = (PAPER, GRAPH["input"], GRAPH["operation"], GRAPH["output"])

#: Colours some figure writes text in (held to 4.5:1 against the page).
TEXT = (INK, GREY, ORANGE, TARGET, GRAPH["forward"], GRAPH["backward"], *PARTS.values())


def palette() -> dict[str, str]:
    """Every named colour, by role: ``{"methods.central": "#00798c", ...}``.

    >>> palette()["methods.central"] == METHODS["central"]
    True
    """
    named = {"ink": INK, "paper": PAPER, "grey": GREY, "light_grey": LIGHT_GREY,
             "backprop_light": BACKPROP_LIGHT, "data": DATA, "fit": FIT, "true": TRUE,
             "target": TARGET}
    named.update({f"series.{k}": c for k, c in enumerate(SERIES)})
    named.update({f"classes.{k}": c for k, c in enumerate(CLASSES)})
    for group, colours in (("methods", METHODS), ("optimizers", OPTIMIZERS),
                           ("activations", ACTIVATIONS), ("graph", GRAPH), ("parts", PARTS)):
        named.update({f"{group}.{key}": c for key, c in colours.items()})
    return named


def contrast(colour: str, background: str = PAPER) -> float:
    """WCAG 2 contrast ratio of ``colour`` against ``background`` (1 to 21).

    >>> round(contrast("black"), 1)
    21.0
    >>> round(contrast(METHODS["central"]), 2)
    5.1
    """

    def luminance(c: str) -> float:
        r, g, b = (v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in to_rgb(c))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def new_figure(width: float = 7.0, height: float = 4.0, ncols: int = 1, *, narrow: bool = False,
               panel_height: float | None = None):
    """A figure with ``ncols`` axes side by side; returns ``(figure, axes)``.

    With ``narrow=True`` (a figure's phone variant) the axes are stacked in
    one column :data:`NARROW_WIDTH` inches wide, each ``panel_height`` inches
    tall (by default the wide figure's height, less a tenth per extra panel).
    """
    if narrow:
        each = panel_height if panel_height is not None else height * (1.0 if ncols == 1 else 0.9)
        fig = Figure(figsize=(NARROW_WIDTH, each * ncols), layout="constrained")
        return fig, fig.subplots(ncols, 1)
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols)
    return fig, axes


# ---------------------------------------------------------------- phones

#: The smallest text a figure may show, in CSS pixels, on a 390 px phone.
PHONE_TEXT_PX = 9.0

#: How wide a 390 px phone shows a figure, in CSS pixels: the screen less the
#: page's margins (2 × 16 px) and the figure's padding (2 × 4 px, extra.css).
#: ``tests/test_phone.py`` measures the real width in a browser.
PHONE_SHOWN_PX = 350

#: Width in inches of a figure's narrow variant, the one a phone gets.
NARROW_WIDTH = 4.2

#: Mathtext draws sub- and superscripts (and a fraction's parts) this much
#: smaller than the text's font size (matplotlib's ``SHRINK_FACTOR``).
SCRIPT_SHRINK = 0.7
_SCRIPTED = re.compile(r"[_^]|\\frac")

#: savefig(bbox_inches="tight") leaves this much room around the drawing, in inches.
_TIGHT_PAD = 0.1


def script_shrink(text: Text) -> float:
    """The factor the smallest glyph of ``text`` is drawn at: 0.7 for mathtext with scripts, else 1.

    >>> script_shrink(Text(text="$10^{-3}$")), script_shrink(Text(text="x = 3"))
    (0.7, 1.0)
    """
    string = text.get_text()
    _, is_math = text._preprocess_math(string)
    return SCRIPT_SHRINK if is_math and _SCRIPTED.search(string) else 1.0


@contextlib.contextmanager
def texts_drawn() -> Iterator[list[tuple[float, str, Text]]]:
    """Record every text matplotlib draws meanwhile: (height in the renderer's units, string, artist).

    The height is the font size converted by the renderer (points for SVG,
    pixels at the figure's dpi for PNG) times :func:`script_shrink`. Tick
    labels, legends, titles and annotations all draw through ``Text.draw``;
    invisible and empty texts draw nothing and are not recorded.
    """
    drawn: list[tuple[float, str, Text]] = []
    original = Text.draw

    @functools.wraps(original)
    def draw(self, renderer, *args, **kwargs):
        string = self.get_text()
        if self.get_visible() and string.strip() and renderer is not None:
            size = renderer.points_to_pixels(self.get_fontsize()) * script_shrink(self)
            drawn.append((float(size), string, self))
        return original(self, renderer, *args, **kwargs)

    Text.draw = draw
    try:
        yield drawn
    finally:
        Text.draw = original


def fold(text: str, width: int = 36) -> str:
    """``text`` broken into lines of at most ``width`` characters, never inside ``$...$`` math.

    For the titles and labels of a narrow variant, where a wide figure's line would
    not fit.

    >>> print(fold("Above the best straight line: $(a)$, $(b)$ and $(c)$ coincide", 30))
    Above the best straight line:
    $(a)$, $(b)$ and $(c)$ coincide
    """
    protected = re.sub(r"\$[^$]*\$", lambda m: m[0].replace(" ", "\0"), text)
    return textwrap.fill(protected, width, break_long_words=False, break_on_hyphens=False).replace("\0", " ")


def _tick_axes(fig: Figure) -> dict[int, tuple[object, str]]:
    """id(tick label) -> (the axis it labels, "major" or "minor"), for every axis of ``fig``."""
    owners: dict[int, tuple[object, str]] = {}
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis, getattr(ax, "zaxis", None)):
            if axis is None:
                continue
            for which, ticks in (("major", axis.majorTicks), ("minor", axis.minorTicks)):
                for tick in ticks:
                    owners[id(tick.label1)] = owners[id(tick.label2)] = (axis, which)
    return owners


def phone_text(fig: Figure, *, shown_px: float = PHONE_SHOWN_PX, text_px: float = PHONE_TEXT_PX) -> Figure:
    """Enlarge every text of ``fig`` that a phone, showing it ``shown_px`` wide, would show under ``text_px``.

    The figure is drawn (without output) to find its texts and the width
    savefig's tight bounding box will have; each text drawn too small gets
    the font size it needs, in whole half points, with a 3 % margin (tick
    labels through their axis, so ticks made later match). Enlarged text
    widens the figure a little, so this repeats until nothing changes.
    A narrow variant's drawing function ends with ``return phone_text(fig)``.

    >>> fig = Figure(figsize=(NARROW_WIDTH, 3))
    >>> ax = fig.subplots()
    >>> _ = ax.set_title("small", fontsize=5)
    >>> _ = ax.set_xlabel("$x_1$", fontsize=8)
    >>> ax = phone_text(fig).axes[0]
    >>> ax.title.get_fontsize(), ax.xaxis.label.get_fontsize()
    (7.5, 11.0)
    """
    for _ in range(5):
        with texts_drawn() as drawn:
            fig.draw_without_rendering()
        renderer = fig._get_renderer()
        width_pt = (fig.get_tightbbox(renderer).width + 2 * _TIGHT_PAD) * 72
        needed_pt = text_px * width_pt / shown_px * 1.03  # smallest glyph, in points
        owners = _tick_axes(fig)
        changed = False
        for size, _, text in drawn:
            glyph_pt = size / renderer.points_to_pixels(1.0)
            if glyph_pt >= needed_pt:
                continue
            fontsize = math.ceil(2 * needed_pt / script_shrink(text)) / 2
            owner = owners.get(id(text))
            if owner is not None:
                axis, which = owner
                axis.set_tick_params(which=which, labelsize=fontsize)
            else:
                text.set_fontsize(fontsize)
            changed = True
        if not changed:
            return fig
    raise ValueError("phone_text: the figure's text keeps outgrowing its width; draw it narrower")
