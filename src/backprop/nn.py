"""Layers that work on a whole batch at once: chapters 8, 9 and 10.

A layer is an object with two methods:

- ``forward(x)`` (also ``layer(x)``) takes a batch ``x`` of shape
  ``(N, features)``, one row per sample, remembers what its backward pass
  will need, and returns the output batch;
- ``backward(grad_out)`` takes $\\partial L / \\partial y$, the gradient
  of the loss with respect to that output, adds the gradients of the loss
  with respect to the layer's parameters to their ``.grad``, and returns
  $\\partial L / \\partial x$, the gradient with respect to the input,
  for the layer before it.

[`Linear`][] computes $Y = XW + b$; [`ReLU`][], [`Tanh`][]
and [`Sigmoid`][] apply a function to every number; [`Sequential`][]
chains any of them. [`fit`][] is the training loop of chapter 9.

The gradient rule is the one of chapter 7's engine, and of PyTorch: a
parameter's ``.grad`` *accumulates* across ``backward`` calls, so a parameter
used twice collects both contributions, and [`Module.zero_grad`][] (or the
optimizer's ``zero_grad()``) clears it before the next step. Every operation
works on the whole batch: there is no Python loop over samples or neurons.

Examples
--------
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

from backprop._checks import NonFiniteError, generator, positive_int, real_array

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

INITS = ("lecun", "glorot", "xavier", "he")
"""The initialisation schemes of [`Linear`][], by their names in the literature.

