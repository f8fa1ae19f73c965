"""Every public entry point of ``backprop``, called with generated arguments (issue 16).

The entry points are the names in the ``__all__`` of every module of the
package, found by walking it with pkgutil; `test_every_public_name_is_fuzzed`
fails when one of them has no fuzz test here, so a new function cannot escape.
Each test draws good, bad and extreme arguments (tests/fuzz_strategies.py)
and checks the contract there: a correct, finite result compared with a
reference, or a TypeError/ValueError/IndexError naming the argument; inputs
never changed; a refused call changes no state; no NumPy warning.

The examples are drawn from a fixed seed (``derandomize=True``) and their
number is fixed per test, so the whole file runs in about a minute on two
cores and finds the same things on every run.
"""

from __future__ import annotations

import cmath
import contextlib
import importlib
import inspect
import io
import math
import pkgutil
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import backprop
from backprop import calculus, descent, digits, dual, engine, gradcheck, losses, nn, optim, twolayer
from backprop import datasets
from backprop.datasets import digits as digits_file
from tests.fuzz_strategies import (
    BAD,
    EDGE,
    GOOD,
    HUGE_INTEGERS,
    NON_FINITE,
    NOT_CALLABLE,
    NOT_INTEGERS,
    NOT_NUMBERS,
    NOT_REAL,
    TOO_LARGE_INTEGERS,
    bad_seeds,
    call,
    close,
    draw_arguments,
    float_arrays,
    floats,
    fuzz_settings,
    good_seeds,
    LAYOUTS,
    laid_out,
    positive_numbers,
    real_numbers,
    same_examples_whatever_ran_before,
    spoiled_arrays,
)

ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(autouse=True)
def _same_examples():
    """The same examples whether this file runs alone or after the rest of the suite."""
    with same_examples_whatever_ran_before():
        yield


# ------------------------------------------------------------- the registry

FUZZED: set[str] = set()


def fuzzes(*names: str):
    """Mark a test as the fuzz test of these public names (``module.name`` where defined)."""

    def mark(test):
        FUZZED.update(names)
        return test

    return mark


def public_modules() -> list[Any]:
    """Every module of the package but private ones (``backprop._checks``) and the package itself."""
    modules = []
    for info in pkgutil.walk_packages(backprop.__path__, "backprop."):
        parts = info.name.split(".")[1:]
        if any(p.startswith("_") and p != "__main__" for p in parts):
            continue
        modules.append(importlib.import_module(info.name))
    return modules


def canonical(module: Any, name: str) -> str:
    """``module.name`` of a public name, under the module that defines it (re-exports count once)."""
    value = getattr(module, name)
    if (inspect.isfunction(value) or inspect.isclass(value)) and value.__module__.startswith("backprop"):
        return f"{value.__module__}.{value.__qualname__}"
    return f"{module.__name__}.{name}"


def public_names() -> dict[str, str]:
    """``{canonical name: where it was found}`` for every name in every ``__all__``."""
    names = {}
    for module in public_modules():
        for name in module.__all__:
            names.setdefault(canonical(module, name), f"{module.__name__}.{name}")
    return names


def test_every_public_module_has_an_all():
    missing = [m.__name__ for m in public_modules() if not isinstance(getattr(m, "__all__", None), list)]
    assert not missing, f"modules without a list __all__: {missing}"
    for module in public_modules():
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.__all__ lists {name!r}, which it does not define"


def test_every_public_name_is_fuzzed():
    names = public_names()
    unfuzzed = sorted(where for key, where in names.items() if key not in FUZZED)
    assert not unfuzzed, f"public names without a fuzz test in tests/test_fuzz.py: {unfuzzed}"
    stale = sorted(FUZZED - set(names))
    assert not stale, f"fuzz tests registered for names that are not public: {stale}"


_IMPORT = re.compile(r"from\s+(backprop(?:\.\w+)*)\s+import\s+(\([^)]*\)|[^\n#]+)")


def chapter_imports() -> list[tuple[str, str, str]]:
    """``(chapter, module, name)`` for every ``from backprop.X import a, b`` in docs/."""
    found = []
    sources = sorted((ROOT / "docs").rglob("*.md")) + sorted((ROOT / "docs").rglob("*.ipynb"))
    for path in sources:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            text = text.replace('\\n"', "\n").replace('"', " ")
        # console continuation lines ("... ") may carry a parenthesised list
        text = re.sub(r"\n\s*(?:\.\.\.|>>>) ", "\n", text)
        for module, names in _IMPORT.findall(text):
            for name in names.strip("() \n").replace("\n", " ").split(","):
                name = name.split(" as ")[0].strip()
                if name:
                    found.append((path.relative_to(ROOT).as_posix(), module, name))
    return found


def test_chapters_import_only_names_in_all():
    imports = chapter_imports()
    assert len(imports) > 30, "the chapters' imports were not found"
    missing = []
    for chapter, module_name, name in imports:
        module = importlib.import_module(module_name)
        if inspect.ismodule(getattr(module, name, None)):
            continue  # from backprop import calculus: a module, not a name of one
        if name not in getattr(module, "__all__", ()):
            missing.append(f"{chapter}: from {module_name} import {name}")
    assert not missing, "names chapters import that are not in their module's __all__:\n" + "\n".join(missing)


# ----------------------------------------------------------------- calculus


def _sin(x):
    return cmath.sin(x) if isinstance(x, complex) else math.sin(x)


def _cos(x):
    return math.cos(x)


def _exp(x):
    return cmath.exp(x) if isinstance(x, complex) else math.exp(x)


def _log(x):
    return cmath.log(x) if isinstance(x, complex) else math.log(x)


# name: (f, f', good points, accepts complex input)
FUNCTIONS = {
    "cubic": (lambda x: x * x * x - 2 * x, lambda x: 3 * x * x - 2, real_numbers(-10, 10), True),
    "sin": (_sin, _cos, real_numbers(-10, 10), True),
    "exp": (_exp, math.exp, real_numbers(-10, 10), True),
    "log": (_log, lambda x: 1 / x, positive_numbers(0.1, 10), True),
    "reciprocal": (lambda x: 1 / x, lambda x: -1 / (x * x), positive_numbers(0.5, 10), True),
    "real only": (math.sin, math.cos, real_numbers(-10, 10), False),
}

BAD_FUNCTIONS = st.one_of(
    NOT_CALLABLE,
    st.sampled_from([
        lambda x: "a",
        lambda x: None,
        lambda x: [x, x],
        lambda x: np.array([x, x]),
        lambda x: 1j + x,  # a complex value from a real input
    ]),
)
EDGE_POINTS = st.sampled_from([1e300, -1e300, 1e-300, 0.0, 5e-324, -5e-324, 1e15, np.float64(-1e200)])
BAD_METHODS = st.sampled_from(["exact", "Central", "", 3, None, ("central",)])
BAD_STEPS = st.one_of(
    st.sampled_from([0, 0.0, -1e-5, "1e-5"]), NON_FINITE, NOT_NUMBERS.filter(lambda v: v is not None), HUGE_INTEGERS
)


def _quotient(f, x: float, method: str, h: float) -> float:
    """What ``method`` computes with the user's step ``h``: the plain formula."""
    if method == "forward":
        return (f(x + h) - f(x)) / ((x + h) - x)
    if method == "central":
        return (f(x + h) - f(x - h)) / ((x + h) - (x - h))
    return f(complex(x, h)).imag / h


@fuzzes("backprop.calculus.derivative", "backprop.calculus.METHODS")
@fuzz_settings(400)
@given(data=st.data(), name=st.sampled_from(sorted(FUNCTIONS)))
def test_derivative(data, name):
    f, fprime, points, complex_ok = FUNCTIONS[name]
    methods = calculus.METHODS if complex_ok else tuple(m for m in calculus.METHODS if m != "complex")
    good = {
        "f": st.just(f),
        "x": points,
        "method": st.sampled_from(methods),
        "h": st.one_of(st.none(), st.none(), floats(1e-6, 1e-3)),
    }
    bad = {"f": BAD_FUNCTIONS, "x": NOT_REAL, "method": BAD_METHODS, "h": BAD_STEPS}
    edge = {"x": EDGE_POINTS, "h": st.sampled_from([1e-300, 5e-324])}
    if not complex_ok:
        edge["method"] = st.just("complex")
    args, kind, which = draw_arguments(data, good, bad, edge)
    out = call(
        lambda: calculus.derivative(args["f"], args["x"], method=args["method"], h=args["h"]),
        kind=kind, which=which, names=["f", "x", "h", "method"],
    )
    if not out.refused:
        x = float(args["x"])
        # Far out, a difference quotient measures rounding; next to a pole the bare
        # central difference (documented) cannot see the pole; next to a singularity
        # (log or 1/x at 1e-300) a forward step of 1e-8 measures a secant; and a step
        # of 1e-300 leaves exp(x + h) == exp(x), so every difference is 0. There a
        # finite result is all that is asked.
        if kind != GOOD and (abs(x) >= 1e6 or args["method"] == "central" or name in ("log", "reciprocal")
                             or (which == "h" and args["method"] != "complex")):
            return
        expected, scale = fprime(x), 1 + abs(fprime(x)) + abs(f(x))
        if args["h"] is None or args["method"] == "richardson":  # the derivative itself
            tolerance = {"complex": 1e-12, "forward": 1e-5}.get(args["method"], 1e-6) * scale
        else:  # the user's step: the method's formula, up to the rounding of f
            h = float(args["h"])
            expected, tolerance = _quotient(f, x, args["method"], h), 1e-12 * scale + 4e-16 * scale / h
        close(out.result, expected, atol=tolerance, rtol=0)


def _f3(a, b, c):
    return a * b + _sin(c)


@fuzzes("backprop.calculus.partial")
@fuzz_settings(240)
@given(data=st.data())
def test_partial(data):
    good = {
        "i": st.one_of(st.integers(0, 2), st.integers(0, 2).map(np.int64), st.integers(0, 2).map(np.int8)),
        # f computes with what it is given: a float16 argument would make it a float16 function
        "args": st.tuples(*[real_numbers(-10, 10, low_precision=False)] * 3),
        "method": st.sampled_from(calculus.METHODS),
    }
    bad = {
        "i": st.one_of(st.sampled_from([3, -1, 10**30, -(10**30)]), NOT_INTEGERS),
        "args": st.just(None),  # replaced below by a spoiled args[i]
        "method": BAD_METHODS,
    }
    args, kind, which = draw_arguments(data, good, bad)
    point = list(args["args"]) if args["args"] is not None else list(data.draw(good["args"]))
    named = which
    if which == "args":
        point[int(args["i"])] = data.draw(NOT_REAL, label="args[i]")
        named = f"args[{int(args['i'])}]"
    out_of_range = which == "i" and isinstance(args["i"], (int, np.integer)) and not isinstance(args["i"], bool)
    out = call(lambda: calculus.partial(_f3, args["i"], *point, method=args["method"]), kind=kind, which=named)
    if out.refused and out_of_range:
        assert isinstance(out.error, IndexError), f"an index out of range must raise IndexError, got {out.error!r}"
    if not out.refused:
        a, b, c = (float(v) for v in point)
        expected = [b, a, math.cos(c)][int(args["i"])]
        scale = 1 + abs(a) + abs(b) + abs(_f3(a, b, c))
        tol = 1e-12 if args["method"] == "complex" else 1e-5
        close(out.result, expected, atol=tol * scale, rtol=0)


# ------------------------------------------------------------------ descent


def _data_pairs(n_max: int = 12) -> st.SearchStrategy[tuple[Any, Any]]:
    """Equally long X and y as lists, flat arrays, columns, in any layout."""

    def shaped(pair):
        x, y, form_x, form_y = pair
        return _form(x, form_x), _form(y, form_y)

    return st.integers(1, n_max).flatmap(
        lambda n: st.tuples(
            float_arrays(n, -10, 10), float_arrays(n, -10, 10),
            st.sampled_from(FORMS), st.sampled_from(FORMS),
        )
    ).map(shaped)


