"""Layers that work on a whole batch at once: chapters 8, 9 and 10.

A layer is an object with two methods:

- ``forward(x)`` (also ``layer(x)``) takes a batch ``x`` of shape
  ``(N, features)``, one row per sample, remembers what its backward pass
  will need, and returns the output batch;
- ``backward(grad_out)`` takes :math:`\\partial L / \\partial y`, the gradient
  of the loss with respect to that output, adds the gradients of the loss
  with respect to the layer's parameters to their ``.grad``, and returns
  :math:`\\partial L / \\partial x`, the gradient with respect to the input,
  for the layer before it.

:class:`Linear` computes :math:`Y = XW + b`; :class:`ReLU`, :class:`Tanh`
and :class:`Sigmoid` apply a function to every number; :class:`Sequential`
chains any of them. :func:`fit` is the training loop of chapter 9.

The gradient rule is the one of chapter 7's engine, and of PyTorch: a
parameter's ``.grad`` *accumulates* across ``backward`` calls, so a parameter
used twice collects both contributions, and :meth:`Module.zero_grad` (or the
optimizer's ``zero_grad()``) clears it before the next step. Every operation
works on the whole batch: there is no Python loop over samples or neurons.

>>> import numpy as np
>>> from backprop.nn import Linear, ReLU, Sequential
>>> rng = np.random.default_rng(0)
>>> model = Sequential(Linear(2, 3, rng=rng), ReLU(), Linear(3, 1, rng=rng))
>>> model(np.ones((4, 2))).shape
(4, 1)
>>> [p.data.shape for p in model.parameters()]
[(2, 3), (3,), (3, 1), (1,)]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from backprop._checks import generator, positive_int

__all__ = [
    "Parameter",
    "Module",
    "Linear",
    "ReLU",
    "Tanh",
    "Sigmoid",
    "Sequential",
    "fit",
    "init_std",
]

#: The initialisation schemes of :class:`Linear`, by their names in the
#: literature, and the standard deviation each draws the weights with.
INITS = ("lecun", "glorot", "xavier", "he")
_FLOAT64 = np.dtype(np.float64)


class Parameter:
    """An array the training changes: its value ``.data`` and its gradient ``.grad``.

    Both are float64 NumPy arrays of the same shape; optimizers update
    ``.data`` in place from ``.grad``.

    >>> p = Parameter(np.zeros((2, 3)), name="weight")
    >>> p
    Parameter(name='weight', shape=(2, 3))
    >>> p.grad.shape
    (2, 3)
    """

    __slots__ = ("data", "grad", "name")

    def __init__(self, data: np.ndarray, name: str = "") -> None:
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self.name = name

    def __repr__(self) -> str:
        return f"Parameter(name={self.name!r}, shape={self.data.shape})"


class Module:
    """Base class of the layers: ``module(x)`` runs :meth:`forward`."""

    def zero_grad(self) -> None:
        """Set the ``.grad`` of every parameter of this module to zero."""
        for p in self.parameters():
            p.grad[...] = 0.0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray, *, input_grad: bool = True) -> np.ndarray | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def parameters(self) -> list[Parameter]:
        """The parameters of this module, in a fixed order (none by default)."""
        return []

    def _input(self, x: Any, features: int | None = None) -> np.ndarray:
        """``x`` as a float64 batch of shape ``(N, features)``, or a ValueError naming the layer."""
        if not isinstance(x, np.ndarray) or x.dtype != _FLOAT64:
            try:
                x = np.asarray(x, dtype=np.float64)
            except (TypeError, ValueError):
                raise TypeError(
                    f"{self!r}: the input must be an array of numbers, got {type(x).__name__}"
                ) from None
        if x.ndim != 2 or (features is not None and x.shape[1] != features):
            expected = f"(N, {features})" if features is not None else "(N, features)"
            raise ValueError(f"{self!r}: expected an input of shape {expected}, got {x.shape}")
        return x

    def _grad(self, grad_out: Any, expected: tuple[int, ...] | None) -> np.ndarray:
        """``grad_out`` checked against the shape of the last output."""
        if expected is None:
            raise RuntimeError(
                f"{self!r}: backward() was called before forward(); run the layer "
                "on a batch first"
            )
        if not isinstance(grad_out, np.ndarray) or grad_out.dtype != _FLOAT64:
            grad_out = np.asarray(grad_out, dtype=np.float64)
        if grad_out.shape != expected:
            raise ValueError(
                f"{self!r}: grad_out must have the shape of the output {expected}, "
                f"got {grad_out.shape}"
            )
        return grad_out


def init_std(init: str, in_features: int, out_features: int) -> float:
    """The standard deviation of the initial weights of a ``Linear(in_features, out_features)``.

    >>> init_std("lecun", 100, 10), init_std("he", 100, 10), init_std("glorot", 100, 10)
    (0.1, 0.1414213562373095, 0.13483997249264842)
    >>> init_std("normal", 100, 10)
    Traceback (most recent call last):
    ...
    ValueError: init must be one of 'lecun', 'glorot', 'xavier', 'he', got 'normal'
    """
    if init == "he":
        return math.sqrt(2.0 / in_features)
    if init == "lecun":
        return math.sqrt(1.0 / in_features)
    if init in ("glorot", "xavier"):
        return math.sqrt(2.0 / (in_features + out_features))
    names = ", ".join(repr(name) for name in INITS)
    raise ValueError(f"init must be one of {names}, got {init!r}")


class Linear(Module):
    """A fully connected layer: ``y = x @ weight + bias``.

    ``weight`` has shape ``(in_features, out_features)``: column ``j`` holds
    the weights of neuron ``j``. ``bias`` has shape ``(out_features,)`` and
    starts at zero. The weights are drawn from a normal distribution with mean
    0 and a standard deviation set by ``init``, with
    :math:`d_\\text{in}` = ``in_features`` and :math:`d_\\text{out}` = ``out_features``:

    - ``"he"`` (the default; He et al., 2015): :math:`\\sqrt{2/d_\\text{in}}`,
      for ReLU, which zeroes about half of its inputs;
    - ``"lecun"`` (LeCun et al., 1998): :math:`\\sqrt{1/d_\\text{in}}`;
    - ``"glorot"``, also called ``"xavier"`` (Glorot and Bengio, 2010):
      :math:`\\sqrt{2/(d_\\text{in} + d_\\text{out})}`, a compromise between
      keeping the forward signal and the backward gradient the same size.

    Backward, for a batch ``x`` and ``G = grad_out``, adds
    ``x.T @ G`` to ``weight.grad`` and ``G.sum(axis=0)`` to ``bias.grad``, and
    returns ``G @ weight.T``.

    >>> layer = Linear(2, 3, rng=0)
    >>> layer
    Linear(2, 3)
    >>> layer(np.zeros((5, 2))).shape
    (5, 3)
    >>> layer(np.zeros((5, 4)))
    Traceback (most recent call last):
    ...
    ValueError: Linear(2, 3): expected an input of shape (N, 2), got (5, 4)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        rng: int | np.random.Generator | None = None,
        init: str = "he",
    ) -> None:
        self.in_features = positive_int(in_features, "in_features")
        self.out_features = positive_int(out_features, "out_features")
        scale = init_std(init, self.in_features, self.out_features)
        rng = generator(rng, "rng", allow_none=True)
        self.weight = Parameter(
            scale * rng.standard_normal((self.in_features, self.out_features)), "weight"
        )
        self.bias = Parameter(np.zeros(self.out_features), "bias")
        self._x: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``x @ weight + bias`` for a batch ``x`` of shape ``(N, in_features)``.

        A NaN or infinity in ``x`` raises a ValueError: it would spread to
        every output of its row.
        """
        x = self._input(x, self.in_features)
        if not np.isfinite(x).all():
            raise ValueError(f"{self!r}: the input contains NaN or infinity")
        self._x = x  # kept for the backward pass
        return x @ self.weight.data + self.bias.data

    def backward(self, grad_out: np.ndarray, *, input_grad: bool = True) -> np.ndarray | None:
        """Add dL/dW and dL/db to the parameters' ``.grad``; return dL/dX.

        With ``input_grad=False`` it returns None instead of dL/dX: a training
        loop needs no gradient with respect to the data, so the first layer of
        a model can skip that matrix product.
        """
        x = self._x
        G = self._grad(grad_out, None if x is None else (x.shape[0], self.out_features))
        self.weight.grad += x.T @ G  # dL/dW = X^T G
        self.bias.grad += G.sum(axis=0)  # dL/db = G summed over the batch
        return G @ self.weight.data.T if input_grad else None  # dL/dX = G W^T

    def parameters(self) -> list[Parameter]:
        return [self.weight, self.bias]


class _Activation(Module):
    """A function applied to every number; backward multiplies by its derivative."""

    def __init__(self) -> None:
        self._out: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = self._input(x)
        self._out = self.function(x)
        return self._out

    def backward(self, grad_out: np.ndarray, *, input_grad: bool = True) -> np.ndarray:
        # An activation has no parameters: its only job is dL/dX, so input_grad
        # is accepted for a uniform interface and the gradient is always returned.
        out = self._out
        G = self._grad(grad_out, None if out is None else out.shape)
        return G * self.derivative_from_output(out)

    @staticmethod
    def function(x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def derivative_from_output(y: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


class ReLU(_Activation):
    """``max(0, x)``; its derivative is 1 where ``x > 0`` and 0 elsewhere.

    ReLU has a kink at 0. :meth:`kink_pattern` says on which side of it each
    input of the last forward pass lay; the gradient checker uses it to spot
    finite differences that straddle the kink.

    >>> relu = ReLU()
    >>> relu(np.array([[-2.0, 0.0, 3.0]]))
    array([[0., 0., 3.]])
    >>> relu.backward(np.array([[10.0, 10.0, 10.0]]))
    array([[ 0.,  0., 10.]])
    """

    @staticmethod
    def function(x: np.ndarray) -> np.ndarray:
        return np.maximum(x, 0.0)

    @staticmethod
    def derivative_from_output(y: np.ndarray) -> np.ndarray:
        return (y > 0).astype(np.float64)  # 1.0 where x > 0, else 0.0

    def kink_pattern(self) -> np.ndarray | None:
        """Which inputs of the last forward pass were above the kink at 0."""
        return None if self._out is None else self._out > 0


class Tanh(_Activation):
    """``tanh(x)``; its derivative is ``1 - tanh(x)**2``.

    >>> Tanh()(np.array([[0.0]]))
    array([[0.]])
    """

    @staticmethod
    def function(x: np.ndarray) -> np.ndarray:
        return np.tanh(x)

    @staticmethod
    def derivative_from_output(y: np.ndarray) -> np.ndarray:
        return 1.0 - y * y


class Sigmoid(_Activation):
    """``1 / (1 + exp(-x))``; its derivative is ``s * (1 - s)``.

    Computed as ``(1 + tanh(x / 2)) / 2``, the same function written so that
    it never overflows, even for ``x = -1000``.

    >>> Sigmoid()(np.array([[-1000.0, 0.0, 1000.0]]))
    array([[0. , 0.5, 1. ]])
    """

    @staticmethod
    def function(x: np.ndarray) -> np.ndarray:
        return 0.5 + 0.5 * np.tanh(0.5 * x)

    @staticmethod
    def derivative_from_output(y: np.ndarray) -> np.ndarray:
        return y * (1.0 - y)


class Sequential(Module):
    """Layers run one after another: forward in order, backward in reverse.

    >>> model = Sequential(Linear(2, 4, rng=0), Tanh(), Linear(4, 1, rng=1))
    >>> model
    Sequential(Linear(2, 4), Tanh(), Linear(4, 1))
    >>> len(model), model[0]
    (3, Linear(2, 4))
    >>> model(np.zeros((3, 4)))
    Traceback (most recent call last):
    ...
    ValueError: Linear(2, 4): expected an input of shape (N, 2), got (3, 4)
    """

    def __init__(self, *layers: Module) -> None:
        for i, layer in enumerate(layers):
            if not all(callable(getattr(layer, m, None)) for m in ("forward", "backward", "parameters")):
                raise TypeError(
                    f"layer {i} of Sequential must have forward, backward and parameters "
                    f"methods, got {type(layer).__name__} {layer!r}"
                )
        self.layers = list(layers)

    def __repr__(self) -> str:
        return f"Sequential({', '.join(repr(layer) for layer in self.layers)})"

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_out: np.ndarray, *, input_grad: bool = True) -> np.ndarray | None:
        if not self.layers:
            return grad_out
        for layer in reversed(self.layers[1:]):
            grad_out = layer.backward(grad_out)
        return _backward(self.layers[0], grad_out, input_grad)

    def parameters(self) -> list[Parameter]:
        return [p for layer in self.layers for p in layer.parameters()]


def _backward(layer: Any, grad_out: np.ndarray, input_grad: bool) -> np.ndarray | None:
    """``layer.backward(grad_out)``, telling the library's own layers whether dL/dX is needed.

    A layer of the reader's own keeps the plain contract ``backward(grad_out)``.
    """
    if isinstance(layer, (Linear, _Activation, Sequential)):
        return layer.backward(grad_out, input_grad=input_grad)
    return layer.backward(grad_out)


def fit(
    model: Module,
    loss: Any,
    optimizer: Any,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int = 1,
    batch_size: int = 32,
    seed: int | np.random.Generator = 0,
    on_epoch: Callable[[int, float], None] | None = None,
    on_batch: Callable[[int, int], None] | None = None,
) -> list[float]:
    """Train ``model`` with mini-batch gradient descent; return the mean loss of each epoch.

    Every epoch visits the samples in a fresh random order (drawn from
    ``seed``) in batches of ``batch_size``. One step is the loop of chapter 9::

        prediction = model(X_batch)
        value = loss(prediction, y_batch)
        optimizer.zero_grad()            # the gradients accumulate: clear them first
        model.backward(loss.backward())  # fills every parameter's .grad
        optimizer.step()

    (The backward pass of a library model skips the gradient with respect to
    the data, which no step needs: ``input_grad=False``.)

    ``loss`` is a loss object (:mod:`backprop.losses`) and ``optimizer`` an
    optimizer over ``model.parameters()`` (:mod:`backprop.optim`).
    ``on_epoch(epoch, mean_loss)`` is called after every epoch and
    ``on_batch(batch, n_batches)`` after every step. A loss that becomes
    infinite or NaN stops the training with a ``FloatingPointError`` naming
    the step.
    """
    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must be a batch of shape (N, features), got {X.shape}")
    if y.shape[:1] != X.shape[:1]:
        raise ValueError(f"y must have one row per sample of X ({X.shape[0]}), got shape {y.shape}")
    rng = generator(seed, "seed", allow_none=True)
    n = X.shape[0]
    n_batches = -(-n // batch_size)
    history: list[float] = []
    step = 0
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        total = 0.0
        for b in range(n_batches):
            batch = order[b * batch_size : (b + 1) * batch_size]
            value = loss(model(X[batch]), y[batch])
            step += 1
            if not math.isfinite(value):
                raise FloatingPointError(
                    f"the loss became {value} at step {step} (epoch {epoch}, batch {b + 1}); "
                    "the training diverged: try a smaller learning rate"
                )
            optimizer.zero_grad()
            _backward(model, loss.backward(), input_grad=False)
            optimizer.step()
            total += value * len(batch)
            if on_batch is not None:
                on_batch(b + 1, n_batches)
        history.append(total / n)
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    return history

