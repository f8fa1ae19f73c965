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

from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

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


def new_figure(width: float = 7.0, height: float = 4.0, ncols: int = 1):
    """A figure with ``ncols`` axes side by side; returns ``(figure, axes)``."""
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols)
    return fig, axes
