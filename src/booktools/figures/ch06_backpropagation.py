"""Figures of chapter 6: the two-neuron network trained three ways."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from backprop import twolayer
from backprop.datasets import noisy_line
from booktools.figures import figure
from booktools.figures._style import DATA, GRAPH, GREY, METHODS, NARROW_WIDTH, fold, phone_text

#: The chapter's data: the noisy line drawn on [0, 1), as the source tutorial does.
X_MAX = 1.0

#: The three runs of the chapter, same settings: (label, gradient, learning rate, epochs).
RUNS = (
    ("(a) numeric partials, rate 0.01", "numeric", 0.01, 50),
    ("(b) chain rule, numeric local, rate 0.01", "chain", 0.01, 50),
    ("(c) backpropagation, rate 0.01", "analytic", 0.01, 50),
)
STYLES = (
    {"color": METHODS["numeric"], "linestyle": "-", "linewidth": 2.5},
    {"color": METHODS["chain"], "linestyle": "--", "linewidth": 2.0},
    {"color": METHODS["backprop"], "linestyle": ":", "linewidth": 2.0},
)
#: The source's other setting, a different learning rate and number of epochs.
SLOW = ("backpropagation, rate 0.001", "analytic", 0.001, 100)
SLOW_STYLE = {"color": GREY, "linestyle": "-", "linewidth": 1.5}


@lru_cache(maxsize=1)
def _trained() -> tuple[np.ndarray, np.ndarray, tuple[twolayer.Training, ...]]:
    """The data and the runs of RUNS, then SLOW."""
    X, y = noisy_line(100, x_max=X_MAX, seed=0)
    results = tuple(
        twolayer.train(X, y, gradient=gradient, learning_rate=rate, epochs=epochs)
        for _, gradient, rate, epochs in (*RUNS, SLOW)
    )
    return X, y, results


@figure("ch06-fitted-lines.svg", narrow=True)
def fitted_lines(narrow: bool = False) -> Figure:
    """The data and the line each trained network draws through it."""
    X, y, results = _trained()
    fig = Figure(figsize=(NARROW_WIDTH, 4.4) if narrow else (7, 4), layout="constrained" if narrow else None)
    ax = fig.add_subplot()
    ax.scatter(X[:, 0], y[:, 0], s=14, color=DATA, alpha=0.6, label="data (100 samples)")
    grid = np.linspace(0.0, X_MAX, 50)
    for (label, *_), style, result in zip(RUNS, STYLES, results):
        ax.plot(grid, twolayer.forward(result.weights, grid)[1], label=label, **style)
    ax.set_xlabel("x")
    ax.set_ylabel("y, and the network's output o1")
    ax.set_title(fold("The trained two-neuron network: a straight line") if narrow
                 else "The trained two-neuron network: a straight line")
    ax.legend(loc="upper left", fontsize=8)
    return phone_text(fig) if narrow else fig


@figure("ch06-error-per-epoch.svg", narrow=True)
def error_per_epoch(narrow: bool = False) -> Figure:
    """The mean squared error after each epoch: the three gradient methods, and the slower rate."""
    X, y, results = _trained()
    slope, intercept = np.polyfit(X[:, 0], y[:, 0], 1)
    best = float(np.mean((slope * X[:, 0] + intercept - y[:, 0]) ** 2))
    fig = Figure(figsize=(NARROW_WIDTH, 8.6) if narrow else (9, 3.8), layout="constrained")
    start, tail = fig.subplots(2, 1) if narrow else fig.subplots(1, 2)
    for (label, *_), style, result in zip((*RUNS, SLOW), (*STYLES, SLOW_STYLE), results):
        history = np.array(result.history)
        epochs = np.arange(len(history))
        start.plot(epochs[:11], history[:11], label=label, marker="o", markersize=3, **style)
        tail.plot(epochs[1:], history[1:] - best, label=label, **style)
    start.axhline(best, color=GREY, linewidth=1, linestyle="-.", label="best straight line (least squares)")
    for ax in (start, tail):
        ax.set_yscale("log")
        ax.set_xlabel("epoch (0 = before training)")
    start.set_title("Epochs 0 to 10")
    start.set_ylabel("mean squared error (log scale)")
    start.legend(loc="upper right", fontsize=7)
    tail.set_title("Above the best straight line: (a), (b), (c) coincide")
    tail.set_ylabel("error minus least-squares error (log scale)")
    fig.suptitle("Error per epoch: the three ways at rate 0.01, and backpropagation at rate 0.001")
    if narrow:
        for text in (tail.title, fig._suptitle):
            text.set_text(fold(text.get_text(), 40))
        tail.set_ylabel("error minus least squares (log)")
        start.set_ylabel("mean squared error (log)")
        start.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=7)
        return phone_text(fig)
    return fig


#: What the forward pass computes on each arrow, and what the backward pass sends back.
FORWARD = [
    ("x", "h1", r"$h_1 = w_{11}\,x + w_{12}$"),
    ("h1", "o1", r"$o_1 = w_{21}\,h_1 + w_{22}$"),
    ("o1", "E", r"$E = (o_1 - y)^2$"),
]
BACKWARD = [
    ("E", "o1", r"$\partial E/\partial o_1 = 2\,(o_1 - y)$"),
    ("o1", "h1", r"$\partial E/\partial h_1 = \partial E/\partial o_1 \cdot w_{21}$"),
]
#: The gradient of each weight, read off at the neuron the weight belongs to.
WEIGHTS = [
    ("h1", r"$\partial E/\partial w_{11} = \partial E/\partial h_1 \cdot x$",
     r"$\partial E/\partial w_{12} = \partial E/\partial h_1$"),
    ("o1", r"$\partial E/\partial w_{21} = \partial E/\partial o_1 \cdot h_1$",
     r"$\partial E/\partial w_{22} = \partial E/\partial o_1$"),
]


def _network_narrow() -> Figure:
    """The phone's version: the four nodes in a row, and every formula on a line of its own below."""
    from matplotlib.patches import Circle, FancyArrowPatch

    fig = Figure(figsize=(NARROW_WIDTH, 4.6))
    ax = fig.add_axes((0, 0, 1, 1))
    nodes = {"x": 0.6, "h1": 3.6, "o1": 6.6, "E": 9.6}
    names = {"x": "$x$", "h1": "$h_1$", "o1": "$o_1$", "E": "$E$"}
    colours = {"x": GRAPH["input"], "h1": GRAPH["operation"], "o1": GRAPH["operation"], "E": GRAPH["output"]}
    backward = GRAPH["backward"]
    radius, top = 0.6, 12.0
    for key, cx in nodes.items():
        ax.add_patch(Circle((cx, top), radius, facecolor=colours[key], edgecolor=GRAPH["edge"], linewidth=1.2))
        ax.text(cx, top, names[key], ha="center", va="center", fontsize=14)
    for a, b, _ in FORWARD:
        ax.add_patch(FancyArrowPatch((nodes[a] + radius, top + 0.2), (nodes[b] - radius, top + 0.2),
                                     arrowstyle="-|>", mutation_scale=14, color=GRAPH["forward"], linewidth=1.4))
    for a, b, _ in BACKWARD:
        ax.add_patch(FancyArrowPatch((nodes[a] - radius, top - 0.3), (nodes[b] + radius, top - 0.3),
                                     arrowstyle="-|>", mutation_scale=14, color=backward, linewidth=1.4,
                                     linestyle="--"))
    lines = [("forward pass →", GRAPH["forward"])] + [(label, GRAPH["forward"]) for *_, label in FORWARD]
    lines += [("← backward pass (dashed)", backward)] + [(label, backward) for *_, label in BACKWARD]
    lines += [(label, backward) for _, *pair in WEIGHTS for label in pair]
    y = top - 1.5
    for label, colour in lines:
        if label.startswith("←"):
            y -= 0.4  # room between the two passes
        ax.text(0.0, y, label, ha="left", va="center", fontsize=10, color=colour)
        y -= 1.0
    ax.set_xlim(-0.2, 10.4)
    ax.set_ylim(y + 0.4, top + 0.9)
    ax.axis("off")
    return phone_text(fig)


