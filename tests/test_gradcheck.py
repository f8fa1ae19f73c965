"""backprop.gradcheck: it passes correct gradients, catches wrong ones and flags kinks."""

from __future__ import annotations

import math
from types import SimpleNamespace

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


# ------------------------------------ pinned by mutation testing (make mutation)

EPS = float(np.finfo(np.float64).eps)


def _message(error, call):
    with pytest.raises(error) as info:
        call()
    return str(info.value)


class NoBackward:
    """Callable like a loss, but without backward()."""

    def __call__(self, prediction, target):
        return 0.0

    def __repr__(self):
        return "NoBackward()"


def _float32_weight():
    layer = Linear(2, 2, rng=0)
    layer.weight.data = layer.weight.data.astype(np.float32)
    return layer


def _read_only_weight():
    layer = Linear(2, 2, rng=0)
    layer.weight.data.flags.writeable = False
    return layer


@pytest.mark.parametrize(
    "error, call, message",
    [
        (TypeError, lambda: gradcheck(Linear(2, 2), np.zeros((2, 2), dtype=np.float32)),
         "x must be a float64 NumPy array (finite differences need double precision), got float32"),
        (TypeError, lambda: gradcheck(Linear(2, 2), [[0.0, 0.0]]),
         "x must be a float64 NumPy array (finite differences need double precision), got list"),
        (ValueError, lambda: gradcheck(Linear(2, 2), np.array([[np.nan, 0.0]])),
         "x must be finite, but it contains NaN or infinity"),
        (TypeError, lambda: gradcheck(_float32_weight(), np.zeros((1, 2))),
         "parameter 0.weight must be a float64 NumPy array (finite differences need double precision), "
         "got float32"),
        (ValueError, lambda: gradcheck(_read_only_weight(), np.zeros((1, 2))),
         "parameter 0.weight must be writable: gradcheck nudges it in place"),
        (TypeError, lambda: gradcheck(Linear, np.zeros((1, 2))),
         "f must be a layer, model or loss object, got the class Linear: call it"),
        (TypeError, lambda: gradcheck(np.tanh, np.zeros((1, 2))),
         "f must be a layer or model (forward, backward, parameters) or a loss "
         "(callable with backward()), got ufunc"),
        (TypeError, lambda: gradcheck(Linear(2, 2), np.zeros((1, 2)), loss=MSELoss, target=np.zeros((1, 2))),
         "loss must be a loss object with backward(), such as MSELoss(), got type "
         "<class 'backprop.losses.MSELoss'>"),
        (TypeError, lambda: gradcheck(Linear(2, 2), np.zeros((1, 2)), loss=NoBackward(), target=np.zeros((1, 2))),
         "loss must be a loss object with backward(), such as MSELoss(), got NoBackward NoBackward()"),
        (ValueError, lambda: gradcheck(MSELoss(), np.zeros((2, 2))), "target is required to check a loss"),
        (ValueError, lambda: gradcheck(Linear(2, 2), np.zeros((2, 2)), loss=MSELoss()),
         "target is required when loss is given"),
        (ValueError, lambda: relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0, 3.0])),
         "analytic and numeric must hold as many numbers, got 2 and 3"),
        (ValueError, lambda: relative_error(np.array([np.nan]), np.array([1.0])),
         "analytic must be finite, but it contains NaN or infinity"),
        (ValueError, lambda: relative_error(np.array([1.0]), np.array([np.inf])),
         "numeric must be finite, but it contains NaN or infinity"),
        (TypeError, lambda: verdict(True), "error must be a real number, got bool True"),
        (TypeError, lambda: verdict("0.1"), "error must be a real number, got str '0.1'"),
        (ValueError, lambda: verdict(-1e-9), "error must be a relative error, at least 0, got -1e-09"),
        (ValueError, lambda: gradcheck(Linear(2, 2, rng=0), x(3, 2)).ok(-1.0), "tol must be >= 0.0, got -1.0"),
        (TypeError, lambda: gradcheck(Linear(2, 2, rng=0), x(3, 2)).ok("x"), "tol must be a real number, got str 'x'"),
    ],
)
def test_error_messages_name_the_argument(error, call, message):
    assert _message(error, call) == message


def test_verdict_boundaries_are_inclusive():
    assert verdict(0.0) == "good"
    assert verdict(1e-4) == "fair" and verdict(1.0001e-4) == "poor"
    report = gradcheck(Linear(3, 2, rng=0), x())
    assert report.max_error > 0
    assert report.ok(tol=report.max_error)
    assert not report.ok(tol=report.max_error * 0.5)


def test_the_report_records_shapes_and_the_step():
    report = gradcheck(Linear(3, 2, rng=0), x(), h=1e-4)
    assert report.h == 1e-4
    assert [e.shape for e in report.entries] == [(4, 3), (3, 2), (2,)]
    lines = str(report).splitlines()
    for line, e in zip(lines[1:], report.entries):
        assert line.split() == [e.name, *str(e.shape).split(), f"{e.error:.1e}", str(e.kinks), e.verdict]


