"""The noisy line (chapters 5 and 6), the generated shapes (chapter 10) and the shipped digits (chapter 11)."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from backprop.datasets import load_digits, noisy_line, spiral, train_test_split, two_moons, xor
from backprop.datasets.digits import DIGITS_SHA256, _default_path

GENERATORS = [xor, two_moons, spiral]


def test_noisy_line_ranges_of_chapters_5_and_6():
    # Chapter 5 draws x on [0, 2), chapter 6 on [0, 1), as the source tutorial
    # does; with the same seed the uniform numbers and the noise are the same,
    # so chapter 6's inputs are chapter 5's halved, and its targets lie as far
    # from y = 4 + 3x.
    X5, y5 = noisy_line(100, seed=0)
    X6, y6 = noisy_line(100, x_max=1.0, seed=0)
    assert X5.shape == X6.shape == y5.shape == y6.shape == (100, 1)
    assert 0.0 <= X5.min() and X5.max() < 2.0
    assert 0.0 <= X6.min() and X6.max() < 1.0
    np.testing.assert_array_equal(X6, X5 / 2)
    np.testing.assert_allclose(y6 - (4 + 3 * X6), y5 - (4 + 3 * X5), atol=1e-12)


@pytest.mark.parametrize("make", GENERATORS)
def test_shapes_are_seeded_and_well_formed(make):
    X, y = make(90, seed=3)
    X2, y2 = make(90, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X.shape == (90, 2) and X.dtype == np.float64
    assert y.shape == (90,) and y.dtype == np.int64
    assert not np.array_equal(X, make(90, seed=4)[0])
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("kwargs, error, match", [
    ({"n": 0}, ValueError, "n must be a positive integer"),
    ({"n": 2.5}, TypeError, "n must be a positive integer"),
    ({"noise": -0.1}, ValueError, "noise must be >= 0.0"),
    ({"seed": -1}, TypeError, "seed"),
])
def test_shapes_reject_bad_arguments(make, kwargs, error, match):
    with pytest.raises(error, match=match):
        make(**kwargs)


def test_shapes_geometry():
    X, y = xor(400, noise=0.0, seed=0)
    assert set(map(tuple, X)) <= {(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)}
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    X, y = two_moons(200, noise=0.0, seed=0)
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1.0)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5), 1.0)
    X, y = spiral(301, classes=4, seed=0)
    assert sorted(np.bincount(y).tolist()) == [75, 75, 75, 76]
    with pytest.raises(ValueError, match="classes must be a positive integer"):
        spiral(classes=0)


def test_digits_load():
    X, y = load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    assert np.bincount(y).sum() == 1797 and len(np.bincount(y)) == 10
    X[0, 0] = 99.0  # the caller's copy, not the cache
    assert load_digits()[0][0, 0] == 0.0


def test_digits_file_is_attributed():
    notice = (_default_path().parent / "NOTICE.md").read_text(encoding="utf-8")
    for words in ("UCI Machine Learning Repository", "Alpaydin", "Kaynak", "CC BY 4.0", DIGITS_SHA256):
        assert words in notice


def test_missing_digits_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="digits data file is missing.*reinstall"):
        load_digits(path=tmp_path / "digits.csv.gz")


def test_corrupted_digits_file_is_a_clear_error(tmp_path):
    copy = tmp_path / "digits.csv.gz"
    shutil.copy(_default_path(), copy)
    assert load_digits(path=copy)[0].shape == (1797, 64)  # an intact copy loads
    bad = tmp_path / "bad.csv.gz"
    raw = bytearray(copy.read_bytes())
    raw[1000] ^= 0xFF
    bad.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=f"corrupted: its SHA-256 is .*expected {DIGITS_SHA256}"):
        load_digits(path=bad)
    edited = tmp_path / "edited.csv.gz"
    text = gzip.decompress(copy.read_bytes()).replace(b"\n0,0,5,", b"\n0,0,6,", 1)
    edited.write_bytes(gzip.compress(text))
    with pytest.raises(ValueError, match="corrupted"):
        load_digits(path=edited)


def test_train_test_split_is_fixed_and_disjoint():
    X, y = load_digits()
    a = train_test_split(X, y, seed=0)
    b = train_test_split(X, y, seed=0)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    X_train, X_test, y_train, y_test = a
    assert len(X_train) + len(X_test) == 1797 and len(X_test) == 359
    rows = {r.tobytes() for r in X_train}
    assert sum(r.tobytes() in rows for r in X_test) < 10  # (the data has a few duplicate images)
    ids = np.arange(20).reshape(-1, 1)
    tr, te, _, _ = train_test_split(ids, np.arange(20), test_fraction=0.25, seed=1)
    assert sorted(np.concatenate([tr, te]).ravel().tolist()) == list(range(20))


@pytest.mark.parametrize("kwargs, match", [
    ({"test_fraction": 0.0}, "between 0 and 1"),
    ({"test_fraction": 1.5}, "between 0 and 1"),
])
def test_train_test_split_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_test_split(np.zeros((10, 2)), np.zeros(10), **kwargs)
    with pytest.raises(ValueError, match="same number of rows"):
        train_test_split(np.zeros((10, 2)), np.zeros(9))