@figure("ch06-network.svg", narrow=True)
def network(narrow: bool = False) -> Figure:
    """The two neurons, the forward pass above the arrows and the backward pass below."""
    from matplotlib.patches import Circle, FancyArrowPatch

    if narrow:
        return _network_narrow()
    fig = Figure(figsize=(8, 3.0))
    ax = fig.add_subplot()
    nodes = {"x": 0.0, "h1": 3.0, "o1": 6.0, "E": 9.0}
    names = {"x": "$x$", "h1": "$h_1$", "o1": "$o_1$", "E": "$E$"}
    colours = {"x": GRAPH["input"], "h1": GRAPH["operation"], "o1": GRAPH["operation"], "E": GRAPH["output"]}
    radius = 0.55
    for key, cx in nodes.items():
        ax.add_patch(Circle((cx, 0.0), radius, facecolor=colours[key], edgecolor=GRAPH["edge"],
                            linewidth=1.2))
        ax.text(cx, 0.0, names[key], ha="center", va="center", fontsize=14)

    def arrow(x0: float, x1: float, y: float, colour: str, style: str = "-") -> None:
        ax.add_patch(
            FancyArrowPatch(
                (x0, y), (x1, y), arrowstyle="-|>", mutation_scale=14,
                color=colour, linewidth=1.4, linestyle=style,
            )
        )

    for a, b, label in FORWARD:
        arrow(nodes[a] + radius, nodes[b] - radius, 0.12, GRAPH["forward"])
        ax.text((nodes[a] + nodes[b]) / 2, 0.42, label, ha="center", va="bottom", fontsize=10)
    backward = GRAPH["backward"]
    for a, b, label in BACKWARD:
        arrow(nodes[a] - radius, nodes[b] + radius, -0.22, backward, "--")
        ax.text((nodes[a] + nodes[b]) / 2, -0.42, label, ha="center", va="top", fontsize=10, color=backward)
    for key, first, second in WEIGHTS:
        ax.text(nodes[key], -1.15, first, ha="center", va="top", fontsize=10, color=backward)
        ax.text(nodes[key], -1.65, second, ha="center", va="top", fontsize=10, color=backward)
    ax.text(nodes["x"] - radius, 1.25, "forward pass →", ha="left", va="center", fontsize=10,
            color=GRAPH["forward"])
    ax.text(nodes["E"] + radius, -1.4, "← backward pass", ha="right", va="center", fontsize=10,
            color=backward)
    ax.set_xlim(-0.8, 9.8)
    ax.set_ylim(-2.2, 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig
