"""Figures of chapter 4: the chain rule as a product of two slopes, and a sum over two paths."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from backprop.calculus import derivative, partial
from booktools.figures import figure
from booktools.figures._style import BLUE, GRAPH, INK, ORANGE, TRUE, new_figure, phone_text

#: The two paths of the diamond, in the colours of its edges and of their products.
PATHS = (BLUE, ORANGE)


@figure("ch04-chain-rule.svg", narrow=True)
def chain_rule_slopes(narrow: bool = False):
    """Three panels: t = x**2 at x = 2 (slope 4), y = t**3 at t = 4 (slope 48), y = x**6 (slope 192)."""
    fig, axes = new_figure(10.0, 3.6, ncols=3, narrow=narrow, panel_height=2.9)
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
    return phone_text(fig) if narrow else fig


#: Chapter 4's diamond: x feeds a = x**2 and b = 3x, and y = a * b, at x = 2.
DIAMOND_X = 2.0


def diamond_local_derivatives(x: float = DIAMOND_X) -> dict[str, float]:
    """The four local derivatives of the diamond at ``x``, each from ``backprop.calculus``."""
    a, b = x * x, 3 * x
    return {
        "da_dx": derivative(lambda t: t * t, x),
        "db_dx": derivative(lambda t: 3 * t, x),
        "dy_da": partial(lambda a_, b_: a_ * b_, 0, a, b),
        "dy_db": partial(lambda a_, b_: a_ * b_, 1, a, b),
    }


@figure("ch04-diamond.svg")
def diamond() -> Figure:
    """x feeds a and b, both feed y; each edge carries its local derivative, each path its product."""
    from matplotlib.patches import Circle, FancyArrowPatch

    d = {k: round(v, 9) for k, v in diamond_local_derivatives().items()}
    x = DIAMOND_X
    nodes = {"x": (0.0, 0.0), "a": (2.2, 1.2), "b": (2.2, -1.2), "y": (4.4, 0.0)}
    names = {"x": f"$x = {x:g}$", "a": f"$a = x^2$\n$= {x * x:g}$", "b": f"$b = 3x$\n$= {3 * x:g}$",
             "y": f"$y = ab$\n$= {x ** 3 * 3:g}$"}
    fills = {"x": GRAPH["input"], "a": GRAPH["operation"], "b": GRAPH["operation"], "y": GRAPH["output"]}
    radius = 0.52
    fig = Figure(figsize=(4.2, 4.6), layout="constrained")
    ax = fig.add_subplot()
    for key, (cx, cy) in nodes.items():
        ax.add_patch(Circle((cx, cy), radius, facecolor=fills[key], edgecolor=GRAPH["edge"], linewidth=1.2))
        ax.text(cx, cy, names[key], ha="center", va="center", fontsize=11)
    upper, lower = PATHS
    edges = [
        ("x", "a", upper, f"$da/dx = 2x = {d['da_dx']:g}$", "right", 0.12),
        ("a", "y", upper, f"$\\partial y/\\partial a = b = {d['dy_da']:g}$", "left", 0.12),
        ("x", "b", lower, f"$db/dx = {d['db_dx']:g}$", "right", -0.12),
        ("b", "y", lower, f"$\\partial y/\\partial b = a = {d['dy_db']:g}$", "left", -0.12),
    ]
    for start, end, colour, label, ha, dy in edges:
        (x0, y0), (x1, y1) = nodes[start], nodes[end]
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=16, color=colour,
                                     linewidth=2, shrinkA=radius * 72 * 0.62, shrinkB=radius * 72 * 0.62))
        ax.text((x0 + x1) / 2 + (-0.1 if ha == "right" else 0.1), (y0 + y1) / 2 + dy,
                label, ha=ha, va="bottom" if dy > 0 else "top", fontsize=11, color=colour)
    via_a, via_b = d["dy_da"] * d["da_dx"], d["dy_db"] * d["db_dx"]
    ax.text(2.2, -2.35, f"path through $a$: ${d['dy_da']:g} \\cdot {d['da_dx']:g} = {via_a:g}$",
            ha="center", va="center", fontsize=11, color=upper)
    ax.text(2.2, -2.85, f"path through $b$: ${d['dy_db']:g} \\cdot {d['db_dx']:g} = {via_b:g}$",
            ha="center", va="center", fontsize=11, color=lower)
    ax.text(2.2, -3.4, f"$dy/dx$ = sum over the paths $= {via_a + via_b:g}$",
            ha="center", va="center", fontsize=11, color=INK)
    ax.set_xlim(-0.7, 5.1)
    ax.set_ylim(-3.7, 2.0)
    ax.set_aspect("equal")
    ax.axis("off")
    return phone_text(fig)  # already phone-sized: every text 9 CSS px or more at 350 px wide