FORMS = ("flat", "column", "list", "tuple", "column-list", "F-column", "strided", "readonly", "float32", "int64")


def _form(values: np.ndarray, form: str) -> Any:
    if form == "flat":
        return values.copy()
    if form == "column":
        return values.reshape(-1, 1).copy()
    if form == "list":
        return values.tolist()
    if form == "tuple":
        return tuple(values.tolist())
    if form == "column-list":
        return values.reshape(-1, 1).tolist()
    if form == "F-column":
        return np.asfortranarray(values.reshape(-1, 1))
    if form == "strided":
        return np.repeat(values, 2)[::2]
    if form == "readonly":
        copy = values.copy()
        copy.flags.writeable = False
        return copy
    if form == "float32":
        return values.astype(np.float32)
    if form == "int64":
        return np.round(values).astype(np.int64)
    raise AssertionError(form)


BAD_DATA = st.one_of(
    spoiled_arrays(float_arrays(st.integers(1, 5), -10, 10)),
    st.sampled_from(["not data", 3.0, None, [], np.zeros((0, 1)), np.ones((3, 2)), np.ones((2, 2, 1))]),
)
EDGE_DATA = st.sampled_from([[1e300, -1e300], [1e200, 1e200], [5e-324, 0.0]])


def _vector(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(-1)


def _pair_args(data, extra_good=None, extra_bad=None, extra_edge=None):
    X, y = data.draw(_data_pairs(), label="X, y")
    good = {"X": st.just(X), "y": st.just(y)} | (extra_good or {})
    bad = {"X": BAD_DATA, "y": BAD_DATA} | (extra_bad or {})
    edge = {"X": EDGE_DATA, "y": EDGE_DATA} | (extra_edge or {})
    args, kind, which = draw_arguments(data, good, bad, edge)
    if kind == EDGE and which in ("X", "y"):
        other = "y" if which == "X" else "X"
        args[other] = _vector(args[other])[:2].tolist() * (2 if len(_vector(args[other])) == 1 else 1)
    if kind == GOOD and data.draw(st.integers(0, 9), label="mismatch?") == 0:  # lengths that differ
        args["y"] = list(_vector(args["y"])) + [1.0]
        kind, which = BAD, "y"
    return args, kind, which


MC = {"m": real_numbers(-10, 10), "c": real_numbers(-10, 10)}
BAD_MC = {"m": NOT_REAL, "c": NOT_REAL}
EDGE_MC = {"m": st.sampled_from([1e300, -1e300, 1e160]), "c": st.sampled_from([1e308, -1e308])}


@fuzzes("backprop.descent.error")
@fuzz_settings(240)
@given(data=st.data())
def test_descent_error(data):
    args, kind, which = _pair_args(data, MC, BAD_MC, EDGE_MC)
    out = call(
        lambda: descent.error(args["m"], args["c"], args["X"], args["y"]),
        kind=kind, which=which, names=["m", "c", "X", "y"], reads=[args["X"], args["y"]],
    )
    if not out.refused:
        x, t = _vector(args["X"]), _vector(args["y"])
        e = float(args["m"]) * x + float(args["c"]) - t
        assert isinstance(out.result, float)
        close(out.result, np.sum(e * e), rtol=1e-12)


@fuzzes("backprop.descent.gradient", "backprop.descent.METHODS")
@fuzz_settings(240)
@given(data=st.data())
def test_descent_gradient(data):
    extra_good = MC | {"method": st.sampled_from(descent.METHODS), "error_fn": st.just(descent.error)}
    extra_bad = BAD_MC | {"method": BAD_METHODS, "error_fn": NOT_CALLABLE}
    args, kind, which = _pair_args(data, extra_good, extra_bad, EDGE_MC)
    if which == "error_fn":
        args["method"] = "numeric"  # the analytic formula never calls error_fn
    out = call(
        lambda: descent.gradient(args["m"], args["c"], args["X"], args["y"], method=args["method"], error_fn=args["error_fn"]),
        kind=kind, which=which, names=["m", "c", "X", "y", "error_fn"], reads=[args["X"], args["y"]],
    )
    if not out.refused:
        x, t = _vector(args["X"]), _vector(args["y"])
        e = float(args["m"]) * x + float(args["c"]) - t
        expected = (2 * np.sum(e * x), 2 * np.sum(e))
        assert isinstance(out.result, tuple) and len(out.result) == 2
        scale = 2 * float(np.sum(np.abs(e) * (1 + np.abs(x))))
        if args["method"] == "analytic":
            close(out.result, expected, rtol=1e-12, scale=scale)
        elif kind == GOOD:  # at 1e200, differences of the error measure rounding only
            curvature = float(np.sum(x * x + 1))  # sets the rounding of a difference quotient
            close(out.result, expected, rtol=1e-6, scale=scale + curvature)


@fuzzes("backprop.descent.least_squares")
@fuzz_settings(160)
@given(data=st.data())
def test_least_squares(data):
    args, kind, which = _pair_args(data)
    out = call(
        lambda: descent.least_squares(args["X"], args["y"]),
        kind=kind, which=which, names=["X", "y"], reads=[args["X"], args["y"]],
    )
    if not out.refused and kind == GOOD:
        m, c = out.result
        x, t = _vector(args["X"]), _vector(args["y"])
        # the normal equations: at the minimum both partial derivatives vanish
        e = m * x + c - t
        scale = float(np.sum(np.abs(x) * (np.abs(t) + 1)) + np.sum(np.abs(t)) + 1)
        assert abs(np.sum(e * x)) <= 1e-8 * scale and abs(np.sum(e)) <= 1e-8 * scale


BAD_RATES = st.one_of(st.sampled_from([0, 0.0, -0.1, -1]), NOT_REAL)
BAD_COUNTS = st.one_of(st.sampled_from([0, -1]), NOT_INTEGERS)


@fuzzes("backprop.descent.fit_line", "backprop.descent.LineFit", "backprop.descent.DivergenceError",
        "backprop.descent.DIVERGENCE_FACTOR")
@fuzz_settings(200)
@given(data=st.data())
def test_fit_line(data):
    extra_good = {
        "learning_rate": positive_numbers(1e-4, 0.05),
        "iterations": st.integers(1, 25),
        "method": st.sampled_from(descent.METHODS),
        "start": st.one_of(st.none(), st.tuples(real_numbers(-5, 5), real_numbers(-5, 5)), st.lists(floats(-5, 5), min_size=2, max_size=2)),
        "seed": good_seeds(),
    }
    extra_bad = {
        "learning_rate": BAD_RATES,
        "iterations": BAD_COUNTS,
        "method": BAD_METHODS,
        "start": st.one_of(st.sampled_from([(1.0,), (1.0, 2.0, 3.0), "ab", 3.0, {"m": 1}]), st.tuples(NOT_REAL, floats())),
        "seed": bad_seeds(),
        "error_fn": NOT_CALLABLE,
    }
    extra_good["error_fn"] = st.just(descent.error)
    args, kind, which = _pair_args(data, extra_good, extra_bad, {"learning_rate": st.sampled_from([10.0, 1e3, 1e300])})
    if which == "seed":
        args["start"] = None  # the seed draws the start only when none is given
    words = {"start": ["start", "start[0] (m)", "start[1] (c)"]}.get(which, [])
    out = call(
        lambda: descent.fit_line(args["X"], args["y"], **{k: v for k, v in args.items() if k not in ("X", "y")}),
        kind=kind, which=which, names=["learning_rate", "X", "y"] + words,
        reads=[args["X"], args["y"], args["start"]], refusable=True,
        warns=r"learning_rate=\S+ may be too large",
    )
    if out.refused:
        if kind == GOOD:  # good arguments are refused only by a diverging run
            assert isinstance(out.error, descent.DivergenceError), out.error
        if isinstance(out.error, descent.DivergenceError):
            fit = out.error.fit
            assert out.error.learning_rate == float(args["learning_rate"])
            assert 1 <= out.error.iteration == fit.iterations <= args["iterations"]
            assert isinstance(fit, descent.LineFit) and "learning_rate" in str(out.error)
            assert repr(fit).startswith("LineFit(")
        return
    fit = out.result
    assert isinstance(fit, descent.LineFit)
    x, t = _vector(args["X"]), _vector(args["y"])
    lr = float(args["learning_rate"])
    if args["start"] is None:
        m, c = (float(v) for v in np.random.default_rng(int(args["seed"])).random(2))
    else:
        m, c = (float(v) for v in args["start"])
    ms, cs = [m], [c]
    for _ in range(int(args["iterations"])):  # the plain formulas of chapter 5
        e = m * x + c - t
        m, c = m - lr * 2 * float(np.sum(e * x)), c - lr * 2 * float(np.sum(e))
        ms.append(m)
        cs.append(c)
    rtol = 1e-9 if args["method"] == "analytic" else 1e-4
    close(fit.ms, ms, rtol=rtol, scale=1 + float(np.max(np.abs(ms))))
    close(fit.cs, cs, rtol=rtol, scale=1 + float(np.max(np.abs(cs))))
    assert (fit.m, fit.c) == (fit.ms[-1], fit.cs[-1]) and fit.iterations == args["iterations"]
    assert fit.error == fit.errors[-1] and fit.errors[-1] <= descent.DIVERGENCE_FACTOR * max(fit.errors[0], 2.2e-16)
    for values in (fit.ms, fit.cs, fit.errors):
        assert not values.flags.writeable
    assert repr(fit).startswith("LineFit(m=")


# ----------------------------------------------------------------- datasets

SIZES = st.one_of(st.integers(1, 40), st.integers(1, 40).map(np.int64))
BAD_SIZES = st.one_of(st.sampled_from([0, -1, -(10**6)]), NOT_INTEGERS, TOO_LARGE_INTEGERS)
NOISES = st.one_of(st.just(0), real_numbers(0, 3))
BAD_NOISES = st.one_of(st.sampled_from([-0.1, -1]), NOT_REAL)


def _seeded(seed):
    """The seed as given, and a second, equal one: a Generator is used up by a call."""
    if isinstance(seed, np.random.Generator):
        return seed, np.random.default_rng(seed.bit_generator.seed_seq)
    return seed, np.random.default_rng(int(seed))


SEEDS_OR_GENERATORS = st.one_of(good_seeds(), st.integers(0, 2**16).map(np.random.default_rng))


@fuzzes("backprop.datasets.line.noisy_line")
@fuzz_settings(200)
@given(data=st.data())
def test_noisy_line(data):
    good = {
        "n": SIZES, "slope": real_numbers(-10, 10), "intercept": real_numbers(-10, 10),
        "noise": NOISES, "x_max": positive_numbers(0.1, 10), "seed": SEEDS_OR_GENERATORS,
    }
    bad = {
        "n": BAD_SIZES, "slope": NOT_REAL, "intercept": NOT_REAL, "noise": BAD_NOISES,
        "x_max": st.one_of(st.sampled_from([0, -1.0]), NOT_REAL), "seed": bad_seeds(),
    }
    edge = {"slope": st.sampled_from([1e300, -1e308]), "x_max": st.sampled_from([1e300, 1e-300]), "noise": st.just(1e308)}
    args, kind, which = draw_arguments(data, good, bad, edge)
    seed, same_seed = _seeded(args["seed"]) if which != "seed" else (args["seed"], None)
    args["seed"] = seed
    out = call(lambda: datasets.noisy_line(**args), kind=kind, which=which, names=list(good))
    if not out.refused:
        X, y = out.result
        n = int(args["n"])
        x_expected = float(args["x_max"]) * same_seed.random((n, 1))
        y_expected = float(args["intercept"]) + float(args["slope"]) * x_expected + float(args["noise"]) * same_seed.standard_normal((n, 1))
        np.testing.assert_array_equal(X, x_expected)
        np.testing.assert_array_equal(y, y_expected)


@fuzzes("backprop.datasets.shapes.xor", "backprop.datasets.shapes.two_moons", "backprop.datasets.shapes.spiral")
@fuzz_settings(300)
@given(data=st.data(), name=st.sampled_from(["xor", "two_moons", "spiral"]))
def test_shapes(data, name):
    make = getattr(datasets, name)
    good = {"n": SIZES, "noise": NOISES, "seed": SEEDS_OR_GENERATORS}
    bad = {"n": BAD_SIZES, "noise": BAD_NOISES, "seed": bad_seeds()}
    edge = {"noise": st.sampled_from([1e300, 1e308])}
    if name == "spiral":
        good |= {"n": st.integers(5, 40), "classes": st.integers(1, 5), "turns": st.one_of(st.just(0), real_numbers(0, 3))}
        bad |= {"classes": BAD_SIZES, "turns": BAD_NOISES}
        edge |= {"classes": st.sampled_from([41, 1000, 2**62]), "turns": st.just(1e300)}
    args, kind, which = draw_arguments(data, good, bad, edge)
    seed, same_seed = _seeded(args["seed"]) if which != "seed" else (args["seed"], None)
    args["seed"] = seed
    out = call(lambda: make(**args), kind=kind, which=which, names=list(good))
    if out.refused:
        return
    X, y = out.result
    n = int(args["n"])
    assert X.shape == (n, 2) and X.dtype == np.float64 and y.shape == (n,) and y.dtype == np.int64
    again = make(**(args | {"seed": same_seed}))
    np.testing.assert_array_equal(again[0], X)  # the same seed, the same points
    np.testing.assert_array_equal(again[1], y)
    if name == "xor":
        assert set(y.tolist()) <= {0, 1}
        if float(args["noise"]) == 0:
            assert np.all(np.abs(X) == 1) and np.all((X[:, 0] != X[:, 1]) == (y == 1))
    elif name == "two_moons":
        assert int(y.sum()) == n - n // 2 and np.all(y[: n // 2] == 0)
        if float(args["noise"]) == 0:
            centre = np.where(y[:, None] == 0, [0.0, 0.0], [1.0, 0.5])
            close(np.hypot(*(X - centre).T), np.ones(n), rtol=1e-12)
    else:
        counts = np.bincount(y, minlength=int(args["classes"]))
        assert len(counts) == int(args["classes"]) and counts.max() - counts.min() <= 1
        assert np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0 + 1e-12)


