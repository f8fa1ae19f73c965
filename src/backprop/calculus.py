"""Numeric derivatives: chapters 2, 3 and 4.

The chapters start from the simplest idea, a forward difference with a tiny
step, and show why it is fragile. This module keeps the accurate versions:

- [`derivative`][] -- d f / d x of a function of one number;
- [`partial`][] -- the partial derivative of a function of several
  arguments with respect to one of them.

Four methods are available, chosen with the keyword-only ``method``:

``"forward"``
:   $(f(x+h) - f(x)) / h$, error $O(h)$; default
    $h = \\sqrt{\\epsilon}\\,\\max(1, |x|)$.
``"central"``
:   $(f(x+h) - f(x-h)) / 2h$, error $O(h^2)$; default
    $h = \\epsilon^{1/3}\\max(1, |x|)$. The bare formula, two
    evaluations: it never looks at ``f(x)`` itself, so it cannot notice a
    pole or a jump between ``x - h`` and ``x + h``.
``"richardson"`` (the default)
:   central differences at shrinking steps, combined by Richardson
    extrapolation (Ridders' method) until the estimates stop improving.
    Uses only real evaluations of ``f``, about 10 to 20 of them.
``"complex"``
:   the complex-step derivative $\\operatorname{Im} f(x + ih) / h$
    with $h = 10^{-20}$: no subtraction, so accurate to machine
    precision, but ``f`` must accept complex input and be analytic (no
    ``abs``, comparisons or ``float()`` inside).

In every finite-difference method the step is made exactly representable
before it is used, ``h = (x + h) - x``, so the division is by the step that
was really taken (chapter 3 explains why this matters).

Every method but ``"central"`` first evaluates ``f(x)`` and refuses, with a
ValueError, a point where ``f`` cannot be evaluated or is not finite (``1/x``
at 0, ``log`` at 0): there is no derivative there, and a difference quotient
across the pole would return a large, wrong number.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from backprop._checks import finite_real as _check_point

__all__ = ["derivative", "partial", "METHODS"]

METHODS = ("richardson", "central", "forward", "complex")

_EPS = float(np.finfo(float).eps)
_TINY = float(np.finfo(float).tiny)
#: eps ** (1/3), written out so that no platform's cube root changes a digit.
_CBRT_EPS = 6.055454452393343e-06


class _NoRetry(ValueError):
    """A ValueError about the call itself, which a smaller step cannot cure."""


def _check_callable(f: Any, name: str = "f") -> None:
    if not callable(f):
        raise TypeError(
            f"{name} must be a callable function of numbers, "
            f"got {type(f).__name__} {f!r}"
        )


def _as_real(value: Any, where: str) -> float:
    """Turn what ``f`` returned into a float (size-1 arrays are allowed)."""
    array = np.asarray(value)
    if array.size != 1:
        raise _NoRetry(
            f"f must return a single number, but {where} it returned an array "
            f"of shape {array.shape}"
        )
    if np.iscomplexobj(array):
        raise TypeError(f"f must return a real number, but {where} it returned {value!r}")
    try:
        return float(array.reshape(()))
    except (TypeError, ValueError):
        raise TypeError(
            f"f must return a number, but {where} it returned {type(value).__name__} {value!r}"
        ) from None


def _check_step(h: Any) -> float:
    step = _check_point(h, "h")
    if step <= 0:
        raise ValueError(f"h must be a positive step, got {step!r}")
    if step < _TINY:  # a subnormal step has lost digits: every quotient by it would too
        raise ValueError(f"h must be at least {_TINY!r} (the smallest normal float), got {step!r}")
    return step


def _forward(f: Callable[[float], Any], x: float, h: float | None, fx: float) -> float:
    h = math.sqrt(_EPS) * max(1.0, abs(x)) if h is None else h
    x_plus = x + h
    step = x_plus - x  # the step that was really taken
    if step == 0:
        raise _NoRetry(f"h={h!r} is too small to change x={x!r}")
    return (_as_real(f(x_plus), f"at x+h={x_plus!r}") - fx) / step


def _value_at(f: Callable[[float], Any], x: float, complex_input: bool = False) -> float:
    """``f(x)`` as a finite float, or a ValueError: no derivative where f is undefined.

    The central, Ridders' and complex-step formulas never evaluate f at x
    itself, so without this check they would return a large, wrong number
    at a pole (1/x at 0) instead of saying that there is no derivative.
    """
    try:
        if complex_input:  # an f written for the complex step: its value at x + 0i
            value = np.asarray(f(complex(x, 0.0)))
            fx = float(value.real.reshape(())) if value.size == 1 else _as_real(value, f"at x={x!r}")
            if value.size == 1 and math.isfinite(fx) and value.imag.reshape(()) != 0:
                # Im f(x + ih) / h is the derivative only for an f that is real on real numbers
                raise _NoRetry(
                    f"method='complex' needs an f that is real on real numbers, but f(x + 0i) at "
                    f"x={x!r} has the imaginary part {float(value.imag.reshape(()))!r}"
                )
        else:
            fx = _as_real(f(x), f"at x={x!r}")
    except TypeError as error:
        if not complex_input:
            raise
        raise TypeError(
            f"method='complex' needs an f that accepts complex numbers, but f(x + 0i) raised "
            f"TypeError: {error}; use method='richardson' for this f"
        ) from error
    except (ZeroDivisionError, OverflowError, ValueError) as error:
        if isinstance(error, _NoRetry):
            raise
        raise ValueError(f"f cannot be evaluated at x={x!r} ({type(error).__name__}: {error}), "
                         "so it has no derivative there") from error
    if not math.isfinite(fx):
        raise ValueError(f"f(x) is not finite at x={x!r} (got {fx!r}), so it has no derivative there")
    return fx


def _central(f: Callable[[float], Any], x: float, h: float) -> float:
    x_plus, x_minus = x + h, x - h
    step = x_plus - x_minus
    if step == 0:
        raise _NoRetry(f"h={h!r} is too small to change x={x!r}")
    return (
        _as_real(f(x_plus), f"at x+h={x_plus!r}") - _as_real(f(x_minus), f"at x-h={x_minus!r}")
    ) / step


def _richardson(f: Callable[[float], Any], x: float, h: float | None) -> float:
    """Ridders' method: central differences extrapolated to h -> 0."""
    shrink, safe, rows = 1.4, 2.0, 12
    h = 0.1 * min(1.0, max(abs(x), 1e-3)) if h is None else h
    # The first step is large. Near the edge of f's domain (log or sqrt near
    # 0) it may leave the domain: then shrink it until f can be evaluated.
    first, failure = math.nan, None
    while (x + h) - (x - h) > 0:
        try:
            first = _central(f, x, h)
        except _NoRetry:
            raise
        except (ValueError, ArithmeticError) as error:
            first, failure = math.nan, error
        if math.isfinite(first):
            break
        h /= 10.0
    if not math.isfinite(first):
        raise ValueError(
            f"f is not finite (or cannot be evaluated) on both sides of x={x!r}, "
            "even with tiny steps"
        ) from failure
    table = [[first]]
    best, best_error = first, math.inf
    for i in range(1, rows):
        h /= shrink
        row = [_central(f, x, h)]
        factor = shrink * shrink
        for j in range(1, i + 1):
            row.append((row[j - 1] * factor - table[i - 1][j - 1]) / (factor - 1.0))
            factor *= shrink * shrink
            error = max(abs(row[j] - row[j - 1]), abs(row[j] - table[i - 1][j - 1]))
            if error <= best_error:
                best, best_error = row[j], error
        table.append(row)
        if abs(row[i] - table[i - 1][i - 1]) >= safe * best_error:
            break
    return best


def _complex_step(f: Callable[[complex], Any], x: float, h: float | None) -> float:
    h = 1e-20 if h is None else h
    value = np.asarray(f(complex(x, h)))
    if value.size != 1:
        raise ValueError(
            f"f must return a single number, but it returned an array of shape {value.shape}"
        )
    if not np.iscomplexobj(value):
        raise TypeError(
            "method='complex' needs an f that carries complex input through to a "
            f"complex output, but f returned {type(value.item()).__name__}; "
            "use method='richardson' for this f"
        )
    imag = float(value.reshape(()).imag)
    if 0 < abs(imag) < _TINY:  # subnormal: its last digits are gone, and so would be the quotient's
        raise ValueError(f"h={h!r} is too small for the complex step: Im f(x + ih) = {imag!r} underflows")
    return imag / h


def derivative(
    f: Callable[[float], Any],
    x: float,
    *,
    method: str = "richardson",
    h: float | None = None,
) -> float:
    """Return the derivative ``f'(x)`` of a function of one number.

    Parameters
    ----------
    f:
        A function of one real number returning a real number.
    x:
        The point, a finite real number.
    method:
        ``"richardson"`` (default, accurate to about 1e-12 on smooth
        functions), ``"central"``, ``"forward"`` or ``"complex"``; see the
        module documentation.
    h:
        The step. ``None`` picks a step scaled to ``x`` for the method.

    Examples
    --------
    >>> from backprop.calculus import derivative
    >>> def cube(x):
    ...     return x * x * x
    >>> round(derivative(cube, 2.0), 10)
    12.0
    >>> derivative(cube, 2.0, method="complex")
    12.0
    """
    _check_callable(f)
    x = _check_point(x, "x")
    if h is not None:
        h = _check_step(h)
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")
    if method == "central":  # the bare formula: two evaluations, at x - h and x + h
        try:
            result = _central(f, x, _CBRT_EPS * max(1.0, abs(x)) if h is None else h)
        except (ZeroDivisionError, OverflowError, ValueError) as error:
            if isinstance(error, _NoRetry):
                raise
            raise ValueError(f"f cannot be evaluated next to x={x!r} ({type(error).__name__}: {error}), "
                             "so method='central' has no derivative there") from error
    else:
        # No derivative where f itself is undefined (1/x at 0): the other
        # methods evaluate f at x first (forward differences need it anyway).
        fx = _value_at(f, x, complex_input=method == "complex")
        if method == "richardson":
            result = _richardson(f, x, h)
        elif method == "forward":
            result = _forward(f, x, h, fx)
        else:
            result = _complex_step(f, x, h)
    if not math.isfinite(result):
        raise ValueError(f"the derivative of f at x={x!r} is not finite ({result!r})")
    return result


