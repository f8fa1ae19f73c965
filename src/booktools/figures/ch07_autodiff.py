"""Figures of chapter 7: computation graphs drawn with their values and gradients, and a
small network of ``Value`` neurons trained on the two moons.

The classes :class:`Neuron`, :class:`Layer` and :class:`MLP` are the ones the
chapter defines and shows; :func:`train_moons` is its training loop, which the
chapter's claims test (``tests/test_ch07_claims.py``) runs to check that the
figure shows the network the chapter prints.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

import random

import numpy as np
from matplotlib.colors import ListedColormap

from backprop.datasets import noisy_line, two_moons
from backprop.engine import Value, topological_order
from booktools.figures import figure
from booktools.benchmarks_report import load
from booktools.figures._style import CLASSES, GRAPH, INK, METHODS, fold, new_figure, phone_text
from backprop.twolayer import START

#: How an operation is written in a box.
OP_NAMES = {"*": "×", "-": "−", "neg": "negate", "/": "÷"}

BOX_WIDTH, BOX_HEIGHT = 1.8, 1.3
COLUMN_STEP, ROW_STEP = 2.4, 1.65


def layout(root: Value, column_step: float = COLUMN_STEP,
           row_step: float = ROW_STEP) -> dict[Value, tuple[float, float]]:
    """Place each node of the graph of ``root``: columns by distance from the output.

    A node's column is the longest path from it to ``root``, counted leftwards
    from the output, so every input sits just left of its first use and every
    arrow points right. Within a column, nodes are sorted by the mean height of
    the nodes that use them, which keeps arrows short and rarely crossing.
    """
    order = topological_order(root)
    distance = {root: 0}
    users: dict[Value, list[Value]] = {node: [] for node in order}
    for node in reversed(order):
        for child in node._prev:
            distance[child] = max(distance.get(child, 0), distance[node] + 1)
            if node not in users[child]:
                users[child].append(node)
    deepest = max(distance.values())
    position = {root: (deepest * column_step, 0.0)}
    for d in range(1, deepest + 1):
        column = [node for node in order if distance[node] == d]

        def height(node: Value) -> float:
            placed = [position[user][1] for user in users[node]]
            return sum(placed) / len(placed)

        column.sort(key=height, reverse=True)
        centre = sum(height(node) for node in column) / len(column)
        top = centre + (len(column) - 1) * row_step / 2
        for k, node in enumerate(column):
            position[node] = ((deepest - d) * column_step, top - k * row_step)
    return position


def _title(node: Value) -> str:
    op = OP_NAMES.get(node._op, node._op)
    if node.label and op:
        return f"{node.label} = {op}"
    return node.label or op or "input"


def draw_graph(ax: Axes, root: Value, *, box: tuple[float, float] = (BOX_WIDTH, BOX_HEIGHT),
               step: tuple[float, float] = (COLUMN_STEP, ROW_STEP),
               fontsize: tuple[float, float] = (8.5, 7.5), words: bool = True,
               vertical: bool = False) -> None:
    """Draw the graph of ``root`` on ``ax``: one box per node, one arrow per input.

    ``box`` is a box's width and height, ``step`` the distance between columns
    and rows (in data units), ``fontsize`` that of a box's title and of its
    numbers. With ``words=False`` a box shows its data and gradient without the
    words "data" and "grad" (the gradient, in the backward pass's colour, comes
    second), for a drawing that must stay legible when shrunk. With
    ``vertical=True`` the graph flows from top to bottom instead of from left to
    right (columns become rows), for a phone's narrow screen.
    """
    box_width, box_height = box
    position = layout(root, *step)
    if vertical:  # the output at the bottom, the inputs above it
        position = {node: (-y, -x) for node, (x, y) in position.items()}
    for node, (x, y) in position.items():
        kind = "output" if node is root else "operation" if node._prev else "input"
        ax.add_patch(
            FancyBboxPatch(
                (x - box_width / 2, y - box_height / 2), box_width, box_height,
                boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor=GRAPH[kind], edgecolor=GRAPH["edge"], linewidth=1,
            )
        )
        line = box_height * 0.28  # three lines of text per box
        data, grad = (f"data {node.data:.4g}", f"grad {node.grad:.4g}") if words else (
            f"{node.data:.3g}".replace("-", "−"), f"{node.grad:.3g}".replace("-", "−"))
        ax.text(x, y + line, _title(node), ha="center", va="center", fontsize=fontsize[0], fontweight="bold")
        ax.text(x, y, data, ha="center", va="center", fontsize=fontsize[1])
        ax.text(x, y - line, grad, ha="center", va="center", fontsize=fontsize[1],
                color=GRAPH["backward"], fontstyle="normal" if words else "italic")
        for child in node._prev:
            cx, cy = position[child]
            start, end = ((cx, cy - box_height / 2), (x, y + box_height / 2)) if vertical else (
                (cx + box_width / 2, cy), (x - box_width / 2, y))
            ax.add_patch(
                FancyArrowPatch(
                    start, end,
                    arrowstyle="-|>", mutation_scale=10, color=GRAPH["edge"], linewidth=0.9,
                    shrinkA=1, shrinkB=1,
                )
            )
    xs = [x for x, _ in position.values()]
    ys = [y for _, y in position.values()]
    ax.set_xlim(min(xs) - box_width / 2 - 0.1, max(xs) + box_width / 2 + 0.1)
    ax.set_ylim(min(ys) - box_height / 2 - 0.1, max(ys) + box_height / 2 + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")


def network_error_graph() -> Value:
    """Chapter 6's network and the error of its first sample, built from ``Value`` and differentiated."""
    X, y = noisy_line(100, seed=0)
    x0 = Value(float(X[0, 0]), label="x")
    y0 = Value(float(y[0, 0]), label="y")
    w11, w12, w21, w22 = (Value(w, label=name) for w, name in zip(START, ("w11", "w12", "w21", "w22")))
    h1 = w11 * x0 + w12
    o1 = w21 * h1 + w22
    e = o1 - y0
    E = e**2
    h1.label, o1.label, e.label, E.label = "h1", "o1", "e", "E"
    E.backward()
    return E


