"""Small constant arrays that the batch code needs again and again.

A training loop asks for the same ``ones(32)``, ``arange(32)`` and
``zeros((32, 128))`` at every step; building them once per shape and sharing
them (read-only, so that no caller can change them for the others) saves a
NumPy call each time.

Summing with a vector of ones, ``ones(N) @ G`` or ``G @ ones(K)``, is the same
sum as ``G.sum(axis=...)`` written as a matrix product: one BLAS call, which on
small arrays costs less than a NumPy reduction (chapter 12 measures why that
matters).

>>> ones(3)
array([1., 1., 1.])
>>> arange(3)
array([0, 1, 2])
>>> ones(3) is ones(3)
True
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=32)
def ones(n: int) -> np.ndarray:
    """A read-only float64 vector of ``n`` ones, shared between callers."""
    vector = np.ones(n)
    vector.flags.writeable = False
    return vector


@lru_cache(maxsize=32)
def arange(n: int) -> np.ndarray:
    """A read-only ``np.arange(n)``, shared between callers."""
    vector = np.arange(n)
    vector.flags.writeable = False
    return vector


#: Arrays of zeros are shared only up to this many numbers (512 KB), so that
#: the cache stays small; larger shapes get a single zero that broadcasts.
ZEROS_KEPT_UP_TO = 1 << 16


def zeros(shape: tuple[int, ...]) -> np.ndarray:
    """Read-only float64 zeros that broadcast against an array of ``shape``.

    For shapes of up to :data:`ZEROS_KEPT_UP_TO` numbers this is a shared
    array of exactly that shape: elementwise NumPy calls run their fastest
    loop when both operands are whole arrays. Larger shapes get one 0-d zero,
    which gives the same results without holding megabytes of zeros.

    >>> zeros((2, 3)).shape, zeros((1000, 1000)).shape
    ((2, 3), ())
    """
    if math.prod(shape) > ZEROS_KEPT_UP_TO:
        return _ZERO
    return _zeros(tuple(shape))


@lru_cache(maxsize=32)
def _zeros(shape: tuple[int, ...]) -> np.ndarray:
    array = np.zeros(shape)
    array.flags.writeable = False
    return array


_ZERO = np.zeros(())
_ZERO.flags.writeable = False