@fuzzes("backprop.datasets.digits.train_test_split")
@fuzz_settings(200)
@given(data=st.data())
def test_train_test_split(data):
    n = data.draw(st.integers(2, 30), label="rows")
    good = {
        "X": laid_out(float_arrays((n, data.draw(st.integers(1, 3), label="columns")))),
        "y": laid_out(float_arrays(n), ("C", "list", "int64", "readonly", "strided")),
        "test_fraction": st.one_of(floats(0.01, 0.99), st.sampled_from([0.5, np.float32(0.25), Fraction(1, 3)])),
        "seed": SEEDS_OR_GENERATORS,
    }
    bad = {
        "X": st.sampled_from([3.0, None, "abc", np.float64(2.0)]),
        "y": st.sampled_from([np.zeros(n + 1), np.zeros((n + 2, 1)), 7, None]),
        "test_fraction": st.one_of(st.sampled_from([0, 1, 1.5, -0.2, 1e-9, 0.999999]), NOT_REAL),
        "seed": bad_seeds(),
    }
    args, kind, which = draw_arguments(data, good, bad)
    if kind == GOOD and not 0 < round(float(args["test_fraction"]) * n) < n:
        kind, which = BAD, "test_fraction"  # leaves an empty train or test set
    seed, same_seed = _seeded(args["seed"]) if which != "seed" else (args["seed"], None)
    args["seed"] = seed
    out = call(
        lambda: datasets.train_test_split(args["X"], args["y"], test_fraction=args["test_fraction"], seed=seed),
        kind=kind, which=which, names=["X", "y", "test_fraction"], reads=[args["X"], args["y"]],
    )
    if not out.refused:
        X, y = np.asarray(args["X"]), np.asarray(args["y"])
        order = same_seed.permutation(n)
        n_test = round(float(args["test_fraction"]) * n)
        test, train = order[:n_test], order[n_test:]
        for got, expected in zip(out.result, (X[train], X[test], y[train], y[test])):
            np.testing.assert_array_equal(got, expected)
            assert got.dtype == expected.dtype


@fuzzes("backprop.datasets.digits.load_digits", "backprop.datasets.digits.DIGITS_SHA256")
@fuzz_settings(30)
@given(data=st.data())
def test_load_digits(data):
    import hashlib
    from importlib import resources

    shipped = resources.files("backprop") / "data" / "digits.csv.gz"
    good = {"path": st.sampled_from([None, str(shipped), Path(str(shipped))])}
    bad = {"path": st.sampled_from([3, b"\x00", ["digits.csv.gz"], object(), "no/such/digits.csv.gz", str(ROOT), str(ROOT / "README.md")])}
    args, kind, which = draw_arguments(data, good, bad)
    out = call(lambda: datasets.load_digits(**args), kind=kind, which=which, also=(FileNotFoundError,),
               names=["digits data file"])
    if not out.refused:
        X, y = out.result
        assert X.shape == (1797, 64) and y.shape == (1797,) and X.dtype == np.float64 and y.dtype == np.int64
        assert X.min() == 0 and X.max() == 16 and set(np.unique(y).tolist()) == set(range(10))
        X[:] = -1.0  # the arrays are the caller's: editing them changes no later call
        assert datasets.load_digits()[0].min() == 0
    assert hashlib.sha256(shipped.read_bytes()).hexdigest() == digits_file.DIGITS_SHA256


# ------------------------------------------------------------------- digits


@fuzzes("backprop.digits.digits_data", "backprop.digits.SPLIT_SEED")
def test_digits_data():
    X_train, X_test, y_train, y_test = digits.digits_data()
    X, y = datasets.load_digits()
    expected = datasets.train_test_split(X / 16.0, y, test_fraction=0.2, seed=digits.SPLIT_SEED)
    for got, want in zip((X_train, X_test, y_train, y_test), expected):
        np.testing.assert_array_equal(got, want)
    X_train[:] = 5.0  # the caller's copy
    assert digits.digits_data()[0].max() == 1.0


@fuzzes("backprop.digits.digits_model")
@fuzz_settings(60)
@given(data=st.data())
def test_digits_model(data):
    good = {"seed": good_seeds(), "hidden": st.integers(1, 12)}
    bad = {"seed": st.one_of(bad_seeds(), st.just(np.random.default_rng(0))), "hidden": BAD_SIZES}
    args, kind, which = draw_arguments(data, good, bad)
    out = call(lambda: digits.digits_model(**args), kind=kind, which=which)
    if not out.refused:
        rng = np.random.default_rng(int(args["seed"]))
        hidden = int(args["hidden"])
        first, second = nn.Linear(64, hidden, rng=rng), nn.Linear(hidden, 10, rng=rng)
        model = out.result
        assert repr(model) == f"Sequential(Linear(64, {hidden}), ReLU(), Linear({hidden}, 10))"
        for got, want in zip(model.parameters(), first.parameters() + second.parameters()):
            np.testing.assert_array_equal(got.data, want.data)


