"""Forward mode against reverse mode: passes and time as the number of inputs or outputs grows.

One Python function, written with the operators and methods that
``backprop.dual.Dual`` and ``backprop.engine.Value`` share, differentiated in
both modes (chapter 7):

- **f: R^P -> R, a gradient.** The mean squared error of chapter 7's network
  ``2 -> h -> h -> 1`` (tanh, linear output) on 10 two-moons points, as a
  function of its ``P = h^2 + 5h + 1`` weights, for ``h`` from 1 to 16 (P from
  7 to 337). Forward mode: ``backprop.dual.forward_gradient``, one pass per
  weight, P passes. Reverse mode: one forward pass with ``Value`` weights and
  one ``backward()``.
- **f: R -> R^P, P derivatives of one input.** The P iterates of gradient
  descent on ``(x - 3)^2 + 1`` from ``x = 0`` (chapter 7's exercise 2) as
  functions of the learning rate, for P from 10 to 1000. Forward mode:
  ``backprop.dual.forward_derivative``, one pass for every iterate. Reverse
  mode: one forward pass and one ``backward()`` per iterate, P in all.

The passes are counted as they run (not computed from P), each mode is timed
in alternation with the other (median of the repeats), and the two modes'
derivatives are compared with each other. (They are the derivatives of the
program as it runs in floating point: after a few hundred steps the iterates
reach 3.0 exactly, and from there on the program's derivatives shrink faster
than the exact ``6k (1 - 2 lr)^(k - 1)``; chapter 7's five steps are exact.)

Target: each mode wins its own case from P = 8 on at the latest: reverse mode
faster than forward mode for every gradient with P >= 8, forward mode faster
than reverse mode for every P >= 8 derivatives.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_forward_mode.py``.
"""

from __future__ import annotations

import _common  # noqa: F401  (before NumPy: thread settings)

NAME = "forward_mode"
HIDDEN = (1, 2, 3, 4, 6, 8, 12, 16)
POINTS = 10
STEPS = (10, 30, 100, 300, 1000)
LEARNING_RATE = 0.1


# --------------------------------------------------------------- the functions

def network_loss(w, inputs, targets, hidden):
    """Chapter 7's network ``2 -> hidden -> hidden -> 1``: its mean squared error.

    ``w`` holds the ``P`` weights in order, neuron by neuron, each neuron's
    input weights and then its bias. Written with operators and ``.tanh()``
    only, so ``w`` may hold ``Value``s (reverse mode) or ``Dual``s (forward mode).
    """
    sizes = (2, hidden, hidden, 1)
    neurons, k = [], 0
    for n_in, n_out in zip(sizes, sizes[1:]):
        layer = []
        for _ in range(n_out):
            layer.append((w[k:k + n_in], w[k + n_in]))
            k += n_in + 1
        neurons.append(layer)
    total = 0.0
    for x, t in zip(inputs, targets):
        for depth, layer in enumerate(neurons):
            act = [sum((wi * xi for wi, xi in zip(ws, x)), b) for ws, b in layer]
            x = act if depth == len(neurons) - 1 else [a.tanh() for a in act]
        total = total + (x[0] - t) ** 2
    return total / len(inputs)


def parameter_count(hidden: int) -> int:
    """``P`` of ``2 -> hidden -> hidden -> 1``: ``3h + (h + 1)h + h + 1 = h^2 + 5h + 1``."""
    return hidden * hidden + 5 * hidden + 1


def descent_path(lr, steps):
    """The iterates of gradient descent on ``(x - 3)^2 + 1`` from 0: ``x <- x - lr * 2(x - 3)``."""
    x, path = 0.0, []
    for _ in range(steps):
        x = x - lr * (2 * (x - 3))
        path.append(x)
    return path


# --------------------------------------------------------------------- modes

class Counter:
    """Wraps a function and counts its calls: the forward passes of a mode."""

    def __init__(self, f):
        self.f, self.calls = f, 0

    def __call__(self, *args):
        self.calls += 1
        return self.f(*args)


def reverse_gradient(f, point):
    """The gradient by reverse mode: one forward pass with Values, one backward()."""
    from backprop.engine import Value

    values = [Value(v) for v in point]
    f(values).backward()
    return [v.grad for v in values]


