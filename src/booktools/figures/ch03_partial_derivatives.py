"""Figure of chapter 3: the step that is really taken when you ask for 1e-12."""

from __future__ import annotations

import numpy as np

from booktools.figures import figure
from booktools.figures._style import GREY, INK, METHODS, new_figure


def actual_step(x: np.ndarray, h: float = 1e-12) -> np.ndarray:
    """The step ``(x + h) - x`` that floating point really takes at each ``x``."""
    return (x + h) - x


@figure("ch03-actual-step.svg")
def actual_step_ratio():
    """Ratio of the step taken to the step asked for, across x from 0.5 to 60."""
    x = np.geomspace(0.5, 60, 4000)
    ratio = actual_step(x) / 1e-12
    fig, ax = new_figure(7.0, 4.0)
    ax.semilogx(x, ratio, color=METHODS["forward"], lw=1)
    # The points the source tutorial differentiates at, grouped by the step they get.
    groups: dict[float, list[str]] = {}
    for x0 in (1.0, 2.0, 3.0, 10.0, 20.0):
        r = float(actual_step(np.array(x0))) / 1e-12
        groups.setdefault(r, []).append(f"{x0:g}")
        ax.plot([x0], [r], "o", color=INK)
    for r, xs in groups.items():
        where = float(xs[-1])
        ax.annotate(f"x = {', '.join(xs)}: step ratio {r:.6f}", (where, r),
                    xytext=(-60, 14) if r >= 1 else (-175, -3), textcoords="offset points", fontsize=8,
                    arrowprops={"arrowstyle": "->", "lw": 0.6})
    ax.axhline(1.0, color=GREY, lw=0.8, ls="--")
    ax.set(xlabel="$x$ (log scale)", ylabel="$((x + 10^{-12}) - x)\\;/\\;10^{-12}$",
           title="The step you get is the nearest multiple of the float spacing at $x$")
    return fig
