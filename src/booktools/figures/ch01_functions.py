"""Figure of chapter 1: a function as a box, its inputs arriving on arrows, its output leaving on one."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from booktools.figures import figure
from booktools.figures._style import GRAPH, INK


def sq(x):
    """Chapter 1's first function: the square of a number."""
    return x * x


def add(a, b):
    """Chapter 1's second function: the sum of two numbers."""
    return a + b


#: The two calls the figure draws, as the chapter makes them: (function, its body, arguments).
CALLS = (
    (sq, "x * x", {"x": 4}),
    (add, "a + b", {"a": 10.5, "b": 120}),
)


@figure("ch01-function-box.svg")
def function_box() -> Figure:
    """sq(4) and add(10.5, 120) drawn as boxes: the arguments flow in, the returned value flows out."""
    fig = Figure(figsize=(4.9, 3.0), layout="constrained")
    ax = fig.add_subplot()
    box_w, box_h, row_gap = 2.0, 1.1, 2.0
    left, right = 0.0, 6.2  # where the input arrows start, where the output arrow ends
    box_x = (left + right) / 2 - box_w / 2
    for row, (f, body, arguments) in enumerate(CALLS):
        centre_y = -row * row_gap
        result = f(**arguments)
        ax.add_patch(FancyBboxPatch((box_x, centre_y - box_h / 2), box_w, box_h,
                                    boxstyle="round,pad=0.05,rounding_size=0.15",
                                    facecolor=GRAPH["operation"], edgecolor=GRAPH["edge"], linewidth=1.4))
        ax.text(box_x + box_w / 2, centre_y + 0.17, f.__name__, ha="center", va="center",
                fontsize=15, family="monospace", weight="bold", color=INK)
        ax.text(box_x + box_w / 2, centre_y - 0.25, f"return {body}", ha="center", va="center",
                fontsize=11, family="monospace", color=INK)
        # One arrow per argument, spread over the height of the box.
        n = len(arguments)
        for k, (name, value) in enumerate(arguments.items()):
            y = centre_y + (0.0 if n == 1 else 0.28 * (1 - 2 * k / (n - 1)))
            ax.add_patch(FancyArrowPatch((left + 0.85, y), (box_x - 0.05, y), arrowstyle="-|>",
                                         mutation_scale=16, color=GRAPH["forward"], linewidth=1.6))
            ax.text(left + 0.8, y, f"{name} = {value:g}", ha="right", va="center", fontsize=12, color=INK)
        ax.add_patch(FancyArrowPatch((box_x + box_w + 0.05, centre_y), (right - 0.85, centre_y),
                                     arrowstyle="-|>", mutation_scale=16, color=GRAPH["forward"],
                                     linewidth=1.6))
        ax.text(right - 0.8, centre_y, f"{result:g}", ha="left", va="center", fontsize=12,
                weight="bold", color=INK)
        call = ", ".join(f"{value:g}" for value in arguments.values())
        ax.text(box_x + box_w / 2, centre_y - box_h / 2 - 0.28, f"{f.__name__}({call}) returns {result:g}",
                ha="center", va="center", fontsize=11, color=INK)
    ax.text(left - 0.3, 0.95, "inputs (arguments)", ha="left", va="center", fontsize=11, style="italic", color=INK)
    ax.text(right + 0.5, 0.95, "output (returned value)", ha="right", va="center", fontsize=11,
            style="italic", color=INK)
    ax.set_xlim(left - 1.1, right + 0.6)
    ax.set_ylim(-row_gap * (len(CALLS) - 1) - 1.05, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig
