"""Dual numbers: forward-mode automatic differentiation, chapter 7.

A dual number $a + b\\varepsilon$ is a pair of real numbers with the rule
$\\varepsilon^2 = 0$. Its arithmetic is the chain rule: for every smooth
function, $f(a + b\\varepsilon) = f(a) + f'(a)\\,b\\,\\varepsilon$, because
the Taylor terms from $\\varepsilon^2$ on vanish. A [`Dual`][] holds the two
parts, ``value`` ($a$) and ``derivative`` ($b$), and each operation computes
both at once: the value as usual, the derivative as the local derivative of
the operation times the derivatives of its inputs.

Start from ``Dual(x, 1.0)`` (the derivative of $x$ with respect to itself
is 1), compute with it, and the result carries $f(x)$ and $f'(x)$: one
forward pass, no graph kept, no backward pass. That is *forward mode*.
[`backprop.engine.Value`][] is *reverse mode*: it records the graph and
walks it backwards. The two classes have the same operators and methods
(``+ - * / **`` with a number exponent, unary ``-``, the reflected forms,
``.relu()``, ``.tanh()``, ``.exp()``, ``.log()``, ``.sigmoid()``), so one
Python function written with them runs on either.

- [`forward_derivative`][]: $f'(x)$ of a function of one number in one pass,
  or the derivatives of all of its outputs when it returns several;
- [`forward_gradient`][]: the gradient of a function of $P$ numbers,
  one forward pass per number: $P$ passes.

Decisions a user can rely on, the same as ``Value``'s:

- Both parts of a ``Dual`` are finite real numbers stored as ``float``;
  strings, ``None``, arrays, ``nan`` and ``inf`` raise ``TypeError`` or
  ``ValueError`` naming the part.
- An operation whose value or derivative is not a finite real number raises
  ``ValueError`` (``log`` of a non-positive number, ``x ** 0.5`` at
  ``x = 0``, an overflow); division by zero raises ``ZeroDivisionError``.
- A ``Dual`` and a ``Value`` do not mix: one computation runs in one mode.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

__all__ = ["Dual", "forward_derivative", "forward_gradient"]


def _as_float(data: Any, what: str) -> float:
    """Return ``data`` as a finite float, or raise an error naming ``what``."""
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        shape = getattr(data, "shape", None)
        hint = f" of shape {shape}" if shape is not None else ""
        raise TypeError(f"{what} must be a real number, got {type(data).__name__}{hint} {data!r}")
    try:
        number = float(data)
    except OverflowError:  # an integer beyond the largest float
        raise ValueError(f"{what} must be a finite number, got a {type(data).__name__} too large for a float") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, got {number!r}")
    return number


class Dual:
    """A dual number ``value + derivative·ε`` with ``ε² = 0``: a number and its derivative.

    Examples
    --------
    >>> x = Dual(3.0, 1.0)          # x = 3, dx/dx = 1
    >>> y = x * x * x + 2 * x       # y = x³ + 2x
    >>> y
    Dual(value=33.0, derivative=29.0)
    >>> y.value, y.derivative       # 3³ + 2·3, and 3·3² + 2
    (33.0, 29.0)
    """

    __slots__ = ("value", "derivative")

    # NumPy scalars on the left (np.float64(2) * d) defer to our reflected operators.
    __array_ufunc__ = None

    def __init__(self, value: Any, derivative: Any = 0.0) -> None:
        self.value = _as_float(value, "Dual value")
        self.derivative = _as_float(derivative, "Dual derivative")

    def __repr__(self) -> str:
        return f"Dual(value={self.value!r}, derivative={self.derivative!r})"

    # ------------------------------------------------------------ operators

    # Each operation: the value as for numbers, and the derivative by the chain
    # rule, the local derivative(s) times the inputs' derivatives.

    def __add__(self, other: Any) -> Dual:
        other = _operand(other, "+")
        return _dual(self.value + other.value, self.derivative + other.derivative, "+", self, other)

    def __mul__(self, other: Any) -> Dual:
        other = _operand(other, "*")
        return _dual(self.value * other.value,
                     self.derivative * other.value + self.value * other.derivative, "*", self, other)

    def __sub__(self, other: Any) -> Dual:
        other = _operand(other, "-")
        return _dual(self.value - other.value, self.derivative - other.derivative, "-", self, other)

    def __truediv__(self, other: Any) -> Dual:
        other = _operand(other, "/")
        if other.value == 0.0:
            raise ZeroDivisionError(f"division by zero: the divisor is {other!r}")
        v = other.value
        # (u/v)' = (u' - u * (v'/v)) / v, in the order Python divides complex numbers
        # (Smith's method), so that the complex step of chapter 2 gives the same digits
        return _dual(self.value / v, (self.derivative - self.value * (other.derivative / v)) / v,
                     "/", self, other)

    def __pow__(self, exponent: Any) -> Dual:
        if isinstance(exponent, Dual):
            raise TypeError(
                "the exponent of ** must be a number, not a Dual "
                "(for a Dual exponent write (exponent * base.log()).exp())"
            )
        n = _as_float(exponent, "the exponent of **")
        x = self.value
        if x == 0.0 and n < 0:
            raise ZeroDivisionError(f"0.0 cannot be raised to the negative power {n!r}")
        if x < 0 and not n.is_integer():
            raise ValueError(
                f"a negative base ({x!r}) to the fractional power {n!r} is not a real number"
            )
        try:
            result = x**n
        except OverflowError:
            raise ValueError(f"{x!r} ** {n!r} is too large for a float") from None
        try:
            local = n * x ** (n - 1) if n != 0 else 0.0
        except (ZeroDivisionError, OverflowError):  # e.g. x ** 0.5 at x = 0: a vertical slope
            raise ValueError(
                f"the derivative of {x!r} ** {n!r} is not finite (a vertical slope), so it has no "
                "derivative there"
            ) from None
        return _dual(result, local * self.derivative, f"**{n:g}", self)

    def __neg__(self) -> Dual:
        return _finite(-self.value, -self.derivative)

    def __radd__(self, other: Any) -> Dual:  # other + self
        return _operand(other, "+") + self

    def __rmul__(self, other: Any) -> Dual:  # other * self
        return _operand(other, "*") * self

    def __rsub__(self, other: Any) -> Dual:  # other - self
        return _operand(other, "-") - self

    def __rtruediv__(self, other: Any) -> Dual:  # other / self
        return _operand(other, "/") / self

    # ------------------------------------------------------------ functions

    def relu(self) -> Dual:
        """``max(0, x)``; its derivative is taken as 0 at ``x = 0``, as ``Value`` does."""
        x = self.value
        return _finite(x if x > 0 else 0.0, self.derivative if x > 0 else 0.0)

    def tanh(self) -> Dual:
        """``tanh x``, with derivative ``1 - tanh² x``."""
        t = math.tanh(self.value)
        return _finite(t, (1.0 - t * t) * self.derivative)  # |1 - t²| <= 1: no overflow

    def exp(self) -> Dual:
        """``e ** x``, its own derivative."""
        try:
            e = math.exp(self.value)
        except OverflowError:
            raise ValueError(f"exp({self.value!r}) is too large for a float") from None
        return _dual(e, e * self.derivative, "exp", self)

    def log(self) -> Dual:
        """The natural logarithm; ``value`` must be positive."""
        x = self.value
        if x <= 0:
            raise ValueError(f"log needs a positive number, got {self!r}")
        return _dual(math.log(x), self.derivative / x, "log", self)

    def sigmoid(self) -> Dual:
        """``1 / (1 + exp(-x))``, computed without overflow for large ``|x|``."""
        x = self.value
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            z = math.exp(x)
            s = z / (1.0 + z)
        return _finite(s, s * (1.0 - s) * self.derivative)  # s(1 - s) <= 1/4: no overflow


def _dual(value: float, derivative: float, op: str, *inputs: Dual) -> Dual:
    """The result of operation ``op`` on ``inputs``, refused if either part is not finite."""
    if not (math.isfinite(value) and math.isfinite(derivative)):
        operands = ", ".join(repr(d) for d in inputs)
        part = "value" if not math.isfinite(value) else "derivative"
        raise ValueError(f"the {part} of '{op}' on {operands} is not a finite number "
                         f"(got {value if part == 'value' else derivative!r})")
    return _finite(value, derivative)


def _finite(value: float, derivative: float) -> Dual:
    """A new ``Dual`` from two floats known to be finite: no checks to repeat."""
    out = Dual.__new__(Dual)
    out.value, out.derivative = value, derivative
    return out


def _operand(other: Any, op: str) -> Dual:
    """The other operand of a binary operation, as a ``Dual`` (a number is a constant)."""
    if isinstance(other, Dual):
        return other
    if isinstance(other, bool) or not isinstance(other, numbers.Real):
        raise TypeError(
            f"the other operand of '{op}' must be a Dual or a real number, "
            f"got {type(other).__name__} {other!r}"
        )
    return _finite(_as_float(other, f"the other operand of '{op}'"), 0.0)


def _check_callable(f: Any) -> None:
    if not callable(f):
        raise TypeError(f"f must be a callable function, got {type(f).__name__} {f!r}")


def _derivative_of(output: Any, where: str) -> float:
    """The derivative part of what ``f`` returned: a Dual's, or 0.0 for a constant number."""
    if isinstance(output, Dual):
        return output.derivative
    if isinstance(output, bool) or not isinstance(output, numbers.Real):
        raise TypeError(
            f"f must return a Dual (or a real number, which does not depend on the input), "
            f"but {where} it returned {type(output).__name__} {output!r}"
        )
    _as_float(output, f"what f returned {where}")
    return 0.0


