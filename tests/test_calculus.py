"""backprop.calculus: accuracy of derivative/partial, and its errors."""

from __future__ import annotations

import cmath
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop.calculus import METHODS, derivative, partial

# (name, f, f', points): smooth functions at moderate x.
SMOOTH = [
    ("cube", lambda x: x * x * x, lambda x: 3 * x * x, [-3.0, -0.5, 0.7, 2.0, 10.0]),
    ("sin", math.sin, math.cos, [-2.0, 0.3, 1.0, 4.0]),
    ("exp", math.exp, math.exp, [-5.0, 0.0, 1.0, 20.0]),
    ("log", math.log, lambda x: 1 / x, [1e-3, 0.5, 2.0, 100.0]),
    ("reciprocal", lambda x: 1 / x, lambda x: -1 / (x * x), [-4.0, 0.01, 0.3, 7.0]),
    ("tanh", math.tanh, lambda x: 1 - math.tanh(x) ** 2, [-1.5, 0.2, 2.0]),
    ("sqrt", math.sqrt, lambda x: 0.5 / math.sqrt(x), [1e-3, 0.5, 9.0]),
    ("gaussian", lambda x: math.exp(-x * x), lambda x: -2 * x * math.exp(-x * x), [-1.0, 0.4, 1.7]),
]
CASES = [(name, f, df, x) for name, f, df, points in SMOOTH for x in points]


def rel_error(estimate: float, exact: float) -> float:
    return abs(estimate - exact) / max(abs(exact), 1e-300)


@pytest.mark.parametrize("name, f, df, x", CASES, ids=[f"{c[0]}@{c[3]}" for c in CASES])
def test_default_derivative_is_accurate_to_1e_9(name, f, df, x):
    assert rel_error(derivative(f, x), df(x)) <= 1e-9


@pytest.mark.parametrize(
    "method, tolerance", [("forward", 1e-6), ("central", 1e-8), ("richardson", 1e-11)]
)
def test_each_method_meets_its_expected_accuracy(method, tolerance):
    for name, f, df, x in CASES:
        if name in ("log", "sqrt", "reciprocal") and abs(x) < 0.1:
            continue  # strongly curved near a singularity: a fixed-step method cannot
        assert rel_error(derivative(f, x, method=method), df(x)) <= tolerance, (name, x)


def test_complex_step_is_exact_to_machine_precision_on_analytic_functions():
    import cmath

    for f, df, x in [(cmath.sin, math.cos, 1.0), (cmath.exp, math.exp, 3.0),
                     (lambda z: z * z * z, lambda x: 3 * x * x, 2.5)]:
        assert rel_error(derivative(f, x, method="complex"), df(x)) <= 4 * np.finfo(float).eps


@settings(max_examples=200, deadline=None)
@given(
    coefficients=st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=6),
    x=st.floats(-3, 3, allow_nan=False),
)
def test_polynomials_match_their_analytic_derivative(coefficients, x):
    p = np.polynomial.Polynomial(coefficients)
    dp = p.deriv()
    exact = float(dp(x))
    scale = float(np.polynomial.Polynomial(np.abs(coefficients)).deriv()(abs(x))) + 1.0
    assert abs(derivative(lambda t: float(p(t)), x) - exact) <= 1e-9 * scale


@settings(max_examples=100, deadline=None)
@given(
    a=st.floats(-5, 5, allow_nan=False),
    b=st.floats(-5, 5, allow_nan=False),
    c=st.floats(0.1, 5, allow_nan=False),
)
def test_partial_derivatives_of_a_three_argument_function(a, b, c):
    def f(x, y, z):
        return x * y * y + math.sin(x) * z + math.log(z)

    grads = [partial(f, i, a, b, c) for i in range(3)]
    exact = [b * b + math.cos(a) * c, 2 * a * b, math.sin(a) + 1 / c]
    for got, want in zip(grads, exact):
        assert abs(got - want) <= 1e-9 * (1 + abs(want))


