"""Figure of chapter 4: the chain rule as a product of two slopes."""

from __future__ import annotations

import numpy as np

from booktools.figures import figure
from booktools.figures._style import INK, TRUE, new_figure


@figure("ch04-chain-rule.svg")
def chain_rule_slopes():
    """Three panels: t = x**2 at x = 2 (slope 4), y = t**3 at t = 4 (slope 48), y = x**6 (slope 192)."""
    fig, axes = new_figure(10.0, 3.6, ncols=3)
    panels = [
        (axes[0], np.linspace(1.0, 3.0, 100), lambda v: v**2, 2.0, 4.0,
         "$t = x^2$", "$x$", "$t$", "slope $dt/dx = 4$"),
        (axes[1], np.linspace(2.0, 6.0, 100), lambda v: v**3, 4.0, 48.0,
         "$y = t^3$", "$t$", "$y$", "slope $dy/dt = 48$"),
        (axes[2], np.linspace(1.5, 2.5, 100), lambda v: v**6, 2.0, 192.0,
         "$y = (x^2)^3 = x^6$", "$x$", "$y$", "slope $dy/dx = 4 \\cdot 48 = 192$"),
    ]
    for ax, grid, f, at, slope, title, xlabel, ylabel, label in panels:
        ax.plot(grid, f(grid), color=INK, lw=2)
        ax.plot(grid, f(at) + slope * (grid - at), color=TRUE, ls="--", label=label)
        ax.plot([at], [f(at)], "o", color=TRUE)
        ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
        ax.legend(loc="upper left", fontsize=8)
    return fig
