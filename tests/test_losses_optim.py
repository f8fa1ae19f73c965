"""backprop.losses and backprop.optim: values, gradients, stability, update rules, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from backprop._checks import NonFiniteError
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


# ------------------------------------ pinned by mutation testing (make mutation)


def test_log_softmax_works_along_the_last_axis_of_any_shape():
    z = np.arange(24.0).reshape(2, 3, 4) / 7
    expected = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(log_softmax(z), expected, rtol=1e-12)
    np.testing.assert_allclose(log_softmax(np.array([1.0, 2.0])), [-1.3132616875182228, -0.3132616875182228])
    assert log_softmax(np.zeros((0, 3))).shape == (0, 3)
    assert log_softmax(np.array([[5.0], [-2.0]])).tolist() == [[0.0], [0.0]]


@pytest.mark.parametrize("z", [np.float64(1.0), np.zeros((2, 0))])
def test_log_softmax_needs_one_score_along_the_last_axis(z):
    with pytest.raises(ValueError) as info:
        log_softmax(z)
    assert str(info.value) == f"z must hold at least one score along its last axis, got shape {z.shape}"


def test_log_softmax_names_z_in_a_type_error():
    with pytest.raises(TypeError, match=r"^z must hold real numbers"):
        log_softmax(np.array(["a"]))


def test_accuracy_with_one_class_and_with_none():
    assert accuracy(np.zeros((3, 1)), np.zeros(3, dtype=int)) == 1.0
    with pytest.raises(ValueError) as info:
        accuracy(np.zeros((2, 0)), np.zeros(2, dtype=int))
    assert str(info.value) == "scores must hold at least one sample and one class, got shape (2, 0)"


def test_loss_messages_name_the_loss_and_argument():
    assert repr(MSELoss()) == "MSELoss()"
    assert repr(SoftmaxCrossEntropy()) == "SoftmaxCrossEntropy()"
    with pytest.raises(RuntimeError) as info:
        MSELoss().backward()
    assert str(info.value) == "MSELoss: backward() was called before the loss was computed"
    with pytest.raises(RuntimeError) as info:
        SoftmaxCrossEntropy().backward()
    assert str(info.value) == "SoftmaxCrossEntropy: backward() was called before the loss was computed"
    with pytest.raises(TypeError, match=r"^MSELoss: target must hold real numbers"):
        MSELoss()(np.zeros((2, 1)), np.array([["a"], ["b"]]))
    with pytest.raises(TypeError, match=r"^SoftmaxCrossEntropy: labels must be integer class labels, got dtype float64$"):
        SoftmaxCrossEntropy()(np.zeros((2, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"^scores must be a batch of shape \(N, outputs\) with N >= 1 and outputs >= 1, got \(0, 2\)$"):
        SoftmaxCrossEntropy()(np.zeros((0, 2)), np.zeros(0, dtype=int))


def _param(shape=(2,)):
    return Parameter(np.ones(shape))


def test_optimizer_defaults():
    p = _param()
    assert repr(SGD([p])) == "SGD(lr=0.01, momentum=0.0)"
    assert repr(Adam([p])) == "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08)"
    assert SGD([p])._velocity == []   # no momentum: no velocity kept


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda p: SGD([p], lr=0), ValueError, "lr must be positive, got 0.0"),
    (lambda p: SGD([p], lr="x"), TypeError, "lr must be a real number, got str 'x'"),
    (lambda p: SGD([p], momentum=-0.1), ValueError, "momentum must be in [0.0, 1.0), got -0.1"),
    (lambda p: SGD([p], momentum=1.0), ValueError, "momentum must be in [0.0, 1.0), got 1.0"),
    (lambda p: Adam([p], betas=(-0.1, 0.9)), ValueError, "betas[0] must be in [0.0, 1.0), got -0.1"),
    (lambda p: Adam([p], betas=(1.0, 0.9)), ValueError, "betas[0] must be in [0.0, 1.0), got 1.0"),
    (lambda p: Adam([p], betas=(1.5, 0.9)), ValueError, "betas[0] must be in [0.0, 1.0), got 1.5"),
    (lambda p: Adam([p], betas=(0.9, 1.0)), ValueError, "betas[1] must be in [0.0, 1.0), got 1.0"),
    (lambda p: Adam([p], betas=(0.9, -0.5)), ValueError, "betas[1] must be in [0.0, 1.0), got -0.5"),
    (lambda p: Adam([p], eps=0.0), ValueError, "eps must be positive, got 0.0"),
])
def test_optimizer_hyperparameters_are_checked_on_both_sides(make, error, message):
    with pytest.raises(error) as info:
        make(_param())
    assert str(info.value) == message


def test_zero_is_allowed_for_momentum_and_both_betas():
    p = _param()
    assert SGD([p], momentum=0.0).momentum == 0.0
    adam = Adam([p], betas=(0.0, 0.0))
    assert (adam.beta1, adam.beta2) == (0.0, 0.0)


class _Model:
    def parameters(self):
        return []


class _DataOnly:
    def __init__(self):
        self.data = np.zeros(2)


class _GradOnly:
    def __init__(self):
        self.grad = np.zeros(2)


@pytest.mark.parametrize(("parameters", "error", "message"), [
    (_Model().parameters, TypeError,
     "parameters must be a list of parameters, got the method 'parameters': call it, as in SGD(model.parameters())"),
    (3, TypeError, "parameters must be a list of parameters, such as model.parameters(), got int 3"),
    ("ab", TypeError, "parameters must be a list of parameters, such as model.parameters(), got str 'ab'"),
    ([], ValueError, "parameters must be a non-empty list of parameters, got an empty one"),
    ([_DataOnly()], TypeError, "parameter 0 must have NumPy arrays .data and .grad, got _DataOnly"),
    ([_GradOnly()], TypeError, "parameter 0 must have NumPy arrays .data and .grad, got _GradOnly"),
    ([object()], TypeError, "parameter 0 must have NumPy arrays .data and .grad, got object"),
])
def test_optimizer_refuses_bad_parameter_lists(parameters, error, message):
    with pytest.raises(error) as info:
        SGD(parameters)
    assert str(info.value) == message


def test_optimizer_refuses_read_only_or_integer_data():
    p = _param()
    p.data.flags.writeable = False
    with pytest.raises(ValueError) as info:
        SGD([p])
    assert str(info.value) == (
        "parameter 0: .data must be a writable float array (the optimizer updates it in place), "
        "got a read-only float64 array"
    )
    q = _param()
    q.data = np.zeros(2, dtype=np.int64)
    with pytest.raises(ValueError) as info:
        SGD([q])
    assert str(info.value) == (
        "parameter 0: .data must be a writable float array (the optimizer updates it in place), "
        "got a int64 array"
    )


def test_optimizer_takes_distinct_parameters_and_refuses_one_listed_twice():
    a, b = _param(), _param()
    assert SGD([a, b]).parameters == [a, b]
    with pytest.raises(ValueError) as info:
        SGD([a, b, a])
    assert str(info.value) == (
        f"parameters 0 and 2 are the same {a!r}: it would be updated twice per step; list each parameter once"
    )


def test_zero_grad_sets_every_gradient_to_zero():
    a, b = _param(), _param((2, 2))
    a.grad[...] = 3.0
    b.grad[...] = -1.0
    for optimizer in (SGD([a, b]), Adam([a, b])):
        optimizer.zero_grad()
        assert a.grad.tolist() == [0.0, 0.0] and b.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]
        a.grad[...] = 3.0


# --- overflow is refused in words, with no NumPy warning on the way



def test_softmax_of_scores_1e308_apart_is_one_hot_without_a_warning():
    z = np.array([[1e308, -1e308], [-1e308, 1e308]])  # z - max overflows to -inf: a probability of 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(softmax(z), [[1.0, 0.0], [0.0, 1.0]])
        ce = SoftmaxCrossEntropy()
        assert ce(z, np.array([0, 1])) == 0.0  # the right class has probability 1
        np.testing.assert_array_equal(ce.backward(), [[0.0, 0.0], [0.0, 0.0]])


def test_log_softmax_refuses_a_log_probability_beyond_a_float():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NonFiniteError) as info:
            log_softmax(np.array([[1e308, -1e308]]))
    assert str(info.value) == (
        "log_softmax: the scores z are too far apart: a log-probability is below "
        "-1.8e308 and overflows a float (softmax(z) holds an exact 0 there)"
    )


def test_cross_entropy_refuses_an_overflowing_loss_and_keeps_the_last_good_call():
    ce = SoftmaxCrossEntropy()
    assert ce(np.array([[0.0, 0.0]]), np.array([1])) == pytest.approx(np.log(2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NonFiniteError) as info:
            ce(np.array([[1e308, -1e308]]), np.array([1]))  # the label's probability is an exact 0
    assert str(info.value) == "SoftmaxCrossEntropy: the scores are too far apart: the loss overflows a float"
    np.testing.assert_array_equal(ce.backward(), [[0.5, -0.5]])


def test_mse_refuses_an_overflowing_square_and_keeps_the_last_good_call():
    mse = MSELoss()
    assert mse(np.array([[3.0]]), np.array([[1.0]])) == 4.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for prediction, target in [(1e200, 0.0), (1e308, -1e308)]:  # the square, or the difference, overflows
            with pytest.raises(NonFiniteError) as info:
                mse(np.array([[prediction]]), np.array([[target]]))
            assert str(info.value) == (
                "MSELoss: prediction and target are too far apart: the squared error overflows a float"
            )
        assert mse(np.array([[1e150]]), np.array([[-1e150]])) == pytest.approx(4e300)  # large but finite
    np.testing.assert_allclose(mse.backward(), [[4e150]])


def test_losses_name_the_prediction_or_scores_when_they_are_not_finite():
    with pytest.raises(NonFiniteError) as info:
        MSELoss()(np.array([[np.nan]]), np.array([[0.0]]))
    assert str(info.value) == "prediction must be finite, but it contains NaN or infinity"
    with pytest.raises(NonFiniteError) as info:
        SoftmaxCrossEntropy()(np.array([[0.0, np.inf]]), np.array([0]))
    assert str(info.value) == "scores must be finite, but it contains NaN or infinity"


@pytest.mark.parametrize(("labels", "low", "high"), [
    (np.array([0, 3]), 0, 3),     # one past the last class: above only
    (np.array([-1, 2]), -1, 2),   # below only
    (np.array([-2, 5]), -2, 5),   # both
])
def test_accuracy_refuses_labels_out_of_range_on_either_side(labels, low, high):
    with pytest.raises(ValueError) as info:
        accuracy(np.zeros((2, 3)), labels)
    assert str(info.value) == (
        f"labels must be integers in [0, 3), one class per column of the scores, got values from {low} to {high}"
    )


def test_accuracy_takes_the_last_class():
    scores = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    assert accuracy(scores, np.array([2, 0, 2, 1])) == 0.5


@pytest.mark.parametrize("name", ["lr", "momentum", "eps"])
def test_optimizer_refuses_an_integer_too_large_for_a_float(name):
    make = {"lr": lambda p: SGD([p], lr=10**400), "momentum": lambda p: SGD([p], momentum=10**400),
            "eps": lambda p: Adam([p], eps=10**400)}[name]
    with pytest.raises(ValueError) as info:
        make(_param())
    assert str(info.value) == f"{name} must be a finite number, got a int too large for a float"


class _CallableParameterList(list):
    """A list of parameters that can also be called, as a model's parameter container might be."""

    def __call__(self):
        return self


