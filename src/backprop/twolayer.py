"""A network of two neurons, trained three ways: chapter 6.

One input ``x``, one hidden neuron, one output neuron, no activation function:

    h1 = w11 * x + w12        the hidden neuron
    o1 = w21 * h1 + w22       the output neuron
    E  = (o1 - y) ** 2        the squared error of one sample

The weights travel together as a tuple ``(w11, w12, w21, w22)``, and so do
the four partial derivatives of ``E`` that a gradient function returns,
``(dE_dw11, dE_dw12, dE_dw21, dE_dw22)``. There are three of them:

- [`grad_numeric`][] -- the whole error is one function of four weights;
  differentiate it numerically by each weight in turn.
- [`grad_chain`][] -- the chain rule: multiply the local derivatives of the
  small functions (each local derivative still numeric).
- [`grad_analytic`][] -- the chain rule with the local derivatives written
  out by hand: one forward pass, one backward pass. This is backpropagation.

[`train`][] runs stochastic gradient descent with any of them: one update of
the weights per sample, samples in their given order.

The numeric methods take the neuron and the loss as arguments (``neuron=``,
``loss=``), so the chapter can pass counting wrappers and see how many times
each method evaluates them.
"""

from __future__ import annotations

import cmath
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from backprop._checks import NonFiniteError, finite_real, real_array
from backprop.calculus import partial

__all__ = [
    "START",
    "neuron",
    "sq_error",
    "forward",
    "error",
    "grad_numeric",
    "grad_chain",
    "grad_analytic",
    "GRADIENTS",
    "mean_squared_error",
    "as_line",
    "Training",
    "train",
]

Weights = tuple[float, float, float, float]
Gradient = tuple[float, float, float, float]

START: Weights = (0.5, 0.5, 0.5, 0.5)
"""The source tutorial's starting point: every weight 0.5."""


def neuron(w: Any, b: Any, x: Any) -> Any:
    """One neuron without an activation: ``w * x + b`` (numbers or arrays).

    Each argument is a finite real number, a finite real array, or a complex
    number (which the complex-step derivative passes through); anything else
    is refused with an error naming it, and so is a result that overflows.

    Examples
    --------
    >>> neuron(2.0, 1.0, 3.0)
    7.0
    """
    w, b, x = _operand(w, "w"), _operand(b, "b"), _operand(x, "x")
    _broadcast(w=w, b=b, x=x)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported in words
        return _finite(w * x + b, "the neuron's output w * x + b")


def sq_error(o: Any, y: Any) -> Any:
    """The squared error of one prediction ``o`` against its target ``y``.

    Examples
    --------
    >>> sq_error(5.0, 7.0)
    4.0
    """
    o, y = _operand(o, "o"), _operand(y, "y")
    _broadcast(o=o, y=y)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported in words
        e = o - y
        return _finite(e * e, "the squared error (o - y) ** 2")


def forward(
    weights: Sequence[float], x: Any, *, neuron: Callable[..., Any] = neuron
) -> tuple[Any, Any]:
    """The forward pass: return ``(h1, o1)`` for an input ``x`` (a number or an array).

    Examples
    --------
    >>> forward((0.5, 0.5, 0.5, 0.5), 1.0)
    (1.0, 1.0)
    >>> forward((2.0, 1.0, 3.0, -1.0), 1.0)
    (3.0, 8.0)
    """
    w11, w12, w21, w22 = _check_weights(weights)
    _check_function(neuron, "neuron")
    x = _operand(x, "x", complex_ok=False)
    h1 = neuron(w11, w12, x)
    o1 = neuron(w21, w22, h1)
    return h1, o1


def error(w11: float, w12: float, w21: float, w22: float, x: Any, y: Any) -> Any:
    """The error of one sample as a function of the four weights (and the sample).

    Examples
    --------
    >>> error(0.5, 0.5, 0.5, 0.5, 1.0, 3.0)
    4.0
    """
    y = _operand(y, "y", complex_ok=False)
    return sq_error(forward((w11, w12, w21, w22), x)[1], y)


