"""The two-neuron network of chapter 6: three gradients that must agree, and training."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop import twolayer
from backprop.calculus import partial
from backprop.datasets import noisy_line
from backprop.twolayer import (
    START,
    as_line,
    error,
    forward,
    grad_analytic,
    grad_chain,
    grad_numeric,
    mean_squared_error,
    train,
)

moderate = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)


def close(a, b, rel=1e-6, abs_=1e-6):
    return all(math.isclose(p, q, rel_tol=rel, abs_tol=abs_) for p, q in zip(a, b))


@pytest.fixture(scope="module")
def data():
    """Chapter 6's data: the noisy line on [0, 1), as the source tutorial draws it."""
    return noisy_line(100, x_max=1.0, seed=0)


# ------------------------------------------------------------ forward pass


def test_forward_is_two_neurons_in_a_row():
    h1, o1 = forward((2.0, 1.0, 3.0, -1.0), 1.5)
    assert h1 == 2.0 * 1.5 + 1.0
    assert o1 == 3.0 * h1 - 1.0
    assert error(2.0, 1.0, 3.0, -1.0, 1.5, 10.0) == (o1 - 10.0) ** 2


def test_forward_works_on_arrays():
    x = np.array([0.0, 1.0, 2.0])
    _, o1 = forward(START, x)
    np.testing.assert_array_equal(o1, 0.5 * (0.5 * x + 0.5) + 0.5)


# ------------------------------------------------------ gradients by hand


def test_analytic_gradient_by_hand():
    # x = 1, y = 3, all weights 0.5: h1 = 1, o1 = 1, dE/do1 = 2 (1 - 3) = -4,
    # dE/dh1 = -4 * 0.5 = -2; dE/dw11 = -2 * x, dE/dw12 = -2, dE/dw21 = -4 * h1, dE/dw22 = -4.
    assert grad_analytic(START, 1.0, 3.0) == (-2.0, -2.0, -4.0, -4.0)
    # x = 2, y = 0, weights (1, 0, 2, 1): h1 = 2, o1 = 5, dE/do1 = 10, dE/dh1 = 20.
    assert grad_analytic((1.0, 0.0, 2.0, 1.0), 2.0, 0.0) == (40.0, 20.0, 20.0, 10.0)


def test_three_methods_agree_on_the_first_sample(data):
    X, y = data
    x0, y0 = float(X[0, 0]), float(y[0, 0])
    exact = grad_analytic(START, x0, y0)
    for method in ("central", "richardson"):
        assert close(grad_numeric(START, x0, y0, method=method), exact, rel=1e-9)
        assert close(grad_chain(START, x0, y0, method=method), exact, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.tuples(moderate, moderate, moderate, moderate), moderate, moderate)
def test_three_methods_agree_everywhere(weights, x, y):
    exact = grad_analytic(weights, x, y)
    assert close(grad_numeric(weights, x, y), exact, rel=1e-7, abs_=1e-7)
    assert close(grad_chain(weights, x, y), exact, rel=1e-7, abs_=1e-7)


@settings(max_examples=40, deadline=None)
@given(st.tuples(moderate, moderate, moderate, moderate), moderate, moderate)
def test_analytic_matches_partial_of_the_error(weights, x, y):
    exact = grad_analytic(weights, x, y)
    for i in range(4):
        numeric = partial(lambda *w: error(*w, x, y), i, *weights)
        assert math.isclose(exact[i], numeric, rel_tol=1e-8, abs_tol=1e-8)


def test_evaluation_counts():
    calls = Counter()

    def counted(name, f):
        def wrapper(*args):
            calls[name] += 1
            return f(*args)

        return wrapper

    def count(grad, **kwargs):
        calls.clear()
        grad(START, 1.0, 3.0, neuron=counted("neuron", twolayer.neuron), **kwargs)
        return calls["neuron"], calls["loss"]

    loss = {"loss": counted("loss", twolayer.sq_error)}
    assert count(grad_numeric, **loss) == (16, 8)  # 4 weights x 2 runs of the network
    assert count(grad_chain, **loss) == (12, 2)  # forward + 5 local neuron derivatives x 2
    assert count(grad_analytic) == (2, 0)  # the forward pass only


def test_as_line_multiplies_the_network_out():
    w = (1.5, -0.5, 2.0, 0.25)
    slope, intercept = as_line(w)
    for x in (-1.0, 0.0, 2.0):
        assert forward(w, x)[1] == pytest.approx(slope * x + intercept)


# --------------------------------------------------------------- training


def test_chapter_data_is_on_the_unit_interval(data):
    X, _ = data
    assert X.min() >= 0.0 and X.max() < 1.0


