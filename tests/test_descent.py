"""Tests of backprop.descent: the error, its gradient, and gradient descent on a line."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop.calculus import partial
from backprop.datasets import noisy_line
from backprop.descent import (
    DIVERGENCE_FACTOR,
    DivergenceError,
    LineFit,
    error,
    fit_line,
    gradient,
    least_squares,
)


@pytest.fixture(scope="module")
def line():
    return noisy_line(100, seed=0)


# --- error ------------------------------------------------------------------


def test_error_is_the_sum_of_squared_residuals():
    assert error(3, 4, [1, 2, 3], [1, 2, 3]) == 200.0  # residuals 6, 8, 10
    assert error(1, 0, [1, 2, 3], [1, 2, 3]) == 0.0
    assert error(0, 0, [0.0], [-2.0]) == 4.0


def test_error_does_not_broadcast_a_column_against_a_row(line):
    X, y = line
    flat = error(3, 4, X.ravel(), y.ravel())
    assert error(3, 4, X, y.ravel()) == flat
    assert error(3, 4, X.ravel(), y) == flat
    assert error(3, 4, X, y) == flat


def test_error_on_the_chapter_data(line):
    X, y = line
    assert error(3, 4, X, y) == pytest.approx(8.530954655831296, rel=1e-12)
    assert error(3.04, 4, X, y) > error(3, 4, X, y)


# --- gradient ---------------------------------------------------------------


def test_analytic_gradient_by_hand():
    # e = 6, 8, 10: dE/dm = 2 * (6*1 + 8*2 + 10*3) = 104, dE/dc = 2 * 24 = 48
    assert gradient(3, 4, [1, 2, 3], [1, 2, 3]) == (104.0, 48.0)


def test_gradient_is_zero_at_the_least_squares_line(line):
    X, y = line
    dE_dm, dE_dc = gradient(*least_squares(X, y), X, y)
    assert abs(dE_dm) < 1e-9 and abs(dE_dc) < 1e-9


def test_numeric_gradient_never_calls_error_in_analytic_mode():
    def boom(*args):
        raise AssertionError("the analytic gradient must not call error_fn")

    assert gradient(3, 4, [1, 2, 3], [1, 2, 3], error_fn=boom) == (104.0, 48.0)


# --- fit_line: agreement ----------------------------------------------------


def test_fit_line_record_has_start_and_every_step(line):
    X, y = line
    fit = fit_line(X, y, iterations=7)
    assert isinstance(fit, LineFit)
    assert fit.iterations == 7
    assert fit.errors.shape == fit.ms.shape == fit.cs.shape == (8,)
    assert (fit.m, fit.c) == (fit.ms[-1], fit.cs[-1])
    assert fit.error == fit.errors[-1] == error(fit.m, fit.c, X, y)
    rng = np.random.default_rng(0)
    assert (fit.ms[0], fit.cs[0]) == tuple(rng.random(2))
    with pytest.raises(ValueError):
        fit.errors[0] = 0.0  # the record is read-only


def test_fit_line_takes_the_gradient_step(line):
    X, y = line
    fit = fit_line(X, y, learning_rate=0.001, iterations=3, start=(1.0, 2.0))
    m, c = 1.0, 2.0
    for k in range(1, 4):
        dE_dm, dE_dc = gradient(m, c, X, y)
        m, c = m - 0.001 * dE_dm, c - 0.001 * dE_dc
        assert (fit.ms[k], fit.cs[k]) == (m, c)


def test_numeric_and_analytic_trajectories_agree(line):
    X, y = line
    numeric = fit_line(X, y, method="numeric")
    analytic = fit_line(X, y, method="analytic")
    assert np.max(np.abs(numeric.ms - analytic.ms)) < 1e-6
    assert np.max(np.abs(numeric.cs - analytic.cs)) < 1e-6
    assert np.allclose(numeric.errors, analytic.errors, rtol=1e-9, atol=0)


def test_numeric_method_matches_the_chapter_loop(line):
    X, y = line
    m, c = np.random.default_rng(0).random(2)
    trace = []
    for _ in range(20):
        trace.append(error(m, c, X, y))
        dE_dm, dE_dc = partial(error, 0, m, c, X, y), partial(error, 1, m, c, X, y)
        m, c = m - 0.001 * dE_dm, c - 0.001 * dE_dc
    fit = fit_line(X, y, iterations=20, method="numeric")
    assert np.array_equal(fit.errors[:20], trace)
    assert (fit.m, fit.c) == (m, c)


def test_error_trace_starts_high_and_ends_near_the_noise_floor(line):
    X, y = line
    fit = fit_line(X, y)
    assert fit.errors[0] > 1000
    assert np.all(np.diff(fit.errors) < 0)  # every step goes downhill
    assert 8.46 < fit.error < 9.0


def test_long_run_agrees_with_least_squares(line):
    X, y = line
    m_best, c_best = least_squares(X, y)
    A = np.column_stack([X[:, 0], np.ones(len(X))])
    expected, *_ = np.linalg.lstsq(A, y[:, 0], rcond=None)
    assert (m_best, c_best) == pytest.approx(tuple(expected), abs=1e-12)
    fit = fit_line(X, y, learning_rate=0.001, iterations=1000)
    assert abs(fit.m - m_best) < 1e-6
    assert abs(fit.c - c_best) < 1e-6


def test_analytic_needs_far_fewer_error_calls(line):
    X, y = line
    calls = {"n": 0}

    def counted(m, c, X, y):
        calls["n"] += 1
        return error(m, c, X, y)

    fit_line(X, y, method="analytic", error_fn=counted)
    analytic_calls = calls["n"]
    calls["n"] = 0
    fit_line(X, y, method="numeric", error_fn=counted)
    assert analytic_calls == 101  # the start and each of the 100 steps, for the record
    assert calls["n"] > 5 * analytic_calls


def test_error_fn_defines_what_numeric_descent_minimises(line):
    X, y = line

    def mean_squared(m, c, X, y):
        return error(m, c, X, y) / len(X)

    mean = fit_line(X, y, learning_rate=0.1, method="numeric", error_fn=mean_squared)
    total = fit_line(X, y, learning_rate=0.001)
    assert np.max(np.abs(mean.ms - total.ms)) < 1e-6
    assert mean.error == pytest.approx(total.error / len(X), rel=1e-9)


# --- divergence -------------------------------------------------------------


@pytest.mark.parametrize("rate", [0.0045, 0.005, 0.05, 1.0, 1e6])
def test_too_large_a_learning_rate_raises(line, rate):
    X, y = line
    with pytest.raises(DivergenceError) as caught:
        fit_line(X, y, learning_rate=rate)
    diverged = caught.value
    assert isinstance(diverged, ValueError)
    assert diverged.learning_rate == rate
    assert f"learning_rate={rate:g}" in str(diverged)
    assert f"iteration {diverged.iteration}" in str(diverged)
    assert 1 <= diverged.iteration <= 100
    record = diverged.fit
    assert record.iterations == diverged.iteration
    assert np.all(np.isfinite(record.errors[:-1]))
    last = record.errors[-1]
    assert not math.isfinite(last) or last > DIVERGENCE_FACTOR * record.errors[0]


def test_chapter_divergence_message(line):
    X, y = line
    with pytest.raises(DivergenceError, match=r"learning_rate=0\.005 .*iteration 4\b"):
        fit_line(X, y, learning_rate=0.005)


def test_slow_divergence_warns(line):
    X, y = line
    # just above 2 / (largest curvature) = 0.004136: grows too slowly to raise in 100 steps
    with pytest.warns(RuntimeWarning, match="learning_rate=0.00414 may be too large"):
        fit_line(X, y, learning_rate=0.00414)


@pytest.mark.parametrize("rate", [0.0001, 0.001, 0.004])
def test_stable_learning_rates_neither_raise_nor_warn(line, rate):
    X, y = line
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_line(X, y, learning_rate=rate)
    assert fit.error < fit.errors[0]


def test_a_perfect_start_is_not_divergence():
    # error 0 at the start: rounding noise must not count as growth
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_line([0, 1, 2], [1, 3, 5], start=(2, 1), method="numeric", iterations=50)
    assert fit.error < 1e-20

    calls = []

    def rounding_noise(m, c, X, y):  # 0 at the start, then a speck of noise
        calls.append((m, c))
        return 0.0 if len(calls) == 1 else 1e-20

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_line([0, 1, 2], [1, 3, 5], start=(2.5, 1), error_fn=rounding_noise,
                       learning_rate=0.01, iterations=3)
    assert list(fit.errors) == [0.0, 1e-20, 1e-20, 1e-20]


# --- bad input --------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, exception, words",
    [
        ({"X": [1, 2, 3], "y": [1, 2]}, ValueError, "X and y must have the same length"),
        ({"X": [], "y": []}, ValueError, "X must not be empty"),
        ({"X": [1, 2], "y": []}, ValueError, "y must not be empty"),
        ({"X": [1, np.nan], "y": [1, 2]}, ValueError, "X must contain only finite numbers, but X[1]"),
        ({"X": [1, 2], "y": [1, np.inf]}, ValueError, "y must contain only finite numbers"),
        ({"X": np.ones((3, 2)), "y": [1, 2, 3]}, ValueError, "X must be a flat sequence"),
        ({"X": 3.0, "y": [1]}, TypeError, "X must be a sequence"),
        ({"X": "abc", "y": [1, 2, 3]}, TypeError, "X must be a sequence"),
        ({"X": [1, 2], "y": ["a", "b"]}, TypeError, "y must contain only real numbers"),
        ({"learning_rate": 0}, ValueError, "learning_rate must be positive, got 0.0"),
        ({"learning_rate": -0.1}, ValueError, "learning_rate must be positive, got -0.1"),
        ({"learning_rate": np.nan}, ValueError, "learning_rate must be a finite number"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate must be a real number"),
        ({"iterations": 0}, ValueError, "iterations must be a positive integer, got 0"),
        ({"iterations": -5}, ValueError, "iterations must be a positive integer, got -5"),
        ({"iterations": 10.0}, TypeError, "iterations must be a positive integer"),
        ({"iterations": True}, TypeError, "iterations must be a positive integer"),
        ({"method": "exact"}, ValueError, "method must be 'analytic' or 'numeric'"),
        ({"method": None}, TypeError, "method must be the string 'analytic' or 'numeric'"),
        ({"start": (1.0,)}, ValueError, "start must be a pair"),
        ({"start": (1.0, np.inf)}, ValueError, "start[1] (c) must be a finite number"),
        ({"seed": -1}, ValueError, "seed must be a non-negative integer, got -1"),
        ({"seed": 1.5}, TypeError, "seed must be a non-negative integer"),
        ({"error_fn": "error"}, TypeError, "error_fn must be a function"),
    ],
)
def test_fit_line_rejects_bad_input_naming_the_argument(kwargs, exception, words):
    arguments = {"X": [0.0, 1.0, 2.0], "y": [1.0, 3.0, 5.0], **kwargs}
    X, y = arguments.pop("X"), arguments.pop("y")
    with pytest.raises(exception) as caught:
        fit_line(X, y, **arguments)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    "args, exception, words",
    [
        ((np.nan, 4, [1], [1]), ValueError, "m must be a finite number"),
        ((3, "4", [1], [1]), TypeError, "c must be a real number"),
        ((3, 4, [1, 2], [1]), ValueError, "X and y must have the same length"),
        ((3, 4, [], []), ValueError, "X must not be empty"),
    ],
)
def test_error_and_gradient_reject_bad_input(args, exception, words):
    for function in (error, gradient):
        with pytest.raises(exception, match=words):
            function(*args)
    with pytest.raises(ValueError, match="method must be"):
        gradient(3, 4, [1], [1], method="exact")


# --- properties -------------------------------------------------------------

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


@st.composite
def lines(draw):
    """A short data set around a random line, with x spread over [0, 2]."""
    n = draw(st.integers(3, 20))
    x = np.linspace(0.0, 2.0, n)
    noise = np.array(draw(st.lists(st.floats(-1, 1), min_size=n, max_size=n)))
    m, c = draw(finite), draw(finite)
    return x, m * x + c + noise


@settings(max_examples=50, deadline=None)
@given(data=lines(), m=finite, c=finite)
def test_analytic_gradient_matches_numeric(data, m, c):
    X, y = data
    analytic = np.array(gradient(m, c, X, y))
    numeric = np.array(gradient(m, c, X, y, method="numeric"))
    scale = 1.0 + np.abs(analytic).max()
    assert np.all(np.abs(analytic - numeric) <= 1e-7 * scale)


@settings(max_examples=50, deadline=None)
@given(data=lines(), start=st.tuples(finite, finite))
def test_descent_with_a_stable_rate_never_goes_uphill_and_reaches_least_squares(data, start):
    X, y = data
    # 1 / (largest curvature) is safely below the stability limit 2 / (largest curvature)
    H = 2 * np.array([[X @ X, X.sum()], [X.sum(), len(X)]])
    rate = 1.0 / np.linalg.eigvalsh(H).max()
    fit = fit_line(X, y, learning_rate=rate, iterations=2000, start=start)
    tolerance = 1e-9 * (1.0 + fit.errors)
    assert np.all(np.diff(fit.errors) <= tolerance[:-1])
    m_best, c_best = least_squares(X, y)
    assert fit.m == pytest.approx(m_best, abs=1e-6)
    assert fit.c == pytest.approx(c_best, abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(data=lines(), factor=st.floats(2.2, 50))
def test_any_rate_beyond_the_limit_is_reported(data, factor):
    X, y = data
    H = 2 * np.array([[X @ X, X.sum()], [X.sum(), len(X)]])
    rate = factor / np.linalg.eigvalsh(H).max()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(DivergenceError):
            fit_line(X, y, learning_rate=rate, iterations=1000, start=(20.0, -20.0))
