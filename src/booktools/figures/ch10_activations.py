"""Figures of chapter 10: activation functions, decision boundaries, vanishing gradients.

The helpers of the deep networks (:func:`deep_network`, :func:`relative_weight_change`,
...) are also what ``tests/test_ch10_claims.py`` checks the chapter's claims with.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from backprop.datasets import spiral, two_moons, xor
from booktools.figures import figure
from booktools.figures._style import ACTIVATIONS, CLASSES, GREY, NARROW_WIDTH, PAPER, phone_text
from backprop.losses import SoftmaxCrossEntropy, accuracy
from backprop.nn import Linear, ReLU, Sequential, Sigmoid, Tanh, fit
from backprop.optim import SGD, Adam

CLASS_COLOURS = list(CLASSES)
DATASETS = {  # name: (generator, classes)
    "XOR": (xor, 2),
    "two moons": (two_moons, 2),
    "spiral": (spiral, 3),
}
SNAPSHOTS = (5, 200)  # epochs after which the ReLU network's boundary is drawn


@figure("ch10-activations.svg", narrow=True)
def activations(narrow: bool = False) -> Figure:
    x = np.linspace(-5, 5, 401).reshape(-1, 1)
    if narrow:  # one function per row
        fig = Figure(figsize=(NARROW_WIDTH, 7.2), layout="constrained")
        axes = fig.subplots(3, 1, sharex=True)
    else:
        fig = Figure(figsize=(10, 3.2))
        axes = fig.subplots(1, 3, sharey=True)
    for ax, layer in zip(axes, (Sigmoid(), Tanh(), ReLU())):
        y = layer(x)
        dy = layer.backward(np.ones_like(x))  # the derivative, by the layer's own backward pass
        colour = ACTIVATIONS[type(layer).__name__.lower()]
        ax.plot(x, y, color=colour, linewidth=2, label="function")
        ax.plot(x, dy, color=colour, linewidth=2, linestyle="--", label="derivative")
        ax.set_title(f"{type(layer).__name__}: largest slope {float(dy.max()):g}")
        ax.set_xlabel("" if narrow and ax is not axes[-1] else "x")
        ax.set_ylim(-1.2, 2.2)
        ax.axhline(0, color=GREY, linewidth=0.6)
        ax.axvline(0, color=GREY, linewidth=0.6)
    axes[0].legend(loc="upper left")
    if narrow:
        return phone_text(fig)
    fig.tight_layout()
    return fig


def classifier(classes: int, activation: type | None, *, hidden: int = 32, seed: int = 0) -> Sequential:
    """2 -> hidden -> hidden -> classes, with ``activation`` after each hidden layer (or none).

    Each hidden layer gets its own activation object: a layer keeps its last output for
    the backward pass, so one object used in two places would hand the backward pass of
    the first place the output of the second.
    """
    rng = np.random.default_rng(seed)
    layers: list = [Linear(2, hidden, rng=rng)]
    layers += [activation()] if activation else []
    layers += [Linear(hidden, hidden, rng=rng)]
    layers += [activation()] if activation else []
    layers += [Linear(hidden, classes, rng=rng)]
    return Sequential(*layers)


GRID = np.linspace(-1.8, 2.8, 180), np.linspace(-1.8, 1.8, 150)


def _grid_points() -> np.ndarray:
    gx, gy = np.meshgrid(*GRID)
    return np.column_stack([gx.ravel(), gy.ravel()])


@lru_cache(maxsize=None)
def _snapshots(name: str, activation: type | None) -> tuple[list[np.ndarray], float]:
    """The predicted class on the grid after each epoch count in SNAPSHOTS (one training
    run), and the final accuracy on fresh points (seed 1)."""
    make, classes = DATASETS[name]
    X, y = make(seed=0)
    model = classifier(classes, activation)
    optimizer = Adam(model.parameters(), lr=0.01)
    loss = SoftmaxCrossEntropy()
    points = _grid_points()
    shape = (len(GRID[1]), len(GRID[0]))
    pictures, done = [], 0
    for epochs in SNAPSHOTS:
        if epochs > done:
            fit(model, loss, optimizer, X, y, epochs=epochs - done, batch_size=32, seed=done)
            done = epochs
        pictures.append(model(points).argmax(axis=1).reshape(shape))
    X_new, y_new = make(seed=1)
    return pictures, accuracy(model(X_new), y_new)


def _draw_boundary(ax, picture: np.ndarray, X: np.ndarray, y: np.ndarray, classes: int,
                   note: str = "") -> None:
    cmap = ListedColormap(CLASS_COLOURS[:classes])
    extent = (GRID[0][0], GRID[0][-1], GRID[1][0], GRID[1][-1])
    ax.imshow(picture, origin="lower", extent=extent, cmap=cmap, alpha=0.25, vmin=0,
              vmax=classes - 1, interpolation="nearest", aspect="auto")
    ax.scatter(X[:, 0], X[:, 1], c=[CLASS_COLOURS[k] for k in y], s=6, edgecolors="none")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if note:
        ax.text(0.03, 0.03, note, transform=ax.transAxes, fontsize=9,
                bbox={"facecolor": PAPER, "alpha": 0.8, "edgecolor": "none"})


@figure("ch10-boundaries.png", narrow=True)
def boundaries(narrow: bool = False) -> Figure:
    """Decision boundaries on three data sets; on a phone the notes give the test accuracy alone."""
    # a phone shows the narrow variant about 350 CSS px wide: 160 dpi keeps it sharp at 2 px per px
    fig = Figure(figsize=(NARROW_WIDTH, 4.9), dpi=160) if narrow else Figure(figsize=(7.5, 7.4), dpi=100)
    axes = fig.subplots(len(DATASETS), len(SNAPSHOTS) + 1)
    for row, (name, (make, classes)) in enumerate(DATASETS.items()):
        X, y = make(seed=0)
        pictures, relu_accuracy = _snapshots(name, ReLU)
        for col, picture in enumerate(pictures):
            ax = axes[row, col]
            note = "" if col < len(pictures) - 1 else (
                f"{relu_accuracy:.1%}" if narrow else f"test accuracy {relu_accuracy:.1%}")
            _draw_boundary(ax, picture, X, y, classes, note)
            if row == 0:
                ax.set_title(f"ReLU,\n{SNAPSHOTS[col]} epochs")
        ax = axes[row, -1]
        pictures, linear_accuracy = _snapshots(name, None)
        _draw_boundary(ax, pictures[-1], X, y, classes,
                       f"{linear_accuracy:.1%}" if narrow else f"test accuracy {linear_accuracy:.1%}")
        if row == 0:
            ax.set_title(f"no activation,\n{SNAPSHOTS[-1]} epochs")
        axes[row, 0].set_ylabel(name, fontsize=12)
    fig.tight_layout()
    return phone_text(fig) if narrow else fig


DEEP_DEPTH = 10  # Linear layers
DEEP_DATA = 256  # points of the two moons
DEEP_ACTIVATIONS = tuple((layer, ACTIVATIONS[layer.__name__.lower()]) for layer in (Sigmoid, Tanh, ReLU))
SGD_LR, ADAM_LR = 0.05, 0.003
SHORT_EPOCHS, LONG_EPOCHS = 5, 60


def deep_init(activation: type) -> str:
    """The ``init`` of a deep network's Linear layers: He for ReLU, LeCun for tanh and sigmoid.

    Sigmoid has no scheme of its own; chapter 10 says why LeCun's does not suit it either.
    """
    return "he" if activation is ReLU else "lecun"


def deep_network(activation: type, *, depth: int = DEEP_DEPTH, width: int = 32, seed: int = 0) -> Sequential:
    """``depth`` Linear layers, each but the last followed by ``activation``."""
    init = deep_init(activation)
    rng = np.random.default_rng(seed)
    layers: list = [Linear(2, width, rng=rng, init=init), activation()]
    for _ in range(depth - 2):
        layers += [Linear(width, width, rng=rng, init=init), activation()]
    layers.append(Linear(width, 2, rng=rng, init=init))
    return Sequential(*layers)


def linear_layers(model: Sequential) -> list[Linear]:
    """The Linear layers of ``model``, first to last."""
    return [layer for layer in model if isinstance(layer, Linear)]


def signal_spread(model: Sequential, X: np.ndarray) -> list[float]:
    """For every Linear layer, first to last: the standard deviation of each of its
    outputs over the batch ``X``, averaged over its neurons (how much the signal
    still depends on the sample)."""
    spreads = []
    for layer in model:
        X = layer(X)
        if isinstance(layer, Linear):
            spreads.append(float(X.std(axis=0).mean()))
    return spreads


def layer_gradient_norms(model: Sequential, X: np.ndarray, y: np.ndarray) -> list[float]:
    """The norm of dL/dW for every Linear layer, first to last, after one backward pass."""
    loss = SoftmaxCrossEntropy()
    loss(model(X), y)
    model.zero_grad()  # .grad accumulates: start from zero
    model.backward(loss.backward())
    return [float(np.linalg.norm(layer.weight.grad)) for layer in linear_layers(model)]


def _optimizer(name: str, model: Sequential):
    if name == "SGD":
        return SGD(model.parameters(), lr=SGD_LR)
    if name == "Adam":
        return Adam(model.parameters(), lr=ADAM_LR)
    raise ValueError(f"optimizer must be 'SGD' or 'Adam', got {name!r}")


@lru_cache(maxsize=None)
def relative_weight_change(activation: type, optimizer: str, epochs: int = SHORT_EPOCHS) -> tuple[float, ...]:
    """‖W_after − W_before‖ / ‖W_before‖ (Frobenius norms) for every Linear layer, first
    to last, after ``epochs`` epochs of ``optimizer`` ("SGD" or "Adam") on the two moons."""
    X, y = two_moons(DEEP_DATA, seed=0)
    model = deep_network(activation)
    before = [layer.weight.data.copy() for layer in linear_layers(model)]
    fit(model, SoftmaxCrossEntropy(), _optimizer(optimizer, model), X, y,
        epochs=epochs, batch_size=32, seed=0)
    return tuple(float(np.linalg.norm(layer.weight.data - w) / np.linalg.norm(w))
                 for layer, w in zip(linear_layers(model), before))


@lru_cache(maxsize=None)
def deep_training(activation: type, optimizer: str, epochs: int = LONG_EPOCHS) -> tuple[float, ...]:
    """The mean training loss of every epoch of a deep network on the two moons."""
    X, y = two_moons(DEEP_DATA, seed=0)
    model = deep_network(activation)
    return tuple(fit(model, SoftmaxCrossEntropy(), _optimizer(optimizer, model), X, y,
                     epochs=epochs, batch_size=32, seed=0))


def _per_layer_axes(ax, ylabel: str, title: str) -> None:
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.set_xticks(range(1, DEEP_DEPTH + 1))
    ax.legend(fontsize=9)


@figure("ch10-vanishing-gradients.svg", narrow=True)
def vanishing_gradients(narrow: bool = False) -> Figure:
    X, y = two_moons(DEEP_DATA, seed=0)
    fig = Figure(figsize=(NARROW_WIDTH, 7.0) if narrow else (8.5, 3.6))
    left, right = fig.subplots(2, 1) if narrow else fig.subplots(1, 2)
    layers = np.arange(1, DEEP_DEPTH + 1)
    for activation, colour in DEEP_ACTIVATIONS:
        norms = layer_gradient_norms(deep_network(activation), X, y)
        left.semilogy(layers, norms, "o-", color=colour, label=activation.__name__)
        history = deep_training(activation, "SGD")
        right.plot(np.arange(1, len(history) + 1), history, color=colour, label=activation.__name__)
    _per_layer_axes(left, "‖∂L/∂W‖ at initialisation", f"Gradient reaching each of {DEEP_DEPTH} layers")
    right.axhline(np.log(2), color=GREY, linewidth=1, linestyle=":")
    right.text(LONG_EPOCHS, np.log(2), "guessing (ln 2)", ha="right", va="top", fontsize=9, color=GREY)
    right.set_ylim(0, None)
    right.set_xlabel("epoch")
    right.set_ylabel("training loss (cross-entropy)")
    right.set_title(f"Training them with plain SGD (lr {SGD_LR})", fontsize=10)
    right.legend(fontsize=9, loc="center right")
    fig.tight_layout()
    return phone_text(fig) if narrow else fig


@figure("ch10-weight-change.svg", narrow=True)
def weight_change(narrow: bool = False) -> Figure:
    fig = Figure(figsize=(NARROW_WIDTH, 7.0) if narrow else (8.5, 3.6))
    axes = fig.subplots(2, 1, sharey=True) if narrow else fig.subplots(1, 2, sharey=True)
    layers = np.arange(1, DEEP_DEPTH + 1)
    for ax, (optimizer, lr) in zip(axes, (("SGD", SGD_LR), ("Adam", ADAM_LR))):
        for activation, colour in DEEP_ACTIVATIONS:
            change = relative_weight_change(activation, optimizer)
            ax.semilogy(layers, change, "o-", color=colour, label=activation.__name__)
        _per_layer_axes(ax, "‖ΔW‖ / ‖W‖" if narrow or ax is axes[0] else "",
                        f"After {SHORT_EPOCHS} epochs of {optimizer} (lr {lr})")
    fig.tight_layout()
    return phone_text(fig) if narrow else fig
