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


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    threads = _common.set_threads(args.threads)
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: bench_torch skipped, results/torch.json left as it was.\n"
              "Install it with: .venv/bin/python -m pip install -r benchmarks/requirements.txt")
        return
    import numpy as np

    from backprop.benchmarks_report import torch_table, torch_verdict
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

    torch64, torch64_accuracy = torch_contestant(torch.float64)
    torch32, torch32_accuracy = torch_contestant(torch.float32)
    contestants = {
        "backprop.nn float64": (epoch_ours, lambda: accuracy(ours(X_test), y_test)),
        "PyTorch float64": (torch64, torch64_accuracy),
        "PyTorch float32": (torch32, torch32_accuracy),
    }
    samples = {name: [] for name in contestants}
    losses = {name: [] for name in contestants}
    for e, order in enumerate(orders):
        for name, (epoch, _) in contestants.items():
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
            "epochs_timed": epochs,
            "clock": _common.CLOCK["name"],
            "max_loss_gap_float64": gap,
        },
        "results": results,
    }
    print(torch_table(payload))
    print(f"largest gap between the float64 loss curves: {gap:.1e}")
    print(torch_verdict(payload))
    if not args.quick:
        _common.write(NAME, payload, args.output)


if __name__ == "__main__":
    main()
