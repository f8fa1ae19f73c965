"""Handwritten digits, 8 by 8 pixels: the data of chapter 11.

The UCI "Optical Recognition of Handwritten Digits" set (E. Alpaydin and
C. Kaynak, 1998; CC BY 4.0), as shipped inside this package in
``backprop/data/digits.csv.gz``: 1,797 images, one per row, 64 pixel values
from 0 to 16 (row by row) followed by the label 0 to 9. See
``backprop/data/NOTICE.md`` for the source and licence.

Nothing is downloaded. The file's SHA-256 checksum is checked whenever the
file is read (once per process and path; the parsed arrays are cached), so a
damaged copy fails loudly instead of training on garbage.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from functools import lru_cache
from importlib import resources
from os import PathLike
from pathlib import Path

import numpy as np

from backprop._checks import finite_real, generator

__all__ = ["load_digits", "train_test_split", "DIGITS_SHA256"]

DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
"""SHA-256 of ``backprop/data/digits.csv.gz``."""

_SHAPE = (1797, 65)


def _default_path() -> Path:
    return Path(str(resources.files("backprop") / "data" / "digits.csv.gz"))


@lru_cache(maxsize=4)
def _read(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise FileNotFoundError(
            f"the digits data file is missing: {path} is not a file. It ships inside "
            "the backprop package (backprop/data/digits.csv.gz); reinstall the package "
            "or restore the file"
        ) from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != DIGITS_SHA256:
        raise ValueError(
            f"the digits data file {path} is corrupted: its SHA-256 is {digest}, "
            f"expected {DIGITS_SHA256}; reinstall the package or restore the file"
        )
    text = gzip.decompress(raw).decode("ascii")
    table = np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.float64)
    if table.shape != _SHAPE:  # pragma: no cover - guarded by the checksum
        raise ValueError(f"the digits data file {path} has shape {table.shape}, expected {_SHAPE}")
    X = table[:, :64]
    y = table[:, 64].astype(np.int64)
    X.flags.writeable = False
    y.flags.writeable = False
    return X, y


def load_digits(*, path: str | PathLike[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return the images ``X`` (1797, 64), pixel values 0..16 as float64, and the labels ``y`` (1797,).

    Row ``i`` of ``X`` reshaped to ``(8, 8)`` is the image of digit ``y[i]``.
    ``path`` reads another copy of the file (the checksum must still match);
    by default the one inside the package is used. The arrays are fresh
    copies, yours to change.

    Examples
    --------
    >>> from backprop.datasets import load_digits
    >>> X, y = load_digits()
    >>> X.shape, y.shape
    ((1797, 64), (1797,))
    >>> float(X.min()), float(X.max()), np.bincount(y).tolist()
    (0.0, 16.0, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    """
    if path is not None and not isinstance(path, (str, PathLike)):
        raise TypeError(f"path must be a file path (str or os.PathLike) or None, got {type(path).__name__} {path!r}")
    source = _default_path() if path is None else Path(path)
    X, y = _read(source.resolve())
    return X.copy(), y.copy()


def train_test_split(
    X: np.ndarray,
    y: np.ndarray,
    *,
    test_fraction: float = 0.2,
    seed: int | np.random.Generator = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle the rows with ``seed`` and hold out ``test_fraction`` of them.

    Returns ``X_train, X_test, y_train, y_test``. The test set has
    ``round(test_fraction * N)`` rows; the same seed always gives the same split.

    Examples
    --------
    >>> from backprop.datasets import load_digits, train_test_split
    >>> X_train, X_test, y_train, y_test = train_test_split(*load_digits(), seed=0)
    >>> X_train.shape, X_test.shape
    ((1438, 64), (359, 64))
    """
    X = np.asarray(X)
    y = np.asarray(y)
    for name, array in (("X", X), ("y", y)):
        if array.ndim == 0:
            raise ValueError(f"{name} must hold one row per sample, got a single value {array!r}")
    if X.shape[:1] != y.shape[:1]:
        raise ValueError(f"X and y must have the same number of rows, got {X.shape} and {y.shape}")
    test_fraction = finite_real(test_fraction, "test_fraction")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    n = X.shape[0]
    n_test = round(test_fraction * n)
    if not 0 < n_test < n:
        raise ValueError(
            f"test_fraction={test_fraction} leaves an empty train or test set for {n} rows"
        )
    order = generator(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
