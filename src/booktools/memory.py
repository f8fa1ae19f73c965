"""What backpropagation keeps in memory between the forward and the backward pass: chapter 12.

A layer of :mod:`backprop.nn` keeps, from its forward pass, what its backward
pass will need: a ``Linear`` keeps its input batch ``X`` (for
$\\partial L/\\partial W = X^\\top G$), an activation keeps its slope at
every input (for $\\partial L/\\partial X = G \\odot$ slope). Each is one
float64 array with a row per sample, so a model holds

$$8 \\times N \\times \\textstyle\\sum_\\text{layers} \\text{width stored}$$

bytes for a batch of $N$: :func:`stored_bytes` computes that formula from the
layers' sizes, :func:`bytes_kept` measures it with :mod:`tracemalloc`, which
NumPy reports its arrays' memory to. Chapter 12 shows both agree to the byte;
its figure ``ch12-memory.svg`` draws them against depth and batch size.

>>> model = network(depth=2, width=8, inputs=3, outputs=2)
>>> x = np.ones((5, 3))
>>> bytes_kept(lambda: model(x)), stored_bytes(model, batch=5)
(1400, 1400)
>>> 8 * 5 * (3 + 2 * 2 * 8)
1400
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from backprop.nn import Linear, Module, ReLU, Sequential

__all__ = ["bytes_kept", "stored_widths", "stored_bytes", "network", "parameter_bytes"]

#: The bytes of one float64 number.
FLOAT64 = 8


def bytes_kept(compute: Callable[[], Any]) -> int:
    """Bytes of the NumPy arrays that ``compute()`` creates and that are still alive when it returns.

    Its return value is dropped first, so ``bytes_kept(lambda: model(x))``
    counts what the forward pass leaves in the model, not the output. Only
    NumPy's array memory counts (:data:`numpy.lib.tracemalloc_domain`), not
    the Python objects around it, so the result is exact and the same on
    every run. (Arrays created before the call are not counted, even if
    ``compute`` keeps them.)

    >>> kept = []
    >>> bytes_kept(lambda: kept.append(np.zeros(1000))), bytes_kept(lambda: np.zeros(1000))
    (8000, 0)
    """
    if not callable(compute):
        raise TypeError(f"compute must be a function of no arguments, got {type(compute).__name__} {compute!r}")
    was_tracing = tracemalloc.is_tracing()
    if was_tracing:  # started by someone else (python -X tracemalloc): count from a clean slate
        tracemalloc.stop()
    tracemalloc.start()
    try:
        compute()  # the result is dropped at once
        snapshot = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
        if was_tracing:
            tracemalloc.start()
    arrays = snapshot.filter_traces([tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)])
    return sum(trace.size for trace in arrays.traces)


def _layers(model: Module) -> Iterator[Module]:
    """The layers of ``model`` in order, nested models opened up."""
    if isinstance(model, Sequential):
        for layer in model.layers:
            yield from _layers(layer)
    else:
        yield model


def stored_widths(model: Module) -> list[int]:
    """The width of the array each layer keeps for backward, per sample, in order.

    A ``Linear`` keeps its input (``in_features`` numbers per sample), an
    activation its slope (as many numbers as its input, the width of the
    layer before it).

    >>> stored_widths(network(depth=2, width=8, inputs=3, outputs=2))
    [3, 8, 8, 8, 8]
    """
    widths: list[int] = []
    width: int | None = None
    for layer in _layers(model):
        if isinstance(layer, Linear):
            widths.append(layer.in_features)
            width = layer.out_features
        else:
            if width is None:
                raise ValueError(f"model must start with a Linear layer, so that the width of {layer!r} is known")
            widths.append(width)
    return widths


def stored_bytes(model: Module, batch: int) -> int:
    """The formula: ``8 * batch * sum(stored_widths(model))`` bytes kept by a forward pass.

    >>> stored_bytes(network(depth=32, width=256, inputs=64, outputs=10), batch=1024)
    134742016
    """
    return FLOAT64 * batch * sum(stored_widths(model))


def network(depth: int, width: int = 256, inputs: int = 64, outputs: int = 10,
            rng: int | np.random.Generator = 0) -> Sequential:
    """``inputs -> width -> ... -> width -> outputs``: ``depth`` hidden layers, each ``Linear`` then ``ReLU``.

    >>> network(depth=2, width=8, inputs=3, outputs=2)
    Sequential(Linear(3, 8), ReLU(), Linear(8, 8), ReLU(), Linear(8, 2))
    """
    rng = np.random.default_rng(rng)
    layers: list[Module] = [Linear(inputs, width, rng=rng), ReLU()]
    for _ in range(depth - 1):
        layers += [Linear(width, width, rng=rng), ReLU()]
    return Sequential(*layers, Linear(width, outputs, rng=rng))


def parameter_bytes(model: Module) -> int:
    """Bytes of the model's parameter values (their ``.grad`` takes as many again).

    >>> parameter_bytes(network(depth=1, width=8, inputs=3, outputs=2))
    400
    """
    return sum(p.data.nbytes for p in model.parameters())