@fuzzes("backprop.digits.train_digits", "backprop.digits.DigitsRun")
@fuzz_settings(40)
@given(data=st.data())
def test_train_digits(data):
    epochs_seen, batches_seen = [], []
    good = {
        "epochs": st.integers(1, 2), "seed": good_seeds(), "hidden": st.integers(1, 6),
        "lr": positive_numbers(1e-3, 0.05), "batch_size": st.integers(128, 1500),
        "on_epoch": st.sampled_from([None, epochs_seen.append]),
        "on_batch": st.sampled_from([None, lambda done, total: batches_seen.append((done, total))]),
    }
    bad = {
        "epochs": BAD_SIZES, "seed": bad_seeds(), "hidden": BAD_SIZES, "lr": BAD_RATES,
        "batch_size": BAD_SIZES, "on_epoch": NOT_CALLABLE.filter(lambda v: v is not None),
        "on_batch": NOT_CALLABLE.filter(lambda v: v is not None),
    }
    args, kind, which = draw_arguments(data, good, bad, {"lr": st.sampled_from([50.0, 1e6])})
    out = call(lambda: digits.train_digits(**args), kind=kind, which=which, also=(FloatingPointError,),
               names=["learning rate"])
    if out.refused:
        assert not epochs_seen and not batches_seen, "a refused call must not start training"
        return
    run = out.result
    epochs = int(args["epochs"])
    assert isinstance(run, digits.DigitsRun)
    assert len(run.loss) == len(run.train_accuracy) == len(run.test_accuracy) == len(run.seconds) == epochs
    assert all(0.0 <= a <= 1.0 for a in run.train_accuracy + run.test_accuracy)
    assert repr(run.model) == f"Sequential(Linear(64, {args['hidden']}), ReLU(), Linear({args['hidden']}, 10))"
    if args["on_epoch"] is not None:
        assert epochs_seen == [run] * epochs
    if args["on_batch"] is not None:
        per_epoch = -(-1438 // int(args["batch_size"]))
        assert batches_seen == [(b, per_epoch) for b in range(1, per_epoch + 1)] * epochs


# ------------------------------------------------------------------- engine

OPERATORS = ("+", "-", "*", "/", "r+", "r-", "r*", "r/", "**", "neg", "relu", "tanh", "exp", "log", "sigmoid")


def _apply_value(op, a, b, k):
    """One operation of the engine: ``a`` and ``b`` Values, ``k`` a number (or a bad operand)."""
    return {
        "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
        "r+": lambda: k + a, "r-": lambda: k - a, "r*": lambda: k * a, "r/": lambda: k / a,
        "**": lambda: a ** k, "neg": lambda: -a, "relu": a.relu, "tanh": a.tanh, "exp": a.exp,
        "log": a.log, "sigmoid": a.sigmoid,
    }[op]()


def _apply_dual(op, a, b, k):
    """The same operation on (value, d/d leaves, |d|/d leaves): forward-mode, the reference."""
    (x, dx, ax), (y, dy, ay) = a, b
    k = float(k) if k is not None else None

    def chain(value, da, db=0.0):
        return (value, da * dx + db * dy, abs(da) * ax + abs(db) * ay)

    if op == "+":
        return chain(x + y, 1.0, 1.0)
    if op == "-":
        return chain(x - y, 1.0, -1.0)
    if op == "*":
        return chain(x * y, y, x)
    if op == "/":
        return chain(x / y, 1 / y, -(x / y) / y)
    if op == "r+":
        return chain(k + x, 1.0)
    if op == "r-":
        return chain(k - x, -1.0)
    if op == "r*":
        return chain(k * x, k)
    if op == "r/":
        return chain(k / x, -(k / x) / x)
    if op == "**":
        return chain(x ** k, k * x ** (k - 1) if k != 0 else 0.0)
    if op == "neg":
        return chain(-x, -1.0)
    if op == "relu":
        return chain(max(x, 0.0), 1.0 if x > 0 else 0.0)
    if op == "tanh":
        return chain(math.tanh(x), 1 - math.tanh(x) ** 2)
    if op == "exp":
        return chain(math.exp(x), math.exp(x))
    if op == "log":
        return chain(math.log(x), 1 / x)
    if op == "sigmoid":
        s = 1 / (1 + math.exp(-x)) if x > -700 else 0.0
        return chain(s, s * (1 - s))
    raise AssertionError(op)


STEP = st.tuples(
    st.sampled_from(OPERATORS), st.integers(0, 50), st.integers(0, 50),
    st.one_of(real_numbers(-3, 3), st.sampled_from([0, 1, 2, 3, -1, -2, 0.5, 1.5])),
)


@fuzzes("backprop.engine.Value", "backprop.engine.topological_order", "backprop.engine.zero_grad")
@fuzz_settings(400)
@given(
    leaves=st.lists(real_numbers(-3, 3), min_size=1, max_size=3),
    steps=st.lists(STEP, min_size=1, max_size=12),
    bad=st.one_of(st.none(), NOT_REAL.filter(lambda v: v is not None)),
)
def test_engine_expressions(leaves, steps, bad):
    """Random expressions: values and gradients against float arithmetic in forward mode."""
    n = len(leaves)
    values = [engine.Value(v) for v in leaves]
    duals = [(float(v), np.eye(n)[i], np.eye(n)[i]) for i, v in enumerate(leaves)]
    if bad is not None:  # one operation gets a bad operand: refused, naming the operator
        op = ("+", "-", "*", "/", "r+", "r-", "r*", "r/", "**")[len(steps) % 9]
        out = call(lambda: _apply_value(op, values[0], bad, bad) if op[0] != "r" and op != "**" else _apply_value(op, values[0], values[0], bad),
                   kind=BAD, which="operand", names=["Value", "exponent", f"'{op.lstrip('r')}'"], reads=[values])
        assert out.refused
        out = call(lambda: engine.Value(bad), kind=BAD, which="Value data")
        return
    for op, i, j, k in steps:
        a, b = values[i % len(values)], values[j % len(values)]
        da, db = duals[i % len(duals)], duals[j % len(duals)]
        try:
            with np.errstate(all="raise"):
                expected = _apply_dual(op, da, db, k)
            reference_ok = all(math.isfinite(v) for v in (expected[0], *expected[1], *expected[2]))
        except (ArithmeticError, ValueError, TypeError):
            reference_ok, expected = False, None
        if isinstance(expected, tuple) and isinstance(expected[0], complex):
            reference_ok = False
        out = call(lambda: _apply_value(op, a, b, k), kind=EDGE, which=None,
                   names=["Value", "exponent", "power", "log", "exp", "division", "**", f"'{op.lstrip('r')}'", f"'**{float(k):g}'"],
                   also=(ZeroDivisionError,))
        if out.refused:
            assert not reference_ok or not math.isfinite(expected[0]) or abs(expected[0]) > 1e300, (
                f"{op} was refused, but the reference gives {expected}: {out.error}"
            )
            return
        if not reference_ok:  # a finite value whose slope is not (x ** 0.5 at 0): backward refuses
            values.append(out.result)
            with pytest.raises(ValueError, match="not finite"):
                out.result.backward()
            return
        close(out.result.data, expected[0], rtol=1e-12, atol=1e-300)
        values.append(out.result)
        duals.append(expected)
    root = values[-1]
    order = engine.topological_order(root)
    assert order[-1] is root and len(set(map(id, order))) == len(order)
    position = {id(node): p for p, node in enumerate(order)}
    assert all(position[id(child)] < position[id(node)] for node in order for child in node._prev)
    root.backward()
    scale = duals[-1][2]
    for i, leaf in enumerate(values[:n]):
        close(leaf.grad, duals[-1][1][i], rtol=1e-9, atol=1e-9 * scale[i] + 1e-300, scale=scale[i])
    first = [leaf.grad for leaf in values[:n]]
    root.backward()  # leaves accumulate: twice the gradient
    for g, leaf in zip(first, values[:n]):
        close(leaf.grad, 2 * g, rtol=1e-12, atol=1e-300)
    # zero_grad: refused as a whole when one item is not a Value, else every grad is 0
    grads = [leaf.grad for leaf in values[:n]]
    call(lambda: engine.zero_grad(values[:n] + ["w"]), kind=BAD, which=f"values[{n}]",
         state=lambda: [leaf.grad for leaf in values[:n]])
    assert [leaf.grad for leaf in values[:n]] == grads
    for bad_values in (3, None, 2.5):
        call(lambda: engine.zero_grad(bad_values), kind=BAD, which="values")
    call(lambda: engine.topological_order(leaves[0]), kind=BAD, which="root")
    engine.zero_grad(iter(values[:n]))
    assert all(leaf.grad == 0.0 for leaf in values[:n])
    engine.zero_grad(root)
    assert root.grad == 0.0


# --------------------------------------------------------------------- dual


def _run_steps(leaves, steps):
    """The random expression of ``steps`` on ``leaves`` (Values or Duals alike): its last node."""
    nodes = list(leaves)
    for op, i, j, k in steps:
        nodes.append(_apply_value(op, nodes[i % len(nodes)], nodes[j % len(nodes)], k))
    return nodes[-1]


def _dual_reference(leaves, steps):
    """(value, gradient, scale) of the expression by float arithmetic, or None where it fails."""
    n = len(leaves)
    nodes = [(float(v), np.eye(n)[i], np.eye(n)[i]) for i, v in enumerate(leaves)]
    for op, i, j, k in steps:
        try:
            with np.errstate(all="raise"):
                node = _apply_dual(op, nodes[i % len(nodes)], nodes[j % len(nodes)], k)
        except (ArithmeticError, ValueError, TypeError):
            return None
        if isinstance(node[0], complex) or not all(math.isfinite(v) for v in (node[0], *node[1], *node[2])):
            return None
        nodes.append(node)
    return nodes[-1]


@fuzzes("backprop.dual.Dual", "backprop.dual.forward_gradient", "backprop.dual.forward_derivative")
@fuzz_settings(300)
@given(
    leaves=st.lists(real_numbers(-3, 3), min_size=1, max_size=3),
    steps=st.lists(STEP, min_size=1, max_size=10),
    bad=st.one_of(st.none(), st.none(), st.none(), NOT_REAL.filter(lambda v: v is not None)),
    bad_f=st.one_of(st.none(), st.none(), st.none(), NOT_CALLABLE),
)
def test_dual_expressions(leaves, steps, bad, bad_f):
    """Random expressions in forward mode: the same values as Value, its gradients, P passes."""
    n = len(leaves)
    if bad is not None:  # a bad part, operand or point: refused, naming it
        call(lambda: dual.Dual(bad), kind=BAD, which="Dual value")
        call(lambda: dual.Dual(1.0, bad), kind=BAD, which="Dual derivative")
        op = ("+", "-", "*", "/", "r+", "r-", "r*", "r/", "**")[len(steps) % 9]
        d = dual.Dual(float(leaves[0]), 1.0)
        out = call(lambda: _apply_value(op, d, bad, bad) if op[0] != "r" and op != "**" else _apply_value(op, d, d, bad),
                   kind=BAD, which="operand", names=["Dual", "exponent", f"'{op.lstrip('r')}'"], reads=[d])
        assert out.refused
        call(lambda: dual.forward_derivative(lambda x: x * x, bad), kind=BAD, which="x")
        point = list(leaves) + [bad]
        call(lambda: dual.forward_gradient(lambda w: w[0], point), kind=BAD, which="point", reads=[point])
        call(lambda: dual.forward_derivative(lambda x: bad, 1.0), kind=BAD, which="f",
             names=["returned", "f"])
        return
    if bad_f is not None:
        call(lambda: dual.forward_derivative(bad_f, leaves[0]), kind=BAD, which="f")
        call(lambda: dual.forward_gradient(bad_f, leaves), kind=BAD, which="f")
        return
    expected = _dual_reference(leaves, steps)
    passes = []

    def f(w):
        passes.append([d.derivative for d in w])
        return _run_steps(w, steps)

    point = list(leaves)
    out = call(lambda: dual.forward_gradient(f, point), kind=EDGE, which=None, reads=[point],
               names=["Dual", "exponent", "power", "log", "exp", "division", "derivative", "**", "value"],
               also=(ZeroDivisionError,))
    if out.refused:
        assert expected is None or abs(expected[0]) > 1e300, f"refused, but the reference gives {expected}: {out.error}"
        return
    assert expected is not None, "forward mode gave finite numbers where float arithmetic fails"
    assert passes == [list(row) for row in np.eye(n)], "one pass per input, each seeding one input"
    close(out.result, expected[1], rtol=1e-9, atol=1e-9 * float(np.max(expected[2])) + 1e-300,
          scale=float(np.max(expected[2])))
    # the same function on Values: the same value, bit for bit, and the gradient of backward()
    values = [engine.Value(v) for v in leaves]
    root = _run_steps(values, steps)
    forward = _run_steps([dual.Dual(v) for v in leaves], steps)
    assert forward.value == root.data
    root.backward()
    for i, leaf in enumerate(values):
        close(out.result[i], leaf.grad, rtol=1e-9, atol=1e-9 * expected[2][i] + 1e-300, scale=expected[2][i])
    # forward_derivative: the other inputs held constant, one pass
    rest = [dual.Dual(v) for v in leaves[1:]]
    d0 = call(lambda: dual.forward_derivative(lambda x: _run_steps([x] + rest, steps), leaves[0]),
              kind=GOOD, which=None)
    assert d0.result == out.result[0]
    several = dual.forward_derivative(lambda x: [_run_steps([x] + rest, steps), 2.0], leaves[0])
    assert several == [out.result[0], 0.0]


# ------------------------------------------------------------------- losses


def _batch_shapes(max_rows: int = 6, max_cols: int = 4):
    return st.tuples(st.integers(1, max_rows), st.integers(1, max_cols))


def _bad_batches(shape):
    rows, cols = shape
    return st.one_of(
        spoiled_arrays(float_arrays(shape)),
        st.sampled_from([np.zeros((0, cols)), np.zeros(cols), np.zeros((rows, cols, 1)), np.float64(1.0)]),
    )


EXTREME = st.sampled_from([1e308, -1e308, 1e200])


def _extreme_batch(shape):
    return st.tuples(float_arrays(shape), EXTREME, st.integers(0, 1)).map(
        lambda t: np.where(np.arange(t[0].size).reshape(t[0].shape) % 2 == t[2], t[1], -t[1] / 2)
    )


def _log_softmax(z):
    """The textbook formula: subtract the row maximum, then log-sum-exp."""
    with np.errstate(over="ignore"):
        shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


@fuzzes("backprop.losses.MSELoss")
@fuzz_settings(240)
@given(data=st.data(), shape=_batch_shapes())
def test_mse_loss(data, shape):
    loss = losses.MSELoss()
    assert repr(loss) == "MSELoss()"
    with pytest.raises(RuntimeError, match="before the loss was computed"):
        loss.backward()
    p0, t0 = np.ones(shape), np.zeros(shape)
    loss(p0, t0)
    wrong_target = st.sampled_from([np.zeros((shape[0] + 1, shape[1])), np.zeros(shape[0] * shape[1] + 1), np.zeros((shape[0], shape[1], 2))])
    good = {"prediction": laid_out(float_arrays(shape)), "target": laid_out(float_arrays(shape))}
    bad = {"prediction": _bad_batches(shape), "target": st.one_of(spoiled_arrays(float_arrays(shape)), wrong_target)}
    edge = {"prediction": _extreme_batch(shape), "target": _extreme_batch(shape)}
    args, kind, which = draw_arguments(data, good, bad, edge)
    out = call(lambda: loss(args["prediction"], args["target"]), kind=kind, which=which,
               names=["prediction", "target"], reads=list(args.values()), state=loss.backward)
    if out.refused:
        np.testing.assert_array_equal(loss.backward(), 2 * (p0 - t0) / p0.size)  # the last good call's
        return
    p, t = np.asarray(args["prediction"], np.float64), np.asarray(args["target"], np.float64)
    assert isinstance(out.result, float)
    close(out.result, np.mean((p - t) ** 2), rtol=1e-12)
    grad = loss.backward()
    close(grad, 2 * (p - t) / p.size, rtol=1e-12)
    grad *= 0  # what backward returns is the caller's to change
    close(loss.backward(), 2 * (p - t) / p.size, rtol=1e-12)


LABEL_DTYPES = (np.int64, np.int32, np.int8, np.uint8, np.intp)


@fuzzes("backprop.losses.SoftmaxCrossEntropy")
@fuzz_settings(240)
@given(data=st.data(), shape=_batch_shapes())
def test_softmax_cross_entropy(data, shape):
    rows, classes = shape
    loss = losses.SoftmaxCrossEntropy()
    assert repr(loss) == "SoftmaxCrossEntropy()"
    with pytest.raises(RuntimeError, match="before the loss was computed"):
        loss.backward()
    labels = st.tuples(hnp.arrays(np.int64, rows, elements=st.integers(0, classes - 1)), st.sampled_from(LABEL_DTYPES + (list,))).map(
        lambda t: t[0].tolist() if t[1] is list else t[0].astype(t[1])
    )
    bad_labels = st.one_of(
        st.sampled_from([np.full(rows, classes), np.full(rows, -1), np.zeros(rows + 1, int), np.zeros((rows, 1), int),
                         np.zeros(rows) + 0.5, np.zeros(rows, bool), np.zeros(rows).astype(str), None, 1.5]),
    )
    good = {"scores": laid_out(float_arrays(shape, -30, 30)), "labels": labels}
    bad = {"scores": _bad_batches(shape), "labels": bad_labels}
    edge = {"scores": _extreme_batch(shape)}
    loss(np.zeros(shape), np.zeros(rows, int))
    args, kind, which = draw_arguments(data, good, bad, edge)
    out = call(lambda: loss(args["scores"], args["labels"]), kind=kind, which=which,
               names=["scores", "labels"], reads=list(args.values()), state=loss.backward)
    if out.refused:
        return
    z, y = np.asarray(args["scores"], np.float64), np.asarray(args["labels"])
    log_p = _log_softmax(z)
    close(out.result, -np.mean(log_p[np.arange(rows), y]), rtol=1e-12, atol=1e-15)
    expected = np.exp(log_p)
    expected[np.arange(rows), y] -= 1
    close(loss.backward(), expected / rows, rtol=1e-12, atol=1e-16)


@fuzzes("backprop.losses.softmax", "backprop.losses.log_softmax")
@fuzz_settings(200)
@given(data=st.data(), shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), log=st.booleans())
def test_softmax(data, shape, log):
    function = losses.log_softmax if log else losses.softmax
    good = {"z": laid_out(float_arrays(shape, -50, 50), ("C", "F", "strided", "readonly", "list", "float32", "int64"))}
    bad = {"z": st.one_of(spoiled_arrays(float_arrays(shape)), st.sampled_from([np.zeros(shape[:-1] + (0,)), np.float64(1.0), 3.0]))}
    edge = {"z": _extreme_batch(shape)}
    args, kind, which = draw_arguments(data, good, bad, edge)
    out = call(lambda: function(args["z"]), kind=kind, which=which, reads=[args["z"]])
    if not out.refused:
        z = np.asarray(args["z"], np.float64)
        log_p = _log_softmax(z)
        if log:
            close(out.result, log_p, rtol=1e-12, atol=1e-12)
        else:
            close(out.result, np.exp(log_p), rtol=1e-12, atol=1e-300)
            close(out.result.sum(axis=-1), np.ones(shape[:-1]), rtol=1e-12)


