"""Figures of chapter 11: the digits, training curves, the spread over seeds, the baseline,
what the first layer learned, and the mistakes.

The helpers (`baseline`, `dead_units`, `top_two`) are the measurements the
chapter makes; ``tests/test_ch11_claims.py`` asserts its claims with them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from backprop.digits import DigitsRun, digits_data, train_digits
from backprop.datasets import load_digits
from backprop.losses import SoftmaxCrossEntropy, accuracy, softmax
from backprop.nn import Linear, Sequential, fit
from backprop.optim import Adam
from booktools.figures import figure
from booktools.figures._style import BLUE, CMAPS, GREY, INK, NARROW_WIDTH, ORANGE, PAPER, SERIES, fold, phone_text

#: Weights drawn as images: negative orange, zero white, positive blue (palette colours only).
WEIGHTS = LinearSegmentedColormap.from_list("weights", [ORANGE, PAPER, BLUE])

EPOCHS = 30
SEEDS = range(5)


@lru_cache(maxsize=None)
def run(seed: int = 0) -> DigitsRun:
    """One training run of chapter 11's recipe, shared by the figures of this module."""
    return train_digits(EPOCHS, seed)


@lru_cache(maxsize=None)
def baseline(seed: int = 0) -> Sequential:
    """Softmax regression (no hidden layer), trained with the loop and seed of [`run`][]."""
    X_train, _, y_train, _ = digits_data()
    model = Sequential(Linear(64, 10, rng=np.random.default_rng(seed)))
    fit(model, SoftmaxCrossEntropy(), Adam(model.parameters(), lr=0.003),
        X_train, y_train, epochs=EPOCHS, batch_size=32, seed=seed)
    return model


def final_accuracies() -> tuple[np.ndarray, np.ndarray]:
    """The final test accuracies of the baseline and of the network, one per seed."""
    _, X_test, _, y_test = digits_data()
    base = np.array([accuracy(baseline(s)(X_test), y_test) for s in SEEDS])
    mlp = np.array([run(s).test_accuracy[-1] for s in SEEDS])
    return base, mlp


def dead_units(model: Sequential, X: np.ndarray) -> np.ndarray:
    """Which hidden ReLU units of ``model`` output 0 for every row of ``X`` (a boolean mask)."""
    first = model[0]
    return np.all(X @ first.weight.data + first.bias.data <= 0, axis=0)


