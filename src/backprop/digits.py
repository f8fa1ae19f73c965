"""Chapter 11's recipe: the digits, the network, and the training loop that records each epoch.

The chapter, its figures and the command line ``python -m backprop
train-digits`` all train through [`train_digits`][].

Examples
--------
>>> run = train_digits(epochs=1, seed=0, hidden=16)
>>> len(run.loss), run.model
(1, Sequential(Linear(64, 16), ReLU(), Linear(16, 10)))
>>> 0.5 < run.test_accuracy[-1] <= 1.0
True
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from backprop._checks import non_negative_int, positive_int, positive_real
from backprop.datasets import load_digits, train_test_split
from backprop.losses import SoftmaxCrossEntropy, accuracy
from backprop.nn import Linear, ReLU, Sequential, fit
from backprop.optim import Adam

__all__ = ["SPLIT_SEED", "DigitsRun", "digits_data", "digits_model", "train_digits"]

SPLIT_SEED = 0
"""The seed of the fixed train/test split of chapter 11."""


def digits_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The digits scaled to [0, 1] and split 80/20 with the fixed seed [`SPLIT_SEED`][]."""
    X, y = load_digits()
    return train_test_split(X / 16.0, y, test_fraction=0.2, seed=SPLIT_SEED)


def digits_model(seed: int = 0, hidden: int = 64) -> Sequential:
    """64 pixels -> ``hidden`` ReLU units -> 10 class scores, initialised from ``seed``."""
    rng = np.random.default_rng(non_negative_int(seed, "seed"))
    hidden = positive_int(hidden, "hidden")
    return Sequential(Linear(64, hidden, rng=rng), ReLU(), Linear(hidden, 10, rng=rng))


@dataclass
class DigitsRun:
    """What [`train_digits`][] returns: the trained model and its per-epoch history."""

    model: Sequential
    loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def train_digits(
    epochs: int = 30,
    seed: int = 0,
    *,
    hidden: int = 64,
    lr: float = 0.003,
    batch_size: int = 32,
    on_epoch: Callable[[DigitsRun], None] | None = None,
    on_batch: Callable[[int, int], None] | None = None,
) -> DigitsRun:
    """Train [`digits_model`][] with Adam and softmax cross-entropy; record every epoch.

    ``seed`` sets the initial weights and the order of the batches; the
    train/test split stays fixed.
    """
    epochs = positive_int(epochs, "epochs")
    seed = non_negative_int(seed, "seed")
    hidden = positive_int(hidden, "hidden")
    lr = positive_real(lr, "lr")
    batch_size = positive_int(batch_size, "batch_size")
    for name, callback in (("on_epoch", on_epoch), ("on_batch", on_batch)):  # before any training
        if callback is not None and not callable(callback):
            raise TypeError(f"{name} must be a function or None, got {type(callback).__name__} {callback!r}")
    X_train, X_test, y_train, y_test = digits_data()
    model = digits_model(seed, hidden)
    loss = SoftmaxCrossEntropy()
    optimizer = Adam(model.parameters(), lr=lr)
    run = DigitsRun(model)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        start = time.perf_counter()
        (mean_loss,) = fit(
            model, loss, optimizer, X_train, y_train,
            epochs=1, batch_size=batch_size, seed=rng, on_batch=on_batch,
        )
        run.seconds.append(time.perf_counter() - start)
        run.loss.append(mean_loss)
        run.train_accuracy.append(accuracy(model(X_train), y_train))
        run.test_accuracy.append(accuracy(model(X_test), y_test))
        if on_epoch is not None:
            on_epoch(run)
    return run