class _Callable:
    """A callable object with no ``__name__`` and no ``__iter__``."""

    def __call__(self):
        return []

    def __repr__(self):
        return "<a callable>"


def test_optimizer_takes_an_iterable_even_if_it_is_also_callable():
    p = param([1.0, 2.0], [0.5, -1.0])
    opt = SGD(_CallableParameterList([p]), lr=0.1)
    assert opt.parameters == [p]
    opt.step()
    np.testing.assert_allclose(p.data, [0.95, 2.1])


def test_optimizer_names_a_callable_without_a_name_in_its_refusal():
    with pytest.raises(TypeError) as info:
        Adam(_Callable())
    assert str(info.value) == (
        "parameters must be a list of parameters, got the method <a callable>: call it, as in SGD(model.parameters())"
    )


def test_optimizer_refuses_data_and_grad_of_different_shapes():
    p = _param()
    q = _param((2, 3))
    q.grad = np.zeros(3)
    with pytest.raises(ValueError) as info:
        SGD([p, q])
    assert str(info.value) == "parameter 1: .data and .grad must have the same shape, got (2, 3) and (3,)"


def test_cross_entropy_with_one_class_is_zero_with_a_zero_gradient():
    ce = SoftmaxCrossEntropy()
    assert ce(np.array([[3.0], [-7.0]]), np.array([0, 0])) == 0.0
    np.testing.assert_array_equal(ce.backward(), [[0.0], [0.0]])


def test_momentum_matches_its_formula_for_two_parameters_over_several_steps():
    a, b = param([1.0, -2.0], [0.0, 0.0]), param([[0.5]], [[0.0]])
    opt = SGD([a, b], lr=0.1, momentum=0.5)
    va, vb = np.zeros(2), np.zeros((1, 1))
    wa, wb = a.data.copy(), b.data.copy()
    for t in range(1, 5):
        ga, gb = np.array([t, -2.0 * t]), np.array([[1.0 / t]])
        a.grad[...], b.grad[...] = ga, gb
        opt.step()
        va, vb = 0.5 * va + ga, 0.5 * vb + gb
        wa, wb = wa - 0.1 * va, wb - 0.1 * vb
        np.testing.assert_allclose(a.data, wa, rtol=1e-14)
        np.testing.assert_allclose(b.data, wb, rtol=1e-14)
