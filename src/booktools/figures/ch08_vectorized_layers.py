"""Figures of chapter 8: the shapes of a layer, and the step size of a gradient check."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from booktools.figures import figure
from booktools.figures._style import BLUE, GREEN, GREY, METHODS, ORANGE, PURPLE, TARGET
from backprop.gradcheck import gradcheck
from backprop.nn import Linear, Sequential, Tanh



@figure("ch08-shapes.svg")
def layer_shapes() -> Figure:
    """Y = X W + b drawn as boxes to scale: N = 6 samples, d = 4 inputs, k = 3 neurons."""
    N, d, k = 6, 4, 3
    fig = Figure(figsize=(7.2, 2.8))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.5, 19.5)
    ax.set_ylim(-1.6, N + 1.2)
    ax.set_aspect("equal")
    ax.axis("off")

    def box(x0: float, rows: int, cols: int, color: str, name: str, shape: str) -> None:
        top = N
        for r in range(rows):
            for c in range(cols):
                ax.add_patch(Rectangle((x0 + c, top - r - 1), 1, 1, facecolor=color, alpha=0.25,
                                       edgecolor=color, linewidth=0.8))
        ax.text(x0 + cols / 2, top + 0.45, name, ha="center", va="bottom", fontsize=13, fontweight="bold")
        ax.text(x0 + cols / 2, top - rows - 0.35, shape, ha="center", va="top", fontsize=10, color=GREY)

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


@figure("ch08-gradcheck-step.svg")
def gradcheck_step() -> Figure:
    """Largest relative error of gradcheck on a Linear-Tanh-Linear model, against the step h."""
    steps = np.logspace(-12, -1, 45)
    errors = _step_errors(steps)
    fig = Figure(figsize=(6.4, 3.8))
    ax = fig.add_subplot()
    ax.loglog(steps, errors, "o-", color=METHODS["central"], markersize=3, label="largest relative error")
    ax.axhline(1e-7, color=TARGET, linestyle="--", linewidth=1)
    ax.text(steps[0], 1e-7, " good (≤ 1e-7)", color=TARGET, va="bottom")
    ax.axhline(1e-2, color=ORANGE, linestyle="--", linewidth=1)
    ax.text(steps[0], 1e-2, " wrong (> 1e-2)", color=ORANGE, va="bottom")
    ax.axvline(1e-5, color=GREY, linestyle=":", linewidth=1)
    ax.text(1e-5, 1e-5, " default h = 1e-5", color=GREY, rotation=90, va="bottom", ha="right")
    ax.set_xlabel("step h")
    ax.set_ylabel("relative error |a − n| / max(|a|, |n|)")
    ax.set_title("Central differences: rounding on the left, truncation on the right")
    return fig
