"""Figure of the landing page: the path through the book at a glance."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from booktools.figures import figure
from booktools.figures._style import GREY, INK, NARROW_WIDTH, PAPER, phone_text
from booktools.figures._style import PARTS as PART_COLOURS

#: The parts of the book: name, first and last chapter, colour.
PARTS = [
    ("Calculus", 1, 4, PART_COLOURS["Calculus"]),
    ("Learning", 5, 7, PART_COLOURS["Learning"]),
    ("Networks", 8, 11, PART_COLOURS["Networks"]),
    ("Beyond", 12, 12, PART_COLOURS["Beyond"]),
]

#: Every chapter: number, short title, the library module it builds or uses.
CHAPTERS = [
    (1, "Functions\nin Python", ""),
    (2, "Derivatives,\nnumerically", "calculus"),
    (3, "Partial\nderivatives", "calculus"),
    (4, "The chain\nrule", "calculus"),
    (5, "Gradient\ndescent", "descent"),
    (6, "Backprop by\nhand", "twolayer"),
    (7, "Computation\ngraphs", "engine"),
    (8, "Vectorised\nlayers", "nn"),
    (9, "Many\nlayers", "nn, optim"),
    (10, "Activation\nfunctions", "nn"),
    (11, "Handwritten\ndigits", "datasets"),
    (12, "Why\nbackprop", "benchmarks"),
]


def part_of(number: int) -> tuple[str, int, int, str]:
    """The part a chapter belongs to.

    >>> part_of(6)[0]
    'Learning'
    """
    for part in PARTS:
        if part[1] <= number <= part[2]:
            return part
    raise ValueError(f"number must be a chapter of the path, 1 to {PARTS[-1][2]}, got {number!r}")


def _path_narrow() -> Figure:
    """The phone's version: the chapters from top to bottom, each part a band with its name."""
    fig = Figure(figsize=(NARROW_WIDTH, 6.8), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(-0.2, 10.0)
    ax.set_ylim(len(CHAPTERS) + 0.7, 0.3)
    for name, first, last, colour in PARTS:
        ax.add_patch(FancyBboxPatch(
            (0.0, first - 0.45), 9.9, last - first + 0.9, boxstyle="round,pad=0,rounding_size=0.18",
            facecolor=colour, alpha=0.09, edgecolor=colour, linewidth=1.0,
        ))
        ax.text(9.75, first - 0.22, name, ha="right", va="center", fontsize=11, fontweight="bold", color=colour)
    ax.annotate("", xy=(0.85, len(CHAPTERS) + 0.6), xytext=(0.85, 0.4),
                arrowprops={"arrowstyle": "-|>", "color": GREY, "lw": 1.2})
    for number, title, module in CHAPTERS:
        colour = part_of(number)[3]
        ax.scatter([0.85], [number], s=300, color=colour, zorder=3, edgecolors=PAPER, linewidths=1.5)
        ax.text(0.85, number, str(number), ha="center", va="center", color=PAPER,
                fontsize=9, fontweight="bold", zorder=4)
        ax.text(1.6, number, title.replace("\n", " "), ha="left", va="center", fontsize=10, color=INK)
        if module:
            first = number == part_of(number)[1]  # the part's name is above the module there
            ax.text(9.75, number + (0.17 if first else 0.0), module, ha="right", va="center", fontsize=9,
                    family="monospace", color=colour)
    return phone_text(fig)


@figure("ch00-path.svg", narrow=True)
def path(narrow: bool = False) -> Figure:
    """The twelve chapters in reading order, grouped into the book's parts."""
    if narrow:
        return _path_narrow()
    fig = Figure(figsize=(10.0, 3.3), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(0.35, len(CHAPTERS) + 0.65)
    ax.set_ylim(-1.55, 1.5)

    for name, first, last, colour in PARTS:
        band = FancyBboxPatch(
            (first - 0.42, -1.25), last - first + 0.84, 2.35,
            boxstyle="round,pad=0,rounding_size=0.18",
            facecolor=colour, alpha=0.09, edgecolor=colour, linewidth=1.0,
        )
        ax.add_patch(band)
        ax.text((first + last) / 2, 1.28, name, ha="center", va="center",
                fontsize=11, fontweight="bold", color=colour)

    ax.annotate("", xy=(len(CHAPTERS) + 0.55, 0), xytext=(0.5, 0),
                arrowprops={"arrowstyle": "-|>", "color": GREY, "lw": 1.2})
    for number, title, module in CHAPTERS:
        colour = part_of(number)[3]
        ax.scatter([number], [0], s=420, color=colour, zorder=3, edgecolors=PAPER, linewidths=1.5)
        ax.text(number, 0, str(number), ha="center", va="center", color=PAPER,
                fontsize=9, fontweight="bold", zorder=4)
        above = number % 2 == 1
        ax.text(number, 0.36 if above else -0.36, title, ha="center",
                va="bottom" if above else "top", fontsize=8.5, linespacing=1.1, color=INK)
        if module:
            ax.text(number, 0.98 if above else -1.1, module, ha="center", va="center",
                    fontsize=7.5, family="monospace", color=colour)
    return fig
