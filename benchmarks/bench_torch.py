"""Training speed against PyTorch: the capstone MLP on the digits.

The network of chapter 11, ``64 -> 128 -> 64 -> 10`` with ReLU, softmax
cross-entropy and plain SGD (learning rate 0.1, batches of 32), trained on the
1,438 training digits (pixels scaled to 0..1) by

- ``backprop.nn`` (float64, the only precision it has),
- PyTorch on the CPU in float64 and in float32,

with the same initial weights, the same order of samples in every epoch and
the same number of threads. Each contestant trains its own model; their epochs
are run in turn (ours, PyTorch float64, PyTorch float32, ours, ...) so that load
from other processes hits them alike. Reported: the median time per epoch
(after one warm-up epoch), the last epoch's mean loss and the test accuracy.

Two more measurements explain the times: the *floor*, an epoch's 8 matrix
products per step timed alone (taking turns with the contestants), and the
price of single small calls in NumPy and PyTorch on one batch's arrays.

Target: ``backprop.nn`` at most 0.5x PyTorch float64's time per epoch.

PyTorch is optional (``pip install -r benchmarks/requirements.txt``); without
it this benchmark says so, skips, and leaves its old results as they were.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_torch.py``.
"""

from __future__ import annotations

import _common

NAME = "torch"
LAYERS = (64, 128, 64, 10)
LEARNING_RATE = 0.1
BATCH = 32
EPOCHS = 40
FLOOR = "matrix products alone (NumPy)"