def test_the_random_weights_of_the_outputs_come_from_the_seed():
    layer, inputs = Linear(3, 2, rng=0), x()
    for seed in (0, 5):
        R = np.random.default_rng(seed).standard_normal((4, 2))
        analytic = gradcheck(layer, inputs, seed=seed)["input"].analytic
        np.testing.assert_allclose(analytic, R @ layer.weight.data.T, rtol=1e-14)
    np.testing.assert_array_equal(gradcheck(layer, inputs)["input"].analytic,
                                  gradcheck(layer, inputs, seed=0)["input"].analytic)


class Bowl:
    """L(x) = sum(k * x**2) + sum(j * x): at x = 0 its gradient is j, a number we choose.

    With a large k every L is far larger than the change a nudge makes: the
    difference quotient is mostly rounding noise. It records each value it returns.
    """

    def __init__(self, k, j):
        self.k, self.j, self.values = np.array(k), np.array(j), []

    def __call__(self, x, target):
        self.values.append(float(np.sum(self.k * x * x) + np.sum(self.j * x)))
        return self.values[-1]

    def backward(self):
        return self.j.copy()


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_the_denominator_is_at_least_the_rounding_noise_of_the_largest_loss(sign):
    # element 1 has the largest loss (not the last element); its nudges up and down
    # give losses that differ in their last bits
    loss = Bowl(k=[1e8, 4e8, 2e8], j=[0.0, sign * 1e-12, 0.0])
    h = 1e-5
    entry = gradcheck(loss, np.zeros(3), target=np.zeros(3), h=h)["input"]
    nudged = loss.values[1:]  # the first value is the unperturbed loss
    assert len(nudged) == 6 and max(nudged, key=abs) not in nudged[-2:]
    noise = math.sqrt(3) * EPS * max(abs(v) for v in nudged) / h
    a, n = entry.analytic, entry.numeric
    assert max(np.linalg.norm(a), np.linalg.norm(n)) < noise  # the noise decides the denominator
    assert entry.error == float(np.linalg.norm(a - n)) / noise


class CachedHalfSquare:
    """L = |p - t|**2 / 2, keeping dL/dp in one buffer that every call overwrites."""

    def __init__(self, dtype=np.float64):
        self.dtype, self.grad = dtype, None

    def __call__(self, prediction, target):
        if self.grad is None:
            self.grad = np.empty(prediction.shape, dtype=self.dtype)
        np.subtract(prediction, target, out=self.grad, casting="unsafe")
        return 0.5 * float(np.sum((prediction - target) ** 2))

    def backward(self):
        return self.grad


def test_the_analytic_gradient_is_a_float64_snapshot():
    p, t = x(2, 3), x(2, 3, seed=2)
    loss = CachedHalfSquare()
    report = gradcheck(loss, p, target=t)
    np.testing.assert_array_equal(report["input"].analytic, p - t)  # not the buffer's last contents
    assert report.ok()
    report = gradcheck(CachedHalfSquare(np.float32), p, target=t)
    assert report["input"].analytic.dtype == np.float64


class BufferedReLU:
    """A ReLU that writes its kink pattern into one buffer, reused by every forward pass."""

    def __init__(self):
        self.mask = None

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        if self.mask is None:
            self.mask = np.empty(x.shape, dtype=bool)
        np.greater(x, 0, out=self.mask)
        return x * self.mask

    def backward(self, grad_out):
        return grad_out * self.mask

    def parameters(self):
        return []

    def kink_pattern(self):
        return self.mask


def test_kinks_are_found_even_when_a_layer_reuses_its_pattern_buffer():
    h = 1e-5
    inputs = np.array([[0.0, 0.3 * h, -0.5 * h, 1.0, -1.0]])
    report = gradcheck(BufferedReLU(), inputs, h=h)
    assert report["input"].kinks == 3
    assert report.ok()


class Scaled:
    """``s * layer(x)``: a model with a parameter outside its layers, and no name on it."""

    def __init__(self):
        self.layers = [Linear(2, 2, rng=0)]
        self.scale = SimpleNamespace(data=np.array([1.5]), grad=np.zeros(1))

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        self.out = self.layers[0](x)
        return self.scale.data * self.out

    def backward(self, grad_out):
        self.scale.grad += np.sum(grad_out * self.out)
        return self.layers[0].backward(self.scale.data * grad_out)

    def parameters(self):
        return [*self.layers[0].parameters(), self.scale]


def test_parameters_without_a_name_or_a_layer_are_named_by_position():
    report = gradcheck(Scaled(), x(3, 2))
    assert [e.name for e in report.entries] == ["input", "0.weight", "0.bias", "2.param2"]
    assert report.ok(), str(report)
