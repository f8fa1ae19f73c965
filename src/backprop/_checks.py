"""Argument checks shared by the library: each error names the argument."""

from __future__ import annotations

import math
import numbers
import sys
from typing import Any

import numpy as np


def positive_int(value: Any, name: str) -> int:
    """Return ``value`` if it is a positive integer, else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if value > sys.maxsize:  # no array has more elements, no loop runs that long
        raise ValueError(f"{name} must be at most {sys.maxsize} (2**63 - 1), got {value!r}")
    return int(value)


def finite_real(value: Any, name: str, *, minimum: float | None = None) -> float:
    """Return ``value`` as a finite float (optionally ``>= minimum``), else raise naming ``name``.

    A size-1 real NumPy array counts as a number (``X[i]`` of a column is one).
    """
    if isinstance(value, np.ndarray) and value.size == 1 and np.isrealobj(value):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    try:
        value = float(value)
    except OverflowError:  # an integer (or fraction) beyond the largest float
        raise ValueError(f"{name} must be a finite number, got a {type(value).__name__} too large for a float") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return value


def positive_real(value: Any, name: str) -> float:
    """Return ``value`` as a finite float greater than 0, else raise naming ``name``.

    The one check of every learning rate (and other step sizes) in the library.
    """
    value = finite_real(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return value


def non_negative_int(value: Any, name: str) -> int:
    """Return ``value`` if it is an integer >= 0, else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer, got {type(value).__name__} {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


class NonFiniteError(ValueError):
    """A NaN or an infinity where only finite numbers make sense.

    A ValueError like any other refusal; [`backprop.nn.fit`][] tells it
    apart to report a training run that diverged.
    """


def real_array(value: Any, name: str, *, finite: bool = True) -> np.ndarray:
    """``value`` as a float64 NumPy array, or an error naming ``name``.

    Integers and floats of any size convert; booleans, complex numbers,
    strings and other objects are refused with a TypeError (converting them
    would silently change or lose what they hold). With ``finite``, NaN and
    infinity are refused with a ValueError. The result may be ``value``
    itself when it already is a float64 array: callers that keep it copy it.
    """
    if type(value) is np.ndarray and value.dtype == np.float64:  # the usual case: nothing to convert
        if finite and not np.isfinite(value).all():
            raise NonFiniteError(f"{name} must be finite, but it contains NaN or infinity")
        return value
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # e.g. ragged nested lists
        raise TypeError(f"{name} must be an array of real numbers, got {type(value).__name__} ({error})") from None
    if array.dtype.kind not in "iuf":
        kinds = {"b": "booleans", "c": "complex numbers", "U": "strings", "S": "bytes", "O": "Python objects"}
        what = kinds.get(array.dtype.kind, f"dtype {array.dtype}")
        raise TypeError(f"{name} must hold real numbers (integers or floats), got {what}")
    array = array.astype(np.float64, copy=False)
    if finite and not np.isfinite(array).all():
        raise NonFiniteError(f"{name} must be finite, but it contains NaN or infinity")
    return array


def no_overflow(arrays: tuple[np.ndarray, ...], blame: str) -> tuple[np.ndarray, ...]:
    """``arrays``, or a NonFiniteError saying that ``blame`` made a number overflow.

    For results computed from finite, checked arguments inside
    ``np.errstate(over="ignore", invalid="ignore")``: the overflow is reported
    in words, naming the arguments, instead of by a NumPy warning.
    """
    if not all(np.isfinite(array).all() for array in arrays):
        raise NonFiniteError(f"{blame}: the result overflows a float")
    return arrays


def generator(seed: Any, name: str = "seed", *, allow_none: bool = False) -> np.random.Generator:
    """A NumPy generator from an integer seed (or an existing generator), else raise naming ``name``.

    With ``allow_none``, ``None`` gives a generator seeded from the operating system.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None and allow_none:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        accepted = "None, a non-negative integer seed" if allow_none else "a non-negative integer"
        raise TypeError(f"{name} must be {accepted} or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))