def test_partial_holds_other_arguments_fixed_even_arrays():
    X = np.array([1.0, 2.0, 3.0])
    y = np.array([2.0, 4.0, 7.0])

    def error(m, c, X, y):
        return float(np.sum((m * X + c - y) ** 2))

    m, c = 1.5, 0.5
    residual = m * X + c - y
    assert partial(error, 0, m, c, X, y) == pytest.approx(2 * np.sum(residual * X), rel=1e-10)
    assert partial(error, 1, m, c, X, y) == pytest.approx(2 * np.sum(residual), rel=1e-10)


def test_size_one_array_results_are_accepted():
    assert derivative(lambda x: np.array([x * x]), 3.0) == pytest.approx(6.0, rel=1e-12)


def test_derivative_returns_a_python_float():
    assert type(derivative(lambda x: x * x, np.float64(2.0))) is float
    assert type(partial(lambda a, b: a * b, 1, 2, 3)) is float


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: derivative(42, 1.0), TypeError, "f must be a callable"),
        (lambda: derivative(math.sin, "1"), TypeError, "x must be a real number"),
        (lambda: derivative(math.sin, None), TypeError, "x must be a real number"),
        (lambda: derivative(math.sin, True), TypeError, "x must be a real number"),
        (lambda: derivative(math.sin, math.nan), ValueError, "x must be a finite number"),
        (lambda: derivative(math.sin, math.inf), ValueError, "x must be a finite number"),
        (lambda: derivative(math.sin, 1.0, method="magic"), ValueError, "method must be one of"),
        (lambda: derivative(math.sin, 1.0, h=0.0), ValueError, "h must be a positive step"),
        (lambda: derivative(math.sin, 1.0, h=-1e-3), ValueError, "h must be a positive step"),
        (lambda: derivative(math.sin, 1.0, h=math.nan), ValueError, "h must be a finite number"),
        (lambda: derivative(math.sin, 1.0, method="forward", h=1e-20), ValueError, "too small"),
        (lambda: derivative(lambda x: np.ones(3) * x, 1.0), ValueError, "single number"),
        (lambda: derivative(lambda x: "abc", 1.0), TypeError, "f must return a number"),
        (lambda: derivative(abs, 1.0, method="complex"), TypeError, "method='richardson'"),
        (lambda: derivative(lambda x: x * math.inf, 1.0, method="central"), ValueError, "not finite"),
        (lambda: derivative(lambda x: x * math.inf, 1.0), ValueError, "not finite"),
        (lambda: partial("f", 0, 1.0), TypeError, "f must be a callable"),
        (lambda: partial(math.sin, 1, 1.0), IndexError, "0 <= i < 1, got 1"),
        (lambda: partial(math.sin, -1, 1.0), IndexError, "got -1"),
        (lambda: partial(math.sin, 0), IndexError, "no arguments"),
        (lambda: partial(math.sin, 0.0, 1.0), TypeError, "i must be an integer"),
        (lambda: partial(math.sin, 0, [1.0]), TypeError, "args[0] must be a real number"),
        (lambda: partial(math.hypot, 1, 1.0, math.nan), ValueError, "args[1] must be a finite"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_argument(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_methods_constant_lists_every_method():
    for method in METHODS:
        assert derivative(lambda x: x * x, 1.5, method=method) == pytest.approx(3.0, rel=1e-6)


@pytest.mark.parametrize("method", ["richardson", "forward", "complex"])
@pytest.mark.parametrize(
    ("f", "x", "cause"),
    [(lambda x: 1 / x, 0.0, "ZeroDivisionError"), (math.log, 0.0, "math domain error"),
     (lambda x: 1 / (x - 2) ** 2, 2.0, "ZeroDivisionError"), (lambda x: x * math.inf, 1.0, "not finite")],
)
def test_no_derivative_where_f_cannot_be_evaluated(method, f, x, cause):
    if method == "complex" and f is math.log:
        f = cmath.log  # the complex step needs an f that takes complex numbers
        cause = "math domain error"
    with pytest.raises(ValueError, match="no derivative there") as info:
        derivative(f, x, method=method)
    assert cause in str(info.value) or cause in repr(info.value.__cause__)


def test_the_bare_central_difference_evaluates_f_only_beside_x():
    calls = []

    def f(x):
        calls.append(x)
        return x * x

    assert derivative(f, 1.0, method="central") == pytest.approx(2.0)
    assert len(calls) == 2 and 1.0 not in calls
    calls.clear()
    derivative(f, 1.0, method="forward")
    assert calls.count(1.0) == 1  # f(x) once, shared by the check and the formula


# ------------------------------------ pinned by mutation testing (make mutation)


def _cube(x):
    return x * x * x


def test_h_and_method_change_the_result_as_their_formulas_say():
    assert derivative(_cube, 2.0, method="central", h=0.5) == 12.25      # (2.5**3 - 1.5**3) / 1
    assert derivative(_cube, 2.0, method="forward", h=0.5) == 15.25      # (2.5**3 - 2**3) / 0.5
    assert derivative(_cube, 2.0, method="complex", h=1e-3) == pytest.approx(12.0 - 1e-6, abs=1e-12)
    assert partial(lambda a, b: _cube(a) + b, 0, 2.0, 7.0, method="central", h=0.5) == 12.25
    assert partial(lambda a, b: _cube(a) + b, 0, 2.0, 7.0, method="forward", h=0.5) == 15.25
    assert partial(lambda a, b: _cube(a) * b, 0, 2.0, 1.0, h=0.5) == derivative(_cube, 2.0, h=0.5)
    assert derivative(math.sin, 1.0, h=3.0) != derivative(math.sin, 1.0)


@pytest.mark.parametrize("x", [0.5, 0.25, -0.75, 3.0])
def test_the_default_steps_are_scaled_to_x(x):
    h = 6.055454452393343e-06 * max(1.0, abs(x))
    assert derivative(_cube, x, method="central") == (_cube(x + h) - _cube(x - h)) / ((x + h) - (x - h))
    h = math.sqrt(float(np.finfo(float).eps)) * max(1.0, abs(x))
    assert derivative(_cube, x, method="forward") == (_cube(x + h) - _cube(x)) / ((x + h) - x)
    assert derivative(_cube, x, method="complex") == pytest.approx(3 * x * x, rel=1e-14)


def test_an_unknown_method_lists_the_methods():
    with pytest.raises(ValueError) as info:
        derivative(_cube, 1.0, method="x")
    assert str(info.value) == "method must be one of 'richardson', 'central', 'forward', 'complex', got 'x'"


def test_partial_says_when_no_arguments_were_given():
    with pytest.raises(IndexError) as info:
        partial(_cube, 0)
    assert str(info.value) == "i must be a position in args, 0 <= i < 0, got 0 (no arguments were given after i)"
    with pytest.raises(IndexError) as info:
        partial(_cube, 1, 2.0)
    assert str(info.value) == "i must be a position in args, 0 <= i < 1, got 1"
    with pytest.raises(TypeError) as info:
        partial(_cube, 0.0, 2.0)
    assert str(info.value) == "i must be an integer position, got float 0.0"


TINY = float(np.finfo(float).tiny)


class Outside(ValueError):
    """What the test functions below raise outside their domain."""


def _exact_message(call, error):
    with pytest.raises(error) as info:
        call()
    return str(info.value)


def _single_number_then(shape_after, x):
    """A number at ``x`` itself, an array of ``shape_after`` anywhere else."""
    return lambda t: t if t == x else np.ones(shape_after)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: derivative(42, 1.0), TypeError, "f must be a callable function of numbers, got int 42"),
        (lambda: derivative(lambda t: complex(t, 1.0), 1.0), TypeError,
         "f must return a real number, but at x=1.0 it returned (1+1j)"),
        (lambda: derivative(lambda t: "abc", 1.0), TypeError,
         "f must return a number, but at x=1.0 it returned str 'abc'"),
        (lambda: derivative(lambda t: np.ones(3) * t, 1.0), ValueError,
         "f must return a single number, but at x=1.0 it returned an array of shape (3,)"),
        (lambda: derivative(lambda z: np.ones(3) * z, 1.0, method="complex"), ValueError,
         "f must return a single number, but at x=1.0 it returned an array of shape (3,)"),
        (lambda: derivative(_single_number_then((2,), 1.0), 1.0, method="forward", h=0.5), ValueError,
         "f must return a single number, but at x+h=1.5 it returned an array of shape (2,)"),
        (lambda: derivative(lambda t: t if t < 1.2 else np.ones(2), 1.0, method="central", h=0.5),
         ValueError, "f must return a single number, but at x+h=1.5 it returned an array of shape (2,)"),
        (lambda: derivative(lambda t: t if t > 0.8 else np.ones(2), 1.0, method="central", h=0.5),
         ValueError, "f must return a single number, but at x-h=0.5 it returned an array of shape (2,)"),
        (lambda: derivative(_cube, 1.0, method="central", h=1e-20), ValueError,
         "h=1e-20 is too small to change x=1.0"),
        (lambda: derivative(_cube, 1.0, method="forward", h=1e-20), ValueError,
         "h=1e-20 is too small to change x=1.0"),
        (lambda: derivative(_cube, 1.0, h=TINY / 2), ValueError,
         f"h must be at least {TINY!r} (the smallest normal float), got {TINY / 2!r}"),
        (lambda: derivative(lambda z: z * z if z.imag == 0 else np.array([z, z]), 1.0, method="complex"),
         ValueError, "f must return a single number, but it returned an array of shape (2,)"),
        (lambda: derivative(abs, 1.0, method="complex"), TypeError,
         "method='complex' needs an f that carries complex input through to a complex output, "
         "but f returned float; use method='richardson' for this f"),
        (lambda: derivative(lambda z: z * 1e-10, 1.0, method="complex", h=1e-300), ValueError,
         f"h=1e-300 is too small for the complex step: Im f(x + ih) = {1e-300 * 1e-10!r} underflows"),
        (lambda: derivative(lambda z: z + 1j, 1.0, method="complex"), ValueError,
         "method='complex' needs an f that is real on real numbers, but f(x + 0i) at x=1.0 "
         "has the imaginary part 1.0"),
        (lambda: derivative(lambda z: np.array([z + 2j]), 1.0, method="complex"), ValueError,
         "method='complex' needs an f that is real on real numbers, but f(x + 0i) at x=1.0 "
         "has the imaginary part 2.0"),
    ],
)
def test_error_messages_say_what_f_did_and_where(call, error, message):
    assert _exact_message(call, error) == message


