"""backprop.losses and backprop.optim: values, gradients, stability, update rules, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from backprop.gradcheck import gradcheck
from backprop.losses import MSELoss, SoftmaxCrossEntropy, accuracy, log_softmax, softmax
from backprop.nn import Parameter
from backprop.optim import SGD, Adam


def test_mse_value_and_gradient():
    mse = MSELoss()
    p, t = np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[0.0, 2.0], [1.0, 1.0]])
    assert mse(p, t) == pytest.approx((1 + 0 + 4 + 16) / 4)
    np.testing.assert_allclose(mse.backward(), 2 * (p - t) / 4)
    assert gradcheck(MSELoss(), p, target=t).ok()


def test_cross_entropy_value_and_gradient():
    ce = SoftmaxCrossEntropy()
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    y = np.array([2, 0])
    expected = np.mean([-np.log(np.exp(3) / np.exp([1, 2, 3]).sum()), np.log(3)])
    assert ce(z, y) == pytest.approx(expected)
    onehot = np.eye(3)[y]
    np.testing.assert_allclose(ce.backward(), (softmax(z) - onehot) / 2)
    assert gradcheck(SoftmaxCrossEntropy(), z, target=y).ok()


@settings(max_examples=50, deadline=None)
@given(
    z=hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(2, 5)),
                 elements=st.floats(-1e3, 1e3)),
    data=st.data(),
)
def test_cross_entropy_is_stable_for_large_scores(z, data):
    y = np.array(data.draw(st.lists(st.integers(0, z.shape[1] - 1), min_size=z.shape[0], max_size=z.shape[0])))
    ce = SoftmaxCrossEntropy()
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        value = ce(z, y)
        grad = ce.backward()
    assert np.isfinite(value) and value >= 0
    np.testing.assert_allclose(grad.sum(axis=1), 0, atol=1e-12)  # each row of softmax - onehot sums to 0
    np.testing.assert_allclose(softmax(z).sum(axis=1), 1)
    assert np.all(log_softmax(z) <= 0)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 5), k=st.integers(2, 5), seed=st.integers(0, 2**16))
def test_losses_pass_the_gradient_check(n, k, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, k))
    assert gradcheck(SoftmaxCrossEntropy(), z, target=rng.integers(0, k, n)).ok()
    assert gradcheck(MSELoss(), z, target=rng.normal(size=(n, k))).ok()


def test_loss_errors():
    with pytest.raises(ValueError, match=r"MSELoss: target.*\(2, 1\).*\(2,\)"):
        MSELoss()(np.zeros((2, 1)), np.zeros(2))
    with pytest.raises(ValueError, match="prediction must be a batch"):
        MSELoss()(np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match=r"labels must have shape \(2,\)"):
        SoftmaxCrossEntropy()(np.zeros((2, 3)), np.zeros((2, 3), dtype=int))
    with pytest.raises(TypeError, match="labels must be integer class labels"):
        SoftmaxCrossEntropy()(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 3\)"):
        SoftmaxCrossEntropy()(np.zeros((2, 3)), np.array([0, -1]))
    for loss in (MSELoss(), SoftmaxCrossEntropy()):
        with pytest.raises(RuntimeError, match="before the loss was computed"):
            loss.backward()


@pytest.mark.parametrize("labels", [
    np.array([0, -1], dtype=np.int8), np.array([0, -1]), np.array([0, 3], dtype=np.uint8),
    np.array([0, 2**40]), np.array([0, np.iinfo(np.int64).min]),
])
def test_cross_entropy_rejects_labels_out_of_range_in_any_integer_dtype(labels):
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 3\), got values from"):
        SoftmaxCrossEntropy()(np.zeros((2, 3)), labels)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int64, np.uint64])
def test_cross_entropy_takes_labels_in_any_integer_dtype(dtype):
    z = np.array([[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]])
    reference = SoftmaxCrossEntropy()
    expected = reference(z, np.array([2, 0]))
    ce = SoftmaxCrossEntropy()
    assert ce(z, np.array([2, 0], dtype=dtype)) == expected
    np.testing.assert_array_equal(ce.backward(), reference.backward())


def test_cross_entropy_matches_the_textbook_formulas_for_odd_batch_sizes():
    rng = np.random.default_rng(5)
    for n in (1, 3, 7, 33):
        z = rng.normal(size=(n, 4)) * 5
        y = rng.integers(0, 4, n)
        ce = SoftmaxCrossEntropy()
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        assert ce(z, y) == pytest.approx(-np.mean(np.log(p[np.arange(n), y])), rel=1e-13)
        np.testing.assert_allclose(ce.backward(), (p - np.eye(4)[y]) / n, rtol=1e-12, atol=1e-17)


def test_accuracy():
    assert accuracy(np.eye(3), np.array([0, 1, 1])) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="scores must have shape"):
        accuracy(np.zeros(3), np.zeros(3, dtype=int))
    with pytest.raises(TypeError, match="labels must be integer class labels, got dtype float64"):
        accuracy(np.eye(3), np.zeros(3))
    with pytest.raises(ValueError, match="at least one sample"):
        accuracy(np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match="scores must be finite"):
        accuracy(np.array([[np.nan, 0.0]]), np.array([0]))


# --- optimizers ------------------------------------------------------------------------


def param(values, grad):
    p = Parameter(np.array(values, dtype=float))
    p.grad[...] = grad
    return p


def test_sgd_step():
    p = param([1.0, 2.0], [0.5, -1.0])
    SGD([p], lr=0.1).step()
    np.testing.assert_allclose(p.data, [0.95, 2.1])


def test_momentum_accumulates_velocity():
    p = param([0.0], [1.0])
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()  # v = 1
    opt.step()  # v = 0.9 + 1 = 1.9
    np.testing.assert_allclose(p.data, [-(0.1 + 0.19)])


def test_adam_matches_its_formula():
    p = param([1.0], [2.0])
    opt = Adam([p], lr=0.01, betas=(0.8, 0.9), eps=1e-8)
    m = s = 0.0
    w = 1.0
    for t in range(1, 4):
        g = 2.0 * t
        p.grad[...] = g
        opt.step()
        m = 0.8 * m + 0.2 * g
        s = 0.9 * s + 0.1 * g * g
        w -= 0.01 * (m / (1 - 0.8**t)) / (np.sqrt(s / (1 - 0.9**t)) + 1e-8)
        assert p.data[0] == pytest.approx(w, rel=1e-12)


@pytest.mark.parametrize("make", [
    lambda ps: SGD(ps, lr=0.1),
    lambda ps: SGD(ps, lr=0.05, momentum=0.9),
    lambda ps: Adam(ps, lr=0.1),
])
def test_optimizers_minimise_a_bowl(make):
    p = Parameter(np.array([3.0, -2.0]))
    opt = make([p])
    for _ in range(300):
        p.grad[...] = 2 * p.data  # gradient of |w|^2
        opt.step()
    assert np.linalg.norm(p.data) < 1e-2


def test_updates_are_in_place():
    p = param([1.0, 2.0], [1.0, 1.0])
    data = p.data
    for opt in (SGD([p], lr=0.1), SGD([p], lr=0.1, momentum=0.5), Adam([p])):
        opt.step()
        assert p.data is data


@pytest.mark.parametrize("make, match", [
    (lambda p: SGD(p, lr=0.0), "lr must be positive, got 0.0"),
    (lambda p: SGD(p, lr=float("nan")), "lr must be positive"),
    (lambda p: SGD(p, lr="0.1"), "lr must be a real number"),
    (lambda p: SGD(p, momentum=1.0), r"momentum must be in \[0.0, 1.0\), got 1.0"),
    (lambda p: Adam(p, betas=(0.9,)), "betas must be a pair"),
    (lambda p: Adam(p, betas=(0.9, 1.5)), r"betas\[1\] must be in"),
    (lambda p: Adam(p, eps=-1.0), "eps must be positive"),
    (lambda p: SGD([], lr=0.1), "non-empty"),
    (lambda p: SGD([np.zeros(2)], lr=0.1), "parameter 0 must have NumPy arrays"),
])
def test_optimizer_errors(make, match):
    with pytest.raises((TypeError, ValueError), match=match):
        make([param([1.0], [1.0])])
