"""A scalar reverse-mode automatic differentiation engine: chapter 7.

Every arithmetic operation on a [`Value`][] returns a new ``Value`` that
remembers two things: its inputs (``_prev``) and the local derivative of its
result with respect to each input (``_local``), computed while the numbers are
at hand. The expression you write is thereby recorded as a *computation
graph*. [`Value.backward`][] walks that graph from the output back to the
inputs and applies the chain rule at every node:

    input.grad += local derivative * node.grad

The public interface follows Andrej Karpathy's micrograd: ``Value(data)``,
``.data``, ``.grad``, ``.backward()``, the operators ``+ - * / **`` (number
exponent) and unary ``-``, their reflected forms (``2 * v``), and ``.relu()``,
``.tanh()``, ``.exp()``, ``.log()``, ``.sigmoid()`` (the last four are not in
micrograd 0.1.0). Both engines follow the same gradient rule, so a script
that calls ``backward()`` once on each freshly computed output, clearing the
parameters' gradients when it means to, gets the same gradients from both
(up to the last bit where the two add contributions in another order).
Chapter 7 lists the cases where they differ.

Decisions a user can rely on:

- A ``Value`` holds exactly one finite real number, stored as a ``float``.
  Strings, ``None``, arrays, ``nan`` and ``inf`` raise ``TypeError`` or
  ``ValueError`` naming the operand. To differentiate several outputs at once,
  add them into one (``sum(outputs).backward()``).
- An operation whose result is not a finite real number raises ``ValueError``
  (``log`` of a non-positive number, a negative base to a fractional power,
  an overflow); division by zero raises ``ZeroDivisionError`` as for floats.
- One gradient rule, PyTorch's and micrograd's: the ``grad`` of a *leaf* (a
  ``Value`` you made yourself, such as a weight) accumulates across
  ``backward()`` calls, and [`zero_grad`][] sets it back to zero; the
  ``grad`` of every node computed from others is recomputed afresh by each
  ``backward()``. Calling ``backward()`` twice on one output therefore doubles
  the leaves' gradients, no more.
- A node used several times (``a * a``, or ``a`` in two branches) receives the
  sum of the gradients along every path.
- The graph is walked without recursion, so a chain 100,000 operations deep
  is fine.
- ``backward()`` raises ``ValueError`` if a gradient is not finite (for
  example ``x ** 0.5`` at ``x = 0``), rather than leaving ``nan`` behind.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = ["Value", "topological_order", "zero_grad"]


def _as_float(data: Any, what: str) -> float:
    """Return ``data`` as a finite float, or raise an error naming ``what``."""
    if type(data) is float:  # every result of an operation: no conversion needed
        if not math.isfinite(data):
            raise ValueError(f"{what} must be a finite number, got {data!r}")
        return data
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        shape = getattr(data, "shape", None)
        hint = f" of shape {shape}" if shape is not None else ""
        raise TypeError(f"{what} must be a real number, got {type(data).__name__}{hint} {data!r}")
    try:
        value = float(data)
    except OverflowError:  # an integer beyond the largest float
        raise ValueError(f"{what} must be a finite number, got a {type(data).__name__} too large for a float") from None
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return value


class Value:
    """One number in a computation, with the gradient of the output with respect to it.

    Examples
    --------
    >>> a, b = Value(2.0), Value(-3.0)
    >>> c = a * b + a
    >>> c
    Value(data=-4.0, grad=0.0)
    >>> c.backward()
    >>> a.grad, b.grad      # dc/da = b + 1, dc/db = a
    (-2.0, 2.0)
    """

    __slots__ = ("data", "grad", "label", "_prev", "_local", "_op")

    # NumPy scalars on the left (np.float64(2) * v) defer to our reflected operators.
    __array_ufunc__ = None

    def __init__(self, data: Any, *, label: str = "") -> None:
        self.data = _as_float(data, "Value data")
        self.grad = 0.0
        self.label = label  # a name for drawings; no effect on the arithmetic
        self._prev: tuple[Value, ...] = ()  # the inputs of the operation that made this node
        self._local: tuple[float, ...] = ()  # d(this node) / d(each input)
        self._op = ""  # the operation, for drawings and repr

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r})"

    # ------------------------------------------------------------ operators

    # Each operation computes its result and its local derivatives at once.

    def __add__(self, other: Any) -> Value:
        other = _operand(other, "+")
        return _node(self.data + other.data, "+", (self, other), (1.0, 1.0))

    def __mul__(self, other: Any) -> Value:
        other = _operand(other, "*")
        return _node(self.data * other.data, "*", (self, other), (other.data, self.data))

    def __sub__(self, other: Any) -> Value:
        other = _operand(other, "-")
        return _node(self.data - other.data, "-", (self, other), (1.0, -1.0))

    def __truediv__(self, other: Any) -> Value:
        other = _operand(other, "/")
        if other.data == 0.0:
            raise ZeroDivisionError(f"division by zero: the divisor is {other!r}")
        q = self.data / other.data
        return _node(q, "/", (self, other), (1.0 / other.data, -q / other.data))

    def __pow__(self, exponent: Any) -> Value:
        if isinstance(exponent, Value):
            raise TypeError(
                "the exponent of ** must be a number, not a Value "
                "(for a Value exponent write (exponent * base.log()).exp())"
            )
        n = _as_float(exponent, "the exponent of **")
        x = self.data
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
            local = math.inf  # backward() reports it if a gradient flows through it
        return _node(result, f"**{n:g}", (self,), (local,))

    def __neg__(self) -> Value:
        return _node(-self.data, "neg", (self,), (-1.0,))

    def __radd__(self, other: Any) -> Value:  # other + self
        return _operand(other, "+") + self

    def __rmul__(self, other: Any) -> Value:  # other * self
        return _operand(other, "*") * self

    def __rsub__(self, other: Any) -> Value:  # other - self
        return _operand(other, "-") - self

    def __rtruediv__(self, other: Any) -> Value:  # other / self
        return _operand(other, "/") / self

    # ------------------------------------------------------------ functions

    def relu(self) -> Value:
        """``max(0, x)``; its derivative is taken as 0 at ``x = 0``."""
        x = self.data
        return _node(x if x > 0 else 0.0, "relu", (self,), (1.0 if x > 0 else 0.0,))

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return _node(t, "tanh", (self,), (1.0 - t * t,))

    def exp(self) -> Value:
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise ValueError(f"exp({self.data!r}) is too large for a float") from None
        return _node(e, "exp", (self,), (e,))

    def log(self) -> Value:
        """The natural logarithm; ``data`` must be positive."""
        x = self.data
        if x <= 0:
            raise ValueError(f"log needs a positive number, got {self!r}")
        return _node(math.log(x), "log", (self,), (1.0 / x,))

    def sigmoid(self) -> Value:
        """``1 / (1 + exp(-x))``, computed without overflow for large ``|x|``."""
        x = self.data
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            z = math.exp(x)
            s = z / (1.0 + z)
        return _node(s, "sigmoid", (self,), (s * (1.0 - s),))

    # ------------------------------------------------------------- backward

    def backward(self) -> None:
        """Add d(self)/d(leaf) to the ``.grad`` of every leaf of the graph.

        The leaves are the ``Value`` objects made directly, not by an
        operation. Their gradients *accumulate*: clear them with
        [`zero_grad`][] before a new ``backward()``. Every node computed by
        an operation gets its gradient afresh, as d(self)/d(node).
        """
        order = topological_order(self)
        for node in order:
            if node._prev:  # an intermediate node: its gradient starts from zero
                node.grad = 0.0
        self.grad += 1.0  # d(self)/d(self); added, in case self is a leaf
        for node in reversed(order):  # from the output back to the inputs
            if not math.isfinite(node.grad):
                raise ValueError(
                    f"the gradient with respect to {node!r} is not finite: an operation "
                    "using it has no finite derivative here (for example x ** 0.5 at x = 0)"
                )
            for inp, local in zip(node._prev, node._local):
                inp.grad += local * node.grad


def _node(data: float, op: str, prev: tuple[Value, ...], local: tuple[float, ...]) -> Value:
    """A new node made by operation ``op`` from ``prev``, with its local derivatives."""
    if not math.isfinite(data):
        operands = ", ".join(f"{p.data!r}" for p in prev)
        raise ValueError(f"the result of '{op}' on {operands} is not a finite number (got {data!r})")
    out = Value(data)
    out._prev = prev
    out._local = local
    out._op = op
    return out


def _operand(other: Any, op: str) -> Value:
    """The other operand of a binary operation, as a ``Value``."""
    if isinstance(other, Value):
        return other
    if isinstance(other, bool) or not isinstance(other, numbers.Real):
        raise TypeError(
            f"the other operand of '{op}' must be a Value or a real number, "
            f"got {type(other).__name__} {other!r}"
        )
    return Value(_as_float(other, f"the other operand of '{op}'"))




def zero_grad(values: Any) -> None:
    """Set the ``.grad`` of every ``Value`` in ``values`` to zero.

    Call it on the parameters before each ``backward()`` of a training loop;
    otherwise the new gradients are added to the old ones.

    Examples
    --------
    >>> w = Value(3.0)
    >>> (w * w).backward()
    >>> (w * w).backward()
    >>> w.grad                # 6 + 6: the leaf accumulates
    12.0
    >>> zero_grad([w])
    >>> (w * w).backward()
    >>> w.grad
    6.0
    """
    if isinstance(values, Value):
        values = (values,)
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"values must be a Value or a list of Values, got {type(values).__name__} {values!r}")
    values = list(values)
    for i, v in enumerate(values):  # all checked first: a refused call clears no gradient
        if not isinstance(v, Value):
            raise TypeError(f"values[{i}] must be a Value, got {type(v).__name__} {v!r}")
    for v in values:
        v.grad = 0.0


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each listed after all of its inputs (``root`` last).

    An explicit stack replaces recursion, so the depth of the graph is not
    limited by Python's recursion limit.

    Examples
    --------
    >>> a = Value(1.0)
    >>> b = a + 2
    >>> c = b * a
    >>> [node.data for node in topological_order(c)]
    [1.0, 2.0, 3.0, 3.0]
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__} {root!r}")
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:  # every input of node is already in order
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for child in reversed(node._prev):  # reversed: inputs are listed left to right
            if child not in visited:
                stack.append((child, False))
    return order