def _raises(error):
    def f(t):
        raise error

    return f


def test_a_failure_of_f_at_x_is_reported_with_its_cause():
    cause = Outside("outside the domain")
    with pytest.raises(ValueError) as info:
        derivative(_raises(cause), 1.0)
    assert str(info.value) == (
        "f cannot be evaluated at x=1.0 (Outside: outside the domain), so it has no derivative there"
    )
    assert info.value.__cause__ is cause
    message = _exact_message(lambda: derivative(_raises(OverflowError("big")), 2.0, method="forward"),
                             ValueError)
    assert message == "f cannot be evaluated at x=2.0 (OverflowError: big), so it has no derivative there"


def test_the_central_method_reports_a_failure_next_to_x():
    def f(t):
        if t > 1.2:
            raise ZeroDivisionError("pole at 1.5")
        return t

    with pytest.raises(ValueError) as info:
        derivative(f, 1.0, method="central", h=0.5)
    assert str(info.value) == ("f cannot be evaluated next to x=1.0 (ZeroDivisionError: pole at 1.5), "
                               "so method='central' has no derivative there")
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_type_errors_of_f_pass_through_except_for_the_complex_step():
    cause = TypeError("no complex numbers here")
    with pytest.raises(TypeError) as info:
        derivative(_raises(cause), 1.0)
    assert info.value is cause  # not disguised as a complex-step problem
    with pytest.raises(TypeError) as info:
        derivative(_raises(cause), 1.0, method="complex")
    assert str(info.value) == (
        "method='complex' needs an f that accepts complex numbers, but f(x + 0i) raised "
        "TypeError: no complex numbers here; use method='richardson' for this f"
    )
    assert info.value.__cause__ is cause


