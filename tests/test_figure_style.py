"""Every figure takes its colours from the one palette in ``booktools/figures/_style.py``.

No other module of the figures package writes a colour (a hex value, a named or
grey-level colour, a ``tab:`` colour, a colour letter in a plot format, a colour
map's name); the palette gives each method one colour of its own; every colour
drawn on the white page is visible (WCAG contrast 3:1 for lines and marks, 4.5:1
for text); and colours drawn side by side stay apart under red-green colour
blindness.
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes._base import _process_plot_format
from matplotlib.colors import CSS4_COLORS, to_rgb

from booktools.figures import _style
from booktools.figures._style import (
    ACTIVATIONS, CLASSES, FILLS, GRAPH, METHODS, OPTIMIZERS, TEXT, contrast, palette,
)

FIGURES = Path(_style.__file__).parent
MODULES = sorted(p for p in FIGURES.glob("*.py") if p.name != "_style.py")

HEX = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})\b")
GREY_LEVEL = re.compile(r"^(?:0?\.\d+|0|1|1\.0*)$")
COLOUR_ARGUMENTS = {
    "color", "colors", "colour", "c", "facecolor", "facecolors", "edgecolor", "edgecolors",
    "markeredgecolor", "markerfacecolor", "mec", "mfc", "cmap",
}
PLOTS = {"plot", "semilogx", "semilogy", "loglog"}


def colour_literals(source: str) -> list[tuple[int, str]]:
    """Every place ``source`` writes a colour itself: ``(line, what)``.

    >>> colour_literals('ax.plot(x, y, "k--", color="#ff0000")')
    [(1, "'#ff0000'"), (1, "'k--'")]
    >>> colour_literals('ax.plot(x, y, "o-", color=METHODS["central"], edgecolors="none")')
    []
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.strip()
            if (HEX.search(text) or text.lower() in CSS4_COLORS or GREY_LEVEL.match(text)
                    or text.startswith(("tab:", "xkcd:"))):
                found.append((node.lineno, repr(node.value)))
        elif isinstance(node, ast.keyword) and node.arg in COLOUR_ARGUMENTS:
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value != "none":
                found.append((value.lineno, repr(value.value)))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if (isinstance(key, ast.Constant) and key.value in COLOUR_ARGUMENTS
                        and isinstance(value, ast.Constant) and isinstance(value.value, str)
                        and value.value != "none"):
                    found.append((value.lineno, repr(value.value)))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in PLOTS):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    try:
                        colour = _process_plot_format(arg.value)[2]
                    except ValueError:
                        continue
                    if colour is not None:
                        found.append((arg.lineno, repr(arg.value)))
    return sorted(set(found), key=lambda hit: (hit[0], hit[1]))


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_no_module_writes_its_own_colour(module):
    hits = colour_literals(module.read_text(encoding="utf-8"))
    assert not hits, (
        f"{module.name} writes colours itself; take them from _style.py instead: "
        + ", ".join(f"line {line}: {what}" for line, what in hits)
    )


def test_no_hex_colour_outside_the_style_module():
    hits = [f"{module.name}:{number}: {line.strip()}"
            for module in MODULES
            for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1)
            if HEX.search(line)]
    assert not hits, "hex colours outside _style.py:\n" + "\n".join(hits)


def test_each_method_has_one_colour_of_its_own():
    assert {"forward", "central", "complex", "richardson", "numeric", "chain", "backprop"} <= set(METHODS)
    colours = [to_rgb(c) for c in METHODS.values()]
    assert len(set(colours)) == len(colours), f"two methods share a colour: {METHODS}"
    assert GRAPH["backward"] == METHODS["backprop"], "the backward pass is backpropagation's colour"


@pytest.mark.parametrize("group", [CLASSES, tuple(OPTIMIZERS.values()), tuple(ACTIVATIONS.values())])
def test_colours_drawn_together_differ(group):
    assert len({to_rgb(c) for c in group}) == len(group)


def test_every_mark_stands_out_from_the_page():
    for role, colour in palette().items():
        if colour not in FILLS:
            assert contrast(colour) >= 3.0, f"{role} {colour}: contrast {contrast(colour):.2f} < 3:1"


