"""Figures of chapter 10: activation functions, decision boundaries, vanishing gradients."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from backprop.datasets import spiral, two_moons, xor
from backprop.figures import figure
from backprop.figures._style import BLUE, GREEN, GREY, ORANGE
from backprop.losses import SoftmaxCrossEntropy, accuracy
from backprop.nn import Linear, ReLU, Sequential, Sigmoid, Tanh, fit
from backprop.optim import Adam

CLASS_COLOURS = [BLUE, ORANGE, GREEN]
DATASETS = {  # name: (generator, classes)
    "XOR": (xor, 2),
    "two moons": (two_moons, 2),
    "spiral": (spiral, 3),
}
SNAPSHOTS = (0, 5, 25, 200)  # epochs after which the boundary is drawn


@figure("ch10-activations.svg")
def activations() -> Figure:
    x = np.linspace(-5, 5, 401).reshape(-1, 1)
    fig = Figure(figsize=(10, 3.2))
    axes = fig.subplots(1, 3, sharey=True)
    for ax, layer in zip(axes, (Sigmoid(), Tanh(), ReLU())):
        y = layer(x)
        dy = layer.backward(np.ones_like(x))  # the derivative, by the layer's own backward pass
        ax.plot(x, y, color=BLUE, linewidth=2, label="function")
        ax.plot(x, dy, color=ORANGE, linewidth=2, linestyle="--", label="derivative")
        ax.set_title(f"{type(layer).__name__}: largest slope {float(dy.max()):g}")
        ax.set_xlabel("x")
        ax.set_ylim(-1.2, 2.2)
        ax.axhline(0, color=GREY, linewidth=0.6)
        ax.axvline(0, color=GREY, linewidth=0.6)
    axes[0].legend(loc="upper left")
    fig.tight_layout()
    return fig


def classifier(classes: int, activation: type | None, *, hidden: int = 32, seed: int = 0) -> Sequential:
    """2 -> hidden -> hidden -> classes, with ``activation`` after each hidden layer (or none)."""
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
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})


@figure("ch10-boundaries.png")
def boundaries() -> Figure:
    fig = Figure(figsize=(10, 7.4), dpi=100)
    axes = fig.subplots(len(DATASETS), len(SNAPSHOTS) + 1)
    for row, (name, (make, classes)) in enumerate(DATASETS.items()):
        X, y = make(seed=0)
        pictures, relu_accuracy = _snapshots(name, ReLU)
        for col, picture in enumerate(pictures):
            ax = axes[row, col]
            note = f"test accuracy {relu_accuracy:.1%}" if col == len(pictures) - 1 else ""
            _draw_boundary(ax, picture, X, y, classes, note)
            if row == 0:
                ax.set_title(f"ReLU, {SNAPSHOTS[col]} epochs")
        ax = axes[row, -1]
        pictures, linear_accuracy = _snapshots(name, None)
        _draw_boundary(ax, pictures[-1], X, y, classes, f"test accuracy {linear_accuracy:.1%}")
        if row == 0:
            ax.set_title(f"no activation, {SNAPSHOTS[-1]} epochs")
        axes[row, 0].set_ylabel(name, fontsize=12)
    fig.tight_layout()
    return fig


def deep_network(activation: type, *, depth: int = 10, width: int = 32, seed: int = 0) -> Sequential:
    """``depth`` Linear layers, each but the last followed by ``activation``."""
    init = "he" if activation is ReLU else "xavier"
    rng = np.random.default_rng(seed)
    layers: list = [Linear(2, width, rng=rng, init=init), activation()]
    for _ in range(depth - 2):
        layers += [Linear(width, width, rng=rng, init=init), activation()]
    layers.append(Linear(width, 2, rng=rng, init=init))
    return Sequential(*layers)


def layer_gradient_norms(model: Sequential, X: np.ndarray, y: np.ndarray) -> list[float]:
    """The norm of dL/dW for every Linear layer, first to last, after one backward pass."""
    loss = SoftmaxCrossEntropy()
    loss(model(X), y)
    model.backward(loss.backward())
    return [float(np.linalg.norm(layer.weight.grad)) for layer in model if isinstance(layer, Linear)]


@lru_cache(maxsize=None)
def _deep_training(activation: type, epochs: int = 60) -> list[float]:
    X, y = two_moons(256, seed=0)
    model = deep_network(activation)
    return fit(model, SoftmaxCrossEntropy(), Adam(model.parameters(), lr=0.003), X, y,
               epochs=epochs, batch_size=32, seed=0)


@figure("ch10-vanishing-gradients.svg")
def vanishing_gradients() -> Figure:
    X, y = two_moons(256, seed=0)
    fig = Figure(figsize=(10, 3.8))
    left, right = fig.subplots(1, 2)
    for activation, colour in ((Sigmoid, ORANGE), (Tanh, GREEN), (ReLU, BLUE)):
        norms = layer_gradient_norms(deep_network(activation), X, y)
        left.semilogy(np.arange(1, len(norms) + 1), norms, "o-", color=colour, label=activation.__name__)
        history = _deep_training(activation)
        right.plot(np.arange(1, len(history) + 1), history, color=colour, label=activation.__name__)
    left.set_xlabel("layer (1 = next to the input)")
    left.set_ylabel("‖∂L/∂W‖ at initialisation")
    left.set_title("Gradient reaching each layer of a 10-layer network")
    left.set_xticks(range(1, 11))
    left.legend()
    right.set_xlabel("epoch")
    right.set_ylabel("training loss (cross-entropy)")
    right.set_title("Training the same networks on two moons")
    right.legend()
    fig.tight_layout()
    return fig
