"""The claims chapter 7 makes in prose about its neuron and its network of ``Value``s, asserted.

The chapter's doctests pin the printed numbers; these tests pin what the
figures and the sentences around them say: that the neuron drawn in
``ch07-neuron.svg`` is the one the chapter builds, that the network whose
boundary ``ch07-moons-boundary.svg`` draws is the one the chapter trains (the
figure module holds the same classes and loop,
:mod:`booktools.figures.ch07_autodiff`), and that the boundary is the sign of
the network's score.
"""

from __future__ import annotations

import ast
import inspect
import math
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from backprop.engine import Value
from booktools.figures.ch07_autodiff import (
    MOONS,
    NEURON,
    moons_data,
    neuron_graph,
    scores_on_grid,
    train_moons,
)

CHAPTER = Path(__file__).resolve().parents[1] / "docs" / "07-autodiff.md"


@pytest.fixture(scope="module")
def chapter() -> str:
    return CHAPTER.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def trained():
    return train_moons()


def _leaves(root: Value) -> dict[str, Value]:
    found, stack = {}, [root]
    while stack:
        node = stack.pop()
        if not node._prev:
            found[node.label] = node
        stack.extend(node._prev)
    return found


def test_the_drawn_neuron_is_the_chapters(chapter):
    for name, value in NEURON.items():
        assert re.search(rf'Value\({value!r}, label="{name}"\)', chapter), name
    o = neuron_graph()
    n = sum(NEURON[f"w{i}"] * NEURON[f"x{i}"] for i in (1, 2)) + NEURON["b"]
    assert o.data == math.tanh(n)
    leaves = _leaves(o)
    local = 1 - math.tanh(n) ** 2
    # The routing the chapter reads off the figure: + hands on, * swaps.
    assert leaves["b"].grad == local
    for i in (1, 2):
        assert leaves[f"w{i}"].grad == pytest.approx(NEURON[f"x{i}"] * local, rel=1e-15)
        assert leaves[f"x{i}"].grad == pytest.approx(NEURON[f"w{i}"] * local, rel=1e-15)


def test_the_figures_network_is_the_one_the_chapter_trains(chapter, trained):
    _, losses = trained
    assert f"range({MOONS['steps']})" in chapter
    assert f"p.data -= {MOONS['lr']} * p.grad" in chapter
    assert f"two_moons({MOONS['points']}, seed=0)" in chapter
    assert f"MLP({MOONS['sizes']})" in chapter
    printed = f"({round(losses[0], 4)}, {round(losses[-1], 4)})"
    assert printed in chapter


def _plain(source: str) -> str:
    """``source`` without type annotations and docstrings, as ``ast.unparse`` writes it."""
    tree = ast.parse(textwrap.dedent(source))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                node.body = body[1:]
        if isinstance(node, ast.FunctionDef):
            node.returns = None
        if isinstance(node, ast.arg):
            node.annotation = None
    return ast.unparse(tree)


def _shown_class(chapter: str, name: str) -> str:
    """The class ``name`` as the chapter's console example defines it."""
    lines = [line[4:] for line in chapter.splitlines() if line.startswith((">>> ", "... "))]
    start = lines.index(f"class {name}:")
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith(" "):
            break
        block.append(line)
    return "\n".join(block)


@pytest.mark.parametrize("name", ["Neuron", "Layer", "MLP"])
def test_the_chapter_shows_the_figure_modules_classes(chapter, name):
    """The chapter's classes are the figure module's, but for types and docstrings."""
    import booktools.figures.ch07_autodiff as module

    assert _plain(_shown_class(chapter, name)) == _plain(inspect.getsource(getattr(module, name)))


def test_one_point_is_misclassified_at_the_tip_of_the_upper_arc(trained):
    model, _ = trained
    inputs, targets = moons_data()
    wrong = [(x, t) for x, t in zip(inputs, targets) if (model(x).data > 0) != (t > 0)]
    assert len(wrong) == 1
    (x1, x2), target = wrong[0]
    assert target == -1.0  # class 0, the upper arc, drawn blue
    assert x1 > 1.0 and abs(x2) < 0.2  # its right-hand tip


def test_the_boundary_is_the_sign_of_the_score(trained):
    model, _ = trained
    inputs, _ = moons_data()
    xs, ys = np.array([p[0] for p in inputs]), np.array([p[1] for p in inputs])
    grid = scores_on_grid(model, xs, ys)  # every (x, y) pair; the diagonal is the data
    diagonal = np.diagonal(grid)
    assert np.allclose(diagonal, [model(x).data for x in inputs], rtol=1e-12, atol=1e-12)


def test_the_loss_falls_and_the_graph_has_the_counted_nodes(chapter, trained):
    import backprop.engine

    model, losses = trained
    assert losses[-1] < losses[0] / 5
    inputs, targets = moons_data()
    loss = sum((model(x) - t) ** 2 for x, t in zip(inputs, targets)) / len(inputs)
    nodes = len(backprop.engine.topological_order(loss))
    assert f"\n{nodes}\n" in chapter
    assert f"{nodes:,}" in chapter