def reverse_derivatives(f, x):
    """The derivatives of every output of ``f`` by reverse mode: one forward pass, one backward() per output."""
    from backprop.engine import Value, zero_grad

    v = Value(x)
    derivatives = []
    for out in f(v):
        zero_grad(v)  # the leaf accumulates: clear it before each output's pass
        out.backward()
        derivatives.append(v.grad)
    return derivatives


def _max_relative(a, b) -> float:
    return max(abs(x - y) / max(abs(x), abs(y), 1e-300) for x, y in zip(a, b))


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    threads = _common.set_threads(args.threads)
    import random

    from backprop.datasets import two_moons
    from backprop.dual import forward_derivative, forward_gradient
    from booktools.benchmarks_report import forward_mode_table, forward_mode_verdict

    X, y = two_moons(POINTS, seed=0)
    inputs = X.tolist()
    targets = [1.0 if label == 1 else -1.0 for label in y.tolist()]
    hidden_sizes = HIDDEN[::2] if args.quick else HIDDEN
    step_counts = STEPS[:3] if args.quick else STEPS
    repeats = 3 if args.quick else 5

    results = []
    for hidden in hidden_sizes:
        P = parameter_count(hidden)
        rng = random.Random(hidden)
        point = [rng.uniform(-1, 1) for _ in range(P)]
        loss = Counter(lambda w, hidden=hidden: network_loss(w, inputs, targets, hidden))
        forward = forward_gradient(loss, point)
        forward_passes, loss.calls = loss.calls, 0
        reverse = reverse_gradient(loss, point)
        reverse_passes = loss.calls
        assert forward_passes == P and reverse_passes == 1
        times = _common.interleaved_medians(
            {"forward": lambda: forward_gradient(loss, point), "reverse": lambda: reverse_gradient(loss, point)},
            repeats, minimum=0.02)
        results.append({
            "case": "gradient", "P": P, "hidden": hidden,
            "forward_mode": {"passes": forward_passes, "time": times["forward"]},
            "reverse_mode": {"forward_passes": reverse_passes, "backward_passes": 1, "time": times["reverse"]},
            "max_relative_difference": _max_relative(forward, reverse),
        })
        print(f"gradient, P = {P:>4}: forward mode {times['forward']['median_s'] * 1e3:9.2f} ms, "
              f"reverse mode {times['reverse']['median_s'] * 1e3:7.2f} ms", flush=True)

    for steps in step_counts:
        path = Counter(lambda lr, steps=steps: descent_path(lr, steps))
        forward = forward_derivative(path, LEARNING_RATE)
        forward_passes, path.calls = path.calls, 0
        reverse = reverse_derivatives(path, LEARNING_RATE)
        reverse_passes = path.calls
        assert forward_passes == 1 and reverse_passes == 1 and len(forward) == len(reverse) == steps
        times = _common.interleaved_medians(
            {"forward": lambda: forward_derivative(path, LEARNING_RATE),
             "reverse": lambda: reverse_derivatives(path, LEARNING_RATE)},
            repeats, minimum=0.02)
        results.append({
            "case": "derivatives", "P": steps,
            "forward_mode": {"passes": forward_passes, "time": times["forward"]},
            "reverse_mode": {"forward_passes": reverse_passes, "backward_passes": steps, "time": times["reverse"]},
            "max_relative_difference": _max_relative(forward, reverse),
        })
        print(f"derivatives, P = {steps:>4}: forward mode {times['forward']['median_s'] * 1e3:7.2f} ms, "
              f"reverse mode {times['reverse']['median_s'] * 1e3:9.2f} ms", flush=True)

    payload = {
        "benchmark": NAME,
        "title": "Forward mode against reverse mode",
        "command": "make bench  (or: .venv/bin/python benchmarks/bench_forward_mode.py)",
        "machine": _common.machine(threads),
        "settings": {
            "gradient": f"mean squared error of 2 -> h -> h -> 1 (tanh) on {POINTS} two-moons points, "
                        "as a function of its P weights",
            "derivatives": f"the P iterates of gradient descent on (x - 3)^2 + 1 from x = 0, "
                           f"as functions of the learning rate {LEARNING_RATE}",
            "hidden": list(hidden_sizes),
            "points": POINTS,
            "steps": list(step_counts),
            "repeats": repeats,
            "timing": "median of interleaved repeats, each at least 20 ms of back-to-back calls",
            "clock": _common.CLOCK["name"],
        },
        "results": results,
    }
    _common.finish(NAME, payload, args, forward_mode_table(payload), forward_mode_verdict(payload))


if __name__ == "__main__":
    main()
