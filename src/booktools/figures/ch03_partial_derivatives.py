"""Figures of chapter 3: the gradient of a bowl, and the step really taken when you ask for 1e-12."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from backprop.calculus import partial
from booktools.figures import figure
from booktools.figures._style import (
    GRAPH, GREEN, GREY, INK, LIGHT_GREY, METHODS, ORANGE, PAPER, fold, new_figure, phone_text,
)

#: The chapter's bowl and the point its gradient sections look at.
POINT = (2.0, 0.5)
ELEV, AZIM = 30, -130  # the 3-D panel seen from the side where the point faces the reader
#: The step-ratio figure sits in a deep-dive box, which a 390 px phone shows 324 CSS px wide.
IN_A_BOX_PX = 324
#: What the two slices and the gradient are drawn in, the same on both panels.
ALONG_X1, ALONG_X2, GRADIENT = ORANGE, GREEN, GRAPH["backward"]


def bowl(x1, x2):
    """The chapter's example surface, ``x1**2 + 3 * x2**2``."""
    return x1 * x1 + 3 * x2 * x2


def gradient(f, *point: float) -> np.ndarray:
    """The gradient of ``f`` at ``point``, one :func:`~backprop.calculus.partial` per argument."""
    return np.array([partial(f, i, *point) for i in range(len(point))])


@figure("ch03-gradient.svg")
def gradient_figure() -> Figure:
    """The bowl as a surface with its two slices and their tangents; below, its contours and the gradient."""
    x1, x2 = POINT
    z = bowl(x1, x2)
    d1, d2 = gradient(bowl, x1, x2)
    fig = Figure(figsize=(4.1, 7.4), layout="constrained")
    rows = fig.add_gridspec(2, 1, height_ratios=[1.3, 1])
    top = fig.add_subplot(rows[0], projection="3d")
    bottom = fig.add_subplot(rows[1])

    # The surface, two slices through the point and the tangent of each slice there.
    g1, g2 = np.meshgrid(np.linspace(-3, 3, 25), np.linspace(-1.8, 1.8, 19))
    top.plot_wireframe(g1, g2, bowl(g1, g2), color=LIGHT_GREY, lw=0.5, rstride=2, cstride=2)
    t = np.linspace(-3, 3, 100)
    top.plot(t, np.full_like(t, x2), bowl(t, x2), color=ALONG_X1, lw=2.5,
             label=f"slice $x_2 = {x2:g}$: slope {d1:.0f}")
    s = np.linspace(-1.8, 1.8, 100)
    top.plot(np.full_like(s, x1), s, bowl(x1, s), color=ALONG_X2, lw=2.5,
             label=f"slice $x_1 = {x1:g}$: slope {d2:.0f}")
    u = np.linspace(-1.4, 1.4, 2)
    top.plot(x1 + u, np.full_like(u, x2), z + d1 * u, color=ALONG_X1, lw=1.5, ls="--")
    top.plot(np.full_like(u, x1), x2 + u, z + d2 * u, color=ALONG_X2, lw=1.5, ls="--")
    top.plot([x1], [x2], [z], "o", color=INK, ms=6)
    top.set(xlabel="$x_1$", ylabel="$x_2$", zlabel="$f$", zlim=(0, 19),
            xticks=[-2, 0, 2], yticks=[-1, 0, 1], zticks=[0, 5, 10, 15])
    top.set_title("$f(x_1, x_2) = x_1^2 + 3x_2^2$: two slices\nthrough $(2, 0.5)$ and their tangents (dashed)",
                  fontsize=11)
    for axis in (top.xaxis, top.yaxis, top.zaxis):
        axis.set_pane_color(PAPER)
    top.view_init(elev=ELEV, azim=AZIM)
    top.legend(loc="upper left", fontsize=11, bbox_to_anchor=(0.0, 1.0))

    # The contours seen from above, with the gradient and the level curve's tangent at the point.
    h1, h2 = np.meshgrid(np.linspace(-3, 3, 241), np.linspace(-1.8, 1.8, 145))
    lines = bottom.contour(h1, h2, bowl(h1, h2), levels=[1, 2.5, 7, 10], colors=GREY, linewidths=0.8)
    bottom.clabel(lines, fmt="%g", fontsize=11, manual=[(0, -0.6), (0, -0.9), (-1.2, -1.4), (-2.5, -1.2)])
    level = bottom.contour(h1, h2, bowl(h1, h2), levels=[z], colors=INK, linewidths=1.5)
    bottom.clabel(level, fmt="%g", fontsize=11, manual=[(-1.5, -1.0)])
    bottom.axhline(x2, color=ALONG_X1, lw=1.2, ls=":", label=f"the slices $x_2 = {x2:g}$ and $x_1 = {x1:g}$")
    bottom.axvline(x1, color=ALONG_X2, lw=1.2, ls=":")
    norm = float(np.hypot(d1, d2))
    tangent = np.array([-d2, d1]) / norm
    bottom.plot(x1 + 0.9 * tangent[0] * np.array([-1, 1]), x2 + 0.9 * tangent[1] * np.array([-1, 1]),
                color=INK, lw=1.5, ls="--", label="tangent of the level curve")
    scale = 0.25  # the gradient (4, 3) is drawn at a quarter of its length
    bottom.annotate("", (x1 + scale * d1, x2 + scale * d2), (x1, x2),
                    arrowprops={"arrowstyle": "-|>", "color": GRADIENT, "lw": 2, "mutation_scale": 16})
    bottom.text(x1 + scale * d1 + 0.05, x2 + scale * d2, f"$\\nabla f$\n$= ({d1:.0f}, {d2:.0f})$",
                color=GRADIENT, fontsize=11, ha="left", va="center")
    bottom.plot([x1], [x2], "o", color=INK, ms=6)
    bottom.plot([0], [0], "+", color=GREY, ms=10)
    bottom.set(xlabel="$x_1$", ylabel="$x_2$", xlim=(-3, 3.8), ylim=(-1.8, 1.8), aspect="equal")
    bottom.set_title("From above: the gradient is at right angles\nto the level curve and points uphill",
                     fontsize=11)
    bottom.legend(loc="upper left", bbox_to_anchor=(0.0, -0.27), fontsize=11)
    for ax in (top, bottom):
        ax.tick_params(labelsize=11)
        ax.xaxis.label.set_fontsize(11)
        ax.yaxis.label.set_fontsize(11)
    top.zaxis.label.set_fontsize(11)
    return phone_text(fig)  # already phone-sized: every text 9 CSS px or more at 350 px wide


