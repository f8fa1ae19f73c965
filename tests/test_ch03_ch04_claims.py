"""The claims chapters 3 and 4 make in prose about gradients and paths, asserted.

The chapters' doctests pin the printed numbers at one point each; these tests
pin what the sentences around them say, at many points: that the slope along
the gradient is the gradient's length and the steepest of all directions, that
the slope across it (along the level curve) is zero, that the derivative of a
diamond is the sum over its two paths (not either path alone), and that the
engine's ``+=`` (chapter 7) and a layer's sum over the batch (chapter 8) are
that sum. The points and numbers the chapters' figures draw are checked too,
so the figures and the prose cannot drift apart.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop.calculus import derivative, partial
from booktools.figures.ch03_partial_derivatives import POINT, bowl, gradient
from booktools.figures.ch04_chain_rule import DIAMOND_X, diamond_local_derivatives


def fn(x1, x2):
    return 5 * x1 + x2 * x2


def directional(f, p, u):
    return derivative(lambda t: f(*(p + t * u)), 0.0)


POINTS = [(bowl, (2.0, 0.5)), (bowl, (-1.3, 0.8)), (fn, (10.0, 20.0)), (fn, (1.0, -2.0)),
          (lambda x1, x2: math.sin(x1) * math.exp(x2), (0.7, -0.4))]


# --- Chapter 3: the gradient ---------------------------------------------------


def test_the_figure_and_the_chapter_use_the_same_point():
    assert POINT == (2.0, 0.5)
    assert bowl(*POINT) == 4.75  # "the level curve f = 4.75 through the point"
    assert np.allclose(gradient(bowl, *POINT), [4.0, 3.0], atol=1e-9)  # the arrow (4, 3)


@pytest.mark.parametrize(("f", "point"), POINTS)
def test_the_slope_along_a_direction_is_the_gradient_dot_the_direction(f, point):
    p = np.array(point)
    g = gradient(f, *point)
    rng = np.random.default_rng(0)
    for angle in rng.uniform(0, 2 * math.pi, 8):
        u = np.array([math.cos(angle), math.sin(angle)])
        assert directional(f, p, u) == pytest.approx(float(g @ u), abs=1e-6 * (1 + np.linalg.norm(g)))


@pytest.mark.parametrize(("f", "point"), POINTS)
def test_the_gradient_is_the_steepest_way_up_and_its_opposite_the_steepest_way_down(f, point):
    p = np.array(point)
    g = gradient(f, *point)
    norm = float(np.linalg.norm(g))
    up = g / norm
    assert directional(f, p, up) == pytest.approx(norm, rel=1e-9)
    assert directional(f, p, -up) == pytest.approx(-norm, rel=1e-9)
    angles = np.radians(np.arange(360))
    slopes = [directional(f, p, np.array([math.cos(a), math.sin(a)])) for a in angles]
    assert max(slopes) <= norm * (1 + 1e-9)
    assert min(slopes) >= -norm * (1 + 1e-9)
    # The steepest whole degree is the one nearest the gradient's own angle.
    own = math.degrees(math.atan2(g[1], g[0])) % 360
    assert min(abs(int(np.argmax(slopes)) - own), 360 - abs(int(np.argmax(slopes)) - own)) <= 0.5 + 1e-9


@pytest.mark.parametrize(("f", "point"), POINTS)
def test_the_gradient_is_at_right_angles_to_the_level_curve(f, point):
    p = np.array(point)
    g = gradient(f, *point)
    flat = np.array([-g[1], g[0]]) / np.linalg.norm(g)
    assert abs(directional(f, p, flat)) < 1e-6 * (1 + np.linalg.norm(g))
    # A nearby point of the same level curve (found by solving for x1) lies along `flat`.
    level = f(*point)
    x2 = point[1] + 1e-6
    x1 = point[0]
    for _ in range(50):  # Newton's method on x1 -> f(x1, x2) - level
        x1 -= (f(x1, x2) - level) / partial(f, 0, x1, x2)
    chord = np.array([x1, x2]) - p
    chord /= np.linalg.norm(chord)
    assert abs(float(chord @ g)) < 1e-5 * np.linalg.norm(g)


def test_fn_climbs_almost_straight_along_x2_at_10_20():
    """Exercise 1: "near x2 = 20 the square grows eight times as fast as 5 x1"."""
    g = gradient(fn, 10.0, 20.0)
    assert g[1] / g[0] == pytest.approx(8.0)


# --- Chapter 4: many paths add up ----------------------------------------------


def test_the_diamond_is_the_sum_of_its_two_paths_and_neither_path_alone():
    d = diamond_local_derivatives()
    assert {k: round(v, 9) for k, v in d.items()} == {"da_dx": 4.0, "db_dx": 3.0, "dy_da": 6.0, "dy_db": 4.0}
    via_a, via_b = d["dy_da"] * d["da_dx"], d["dy_db"] * d["db_dx"]
    whole = derivative(lambda x: (x * x) * (3 * x), DIAMOND_X)
    assert whole == pytest.approx(9 * DIAMOND_X**2)
    assert via_a + via_b == pytest.approx(whole, rel=1e-12)
    assert via_a != pytest.approx(whole) and via_b != pytest.approx(whole)


@pytest.mark.parametrize("x", [-1.5, 0.3, 2.0, 4.0])
def test_three_paths_add_up(x):
    """Exercise 5's rule at more points: y = u + v w with u = x^2, v = sin x, w = e^x."""
    u, v, w = x * x, math.sin(x), math.exp(x)
    paths = (partial(lambda u, v, w: u + v * w, 0, u, v, w) * derivative(lambda t: t * t, x)
             + partial(lambda u, v, w: u + v * w, 1, u, v, w) * derivative(math.sin, x)
             + partial(lambda u, v, w: u + v * w, 2, u, v, w) * derivative(math.exp, x))
    assert paths == pytest.approx(derivative(lambda t: t * t + math.sin(t) * math.exp(t), x), rel=1e-9)