def top_two(model: Sequential, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two most probable digits for each row of ``X``, and their probabilities."""
    probabilities = softmax(model(X))
    digits = np.argsort(-probabilities, axis=1, kind="stable")[:, :2]
    return digits, np.take_along_axis(probabilities, digits, axis=1)


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


@figure("ch11-training.svg", narrow=True)
def training_curves(narrow: bool = False) -> Figure:
    r = run(0)
    epochs = np.arange(1, len(r.loss) + 1)
    fig = Figure(figsize=(NARROW_WIDTH, 7.0) if narrow else (10, 3.8))
    left, right = fig.subplots(2, 1) if narrow else fig.subplots(1, 2)
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
    title = f"Accuracy: {100 * r.test_accuracy[-1]:.1f}% on the test set after {len(epochs)} epochs"
    right.set_title(fold(title, 40) if narrow else title)
    right.legend(loc="lower right")
    if narrow:
        left.set_ylabel(fold(left.get_ylabel(), 24))
    fig.tight_layout()
    return phone_text(fig) if narrow else fig


@figure("ch11-seeds.svg", narrow=True)
def seeds(narrow: bool = False) -> Figure:
    finals = np.array([run(s).test_accuracy[-1] for s in SEEDS]) * 100
    curves = np.array([run(s).test_accuracy for s in SEEDS]) * 100
    mean, std = finals.mean(), finals.std()
    if narrow:
        fig = Figure(figsize=(NARROW_WIDTH, 7.0))
        left, right = fig.subplots(2, 1)
    else:
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
    title = f"After {EPOCHS} epochs: {mean:.1f}% ± {std:.1f}% (mean ± std)"
    right.set_title(fold(title, 34) if narrow else title)
    right.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return phone_text(fig) if narrow else fig


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


@figure("ch11-baseline.svg")
def baseline_comparison() -> Figure:
    """The five final test accuracies of softmax regression and of the network."""
    base, mlp = final_accuracies()
    fig = Figure(figsize=(4.4, 3.0))
    ax = fig.add_subplot()
    rows = (("softmax\nregression", base * 100, ORANGE), ("network\n64-64-10", mlp * 100, BLUE))
    for y, (_, values, colour) in enumerate(rows):
        mean, std = values.mean(), values.std()
        ax.fill_betweenx([y - 0.28, y + 0.28], mean - std, mean + std, color=colour, alpha=0.15,
                         linewidth=0)
        ax.plot([mean, mean], [y - 0.28, y + 0.28], color=colour, linewidth=2)
        ax.plot(values, np.full(len(values), y), "o", color=colour, markersize=7, alpha=0.8)
        ax.text(mean, y + 0.34, f"{mean:.1f}% ± {std:.1f}%", ha="center", va="bottom",
                fontsize=11, color=INK)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([label for label, _, _ in rows], fontsize=11)
    ax.tick_params(axis="x", labelsize=11)
    ax.set_ylim(-0.5, len(rows) - 0.1)
    ax.set_xlim(95, 100)
    ax.set_xlabel("test accuracy (%), one dot per seed", fontsize=11)
    ax.set_title(f"After {EPOCHS} epochs, seeds 0 to 4:\nmean ± standard deviation", fontsize=11)
    fig.tight_layout()
    return fig


def _weight_image(ax, weights: np.ndarray) -> None:
    """One unit's 64 weights as an 8 × 8 image, on a colour scale symmetric about 0."""
    limit = float(np.abs(weights).max()) or 1.0
    ax.imshow(weights.reshape(8, 8), cmap=WEIGHTS, vmin=-limit, vmax=limit, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(GREY)
        spine.set_linewidth(0.5)


@figure("ch11-weights.png")
def first_layer_weights() -> Figure:
    """The 64 hidden units' input weights after training (seed 0), dead units marked."""
    model = run(0).model
    X_train, _, _, _ = digits_data()
    dead = dead_units(model, X_train)
    weights = model[0].weight.data
    fig = Figure(figsize=(6, 6.6), dpi=100)
    axes = fig.subplots(8, 8)
    for unit, ax in enumerate(axes.ravel()):
        _weight_image(ax, weights[:, unit])
        if dead[unit]:
            for spine in ax.spines.values():
                spine.set_color(INK)
                spine.set_linewidth(3.5)
    fig.suptitle(f"Weights: blue +, orange −\nblack frame: dead unit ({int(dead.sum())} of 64)",
                 fontsize=17)
    fig.subplots_adjust(wspace=0.1, hspace=0.1, left=0.01, right=0.99, top=0.87, bottom=0.01)
    return fig


@figure("ch11-templates.png")
def baseline_weights() -> Figure:
    """Softmax regression's weights (seed 0): one 8 × 8 image per digit."""
    weights = baseline(0)[0].weight.data
    fig = Figure(figsize=(6, 3.2), dpi=100)
    axes = fig.subplots(2, 5)
    for digit, ax in enumerate(axes.ravel()):
        _weight_image(ax, weights[:, digit])
        ax.set_title(str(digit), fontsize=17)
    fig.subplots_adjust(wspace=0.1, hspace=0.3, left=0.01, right=0.99, top=0.9, bottom=0.01)
    return fig


@figure("ch11-mistakes.png")
def mistakes() -> Figure:
    """The misread test digits, each with the network's two most probable digits."""
    X_test, y_test, predicted = _test_predictions()
    digits, probabilities = top_two(run(0).model, X_test)
    wrong = np.flatnonzero(predicted != y_test)
    columns = 3
    rows = max(1, -(-len(wrong) // columns))
    fig = Figure(figsize=(2.1 * columns, 2.7 * rows), dpi=100)
    axes = np.atleast_2d(fig.subplots(rows, columns))
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), wrong):
        ax.axis("on")
        _image(ax, X_test[i])
        (first, second), (p1, p2) = digits[i], probabilities[i]
        ax.set_title(f"a {y_test[i]} read as {predicted[i]}\n"
                     f"{first}: {p1:.0%}, {second}: {p2:.0%}", fontsize=16)
    fig.tight_layout()
    return fig