@fuzzes("backprop.losses.accuracy")
@fuzz_settings(200)
@given(data=st.data(), shape=_batch_shapes())
def test_accuracy(data, shape):
    rows, classes = shape
    good = {
        "scores": laid_out(float_arrays(shape)),
        "labels": hnp.arrays(np.int64, rows, elements=st.integers(0, classes - 1)).map(lambda a: a.tolist() if rows % 2 else a),
    }
    bad = {
        "scores": _bad_batches(shape),
        "labels": st.sampled_from([np.full(rows, classes), np.full(rows, -1), np.zeros(rows + 1, int), np.zeros(rows) + 0.5,
                                   np.zeros(rows, bool), np.zeros(rows, complex), None]),
    }
    args, kind, which = draw_arguments(data, good, bad, {"scores": _extreme_batch(shape)})
    out = call(lambda: losses.accuracy(args["scores"], args["labels"]), kind=kind, which=which,
               names=["scores", "labels"], reads=list(args.values()))
    if not out.refused:
        z, y = np.asarray(args["scores"], np.float64), np.asarray(args["labels"])
        assert out.result == np.mean(z.argmax(axis=1) == y)


# ----------------------------------------------------------------------- nn


@fuzzes("backprop.nn.Parameter")
@fuzz_settings(160)
@given(data=st.data(), shape=st.lists(st.integers(0, 3), max_size=3).map(tuple))
def test_parameter(data, shape):
    good = {"data": laid_out(float_arrays(shape)), "name": st.sampled_from(["", "weight", "w_1"])}
    bad = {"data": spoiled_arrays(float_arrays(shape), ("complex", "bool", "str", "object", "nan", "inf", "ragged", "none", "text")),
           "name": st.sampled_from([3, None, b"w", ["w"]])}
    args, kind, which = draw_arguments(data, good, bad)
    out = call(lambda: nn.Parameter(args["data"], name=args["name"]), kind=kind, which=which,
               names=["Parameter data"], reads=[args["data"]])
    if not out.refused:
        p = out.result
        expected = np.array(args["data"], dtype=np.float64)
        np.testing.assert_array_equal(p.data, expected)
        assert p.data.dtype == np.float64 and p.data.flags.c_contiguous and p.data.flags.writeable
        np.testing.assert_array_equal(p.grad, np.zeros(expected.shape))
        assert repr(p) == f"Parameter(name={args['name']!r}, shape={expected.shape})"
        if isinstance(args["data"], np.ndarray) and args["data"].flags.writeable and args["data"].size:
            args["data"].flat[0] += 1  # the parameter holds its own copy
            assert p.data.flat[0] == expected.flat[0]


@fuzzes("backprop.nn.init_std")
@fuzz_settings(160)
@given(data=st.data())
def test_init_std(data):
    good = {"init": st.sampled_from(nn.INITS), "in_features": SIZES, "out_features": SIZES}
    bad = {"init": st.sampled_from(["normal", "He", "", 3, None]), "in_features": BAD_SIZES, "out_features": BAD_SIZES}
    args, kind, which = draw_arguments(data, good, bad)
    out = call(lambda: nn.init_std(args["init"], args["in_features"], args["out_features"]), kind=kind, which=which)
    if not out.refused:
        d_in, d_out = int(args["in_features"]), int(args["out_features"])
        expected = {"he": 2 / d_in, "lecun": 1 / d_in, "glorot": 2 / (d_in + d_out), "xavier": 2 / (d_in + d_out)}
        close(out.result, math.sqrt(expected[args["init"]]), rtol=1e-15)


def _parameters_state(model):
    return [(p.data, p.grad) for p in model.parameters()]


def _bad_inputs(rows, cols, *, width=True):
    """Batches a layer must refuse (another width only where the layer has a width)."""
    shapes = [np.zeros(cols), np.zeros((rows, cols, 1)), np.float64(1.0), "x"] + ([np.zeros((rows, cols + 1))] if width else [])
    return st.one_of(spoiled_arrays(float_arrays((rows, cols))), st.sampled_from(shapes))


@fuzzes("backprop.nn.Module")
def test_module():
    """The base class: no parameters, and forward/backward left to the subclass (NotImplementedError)."""
    module = nn.Module()
    assert module.parameters() == []
    module.zero_grad()
    with pytest.raises(NotImplementedError):
        module(np.ones((1, 1)))
    with pytest.raises(NotImplementedError):
        module.backward(np.ones((1, 1)))


@fuzzes("backprop.nn.Linear")
@fuzz_settings(240)
@given(data=st.data())
def test_linear(data):
    good = {"in_features": SIZES.map(lambda n: n % 5 + 1), "out_features": SIZES.map(lambda n: n % 5 + 1),
            "rng": st.one_of(good_seeds(), st.integers(0, 99).map(np.random.default_rng)), "init": st.sampled_from(nn.INITS)}
    bad = {"in_features": BAD_SIZES, "out_features": BAD_SIZES, "rng": bad_seeds().filter(lambda v: v is not None),
           "init": st.sampled_from(["normal", 3, None])}
    args, kind, which = draw_arguments(data, good, bad)
    rng, same_rng = _seeded(args["rng"]) if which != "rng" else (args["rng"], None)
    out = call(lambda: nn.Linear(args["in_features"], args["out_features"], rng=rng, init=args["init"]), kind=kind, which=which)
    if out.refused:
        return
    layer, d_in, d_out = out.result, int(args["in_features"]), int(args["out_features"])
    assert isinstance(layer, nn.Module) and repr(layer) == f"Linear({d_in}, {d_out})"
    W0 = nn.init_std(args["init"], d_in, d_out) * same_rng.standard_normal((d_in, d_out))
    np.testing.assert_array_equal(layer.weight.data, W0)
    np.testing.assert_array_equal(layer.bias.data, np.zeros(d_out))
    layer.bias.data[:] = data.draw(float_arrays(d_out), label="bias")
    _check_layer(data, layer, d_in, lambda x: x @ layer.weight.data + layer.bias.data)


def _check_layer(data, layer, d_in, reference, slope=None):
    """Forward and backward of a layer with fuzzed batches, against ``reference`` (and ``slope``)."""
    rows = data.draw(st.integers(0, 5), label="rows")  # an empty batch too: an empty result
    layouts = [layout for layout in LAYOUTS if rows or layout not in ("list", "tuple")]  # [] has no width
    x_good = laid_out(float_arrays((rows, d_in)), layouts)
    x, kind, which = (lambda a: (a[0]["x"], a[1], a[2]))(draw_arguments(
        data, {"x": x_good}, {"x": _bad_inputs(rows, d_in, width=isinstance(layer, nn.Linear))},
        {"x": _extreme_batch((rows, d_in))}))
    out = call(lambda: layer(x), kind=kind, which=which, names=["input", repr(layer)], reads=[x],
               state=lambda: _parameters_state(layer))
    if out.refused:  # a refused forward pass leaves the last good one: run a good one now
        x, kind = data.draw(x_good, label="x again"), GOOD
        out = call(lambda: layer(x), kind=kind, which=None, reads=[x])
    x64 = np.array(x, dtype=np.float64)
    forward_kind = kind
    y = out.result
    close(y, reference(x64), rtol=1e-12, atol=1e-12)
    d_out = y.shape[1]
    y[...] = 7.0  # edits to what a layer returned, or to its input, change no gradient
    if isinstance(x, np.ndarray) and x.flags.writeable:
        x[...] = 3.0
    G_good = laid_out(float_arrays((rows, d_out)), layouts)
    G, kind, which = (lambda a: (a[0]["grad_out"], a[1], a[2]))(draw_arguments(
        data, {"grad_out": G_good}, {"grad_out": _bad_inputs(rows, d_out)}))
    before = [p.grad.copy() for p in layer.parameters()]
    out = call(lambda: layer.backward(G), kind=kind, which=which, names=[repr(layer)], reads=[G],
               state=lambda: _parameters_state(layer), refusable=forward_kind == EDGE)
    if out.refused and forward_kind == EDGE and kind == GOOD:
        return  # x @ G overflowed: refused, .grad as it was
    if out.refused:
        G = data.draw(G_good, label="grad_out again")
        out = call(lambda: layer.backward(G), kind=GOOD, which=None, reads=[G], refusable=forward_kind == EDGE,
                   names=[repr(layer)])
        if out.refused:
            return
    G64 = np.array(G, dtype=np.float64)
    if isinstance(layer, nn.Linear):
        close(layer.weight.grad - before[0], x64.T @ G64, rtol=1e-12, atol=1e-12)
        close(layer.bias.grad - before[1], G64.sum(axis=0), rtol=1e-12, atol=1e-12)
        close(out.result, G64 @ layer.weight.data.T, rtol=1e-12, atol=1e-12)
        assert layer.backward(G, input_grad=False) is None
    else:
        close(out.result, G64 * slope(x64), rtol=1e-12, atol=1e-300)


ACTIVATIONS = {
    "ReLU": (nn.ReLU, lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(float)),
    "Tanh": (nn.Tanh, np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "Sigmoid": (nn.Sigmoid, lambda x: 1 / (1 + np.exp(-np.clip(x, -700, 700))),
                lambda x: (lambda s: s * (1 - s))(1 / (1 + np.exp(-np.clip(x, -700, 700))))),
}


@fuzzes("backprop.nn.ReLU", "backprop.nn.Tanh", "backprop.nn.Sigmoid")
@fuzz_settings(240)
@given(data=st.data(), name=st.sampled_from(sorted(ACTIVATIONS)))
def test_activation(data, name):
    make, function, slope = ACTIVATIONS[name]
    layer = make()
    assert repr(layer) == f"{name}()" and layer.parameters() == []
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.ones((1, 1)))
    _check_layer(data, layer, data.draw(st.integers(1, 4), label="width"), function, slope)


