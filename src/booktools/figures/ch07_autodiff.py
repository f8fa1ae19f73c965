"""Figures of chapter 7: a computation graph drawn with its values and gradients."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from backprop.datasets import noisy_line
from backprop.engine import Value, topological_order
from booktools.figures import figure
from booktools.figures._style import GRAPH
from backprop.twolayer import START

#: How an operation is written in a box.
OP_NAMES = {"*": "×", "-": "−", "neg": "negate", "/": "÷"}

BOX_WIDTH, BOX_HEIGHT = 1.8, 1.3
COLUMN_STEP, ROW_STEP = 2.4, 1.65


def layout(root: Value) -> dict[Value, tuple[float, float]]:
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
    position = {root: (deepest * COLUMN_STEP, 0.0)}
    for d in range(1, deepest + 1):
        column = [node for node in order if distance[node] == d]

        def height(node: Value) -> float:
            placed = [position[user][1] for user in users[node]]
            return sum(placed) / len(placed)

        column.sort(key=height, reverse=True)
        centre = sum(height(node) for node in column) / len(column)
        top = centre + (len(column) - 1) * ROW_STEP / 2
        for k, node in enumerate(column):
            position[node] = ((deepest - d) * COLUMN_STEP, top - k * ROW_STEP)
    return position


def _title(node: Value) -> str:
    op = OP_NAMES.get(node._op, node._op)
    if node.label and op:
        return f"{node.label} = {op}"
    return node.label or op or "input"


def draw_graph(ax: Axes, root: Value) -> None:
    """Draw the graph of ``root`` on ``ax``: one box per node, one arrow per input."""
    position = layout(root)
    for node, (x, y) in position.items():
        kind = "output" if node is root else "operation" if node._prev else "input"
        ax.add_patch(
            FancyBboxPatch(
                (x - BOX_WIDTH / 2, y - BOX_HEIGHT / 2), BOX_WIDTH, BOX_HEIGHT,
                boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor=GRAPH[kind], edgecolor=GRAPH["edge"], linewidth=1,
            )
        )
        line = BOX_HEIGHT * 0.28  # three lines of text per box
        ax.text(x, y + line, _title(node), ha="center", va="center", fontsize=8.5, fontweight="bold")
        ax.text(x, y, f"data {node.data:.4g}", ha="center", va="center", fontsize=7.5)
        ax.text(x, y - line, f"grad {node.grad:.4g}", ha="center", va="center", fontsize=7.5,
                color=GRAPH["backward"])
        for child in node._prev:
            cx, cy = position[child]
            ax.add_patch(
                FancyArrowPatch(
                    (cx + BOX_WIDTH / 2, cy), (x - BOX_WIDTH / 2, y),
                    arrowstyle="-|>", mutation_scale=10, color=GRAPH["edge"], linewidth=0.9,
                    shrinkA=1, shrinkB=1,
                )
            )
    xs = [x for x, _ in position.values()]
    ys = [y for _, y in position.values()]
    ax.set_xlim(min(xs) - BOX_WIDTH / 2 - 0.1, max(xs) + BOX_WIDTH / 2 + 0.1)
    ax.set_ylim(min(ys) - BOX_HEIGHT / 2 - 0.1, max(ys) + BOX_HEIGHT / 2 + 0.1)
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


@figure("ch07-computation-graph.svg")
def computation_graph() -> Figure:
    """The two-neuron network's error as a computation graph after ``backward()``."""
    fig = Figure(figsize=(8, 3.4))
    ax = fig.add_subplot()
    draw_graph(ax, network_error_graph())
    ax.set_title("E = (w21·(w11·x + w12) + w22 − y)² for the first sample after E.backward()", fontsize=9)
    return fig
