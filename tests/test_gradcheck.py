"""backprop.gradcheck: it passes correct gradients, catches wrong ones and flags kinks."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.gradcheck import GOOD, WRONG, gradcheck, relative_error, verdict
from backprop.losses import MSELoss, SoftmaxCrossEntropy
from backprop.nn import Linear, ReLU, Sequential, Tanh


def x(n=4, features=3, seed=1):
    return np.random.default_rng(seed).normal(size=(n, features))


def test_relative_error_is_symmetric_and_scale_free():
    a, n = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.3])
    assert relative_error(a, n) == relative_error(n, a)
    assert relative_error(1e-8 * a, 1e-8 * n) == pytest.approx(relative_error(a, n))
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_thresholds():
    assert (GOOD, WRONG) == (1e-7, 1e-2)
    assert verdict(1e-7) == "good" and verdict(1.01e-7) == "fair"
    assert verdict(1e-2) == "poor" and verdict(0.011) == "wrong"
    assert verdict(float("nan")) == "wrong"


def test_correct_layers_and_losses_are_good():
    model = Sequential(Linear(3, 4, rng=0), Tanh(), Linear(4, 3, rng=1))
    for report in (
        gradcheck(model, x()),
        gradcheck(model, x(), loss=SoftmaxCrossEntropy(), target=np.array([0, 2, 1, 2])),
        gradcheck(SoftmaxCrossEntropy(), x(4, 5), target=np.array([4, 0, 1, 1])),
        gradcheck(MSELoss(), x(4, 2), target=x(4, 2, seed=9)),
    ):
        assert report.ok(), str(report)
        assert report.max_error <= GOOD
    names = [e.name for e in gradcheck(model, x()).entries]
    assert names == ["input", "0.weight", "0.bias", "2.weight", "2.bias"]


class TransposedBug(Linear):
    """dX computed with a flipped sign in one column: right shape, wrong value."""

    def backward(self, grad_out):
        dx = super().backward(grad_out)
        dx[:, 0] *= -1
        return dx


class ForgottenSum(Linear):
    """The bias gradient taken from the first sample only: the 'forgot to sum over the batch' bug."""

    def backward(self, grad_out):
        dx = super().backward(grad_out)
        self.bias.grad[...] = grad_out[0]
        return dx


def test_wrong_gradients_are_caught():
    report = gradcheck(TransposedBug(3, 2, rng=0), x())
    assert report["input"].verdict == "wrong"
    assert report["0.weight"].verdict == "good"
    report = gradcheck(ForgottenSum(3, 2, rng=0), x())
    assert report["0.bias"].verdict == "wrong"
    assert not report.ok()


def test_kinks_are_flagged_not_failed():
    relu = Sequential(ReLU())
    h = 1e-5
    inputs = np.array([[0.0, 0.3 * h, -0.5 * h, 1.0, -1.0]])
    report = gradcheck(relu, inputs, h=h)
    assert report["input"].kinks == 3
    assert report.ok()
    # At 0 the +-h difference measures half of each slope: neither ReLU's 0 nor its 1.
    entry = report["input"]
    assert entry.analytic[0, 0] == 0.0
    assert abs(entry.numeric[0, 0]) > 0.1 * abs(entry.numeric[0, 3])
    assert relative_error(entry.analytic, entry.numeric) > WRONG  # what it would have reported


def test_kink_inside_a_model_is_flagged():
    model = Sequential(Linear(2, 3, rng=0), ReLU(), Linear(3, 1, rng=1))
    inputs = x(2, 2)
    hidden = inputs @ model[0].weight.data
    model[0].bias.data[:] = -hidden[0]  # puts the three ReLU inputs of sample 0 exactly at 0
    report = gradcheck(model, inputs)
    assert report.kinks > 0
    assert report.ok(), str(report)


def test_parameters_are_restored_exactly():
    model = Sequential(Linear(3, 2, rng=0), Tanh())
    before = [p.data.copy() for p in model.parameters()]
    inputs = x()
    saved = inputs.copy()
    gradcheck(model, inputs)
    for p, b in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.data, b)
    np.testing.assert_array_equal(inputs, saved)


def test_bad_arguments():
    with pytest.raises(TypeError, match="x must be a float64"):
        gradcheck(Linear(2, 2), np.zeros((2, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="h must be a positive"):
        gradcheck(Linear(2, 2), np.zeros((2, 2)), h=0.0)
    with pytest.raises(ValueError, match="target is required"):
        gradcheck(MSELoss(), np.zeros((2, 2)))
    with pytest.raises(TypeError, match="f must be a layer or model"):
        gradcheck(np.tanh, np.zeros((2, 2)))
    with pytest.raises(KeyError, match="no array named"):
        gradcheck(Linear(2, 2), np.zeros((2, 2)))["weight"]


def test_report_prints_a_table():
    text = str(gradcheck(Linear(2, 2, rng=0), x(3, 2)))
    assert text.splitlines()[0].split() == ["array", "shape", "rel.", "error", "kinks", "verdict"]
    assert "0.weight" in text and "good" in text