def actual_step(x: np.ndarray, h: float = 1e-12) -> np.ndarray:
    """The step ``(x + h) - x`` that floating point really takes at each ``x``."""
    return (x + h) - x


@figure("ch03-actual-step.svg", narrow=True)
def actual_step_ratio(narrow: bool = False):
    """Ratio of the step taken to the step asked for, across x from 0.5 to 60."""
    x = np.geomspace(0.5, 60, 4000)
    ratio = actual_step(x) / 1e-12
    fig, ax = new_figure(7.0, 4.0, narrow=narrow, panel_height=4.0)
    ax.semilogx(x, ratio, color=METHODS["forward"], lw=1)
    # The points the source tutorial differentiates at, grouped by the step they get.
    groups: dict[float, list[str]] = {}
    for x0 in (1.0, 2.0, 3.0, 10.0, 20.0):
        r = float(actual_step(np.array(x0))) / 1e-12
        groups.setdefault(r, []).append(f"{x0:g}")
        ax.plot([x0], [r], "o", color=INK)
    for r, xs in groups.items():
        where = float(xs[-1])
        label = f"x = {', '.join(xs)}: step ratio {r:.6f}"
        if narrow:
            ax.annotate(label.replace(": ", ":\n"), (where, r), xytext=(-95, 16) if r >= 1 else (-150, 22),
                        textcoords="offset points", fontsize=8, arrowprops={"arrowstyle": "->", "lw": 0.6})
        else:
            ax.annotate(label, (where, r), xytext=(-60, 14) if r >= 1 else (-175, -3),
                        textcoords="offset points", fontsize=8, arrowprops={"arrowstyle": "->", "lw": 0.6})
    ax.axhline(1.0, color=GREY, lw=0.8, ls="--")
    title = "The step you get is the nearest multiple of the float spacing at $x$"
    ax.set(xlabel="$x$ (log scale)", ylabel="$((x + 10^{-12}) - x)\\;/\\;10^{-12}$",
           title=fold(title, 40) if narrow else title)
    return phone_text(fig, shown_px=IN_A_BOX_PX) if narrow else fig