@figure("ch07-computation-graph.svg", narrow=True)
def computation_graph(narrow: bool = False) -> Figure:
    """The two-neuron network's error as a computation graph after ``backward()``.

    The narrow variant, for phones, draws the graph from top to bottom.
    """
    title = "E = (w21·(w11·x + w12) + w22 − y)² for the first sample after E.backward()"
    if not narrow:
        fig = Figure(figsize=(8, 3.4))
        ax = fig.add_subplot()
        draw_graph(ax, network_error_graph())
        ax.set_title(title, fontsize=9)
        return fig
    fig = Figure(figsize=(4.2, 7.6), layout="constrained")
    ax = fig.add_subplot()
    draw_graph(ax, network_error_graph(), box=(1.9, 1.3), step=(1.75, 2.05), fontsize=(11, 10),
               vertical=True)
    ax.set_title(fold(title, 34), fontsize=11)
    return phone_text(fig)


# ------------------------------------------------------------------ one neuron

#: The neuron's inputs, weights and bias, as the chapter builds it.
NEURON = {"x1": 1.0, "x2": -2.0, "w1": 0.5, "w2": 0.25, "b": 0.5}


def neuron_graph() -> Value:
    """``o = tanh(w1·x1 + w2·x2 + b)`` at :data:`NEURON`, built from ``Value`` and differentiated."""
    x1, x2, w1, w2, b = (Value(NEURON[k], label=k) for k in ("x1", "x2", "w1", "w2", "b"))
    p1 = w1 * x1
    p2 = w2 * x2
    s = p1 + p2
    n = s + b
    o = n.tanh()
    p1.label, p2.label, s.label, n.label, o.label = "p1", "p2", "s", "n", "o"
    o.backward()
    return o


@figure("ch07-neuron.svg")
def neuron() -> Figure:
    """One tanh neuron as a computation graph, every box with its data and its gradient."""
    # At 6.4 in wide, a 390 px phone shows the figure at about 0.58 of its size:
    # 16 pt text is still about 9 pt there.
    fig = Figure(figsize=(6.4, 3.9))
    ax = fig.add_axes((0.0, 0.0, 1.0, 0.86))
    draw_graph(ax, neuron_graph(), box=(2.05, 1.45), step=(2.35, 1.6), fontsize=(16, 16), words=False)
    fig.text(0.5, 0.995, "o = tanh(w1·x1 + w2·x2 + b) after o.backward()\n"
             "each box: name, data, and (blue, italic) grad",
             ha="center", va="top", fontsize=16, linespacing=1.15)
    return fig


# ------------------------------------------------------- a network of Values


class Neuron:
    """``tanh(w · x + b)``, or ``w · x + b`` when ``linear``; weights uniform in [-1, 1)."""

    def __init__(self, n_in: int, rng: random.Random, linear: bool = False) -> None:
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(n_in)]
        self.b = Value(0.0)
        self.linear = linear

    def __call__(self, x: list) -> Value:
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act if self.linear else act.tanh()

    def parameters(self) -> list[Value]:
        return self.w + [self.b]


class Layer:
    """``n_out`` neurons reading the same inputs."""

    def __init__(self, n_in: int, n_out: int, rng: random.Random, linear: bool = False) -> None:
        self.neurons = [Neuron(n_in, rng, linear) for _ in range(n_out)]

    def __call__(self, x: list) -> list[Value]:
        return [neuron(x) for neuron in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    """Layers of the given ``sizes``, tanh in all but the last, which is linear."""

    def __init__(self, sizes: list[int], seed: int = 0) -> None:
        rng = random.Random(seed)
        last = len(sizes) - 2
        self.layers = [Layer(n_in, n_out, rng, linear=(i == last))
                       for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]))]

    def __call__(self, x: list) -> Value:
        for layer in self.layers:
            x = layer(x)
        return x[0]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


#: The chapter's training run: points, layer sizes, steps, learning rate.
MOONS = {"points": 40, "sizes": [2, 8, 8, 1], "steps": 150, "lr": 0.2}