[`init_std`][] gives the standard deviation each draws the weights with.
"""
_FLOAT64 = np.dtype(np.float64)


class Parameter:
    """An array the training changes: its value ``.data`` and its gradient ``.grad``.

    Both are float64 NumPy arrays of the same shape; optimizers update
    ``.data`` in place from ``.grad``.

    Examples
    --------
    >>> p = Parameter(np.zeros((2, 3)), name="weight")
    >>> p
    Parameter(name='weight', shape=(2, 3))
    >>> p.grad.shape
    (2, 3)
    """

    __slots__ = ("data", "grad", "name")

    def __init__(self, data: np.ndarray, name: str = "") -> None:
        # A copy of its own: writable and contiguous, whatever array it came from.
        if not isinstance(name, str):
            raise TypeError(f"name must be a string, got {type(name).__name__} {name!r}")
        self.data = np.array(real_array(data, "Parameter data"), dtype=np.float64, order="C")
        self.grad = np.zeros_like(self.data)
        self.name = name

    def __repr__(self) -> str:
        return f"Parameter(name={self.name!r}, shape={self.data.shape})"


class Module:
    """Base class of the layers: ``module(x)`` runs `forward`."""

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
        """``x`` as a finite float64 batch of shape ``(N, features)``, or an error naming the layer.

        NaN or infinity would spread to every output of its row: refused.
        """
        x = real_array(x, f"{self!r}: the input")
        if x.ndim != 2 or (features is not None and x.shape[1] != features):
            expected = f"(N, {features})" if features is not None else "(N, features)"
            raise ValueError(f"{self!r}: expected an input of shape {expected}, got {x.shape}")
        return x

    def _grad(self, grad_out: Any, expected: tuple[int, ...] | None) -> np.ndarray:
        """``grad_out`` checked: real, finite numbers in the shape of the last output."""
        if expected is None:
            raise RuntimeError(
                f"{self!r}: backward() was called before forward(); run the layer "
                "on a batch first"
            )
        grad_out = real_array(grad_out, f"{self!r}: grad_out")
        if grad_out.shape != expected:
            raise ValueError(
                f"{self!r}: grad_out must have the shape of the output {expected}, "
                f"got {grad_out.shape}"
            )
        return grad_out


def init_std(init: str, in_features: int, out_features: int) -> float:
    """The standard deviation of the initial weights of a ``Linear(in_features, out_features)``.

    Examples
    --------
    >>> init_std("lecun", 100, 10), init_std("he", 100, 10), init_std("glorot", 100, 10)
    (0.1, 0.1414213562373095, 0.13483997249264842)
    >>> init_std("normal", 100, 10)
    Traceback (most recent call last):
    ...
    ValueError: init must be one of 'lecun', 'glorot', 'xavier', 'he', got 'normal'
    """
    in_features = positive_int(in_features, "in_features")
    out_features = positive_int(out_features, "out_features")
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
    $d_\\text{in}$ = ``in_features`` and $d_\\text{out}$ = ``out_features``:

    - ``"he"`` (the default; He et al., 2015): $\\sqrt{2/d_\\text{in}}$,
      for ReLU, which zeroes about half of its inputs;
    - ``"lecun"`` (LeCun et al., 1998): $\\sqrt{1/d_\\text{in}}$;
    - ``"glorot"``, also called ``"xavier"`` (Glorot and Bengio, 2010):
      $\\sqrt{2/(d_\\text{in} + d_\\text{out})}$, a compromise between
      keeping the forward signal and the backward gradient the same size.

    Backward, for a batch ``x`` and ``G = grad_out``, adds
    ``x.T @ G`` to ``weight.grad`` and ``G.sum(axis=0)`` to ``bias.grad``, and
    returns ``G @ weight.T``.

    Examples
    --------
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
        every output of its row. So does an output that overflows; the layer
        then keeps its last good batch for the backward pass. ``x`` is copied,
        so that changing it later cannot change the backward pass.
        """
        last = self._x
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported in words
            y = self._forward(self._input(x, self.in_features).copy())
        if not np.isfinite(y).all():
            self._x = last  # refused: backward still belongs to the last good batch
            raise NonFiniteError(
                f"{self!r}: the output is not finite: a number overflowed "
                "(are the input or the weights very large?)"
            )
        return y

    def _forward(self, x: np.ndarray) -> np.ndarray:
        """The formula, on a checked batch of our own."""
        self._shape_check(x)
        self._x = x  # kept for the backward pass
        return x @ self.weight.data + self.bias.data

    def backward(self, grad_out: np.ndarray, *, input_grad: bool = True) -> np.ndarray | None:
        """Add dL/dW and dL/db to the parameters' ``.grad``; return dL/dX.

        With ``input_grad=False`` it returns None instead of dL/dX: a training
        loop needs no gradient with respect to the data, so the first layer of
        a model can skip that matrix product. A gradient that overflows raises
        a ValueError and leaves ``.grad`` as it was.
        """
        x = self._x
        G = self._grad(grad_out, None if x is None else (x.shape[0], self.out_features))
        grads = self.weight.grad.copy(), self.bias.grad.copy()
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported in words
            grad_in = self._backward(G, input_grad)
        if not all(np.isfinite(g).all() for g in (self.weight.grad, self.bias.grad, 0.0 if grad_in is None else grad_in)):
            self.weight.grad[...], self.bias.grad[...] = grads  # refused: .grad as it was
            raise NonFiniteError(
                f"{self!r}: a gradient overflows a float (are the input, grad_out or the weights very large?)"
            )
        return grad_in

    def _backward(self, G: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """The formulas of chapter 8, on a checked ``G = grad_out``."""
        x = self._x
        self.weight.grad += x.T @ G  # dL/dW = X^T G
        self.bias.grad += G.sum(axis=0)  # dL/db = G summed over the batch
        return G @ self.weight.data.T if input_grad else None  # dL/dX = G W^T

    def _shape_check(self, x: np.ndarray) -> None:
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"{self!r}: expected an input of shape (N, {self.in_features}), got {x.shape}")

    def parameters(self) -> list[Parameter]:
        return [self.weight, self.bias]


