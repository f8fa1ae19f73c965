"""Check a backward pass against central differences (chapter 8).

A backward pass is easy to get subtly wrong: a transpose in the wrong place
or a forgotten sum gives numbers of the right shape and the wrong value.
[`gradcheck`][] compares it with the slow, obvious method of chapter 2:
nudge every number by $\\pm h$ and watch the loss,

$$\\partial L / \\partial w \\approx (L(w + h) - L(w - h)) / 2h.$$

It works on anything with the layer interface of [`backprop.nn`][] (a
layer or a whole model), on a model followed by a loss, or on a loss alone:

- ``gradcheck(model, x)``: the scalar checked is $L = \\sum R \\odot
  \\text{model}(x)$ for a fixed random ``R`` (so every output counts, each with
  its own weight), and ``R`` is what ``model.backward`` receives;
- ``gradcheck(model, x, loss=loss, target=y)``: $L = \\text{loss}(\\text{model}(x), y)$;
- ``gradcheck(loss, prediction, target=y)``: $L = \\text{loss}(\\text{prediction}, y)$.

For every parameter and for the input it reports the relative error

$$\\lVert a - n\\rVert / \\max(\\lVert a\\rVert, \\lVert n\\rVert)$$

between the analytic gradient ``a`` and the numeric one ``n`` (Euclidean
norms over the array). In float64, below ``1e-7`` is good, above ``1e-2``
the gradient is wrong. A gradient smaller than the rounding noise of the
difference quotient (about $\\epsilon\\,|L| / h$ per number) cannot be
measured: the denominator is at least that noise, so a tiny but correct
gradient is not reported as wrong.

A ReLU has a kink at 0. Where a nudge of $\\pm h$ moves one of its
inputs across 0, the difference quotient measures neither side's slope; such
entries are counted as *kinks* and left out of the comparison instead of
being reported as failures.

Examples
--------
>>> import numpy as np
>>> from backprop.nn import Linear
>>> from backprop.gradcheck import gradcheck
>>> report = gradcheck(Linear(3, 2, rng=0), np.random.default_rng(1).normal(size=(4, 3)))
>>> report.verdicts()
{'input': 'good', '0.weight': 'good', '0.bias': 'good'}
>>> report.ok()
True
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from backprop._checks import finite_real, generator, real_array

__all__ = ["gradcheck", "GradCheckReport", "GradCheckEntry", "relative_error", "verdict", "GOOD", "WRONG"]

GOOD = 1e-7
"""Relative errors at or below this are good in float64."""
WRONG = 1e-2
"""Relative errors above this mean the gradient is wrong."""
_EPS = float(np.finfo(np.float64).eps)


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """``|a - n| / max(|a|, |n|)`` with Euclidean norms; 0 when both are zero.

    Examples
    --------
    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> relative_error(np.array([3.0]), np.array([-3.0]))
    2.0
    """
    a = real_array(analytic, "analytic").ravel()
    n = real_array(numeric, "numeric").ravel()
    if a.size != n.size:  # broadcasting one against the other would compare nothing
        raise ValueError(f"analytic and numeric must hold as many numbers, got {a.size} and {n.size}")
    return _relative_error(a, n)


def _relative_error(a: np.ndarray, n: np.ndarray, noise: float = 0.0) -> float:
    """The formula, on flat float64 arrays of one size (NaN if one holds NaN: verdict 'wrong').

    ``noise``: the norm below which the numeric gradient ``n`` is rounding noise.
    """
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(n)), noise)
    if scale == 0.0:
        return 0.0
    return float(np.linalg.norm(a - n)) / scale


def verdict(error: float) -> str:
    """``'good'`` (<= 1e-7), ``'fair'`` (<= 1e-4), ``'poor'`` (<= 1e-2) or ``'wrong'``.

    Examples
    --------
    >>> [verdict(e) for e in (1e-9, 1e-5, 1e-3, 0.5)]
    ['good', 'fair', 'poor', 'wrong']
    """
    if isinstance(error, bool) or not isinstance(error, numbers.Real):
        raise TypeError(f"error must be a real number, got {type(error).__name__} {error!r}")
    if error < 0:
        raise ValueError(f"error must be a relative error, at least 0, got {error!r}")
    if not math.isfinite(error) or error > WRONG:
        return "wrong"
    if error <= GOOD:
        return "good"
    return "fair" if error <= 1e-4 else "poor"


@dataclass
class GradCheckEntry:
    """The comparison for one array: the input or one parameter."""

    name: str
    shape: tuple[int, ...]
    error: float
    kinks: int
    analytic: np.ndarray = field(repr=False)
    numeric: np.ndarray = field(repr=False)

    @property
    def verdict(self) -> str:
        return verdict(self.error)


@dataclass
class GradCheckReport:
    """What [`gradcheck`][] found, one [`GradCheckEntry`][] per array."""

    entries: list[GradCheckEntry]
    h: float

    @property
    def max_error(self) -> float:
        """The largest relative error over all arrays."""
        return max((e.error for e in self.entries), default=0.0)

    @property
    def kinks(self) -> int:
        """How many entries were left out because a nudge crossed a kink."""
        return sum(e.kinks for e in self.entries)

    def ok(self, tol: float = GOOD) -> bool:
        """True if every relative error is at most ``tol``."""
        tol = finite_real(tol, "tol", minimum=0.0)
        return all(e.error <= tol for e in self.entries)

    def verdicts(self) -> dict[str, str]:
        """``{array name: verdict}``."""
        return {e.name: e.verdict for e in self.entries}

    def __getitem__(self, name: str) -> GradCheckEntry:
        for entry in self.entries:
            if entry.name == name:
                return entry
        raise KeyError(f"no array named {name!r}; the report has {[e.name for e in self.entries]}")

    def __str__(self) -> str:
        lines = [f"{'array':<12} {'shape':<10} {'rel. error':>10}  {'kinks':>5}  verdict"]
        for e in self.entries:
            lines.append(
                f"{e.name:<12} {str(e.shape):<10} {e.error:>10.1e}  {e.kinks:>5}  {e.verdict}"
            )
        return "\n".join(lines)


def _walk(module: Any) -> Iterator[Any]:
    yield module
    for child in getattr(module, "layers", ()):
        yield from _walk(child)


def _kink_state(module: Any) -> list[np.ndarray]:
    """The kink pattern of every layer that has one (ReLU), after the last forward pass."""
    states = []
    for layer in _walk(module):
        pattern = getattr(layer, "kink_pattern", None)
        if callable(pattern):
            state = pattern()
            if state is not None:
                states.append(np.array(state, copy=True))
    return states


def _named_parameters(model: Any) -> list[tuple[str, Any]]:
    if not callable(getattr(model, "parameters", None)):
        return []
    names = []
    # Name each parameter by the index of the layer it belongs to, if we can find it.
    layers = list(getattr(model, "layers", [model]))
    owner: dict[int, int] = {}
    for i, layer in enumerate(layers):
        for p in layer.parameters():
            owner.setdefault(id(p), i)
    for j, p in enumerate(model.parameters()):
        label = getattr(p, "name", "") or f"param{j}"
        names.append((f"{owner.get(id(p), j)}.{label}", p))
    return names


def _float64(array: Any, name: str) -> np.ndarray:
    if not isinstance(array, np.ndarray) or array.dtype != np.float64:
        raise TypeError(
            f"{name} must be a float64 NumPy array (finite differences need double "
            f"precision), got {getattr(array, 'dtype', type(array).__name__)}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, but it contains NaN or infinity")
    return array


def gradcheck(
    f: Any,
    x: np.ndarray,
    *,
    target: Any = None,
    loss: Any = None,
    h: float = 1e-5,
    seed: int = 0,
) -> GradCheckReport:
    """Compare the backward pass of ``f`` with central differences of step ``h``.

    ``f`` is a layer or model (``forward``/``backward``/``parameters``),
    optionally followed by ``loss`` with ``target``; or ``f`` is itself a loss
    (a callable with ``backward()``) evaluated as ``f(x, target)``. ``x`` and
    every parameter must be float64. The parameters are restored exactly
    afterwards; their ``.grad`` are cleared first and then hold the analytic
    gradient.
    """
    # A copy of our own to nudge: the caller's x never changes, even for a moment, and
    # a read-only or non-contiguous x is checked like any other.
    x = np.array(_float64(x, "x"))
    if not (isinstance(h, float) and math.isfinite(h) and h > 0):
        raise ValueError(f"h must be a positive float step, got {h!r}")
    if isinstance(f, type):
        raise TypeError(f"f must be a layer, model or loss object, got the class {f.__name__}: call it")
    rng = generator(seed)
    if loss is not None and (isinstance(loss, type) or not (callable(loss) and callable(getattr(loss, "backward", None)))):
        raise TypeError(f"loss must be a loss object with backward(), such as MSELoss(), got {type(loss).__name__} {loss!r}")
    is_model = all(callable(getattr(f, m, None)) for m in ("forward", "backward", "parameters"))
    if not is_model and not (callable(f) and callable(getattr(f, "backward", None))):
        raise TypeError(
            "f must be a layer or model (forward, backward, parameters) or a loss "
            f"(callable with backward()), got {type(f).__name__}"
        )
    if not is_model and target is None:
        raise ValueError("target is required to check a loss")
    if loss is not None and target is None:
        raise ValueError("target is required when loss is given")

    if is_model:
        named = _named_parameters(f)
        for name, p in named:  # every parameter is nudged in place: checked before anything changes
            _float64(p.data, f"parameter {name}")
            if not p.data.flags.writeable:
                raise ValueError(f"parameter {name} must be writable: gradcheck nudges it in place")
        out = f(x)
        if loss is None:
            R = rng.standard_normal(out.shape)

            def objective() -> float:
                return float(np.sum(R * f(x)))

            G = R
        else:

            def objective() -> float:
                return float(loss(f(x), target))

            loss(out, target)
            G = loss.backward()
        for p in f.parameters():  # backward adds to .grad: start from zero
            p.grad[...] = 0.0
        grad_x = f.backward(G)
    else:

        def objective() -> float:
            return float(f(x, target))

        objective()
        grad_x = f.backward()
        named = []

    arrays = [("input", x, np.array(grad_x, dtype=np.float64, copy=True))]
    arrays += [(name, p.data, p.grad.copy()) for name, p in named]

    baseline = _kink_state(f) if is_model else []
    entries = []
    for name, array, analytic in arrays:
        largest = 0.0  # the largest |L| evaluated: its rounding error sets the noise of n
        numeric = np.zeros(array.shape)
        crossed = np.zeros(array.shape, dtype=bool)
        # Index the array itself, element by element: this nudges it in place
        # whatever its memory layout (a transposed array or a column slice
        # has no flat view; reshape(-1) would nudge a copy).
        for i in np.ndindex(array.shape):
            old = array[i]
            array[i] = old + h
            plus = objective()
            kinked = _crossed(baseline, _kink_state(f)) if baseline else False
            array[i] = old - h
            minus = objective()
            kinked = kinked or (_crossed(baseline, _kink_state(f)) if baseline else False)
            array[i] = old
            numeric[i] = (plus - minus) / (2 * h)
            crossed[i] = kinked
            largest = max(largest, abs(plus), abs(minus))
        keep = ~crossed
        noise = math.sqrt(int(keep.sum())) * _EPS * largest / h
        error = _relative_error(analytic[keep].ravel(), numeric[keep].ravel(), noise)
        entries.append(
            GradCheckEntry(name, tuple(array.shape), error, int(crossed.sum()), analytic, numeric)
        )
    if is_model:
        objective()  # leave the model's cached forward pass at the unperturbed point
    return GradCheckReport(entries, h)


def _crossed(before: list[np.ndarray], after: list[np.ndarray]) -> bool:
    return any(not np.array_equal(a, b) for a, b in zip(before, after))