def test_the_complex_step_edge_cases():
    # a size-1 array is a number, here too
    assert derivative(lambda z: np.array([z * z]), 2.0, method="complex") == 4.0
    # a constant has derivative 0: Im f(x + ih) = 0 is an answer, not an underflow
    assert derivative(lambda z: 0 * z + 5, 1.0, method="complex") == 0.0
    # the smallest normal Im f(x + ih) is still exact
    assert derivative(lambda z: z * TINY, 1.0, method="complex", h=1.0) == TINY


def test_the_smallest_normal_step_is_accepted():
    assert derivative(lambda t: 3 * t, 0.0, method="forward", h=TINY) == 3.0


def test_richardson_retries_with_a_step_ten_times_smaller_at_a_domain_edge():
    points = []

    def f(t):  # log(t - 1.95): defined for t > 1.95 only
        points.append(t)
        if abs(t - 2.0) > 0.2:
            raise RuntimeError(f"evaluated too far from x: {t!r}")
        return math.log(t - 1.95)

    assert derivative(f, 2.0) == pytest.approx(20.0, rel=1e-9)
    assert points[:5] == [2.0, 2.0 + 0.1, 2.0 - 0.1, 2.0 + 0.1 / 10, 2.0 - 0.1 / 10]


@pytest.mark.parametrize("beside", [math.nan, "raise"])
def test_richardson_gives_up_when_f_is_undefined_on_both_sides(beside):
    def f(t):
        if t == 1.0:
            return 1.0
        if abs(t - 1.0) > 0.2:  # the step only ever shrinks
            raise RuntimeError(f"evaluated too far from x: {t!r}")
        if beside == "raise":
            raise Outside(f"f({t!r}) is undefined")
        return beside

    with pytest.raises(ValueError) as info:
        derivative(f, 1.0)
    assert str(info.value) == (
        "f is not finite (or cannot be evaluated) on both sides of x=1.0, even with tiny steps"
    )
    if beside == "raise":
        assert isinstance(info.value.__cause__, Outside)
    else:
        assert info.value.__cause__ is None