class Doubler:
    """A layer of the reader's own, with the plain contract of chapter 8: ``backward(grad_out)``."""

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        self._shape = np.shape(x)
        return 2.0 * np.asarray(x, dtype=np.float64)

    def backward(self, grad_out):
        assert np.shape(grad_out) == self._shape
        return 2.0 * grad_out

    def parameters(self):
        return []

    def __repr__(self):
        return "Doubler()"


def _model(data, d_in, label="model"):
    """A random Sequential from d_in features, and a reference of its forward and backward passes."""
    kinds = data.draw(st.lists(st.sampled_from(["linear", "relu", "tanh", "sigmoid", "doubler", "nested"]), min_size=0, max_size=4), label=label)
    layers, width = [], d_in
    for kind in kinds:
        if kind in ("linear", "nested"):
            out = data.draw(st.integers(1, 4), label="width")
            layer = nn.Linear(width, out, rng=data.draw(st.integers(0, 99), label="rng"))
            layer.bias.data[:] = data.draw(float_arrays(out, -1, 1), label="bias")
            layers.append(nn.Sequential(layer, nn.Tanh()) if kind == "nested" else layer)
            width = out
        else:
            layers.append({"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "doubler": Doubler}[kind]())
    return nn.Sequential(*layers), width


def _reference(layer, x):
    """Forward through ``layer`` by the formulas; returns (output, backward function)."""
    if isinstance(layer, nn.Sequential):
        steps, h = [], x
        for inner in layer.layers:
            h, back = _reference(inner, h)
            steps.append(back)

        def backward(G):
            grads = []
            for back in reversed(steps):
                G, g = back(G)
                grads = g + grads
            return G, grads

        return h, backward
    if isinstance(layer, nn.Linear):
        W, b = layer.weight.data.copy(), layer.bias.data.copy()
        return x @ W + b, lambda G: (G @ W.T, [x.T @ G, G.sum(axis=0)])
    if isinstance(layer, Doubler):
        return 2 * x, lambda G: (2 * G, [])
    name = type(layer).__name__
    _, function, slope = ACTIVATIONS[name]
    return function(x), lambda G: (G * slope(x), [])


@fuzzes("backprop.nn.Sequential")
@fuzz_settings(200)
@given(data=st.data())
def test_sequential(data):
    d_in = data.draw(st.integers(1, 4), label="features")
    model, d_out = _model(data, d_in)
    relu = nn.ReLU()
    bad_layers = st.sampled_from([
        ("relu",), (nn.ReLU,), (nn.Linear,), (relu, nn.Tanh(), relu), (3,), (None,),
        (nn.Sequential(relu), relu),
    ])
    args, kind, which = draw_arguments(data, {"layers": st.just(tuple(model.layers))}, {"layers": bad_layers})
    out = call(lambda: nn.Sequential(*args["layers"]), kind=kind, which=which, names=["layer", "Sequential"])
    if out.refused:
        return
    model = out.result
    assert len(model) == len(args["layers"]) and list(model) == list(args["layers"])
    assert model.parameters() == [p for layer in model.layers for p in layer.parameters()]
    rows = data.draw(st.integers(1, 4), label="rows")
    x_good = laid_out(float_arrays((rows, d_in), -3, 3))
    width = bool(model.parameters())  # a model of activations alone takes any width
    xs, kind, which = draw_arguments(data, {"x": x_good}, {"x": _bad_inputs(rows, d_in, width=width)}, {"x": _extreme_batch((rows, d_in))})
    x = xs["x"]
    out = call(lambda: model(x), kind=kind, which=which, names=["input", repr(model)], reads=[x],
               state=lambda: _parameters_state(model))
    if out.refused and kind == EDGE:
        with pytest.raises(RuntimeError, match="before forward"):  # no backward through a refused pass
            model.backward(np.ones((rows, d_out)))
    if out.refused or kind == EDGE:
        return
    x64 = np.array(x, dtype=np.float64)
    expected, backward = _reference(model, x64)
    close(out.result, expected, rtol=1e-12, atol=1e-12)
    out.result[...] = 5.0  # the caller's array
    G_good = laid_out(float_arrays((rows, d_out), -3, 3))
    Gs, kind, which = draw_arguments(data, {"grad_out": G_good}, {"grad_out": _bad_inputs(rows, d_out)})
    G = Gs["grad_out"]
    model.zero_grad()
    out = call(lambda: model.backward(G), kind=kind, which=which, names=[repr(model)], reads=[G],
               state=lambda: _parameters_state(model))
    if out.refused:
        return
    grad_x, grads = backward(np.array(G, dtype=np.float64))
    close(out.result, grad_x, rtol=1e-10, atol=1e-12)
    for p, g in zip(model.parameters(), grads):
        close(p.grad, g, rtol=1e-10, atol=1e-12)
    model.zero_grad()
    assert all(not p.grad.any() for p in model.parameters())


def _optimizer_state(optimizer):
    buffers = [getattr(optimizer, name, []) for name in ("_velocity", "_m", "_s")]
    return [[p.data, p.grad] for p in optimizer.parameters] + buffers + [getattr(optimizer, "t", 0)]


@fuzzes("backprop.nn.fit")
@fuzz_settings(200)
@given(data=st.data())
def test_fit(data):
    d_in, rows = data.draw(st.integers(1, 3), label="features"), data.draw(st.integers(1, 9), label="rows")
    classify = data.draw(st.booleans(), label="classify")
    width = data.draw(st.integers(2, 3), label="outputs")
    first = nn.Linear(d_in, width, rng=data.draw(st.integers(0, 99), label="rng"))
    simple = data.draw(st.booleans(), label="one Linear layer")
    model = nn.Sequential(first) if simple else nn.Sequential(first, Doubler(), nn.Tanh(), nn.Linear(width, width, rng=1))
    loss = losses.SoftmaxCrossEntropy() if classify else losses.MSELoss()
    use_adam = data.draw(st.booleans(), label="Adam")
    lr = data.draw(floats(1e-3, 0.05), label="lr")
    optimizer = optim.Adam(model.parameters(), lr=lr) if use_adam else optim.SGD(model.parameters(), lr=lr)
    X = data.draw(laid_out(float_arrays((rows, d_in), -2, 2)), label="X")
    if classify:
        y = data.draw(hnp.arrays(np.int64, rows, elements=st.integers(0, width - 1)), label="y")
    else:
        y = data.draw(laid_out(float_arrays((rows, width), -2, 2), ("C", "F", "list", "float32", "readonly")), label="y")
    seen = []
    good = {
        "model": st.just(model), "loss": st.just(loss), "optimizer": st.just(optimizer), "X": st.just(X), "y": st.just(y),
        "epochs": st.integers(1, 3), "batch_size": st.integers(1, rows + 2), "seed": SEEDS_OR_GENERATORS,
        "on_epoch": st.sampled_from([None, lambda epoch, value: seen.append(("epoch", epoch, value))]),
        "on_batch": st.sampled_from([None, lambda b, n: seen.append(("batch", b, n))]),
    }
    bad = {
        "model": st.sampled_from(["model", nn.Sequential, None]),
        "loss": st.sampled_from([losses.MSELoss, "mse", lambda p, t: 0.0]),
        "optimizer": st.sampled_from(["sgd", optim.SGD, optim.SGD(nn.Linear(d_in, width).parameters())]),
        "X": st.one_of(spoiled_arrays(float_arrays((rows, d_in))), st.sampled_from([np.zeros((0, d_in)), np.zeros(d_in + 1), np.zeros((rows, d_in + 1))])),
        "y": st.sampled_from([np.zeros((rows + 1, width)), np.zeros(rows, complex), np.zeros(rows).astype(str), None,
                              np.zeros((rows, width + 1)) if not classify else np.full(rows, width)]),
        "epochs": BAD_SIZES, "batch_size": BAD_SIZES, "seed": bad_seeds().filter(lambda v: v is not None),
        "on_epoch": NOT_CALLABLE.filter(lambda v: v is not None), "on_batch": NOT_CALLABLE.filter(lambda v: v is not None),
    }
    args, kind, which = draw_arguments(data, good, bad)
    seed, same_seed = _seeded(args["seed"]) if which != "seed" else (args["seed"], None)
    args["seed"] = seed
    names = {"y": ["y", "labels", "target", "MSELoss", "SoftmaxCrossEntropy"], "X": ["X", "input"]}.get(which, [])
    before = [p.data.copy() for p in model.parameters()]
    out = call(
        lambda: nn.fit(args["model"], args["loss"], args["optimizer"], args["X"], args["y"],
                       **{k: v for k, v in args.items() if k not in ("model", "loss", "optimizer", "X", "y")}),
        kind=kind, which=which, names=names + ["learning rate"], reads=[X, y],
        state=(lambda: _optimizer_state(optimizer)) if kind == BAD else None,
        also=(FloatingPointError,), refusable=True,
    )
    if out.refused:
        if kind == GOOD:
            assert isinstance(out.error, FloatingPointError), out.error
        else:
            assert not seen, "a refused fit must take no step"
        return
    epochs, batch_size = int(args["epochs"]), int(args["batch_size"])
    history = out.result
    n_batches = -(-rows // batch_size)
    assert len(history) == epochs
    expected_calls = []
    for epoch in range(1, epochs + 1):
        if args["on_batch"] is not None:
            expected_calls += [("batch", b, n_batches) for b in range(1, n_batches + 1)]
        if args["on_epoch"] is not None:
            expected_calls.append(("epoch", epoch, history[epoch - 1]))
    assert seen == expected_calls
    if simple and not classify and not use_adam:  # the loop of chapter 9, by hand
        X64, Y64 = np.array(X, dtype=np.float64), np.array(y, dtype=np.float64)
        W, b = before
        expected_history = []
        for _ in range(epochs):
            order, total = same_seed.permutation(rows), 0.0
            for start in range(0, rows, batch_size):
                batch = order[start : start + batch_size]
                diff = X64[batch] @ W + b - Y64[batch]
                total += np.mean(diff * diff) * len(batch)
                G = 2 * diff / diff.size
                W, b = W - lr * (X64[batch].T @ G), b - lr * G.sum(axis=0)
            expected_history.append(total / rows)
        close(history, expected_history, rtol=1e-10)
        close(model[0].weight.data, W, rtol=1e-10, atol=1e-14)
        close(model[0].bias.data, b, rtol=1e-10, atol=1e-14)


# -------------------------------------------------------------------- optim


def _parameters(data, label="parameters"):
    shapes = data.draw(st.lists(st.lists(st.integers(1, 3), max_size=2).map(tuple), min_size=1, max_size=3), label=label)
    params = [nn.Parameter(data.draw(float_arrays(shape, -2, 2), label="data"), name=f"p{i}") for i, shape in enumerate(shapes)]
    return params


def _read_only(p):
    p.data.flags.writeable = False
    return p


@fuzzes("backprop.optim.SGD", "backprop.optim.Adam")
@fuzz_settings(240)
@given(data=st.data(), adam=st.booleans())
def test_optimizer(data, adam):
    params = _parameters(data)
    model = nn.Linear(2, 1)
    good = {"parameters": st.sampled_from([params, tuple(params), "iter"]), "lr": positive_numbers(1e-3, 0.5)}
    bad = {
        "parameters": st.sampled_from([model.parameters, "abc", [], params + params[:1], [_read_only(nn.Parameter(np.zeros(2)))],
                                       [object()], 3, None, [np.zeros(2)]]),
        "lr": BAD_RATES,
    }
    if adam:
        good |= {"betas": st.tuples(floats(0, 0.99), floats(0, 0.999)), "eps": positive_numbers(1e-10, 1e-3)}
        bad |= {"betas": st.one_of(st.sampled_from([(0.9,), (1.0, 0.9), (0.9, 1.0), (-0.1, 0.9), "ab", 0.9, np.array([0.9, 0.99])]),
                                   st.tuples(NOT_REAL, st.just(0.9)), st.tuples(st.just(0.9), NOT_REAL)),
                "eps": st.one_of(st.sampled_from([0, -1e-8]), NOT_REAL)}
    else:
        good |= {"momentum": st.one_of(st.just(0), floats(0, 0.99))}
        bad |= {"momentum": st.one_of(st.sampled_from([1, 1.0, -0.1, 2]), NOT_REAL)}
    args, kind, which = draw_arguments(data, good, bad)
    if args["parameters"] == "iter":
        args["parameters"] = iter(params)
    make = optim.Adam if adam else optim.SGD
    words = {"parameters": ["parameter", "parameters 0", "SGD", "Adam"], "betas": ["betas[0]", "betas[1]"]}.get(which, [])
    out = call(lambda: make(**args), kind=kind, which=which, names=words)
    if out.refused:
        return
    optimizer = out.result
    assert repr(optimizer).startswith(f"{make.__name__}(lr=")
    lr = float(args["lr"])
    W = [p.data.copy() for p in params]
    state = [[np.zeros_like(w), np.zeros_like(w)] for w in W]
    for t in range(1, data.draw(st.integers(1, 3), label="steps") + 1):
        grads = [data.draw(float_arrays(w.shape, -5, 5), label="grad") for w in W]
        for p, g in zip(params, grads):
            p.grad[...] = g
        # (A NaN in .grad is not refused by step(): the model refuses the
        # weights at its next forward pass; see test_bad_inputs.py.)
        out = call(optimizer.step, kind=GOOD, which=None)
        for i, g in enumerate(grads):
            if adam:
                b1, b2 = (float(b) for b in args["betas"])
                m, s = state[i]
                m[...] = b1 * m + (1 - b1) * g
                s[...] = b2 * s + (1 - b2) * g * g
                W[i] = W[i] - lr * (m / (1 - b1**t)) / (np.sqrt(s / (1 - b2**t)) + float(args["eps"]))
            else:
                v = state[i][0]
                v[...] = float(args["momentum"]) * v + g
                W[i] = W[i] - lr * v
        for p, w in zip(params, W):
            close(p.data, w, rtol=1e-12, atol=1e-14)
    optimizer.zero_grad()
    assert all(not p.grad.any() for p in params)


# ---------------------------------------------------------------- gradcheck


def _checkable(data, d_in):
    """A layer, model or loss for gradcheck, with the keyword arguments it needs."""
    kind = data.draw(st.sampled_from(["Linear", "ReLU", "Tanh", "Sigmoid", "model", "model+mse", "model+ce", "mse", "ce"]), label="f")
    rng = data.draw(st.integers(0, 99), label="rng")
    rows = data.draw(st.integers(1, 3), label="rows")
    if kind == "Linear":
        return nn.Linear(d_in, 2, rng=rng), {}, rows
    if kind in ("ReLU", "Tanh", "Sigmoid"):
        return getattr(nn, kind)(), {}, rows
    model = nn.Sequential(nn.Linear(d_in, 3, rng=rng), nn.Tanh(), nn.Linear(3, 2, rng=rng + 1))
    if kind == "model":
        return model, {}, rows
    if kind == "model+mse":
        return model, {"loss": losses.MSELoss(), "target": data.draw(float_arrays((rows, 2)), label="target")}, rows
    labels = data.draw(hnp.arrays(np.int64, rows, elements=st.integers(0, 1)), label="labels")
    if kind == "model+ce":
        return model, {"loss": losses.SoftmaxCrossEntropy(), "target": labels}, rows
    if kind == "mse":
        return losses.MSELoss(), {"target": data.draw(float_arrays((rows, d_in)), label="target")}, rows
    return losses.SoftmaxCrossEntropy(), {"target": data.draw(hnp.arrays(np.int64, rows, elements=st.integers(0, d_in - 1)), label="labels")}, rows


@fuzzes("backprop.gradcheck.gradcheck", "backprop.gradcheck.GradCheckReport", "backprop.gradcheck.GradCheckEntry",
        "backprop.gradcheck.GOOD")
@fuzz_settings(160)
@given(data=st.data())
def test_gradcheck(data):
    d_in = data.draw(st.integers(1, 3), label="features")
    f, extra, rows = _checkable(data, d_in)
    params = f.parameters() if hasattr(f, "parameters") else []
    good = {"x": laid_out(float_arrays((rows, d_in), -2, 2), ("C", "F", "strided", "readonly")),
            "h": st.sampled_from([1e-5, 1e-6, np.float64(1e-5)]), "seed": good_seeds()}
    good |= {k: st.just(v) for k, v in extra.items()}
    bad = {
        "x": st.one_of(laid_out(float_arrays((rows, d_in)), ("list", "float32", "int64")), spoiled_arrays(float_arrays((rows, d_in)))),
        "h": st.one_of(st.sampled_from([0.0, -1e-5, 1, "1e-5", None]), NON_FINITE),
        "seed": bad_seeds(),
        "loss": st.sampled_from(["mse", losses.MSELoss, 3]),
        "target": st.just(None),
    }
    if not extra:
        del bad["target"]
    if "loss" not in extra:
        del bad["loss"]
    args, kind, which = draw_arguments(data, good, bad)
    kwargs = {k: v for k, v in args.items() if k != "x"}
    names = {"target": ["target"], "loss": ["loss"]}.get(which, [])
    out = call(lambda: gradcheck.gradcheck(f, args["x"], **kwargs), kind=kind, which=which, names=names,
               reads=[args["x"]] + [p.data for p in params] + ([kwargs["target"]] if kwargs.get("target") is not None else []),
               state=lambda: [(p.data, p.grad) for p in params])
    if out.refused:
        return
    report = out.result
    assert isinstance(report, gradcheck.GradCheckReport) and report.h == args["h"]
    names = [e.name for e in report.entries]
    assert names[0] == "input" and len(names) == 1 + len(params)
    for entry in report.entries:
        assert isinstance(entry, gradcheck.GradCheckEntry) and entry.verdict in ("good", "fair")
        assert entry.error <= 1e-6, f"a correct gradient reported as off by {entry.error}: {entry}"
        assert report[entry.name] is entry
    assert report.ok(1e-6) and report.max_error == max(e.error for e in report.entries)
    assert report.verdicts() == {e.name: e.verdict for e in report.entries}
    assert str(report).splitlines()[0].startswith("array") and len(str(report).splitlines()) == 1 + len(names)
    with pytest.raises(KeyError, match="no array named"):  # a lookup by name: KeyError, as for a dict
        report["nothing"]
    tol = data.draw(st.one_of(NON_FINITE, NOT_NUMBERS, st.just(-1e-7)), label="tol")
    call(lambda: report.ok(tol), kind=BAD, which="tol")
    if isinstance(f, nn.ReLU):
        assert report.kinks == sum(e.kinks for e in report.entries) >= 0


@fuzzes("backprop.gradcheck.relative_error")
@fuzz_settings(160)
@given(data=st.data(), shape=st.lists(st.integers(0, 3), max_size=2).map(tuple))
def test_relative_error(data, shape):
    good = {"analytic": laid_out(float_arrays(shape), ("C", "F", "list", "float32", "int64")),
            "numeric": laid_out(float_arrays(shape), ("C", "strided", "readonly"))}
    wrong_size = np.zeros(int(np.prod(shape)) + 1)
    bad = {"analytic": st.one_of(spoiled_arrays(float_arrays(shape)), st.just(wrong_size)),
           "numeric": st.one_of(spoiled_arrays(float_arrays(shape)), st.just(wrong_size))}
    args, kind, which = draw_arguments(data, good, bad)
    out = call(lambda: gradcheck.relative_error(args["analytic"], args["numeric"]), kind=kind, which=which,
               names=["analytic", "numeric"], reads=list(args.values()))
    if not out.refused:
        a = np.asarray(args["analytic"], np.float64).ravel()
        n = np.asarray(args["numeric"], np.float64).ravel()
        scale = max(np.linalg.norm(a), np.linalg.norm(n))
        close(out.result, np.linalg.norm(a - n) / scale if scale else 0.0, rtol=1e-12)


@fuzzes("backprop.gradcheck.verdict", "backprop.gradcheck.WRONG")
@fuzz_settings(120)
@given(data=st.data())
def test_verdict(data):
    args, kind, which = draw_arguments(
        data, {"error": st.one_of(real_numbers(0, 1), floats(0, 1e-6), st.sampled_from([0, 1e-7, 1e-4, 1e-2, math.inf, math.nan]))},
        {"error": st.one_of(NOT_NUMBERS.filter(lambda v: not isinstance(v, np.ndarray)), st.sampled_from([-1.0, -1e-9]))},
    )
    out = call(lambda: gradcheck.verdict(args["error"]), kind=kind, which=which)
    if not out.refused:
        e = float(args["error"])
        expected = ("good" if e <= gradcheck.GOOD else "fair" if e <= 1e-4 else "poor" if e <= gradcheck.WRONG else "wrong") if math.isfinite(e) else "wrong"
        assert out.result == expected


# ----------------------------------------------------------------- twolayer

WEIGHTS = st.one_of(
    st.tuples(*[real_numbers(-2, 2)] * 4),
    st.lists(floats(-2, 2), min_size=4, max_size=4),
    st.just(twolayer.START),
)
BAD_WEIGHTS = st.one_of(
    st.sampled_from([(0.5, 0.5, 0.5), (0.5,) * 5, "abcd", None, 0.5, {"w11": 0.5}, np.array([0.5] * 4)]),
    st.tuples(NOT_REAL, st.just(0.5), st.just(0.5), st.just(0.5)),
    st.tuples(st.just(0.5), st.just(0.5), st.just(0.5), NOT_REAL),
)
EDGE_WEIGHTS = st.sampled_from([(1e200, 0.0, 1e200, 0.0), (1e308, 1e308, 1.0, 1e308), (0.0, 1e-300, 1e300, 0.0)])
WEIGHT_NAMES = ["weights", "weights[0] (w11)", "weights[1] (w12)", "weights[2] (w21)", "weights[3] (w22)"]


def _forward(w, x):
    h = w[0] * x + w[1]
    return h, w[2] * h + w[3]


def _analytic(w, x, y):
    h, o = _forward(w, x)
    d = 2 * (o - y)
    return (d * w[2] * x, d * w[2], d * h, d)


@fuzzes("backprop.twolayer.neuron", "backprop.twolayer.sq_error")
@fuzz_settings(160)
@given(data=st.data(), which_function=st.sampled_from(["neuron", "sq_error"]))
def test_neuron_and_sq_error(data, which_function):
    arrays = float_arrays(st.integers(1, 4), -10, 10)
    number = st.one_of(real_numbers(-10, 10), arrays)
    names = ("w", "b", "x") if which_function == "neuron" else ("o", "y")
    good = {name: number for name in names}
    bad = {name: st.one_of(NOT_NUMBERS.filter(lambda v: not isinstance(v, (np.ndarray, list, complex, np.complexfloating))), NON_FINITE,
                           spoiled_arrays(arrays, ("bool", "str", "object", "nan", "inf"))) for name in names}
    edge = {names[0]: st.sampled_from([1e300, -1e300]), names[-1]: st.sampled_from([1e300, np.full(2, -1e300)])}
    args, kind, which = draw_arguments(data, good, bad, edge)
    if kind == GOOD and len({np.shape(v) for v in args.values()} - {()}) > 1:
        args = {k: (v if np.ndim(v) == 0 else np.asarray(v).ravel()[:1]) for k, v in args.items()}
    function = getattr(twolayer, which_function)
    out = call(lambda: function(*args.values()), kind=kind, which=which, names=list(names), reads=list(args.values()))
    if not out.refused:
        v = [np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray) else float(a) for a in args.values()]
        expected = v[0] * v[2] + v[1] if which_function == "neuron" else (v[0] - v[1]) ** 2
        close(out.result, expected, rtol=1e-12, atol=1e-300)
    if which_function == "sq_error":  # the complex step of grad_chain carries complex numbers through
        assert twolayer.sq_error(complex(3.0, 1e-20), 1.0).imag == 4e-20


@fuzzes("backprop.twolayer.forward", "backprop.twolayer.error", "backprop.twolayer.as_line", "backprop.twolayer.START")
@fuzz_settings(200)
@given(data=st.data(), function=st.sampled_from(["forward", "error", "as_line"]))
def test_twolayer_formulas(data, function):
    good = {"weights": WEIGHTS, "x": st.one_of(real_numbers(-5, 5), float_arrays(st.integers(1, 3), -5, 5)), "y": real_numbers(-5, 5)}
    bad = {"weights": BAD_WEIGHTS, "x": st.one_of(NOT_NUMBERS.filter(lambda v: not isinstance(v, np.ndarray)), NON_FINITE, HUGE_INTEGERS),
           "y": st.one_of(NOT_NUMBERS.filter(lambda v: not isinstance(v, np.ndarray)), NON_FINITE, HUGE_INTEGERS)}
    edge = {"weights": EDGE_WEIGHTS, "x": st.sampled_from([1e300, -1e308])}
    if function == "as_line":
        good, bad, edge = {"weights": good["weights"]}, {"weights": bad["weights"]}, {"weights": edge["weights"]}
    if function == "forward":
        del good["y"], bad["y"]
    args, kind, which = draw_arguments(data, good, bad, edge)
    if function == "error" and which == "weights":
        which = None if kind != BAD else which
    if function == "forward":
        run = lambda: twolayer.forward(args["weights"], args["x"])  # noqa: E731
    elif function == "error":
        w = args["weights"]
        if kind == BAD and which == "weights" and not (isinstance(w, tuple) and len(w) == 4):
            return  # error takes the four weights one by one
        run = lambda: twolayer.error(*w, args["x"], args["y"])  # noqa: E731
        kind, which = (kind, "weights") if which is None and kind == BAD else (kind, which)
    else:
        run = lambda: twolayer.as_line(args["weights"])  # noqa: E731
    out = call(run, kind=kind, which=which, names=WEIGHT_NAMES + ["x", "y", "w11", "w12", "w21", "w22", "o1", "h1", "slope", "intercept"],
               reads=list(args.values()))
    if out.refused:
        return
    w = [float(v) for v in args["weights"]]
    x = np.asarray(args["x"], dtype=np.float64) if isinstance(args.get("x"), np.ndarray) else float(args.get("x", 0.0))
    if function == "forward":
        for got, want in zip(out.result, _forward(w, x)):
            close(got, want, rtol=1e-12, atol=1e-300)
    elif function == "error":
        close(out.result, (_forward(w, x)[1] - float(args["y"])) ** 2, rtol=1e-12, atol=1e-300)
    else:
        close(out.result, (w[2] * w[0], w[2] * w[1] + w[3]), rtol=1e-12, atol=1e-300)
    assert twolayer.START == (0.5, 0.5, 0.5, 0.5)


@fuzzes("backprop.twolayer.grad_numeric", "backprop.twolayer.grad_chain", "backprop.twolayer.grad_analytic",
        "backprop.twolayer.GRADIENTS")
@fuzz_settings(240)
@given(data=st.data(), name=st.sampled_from(sorted(twolayer.GRADIENTS)))
def test_twolayer_gradients(data, name):
    grad = twolayer.GRADIENTS[name]
    assert grad is getattr(twolayer, f"grad_{name}")
    good = {"weights": WEIGHTS, "x": real_numbers(-3, 3), "y": real_numbers(-3, 3), "neuron": st.just(twolayer.neuron)}
    bad = {"weights": BAD_WEIGHTS, "x": NOT_REAL, "y": NOT_REAL, "neuron": NOT_CALLABLE.filter(lambda v: v is not None)}
    edge = {"weights": EDGE_WEIGHTS, "x": st.sampled_from([1e300, -1e200])}
    if name != "analytic":
        good |= {"method": st.sampled_from(["central", "richardson", "forward"] + (["complex"] if name == "chain" else [])),
                 "loss": st.just(twolayer.sq_error)}
        bad |= {"method": BAD_METHODS, "loss": NOT_CALLABLE.filter(lambda v: v is not None)}
    args, kind, which = draw_arguments(data, good, bad, edge)
    out = call(lambda: grad(**args), kind=kind, which=which, names=WEIGHT_NAMES + ["x", "y", "f"], reads=[args["weights"]])
    if out.refused:
        return
    assert isinstance(out.result, tuple) and len(out.result) == 4
    w, x, y = [float(v) for v in args["weights"]], float(args["x"]), float(args["y"])
    expected = _analytic(w, x, y)
    if name == "analytic":
        close(out.result, expected, rtol=1e-12, atol=1e-300)
    elif kind == GOOD:
        scale = 1 + max(abs(v) for v in expected) + abs(_forward(w, x)[1] - y) * (1 + abs(x)) ** 2 * (1 + max(map(abs, w))) ** 2
        close(out.result, expected, atol={"forward": 1e-6}.get(args["method"], 1e-8) * scale, rtol=0)


@fuzzes("backprop.twolayer.mean_squared_error")
@fuzz_settings(160)
@given(data=st.data())
def test_mean_squared_error(data):
    args, kind, which = _pair_args(data, {"weights": WEIGHTS}, {"weights": BAD_WEIGHTS}, {"weights": EDGE_WEIGHTS})
    out = call(lambda: twolayer.mean_squared_error(args["weights"], args["X"], args["y"]), kind=kind, which=which,
               names=WEIGHT_NAMES + ["X", "y"], reads=list(args.values()))
    if not out.refused:
        w = [float(v) for v in args["weights"]]
        o = _forward(w, _vector(args["X"]))[1]
        close(out.result, np.mean((o - _vector(args["y"])) ** 2), rtol=1e-12, atol=1e-300)


@fuzzes("backprop.twolayer.train", "backprop.twolayer.Training")
@fuzz_settings(160)
@given(data=st.data())
def test_twolayer_train(data):
    good = {"gradient": st.sampled_from(["analytic", "chain", "numeric", twolayer.grad_analytic]),
            "learning_rate": positive_numbers(1e-3, 0.1), "epochs": st.integers(1, 4), "weights": WEIGHTS}
    bad = {"gradient": st.sampled_from(["magic", 3, None, ["analytic"]]), "learning_rate": BAD_RATES,
           "epochs": BAD_COUNTS, "weights": BAD_WEIGHTS}
    args, kind, which = _pair_args(data, good, bad, {"learning_rate": st.sampled_from([10.0, 1e300])})
    out = call(lambda: twolayer.train(**args),
               kind=kind, which=which, names=WEIGHT_NAMES + ["learning_rate", "X", "y"], refusable=True)
    if out.refused:
        if kind == GOOD:
            assert "diverged" in str(out.error) and "learning_rate" in str(out.error)
        return
    result = out.result
    assert isinstance(result, twolayer.Training) and len(result.history) == int(args["epochs"]) + 1
    if args["gradient"] in ("analytic", twolayer.grad_analytic):  # stochastic gradient descent, by hand
        w = [float(v) for v in args["weights"]]
        lr = float(args["learning_rate"])
        for _ in range(int(args["epochs"])):
            for xi, yi in zip(_vector(args["X"]), _vector(args["y"])):
                g = _analytic(w, float(xi), float(yi))
                w = [wk - lr * gk for wk, gk in zip(w, g)]
        close(result.weights, w, rtol=1e-9, atol=1e-12)
    assert result.history[-1] == twolayer.mean_squared_error(result.weights, args["X"], args["y"])


# ------------------------------------------------------------- command line

CLI_FLAGS = {
    "--epochs": (["1", "2"], ["0", "-1", "x", "1.5", "1" + "0" * 30, "9" * 400, ""]),
    "--seed": (["0", "7", "4294967296"], ["-1", "x", "1e3"]),
    "--hidden": (["1", "4", "8"], ["0", "-3", "many", "1" + "0" * 30]),
    "--lr": (["0.01", "0.003", "1e-2", "1e6"], ["0", "-0.1", "nan", "inf", "1e400", "x", "-inf"]),
    "--batch-size": (["256", "1438", "5000"], ["0", "-1", "x", "2.5"]),
}


@fuzzes("backprop.__main__.main")
@fuzz_settings(50)
@given(data=st.data())
def test_command_line(data):
    from backprop.__main__ import main

    argv = [data.draw(st.sampled_from(["train-digits"] * 6 + ["train", "", "--epochs"]), label="command")]
    expect_error = argv[0] != "train-digits"
    for flag, (good, bad) in CLI_FLAGS.items():
        choice = data.draw(st.sampled_from(["skip", "good", "good", "bad"]), label=flag)
        if flag in ("--epochs", "--hidden", "--batch-size") and choice == "skip":
            choice = "good"  # the defaults train for 30 epochs: too long for a test
        if choice != "skip":
            value = data.draw(st.sampled_from(bad if choice == "bad" else good), label=f"{flag} value")
            argv += [f"{flag}={value}" if value.startswith("-") or not value else flag, value][: 1 if value.startswith("-") or not value else 2]
            expect_error |= choice == "bad"
    if data.draw(st.booleans(), label="unknown flag"):
        argv.append(data.draw(st.sampled_from(["--verbose", "-x", "extra"]), label="flag"))
        expect_error = True
    argv.append(data.draw(st.sampled_from(["--progress", "--no-progress"]), label="progress"))
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = main(argv)
        except SystemExit as exit:  # argparse's own errors
            status = exit.code
    err = stderr.getvalue()
    assert status in (0, 2), (argv, status, err)
    assert "Traceback" not in err and "backprop._" not in err and "_argument" not in err, err
    if expect_error:
        assert status == 2, (argv, stdout.getvalue())
        lines = [line for line in err.splitlines() if "error:" in line]
        assert len(lines) == 1 and lines[0] == err.strip().splitlines()[-1], err
    elif status == 2:  # a run that diverged (--lr 1e6): one clean line
        assert err.strip().splitlines() == [err.strip().splitlines()[-1]] and "diverged" in err, err
        assert "learning rate" in err
    else:
        assert stdout.getvalue().rstrip().splitlines()[-1].startswith("test accuracy"), err


# ------------------------------------------- what the fuzzing found, pinned

def test_gradcheck_does_not_cry_wolf_below_the_rounding_noise():
    """Found by test_gradcheck: a correct model whose gradient is ~1e-134 was reported 'wrong'.

    At x = 0 with a target of -7.6e-134 the loss is ~1e-10 and its true gradient
    ~1e-134, far below what a difference of losses can resolve (numeric: 0).
    """
    model = nn.Sequential(nn.Linear(3, 3, rng=14), nn.Tanh(), nn.Linear(3, 2, rng=15))
    target = np.array([[-7.55072149e-134, 0.0], [0.0, 0.0]])
    report = gradcheck.gradcheck(model, np.zeros((2, 3)), loss=losses.MSELoss(), target=target)
    assert report.ok(), str(report)
    # a wrong gradient of ordinary size is still caught
    assert gradcheck._relative_error(np.array([1.0]), np.array([0.5]), noise=1e-12) == 0.5


def test_forward_computes_in_float64_whatever_number_type_x_is():
    """Found by test_twolayer_formulas: a float16 x made the whole network compute in float16."""
    weights = (np.float16(-1.775), 1.119076018101763e-38, 0.10204257924403892, np.float16(2.0))
    x = np.float16(-1.118)
    w = [float(v) for v in weights]
    h1 = w[0] * float(x) + w[1]
    assert twolayer.forward(weights, x) == (h1, w[2] * h1 + w[3])


def test_a_complex_step_too_small_is_refused_not_rounded():
    """Found by test_derivative: h=5e-324 gave the derivative of sin at -8.5 as -1.0."""
    assert math.isclose(calculus.derivative(_sin, 1.0, method="complex", h=1e-300), math.cos(1.0), rel_tol=1e-15)
    for h in (5e-324, float(np.finfo(float).tiny)):  # Im sin(1 + ih) = 0.54 h: subnormal
        with pytest.raises(ValueError, match="h"):
            calculus.derivative(_sin, 1.0, method="complex", h=h)
