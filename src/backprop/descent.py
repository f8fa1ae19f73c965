"""Gradient descent on a straight line: chapter 5.

A line $\\hat y = m x + c$ is fitted to data ``X, y`` by walking
downhill on the sum of squared residuals,
$E(m, c) = \\sum_i (m x_i + c - y_i)^2$.

- [`error`][] computes $E$;
- [`gradient`][] returns $(\\partial E/\\partial m, \\partial E/\\partial c)$,
  either numerically (two calls of [`backprop.calculus.partial`][]) or from
  the formulas $2\\sum_i e_i x_i$ and $2\\sum_i e_i$, where
  $e_i = m x_i + c - y_i$;
- [`fit_line`][] repeats $m \\leftarrow m - \\eta\\,\\partial E/\\partial m$,
  $c \\leftarrow c - \\eta\\,\\partial E/\\partial c$ and returns a
  [`LineFit`][] holding the whole history, so that the chapter's printed
  trace and its figures come from the same run;
- [`least_squares`][] is the closed-form answer, to check against.

Divergence rule. With too large a learning rate $\\eta$ every step
overshoots the valley further than the last, and the error grows
geometrically. [`fit_line`][] raises [`DivergenceError`][] as soon as the
error is not a finite number, or exceeds ``DIVERGENCE_FACTOR`` (10) times its
value at the start. A run that converges never triggers this: $E$ is a
bowl (a quadratic), and on a bowl a step with a small enough $\\eta$
never increases $E$, so a converging run stays below its start.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from backprop._checks import NonFiniteError, finite_real, real_array
from backprop.calculus import partial

__all__ = [
    "DIVERGENCE_FACTOR",
    "DivergenceError",
    "LineFit",
    "METHODS",
    "error",
    "fit_line",
    "gradient",
    "least_squares",
]

METHODS = ("analytic", "numeric")
"""The two ways [`gradient`][] can compute the gradient."""

DIVERGENCE_FACTOR = 10.0
"""A run has diverged once its error exceeds this many times its starting error.

