"""What tests/test_fuzz.py draws its arguments from, and the contract it checks.

The contract of every public entry point of ``backprop`` (issue 16):

- a call with good arguments returns a correct result (the test compares it
  with a reference) in which every number is finite;
- a call with a bad argument raises TypeError, ValueError or IndexError (or a
  documented subclass) whose message names that argument;
- no call changes an array (or list, or parameter) it was given to read, and
  a refused call changes no model or optimizer state;
- no call lets NumPy warn (an overflow or an invalid operation that the
  library did not handle).

Arguments come in three kinds, drawn by [`draw_arguments`][]: *good* ones
(the call must succeed), *bad* ones (the call must be refused, naming the
argument) and *edge* ones (extreme but legal values, such as ``1e300``: a
correct finite result or a refusal naming one of the arguments).
"""

from __future__ import annotations

import contextlib
import math
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

REFUSALS = (TypeError, ValueError, IndexError)


def fuzz_settings(examples: int) -> settings:
    """Deterministic, bounded: the same examples on every run and every machine."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


@contextlib.contextmanager
def same_examples_whatever_ran_before() -> Iterator[None]:
    """Draw examples from the seed alone, not from the constants of the modules loaded so far.

    Hypothesis mixes into its draws the constants it finds in every project
    module imported so far (``hypothesis.internal.conjecture.providers``), so
    the examples of a derandomized test would change with the tests that ran
    before it (the book's figure modules, say). This switches that pool off
    for the fuzz tests alone and restores it afterwards; with a Hypothesis that
    works otherwise it does nothing.
    """
    try:
        from hypothesis.internal.conjecture import providers

        getter, cache, empty = providers._get_local_constants, providers.CONSTANTS_CACHE.cache, providers.Constants()
    except (ImportError, AttributeError):  # pragma: no cover - another Hypothesis
        yield
        return
    cache.clear()
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = getter
        cache.clear()


# ------------------------------------------------------------------ scalars


def floats(lo: float = -100.0, hi: float = 100.0) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def real_numbers(lo: float = -100.0, hi: float = 100.0, *, low_precision: bool = True) -> st.SearchStrategy[Any]:
    """Finite real numbers as a user may pass them: float, int, NumPy scalars (float16 and
    float32 too, unless not ``low_precision``), Fraction."""
    f = floats(lo, hi)
    ints = st.integers(math.ceil(lo), math.floor(hi))
    kinds = [f, f.map(np.float64)]
    if math.ceil(lo) <= math.floor(hi):
        kinds += [ints, ints.map(np.int64), ints.map(Fraction)]
    if low_precision and -6e4 < lo and hi < 6e4:
        kinds.append(f.map(np.float32))
        kinds.append(f.map(np.float16))
    if -128 <= lo and hi <= 127 and math.ceil(lo) <= math.floor(hi):
        kinds.append(ints.map(np.int8))
    return st.one_of(kinds)


def positive_numbers(lo: float = 1e-3, hi: float = 10.0) -> st.SearchStrategy[Any]:
    return real_numbers(lo, hi).filter(lambda v: float(v) > 0)


NON_FINITE = st.sampled_from(
    [math.nan, math.inf, -math.inf, np.float64("nan"), np.float32("inf"), np.float16("-inf")]
)
"""NaN and the infinities, as Python floats and NumPy scalars."""

HUGE_INTEGERS = st.sampled_from([10**400, -(10**400), 2**1024])
"""Integers too large for a float (or for any NumPy integer)."""


def _junk() -> list[Callable[[], Any]]:
    return [
        lambda: None,
        lambda: "1.5",
        lambda: "abc",
        lambda: b"1",
        lambda: [1.0, 2.0],
        lambda: {"a": 1.0},
        lambda: object(),
        lambda: 1j,
        lambda: complex(2.0, 0.0),
        lambda: np.complex128(1.0),
        lambda: True,
        lambda: np.bool_(False),
        lambda: Decimal("1.5"),
        lambda: np.array([1.0, 2.0]),
        lambda: np.array(["a"]),
        lambda: math.sin,
        lambda: slice(1),
    ]


NOT_NUMBERS = st.sampled_from(_junk()).map(lambda make: make())
"""Values that are not one real number: None, strings, bytes, lists, dicts, objects,
complex numbers, booleans, Decimals, arrays, functions."""

NOT_REAL = st.one_of(NOT_NUMBERS, NON_FINITE, HUGE_INTEGERS)
"""Anything that a parameter taking one finite real number must refuse."""

NOT_INTEGERS = st.one_of(
    st.sampled_from([None, "3", 3.0, 2.5, np.float64(2.0), True, np.bool_(True), 1j, [3], Fraction(3, 1)]),
    NON_FINITE,
)
"""Values that are not an integer (``3.0`` and ``Fraction(3)`` included: refused, not rounded)."""

TOO_LARGE_INTEGERS = st.sampled_from([2**63, 2**64, 10**30, 10**400])
"""Counts no array can have: more elements than a NumPy index can address."""

NOT_CALLABLE = st.sampled_from([None, 3, "sin", [math.sin], np.array([1.0])])


def bad_seeds() -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from([-1, "0", 1.5, None, True, [0], np.float64(1.0)]), st.integers(-(10**6), -1))


def good_seeds() -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(0, 2**32), st.integers(0, 2**16).map(np.int64))


# ------------------------------------------------------------------- arrays


def float_arrays(shape: Any, lo: float = -10.0, hi: float = 10.0) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, shape, elements=floats(lo, hi))


LAYOUTS = ("C", "F", "strided", "readonly", "list", "tuple", "float32", "float16", "int64", "int8")
"""How a user may hand over a batch: C or Fortran order, a strided view, read-only,
nested lists or tuples, float32 or float16, integers."""


def as_layout(array: np.ndarray, layout: str) -> Any:
    """``array`` handed over in another layout (float32 and integers change its values)."""
    if layout == "C":
        return np.array(array, order="C")
    if layout == "F":
        return np.asfortranarray(array)
    if layout == "strided":  # a view with gaps: neither C- nor Fortran-contiguous
        big = np.zeros(tuple(2 * n for n in array.shape) or (), dtype=array.dtype)
        index = tuple(slice(None, None, 2) for _ in array.shape)
        big[index] = array
        return big[index]
    if layout == "readonly":
        copy = np.array(array)
        copy.flags.writeable = False
        return copy
    if layout == "list":
        return array.tolist()
    if layout == "tuple":
        return _tuples(array.tolist())
    if layout == "float32":
        return array.astype(np.float32)
    if layout == "float16":
        return array.astype(np.float16)
    if layout == "int64":
        return np.round(array).astype(np.int64)
    if layout == "int8":
        return np.clip(np.round(array), -128, 127).astype(np.int8)
    raise AssertionError(layout)


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def laid_out(arrays: st.SearchStrategy[np.ndarray], layouts: Iterable[str] = LAYOUTS) -> st.SearchStrategy[Any]:
    return st.tuples(arrays, st.sampled_from(tuple(layouts))).map(lambda pair: as_layout(*pair))


def spoiled(array: np.ndarray, how: str) -> Any:
    """``array`` made unusable as real numbers: another dtype, a NaN or infinity, ragged, ..."""
    a = np.array(array, dtype=np.float64)
    if how == "complex":
        return a.astype(np.complex128) + 1j
    if how == "complex0":  # complex with a zero imaginary part: still refused, not converted
        return a.astype(np.complex128)
    if how == "bool":
        return a > 0
    if how == "str":
        return a.astype(str)
    if how == "object":
        b = a.astype(object)
        if b.size:
            b.flat[0] = None
        return b
    if how == "object-floats":  # an object array of floats
        return a.astype(object)
    if how in ("nan", "inf", "-inf"):
        b = a.copy()
        if b.size == 0:
            return np.full((1,) * max(b.ndim, 1), float(how))
        b.flat[b.size // 2] = float(how)
        return b
    if how == "ragged":
        return [[1.0, 2.0], [3.0]]
    if how == "none":
        return None
    if how == "text":
        return "1, 2, 3"
    raise AssertionError(how)


SPOIL = ("complex", "complex0", "bool", "str", "object", "object-floats", "nan", "inf", "-inf", "ragged", "none", "text")


def spoiled_arrays(arrays: st.SearchStrategy[np.ndarray], hows: Iterable[str] = SPOIL) -> st.SearchStrategy[Any]:
    return st.tuples(arrays, st.sampled_from(tuple(hows))).map(lambda pair: spoiled(*pair))


# ---------------------------------------------------------------- arguments


GOOD, BAD, EDGE = "good", "bad", "edge"


def draw_arguments(
    data: st.DataObject,
    good: dict[str, st.SearchStrategy[Any]],
    bad: dict[str, st.SearchStrategy[Any]],
    edge: dict[str, st.SearchStrategy[Any]] | None = None,
) -> tuple[dict[str, Any], str, str | None]:
    """Draw every argument good, then spoil at most one: ``(arguments, kind, which)``.

    ``kind`` is ``"good"`` (all good), ``"bad"`` (argument ``which`` is bad) or
    ``"edge"`` (argument ``which`` holds an extreme but legal value).
    """
    edge = edge or {}
    choices = [(GOOD, None)] * 2 + [(BAD, name) for name in bad] + [(EDGE, name) for name in edge]
    kind, which = data.draw(st.sampled_from(choices), label="which argument")
    arguments = {}
    for name, strategy in good.items():
        source = bad if kind == BAD else edge
        arguments[name] = data.draw(source[name] if name == which else strategy, label=name)
    return arguments, kind, which


# ----------------------------------------------------------------- contract


def names_in(message: str, words: Iterable[str]) -> bool:
    """Whether ``message`` contains one of ``words`` as a whole word."""
    return any(
        re.search(r"(?<![A-Za-z0-9_])" + re.escape(word) + r"(?![A-Za-z0-9_])", message) for word in words
    )


def snapshot(value: Any) -> Any:
    """A copy of what ``value`` holds, to check later that it did not change."""
    if isinstance(value, np.ndarray):
        return ("array", value.copy(), value.dtype, value.shape, value.flags.writeable)
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [snapshot(v) for v in value])
    if hasattr(value, "data") and hasattr(value, "grad"):  # a Parameter or an engine Value
        return ("param", snapshot(value.data), snapshot(value.grad))
    if isinstance(value, dict):
        return ("dict", {k: snapshot(v) for k, v in value.items()})
    return ("value", value)


def same(a: Any, b: Any) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "array":
        return (
            a[2] == b[2] and a[3] == b[3] and a[4] == b[4]
            and np.array_equal(a[1], b[1], equal_nan=a[2].kind in "fc")
        )
    if a[0] in ("list", "tuple"):
        return len(a[1]) == len(b[1]) and all(same(x, y) for x, y in zip(a[1], b[1]))
    if a[0] == "param":
        return same(a[1], b[1]) and same(a[2], b[2])
    if a[0] == "dict":
        return a[1].keys() == b[1].keys() and all(same(a[1][k], b[1][k]) for k in a[1])
    value_a, value_b = a[1], b[1]
    if isinstance(value_a, float) and isinstance(value_b, float) and math.isnan(value_a):
        return math.isnan(value_b)
    try:
        return bool(value_a is value_b or value_a == value_b)
    except Exception:  # noqa: BLE001 - an object without a usable ==
        return value_a is value_b


def assert_finite(value: Any, where: str = "result") -> None:
    """Every number in ``value`` (nested tuples, lists, dicts, arrays, dataclasses) is finite."""
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        return
    if isinstance(value, (int, np.integer)):
        return
    if isinstance(value, (float, np.floating)):
        assert math.isfinite(value), f"{where} is {value!r}"
        return
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            assert np.isfinite(value).all(), f"{where} holds NaN or infinity: {value!r}"
        return
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            assert_finite(v, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for k, v in value.items():
            assert_finite(v, f"{where}[{k!r}]")
        return
    fields = getattr(value, "__dataclass_fields__", None)
    if fields:
        for name in fields:
            assert_finite(getattr(value, name), f"{where}.{name}")


class Outcome:
    """What a call did: ``result``, or ``error`` when it was refused."""

    def __init__(self, result: Any = None, error: BaseException | None = None) -> None:
        self.result, self.error = result, error

    @property
    def refused(self) -> bool:
        return self.error is not None


def call(
    function: Callable[[], Any],
    *,
    kind: str,
    which: str | None,
    names: Iterable[str] = (),
    reads: Iterable[Any] = (),
    state: Callable[[], Any] | None = None,
    also: tuple[type[BaseException], ...] = (),
    refusable: bool = False,
    warns: str | None = None,
) -> Outcome:
    """Run ``function()`` under the contract and return its [`Outcome`][].

    ``kind`` and ``which`` come from [`draw_arguments`][]. A refusal must be one
    of TypeError, ValueError, IndexError or ``also`` and must name ``which``
    (or, for an edge value or a ``refusable`` good call, one of ``names``).
    ``reads`` are the arguments that must come back unchanged; ``state()``
    returns what a refused call must leave as it was (parameters, optimizer
    buffers). ``warns`` is the one warning the call may give (a regex).
    """
    names = list(names)
    before = [snapshot(r) for r in reads]
    state_before = snapshot(state()) if state is not None else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            outcome = Outcome(result=function())
        except REFUSALS + also as error:
            outcome = Outcome(error=error)
    for warning in caught:
        text = str(warning.message)
        assert warns is not None and re.search(warns, text), (
            f"the call warned {warning.category.__name__}: {text} ({warning.filename}:{warning.lineno})"
        )
    for i, (arg, snap) in enumerate(zip(reads, before)):
        assert same(snapshot(arg), snap), f"argument {i} that the call only reads was changed"
    if outcome.refused:
        message = str(outcome.error)
        if kind == BAD:
            words = [which] + names
        else:
            assert kind == EDGE or refusable, (
                f"good arguments were refused: {type(outcome.error).__name__}: {message}"
            )
            words = names + ([which] if which else [])
        assert message.strip(), "a refusal must say what went wrong"
        assert names_in(message, words), (
            f"{type(outcome.error).__name__}: {message!r} names none of {words}"
        )
        if state is not None:
            assert same(snapshot(state()), state_before), "a refused call changed the state"
    else:
        assert kind != BAD, f"the bad argument {which!r} was accepted; the call returned {outcome.result!r}"
        assert_finite(outcome.result)
    return outcome


def close(actual: Any, expected: Any, *, rtol: float = 1e-10, atol: float = 0.0, scale: float | None = None) -> None:
    """``actual`` matches ``expected`` to ``rtol`` (relative to ``scale``, by default the size of ``expected``)."""
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    assert a.shape == e.shape, f"shape {a.shape}, expected {e.shape}"
    size = float(np.max(np.abs(e))) if e.size and scale is None else (scale or 0.0)
    tolerance = atol + rtol * max(size, 1e-300)
    worst = float(np.max(np.abs(a - e))) if a.size else 0.0
    assert worst <= tolerance, f"off by {worst:.3g} (> {tolerance:.3g}):\n{a!r}\nexpected\n{e!r}"