class _Activation(Module):
    """A function applied to every number; backward multiplies by its derivative."""

    def __init__(self) -> None:
        self._slope: np.ndarray | None = None  # d(output)/d(input) of the last forward pass

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self._forward(self._input(x))

    def _forward(self, x: np.ndarray) -> np.ndarray:
        y = self.function(x)
        # The backward pass needs the slope at x. Computed now, it is ours:
        # the caller may change the returned y in place without changing it.
        self._slope = self.derivative_from_output(y)
        return y

    def backward(self, grad_out: np.ndarray, *, input_grad: bool = True) -> np.ndarray:
        # An activation has no parameters: its only job is dL/dX, so input_grad
        # is accepted for a uniform interface and the gradient is always returned.
        slope = self._slope
        return self._backward(self._grad(grad_out, None if slope is None else slope.shape))

    def _backward(self, G: np.ndarray, input_grad: bool = True) -> np.ndarray:
        return G * self._slope  # dL/dX = G times the slope, number by number

    @staticmethod
    def function(x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def derivative_from_output(y: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


class ReLU(_Activation):
    """``max(0, x)``; its derivative is 1 where ``x > 0`` and 0 elsewhere.

    ReLU has a kink at 0. [`kink_pattern`][] says on which side of it each
    input of the last forward pass lay; the gradient checker uses it to spot
    finite differences that straddle the kink.

    Examples
    --------
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
        return None if self._slope is None else self._slope > 0


class Tanh(_Activation):
    """``tanh(x)``; its derivative is ``1 - tanh(x)**2``.

    Examples
    --------
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

    Examples
    --------
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

    Examples
    --------
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
            if isinstance(layer, type):  # nn.ReLU instead of nn.ReLU(): its methods are unbound
                raise TypeError(f"layer {i} of Sequential must be a layer object, got the class {layer.__name__}: call it")
            if not all(callable(getattr(layer, m, None)) for m in ("forward", "backward", "parameters")):
                raise TypeError(
                    f"layer {i} of Sequential must have forward, backward and parameters "
                    f"methods, got {type(layer).__name__} {layer!r}"
                )
        # A layer keeps what its backward pass needs from its *last* forward
        # pass, so one object in two places would back-propagate the wrong
        # numbers through the first. Refused here, before anything runs.
        seen: dict[int, str] = {}
        for position, layer in _positions(layers):
            if id(layer) in seen:
                raise ValueError(
                    f"Sequential: layer {position} is the same {layer!r} object as layer "
                    f"{seen[id(layer)]}; a layer remembers its last input for the backward "
                    f"pass, so it cannot be used twice: create a second {type(layer).__name__} "
                    "(to tie weights, share its Parameter objects instead)"
                )
            seen[id(layer)] = position
        self.layers = list(layers)
        self._out_shape: tuple[int, ...] | None = None  # of the last output, for backward

    def __repr__(self) -> str:
        return f"Sequential({', '.join(repr(layer) for layer in self.layers)})"

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Run the layers in order.

        The model checks what comes in from outside, once: its input here
        (real, finite numbers, copied) and ``grad_out`` in `backward`. Its
        layers then pass each other arrays the model made itself. What goes
        out is checked too: a number that overflowed inside the model shows
        up as a non-finite output.
        """
        x = self._input(x).copy()
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported in words
            y = self._forward(x)
        if not np.isfinite(y).all():
            # The layers now hold this refused batch: no backward pass through it.
            self._out_shape = None
            raise NonFiniteError(
                f"{self!r}: the output is not finite: a number overflowed inside the model "
                "(are the weights very large?)"
            )
        self._out_shape = y.shape
        return y

    def _forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer._forward(x) if _is_ours(layer) else layer.forward(x)
        return x

    def backward(self, grad_out: np.ndarray, *, input_grad: bool = True) -> np.ndarray | None:
        return self._backward(self._grad(grad_out, self._out_shape), input_grad)

    def _backward(self, G: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        if not self.layers:
            return G
        for layer in reversed(self.layers[1:]):
            G = layer._backward(G) if _is_ours(layer) else layer.backward(G)
        return _backward(self.layers[0], G, input_grad)

    def parameters(self) -> list[Parameter]:
        return [p for layer in self.layers for p in layer.parameters()]


def _positions(layers: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every layer with its position, ``"2"`` or ``"1.0"`` inside a nested Sequential."""
    for i, layer in enumerate(layers):
        yield f"{prefix}{i}", layer
        if isinstance(layer, Sequential):
            yield from _positions(layer.layers, f"{prefix}{i}.")


def _is_ours(layer: Any) -> bool:
    """One of this module's layers, which have the unchecked ``_forward`` and ``_backward``."""
    return isinstance(layer, (Linear, _Activation, Sequential))


def _backward(layer: Any, G: np.ndarray, input_grad: bool) -> np.ndarray | None:
    """The backward pass of a layer inside a model (or of a model inside `fit`).

    The library's own layers take ``G`` unchecked (it comes from the model
    itself, or from a loss) and skip dL/dX when ``input_grad`` is False; a
    layer of the reader's own keeps the plain contract ``backward(grad_out)``.
    """
    if _is_ours(layer):
        return layer._backward(G, input_grad)
    return layer.backward(G)


def _check_training(model: Any, loss: Any, optimizer: Any, on_epoch: Any, on_batch: Any) -> None:
    """The arguments of [`fit`][] that are objects, checked before any step is taken."""
    if not all(callable(getattr(model, m, None)) for m in ("forward", "backward", "parameters")):
        raise TypeError(f"model must have forward, backward and parameters methods, got {type(model).__name__} {model!r}")
    for name, value, example in (("model", model, "Sequential(...)"), ("loss", loss, "MSELoss()"),
                                 ("optimizer", optimizer, "SGD(model.parameters())")):
        if isinstance(value, type):
            raise TypeError(f"{name} must be an object, such as {example}, got the class {value.__name__}: call it")
    if not (callable(loss) and callable(getattr(loss, "backward", None))):
        raise TypeError(f"loss must be a loss object with backward(), such as MSELoss(), got {type(loss).__name__} {loss!r}")
    if not all(callable(getattr(optimizer, m, None)) for m in ("step", "zero_grad")):
        raise TypeError(
            f"optimizer must have step() and zero_grad(), such as SGD(model.parameters()), "
            f"got {type(optimizer).__name__} {optimizer!r}"
        )
    held = getattr(optimizer, "parameters", None)
    if isinstance(held, list):
        mine = {id(p) for p in model.parameters()}
        if {id(p) for p in held} != mine:
            common = len(mine & {id(p) for p in held})
            raise ValueError(
                f"optimizer must update this model's parameters: the model has {len(mine)}, the "
                f"optimizer holds {len(held)}, {common} of them the model's; build it with "
                f"{type(optimizer).__name__}(model.parameters())"
            )
    for name, callback in (("on_epoch", on_epoch), ("on_batch", on_batch)):
        if callback is not None and not callable(callback):
            raise TypeError(f"{name} must be a function or None, got {type(callback).__name__} {callback!r}")


def _training_step(model: Any, loss: Any, optimizer: Any, X: np.ndarray, y: np.ndarray, where: str) -> float:
    """Forward, loss, ``zero_grad``, backward, step; return the loss before the step.

    A loss (or a number inside the model) that is not finite means that the
    training diverged: X and y were checked, so the weights blew up. That is
    reported as a FloatingPointError naming the step, instead of NumPy's
    overflow warnings.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            value = loss(model(X), y)
        except NonFiniteError as error:
            value, cause = math.inf, error
        else:
            cause = None
        if not math.isfinite(value):
            raise FloatingPointError(
                f"the loss became {value} at {where}; the training diverged: "
                "try a smaller learning rate"
            ) from cause
        optimizer.zero_grad()
        _backward(model, loss.backward(), input_grad=False)
        try:
            optimizer.step()
        except NonFiniteError as error:  # a gradient overflowed: no step was taken
            raise FloatingPointError(
                f"a gradient became infinite at {where}; the training diverged: try a smaller learning rate"
            ) from error
    return value


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
    ``seed``) in batches of ``batch_size``. One step is the loop of chapter 9:

    ```python
    prediction = model(X_batch)
    value = loss(prediction, y_batch)
    optimizer.zero_grad()            # the gradients accumulate: clear them first
    model.backward(loss.backward())  # fills every parameter's .grad
    optimizer.step()
    ```

    (The backward pass of a library model skips the gradient with respect to
    the data, which no step needs: ``input_grad=False``.)

    ``loss`` is a loss object ([`backprop.losses`][]) and ``optimizer`` an
    optimizer over ``model.parameters()`` ([`backprop.optim`][]).
    ``on_epoch(epoch, mean_loss)`` is called after every epoch and
    ``on_batch(batch, n_batches)`` after every step. A loss that becomes
    infinite or NaN stops the training with a ``FloatingPointError`` naming
    the step.
    """
    # Everything that can be checked is checked before the first step, so a
    # refused call changes no weight.
    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    _check_training(model, loss, optimizer, on_epoch, on_batch)
    X = real_array(X, "X")
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be a batch of shape (N, features) with N >= 1, got {X.shape}")
    if y.dtype.kind not in "iuf":
        raise TypeError(f"y must hold numbers (integer labels or float targets), got dtype {y.dtype}")
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
            step += 1
            where = f"step {step} (epoch {epoch}, batch {b + 1})"
            value = _training_step(model, loss, optimizer, X[batch], y[batch], where)
            total += value * len(batch)
            if on_batch is not None:
                on_batch(b + 1, n_batches)
        history.append(total / n)
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    return history