(A start that already fits perfectly, error 0, counts as error ``2.2e-16``, so
that rounding noise is not mistaken for growth.)
"""

_EPS = float(np.finfo(float).eps)

ErrorFunction = Callable[[float, float, np.ndarray, np.ndarray], float]


# --- argument checks ------------------------------------------------------


def _column(values: Any, name: str) -> np.ndarray:
    """Return ``values`` as a 1-D float array, or raise naming ``name``.

    A flat sequence of ``n`` numbers and a column of shape ``(n, 1)`` are both
    accepted. Flattening matters: ``x`` of shape ``(n, 1)`` minus ``y`` of
    shape ``(n,)`` would silently broadcast to an ``(n, n)`` table.
    """
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a sequence or array of numbers, got {type(values).__name__} {values!r}")
    try:  # booleans, complex numbers, strings and ragged lists are refused, not converted
        array = real_array(values, name, finite=False)
    except TypeError:
        raise TypeError(f"{name} must contain only real numbers, got {values!r}") from None
    if array.ndim == 0:
        raise TypeError(
            f"{name} must be a sequence or array of numbers, got {type(values).__name__} {values!r}"
        )
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a flat sequence or a column of shape (n, 1), got shape {array.shape}"
        )
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got {array.size} values")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(
            f"{name} must contain only finite numbers, but {name}[{bad[0]}] is "
            f"{float(array[bad[0]])!r}"
        )
    return array


def _data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x, t = _column(X, "X"), _column(y, "y")
    if x.size != t.size:
        raise ValueError(
            f"X and y must have the same length, got {x.size} values in X and {t.size} in y"
        )
    return x, t


def _finite(value: float, what: str) -> float:
    """``value``, or a NonFiniteError: the sums of a line far from the data overflowed."""
    if not math.isfinite(value):
        raise NonFiniteError(f"{what} overflows a float ({value!r}): m, c, X or y are too large")
    return value


def _method(method: Any) -> str:
    if not isinstance(method, str):
        raise TypeError(
            "method must be the string 'analytic' or 'numeric', "
            f"got {type(method).__name__} {method!r}"
        )
    if method not in METHODS:
        raise ValueError(f"method must be 'analytic' or 'numeric', got {method!r}")
    return method


# --- the error and its gradient ------------------------------------------


def error(m: float, c: float, X: ArrayLike, y: ArrayLike) -> float:
    """Return the sum of squared residuals of the line ``m * x + c`` on ``X, y``.

    That is $E(m, c) = \\sum_i (m x_i + c - y_i)^2$. ``X`` and ``y`` may
    be flat sequences or columns of shape ``(n, 1)``.

    Examples
    --------
    >>> from backprop.descent import error
    >>> error(3, 4, [1, 2, 3], [1, 2, 3])  # residuals 6, 8, 10
    200.0
    >>> error(1, 0, [1, 2, 3], [1, 2, 3])  # the line y = x fits exactly
    0.0
    """
    m, c = finite_real(m, "m"), finite_real(c, "c")
    x, t = _data(X, y)
    with np.errstate(over="ignore", invalid="ignore"):  # reported below, in words
        e = m * x + c - t
        return _finite(float(np.sum(e * e)), "the error")


def gradient(
    m: float,
    c: float,
    X: ArrayLike,
    y: ArrayLike,
    *,
    method: str = "analytic",
    error_fn: ErrorFunction = error,
) -> tuple[float, float]:
    """Return ``(dE_dm, dE_dc)``, the gradient of the error at ``(m, c)``.

    ``method="analytic"`` uses the formulas
    $\\partial E / \\partial m = 2 \\sum_i e_i x_i$ and
    $\\partial E / \\partial c = 2 \\sum_i e_i$, with the residuals
    $e_i = m x_i + c - y_i$, and never calls ``error_fn``. ``method="numeric"`` differentiates
    ``error_fn(m, c, X, y)`` by ``m`` and by ``c`` with
    [`backprop.calculus.partial`][], which calls it a few times each.

    Examples
    --------
    >>> from backprop.descent import gradient
    >>> gradient(3, 4, [1, 2, 3], [1, 2, 3])
    (104.0, 48.0)
    >>> dE_dm, dE_dc = gradient(3, 4, [1, 2, 3], [1, 2, 3], method="numeric")
    >>> round(dE_dm, 6), round(dE_dc, 6)
    (104.0, 48.0)
    """
    m, c = finite_real(m, "m"), finite_real(c, "c")
    x, t = _data(X, y)
    if _method(method) == "analytic":
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, in words
            e = m * x + c - t
            return _finite(2.0 * float(np.sum(e * x)), "dE_dm"), _finite(2.0 * float(np.sum(e)), "dE_dc")
    if not callable(error_fn):
        raise TypeError(f"error_fn must be a function of (m, c, X, y), got {error_fn!r}")
    return partial(error_fn, 0, m, c, x, t), partial(error_fn, 1, m, c, x, t)


def least_squares(X: ArrayLike, y: ArrayLike) -> tuple[float, float]:
    """Return the ``(m, c)`` that minimise [`error`][], solved in closed form.

    The line's values on the data are ``A @ [m, c]`` with the design matrix
    ``A = [x, 1]``; `numpy.linalg.lstsq` finds the ``[m, c]`` that
    brings them closest to ``y``.

    Examples
    --------
    >>> from backprop.descent import least_squares
    >>> m, c = least_squares([0, 1, 2], [1, 3, 5])  # exactly y = 2x + 1
    >>> round(m, 12), round(c, 12)
    (2.0, 1.0)
    """
    x, t = _data(X, y)
    A = np.column_stack([x, np.ones_like(x)])
    (m, c), *_ = np.linalg.lstsq(A, t, rcond=None)
    return float(m), float(c)


# --- the descent ------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class LineFit:
    """The result of [`fit_line`][]: the final line and how it got there.

    ``ms[k]``, ``cs[k]`` are the parameters after ``k`` steps and
    ``errors[k]`` their error, for ``k = 0 .. iterations``: index 0 is the
    start, index ``-1`` the final line ``(m, c)``. The arrays are read-only.
    """

    m: float
    c: float
    errors: np.ndarray
    ms: np.ndarray
    cs: np.ndarray
    learning_rate: float
    method: str

    @property
    def error(self) -> float:
        """The error of the final line, ``errors[-1]``, as a float."""
        return float(self.errors[-1])

    @property
    def iterations(self) -> int:
        """The number of steps taken."""
        return len(self.errors) - 1

    def __repr__(self) -> str:
        return (
            f"LineFit(m={self.m:.6g}, c={self.c:.6g}, error={self.error:.6g}, "
            f"iterations={self.iterations}, learning_rate={self.learning_rate:g}, "
            f"method={self.method!r})"
        )


class DivergenceError(ValueError):
    """Gradient descent blew up: the learning rate is too large.

    ``learning_rate`` and ``iteration`` say which run and when; ``fit`` is
    the [`LineFit`][] of the steps taken up to and including the one
    that diverged (useful to plot what went wrong).
    """

    def __init__(self, message: str, *, learning_rate: float, iteration: int, fit: LineFit):
        super().__init__(message)
        self.learning_rate = learning_rate
        self.iteration = iteration
        self.fit = fit


def _steps(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"iterations must be a positive integer, got {type(value).__name__} {value!r}"
        )
    if value < 1:
        raise ValueError(f"iterations must be a positive integer, got {value!r}")
    return int(value)


def _start(start: Any, seed: Any) -> tuple[float, float]:
    if start is not None:
        try:
            pair = len(start) == 2 and np.ndim(start) == 1
        except (TypeError, ValueError):  # no length, or a ragged mixture such as (array, number)
            pair = False
        if isinstance(start, (str, bytes)) or not pair:
            raise ValueError(f"start must be a pair (m, c), got {start!r}")
        return finite_real(start[0], "start[0] (m)"), finite_real(start[1], "start[1] (c)")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a non-negative integer, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    m, c = np.random.default_rng(int(seed)).random(2)
    return float(m), float(c)


def fit_line(
    X: ArrayLike,
    y: ArrayLike,
    *,
    learning_rate: float = 0.001,
    iterations: int = 100,
    method: str = "analytic",
    start: tuple[float, float] | None = None,
    seed: int = 0,
    error_fn: ErrorFunction = error,
) -> LineFit:
    """Fit ``y ≈ m * x + c`` by gradient descent on the sum of squared residuals.

    Each of the ``iterations`` steps moves ``(m, c)`` against the gradient:
    ``m -= learning_rate * dE_dm`` and ``c -= learning_rate * dE_dc``.

    Parameters
    ----------
    X, y:
        The data: equally long sequences of finite numbers, flat or as
        columns of shape ``(n, 1)``.
    learning_rate:
        The step size $\\eta$, a positive number.
    iterations:
        The number of steps, a positive integer.
    method:
        ``"analytic"`` or ``"numeric"``, how the gradient is computed (see
        [`gradient`][]).
    start:
        The initial ``(m, c)``. ``None`` draws both uniformly from ``[0, 1)``
        with ``numpy.random.default_rng(seed)``.
    seed:
        The seed of that draw.
    error_fn:
        The error, called as ``error_fn(m, c, X, y)`` to record the error of
        every step (and, with ``method="numeric"``, to differentiate). Pass a
        wrapper around [`error`][] to count or log its calls; the analytic
        gradient assumes it is [`error`][].

    Raises
    ------
    DivergenceError
        If the error stops being finite or grows past ``DIVERGENCE_FACTOR``
        (10) times its starting value: the learning rate is too large. The
        message names the learning rate and the iteration.

    Warns
    -----
    RuntimeWarning
        If the run ends with a larger error than it started with, a sign of
        a learning rate just above the stable range (slow divergence).

    Examples
    --------
    >>> from backprop.descent import fit_line
    >>> fit = fit_line([0, 1, 2], [1, 3, 5], learning_rate=0.05, iterations=500)
    >>> round(fit.m, 6), round(fit.c, 6)
    (2.0, 1.0)
    >>> fit.errors.shape, fit.ms.shape
    ((501,), (501,))
    >>> fit_line([0, 1, 2], [1, 3, 5], learning_rate=0.5)
    Traceback (most recent call last):
    ...
    backprop.descent.DivergenceError: learning_rate=0.5 is too large: ...
    """
    x, t = _data(X, y)
    learning_rate = finite_real(learning_rate, "learning_rate")
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
    iterations = _steps(iterations)
    method = _method(method)
    if not callable(error_fn):
        raise TypeError(f"error_fn must be a function of (m, c, X, y), got {error_fn!r}")
    m, c = _start(start, seed)

    ms, cs, errors = [m], [c], [finite_real(error_fn(m, c, x, t), "error_fn(m, c, X, y)")]
    limit = DIVERGENCE_FACTOR * max(errors[0], _EPS)
    for step in range(1, iterations + 1):
        try:
            dE_dm, dE_dc = gradient(m, c, x, t, method=method, error_fn=error_fn)
            m = m - learning_rate * dE_dm
            c = c - learning_rate * dE_dc
            E = float(error_fn(m, c, x, t)) if math.isfinite(m) and math.isfinite(c) else math.inf
        except NonFiniteError:  # a sum overflowed: the run has diverged
            E = math.inf
        ms.append(m)
        cs.append(c)
        errors.append(E)
        if not math.isfinite(E) or E > limit:
            fit = _result(ms, cs, errors, learning_rate, method)
            raise DivergenceError(
                f"learning_rate={learning_rate:g} is too large: gradient descent diverged "
                f"at iteration {step}, where the error reached {E:.4g}, more than "
                f"{DIVERGENCE_FACTOR:g} times its starting value {errors[0]:.4g}; "
                f"try a smaller learning_rate, such as {learning_rate / 2:g}",
                learning_rate=learning_rate, iteration=step, fit=fit,
            )
    if errors[-1] > errors[0] * (1 + 1e-9) + _EPS:
        # Not caught above, but a converging run never ends above its start.
        warnings.warn(
            f"learning_rate={learning_rate:g} may be too large: after {iterations} "
            f"iterations the error {errors[-1]:.4g} is above its starting value "
            f"{errors[0]:.4g}; try a smaller learning_rate, such as {learning_rate / 2:g}",
            RuntimeWarning,
            stacklevel=2,
        )
    return _result(ms, cs, errors, learning_rate, method)


def _result(ms: list, cs: list, errors: list, learning_rate: float, method: str) -> LineFit:
    arrays = [np.array(values, dtype=float) for values in (errors, ms, cs)]
    for array in arrays:
        array.flags.writeable = False
    return LineFit(ms[-1], cs[-1], *arrays, learning_rate=learning_rate, method=method)