# ----------------------------------------------------------------- checks


def _operand(value: Any, name: str, *, complex_ok: bool = True) -> Any:
    """A finite float, complex number or float64 array, or an error naming ``name``.

    A float16 or float32 number would make the whole network compute in low
    precision, so every real number becomes a float.
    """
    if complex_ok and isinstance(value, (complex, np.complexfloating)):  # the complex step's numbers
        if not cmath.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
        return complex(value)
    if isinstance(value, (list, tuple, np.ndarray)) and np.ndim(value) > 0:
        return real_array(value, name)
    return finite_real(value, name)


def _finite(value: Any, what: str) -> Any:
    """``value``, or a NonFiniteError: a result of finite numbers overflowed."""
    if not np.all(np.isfinite(value)):
        raise NonFiniteError(f"{what} overflows a float: the weights or the data are too large")
    return value


def _broadcast(**operands: Any) -> None:
    """Arrays of shapes that combine element by element, or an error naming them."""
    shapes = {name: np.shape(value) for name, value in operands.items()}
    try:
        np.broadcast_shapes(*shapes.values())
    except ValueError:
        listed = ", ".join(f"{name} {shape}" for name, shape in shapes.items())
        raise ValueError(f"the shapes of {listed} do not combine element by element") from None


def _check_function(value: Any, name: str) -> None:
    if not callable(value):
        raise TypeError(f"{name} must be a function, got {type(value).__name__} {value!r}")


def _check_weights(weights: Any) -> Weights:
    if isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence) or len(weights) != 4:
        raise TypeError(
            "weights must be a sequence of four numbers (w11, w12, w21, w22), "
            f"got {type(weights).__name__} {weights!r}"
        )
    names = ("w11", "w12", "w21", "w22")
    w11, w12, w21, w22 = (
        finite_real(w, f"weights[{i}] ({name})") for i, (w, name) in enumerate(zip(weights, names))
    )
    return w11, w12, w21, w22


# -------------------------------------------------------- three gradients


def grad_numeric(
    weights: Sequence[float],
    x: float,
    y: float,
    *,
    method: str = "central",
    neuron: Callable[..., Any] = neuron,
    loss: Callable[[Any, Any], Any] = sq_error,
) -> Gradient:
    """Differentiate the whole error by each weight in turn, numerically.

    The error is one function of the four weights; [`backprop.calculus.partial`][]
    nudges one weight and re-runs the whole network. ``method`` is passed on
    (``"central"``: two evaluations of the network per weight).

    Examples
    --------
    >>> g = grad_numeric((0.5, 0.5, 0.5, 0.5), 1.0, 3.0)
    >>> [round(d, 6) for d in g]
    [-2.0, -2.0, -4.0, -4.0]
    """
    point = _check_weights(weights)
    x, y = finite_real(x, "x"), finite_real(y, "y")
    _check_function(neuron, "neuron")
    _check_function(loss, "loss")

    def whole_error(w11: float, w12: float, w21: float, w22: float) -> Any:
        return loss(forward((w11, w12, w21, w22), x, neuron=neuron)[1], y)

    d = [partial(whole_error, i, *point, method=method) for i in range(4)]
    return d[0], d[1], d[2], d[3]


def grad_chain(
    weights: Sequence[float],
    x: float,
    y: float,
    *,
    method: str = "central",
    neuron: Callable[..., Any] = neuron,
    loss: Callable[[Any, Any], Any] = sq_error,
) -> Gradient:
    """The chain rule, each local derivative computed numerically.

    One forward pass keeps ``h1`` and ``o1``; then each small function (the
    loss, each neuron) is differentiated on its own at the values it saw, and
    the local derivatives are multiplied along the path from the error back
    to each weight.

    Examples
    --------
    >>> g = grad_chain((0.5, 0.5, 0.5, 0.5), 1.0, 3.0)
    >>> [round(d, 6) for d in g]
    [-2.0, -2.0, -4.0, -4.0]
    """
    w11, w12, w21, w22 = _check_weights(weights)
    x, y = finite_real(x, "x"), finite_real(y, "y")
    _check_function(loss, "loss")
    h1, o1 = forward((w11, w12, w21, w22), x, neuron=neuron)
    # Local derivatives: each of one small function, at the values it saw.
    dE_do1 = partial(loss, 0, o1, y, method=method)
    do1_dw21 = partial(neuron, 0, w21, w22, h1, method=method)
    do1_dw22 = partial(neuron, 1, w21, w22, h1, method=method)
    do1_dh1 = partial(neuron, 2, w21, w22, h1, method=method)
    dh1_dw11 = partial(neuron, 0, w11, w12, x, method=method)
    dh1_dw12 = partial(neuron, 1, w11, w12, x, method=method)
    # Chain them, from the error back to each weight.
    dE_dh1 = dE_do1 * do1_dh1
    return _finite((dE_dh1 * dh1_dw11, dE_dh1 * dh1_dw12, dE_do1 * do1_dw21, dE_do1 * do1_dw22), "the gradient")


def grad_analytic(
    weights: Sequence[float],
    x: float,
    y: float,
    *,
    neuron: Callable[..., Any] = neuron,
) -> Gradient:
    """Backpropagation: one forward pass, then one backward pass by hand.

    The local derivatives are known in closed form:
    ``dE/do1 = 2 (o1 - y)``, ``do1/dw21 = h1``, ``do1/dw22 = 1``,
    ``do1/dh1 = w21``, ``dh1/dw11 = x``, ``dh1/dw12 = 1``. (``neuron`` is only
    there so that calls can be counted; it must compute ``w * x + b``.)

    Examples
    --------
    >>> grad_analytic((0.5, 0.5, 0.5, 0.5), 1.0, 3.0)
    (-2.0, -2.0, -4.0, -4.0)
    """
    w11, w12, w21, w22 = _check_weights(weights)
    x, y = finite_real(x, "x"), finite_real(y, "y")
    h1, o1 = forward((w11, w12, w21, w22), x, neuron=neuron)  # forward pass
    dE_do1 = 2.0 * (o1 - y)  # backward pass, from the error ...
    dE_dw21 = dE_do1 * h1
    dE_dw22 = dE_do1
    dE_dh1 = dE_do1 * w21  # ... through the output neuron ...
    dE_dw11 = dE_dh1 * x  # ... to the hidden neuron's weights
    dE_dw12 = dE_dh1
    return _finite((dE_dw11, dE_dw12, dE_dw21, dE_dw22), "the gradient")


GRADIENTS: dict[str, Callable[..., Gradient]] = {
    "numeric": grad_numeric,
    "chain": grad_chain,
    "analytic": grad_analytic,
}
"""The gradient functions by name, as [`train`][] accepts them."""


# --------------------------------------------------------------- training


def _check_data(X: Any, y: Any) -> tuple[list[float], list[float]]:
    columns = []
    for name, values in (("X", X), ("y", y)):
        try:  # booleans, complex numbers and strings are refused, not converted
            array = real_array(values, name, finite=False)
        except TypeError:
            raise TypeError(
                f"{name} must be an array of numbers, got {type(values).__name__}"
            ) from None
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim != 1 or array.size == 0:
            raise ValueError(
                f"{name} must be a non-empty column of shape (n, 1) or a vector of shape (n,), "
                f"got shape {array.shape}"
            )
        if not np.all(np.isfinite(array)):
            bad = int(np.sum(~np.isfinite(array)))
            raise ValueError(f"{name} must hold finite numbers, got {bad} non-finite")
        columns.append(array.tolist())
    if len(columns[0]) != len(columns[1]):
        raise ValueError(
            "X and y must have the same number of samples, "
            f"got {len(columns[0])} and {len(columns[1])}"
        )
    return columns[0], columns[1]


