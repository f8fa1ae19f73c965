"""Figures of chapter 11: the digits, training curves, the spread over seeds, the mistakes."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from backprop.digits import DigitsRun, digits_data, train_digits
from backprop.datasets import load_digits
from booktools.figures import figure
from booktools.figures._style import BLUE, CMAPS, GREY, INK, ORANGE, PAPER, SERIES

EPOCHS = 30
SEEDS = range(5)


@lru_cache(maxsize=None)
def run(seed: int = 0) -> DigitsRun:
    """One training run of chapter 11's recipe, shared by the figures of this module."""
    return train_digits(EPOCHS, seed)


def _image(ax, pixels: np.ndarray) -> None:
    ax.imshow(pixels.reshape(8, 8), cmap=CMAPS["pixels"], vmin=0, vmax=16 if pixels.max() > 1 else 1,
              interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


@figure("ch11-samples.png")
def samples() -> Figure:
    """The first eight images of each digit."""
    X, y = load_digits()
    fig = Figure(figsize=(6, 7.2), dpi=100)
    axes = fig.subplots(10, 8)
    for digit in range(10):
        rows = np.flatnonzero(y == digit)[:8]
        for col, i in enumerate(rows):
            _image(axes[digit, col], X[i])
        axes[digit, 0].set_ylabel(str(digit), rotation=0, ha="right", va="center", fontsize=12)
    fig.subplots_adjust(wspace=0.08, hspace=0.08, left=0.08, right=0.99, top=0.99, bottom=0.01)
    return fig


@figure("ch11-training.svg")
def training_curves() -> Figure:
    r = run(0)
    epochs = np.arange(1, len(r.loss) + 1)
    fig = Figure(figsize=(10, 3.8))
    left, right = fig.subplots(1, 2)
    left.semilogy(epochs, r.loss, color=BLUE)
    left.set_xlabel("epoch")
    left.set_ylabel("mean training loss (cross-entropy)")
    left.set_title("Loss")
    right.plot(epochs, 100 * np.array(r.train_accuracy), color=BLUE, label="training set")
    right.plot(epochs, 100 * np.array(r.test_accuracy), color=ORANGE, label="test set")
    right.axhline(97, color=GREY, linestyle=":", linewidth=1)
    right.set_ylim(85, 100.5)
    right.set_xlabel("epoch")
    right.set_ylabel("accuracy (%)")
    right.set_title(f"Accuracy: {100 * r.test_accuracy[-1]:.1f}% on the test set after {len(epochs)} epochs")
    right.legend(loc="lower right")
    fig.tight_layout()
    return fig


@figure("ch11-seeds.svg")
def seeds() -> Figure:
    finals = np.array([run(s).test_accuracy[-1] for s in SEEDS]) * 100
    curves = np.array([run(s).test_accuracy for s in SEEDS]) * 100
    mean, std = finals.mean(), finals.std()
    fig = Figure(figsize=(10, 3.6))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.5, 1]})
    epochs = np.arange(1, curves.shape[1] + 1)
    for s, curve in zip(SEEDS, curves):
        left.plot(epochs, curve, linewidth=1, alpha=0.8, color=SERIES[s], label=f"seed {s}")
    left.set_ylim(85, 100.5)
    left.set_xlabel("epoch")
    left.set_ylabel("test accuracy (%)")
    left.set_title("Five training runs, one per seed")
    left.legend(fontsize=8, loc="lower right", ncol=2)
    right.axhspan(mean - std, mean + std, color=BLUE, alpha=0.15, label="mean ± std")
    right.axhline(mean, color=BLUE, linewidth=1.5)
    right.plot(list(SEEDS), finals, "o", color=ORANGE, label="final test accuracy")
    right.set_xticks(list(SEEDS))
    right.set_xlabel("seed")
    right.set_ylabel("test accuracy (%)")
    right.set_ylim(95, 100)
    right.set_title(f"After {EPOCHS} epochs: {mean:.1f}% ± {std:.1f}% (mean ± std)")
    right.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def _test_predictions() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _, X_test, _, y_test = digits_data()
    scores = run(0).model(X_test)
    return X_test, y_test, scores.argmax(axis=1)


@figure("ch11-confusion.svg")
def confusion() -> Figure:
    _, y_test, predicted = _test_predictions()
    matrix = np.zeros((10, 10), dtype=int)
    np.add.at(matrix, (y_test, predicted), 1)
    fig = Figure(figsize=(5.2, 4.6))
    ax = fig.add_subplot()
    ax.imshow(np.log1p(matrix), cmap=CMAPS["counts"])
    for i in range(10):
        for j in range(10):
            if matrix[i, j]:
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8,
                        color=PAPER if i == j else INK)
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.grid(False)
    ax.set_title(f"Test set: {int(np.trace(matrix))} of {matrix.sum()} right")
    fig.tight_layout()
    return fig


@figure("ch11-mistakes.png")
def mistakes() -> Figure:
    X_test, y_test, predicted = _test_predictions()
    wrong = np.flatnonzero(predicted != y_test)
    columns = 6
    rows = max(1, -(-len(wrong) // columns))
    fig = Figure(figsize=(1.3 * columns, 1.55 * rows), dpi=100)
    axes = np.atleast_2d(fig.subplots(rows, columns))
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), wrong):
        ax.axis("on")
        _image(ax, X_test[i])
        ax.set_title(f"{y_test[i]} read as {predicted[i]}", fontsize=9)
    fig.tight_layout()
    return fig