def partial(
    f: Callable[..., Any],
    i: int,
    *args: Any,
    method: str = "richardson",
    h: float | None = None,
) -> float:
    """Return the partial derivative of ``f(*args)`` with respect to ``args[i]``.

    Every argument but the ``i``-th is held fixed; the ``i``-th must be a real
    number. The others may be anything ``f`` accepts (numbers, arrays, ...).

    Parameters
    ----------
    f:
        The function, called as ``f(*args)``; it must return one real number.
    i:
        The position of the argument to differentiate by, ``0 <= i < len(args)``.
    *args:
        The point at which to differentiate.
    method, h:
        As for [`derivative`][].

    Examples
    --------
    >>> from backprop.calculus import partial
    >>> def fn(x1, x2):
    ...     return 5 * x1 + x2 * x2
    >>> round(partial(fn, 0, 10, 20), 9), round(partial(fn, 1, 10, 20), 9)
    (5.0, 40.0)
    """
    _check_callable(f)
    if isinstance(i, bool) or not isinstance(i, numbers.Integral):
        raise TypeError(f"i must be an integer position, got {type(i).__name__} {i!r}")
    if not 0 <= i < len(args):
        raise IndexError(
            f"i must be a position in args, 0 <= i < {len(args)}, got {i!r}"
            + ("" if args else " (no arguments were given after i)")
        )
    point = list(args)
    point[i] = _check_point(point[i], f"args[{i}]")

    def along_i(t: float) -> Any:
        moved = list(point)
        moved[i] = t
        return f(*moved)

    return derivative(along_i, point[i], method=method, h=h)