def price_of_a_call(rows: int, inputs: int, outputs: int, width: int, *, quick: bool) -> list[dict]:
    """Median time of single calls on one batch's arrays, NumPy next to PyTorch float64.

    The product is the output layer's (``rows x inputs`` by ``inputs x
    outputs``), the sum and the ReLU work on a hidden layer's ``rows x width``
    batch. At these sizes a call costs little more than its fixed overhead,
    which is what decides the epoch times above.
    """
    import numpy as np  # imported by main() already, after the thread count was set
    import torch
    generator = np.random.default_rng(3)
    X = generator.standard_normal((rows, inputs))
    W = generator.standard_normal((inputs, outputs))
    G = generator.standard_normal((rows, width))
    ones = np.ones(rows)
    zeros = np.zeros_like(G)
    one = np.ones(1)
    X_t, W_t, G_t, one_t = (torch.from_numpy(a) for a in (X, W, G, one))
    W_grad_t = W_t.clone().requires_grad_(True)
    shape = f"{rows}x{inputs} by {inputs}x{outputs}"
    cases = [
        # (operation, library, code as written, function)
        (f"matrix product, {shape}", "NumPy", "X @ W", lambda: X @ W),
        (f"matrix product, {shape}", "NumPy", "X.dot(W)", lambda: X.dot(W)),
        (f"matrix product, {shape}", "PyTorch", "X @ W", lambda: X_t @ W_t),
        (f"matrix product, {shape}", "PyTorch", "X @ W, W requires grad", lambda: X_t @ W_grad_t),
        (f"sum over the batch, {rows}x{width}", "NumPy", "G.sum(axis=0)", lambda: G.sum(axis=0)),
        (f"sum over the batch, {rows}x{width}", "NumPy", "ones.dot(G)", lambda: ones.dot(G)),
        (f"sum over the batch, {rows}x{width}", "PyTorch", "G.sum(0)", lambda: G_t.sum(0)),
        (f"ReLU, {rows}x{width}", "NumPy", "np.maximum(G, 0.0)", lambda: np.maximum(G, 0.0)),
        (f"ReLU, {rows}x{width}", "NumPy", "np.maximum(G, zeros)", lambda: np.maximum(G, zeros)),
        (f"ReLU, {rows}x{width}", "PyTorch", "torch.relu(G)", lambda: torch.relu(G_t)),
        ("add 1 to a 1-element array", "NumPy", "a + 1.0", lambda: one + 1.0),
        ("add 1 to a 1-element array", "PyTorch", "a + 1.0", lambda: one_t + 1.0),
    ]
    timings = _common.interleaved_medians(
        {i: fn for i, (*_, fn) in enumerate(cases)}, repeats=3 if quick else 15, minimum=0.01,
        keep=False,
    )
    return [
        {"operation": operation, "library": library, "code": code, "call": timings[i]}
        for i, (operation, library, code, _) in enumerate(cases)
    ]


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    threads = _common.set_threads(args.threads)
    try:
        import torch
    except ImportError:
        _common.skip("PyTorch", NAME)
        return
    import numpy as np

    from booktools.benchmarks_report import (
        calls_table,
        spelling_savings,
        torch_floor,
        torch_table,
        torch_verdict,
    )
    from backprop.datasets import load_digits, train_test_split
    from backprop.losses import SoftmaxCrossEntropy, accuracy
    from backprop.nn import Linear, ReLU, Sequential
    from backprop.optim import SGD

    torch.set_num_threads(threads)
    epochs = 4 if args.quick else EPOCHS

    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, seed=0)
    n = len(X_train)
    rng = np.random.default_rng(0)
    orders = [rng.permutation(n) for _ in range(epochs + 1)]

    # ------------------------------------------------ backprop.nn (float64)
    init = np.random.default_rng(1)
    ours = Sequential(
        Linear(LAYERS[0], LAYERS[1], rng=init), ReLU(),
        Linear(LAYERS[1], LAYERS[2], rng=init), ReLU(),
        Linear(LAYERS[2], LAYERS[3], rng=init),
    )
    initial = [p.data.copy() for p in ours.parameters()]
    loss = SoftmaxCrossEntropy()
    optimizer = SGD(ours.parameters(), lr=LEARNING_RATE)

    def epoch_ours(order):
        total = 0.0
        for start in range(0, n, BATCH):
            batch = order[start:start + BATCH]
            total += loss(ours(X_train[batch]), y_train[batch]) * len(batch)
            optimizer.zero_grad()
            ours.backward(loss.backward(), input_grad=False)
            optimizer.step()
        return total / n

    # ------------------------------------------------------------- PyTorch
    def torch_contestant(dtype):
        model = torch.nn.Sequential(
            torch.nn.Linear(LAYERS[0], LAYERS[1]), torch.nn.ReLU(),
            torch.nn.Linear(LAYERS[1], LAYERS[2]), torch.nn.ReLU(),
            torch.nn.Linear(LAYERS[2], LAYERS[3]),
        ).to(dtype)
        with torch.no_grad():  # the same starting point: backprop's weights, transposed
            linears = [m for m in model if isinstance(m, torch.nn.Linear)]
            for layer, (W, b) in zip(linears, zip(initial[::2], initial[1::2])):
                layer.weight.copy_(torch.from_numpy(W.T.copy()))
                layer.bias.copy_(torch.from_numpy(b))
        X_t = torch.from_numpy(X_train).to(dtype)
        y_t = torch.from_numpy(y_train)
        opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
        cross_entropy = torch.nn.functional.cross_entropy

        def epoch(order):
            order_t = torch.from_numpy(order)
            total = 0.0
            for start in range(0, n, BATCH):
                batch = order_t[start:start + BATCH]
                value = cross_entropy(model(X_t[batch]), y_t[batch])
                opt.zero_grad()
                value.backward()
                opt.step()
                total += value.item() * len(batch)
            return total / n

        def test_accuracy():
            with torch.no_grad():
                scores = model(torch.from_numpy(X_test).to(dtype)).double().numpy()
            return accuracy(scores, y_test)

        return epoch, test_accuracy

    # ------------------------------------- the floor: the matrix products alone
    # Every training step multiplies 8 matrices, in both libraries: 3 forward,
    # 3 weight gradients X^T G and 2 input gradients G W^T (the first layer's
    # is skipped). Timing just those products, on arrays of the same shapes,
    # shows how much of an epoch is arithmetic and how much is overhead.
    batch_sizes = [len(orders[0][start:start + BATCH]) for start in range(0, n, BATCH)]
    floor_rng = np.random.default_rng(2)
    weights = [floor_rng.standard_normal((a, b)) for a, b in zip(LAYERS, LAYERS[1:])]
    weight_grads = [np.empty_like(W) for W in weights]
    arrays = {}  # per batch size: the inputs and the output gradients of each layer
    for size in set(batch_sizes):
        inputs = [floor_rng.standard_normal((size, a)) for a in LAYERS[:-1]]
        grads = [floor_rng.standard_normal((size, b)) for b in LAYERS[1:]]
        outputs = [np.empty((size, b)) for b in LAYERS[1:]]
        input_grads = [np.empty((size, a)) for a in LAYERS[:-1]]
        arrays[size] = inputs, grads, outputs, input_grads

    def epoch_floor(order):
        for size in batch_sizes:
            inputs, grads, outputs, input_grads = arrays[size]
            for X, W, Y in zip(inputs, weights, outputs):
                np.dot(X, W, out=Y)  # forward
            for X, G, dW in zip(inputs, grads, weight_grads):
                np.dot(X.T, G, out=dW)  # weight gradients
            for G, W, dX in zip(grads[1:], weights[1:], input_grads[1:]):
                np.dot(G, W.T, out=dX)  # input gradients, but not the first layer's
        return float("nan")

    pairs = list(zip(LAYERS, LAYERS[1:]))
    flops_per_sample = 2 * (2 * sum(a * b for a, b in pairs) + sum(a * b for a, b in pairs[1:]))

    torch64, torch64_accuracy = torch_contestant(torch.float64)
    torch32, torch32_accuracy = torch_contestant(torch.float32)
    contestants = {
        "backprop.nn float64": (epoch_ours, lambda: accuracy(ours(X_test), y_test)),
        "PyTorch float64": (torch64, torch64_accuracy),
        "PyTorch float32": (torch32, torch32_accuracy),
    }
    timed = {**{name: epoch for name, (epoch, _) in contestants.items()}, FLOOR: epoch_floor}
    samples = {name: [] for name in timed}
    losses = {name: [] for name in timed}
    for e, order in enumerate(orders):
        for name, epoch in timed.items():
            result = []
            timing = _common.time_per_call(lambda: result.append(epoch(order)))
            losses[name].append(result[0])
            if e > 0:  # epoch 0 warms up
                samples[name].append(timing)
        print(f"epoch {e:2d}: " + ", ".join(
            f"{name} {losses[name][-1]:.4f}" for name in contestants), flush=True)

    results = []
    for name, (_, test_accuracy) in contestants.items():
        results.append({
            "implementation": name,
            "epoch": _common.summary(samples[name]),
            "losses": losses[name],
            "final_loss": losses[name][-1],
            "test_accuracy": test_accuracy(),
        })
    calls = price_of_a_call(BATCH, LAYERS[2], LAYERS[3], LAYERS[1], quick=args.quick)
    floor = {
        "implementation": FLOOR,
        "epoch": _common.summary(samples[FLOOR]),
        "products_per_step": 8,
        "flops_per_epoch": flops_per_sample * n,
    }

    gap = max(abs(a - b) for a, b in zip(losses["backprop.nn float64"], losses["PyTorch float64"]))
    payload = {
        "benchmark": NAME,
        "title": "Training speed against PyTorch",
        "command": "make bench  (or: .venv/bin/python benchmarks/bench_torch.py)",
        "machine": _common.machine(threads, {"torch": torch.__version__,
                                             "torch_threads": torch.get_num_threads()}),
        "settings": {
            "layers": list(LAYERS),
            "activation": "ReLU",
            "loss": "softmax cross-entropy",
            "optimizer": f"SGD, learning rate {LEARNING_RATE}",
            "batch": BATCH,
            "train_samples": n,
            "batches_per_epoch": -(-n // BATCH),
            # how often a training step of backprop.nn makes each timed call:
            # 3 forward products, 3 X^T G and 2 G W^T; 3 bias sums; 2 ReLUs
            "calls_per_step": {"matrix product": 8, "sum over the batch": 3, "ReLU": 2},
            "epochs_timed": epochs,
            "clock": _common.CLOCK["name"],
            "max_loss_gap_float64": gap,
        },
        "results": results,
        "floor": floor,
        "calls": calls,
    }
    _common.finish(NAME, payload, args, torch_table(payload), torch_floor(payload),
                   calls_table(payload), spelling_savings(payload),
                   f"largest gap between the float64 loss curves: {gap:.1e}",
                   torch_verdict(payload))


if __name__ == "__main__":
    main()
