"""Optimizers: how a gradient becomes a step (chapter 9).

An optimizer holds a list of parameters (objects with NumPy arrays ``.data``
and ``.grad``, such as ``model.parameters()``); each call of ``step()``
updates every ``.data`` in place from its ``.grad``, and ``zero_grad()``
clears the gradients before the next backward pass, which adds to them.
A ``.grad`` holding NaN is not checked at every step (that would cost a few
percent of a training epoch): it reaches the
weights, and a model refuses them at its next forward pass, which `fit`
reports as a diverged training. With learning rate
$\\eta$ and gradient $g$:

- [`SGD`][]: $w \\leftarrow w - \\eta g$, the source tutorial's rule;
- [`SGD`][] with ``momentum`` $\\mu$: $v \\leftarrow \\mu v + g$,
  $w \\leftarrow w - \\eta v$, a ball that keeps rolling;
- [`Adam`][]: running means of $g$ and $g^2$ give each number
  its own step size.

Examples
--------
>>> import numpy as np
>>> from backprop.nn import Parameter
>>> from backprop.optim import SGD
>>> w = Parameter(np.array([1.0, 2.0]))
>>> w.grad[:] = [0.5, -1.0]
>>> SGD([w], lr=0.1).step()
>>> w.data
array([0.95, 2.1 ])
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np


__all__ = ["SGD", "Adam"]


def _rate(value: Any, name: str, *, low: float, high: float | None = None, open_low: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    try:
        value = float(value)
    except OverflowError:  # an integer beyond the largest float
        raise ValueError(f"{name} must be a finite number, got a {type(value).__name__} too large for a float") from None
    too_low = value <= low if open_low else value < low
    if not math.isfinite(value) or too_low or (high is not None and value >= high):
        # every bounded rate (momentum, betas) may equal its low end: [low, high)
        bound = f"in [{low}, {high})" if high is not None else "positive"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return value


class _Optimizer:
    def __init__(self, parameters: Iterable[Any], lr: float) -> None:
        if callable(parameters) and not hasattr(parameters, "__iter__"):
            raise TypeError(
                f"parameters must be a list of parameters, got the method {getattr(parameters, '__name__', parameters)!r}: "
                "call it, as in SGD(model.parameters())"
            )
        if isinstance(parameters, (str, bytes)) or not hasattr(parameters, "__iter__"):
            raise TypeError(
                f"parameters must be a list of parameters, such as model.parameters(), "
                f"got {type(parameters).__name__} {parameters!r}"
            )
        params = list(parameters)
        if not params:
            raise ValueError("parameters must be a non-empty list of parameters, got an empty one")
        for i, p in enumerate(params):
            data, grad = getattr(p, "data", None), getattr(p, "grad", None)
            if not isinstance(data, np.ndarray) or not isinstance(grad, np.ndarray):
                raise TypeError(
                    f"parameter {i} must have NumPy arrays .data and .grad, got {type(p).__name__}"
                )
            if data.shape != grad.shape:
                raise ValueError(
                    f"parameter {i}: .data and .grad must have the same shape, "
                    f"got {data.shape} and {grad.shape}"
                )
            if not data.flags.writeable or data.dtype.kind != "f":
                raise ValueError(
                    f"parameter {i}: .data must be a writable float array (the optimizer "
                    f"updates it in place), got a {'read-only ' if not data.flags.writeable else ''}"
                    f"{data.dtype} array"
                )
            for j in range(i):
                if params[j] is p:
                    raise ValueError(
                        f"parameters {j} and {i} are the same {p!r}: it would be updated twice "
                        "per step; list each parameter once"
                    )
        self.parameters = params
        self.lr = _rate(lr, "lr", low=0.0)

    def zero_grad(self) -> None:
        """Set the ``.grad`` of every parameter to zero, before the next backward pass.

        Backward passes *add* to ``.grad`` (a parameter used twice collects
        both contributions), so a training step clears them first.
        """
        for p in self.parameters:
            p.grad[...] = 0.0


class SGD(_Optimizer):
    """Gradient descent, optionally with momentum.

    $v \\leftarrow \\mu v + g$, then $w \\leftarrow w - \\eta v$.

    With ``momentum=0`` (the default) this is $w \\leftarrow w - \\eta g$.
    """

    def __init__(self, parameters: Iterable[Any], lr: float = 0.01, *, momentum: float = 0.0) -> None:
        super().__init__(parameters, lr)
        self.momentum = _rate(momentum, "momentum", low=0.0, high=1.0, open_low=False)
        self._velocity = [np.zeros_like(p.data) for p in self.parameters] if self.momentum else []

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr}, momentum={self.momentum})"

    def step(self) -> None:
        """Move every parameter one step against its gradient."""
        if not self.momentum:
            for p in self.parameters:
                p.data -= self.lr * p.grad
            return
        for p, v in zip(self.parameters, self._velocity):
            v *= self.momentum
            v += p.grad
            p.data -= self.lr * v


class Adam(_Optimizer):
    """Adam (Kingma and Ba, 2015): a step scaled per number by the gradient's recent size.

    $m \\leftarrow \\beta_1 m + (1-\\beta_1) g$,
    $s \\leftarrow \\beta_2 s + (1-\\beta_2) g^2$, then
    $w \\leftarrow w - \\eta\\,\\frac{m / (1-\\beta_1^t)}{\\sqrt{s / (1-\\beta_2^t)} + \\epsilon}$.

    The divisions by $1-\\beta^t$ undo the bias of starting ``m`` and
    ``s`` at zero.

    Examples
    --------
    >>> from backprop.nn import Parameter
    >>> w = Parameter(np.array([1.0, -1.0]))
    >>> w.grad[:] = [100.0, -0.001]
    >>> Adam([w], lr=0.1).step()
    >>> w.data.round(4)
    array([ 0.9, -0.9])
    """

    def __init__(
        self,
        parameters: Iterable[Any],
        lr: float = 0.001,
        *,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(parameters, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = _rate(betas[0], "betas[0]", low=0.0, high=1.0, open_low=False)
        self.beta2 = _rate(betas[1], "betas[1]", low=0.0, high=1.0, open_low=False)
        self.eps = _rate(eps, "eps", low=0.0)
        self._m = [np.zeros_like(p.data) for p in self.parameters]
        self._s = [np.zeros_like(p.data) for p in self.parameters]
        self._buffer = [np.zeros_like(p.data) for p in self.parameters]  # scratch space
        self.t = 0

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr}, betas=({self.beta1}, {self.beta2}), eps={self.eps})"

    def step(self) -> None:
        """Move every parameter one Adam step."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        correction1 = 1.0 - b1**self.t
        correction2 = 1.0 - b2**self.t
        for p, m, s, tmp in zip(self.parameters, self._m, self._s, self._buffer):
            # Every operation writes into m, s or tmp: a step allocates no new array.
            g = p.grad
            m *= b1
            np.multiply(g, 1.0 - b1, out=tmp)
            m += tmp  # m = b1 m + (1 - b1) g
            s *= b2
            np.multiply(g, g, out=tmp)
            tmp *= 1.0 - b2
            s += tmp  # s = b2 s + (1 - b2) g^2
            np.divide(s, correction2, out=tmp)
            np.sqrt(tmp, out=tmp)
            tmp += self.eps  # sqrt(s_hat) + eps
            np.divide(m, tmp, out=tmp)
            tmp *= self.lr / correction1  # lr * m_hat / (sqrt(s_hat) + eps)
            p.data -= tmp
