"""Points in the plane that no straight line can separate: the data of chapter 10.

Each generator returns ``X`` of shape ``(n, 2)`` (float64, one point per
row) and integer labels ``y`` of shape ``(n,)``, drawn from
``numpy.random.default_rng(seed)``, so the same seed gives the same points.

- [`xor`][]: four clusters at the corners of a square, opposite corners
  in the same class;
- [`two_moons`][]: two interleaved half circles;
- [`spiral`][]: arms of a spiral, one class per arm.
"""

from __future__ import annotations

import numpy as np

from backprop._checks import finite_real, generator, no_overflow, positive_int

__all__ = ["xor", "two_moons", "spiral"]


def xor(n: int = 200, *, noise: float = 0.15, seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points around the corners ``(±1, ±1)``; the class is 1 where the signs differ.

    The corner of each point is drawn first (uniformly), then a normal
    jitter of standard deviation ``noise`` is added.

    Examples
    --------
    >>> from backprop.datasets import xor
    >>> X, y = xor(8, seed=0)
    >>> X.shape, y.shape, y.dtype
    ((8, 2), (8,), dtype('int64'))
    >>> bool(np.all((np.sign(X[:, 0]) != np.sign(X[:, 1])) == (y == 1)))
    True
    """
    n = positive_int(n, "n")
    noise = finite_real(noise, "noise", minimum=0.0)
    rng = generator(seed)
    corners = rng.choice(np.array([-1.0, 1.0]), size=(n, 2))
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported in words
        X = corners + noise * rng.standard_normal((n, 2))
    y = (corners[:, 0] != corners[:, 1]).astype(np.int64)
    return no_overflow((X,), f"noise={noise!r} is too large")[0], y


def two_moons(n: int = 200, *, noise: float = 0.1, seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles of radius 1, ``n // 2`` points in class 0 and the rest in class 1.

    Class 0 is the upper arc centred at ``(0, 0)``; class 1 the lower arc
    centred at ``(1, 0.5)``. Each point's angle is uniform on the arc, and a
    normal jitter of standard deviation ``noise`` is added.

    Examples
    --------
    >>> from backprop.datasets import two_moons
    >>> X, y = two_moons(100, seed=0)
    >>> X.shape, int(y.sum())
    ((100, 2), 50)
    """
    n = positive_int(n, "n")
    noise = finite_real(noise, "noise", minimum=0.0)
    rng = generator(seed)
    y = (np.arange(n) >= n // 2).astype(np.int64)
    angle = np.pi * rng.random(n)
    X = np.empty((n, 2))
    X[:, 0] = np.where(y == 0, np.cos(angle), 1.0 - np.cos(angle))
    X[:, 1] = np.where(y == 0, np.sin(angle), 0.5 - np.sin(angle))
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported in words
        X += noise * rng.standard_normal((n, 2))
    return no_overflow((X,), f"noise={noise!r} is too large")[0], y


def spiral(
    n: int = 300,
    *,
    classes: int = 3,
    turns: float = 1.0,
    noise: float = 0.2,
    seed: int | np.random.Generator = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points on ``classes`` spiral arms of radius up to 1, as evenly split as possible.

    Along arm ``k`` the radius grows from 0 to 1 while the angle turns
    ``turns`` full circles, starting at ``2 pi k / classes``; the angle gets a
    normal jitter of standard deviation ``noise`` (radians).

    Examples
    --------
    >>> from backprop.datasets import spiral
    >>> X, y = spiral(300, classes=3, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((300, 2), [100, 100, 100])
    >>> bool(np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0))
    True
    """
    n = positive_int(n, "n")
    classes = positive_int(classes, "classes")
    turns = finite_real(turns, "turns", minimum=0.0)
    noise = finite_real(noise, "noise", minimum=0.0)
    if classes > n:  # an arm without points; and k * classes must not overflow below
        raise ValueError(f"classes must be at most n={n}, one point per arm at least, got {classes}")
    rng = generator(seed)
    y = np.arange(n, dtype=np.int64) * classes // n
    radius = rng.random(n)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported in words
        angle = 2 * np.pi * (y / classes + turns * radius) + noise * rng.standard_normal(n)
    no_overflow((angle,), f"turns={turns!r} or noise={noise!r} is too large")
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X, y
