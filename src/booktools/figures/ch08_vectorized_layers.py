"""Figures of chapter 8: the shapes of a layer, and the step size of a gradient check."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from booktools.figures import figure
from booktools.figures._style import BLUE, GREEN, GREY, METHODS, NARROW_WIDTH, ORANGE, PURPLE, TARGET, fold, phone_text
from backprop.gradcheck import gradcheck
from backprop.nn import Linear, Sequential, Tanh



@figure("ch08-shapes.svg", narrow=True)
def layer_shapes(narrow: bool = False) -> Figure:
    """Y = X W + b drawn as boxes to scale: N = 6 samples, d = 4 inputs, k = 3 neurons.

    On a phone, in two rows: X @ W, then + b = Y.
    """
    N, d, k = 6, 4, 3
    fig = Figure(figsize=(NARROW_WIDTH, 6.9) if narrow else (7.2, 2.8))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.5, 10.5 if narrow else 19.5)
    ax.set_ylim(-N - 5.0 if narrow else -1.6, N + 1.2)
    ax.set_aspect("equal")
    ax.axis("off")

    def box(x0: float, rows: int, cols: int, color: str, name: str, shape: str, top: float = N) -> None:
        for r in range(rows):
            for c in range(cols):
                ax.add_patch(Rectangle((x0 + c, top - r - 1), 1, 1, facecolor=color, alpha=0.25,
                                       edgecolor=color, linewidth=0.8))
        ax.text(x0 + cols / 2, top + 0.45, name, ha="center", va="bottom", fontsize=13, fontweight="bold")
        ax.text(x0 + cols / 2, top - rows - 0.35, shape, ha="center", va="top", fontsize=10, color=GREY)

    if narrow:
        box(0, N, d, BLUE, "X", "N × d\none row\nper sample")
        ax.text(d + 1.25, N / 2, "@", ha="center", va="center", fontsize=16)
        box(d + 2.5, d, k, ORANGE, "W", "d × k\none column\nper neuron")
        low = -3.2  # the second row's top
        ax.text(0.25, low - N / 2, "+", ha="center", va="center", fontsize=16)
        box(1.25, 1, k, GREEN, "b", "k\nadded to\nevery row", top=low)
        ax.text(k + 2.25, low - N / 2, "=", ha="center", va="center", fontsize=16)
        box(k + 3.5, N, k, PURPLE, "Y", "N × k\noutputs", top=low)
        return phone_text(fig)
    box(0, N, d, BLUE, "X", "N × d\none row per sample")
    ax.text(d + 0.75, N / 2, "@", ha="center", va="center", fontsize=16)
    box(d + 1.5, d, k, ORANGE, "W", "d × k\none column\nper neuron")
    ax.text(d + k + 2.25, N / 2, "+", ha="center", va="center", fontsize=16)
    box(d + k + 3, 1, k, GREEN, "b", "k\nadded to\nevery row")
    ax.text(d + 2 * k + 3.75, N / 2, "=", ha="center", va="center", fontsize=16)
    box(d + 2 * k + 4.5, N, k, PURPLE, "Y", "N × k\noutputs")
    return fig


def _step_errors(steps: np.ndarray) -> list[float]:
    rng = np.random.default_rng(0)
    model = Sequential(Linear(4, 5, rng=rng, init="lecun"), Tanh(), Linear(5, 3, rng=rng, init="lecun"))
    x = rng.normal(size=(8, 4))
    return [gradcheck(model, x, h=float(h)).max_error for h in steps]


@figure("ch08-gradcheck-step.svg", narrow=True)
def gradcheck_step(narrow: bool = False) -> Figure:
    """Largest relative error of gradcheck on a Linear-Tanh-Linear model, against the step h."""
    steps = np.logspace(-12, -1, 45)
    errors = _step_errors(steps)
    fig = Figure(figsize=(NARROW_WIDTH, 4.2) if narrow else (6.4, 3.8), layout="constrained" if narrow else None)
    ax = fig.add_subplot()
    ax.loglog(steps, errors, "o-", color=METHODS["central"], markersize=3, label="largest relative error")
    ax.axhline(1e-7, color=TARGET, linestyle="--", linewidth=1, label="good (≤ 1e-7)")
    ax.axhline(1e-2, color=ORANGE, linestyle="--", linewidth=1, label="wrong (> 1e-2)")
    ax.axvline(1e-5, color=GREY, linestyle=":", linewidth=1, label="default h = 1e-5")
    if narrow:  # no room for labels on the lines: a legend, in the empty corner
        ax.legend(handles=ax.get_lines()[1:], loc="lower left", fontsize=8)
    else:
        ax.text(steps[0], 1e-7, " good (≤ 1e-7)", color=TARGET, va="bottom")
        ax.text(steps[0], 1e-2, " wrong (> 1e-2)", color=ORANGE, va="bottom")
        ax.text(1e-5, 1e-5, " default h = 1e-5", color=GREY, rotation=90, va="bottom", ha="right")
    ax.set_xlabel("step h")
    ax.set_ylabel("relative error |a − n| / max(|a|, |n|)")
    ax.set_title("Central differences: rounding on the left, truncation on the right")
    if narrow:
        ax.set_title(fold(ax.get_title(), 40))
        ax.set_ylabel("relative error\n|a − n| / max(|a|, |n|)")
        return phone_text(fig)
    return fig