def test_training_reproduces_the_chapter(data):
    X, y = data
    a = train(X, y, gradient="numeric", learning_rate=0.01, epochs=50)
    b = train(X, y, gradient="chain", learning_rate=0.01, epochs=50)
    c = train(X, y, gradient="analytic", learning_rate=0.01, epochs=50)
    assert len(a.history) == len(c.history) == 51
    assert a.history[0] == b.history[0] == c.history[0] == mean_squared_error(START, X, y)
    # Same data, start, rate and steps: the three ways follow the same path.
    assert close(a.weights, c.weights, rel=1e-9, abs_=1e-9)
    assert close(b.weights, c.weights, rel=1e-9, abs_=1e-9)
    assert close(a.history, c.history, rel=1e-9, abs_=1e-12)
    # Every run ends near the line the data was drawn from, y = 3x + 4.
    for run in (a, b, c):
        slope, intercept = as_line(run.weights)
        assert abs(slope - 3) < 0.1 and abs(intercept - 4) < 0.1
        assert run.history[-1] < 0.1 < run.history[0]


def test_the_sources_other_setting_is_another_path_not_another_gradient(data):
    X, y = data
    numeric = train(X, y, gradient="numeric", learning_rate=0.001, epochs=100)
    analytic = train(X, y, gradient="analytic", learning_rate=0.001, epochs=100)
    fast = train(X, y, gradient="analytic", learning_rate=0.01, epochs=50)
    assert close(numeric.weights, analytic.weights, rel=1e-9, abs_=1e-9)
    assert not close(analytic.weights, fast.weights, rel=1e-3, abs_=1e-3)
    # Both settings end within 1% of the least-squares error, and above it.
    m, k = np.polyfit(X[:, 0], y[:, 0], 1)
    best = float(np.mean((m * X[:, 0] + k - y[:, 0]) ** 2))
    for run in (analytic, fast):
        assert best < run.history[-1] < 1.01 * best


def test_training_accepts_a_gradient_function_and_vectors():
    result = train([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], gradient=grad_analytic, learning_rate=0.05, epochs=300)
    assert as_line(result.weights) == pytest.approx((2.0, 1.0), abs=1e-6)


def test_training_does_not_change_inputs(data):
    X, y = data
    before = X.copy(), y.copy()
    train(X, y, epochs=1)
    np.testing.assert_array_equal(X, before[0])
    np.testing.assert_array_equal(y, before[1])


# ------------------------------------------------------------------ errors


def test_divergence_is_reported(data):
    X, y = data
    with pytest.raises(ValueError, match=r"diverged .* learning_rate=0\.5 is too large"):
        train(X, y, learning_rate=0.5, epochs=5)


def test_divergence_counts_epochs_and_samples_from_one():
    # Far too large a step on one sample: the weights overflow at its first step.
    # (At x = 1e200 the error of the starting weights would itself overflow: refused.)
    with pytest.raises(ValueError, match=r"in epoch 1 at sample 1 of 2: "):
        train([1e100, 1.0], [0.0, 0.0], learning_rate=1e300, epochs=3)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"learning_rate": -0.1}, ValueError, "learning_rate must be positive, got -0.1"),
        ({"learning_rate": "fast"}, TypeError, "learning_rate must be a real number"),
        ({"epochs": 0}, ValueError, "epochs must be a positive integer, got 0"),
        ({"epochs": 2.5}, TypeError, "epochs must be a positive integer, got float 2.5"),
        ({"gradient": "magic"}, ValueError, "gradient must be one of 'numeric', 'chain', 'analytic'"),
        ({"gradient": 3}, TypeError, "gradient must be a name or a function"),
        ({"weights": (1.0, 2.0)}, TypeError, "weights must be a sequence of four numbers"),
        ({"weights": (1.0, 2.0, float("nan"), 0.0)}, ValueError, r"weights\[2\] \(w21\) must be a finite number"),
    ],
)
def test_bad_arguments(data, kwargs, error, message):
    X, y = data
    with pytest.raises(error, match=message):
        train(X, y, **kwargs)


def test_bad_data():
    with pytest.raises(ValueError, match="same number of samples, got 3 and 2"):
        train([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"X must be .* got shape \(2, 2\)"):
        train(np.ones((2, 2)), [1.0, 2.0])
    with pytest.raises(ValueError, match="y must hold finite numbers"):
        train([1.0, 2.0], [1.0, np.inf])
    with pytest.raises(TypeError, match="x must be a real number, got str"):
        grad_analytic(START, "1", 2.0)
