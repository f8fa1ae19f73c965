"""Cost of a gradient: backpropagation against numeric differentiation.

MLPs ``w -> w -> w -> 10`` (ReLU, softmax cross-entropy) for widths ``w`` from
4 to 700, that is from about 10^2 to 10^6 parameters ``P``, on a batch of 64.
For each size, the median time of

- a forward pass: ``loss(model(x), y)``;
- a forward and a backward pass: the same, then
  ``model.backward(loss.backward(), input_grad=False)``, which adds every
  parameter's gradient to its ``.grad``, as a training step does;
- the same with ``input_grad=True``: the first layer also computes the
  gradient with respect to the data, which no training step needs;
- ``model.zero_grad()``, which a training step runs before its backward pass
  (gradients accumulate), timed on its own;

timed in alternation, and their ratio: the cost of the whole gradient in
forward passes. A numeric gradient needs ``P + 1`` forward passes (forward
differences) or ``2P`` (central differences); where that takes a few seconds
at most, it is actually run, its time converted into forward passes, and its
result compared with backpropagation's.

Target: forward + backward at most 3 forward passes at every size.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_gradient_cost.py``.
"""

from __future__ import annotations

import _common

import math

NAME = "gradient_cost"
WIDTHS = (4, 8, 16, 32, 64, 128, 256, 512, 700)
BATCH = 64
CLASSES = 10
#: Run a numeric gradient only where it should take at most this long (seconds).
NUMERIC_BUDGET = 6.0


def build(width: int, seed: int = 0):
    """The model, the loss and a batch for one width."""
    import numpy as np

    from backprop.losses import SoftmaxCrossEntropy
    from backprop.nn import Linear, ReLU, Sequential

    rng = np.random.default_rng(seed)
    model = Sequential(
        Linear(width, width, rng=rng), ReLU(),
        Linear(width, width, rng=rng), ReLU(),
        Linear(width, CLASSES, rng=rng),
    )
    # Biases start small and random rather than at zero: a ReLU whose input is
    # exactly 0 sits on its kink, where a finite difference straddles two
    # slopes and cannot agree with the derivative.
    for layer in model.layers[::2]:
        layer.bias.data[:] = 0.1 * rng.standard_normal(layer.bias.data.shape)
    x = rng.standard_normal((BATCH, width))
    y = rng.integers(0, CLASSES, size=BATCH)
    return model, SoftmaxCrossEntropy(), x, y


def numeric_gradient(model, loss, x, y, kind: str):
    """The gradient of the loss by finite differences, one parameter at a time.

    This is what chapter 3's ``partial`` does, applied to every number of
    every weight matrix: ``P + 1`` forward passes for ``kind="forward"``,
    ``2P`` for ``"central"``.
    """
    import numpy as np

    eps = float(np.finfo(float).eps)
    scale = math.sqrt(eps) if kind == "forward" else eps ** (1 / 3)
    base = loss(model(x), y) if kind == "forward" else None
    grads = []
    for p in model.parameters():
        values = p.data.reshape(-1)  # a view: changing it changes the parameter
        grad = np.empty(values.size)
        for i in range(values.size):
            old = float(values[i])
            h = scale * max(1.0, abs(old))
            values[i] = old + h
            up = loss(model(x), y)
            if kind == "forward":
                grad[i] = (up - base) / (values[i] - old)
            else:
                step = values[i]
                values[i] = old - h
                grad[i] = (up - loss(model(x), y)) / (step - values[i])
            values[i] = old
        grads.append(grad.reshape(p.data.shape))
    return grads


def relative_error(a, b) -> float:
    import numpy as np

    a = np.concatenate([g.ravel() for g in a])
    b = np.concatenate([g.ravel() for g in b])
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b)))


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    threads = _common.set_threads(args.threads)
    from booktools.benchmarks_report import (
        gradient_cost_table,
        gradient_cost_verdict,
        input_grad_saving,
    )

    widths = WIDTHS[::2] if args.quick else WIDTHS
    repeats = 5 if args.quick else 15
    results = []
    for width in widths:
        model, loss, x, y = build(width)
        P = sum(p.data.size for p in model.parameters())

        def forward():
            return loss(model(x), y)

        def forward_backward():
            loss(model(x), y)
            model.backward(loss.backward(), input_grad=False)  # as a training step: no dL/dX

        def forward_backward_input_grad():
            loss(model(x), y)
            model.backward(loss.backward())  # dL/dX of the first layer too

        # The timed passes add to .grad again and again; only the time matters here.
        times = _common.interleaved_medians(
            {"forward": forward, "forward_backward": forward_backward,
             "forward_backward_input_grad": forward_backward_input_grad,
             "zero_grad": model.zero_grad}, repeats, minimum=0.05
        )
        t_forward = times["forward"]["median_s"]
        row = {
            "width": width,
            "parameters": P,
            "forward": times["forward"],
            "forward_backward": times["forward_backward"],
            "forward_backward_input_grad": times["forward_backward_input_grad"],
            "zero_grad": times["zero_grad"],
            "ratio": times["forward_backward"]["median_s"] / t_forward,
            "numeric": {},
        }
        model.zero_grad()
        forward_backward()
        backprop_grads = [p.grad.copy() for p in model.parameters()]
        for kind, passes in (("forward", P + 1), ("central", 2 * P)):
            if passes * t_forward > NUMERIC_BUDGET:
                continue
            # a short run is repeated (median of up to 5) so that it is not one noisy sample
            runs = max(1, min(5, int(1.0 / (passes * t_forward))))
            out = []
            samples = [_common.time_per_call(
                lambda: out.append(numeric_gradient(model, loss, x, y, kind))) for _ in range(runs)]
            grads = out[0]
            timing = _common.summary(samples)
            elapsed = timing["median_s"]
            row["numeric"][kind] = {
                "passes": passes,
                "time_s": elapsed,
                "wall_s": timing["wall_median_s"],
                "runs": runs,
                "passes_measured": elapsed / t_forward,
                "relative_error_vs_backprop": relative_error(grads, backprop_grads),
            }
        results.append(row)
        numeric = ", ".join(f"{k} diff {v['time_s']:.2f} s = {v['passes_measured']:,.0f} passes"
                            for k, v in row["numeric"].items())
        print(f"P = {P:>9,}: forward {t_forward * 1e3:8.3f} ms, ratio {row['ratio']:.2f}"
              + (f"; {numeric}" if numeric else ""), flush=True)

    payload = {
        "benchmark": NAME,
        "title": "Cost of a gradient",
        "command": "make bench  (or: .venv/bin/python benchmarks/bench_gradient_cost.py)",
        "machine": _common.machine(threads),
        "settings": {
            "architecture": "w -> w -> w -> 10, ReLU, softmax cross-entropy",
            "batch": BATCH,
            "widths": list(widths),
            "repeats": repeats,
            "timing": "median of interleaved repeats, each at least 50 ms of back-to-back calls",
            "clock": _common.CLOCK["name"],
            "numeric_budget_s": NUMERIC_BUDGET,
        },
        "results": results,
    }
    _common.finish(NAME, payload, args, gradient_cost_table(payload),
                   input_grad_saving(payload), gradient_cost_verdict(payload))


if __name__ == "__main__":
    main()