def mean_squared_error(weights: Sequence[float], X: Any, y: Any) -> float:
    """The mean of the squared errors over a data set (summed exactly with ``math.fsum``).

    Examples
    --------
    >>> mean_squared_error((0.5, 0.5, 0.5, 0.5), [1.0, 2.0], [3.0, 1.0])
    2.03125
    """
    w = _check_weights(weights)
    xs, ys = _check_data(X, y)
    try:
        return math.fsum(sq_error(forward(w, xi)[1], yi) for xi, yi in zip(xs, ys)) / len(xs)
    except OverflowError:  # the sum of finite squares passed the largest float
        raise NonFiniteError("the sum of squared errors overflows a float: the weights or the data are too large") from None


def as_line(weights: Sequence[float]) -> tuple[float, float]:
    """The network multiplied out: ``o1 = slope * x + intercept``; return ``(slope, intercept)``.

    Examples
    --------
    >>> as_line((2.0, 1.0, 3.0, -1.0))
    (6.0, 2.0)
    """
    w11, w12, w21, w22 = _check_weights(weights)
    return _finite((w21 * w11, w21 * w12 + w22), "the slope or the intercept")


class Training(NamedTuple):
    """What [`train`][] returns."""

    #: The final weights ``(w11, w12, w21, w22)``.
    weights: Weights
    #: The mean squared error before training (``history[0]``) and after each epoch.
    history: list[float]


def train(
    X: Any,
    y: Any,
    *,
    gradient: str | Callable[..., Gradient] = "analytic",
    learning_rate: float = 0.01,
    epochs: int = 50,
    weights: Sequence[float] = START,
) -> Training:
    """Per-sample stochastic gradient descent on the two-neuron network.

    For each epoch, for each sample in order: compute the gradient of that
    sample's error and take one step, ``w <- w - learning_rate * dE/dw``.

    ``gradient`` is ``"numeric"``, ``"chain"``, ``"analytic"`` (see
    [`GRADIENTS`][]) or a function ``(weights, x, y) -> four derivatives``.

    Examples
    --------
    >>> result = train([0.0, 1.0], [1.0, 3.0], epochs=200, learning_rate=0.1)
    >>> [round(v, 4) for v in as_line(result.weights)]
    [2.0, 1.0]
    >>> len(result.history)
    201
    """
    xs, ys = _check_data(X, y)
    if isinstance(gradient, str):
        if gradient not in GRADIENTS:
            names = ", ".join(map(repr, GRADIENTS))
            raise ValueError(f"gradient must be one of {names} or a function, got {gradient!r}")
        grad = GRADIENTS[gradient]
    elif callable(gradient):
        grad = gradient
    else:
        raise TypeError(
            f"gradient must be a name or a function, got {type(gradient).__name__} {gradient!r}"
        )
    learning_rate = finite_real(learning_rate, "learning_rate")
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral):
        raise TypeError(
            f"epochs must be a positive integer, got {type(epochs).__name__} {epochs!r}"
        )
    if epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")

    w = list(_check_weights(weights))
    history = [mean_squared_error(w, xs, ys)]
    for epoch in range(1, int(epochs) + 1):
        for i, (xi, yi) in enumerate(zip(xs, ys)):
            try:
                g = grad(tuple(w), xi, yi)
            except (ValueError, OverflowError) as exc:
                raise _diverged(epoch, i + 1, len(xs), w, learning_rate) from exc
            for k in range(4):
                w[k] -= learning_rate * g[k]
            if not all(math.isfinite(v) for v in w):
                raise _diverged(epoch, i + 1, len(xs), w, learning_rate)
        try:
            err = mean_squared_error(w, xs, ys)
        except NonFiniteError as exc:  # the error of the new weights overflows
            raise _diverged(epoch, len(xs), len(xs), w, learning_rate) from exc
        history.append(err)
    return Training((w[0], w[1], w[2], w[3]), history)


def _diverged(epoch: int, sample: int, n: int, w: list[float], learning_rate: float) -> ValueError:
    """The error of a run that blew up; ``epoch`` and ``sample`` count from 1."""
    weights = ", ".join(f"{v:.3g}" for v in w)
    return ValueError(
        f"training diverged in epoch {epoch} at sample {sample} of {n}: the weights grew to "
        f"({weights}); learning_rate={learning_rate!r} is too large, try a smaller one"
    )