def _ridders(f, x, h):
    """Ridders' method as in Numerical Recipes (dfridr): CON = 1.4, SAFE = 2, 12 rows.

    Each central difference divides by the step really taken, (x + h) - (x - h).
    """
    def central(step):
        return (f(x + step) - f(x - step)) / ((x + step) - (x - step))

    con2 = 1.4 * 1.4
    a = [[central(h)]]
    err, ans = math.inf, math.nan
    for i in range(1, 12):
        h /= 1.4
        a.append([central(h)])
        fac = con2
        for j in range(1, i + 1):
            a[i].append((a[i][j - 1] * fac - a[i - 1][j - 1]) / (fac - 1.0))
            fac *= con2
            errt = max(abs(a[i][j] - a[i][j - 1]), abs(a[i][j] - a[i - 1][j - 1]))
            if errt <= err:
                err, ans = errt, a[i][j]
        if abs(a[i][i] - a[i - 1][i - 1]) >= 2.0 * err:
            break
    return ans


# Rational functions: IEEE arithmetic only, so the same bits on every platform.
RATIONAL = [
    lambda t: t * t * t,
    lambda t: 2 * t,
    lambda t: t * t * t * t * t - 3 * t,
    lambda t: 1 / (1 + t * t),
    lambda t: 1 / t,
]


@pytest.mark.parametrize("k", range(len(RATIONAL)))
@pytest.mark.parametrize("x", [0.001, 0.1, 0.5, 1.0, 1.5, 3.0, 25.0])
@pytest.mark.parametrize("h", [None, 0.05, 0.5, 1.0, 3.0, 100.0])
def test_richardson_is_ridders_method_bit_for_bit(k, x, h):
    f = RATIONAL[k]
    if k == 4 and h is not None and h >= x:
        return  # 1/t: the step would cross the pole
    points, expected_points = [], []

    def f_recorded(t):
        points.append(t)
        return f(t)

    def f_expected(t):
        expected_points.append(t)
        return f(t)

    first_step = 0.1 * min(1.0, max(abs(x), 1e-3)) if h is None else h
    expected = _ridders(f_expected, x, first_step)
    assert derivative(f_recorded, x, h=h) == expected
    assert points == [x, *expected_points]  # f(x) first, then the same steps