def forward_derivative(f: Callable[[Dual], Any], x: Any) -> float | list[float]:
    """The derivative of ``f`` at ``x`` in one forward pass: ``f(Dual(x, 1.0)).derivative``.

    ``f`` is a function of one number written with the operators and methods
    that ``Dual`` and ``Value`` share. If it returns several numbers (a list
    or a tuple), the result is the list of their derivatives, still from one
    pass: forward mode differentiates every output with respect to one input
    at once. An output that is a plain number does not depend on ``x``: its
    derivative is 0.0.

    Examples
    --------
    >>> forward_derivative(lambda x: x * x * x, 2.0)
    12.0
    >>> forward_derivative(lambda x: [x * x, x.tanh(), 5.0], 0.0)
    [0.0, 1.0, 0.0]
    """
    _check_callable(f)
    x = _as_float(x, "x")
    out = f(Dual(x, 1.0))
    if isinstance(out, (list, tuple)):
        return [_derivative_of(o, f"at x={x!r}, as output {i},") for i, o in enumerate(out)]
    return _derivative_of(out, f"at x={x!r}")


def forward_gradient(f: Callable[[list[Dual]], Any], point: Any) -> list[float]:
    """The gradient of ``f`` at ``point`` by forward mode: one pass per input, P passes.

    ``f`` takes a list of ``P`` numbers and returns one number; ``point`` is
    a list, a tuple or a flat array of ``P`` real numbers. Pass ``i``
    calls it with ``Dual(point[i], 1.0)`` at position ``i`` and
    ``Dual(point[j], 0.0)`` everywhere else, and reads off
    $\\partial f / \\partial x_i$. Reverse mode gets all ``P`` partial
    derivatives from one forward and one backward pass instead
    (``Value.backward()``).

    Examples
    --------
    >>> def f(w):
    ...     return w[0] * w[1] + w[1].exp()
    >>> forward_gradient(f, [2.0, 0.0])      # [w1, w0 + e^w1]
    [0.0, 3.0]
    """
    _check_callable(f)
    shape = getattr(point, "shape", None)
    if shape is not None and len(shape) != 1:
        raise ValueError(f"point must be a flat sequence of numbers, got an array of shape {shape}")
    if isinstance(point, (str, bytes)) or not hasattr(point, "__iter__"):
        raise TypeError(f"point must be a sequence of real numbers, got {type(point).__name__} {point!r}")
    values = [_as_float(v, f"point[{i}]") for i, v in enumerate(point)]
    gradient = []
    for i in range(len(values)):
        inputs = [Dual(v, 1.0 if j == i else 0.0) for j, v in enumerate(values)]
        out = f(inputs)
        if isinstance(out, (list, tuple)):
            raise TypeError(
                f"f must return one number for a gradient, but it returned a {type(out).__name__} "
                "of them (for the derivatives of several outputs, use forward_derivative)"
            )
        gradient.append(_derivative_of(out, f"in pass {i}"))
    return gradient
