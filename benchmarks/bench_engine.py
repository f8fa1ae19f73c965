"""The scalar engine against micrograd.

The same scalar MLP ``2 -> 16 -> 16 -> 1`` (ReLU), with the same weights, in
``backprop.engine.Value`` and in micrograd's ``Value``, written exactly like
micrograd's own demo: the neurons' ``sum(w * x for ...)``, the SVM hinge loss
``mean(relu(1 - y * score))`` over 100 two-moons points (labels -1 and +1).
Reported: the median time of the forward pass alone (building the graph) and of
forward + backward, timed in alternation, with Python's garbage collector on
(as every user runs) and off (the interpreter's work alone: the collector's
passes over the growing graph cost micrograd far more than backprop.engine,
whose nodes hold tuples instead of closures and sets); both engines must agree
on the loss and on every gradient.

Then a chain ``y = x * 1.00001`` repeated 100,000 times: its derivative is
``1.00001 ** 100000``, about e. micrograd's recursive topological sort goes
100,000 calls deep and raises ``RecursionError``; ``backprop.engine`` walks the
graph with an explicit stack.

Target: ``backprop.engine`` at least 2x faster than micrograd on forward +
backward, and the deep chain differentiated.

micrograd is a benchmark dependency (``pip install -r benchmarks/requirements.txt``);
without it this benchmark says so, skips, and leaves its old results as they were.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_engine.py``.
"""

from __future__ import annotations

import _common

import gc
import sys
import time

NAME = "engine"
LAYERS = (2, 16, 16, 1)
POINTS = 100
CHAIN = 100_000


def initial_weights(seed: int = 0):
    """``[(W, b), ...]`` as nested lists of floats, uniform in [-1, 1) like micrograd's."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return [(rng.uniform(-1, 1, size=(n_out, n_in)).tolist(), [0.0] * n_out)
            for n_in, n_out in zip(LAYERS[:-1], LAYERS[1:])]


class MLP:
    """micrograd's ``nn.MLP``, for any ``Value`` class: neurons are lists of Values."""

    def __init__(self, Value, weights):
        self.layers = [([[Value(w) for w in row] for row in W], [Value(b) for b in bs])
                       for W, bs in weights]

    def __call__(self, x):
        last = len(self.layers) - 1
        for i, (W, bs) in enumerate(self.layers):
            x = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in zip(W, bs)]
            if i != last:
                x = [v.relu() for v in x]
        return x[0]

    def parameters(self):
        return [p for W, bs in self.layers for row, b in zip(W, bs) for p in (*row, b)]


def count_nodes(root) -> int:
    """The number of nodes in the graph below ``root`` (without recursion)."""
    seen, stack = {id(root)}, [root]
    while stack:
        node = stack.pop()
        for child in node._prev:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    threads = _common.set_threads(args.threads)
    try:
        import micrograd
        from micrograd.engine import Value as MicrogradValue
    except ImportError:
        _common.skip("micrograd", NAME)
        return
    from booktools.benchmarks_report import engine_table, engine_verdict
    from backprop.datasets import two_moons
    from backprop.engine import Value as EngineValue

    X, y = two_moons(POINTS, seed=0)
    X, labels = X.tolist(), [2.0 * t - 1.0 for t in y.tolist()]
    weights = initial_weights()
    engines = {"backprop.engine": EngineValue, "micrograd": MicrogradValue}
    models = {name: MLP(V, weights) for name, V in engines.items()}

    def loss_of(name):
        V, model = engines[name], models[name]
        inputs = [list(map(V, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(labels, scores)]
        return sum(losses) * (1.0 / len(losses))

    def forward_backward(name):
        loss = loss_of(name)
        for p in models[name].parameters():  # both engines accumulate: clear first, as a demo does
            p.grad = 0.0
        loss.backward()
        return loss

    # the two engines compute the same numbers
    results_check = {name: forward_backward(name) for name in engines}
    grads = {name: [p.grad for p in models[name].parameters()] for name in engines}
    loss_gap = abs(results_check["backprop.engine"].data - results_check["micrograd"].data)
    grad_gap = max(abs(a - b) for a, b in zip(grads["backprop.engine"], grads["micrograd"]))
    nodes = {name: count_nodes(loss) for name, loss in results_check.items()}
    del results_check

    def tracked_per_node(name):
        """Objects the garbage collector tracks, per node of one forward pass's graph."""
        gc.collect()
        gc.disable()
        try:
            before = len(gc.get_objects())
            loss = loss_of(name)
            return (len(gc.get_objects()) - before) / count_nodes(loss)
        finally:
            gc.enable()

    tracked = {name: tracked_per_node(name) for name in engines}
    gc.collect()
    print(f"loss {loss_gap:.1e} apart, gradients at most {grad_gap:.1e} apart")

    repeats = 3 if args.quick else 11
    def without_gc(fn):
        def timed():
            gc.disable()
            try:
                return fn()
            finally:
                gc.enable()
        return timed

    fns = {}
    for name in engines:
        fns[f"{name}/forward"] = lambda name=name: loss_of(name)
        fns[f"{name}/forward_backward"] = lambda name=name: forward_backward(name)
        fns[f"{name}/forward_backward_gc_off"] = without_gc(lambda name=name: forward_backward(name))
    times = _common.interleaved_medians(fns, repeats, minimum=0.05)

    results = []
    for name, V in engines.items():
        gc.collect()
        x = V(1.0)
        out = x
        for _ in range(CHAIN):
            out = out * 1.00001
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            out.backward()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            chain = {"ok": True, "backward_s": cpu if _common.CLOCK["name"] == "process" else wall,
                     "gradient": x.grad, "exact": 1.00001 ** CHAIN}
        except RecursionError as error:
            chain = {"ok": False, "error": "RecursionError", "message": str(error)}
        del out, x
        gc.collect()
        results.append({
            "engine": name,
            "nodes": nodes[name],
            "tracked_objects_per_node": tracked[name],
            "forward": times[f"{name}/forward"],
            "forward_backward": times[f"{name}/forward_backward"],
            "forward_backward_gc_off": times[f"{name}/forward_backward_gc_off"],
            "chain": chain,
        })
        print(f"{name}: forward + backward {times[f'{name}/forward_backward']['median_s'] * 1e3:.1f} ms, "
              f"chain: {chain.get('backward_s', chain.get('error'))}", flush=True)

    payload = {
        "benchmark": NAME,
        "title": "The scalar engine against micrograd",
        "command": "make bench  (or: .venv/bin/python benchmarks/bench_engine.py)",
        "machine": _common.machine(threads, {"micrograd": getattr(micrograd, "__version__", None)
                                             or _version("micrograd")}),
        "settings": {
            "layers": list(LAYERS),
            "points": POINTS,
            "loss": "mean hinge loss, mean(relu(1 - y * score))",
            "repeats": repeats,
            "clock": _common.CLOCK["name"],
            "chain_depth": CHAIN,
            "recursion_limit": sys.getrecursionlimit(),
            "loss_gap": loss_gap,
            "gradient_gap": grad_gap,
        },
        "results": results,
    }
    _common.finish(NAME, payload, args, engine_table(payload), engine_verdict(payload))


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


if __name__ == "__main__":
    main()