def moons_data(points: int = MOONS["points"]) -> tuple[list[list[float]], list[float]]:
    """The two moons as lists of floats: inputs ``[x1, x2]`` and targets -1 (class 0) or +1 (class 1)."""
    X, y = two_moons(points, seed=0)
    return [[float(a), float(b)] for a, b in X], [1.0 if c == 1 else -1.0 for c in y]


def train_moons(steps: int = MOONS["steps"], lr: float = MOONS["lr"]) -> tuple[MLP, list[float]]:
    """Train the chapter's :class:`MLP` by gradient descent on the mean squared error.

    Returns the trained model and the loss before each step.
    """
    inputs, targets = moons_data()
    model = MLP(MOONS["sizes"], seed=0)
    losses = []
    for _ in range(steps):
        scores = [model(x) for x in inputs]
        loss = sum((s - t) ** 2 for s, t in zip(scores, targets)) / len(inputs)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        losses.append(loss.data)
    return model, losses


def scores_on_grid(model: MLP, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The model's score at every point of the grid ``xs`` × ``ys``, computed with NumPy from its weights."""
    a = np.stack(np.meshgrid(xs, ys), axis=-1)  # (rows, columns, 2)
    for layer in model.layers:
        W = np.array([[w.data for w in neuron.w] for neuron in layer.neurons])
        b = np.array([neuron.b.data for neuron in layer.neurons])
        a = a @ W.T + b
        if not layer.neurons[0].linear:
            a = np.tanh(a)
    return a[..., 0]


@figure("ch07-moons-boundary.svg")
def moons_boundary() -> Figure:
    """The two moons and the decision boundary of the ``Value`` network trained on them."""
    model, losses = train_moons()
    inputs, targets = moons_data()
    X = np.array(inputs)
    xs, ys = np.linspace(-1.5, 2.5, 201), np.linspace(-1.1, 1.6, 136)
    score = scores_on_grid(model, xs, ys)
    # At 6.4 in wide a phone shows the figure at about 0.58 of its size: 16 pt stays about 9 pt.
    fig = Figure(figsize=(6.4, 4.3), layout="constrained")
    ax = fig.add_subplot()
    ax.imshow((score > 0).astype(int), origin="lower", extent=(xs[0], xs[-1], ys[0], ys[-1]),
              cmap=ListedColormap(CLASSES[:2]), alpha=0.22, vmin=0, vmax=1,
              interpolation="nearest", aspect="auto")
    ax.contour(xs, ys, score, levels=[0.0], colors=[INK], linewidths=1.5)
    for label, (target, marker) in {"class 0 (target −1)": (-1.0, "o"),
                                    "class 1 (target +1)": (1.0, "s")}.items():
        picked = np.array([t == target for t in targets])
        ax.scatter(X[picked, 0], X[picked, 1], s=40, marker=marker, label=label,
                   color=CLASSES[0 if target < 0 else 1], edgecolors=INK, linewidths=0.6)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_title(f"after {len(losses)} steps; black line: score 0", fontsize=15)
    ax.legend(loc="lower left", fontsize=14)
    ax.tick_params(labelsize=14)
    return fig


#: The colours of the two modes: forward mode shares the complex step's colour (it is
#: the same method), reverse mode is backpropagation's.
MODES = {"forward": METHODS["complex"], "reverse": METHODS["backprop"]}


@figure("ch07-forward-reverse.svg", narrow=True)
def forward_reverse(narrow: bool = False) -> Figure:
    """Time of forward and reverse mode against P, for P inputs (left) and P outputs (right).

    Drawn from ``benchmarks/results/forward_mode.json`` (``make bench``); nothing
    is measured here. The narrow variant, for phones, stacks the two panels.
    """
    rows = load("forward_mode")["results"]
    fig, panels = new_figure(9.0, 4.6, ncols=2, narrow=narrow, panel_height=4.4)
    titles = {"gradient": "gradient of f: ℝᴾ → ℝ (P weights, one loss)",
              "derivatives": "derivatives of f: ℝ → ℝᴾ (one input, P outputs)"}
    labels = {("gradient", "forward"): "forward mode: P passes",
              ("gradient", "reverse"): "reverse mode: 1 forward + 1 backward",
              ("derivatives", "forward"): "forward mode: 1 pass",
              ("derivatives", "reverse"): "reverse mode: 1 forward + P backward"}
    for ax, case in zip(panels, ("gradient", "derivatives")):
        picked = [r for r in rows if r["case"] == case]
        P = [r["P"] for r in picked]
        for mode, marker in (("forward", "o"), ("reverse", "s")):
            ms = [r[f"{mode}_mode"]["time"]["median_s"] * 1e3 for r in picked]
            ax.plot(P, ms, marker=marker, linestyle="-" if mode == "forward" else "--",
                    color=MODES[mode], markeredgecolor=INK, markeredgewidth=0.5,
                    label=labels[case, mode])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("P inputs" if case == "gradient" else "P outputs")
        ax.set_ylabel("time (ms)")
        ax.set_title(fold(titles[case], 30) if narrow else titles[case], fontsize=10)
        # below the axes, where no line runs
        ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
    return phone_text(fig) if narrow else fig