def test_every_text_colour_is_readable():
    for colour in TEXT:
        assert contrast(colour) >= 4.5, f"text colour {colour}: contrast {contrast(colour):.2f} < 4.5:1"


# Machado, Oliveira and Fernandes (2009), full severity, on linear RGB.
DEFICIENCIES = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
}


def _lab(colour: str, deficiency: str) -> np.ndarray:
    rgb = np.array(to_rgb(colour))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    linear = np.clip(np.array(DEFICIENCIES[deficiency]) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


#: Colours that one figure draws side by side, told apart by colour.
SIDE_BY_SIDE = {
    "ch02 methods": [METHODS[m] for m in ("forward", "central", "complex")],
    "ch06 three ways": [METHODS[m] for m in ("numeric", "chain", "backprop")],
    "ch12 gradient cost": [METHODS[m] for m in ("forward", "central", "backprop")],
    "ch12 torch": [METHODS[m] for m in ("backprop", "pytorch")],
    "classes": list(CLASSES),
    "optimizers": list(OPTIMIZERS.values()),
    "activations": list(ACTIVATIONS.values()),
}


@pytest.mark.parametrize("name", SIDE_BY_SIDE)
def test_colours_side_by_side_stay_apart_in_colour_blindness(name):
    for a, b in itertools.combinations(SIDE_BY_SIDE[name], 2):
        for deficiency in DEFICIENCIES:
            distance = float(np.linalg.norm(_lab(a, deficiency) - _lab(b, deficiency)))
            assert distance >= 20, (
                f"{name}: {a} and {b} differ by only {distance:.1f} (CIE76) in {deficiency}")


def _drawn_colours(fig):
    """The RGB of every line, marker, patch, text and uncoloured-mapped collection in ``fig``."""
    from matplotlib.collections import Collection
    from matplotlib.colors import to_rgba_array
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    for artist in fig.findobj():
        if not artist.get_visible():
            continue
        if isinstance(artist, Line2D):
            colours = [artist.get_color(), artist.get_markerfacecolor(), artist.get_markeredgecolor()]
        elif isinstance(artist, Patch):
            colours = [artist.get_facecolor(), artist.get_edgecolor()]
        elif isinstance(artist, Text):
            colours = [artist.get_color()] if artist.get_text() else []
        elif isinstance(artist, Collection) and artist.get_array() is None:
            colours = [*artist.get_facecolors(), *artist.get_edgecolors()]
        else:
            continue  # images and colour-mapped collections take a colour map from _style.CMAPS
        for colour in colours:
            if isinstance(colour, str) and colour.lower() in ("none", "auto"):
                continue
            for rgba in to_rgba_array(colour):
                if rgba[3] > 0:
                    yield what(artist), tuple(round(float(v) * 255) for v in rgba[:3])


def what(artist) -> str:
    label = getattr(artist, "get_label", lambda: "")() or getattr(artist, "get_text", lambda: "")()
    return f"{type(artist).__name__} {label!r}"


@pytest.mark.slow
def test_every_figure_draws_only_palette_colours():
    from matplotlib import rc_context, rcParams
    from matplotlib.figure import Figure

    from booktools.figures import STYLE, discover

    def rgb(colour):
        return tuple(round(v * 255) for v in to_rgb(colour))

    strays = {}
    for spec in discover():
        with rc_context(STYLE):
            defaults = {rgb(rcParams[key]) for key in (
                "text.color", "axes.edgecolor", "axes.labelcolor", "xtick.color", "ytick.color",
                "grid.color", "axes.facecolor", "figure.facecolor", "legend.edgecolor", "patch.edgecolor")}
            allowed = defaults | {rgb(c) for c in palette().values()}
            drawing = spec.draw()
            if not isinstance(drawing, Figure):
                continue  # finished bytes (an animated GIF), drawn from the palette by its module
            for where, colour in _drawn_colours(drawing):
                if colour not in allowed:
                    strays.setdefault(spec.name, set()).add((where, "#%02x%02x%02x" % colour))
    assert not strays, f"colours that are not in _style.py's palette: {strays}"
