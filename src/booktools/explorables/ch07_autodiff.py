"""Chapter 7's explorable: backpropagation through one tanh neuron, one step at a time.

The neuron is the chapter's, ``o = tanh(w1·x1 + w2·x2 + b)``, built from
:class:`backprop.engine.Value` by the figure module (``ch07-neuron.svg``) and
laid out as that figure lays it out. The steps are the engine's own:

- forward, one node per step in :func:`backprop.engine.topological_order`
  (inputs first): the node's value, ``node.data``;
- backward, first ``o.grad = 1``, then one step per edge, walking the nodes in
  reverse order as :meth:`Value.backward` does: the input's gradient grows by
  the local derivative the engine stored for that edge (``node._local``) times
  the gradient of the node using it, ``input.grad += local × node.grad``.

The replay of the backward pass must end on the gradients that
``o.backward()`` left in the graph (checked here and in the tests), so the
page shows exactly the engine's arithmetic.
"""

from __future__ import annotations

from backprop.engine import Value, topological_order
from booktools.explorables import explorable

#: How an operation is written in a step's text.
OPS = {"*": "×", "+": "+"}


def number(value: float) -> str:
    """A value as the step's text prints it: four decimals, a true minus sign.

    >>> number(-1.5728954659318548), number(0.0)
    ('−1.5729', '0.0000')
    """
    return f"{value:.4f}".replace("-", "−") if round(value, 4) != 0 else "0.0000"


def short(value: float) -> str:
    """A value as a box of the graph shows it: three significant digits, as the static figure.

    >>> short(-1.5728954659318548), short(0.46211715726000974), short(0.0)
    ('−1.57', '0.462', '0')
    """
    return f"{value:.3g}".replace("-", "−")


def _formula(node: Value) -> str:
    """How ``node`` is computed from its inputs: ``w1 × x1``, ``tanh(n)``."""
    if node._op in OPS:
        a, b = node._prev
        return f"{a.label} {OPS[node._op]} {b.label}"
    (a,) = node._prev
    return f"{node._op}({a.label})"


def _local_formula(node: Value, k: int) -> str:
    """The local derivative of ``node`` with respect to its ``k``-th input, in symbols."""
    if node._op == "+":
        return "1"
    if node._op == "*":
        return node._prev[1 - k].label  # the other input
    if node._op == "tanh":
        return f"1 − {node.label}²"
    raise ValueError(f"no formula for the local derivative of operation {node._op!r}")


def steps(root: Value) -> list[dict]:
    """Every step of the forward and backward pass through the graph of ``root``.

    ``root`` must have been differentiated (``root.backward()``) from zero
    gradients; the replay below ends on its gradients, or this raises.
    Each step gives the texts of every box (``None``: not computed yet) and
    what the page prints.
    """
    order = topological_order(root)
    index = {node: k for k, node in enumerate(order)}
    data: list[str | None] = [None] * len(order)
    grad: list[str | None] = [None] * len(order)
    grads = {node: 0.0 for node in order}
    result = []

    def record(kind: str, node: Value, text: str, detail: str, *, edge: tuple[int, int] | None = None,
               **numbers) -> None:
        result.append({"pass": kind, "node": index[node], "edge": list(edge) if edge else None,
                       "text": text, "detail": detail, "data": list(data), "grad": list(grad), **numbers})

    for node in order:  # forward: each node's value, inputs first
        data[index[node]] = short(node.data)
        if node._prev:
            values = ", ".join(f"{p.label} = {number(p.data)}" for p in node._prev)
            record("forward", node, f"{node.label} = {_formula(node)} = {number(node.data)}",
                   f"computed from {values}", value=node.data)
        else:
            record("forward", node, f"{node.label} = {number(node.data)}", "an input: its value is given",
                   value=node.data)

    grads[root] = 1.0  # backward: d(root)/d(root) = 1, then the chain rule along every edge
    grad[index[root]] = short(1.0)
    record("backward", root, f"{root.label}.grad = 1.0000", "the output's gradient with respect to itself",
           value=1.0)
    for node in reversed(order):
        for k, (inp, local) in enumerate(zip(node._prev, node._local)):
            before = grads[inp]
            grads[inp] += local * grads[node]
            grad[index[inp]] = short(grads[inp])
            added = "" if before == 0 else f"{number(before)} + "
            text = (f"{inp.label}.grad += ∂{node.label}/∂{inp.label} × {node.label}.grad"
                    f" = {added}{number(local)} × {number(grads[node])} = {number(grads[inp])}")
            symbols = _local_formula(node, k)
            detail = (f"local derivative of {_formula(node)} with respect to {inp.label}: "
                      f"∂{node.label}/∂{inp.label} = {symbols}"
                      + ("" if symbols == "1" else f" = {number(local)}"))
            record("backward", inp, text, detail, edge=(index[inp], index[node]),
                   local=local, grad_out=grads[node], value=grads[inp])
    mismatch = [n.label for n in order if grads[n] != n.grad]
    if mismatch:
        raise RuntimeError(f"the replayed backward pass differs from the engine's at {mismatch}")
    return result


@explorable("ch07-backprop-steps")
def backprop_steps() -> dict:
    """The chapter's neuron: its nodes where the static figure draws them, and every step."""
    from booktools.figures.ch07_autodiff import layout, neuron_graph

    root = neuron_graph()
    order = topological_order(root)
    position = layout(root, 1.0, 1.0)  # columns and rows, in units of one step
    nodes = [{"label": node.label, "title": f"{node.label} = {OPS.get(node._op, node._op)}" if node._prev else node.label,
              "formula": f"{node.label} = {_formula(node)}" if node._prev else f"{node.label}, an input",
              "kind": "output" if node is root else "operation" if node._prev else "input",
              "column": round(position[node][0], 3), "row": round(position[node][1], 3),
              "inputs": [order.index(p) for p in node._prev]} for node in order]
    all_steps = steps(root)
    for k, step in enumerate(all_steps, start=1):
        step["headline"] = f"Step {k} of {len(all_steps)}, {step['pass']} pass"
    return {"nodes": nodes, "steps": all_steps,
            "forward": sum(s["pass"] == "forward" for s in all_steps)}