def test_the_engine_adds_up_the_diamonds_paths():
    """Chapter 7's `+=` is the sum over paths: x feeds a and b, and x.grad is 36."""
    from backprop.engine import Value

    x = Value(DIAMOND_X)
    y = (x * x) * (3 * x)
    y.backward()
    assert x.grad == pytest.approx(36.0)
    z = Value(3.0)
    (z * z).backward()  # exercise 4: y = x * x, two paths of 3 each
    assert z.grad == 6.0


def test_a_layers_weight_gradient_is_the_sum_over_the_batch():
    """Chapter 8: one path per sample, and dL/dW adds them up."""
    from backprop.nn import Linear

    rng = np.random.default_rng(0)
    X, G = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    layer = Linear(3, 2, rng=0)
    layer(X)
    layer.backward(G)
    weight, bias = layer.parameters()
    per_sample = sum(np.outer(X[n], G[n]) for n in range(5))
    assert np.allclose(weight.grad, per_sample)
    assert np.allclose(bias.grad, G.sum(axis=0))


def test_chapter_5s_error_gradient_is_a_sum_over_the_samples():
    """Chapter 4's aside: m enters every residual, and dE/dm is a sum of one term per sample."""
    from backprop.datasets import noisy_line
    from backprop.descent import gradient as line_gradient

    X, y = noisy_line(100, seed=0)
    dE_dm, dE_dc = line_gradient(0.5, 0.2, X, y)
    terms = [line_gradient(0.5, 0.2, X[i:i + 1], y[i:i + 1]) for i in range(100)]
    assert dE_dm == pytest.approx(sum(t[0] for t in terms), rel=1e-12)
    assert dE_dc == pytest.approx(sum(t[1] for t in terms), rel=1e-12)
