"""Figures of chapter 9: three optimizers on a narrow bowl and on the source tutorial's network."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.figure import Figure

from backprop.datasets import noisy_line
from booktools.figures import figure
from booktools.figures._style import INK, LIGHT_GREY
from booktools.figures._style import OPTIMIZERS as COLOURS
from backprop.losses import MSELoss
from backprop.nn import Linear, Parameter, Sequential
from backprop.optim import SGD, Adam

OPTIMIZERS: dict[str, tuple[str, Callable[[list], object], Callable[[list], object]]] = {
    # label: (colour, optimizer for the bowl, optimizer for the source tutorial's network)
    "SGD": (COLOURS["SGD"], lambda ps: SGD(ps, lr=0.07), lambda ps: SGD(ps, lr=0.01)),
    "SGD + momentum 0.9": (
        COLOURS["momentum"],
        lambda ps: SGD(ps, lr=0.02, momentum=0.9),
        lambda ps: SGD(ps, lr=0.01, momentum=0.9),
    ),
    "Adam": (COLOURS["Adam"], lambda ps: Adam(ps, lr=0.3), lambda ps: Adam(ps, lr=0.05)),
}
CURVATURE = np.array([1.0, 25.0])  # the bowl L = (w1^2 + 25 w2^2) / 2


def _bowl_path(make: Callable[[list], object], steps: int = 60) -> np.ndarray:
    w = Parameter(np.array([-4.5, 1.2]))
    optimizer = make([w])
    path = [w.data.copy()]
    for _ in range(steps):
        w.grad[...] = CURVATURE * w.data
        optimizer.step()
        path.append(w.data.copy())
    return np.array(path)


def _source_network_losses(make: Callable[[list], object], epochs: int = 300) -> np.ndarray:
    X, y = noisy_line(100, seed=0)
    net = Sequential(Linear(1, 1, rng=0), Linear(1, 1, rng=1))
    for p in net.parameters():
        p.data[...] = 0.5
    mse = MSELoss()
    optimizer = make(net.parameters())
    losses = []
    for _ in range(epochs):
        losses.append(mse(net(X), y))
        optimizer.zero_grad()
        net.backward(mse.backward())
        optimizer.step()
    return np.array(losses)


def _least_squares_loss() -> float:
    X, y = noisy_line(100, seed=0)
    A = np.column_stack([X[:, 0], np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(A, y[:, 0], rcond=None)
    return float(np.mean((A @ coef - y[:, 0]) ** 2))


@figure("ch09-optimizers.svg")
def optimizers() -> Figure:
    fig = Figure(figsize=(10, 4))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})

    w1, w2 = np.meshgrid(np.linspace(-5, 1.5, 200), np.linspace(-1.6, 1.6, 200))
    bowl = 0.5 * (CURVATURE[0] * w1**2 + CURVATURE[1] * w2**2)
    left.contour(w1, w2, bowl, levels=np.geomspace(0.05, 40, 12), colors=LIGHT_GREY, linewidths=0.7)
    best = _least_squares_loss()
    for label, (colour, bowl_opt, net_opt) in OPTIMIZERS.items():
        path = _bowl_path(bowl_opt)
        left.plot(path[:, 0], path[:, 1], "o-", color=colour, markersize=2.5, linewidth=1, label=label)
        excess = _source_network_losses(net_opt) - best
        right.semilogy(np.arange(1, len(excess) + 1), np.maximum(excess, 1e-16), color=colour, label=label)
    left.plot([0], [0], marker="*", color=INK, markersize=10)
    left.set_title("60 steps on a bowl 25× steeper across than along")
    left.set_xlabel("$w_1$")
    left.set_ylabel("$w_2$")
    left.set_aspect("equal")
    left.legend(loc="lower right", fontsize=8)
    right.set_title("The source tutorial's network on the noisy line")
    right.set_xlabel("epoch (full batch)")
    right.set_ylabel("loss − least-squares minimum")
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig
