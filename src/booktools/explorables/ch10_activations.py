"""Chapter 10's explorable: a network learning the spiral, epoch by epoch, with sigmoid, tanh or ReLU.

Each run is the chapter's: ``classifier(3, activation)`` (two hidden layers of
32), the softmax cross-entropy, ``Adam(lr=0.01)``, and one call
``fit(..., epochs=200, batch_size=32, seed=0)`` on ``spiral(seed=0)``; the
accuracy is measured on the fresh points ``spiral(seed=1)``, as the chapter
measures it. ``fit``'s ``on_epoch`` takes a snapshot after the epochs of
:data:`EPOCHS`: the class the network predicts on a 40 × 40 grid, and how
sure it is. Its loss history is ``fit``'s return value.

A snapshot's grid is two strings of ``GRID ** 2`` digits, row by row from the
bottom left (``y`` upwards, ``x`` to the right within a row): ``classes``, the
predicted class of each cell, and ``confidence``, its probability ``p`` as a
digit ``min(9, floor(10 · (p − 1/3) / (2/3)))`` (0: a three-way tie, 9: sure).
"""

from __future__ import annotations

import math

import numpy as np

from backprop.datasets import spiral
from backprop.losses import SoftmaxCrossEntropy, accuracy
from backprop.nn import ReLU, Sigmoid, Tanh, fit
from backprop.optim import Adam
from booktools.explorables import explorable, sig

CLASSES = 3
EPOCHS_TOTAL = 200
#: The epochs after which a snapshot is taken (0: the untrained network).
EPOCHS = (0, 1, 2, 3, 5, 7, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 140, 160, 180, 200)
ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}
NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
#: The square of the plane shown (the spiral lies within about ±1), and cells per side.
WINDOW = (-1.2, 1.2)
GRID = 40


def grid_points() -> np.ndarray:
    """The centres of the grid's cells, shape (GRID², 2), row by row from the bottom left."""
    lo, hi = WINDOW
    centres = lo + (np.arange(GRID) + 0.5) * (hi - lo) / GRID
    gx, gy = np.meshgrid(centres, centres)
    return np.column_stack([gx.ravel(), gy.ravel()])


def softmax(scores: np.ndarray) -> np.ndarray:
    """Each row of ``scores`` (N, classes) as probabilities."""
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def encode(probabilities: np.ndarray) -> tuple[str, str]:
    """The ``classes`` and ``confidence`` strings of a grid's probabilities (GRID², CLASSES).

    >>> encode(np.array([[0.2, 0.7, 0.1], [1/3, 1/3, 1/3], [0.0, 0.0, 1.0]]))
    ('102', '509')
    """
    winner = probabilities.argmax(axis=1)
    p = probabilities.max(axis=1)
    level = np.clip(np.floor(10 * (p - 1 / CLASSES) / (1 - 1 / CLASSES) + 1e-9), 0, 9).astype(int)
    return "".join(map(str, winner)), "".join(map(str, level))


def train(activation: str, on_snapshot=None) -> dict:
    """The chapter's run with ``activation``; ``on_snapshot(epoch, model)`` at every epoch of EPOCHS.

    Returns the loss history (one mean loss per epoch, ``fit``'s return value)
    and the loss before training on the training points.
    """
    from booktools.figures.ch10_activations import classifier

    X, y = spiral(seed=0)
    model = classifier(CLASSES, ACTIVATIONS[activation])
    loss = SoftmaxCrossEntropy()
    start = float(loss(model(X), y))
    if on_snapshot:
        on_snapshot(0, model)

    def on_epoch(epoch: int, mean_loss: float) -> None:
        if on_snapshot and epoch in EPOCHS:
            on_snapshot(epoch, model)

    history = fit(model, loss, Adam(model.parameters(), lr=0.01), X, y, epochs=EPOCHS_TOTAL,
                  batch_size=32, seed=0, on_epoch=on_epoch)
    return {"start": start, "history": [float(v) for v in history]}


def run(activation: str) -> dict:
    """Every snapshot of one activation's run, with the texts the page prints."""
    X_new, y_new = spiral(seed=1)
    points = grid_points()
    snapshots = []

    def snapshot(epoch: int, model) -> None:
        classes, confidence = encode(softmax(model(points)))
        snapshots.append({"epoch": epoch, "classes": classes, "confidence": confidence,
                          "accuracy": float(accuracy(model(X_new), y_new))})

    trained = train(activation, snapshot)
    losses = [trained["start"], *trained["history"]]  # by epoch: 0 is before training
    for shot in snapshots:
        epoch = shot["epoch"]
        shot["loss"] = losses[epoch]
        when = "before training" if epoch == 0 else f"mean over epoch {epoch}"
        shot["text"] = (f"loss {losses[epoch]:.4f} ({when}); accuracy on {len(y_new)} fresh points "
                        f"{shot['accuracy']:.1%}")
    return {"name": NAMES[activation], "losses": [sig(v) for v in losses], "snapshots": snapshots}


@explorable("ch10-training")
def training() -> dict:
    """The spiral, and the three activations' runs with their snapshots."""
    X, y = spiral(seed=0)
    runs = {name: run(name) for name in ACTIVATIONS}
    highest = max(v for r in runs.values() for v in r["losses"])
    return {
        "epochs": list(EPOCHS), "total": EPOCHS_TOTAL, "grid": GRID, "window": list(WINDOW),
        "classes": CLASSES, "initial": {"activation": "relu", "epoch": len(EPOCHS) - 1},
        "points": [[sig(a, 3), sig(b, 3), int(k)] for (a, b), k in zip(X, y)],
        "runs": runs,
        "loss_range": [0, math.ceil(highest * 2) / 2],
        "axes": {
            "epoch": [[v, f"{v}"] for v in range(0, EPOCHS_TOTAL + 1, 50)],
            "loss": [[v / 2, f"{v / 2:g}"] for v in range(0, math.ceil(highest * 2) + 1)],
        },
    }
