"""Command line: ``python -m backprop train-digits --epochs N --seed S``.

Trains the digit classifier of chapter 11 and prints, for every epoch, the
mean training loss, the accuracy on the training and the test set, and the
time the epoch took. A progress bar on stderr shows the batches of the
current epoch (on by default when stderr is a terminal; ``--progress`` or
``--no-progress`` decide it explicitly).

The training itself is [`backprop.digits.train_digits`][], chapter 11's
recipe; this module only reads the arguments and prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO

import numpy as np

from backprop._checks import non_negative_int, positive_int, positive_real
from backprop.digits import DigitsRun, train_digits

__all__ = ["main"]


def progress_bar(stream: TextIO, width: int = 30) -> Callable[[int, int], None]:
    """An ``on_batch`` callback drawing ``[#####.....] 12/45`` on ``stream`` (one line, redrawn)."""

    def draw(done: int, total: int) -> None:
        filled = width * done // total
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} batches")
        if done == total:
            stream.write("\r" + " " * (width + 24) + "\r")
        stream.flush()

    return draw


def _argument(convert: Callable[[str], Any], check: Callable[[Any, str], Any], name: str):
    """An argparse ``type``: ``check(convert(text), name)``, its error as one clean line."""

    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            kind = "an integer" if convert is int else "a number"
            raise argparse.ArgumentTypeError(f"{name} must be {kind}, got {text!r}") from None
        try:
            return check(value, name)
        except (TypeError, ValueError) as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m backprop", description=__doc__.split("\n")[0])
    commands = main.add_subparsers(dest="command", required=True)
    train = commands.add_parser(
        "train-digits", help="train the chapter 11 digit classifier",
        description="Train a 64-hidden-unit ReLU network on the 8x8 digits with Adam.",
    )
    train.add_argument("--epochs", type=_argument(int, positive_int, "epochs"), default=30,
                       help="passes over the training set (default 30)")
    train.add_argument("--seed", type=_argument(int, non_negative_int, "seed"), default=0,
                       help="seed of the weights and batch order (default 0)")
    train.add_argument("--hidden", type=_argument(int, positive_int, "hidden"), default=64,
                       help="hidden units (default 64)")
    train.add_argument("--lr", type=_argument(float, positive_real, "lr"), default=0.003,
                       help="Adam learning rate (default 0.003)")
    train.add_argument("--batch-size", type=_argument(int, positive_int, "batch_size"), default=32,
                       help="samples per step (default 32)")
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

    try:
        run = train_digits(
            args.epochs, args.seed, hidden=args.hidden, lr=args.lr, batch_size=args.batch_size,
            on_epoch=report, on_batch=progress_bar(sys.stderr) if show_bar else None,
        )
    except FloatingPointError as error:  # the run diverged: one line, no traceback
        if show_bar:
            sys.stderr.write("\n")
        print(f"python -m backprop train-digits: error: {error}", file=sys.stderr)
        return 2
    mean_ms = 1000 * float(np.mean(run.seconds))
    print(f"test accuracy {100 * run.test_accuracy[-1]:.1f}%, {mean_ms:.1f} ms per epoch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
