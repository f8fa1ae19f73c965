"""Command line: ``python -m backprop train-digits --epochs N --seed S``.

Trains the digit classifier of chapter 11 and prints, for every epoch, the
mean training loss, the accuracy on the training and the test set, and the
time the epoch took. A progress bar on stderr shows the batches of the
current epoch (on by default when stderr is a terminal; ``--progress`` or
``--no-progress`` decide it explicitly).

The functions :func:`digits_data`, :func:`digits_model` and
:func:`train_digits` are the recipe of chapter 11, shared by the chapter,
its figures and this command.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np

from backprop.datasets import load_digits, train_test_split
from backprop.losses import SoftmaxCrossEntropy, accuracy
from backprop.nn import Linear, ReLU, Sequential, fit
from backprop.optim import Adam

#: The seed of the fixed train/test split of chapter 11.
SPLIT_SEED = 0


def digits_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The digits scaled to [0, 1] and split 80/20 with the fixed seed :data:`SPLIT_SEED`."""
    X, y = load_digits()
    return train_test_split(X / 16.0, y, test_fraction=0.2, seed=SPLIT_SEED)


def digits_model(seed: int = 0, hidden: int = 64) -> Sequential:
    """64 pixels -> ``hidden`` ReLU units -> 10 class scores, initialised from ``seed``."""
    rng = np.random.default_rng(seed)
    return Sequential(Linear(64, hidden, rng=rng), ReLU(), Linear(hidden, 10, rng=rng))


@dataclass
class DigitsRun:
    """What :func:`train_digits` returns: the trained model and its per-epoch history."""

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
    """Train :func:`digits_model` with Adam and softmax cross-entropy; record every epoch.

    ``seed`` sets the initial weights and the order of the batches; the
    train/test split stays fixed.
    """
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


def progress_bar(stream: TextIO, width: int = 30) -> Callable[[int, int], None]:
    """An ``on_batch`` callback drawing ``[#####.....] 12/45`` on ``stream`` (one line, redrawn)."""

    def draw(done: int, total: int) -> None:
        filled = width * done // total
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} batches")
        if done == total:
            stream.write("\r" + " " * (width + 24) + "\r")
        stream.flush()

    return draw


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _seed(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {value}")
    return value


def _learning_rate(text: str) -> float:
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m backprop", description=__doc__.split("\n")[0])
    commands = main.add_subparsers(dest="command", required=True)
    train = commands.add_parser(
        "train-digits", help="train the chapter 11 digit classifier",
        description="Train a 64-hidden-unit ReLU network on the 8x8 digits with Adam.",
    )
    train.add_argument("--epochs", type=_positive, default=30, help="passes over the training set (default 30)")
    train.add_argument("--seed", type=_seed, default=0, help="seed of the weights and batch order (default 0)")
    train.add_argument("--hidden", type=_positive, default=64, help="hidden units (default 64)")
    train.add_argument("--lr", type=_learning_rate, default=0.003, help="Adam learning rate (default 0.003)")
    train.add_argument("--batch-size", type=_positive, default=32, help="samples per step (default 32)")
    train.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="draw a progress bar on stderr (default: when stderr is a terminal)",
    )
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    show_bar = sys.stderr.isatty() if args.progress is None else args.progress
    print(
        f"training 64-{args.hidden}-10 ReLU network, Adam lr={args.lr}, "
        f"batch {args.batch_size}, seed {args.seed}, {args.epochs} epochs",
        flush=True,
    )

    def report(run: DigitsRun) -> None:
        epoch = len(run.loss)
        print(
            f"epoch {epoch:>3}/{args.epochs}  loss {run.loss[-1]:.4f}  "
            f"train {100 * run.train_accuracy[-1]:5.1f}%  test {100 * run.test_accuracy[-1]:5.1f}%  "
            f"{1000 * run.seconds[-1]:6.1f} ms",
            flush=True,
        )

    run = train_digits(
        args.epochs, args.seed, hidden=args.hidden, lr=args.lr, batch_size=args.batch_size,
        on_epoch=report, on_batch=progress_bar(sys.stderr) if show_bar else None,
    )
    mean_ms = 1000 * float(np.mean(run.seconds))
    print(f"test accuracy {100 * run.test_accuracy[-1]:.1f}%, {mean_ms:.1f} ms per epoch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
