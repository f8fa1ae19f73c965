"""The claims chapter 9 makes in prose about losses and optimizers, asserted.

The chapter's doctests pin the printed numbers; these tests pin what the
sentences around them say. On chapter 5's error valley: the curvatures, that
plain gradient descent at $\\eta = 2/(\\lambda_{min} + \\lambda_{max})$ shrinks the
distance by $(\\kappa - 1)/(\\kappa + 1)$ per step, that heavy-ball momentum at its
best settings has both roots of size $\\sqrt\\mu$ and shrinks the distance by about
$\\sqrt\\mu \\cdot k/(k-1)$ at step $k$, and that it needs fewer steps than plain
descent at any learning rate. For softmax cross-entropy: that the gradient for
one sample is $p - \\text{onehot}(y)$, sums to zero, and pushes the right class up
the most. The runs are those of the chapter's figures
(:mod:`booktools.figures.ch09_many_layers`).
"""

from __future__ import annotations

import numpy as np
import pytest

from backprop.datasets import noisy_line
from backprop.descent import gradient, least_squares
from backprop.losses import softmax
from booktools.figures.ch09_many_layers import (
    SAMPLE_LABEL,
    SAMPLE_SCORES,
    TOLERANCE,
    distances,
    softmax_gradient_sample,
    valley_path,
    valley_settings,
)


@pytest.fixture(scope="module")
def s():
    return valley_settings()


@pytest.fixture(scope="module")
def runs(s):
    return distances(valley_path(s["eta_plain"])), distances(valley_path(s["eta_heavy"], s["mu_heavy"]))


def test_curvatures_are_chapter_5s(s):
    assert round(s["lam_min"], 1) == 30.4
    assert round(s["lam_max"], 1) == 483.6


def test_hessian_is_that_of_the_library_gradient(s):
    """E is a sum, not a mean: finite differences of backprop.descent.gradient give the same H."""
    X, y = noisy_line(100, seed=0)
    m, c, h = 1.0, 2.0, 1e-3
    g0 = np.array(gradient(m, c, X, y))
    H = np.column_stack([(np.array(gradient(m + h, c, X, y)) - g0) / h,
                         (np.array(gradient(m, c + h, X, y)) - g0) / h])
    np.testing.assert_allclose(np.linalg.eigvalsh((H + H.T) / 2), [s["lam_min"], s["lam_max"]], rtol=1e-6)


def test_both_runs_reach_the_tolerance(runs):
    for d in runs:
        assert d[-1] <= TOLERANCE * d[0] < d[-2]


def test_momentum_at_its_best_needs_fewer_steps_than_plain_at_its_best(runs):
    plain, heavy = runs
    assert (len(plain) - 1, len(heavy) - 1) == (110, 35)
    assert len(heavy) * 3 < len(plain)


def test_momentum_beats_plain_descent_at_every_stable_rate(s, runs):
    heavy = runs[1]
    for lr in np.linspace(0.5, 2.0 / s["lam_max"] * 0.99 / s["eta_plain"], 40) * s["eta_plain"]:
        assert len(distances(valley_path(lr, max_steps=3000))) > 2 * len(heavy)


def test_plain_descent_shrinks_by_its_formula_every_step(s, runs):
    plain = runs[0]
    np.testing.assert_allclose(plain[1:] / plain[:-1], s["shrink_plain"], rtol=1e-8)
    assert s["shrink_plain"] == pytest.approx((s["kappa"] - 1) / (s["kappa"] + 1))


def test_best_plain_rate_balances_the_two_ends(s):
    along, across = 1 - s["eta_plain"] * s["lam_min"], 1 - s["eta_plain"] * s["lam_max"]
    assert along == pytest.approx(-across) == pytest.approx(s["shrink_plain"])


def test_heavy_ball_roots_all_have_size_sqrt_mu(s):
    """For every curvature between the two ends, both roots of z² − (1 + μ − ηλ)z + μ have size √μ."""
    eta, mu = s["eta_heavy"], s["mu_heavy"]
    for lam in np.linspace(s["lam_min"], s["lam_max"], 25):
        roots = np.roots([1.0, -(1 + mu - eta * lam), mu])
        np.testing.assert_allclose(np.abs(roots), s["shrink_heavy"], rtol=1e-6)
    # and they are double at both ends
    for lam, sign in ((s["lam_min"], 1), (s["lam_max"], -1)):
        assert 1 + mu - eta * lam == pytest.approx(sign * 2 * np.sqrt(mu))


def test_heavy_ball_shrinks_by_sqrt_mu_times_k_over_k_minus_1(s, runs):
    heavy = runs[1]
    k = np.arange(15, len(heavy))  # step k takes the distance from heavy[k - 1] to heavy[k]
    ratio = heavy[k] / heavy[k - 1]
    np.testing.assert_allclose(ratio, s["shrink_heavy"] * k / (k - 1), rtol=0.01)
    # slower than sqrt(mu), and tending to it
    assert np.all(ratio > s["shrink_heavy"])
    assert ratio[-1] < ratio[0]
    # the second half of the run, on average, within 0.03 of the formula
    half = len(heavy) // 2
    mean = (heavy[-1] / heavy[half]) ** (1 / (len(heavy) - 1 - half))
    assert abs(mean - s["shrink_heavy"]) < 0.03


def test_valley_paths_end_at_least_squares(s):
    X, y = noisy_line(100, seed=0)
    best = least_squares(X, y)
    for path in (valley_path(s["eta_plain"]), valley_path(s["eta_heavy"], s["mu_heavy"])):
        np.testing.assert_allclose(path[-1], best, atol=1e-4)
        np.testing.assert_allclose(path[0], np.random.default_rng(0).random(2))


def test_softmax_gradient_is_p_minus_onehot():
    p, onehot, grad = softmax_gradient_sample()
    np.testing.assert_allclose(p, softmax(SAMPLE_SCORES[None, :])[0])
    np.testing.assert_allclose(grad, p - onehot, atol=1e-15)
    assert onehot[SAMPLE_LABEL] == 1 and onehot.sum() == 1
    assert abs(grad.sum()) < 1e-12  # adding a constant to every score changes nothing
    assert np.argmin(grad) == SAMPLE_LABEL and grad[SAMPLE_LABEL] < 0  # the right class goes up most
    assert np.all(np.delete(grad, SAMPLE_LABEL) > 0)  # every other class goes down
    # the wrong class holding the most probability is pushed down hardest
    assert np.argmax(grad) == np.argmax(np.where(onehot == 1, -np.inf, p))
