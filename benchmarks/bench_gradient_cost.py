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

Forward mode (chapter 7) is timed too: one forward-mode pass through the same
network, a Jacobian-vector product that carries the tangent of every array
next to its value (``dZ = dX W + X dW + db`` for a layer, ``relu'(Z) * dZ`` for
an activation), gives the derivative of the loss in one direction of the
parameters. Its time, in forward passes, is the price of one forward-mode
pass; a forward-mode gradient needs ``P`` of them, one per parameter, and
where that takes a few seconds at most it is run, timed and compared with
backpropagation's gradient like the numeric ones.

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


def jvp(model, x, y, tangents):
    """One forward-mode pass: the loss and its derivative along ``tangents``.

    ``tangents`` holds one array per parameter, in the order of
    ``model.parameters()``: the direction in which the parameters move.
    Every array of the forward pass gets its tangent beside it, computed by
    the chain rule in the same pass: ``dZ = dX @ W + X @ dW + db`` for a
    ``Linear`` layer (``dX`` is 0 for the data, so the first layer skips
    that product), ``(Z > 0) * dZ`` for a ``ReLU``, and
    ``dL = sum((softmax(Z) - onehot(y)) * dZ) / N`` for the loss.
    """
    import numpy as np

    from backprop.losses import log_softmax
    from backprop.nn import Linear

    tangent = dict(zip(map(id, model.parameters()), tangents))
    a, da = x, None
    for layer in model.layers:
        if isinstance(layer, Linear):
            W, dW, db = layer.weight.data, tangent[id(layer.weight)], tangent[id(layer.bias)]
            z = a @ W + layer.bias.data
            dz = a @ dW + db if da is None else da @ W + a @ dW + db
            a, da = z, dz
        else:  # ReLU
            on = a > 0
            a, da = a * on, da * on
    log_p = log_softmax(a)
    rows = np.arange(len(y))
    loss = -float(log_p[rows, y].mean())
    g = np.exp(log_p)
    g[rows, y] -= 1.0
    return loss, float(np.sum(g * da)) / len(y)


def forward_mode_gradient(model, x, y):
    """The gradient by forward mode: one pass per parameter, ``P`` passes.

    Pass ``i`` moves parameter number ``i`` alone (its tangent is 1, every
    other is 0) and reads off the derivative of the loss with respect to it.
    """
    import numpy as np

    tangents = [np.zeros_like(p.data) for p in model.parameters()]
    grads = []
    for t in tangents:
        flat = t.reshape(-1)  # a view: setting it sets the tangent
        grad = np.empty(flat.size)
        for i in range(flat.size):
            flat[i] = 1.0
            grad[i] = jvp(model, x, y, tangents)[1]
            flat[i] = 0.0
        grads.append(grad.reshape(t.shape))
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

        import numpy as np

        direction = [np.random.default_rng(1).standard_normal(p.data.shape) for p in model.parameters()]

        def forward_mode_pass():
            return jvp(model, x, y, direction)

        # The timed passes add to .grad again and again; only the time matters here.
        times = _common.interleaved_medians(
            {"forward": forward, "forward_backward": forward_backward,
             "forward_backward_input_grad": forward_backward_input_grad,
             "zero_grad": model.zero_grad, "forward_mode_pass": forward_mode_pass}, repeats, minimum=0.05
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
            "forward_mode": {
                "pass": times["forward_mode_pass"],
                "pass_in_forward_passes": times["forward_mode_pass"]["median_s"] / t_forward,
                "passes": P,
            },
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
        t_jvp = times["forward_mode_pass"]["median_s"]
        # the same loss as the network's forward pass, and its slope along `direction`
        # equal to backprop's gradient dotted with it
        loss_value, slope = forward_mode_pass()
        assert abs(loss_value - loss(model(x), y)) <= 1e-12 * max(1.0, abs(loss_value))
        along = sum(float(np.sum(g * d)) for g, d in zip(backprop_grads, direction))
        row["forward_mode"]["slope_relative_error_vs_backprop"] = abs(slope - along) / max(abs(along), 1e-300)
        if P * t_jvp <= NUMERIC_BUDGET:
            runs = max(1, min(5, int(1.0 / (P * t_jvp))))
            out = []
            samples = [_common.time_per_call(lambda: out.append(forward_mode_gradient(model, x, y)))
                       for _ in range(runs)]
            timing = _common.summary(samples)
            row["forward_mode"]["gradient"] = {
                "time_s": timing["median_s"],
                "wall_s": timing["wall_median_s"],
                "runs": runs,
                "passes_measured": timing["median_s"] / t_forward,
                "relative_error_vs_backprop": relative_error(out[0], backprop_grads),
            }
        results.append(row)
        numeric = ", ".join(f"{k} diff {v['time_s']:.2f} s = {v['passes_measured']:,.0f} passes"
                            for k, v in row["numeric"].items())
        print(f"P = {P:>9,}: forward {t_forward * 1e3:8.3f} ms, ratio {row['ratio']:.2f}, "
              f"forward-mode pass {row['forward_mode']['pass_in_forward_passes']:.2f}"
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
            "forward_mode": "one pass is a Jacobian-vector product through the same network; "
                            "the P-pass gradient is run where it takes at most numeric_budget_s",
        },
        "results": results,
    }
    _common.finish(NAME, payload, args, gradient_cost_table(payload),
                   input_grad_saving(payload), gradient_cost_verdict(payload))


if __name__ == "__main__":
    main()
