"""backprop.nn: shapes, gradients (against central differences), errors, training."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop._checks import NonFiniteError
from backprop.gradcheck import gradcheck
from backprop.losses import MSELoss, SoftmaxCrossEntropy
from backprop.nn import Linear, Parameter, ReLU, Sequential, Sigmoid, Tanh, fit, init_std
from backprop.optim import SGD, Adam

ACTIVATIONS = [ReLU, Tanh, Sigmoid]


def batch(n=5, features=3, seed=1):
    return np.random.default_rng(seed).normal(size=(n, features))


# --- the public contract ---------------------------------------------------------------


def test_linear_computes_x_at_weight_plus_bias():
    layer = Linear(3, 2, rng=0)
    weight, bias = layer.parameters()
    assert weight.data.shape == (3, 2) and bias.data.shape == (2,)
    assert weight.grad.shape == (3, 2) and bias.grad.shape == (2,)
    bias.data[:] = [1.0, -2.0]
    x = batch()
    np.testing.assert_allclose(layer(x), x @ weight.data + bias.data)


def test_linear_backward_is_the_matrix_formulas():
    layer = Linear(3, 4, rng=0)
    x, G = batch(5, 3), batch(5, 4, seed=2)
    layer(x)
    dx = layer.backward(G)
    np.testing.assert_allclose(layer.weight.grad, x.T @ G)
    np.testing.assert_allclose(layer.bias.grad, G.sum(axis=0))
    np.testing.assert_allclose(dx, G @ layer.weight.data.T)


def test_linear_backward_is_the_per_neuron_rule():
    """Chapter 6's scalar rule, one weight and one sample at a time, summed over samples."""
    layer = Linear(2, 3, rng=0)
    x, G = batch(4, 2), batch(4, 3, seed=2)
    layer(x)
    dx = layer.backward(G)
    for i in range(2):
        for j in range(3):
            assert layer.weight.grad[i, j] == pytest.approx(sum(G[n, j] * x[n, i] for n in range(4)))
    for n in range(4):
        for i in range(2):
            assert dx[n, i] == pytest.approx(sum(G[n, j] * layer.weight.data[i, j] for j in range(3)))


def test_parameters_are_writable_in_place():
    model = Sequential(Linear(2, 2, rng=0), Tanh(), Linear(2, 1, rng=1))
    params = model.parameters()
    assert [p.data.shape for p in params] == [(2, 2), (2,), (2, 1), (1,)]
    params[0].data[...] = 0.0
    params[1].data[...] = 0.0
    np.testing.assert_allclose(model(batch(3, 2)), np.broadcast_to(params[3].data, (3, 1)))
    assert all(p.data.dtype == np.float64 and p.grad.shape == p.data.shape for p in params)


def test_linear_is_seeded():
    np.testing.assert_array_equal(Linear(4, 3, rng=7).weight.data, Linear(4, 3, rng=7).weight.data)
    gen = np.random.default_rng(7)
    assert not np.array_equal(Linear(4, 3, rng=gen).weight.data, Linear(4, 3, rng=gen).weight.data)


def test_activation_values_and_derivatives():
    x = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
    ones = np.ones_like(x)
    relu, tanh, sigmoid = ReLU(), Tanh(), Sigmoid()
    np.testing.assert_array_equal(relu(x), [[0, 0, 0, 0.5, 2]])
    np.testing.assert_array_equal(relu.backward(ones), [[0, 0, 0, 1, 1]])
    np.testing.assert_allclose(tanh(x), np.tanh(x))
    np.testing.assert_allclose(tanh.backward(ones), 1 / np.cosh(x) ** 2)
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(sigmoid(x), s, rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(sigmoid.backward(ones), s * (1 - s))


def test_sigmoid_does_not_overflow():
    with np.errstate(all="raise"):
        out = Sigmoid()(np.array([[-800.0, 800.0]]))
    np.testing.assert_array_equal(out, [[0.0, 1.0]])


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_layer_passes_the_gradient_check(activation):
    model = Sequential(Linear(3, 4, rng=0), activation(), Linear(4, 2, rng=1))
    report = gradcheck(model, batch(6, 3))
    assert report.ok(1e-7), str(report)
    report = gradcheck(activation(), batch(6, 3))
    assert report.ok(1e-7), str(report)


@pytest.mark.parametrize("loss, target", [
    (MSELoss(), np.random.default_rng(3).normal(size=(6, 2))),
    (SoftmaxCrossEntropy(), np.array([0, 1, 1, 0, 1, 0])),
])
def test_model_and_loss_pass_the_gradient_check(loss, target):
    model = Sequential(Linear(3, 5, rng=0), Tanh(), Linear(5, 5, rng=1), ReLU(), Linear(5, 2, rng=2))
    report = gradcheck(model, batch(6, 3), loss=loss, target=target)
    assert report.ok(1e-7), str(report)


@settings(max_examples=25, deadline=None)
@given(
    widths=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    activations=st.lists(st.sampled_from(ACTIVATIONS), min_size=4, max_size=4),
    n=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_random_architectures_pass_the_gradient_check(widths, activations, n, seed):
    rng = np.random.default_rng(seed)
    layers = []
    for i, (a, b) in enumerate(zip(widths, widths[1:])):
        layers.append(Linear(a, b, rng=rng))
        if i < len(widths) - 2:
            layers.append(activations[i]())
    model = Sequential(*layers)
    x = rng.normal(size=(n, widths[0]))
    out = model(x)
    assert out.shape == (n, widths[-1])
    report = gradcheck(model, x, seed=seed)
    # A kink crossed by the nudge is left out; everything else must agree.
    assert report.ok(1e-6), str(report)
    dx = model.backward(np.ones_like(out))
    assert dx.shape == x.shape


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_backward_is_linear_in_grad_out(n, seed):
    rng = np.random.default_rng(seed)
    model = Sequential(Linear(3, 4, rng=rng), Tanh(), Linear(4, 2, rng=rng))
    x = rng.normal(size=(n, 3))
    model(x)
    g1, g2 = rng.normal(size=(n, 2)), rng.normal(size=(n, 2))
    np.testing.assert_allclose(
        model.backward(g1 + 2 * g2), model.backward(g1) + 2 * model.backward(g2), atol=1e-12
    )


# --- errors --------------------------------------------------------------------------


def test_shape_mismatch_names_the_layer_and_both_shapes():
    model = Sequential(Linear(2, 3, rng=0), ReLU(), Linear(4, 1, rng=0))
    with pytest.raises(ValueError, match=r"Linear\(4, 1\).*\(N, 4\).*\(5, 3\)"):
        model(batch(5, 2))
    with pytest.raises(ValueError, match=r"Linear\(2, 3\).*\(N, 2\).*\(5,\)"):
        Linear(2, 3, rng=0)(np.zeros(5))


def test_grad_out_of_the_wrong_shape_names_the_layer():
    layer = Linear(2, 3, rng=0)
    layer(batch(4, 2))
    with pytest.raises(ValueError, match=r"Linear\(2, 3\).*\(4, 3\).*\(4, 2\)"):
        layer.backward(np.zeros((4, 2)))
    relu = ReLU()
    relu(batch(4, 2))
    with pytest.raises(ValueError, match=r"ReLU\(\).*\(4, 2\).*\(2, 4\)"):
        relu.backward(np.zeros((2, 4)))


@pytest.mark.parametrize("layer", [Linear(2, 2, rng=0), ReLU(), Tanh(), Sigmoid()])
def test_backward_before_forward_is_a_clear_error(layer):
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.zeros((1, 2)))


def test_backward_before_forward_names_the_model_or_layer():
    with pytest.raises(RuntimeError, match=r"Sequential\(Linear\(2, 3\), ReLU\(\), Linear\(3, 1\)\): backward\(\) was called before forward"):
        Sequential(Linear(2, 3, rng=0), ReLU(), Linear(3, 1, rng=0)).backward(np.zeros((4, 1)))
    with pytest.raises(RuntimeError, match=r"Linear\(3, 1\): backward\(\) was called before forward"):
        Linear(3, 1, rng=0).backward(np.zeros((4, 1)))


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((0, 2), {}, ValueError, "in_features"),
    ((2, -1), {}, ValueError, "out_features"),
    ((2.5, 2), {}, TypeError, "in_features"),
    ((2, 2), {"rng": "seed"}, TypeError, "rng"),
    ((2, 2), {"init": "zeros"}, ValueError, "init"),
])
def test_linear_rejects_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        Linear(*args, **kwargs)


def test_sequential_rejects_non_layers():
    with pytest.raises(TypeError, match="layer 1"):
        Sequential(Linear(2, 2), np.tanh)


def test_non_numeric_input_is_a_type_error():
    with pytest.raises(TypeError, match=r"Linear\(2, 2\)"):
        Linear(2, 2, rng=0)([["a", "b"]])


# --- training ------------------------------------------------------------------------


def test_fit_learns_the_source_tutorials_line():
    """The source tutorial's two linear neurons, trained with the library, find y = 4 + 3x."""
    rng = np.random.default_rng(0)
    X = rng.random((100, 1))
    y = 4 + 3 * X + 0.1 * rng.standard_normal((100, 1))
    model = Sequential(Linear(1, 1, rng=0), Linear(1, 1, rng=1))
    history = fit(model, MSELoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=200, batch_size=100)
    assert history[-1] < history[0] and history[-1] < 0.02
    w11, w12, w21, w22 = (float(p.data.ravel()[0]) for p in model.parameters())
    assert w21 * w11 == pytest.approx(3, abs=0.1)
    assert w21 * w12 + w22 == pytest.approx(4, abs=0.1)


def test_fit_stops_on_a_non_finite_loss_with_the_step():
    X = np.linspace(-1, 1, 40).reshape(-1, 1) * 100
    y = 3 * X
    model = Sequential(Linear(1, 8, rng=0), Linear(8, 1, rng=1))
    with pytest.raises(FloatingPointError, match=r"step \d+ \(epoch \d+, batch \d+\)"):
        with np.errstate(all="ignore"):
            fit(model, MSELoss(), SGD(model.parameters(), lr=10.0), X, y, epochs=50, batch_size=10)


def test_fit_is_reproducible_and_checks_its_data():
    def run():
        model = Sequential(Linear(2, 4, rng=0), ReLU(), Linear(4, 2, rng=1))
        X = batch(20, 2)
        y = (X[:, 0] > 0).astype(int)
        return fit(model, SoftmaxCrossEntropy(), Adam(model.parameters(), lr=0.01), X, y,
                   epochs=3, batch_size=7, seed=5)
    assert run() == run()
    model = Linear(2, 1, rng=0)
    with pytest.raises(ValueError, match="y must have one row per sample"):
        fit(model, MSELoss(), SGD(model.parameters()), np.zeros((4, 2)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="epochs"):
        fit(model, MSELoss(), SGD(model.parameters()), np.zeros((4, 2)), np.zeros((4, 1)), epochs=0)


def test_gradients_are_added_into_the_same_arrays():
    layer = Linear(3, 2, rng=0)
    layer(batch(4, 3))
    grad = layer.weight.grad
    layer.backward(np.ones((4, 2)))
    assert layer.weight.grad is grad  # optimizers may hold on to .grad


# ---------------------------------------------------------------- no silent wrong answer


def test_changing_the_input_after_forward_does_not_change_the_gradient():
    layer = Linear(3, 2, rng=0)
    x = batch(4, 3)
    expected = x.T @ np.ones((4, 2))
    layer(x)
    x *= -7.0  # the caller reuses its array before the backward pass
    layer.backward(np.ones((4, 2)))
    np.testing.assert_array_equal(layer.weight.grad, expected)


@pytest.mark.parametrize("activation", [ReLU, Tanh, Sigmoid])
@pytest.mark.parametrize("edit", ["negate", "clip"])
def test_editing_an_output_in_place_does_not_change_the_gradient(activation, edit):
    x = batch(4, 3)
    layer, fresh = activation(), activation()
    out = layer(x)
    fresh(x)
    if edit == "negate":
        out *= -1
    else:
        np.clip(out, 0.2, 0.3, out=out)
    G = batch(4, 3, seed=5)
    np.testing.assert_array_equal(layer.backward(G), fresh.backward(G))


def test_the_same_layer_object_twice_is_refused_when_the_model_is_built():
    relu = ReLU()
    with pytest.raises(ValueError, match=r"layer 3 is the same ReLU\(\) object as layer 1"):
        Sequential(Linear(2, 3), relu, Linear(3, 3), relu)
    linear = Linear(3, 3)
    with pytest.raises(ValueError, match=r"layer 1\.0 is the same Linear\(3, 3\) object as layer 0"):
        Sequential(linear, Sequential(linear))


def test_tied_parameters_in_distinct_layers_are_allowed_and_collect_both_gradients():
    first, second = Linear(2, 2, rng=0), Linear(2, 2, rng=1)
    second.weight = first.weight
    model = Sequential(first, Tanh(), second)
    x = batch(3, 2)
    model(x)
    model.backward(np.ones((3, 2)))
    report = gradcheck(model, x)  # clears, then compares every parameter with central differences
    assert report.ok(), str(report)


@pytest.mark.parametrize(
    ("bad", "kind"),
    [(np.ones((2, 2), dtype=complex), "complex numbers"), (np.array([["1", "2"]]), "strings"),
     (np.ones((2, 2), dtype=bool), "booleans"), (np.array([[1.0, None]], dtype=object), "Python objects")],
)
def test_layers_refuse_inputs_that_are_not_real_numbers(bad, kind):
    for layer in (Linear(2, 2, rng=0), ReLU(), Sequential(Tanh())):
        with pytest.raises(TypeError, match=f"the input must hold real numbers .*got {kind}"):
            layer(bad)


def test_a_model_that_starts_with_an_activation_refuses_nan():
    with pytest.raises(ValueError, match=r"Sequential\(ReLU\(\), Linear\(2, 1\)\): the input must be finite"):
        Sequential(ReLU(), Linear(2, 1))(np.array([[np.nan, 1.0]]))


def test_parameters_copy_their_data_writable_and_contiguous():
    data = np.arange(6.0).reshape(3, 2).T  # Fortran-ordered view
    data.flags.writeable = False
    p = Parameter(data)
    assert p.data.flags.writeable and p.data.flags.c_contiguous
    np.testing.assert_array_equal(p.data, data)
    with pytest.raises(TypeError, match="Parameter data must hold real numbers"):
        Parameter(np.ones(2, dtype=complex))


def test_parameter_repr():
    assert repr(Parameter(np.zeros(3), "bias")) == "Parameter(name='bias', shape=(3,))"


def test_importing_nn_does_not_import_matplotlib_or_the_engine():
    code = (
        "import sys, backprop.nn, backprop.losses, backprop.optim, backprop.gradcheck;"
        "bad = [m for m in sys.modules if m.startswith(('matplotlib', 'backprop.engine'))];"
        "assert not bad, bad"
    )
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])))
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_backward_without_input_grad_gives_the_same_parameter_gradients():
    rng = np.random.default_rng(3)
    model = Sequential(Linear(4, 5, rng=rng), Tanh(), Linear(5, 2, rng=rng))
    x = rng.standard_normal((6, 4))
    G = rng.standard_normal((6, 2))
    model(x)
    dx = model.backward(G)
    full = [p.grad.copy() for p in model.parameters()]
    model.zero_grad()
    model(x)
    assert model.backward(G, input_grad=False) is None
    for before, p in zip(full, model.parameters()):
        np.testing.assert_array_equal(before, p.grad)
    assert dx.shape == x.shape


def test_models_and_layers_refuse_nan_or_infinity():
    model = Sequential(Linear(2, 3, rng=0), ReLU(), Linear(3, 1, rng=1))
    with pytest.raises(ValueError, match=r"Sequential\(.*\): the input must be finite"):
        model(np.array([[1.0, np.nan]]))
    for layer in (Linear(2, 3), ReLU(), Tanh(), Sigmoid()):  # each layer on its own checks too
        with pytest.raises(ValueError, match=r"the input must be finite"):
            layer(np.array([[1.0, np.inf]]))
    # An overflow inside the model shows at its output ...
    model[0].weight.data[...] = np.inf
    with np.errstate(invalid="ignore"), pytest.raises(ValueError, match=r"the output is not finite: a number overflowed"):
        model(np.array([[1.0, 1.0]]))
    # ... also when it happens in the last layer.
    linear_last = Sequential(Linear(1, 1, rng=0))
    linear_last[0].weight.data[...] = 1e308
    with np.errstate(over="ignore"), pytest.raises(ValueError, match="the output is not finite: a number overflowed"):
        linear_last(np.array([[10.0]]))


def test_a_model_refuses_a_non_finite_grad_out():
    model = Sequential(Linear(2, 3, rng=0), ReLU(), Linear(3, 1, rng=1))
    model(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"Sequential\(.*\): grad_out must be finite"):
        model.backward(np.full((4, 1), np.nan))
    with pytest.raises(ValueError, match=r"grad_out must have the shape of the output \(4, 1\)"):
        model.backward(np.ones((4, 2)))


@pytest.mark.parametrize("shape", [(4, 3), (300, 300)])
def test_relu_is_max_with_zero_at_every_size(shape):
    x = np.random.default_rng(0).standard_normal(shape)
    x[0, 0] = -0.0
    out = ReLU()(x)
    np.testing.assert_array_equal(out, np.maximum(x, 0.0))
    assert out.flags.writeable and not np.shares_memory(out, x)


@pytest.mark.parametrize(
    ("init", "expected"),
    [("lecun", (1 / 400) ** 0.5), ("he", (2 / 400) ** 0.5), ("glorot", (2 / 700) ** 0.5), ("xavier", (2 / 700) ** 0.5)],
)
def test_init_schemes_draw_weights_with_the_literature_standard_deviation(init, expected):
    weight = Linear(400, 300, rng=0, init=init).weight.data
    assert abs(weight.std() / expected - 1) < 0.01  # 120,000 draws: the sample std is within 0.4 %
    assert abs(weight.mean()) < 0.01 * expected


@pytest.mark.parametrize("init", ["normal", "Xavier", "", None, 2])
def test_unknown_init_names_the_accepted_values(init):
    with pytest.raises(ValueError, match=r"init must be one of 'lecun', 'glorot', 'xavier', 'he', got"):
        Linear(3, 2, init=init)


# ---------------------------------------------------------------- one gradient rule


def test_backward_adds_to_the_parameter_gradients_until_zero_grad():
    model = Sequential(Linear(3, 4, rng=0), Tanh(), Linear(4, 2, rng=1))
    x, G = batch(5, 3), batch(5, 2, seed=1)
    model(x)
    model.backward(G)
    once = [p.grad.copy() for p in model.parameters()]
    model.backward(G)  # the same output back-propagated twice: every gradient doubles
    for g, p in zip(once, model.parameters()):
        np.testing.assert_allclose(p.grad, 2 * g, rtol=1e-14, atol=1e-15)
    model.zero_grad()
    assert all(not p.grad.any() for p in model.parameters())
    model.backward(G)
    for g, p in zip(once, model.parameters()):
        np.testing.assert_array_equal(p.grad, g)


def test_tied_weights_collect_the_gradient_of_every_use():
    # y = (x W) W, the same 2x2 weight used by two products: dL/dW is the sum
    # of both uses' contributions, checked against central differences.
    rng = np.random.default_rng(4)
    first, second = Linear(2, 2, rng=rng), Linear(2, 2, rng=rng)
    second.weight = first.weight  # tie them: one Parameter in two places
    second.bias = first.bias
    x = rng.standard_normal((3, 2))
    G = rng.standard_normal((3, 2))

    def objective() -> float:
        return float(np.sum(G * second(first(x))))

    objective()
    first.weight.grad[...] = 0.0
    first.bias.grad[...] = 0.0
    first.backward(second.backward(G))
    for p in (first.weight, first.bias):
        numeric = np.zeros_like(p.data)
        for i in np.ndindex(p.data.shape):
            old = p.data[i]
            p.data[i] = old + 1e-6
            plus = objective()
            p.data[i] = old - 1e-6
            minus = objective()
            p.data[i] = old
            numeric[i] = (plus - minus) / 2e-6
        np.testing.assert_allclose(p.grad, numeric, rtol=1e-7, atol=1e-9)


def test_optimizer_zero_grad_clears_only_its_parameters():
    model = Sequential(Linear(2, 2, rng=0), ReLU(), Linear(2, 1, rng=1))
    model(batch(4, 2))
    model.backward(np.ones((4, 1)))
    opt = SGD(model[0].parameters(), lr=0.1)
    opt.zero_grad()
    assert not model[0].weight.grad.any() and not model[0].bias.grad.any()
    assert model[2].weight.grad.any()


def test_fit_clears_the_gradients_before_every_step():
    # Two steps of fit equal two hand-written steps with zero_grad; without
    # zero_grad the second step would use the sum of both gradients.
    X, y = batch(8, 2), batch(8, 1, seed=2)

    def model():
        return Sequential(Linear(2, 3, rng=0), Tanh(), Linear(3, 1, rng=1))

    fitted = model()
    fit(fitted, MSELoss(), SGD(fitted.parameters(), lr=0.1), X, y, epochs=2, batch_size=8)
    by_hand, loss = model(), MSELoss()
    opt = SGD(by_hand.parameters(), lr=0.1)
    for _ in range(2):
        loss(by_hand(X), y)
        opt.zero_grad()
        by_hand.backward(loss.backward())
        opt.step()
    for a, b in zip(fitted.parameters(), by_hand.parameters()):
        # fit shuffles the rows, so the sums differ in the last bits only
        np.testing.assert_allclose(a.data, b.data, rtol=1e-12, atol=1e-15)


def test_a_model_checks_once_and_its_layers_compute_the_same_as_alone():
    # Inside a model the layers skip the checks the model already made; the
    # numbers are the same as running each layer on its own, checked.
    rng = np.random.default_rng(8)
    model = Sequential(Linear(3, 4, rng=rng), Sigmoid(), Linear(4, 2, rng=rng), Tanh())
    x, G = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    out = model(x)
    alone = x
    for layer in model:
        alone = layer.forward(alone)
    np.testing.assert_array_equal(out, alone)
    g_model = model.backward(G)
    g_alone = G
    model.zero_grad()
    for layer in reversed(model.layers):
        g_alone = layer.backward(g_alone)
    np.testing.assert_array_equal(g_model, g_alone)


def test_a_model_copies_its_input():
    model = Sequential(Linear(2, 2, rng=0))
    x = batch(3, 2)
    expected = x.T @ np.ones((3, 2))
    model(x)
    x[:] = 100.0
    model.backward(np.ones((3, 2)))
    np.testing.assert_array_equal(model[0].weight.grad, expected)


# ------------------------------------ pinned by mutation testing (make mutation)


class _Recorder:
    """A model of the reader's own: returns its input, and records every batch it sees."""

    def __init__(self):
        self.batches = []
        self.grads = []

    def forward(self, x):
        self.batches.append(np.array(x))
        return np.array(x, dtype=float)

    __call__ = forward

    def backward(self, grad_out):
        self.grads.append(grad_out)
        return grad_out

    def parameters(self):
        return []


class _MeanLoss:
    """The mean of the prediction, as a loss; ``inf_at`` makes call number k return ``value``."""

    def __init__(self, inf_at=None, value=np.inf):
        self.calls, self.inf_at, self.value = 0, inf_at, value

    def __call__(self, prediction, target):
        self.calls += 1
        self.shape = prediction.shape
        if self.calls == self.inf_at:
            return float(self.value)
        return float(prediction.mean())

    def backward(self):
        return np.ones(self.shape)


class _NoOptimizer:
    def __init__(self):
        self.log = []

    def zero_grad(self):
        self.log.append("zero_grad")

    def step(self):
        self.log.append("step")


def test_fit_visits_every_sample_once_per_epoch_in_the_seeded_order():
    X = np.arange(5.0).reshape(5, 1)
    model, optimizer = _Recorder(), _NoOptimizer()
    epochs, batches = [], []
    history = fit(model, _MeanLoss(), optimizer, X, np.zeros(5), epochs=2, batch_size=2, seed=3,
                  on_epoch=lambda e, loss: epochs.append((e, loss)),
                  on_batch=lambda b, n: batches.append((b, n)))
    rng = np.random.default_rng(3)
    expected = []
    for _ in range(2):
        order = rng.permutation(5)
        expected += [order[0:2], order[2:4], order[4:5]]
    assert [b[:, 0].tolist() for b in model.batches] == [list(map(float, o)) for o in expected]
    # the mean loss of an epoch weighs each batch's loss by its size: here the mean of X
    assert history == [2.0, 2.0]
    assert epochs == [(1, 2.0), (2, 2.0)]
    assert batches == [(1, 3), (2, 3), (3, 3)] * 2
    assert optimizer.log == ["zero_grad", "step"] * 6
    assert [g.shape for g in model.grads] == [(2, 1), (2, 1), (1, 1)] * 2


def test_fit_history_is_the_size_weighted_mean_of_the_batch_losses():
    X = np.array([[1.0], [2.0], [3.0], [10.0]])
    history = fit(_Recorder(), _MeanLoss(), _NoOptimizer(), X, np.zeros(4), batch_size=3, seed=0)
    assert history == [pytest.approx(4.0, abs=1e-12)]   # one epoch by default


def test_fit_defaults_one_epoch_batches_of_32_and_seed_0():
    X = np.arange(40.0).reshape(40, 1)
    model = _Recorder()
    assert len(fit(model, _MeanLoss(), _NoOptimizer(), X, np.zeros(40))) == 1
    assert [len(b) for b in model.batches] == [32, 8]
    assert model.batches[0][:, 0].tolist() == np.random.default_rng(0).permutation(40)[:32].astype(float).tolist()
    model = _Recorder()
    fit(model, _MeanLoss(), _NoOptimizer(), X, np.zeros(40), seed=None)   # None: fresh entropy
    assert sorted(np.concatenate(model.batches)[:, 0]) == list(np.arange(40.0))


def test_fit_accepts_a_single_sample_and_zero_features():
    model = _Recorder()
    assert fit(model, _MeanLoss(), _NoOptimizer(), np.array([[4.0]]), np.zeros(1)) == [4.0]
    fit(_Recorder(), _MeanLoss(inf_at=1, value=0.0), _NoOptimizer(), np.zeros((3, 0)), np.zeros(3))


def test_fit_names_the_step_epoch_and_batch_where_the_loss_diverged():
    X = np.zeros((5, 1))
    for value in (np.inf, np.nan):
        with pytest.raises(FloatingPointError) as info:
            fit(_Recorder(), _MeanLoss(inf_at=5, value=value), _NoOptimizer(), X, np.zeros(5),
                epochs=3, batch_size=2)
        assert str(info.value) == (
            f"the loss became {value} at step 5 (epoch 2, batch 2); the training diverged: "
            "try a smaller learning rate"
        )
        assert info.value.__cause__ is None


def test_fit_reports_an_overflow_inside_the_model_without_numpy_warnings():
    import warnings

    X = np.linspace(-1, 1, 40).reshape(-1, 1) * 100
    model = Sequential(Linear(1, 8, rng=0), Linear(8, 1, rng=1))
    with warnings.catch_warnings(), np.errstate(all="warn"):
        warnings.simplefilter("error")
        with pytest.raises(FloatingPointError, match=r"^the loss became (inf|nan) at step \d+ ") as info:
            fit(model, MSELoss(), SGD(model.parameters(), lr=10.0), X, 3 * X, epochs=50, batch_size=10)
    assert info.value.__cause__ is None or "not finite" in str(info.value.__cause__)


def test_fit_reports_a_non_finite_model_output_as_the_cause():
    model = Sequential(Linear(1, 1, rng=0))
    model[0].weight.data[...] = 1e308
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="^the loss became inf at step 1 ") as info:
        fit(model, MSELoss(), SGD(model.parameters()), np.full((2, 1), 10.0), np.zeros((2, 1)))
    assert str(info.value.__cause__) == (
        "Sequential(Linear(1, 1)): the output is not finite: a number overflowed inside the model "
        "(are the weights very large?)"
    )


def _fit_args(**change):
    model = Linear(2, 1, rng=0)
    args = dict(model=model, loss=MSELoss(), optimizer=SGD(model.parameters()),
                X=np.zeros((4, 2)), y=np.zeros((4, 1)))
    args.update(change)
    return args


class _Callable:
    def __call__(self, *args):
        return 0.0


class _BackwardOnly:
    def backward(self):
        return None


@pytest.mark.parametrize(("change", "error", "message"), [
    ({"model": 3}, TypeError, "model must have forward, backward and parameters methods, got int 3"),
    ({"loss": MSELoss}, TypeError, "loss must be an object, such as MSELoss(), got the class MSELoss: call it"),
    ({"optimizer": SGD}, TypeError, "optimizer must be an object, such as SGD(model.parameters()), got the class SGD: call it"),
    ({"loss": _Callable()}, TypeError, "loss must be a loss object with backward(), such as MSELoss(), got _Callable "),
    ({"loss": _BackwardOnly()}, TypeError, "loss must be a loss object with backward(), such as MSELoss(), got _BackwardOnly "),
    ({"optimizer": _BackwardOnly()}, TypeError, "optimizer must have step() and zero_grad(), such as SGD(model.parameters()), got _BackwardOnly "),
    ({"on_epoch": 1}, TypeError, "on_epoch must be a function or None, got int 1"),
    ({"on_batch": "x"}, TypeError, "on_batch must be a function or None, got str 'x'"),
    ({"epochs": 0}, ValueError, "epochs must be a positive integer, got 0"),
    ({"batch_size": 0}, ValueError, "batch_size must be a positive integer, got 0"),
    ({"seed": "s"}, TypeError, "seed must be "),
    ({"X": [["a", "b"]]}, TypeError, "X must hold real numbers"),
    ({"X": np.zeros(4)}, ValueError, "X must be a batch of shape (N, features) with N >= 1, got (4,)"),
    ({"X": np.zeros((0, 2)), "y": np.zeros((0, 1))}, ValueError, "X must be a batch of shape (N, features) with N >= 1, got (0, 2)"),
    ({"y": np.array(["a"] * 4)}, TypeError, "y must hold numbers (integer labels or float targets), got dtype <U1"),
    ({"y": np.zeros((3, 1))}, ValueError, "y must have one row per sample of X (4), got shape (3, 1)"),
])
def test_fit_refuses_bad_arguments_with_a_message_naming_them(change, error, message):
    args = _fit_args(**change)
    with pytest.raises(error) as info:
        fit(**args)
    assert str(info.value).startswith(message)


def test_fit_names_the_column_count_nowhere_in_the_row_check():
    args = _fit_args(X=np.zeros((4, 2)), y=np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"^y must have one row per sample of X \(4\), got shape \(3, 1\)$"):
        fit(**args)
    model = Linear(5, 1, rng=0)
    with pytest.raises(ValueError, match=r"^y must have one row per sample of X \(2\), got shape \(3,\)$"):
        fit(model, MSELoss(), SGD(model.parameters()), np.zeros((2, 5)), np.zeros(3))


def test_fit_refuses_an_optimizer_over_other_parameters():
    model, other = Linear(2, 1, rng=0), Linear(2, 1, rng=1)
    with pytest.raises(ValueError) as info:
        fit(model, MSELoss(), SGD([model.weight, other.bias]), np.zeros((4, 2)), np.zeros((4, 1)))
    assert str(info.value) == (
        "optimizer must update this model's parameters: the model has 2, the optimizer holds 2, "
        "1 of them the model's; build it with SGD(model.parameters())"
    )


def test_fit_accepts_callbacks_that_are_functions():
    calls = []
    _args = _fit_args()
    fit(**_args, on_epoch=lambda *a: calls.append("e"), on_batch=_Callable())
    assert calls == ["e"]


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((0, 2), {}, "in_features must be a positive integer, got 0"),
    ((2, 0), {}, "out_features must be a positive integer, got 0"),
    ((2, 2), {"rng": "r"}, "rng must be "),
])
def test_linear_names_the_bad_argument(args, kwargs, message):
    with pytest.raises((TypeError, ValueError)) as info:
        Linear(*args, **kwargs)
    assert str(info.value).startswith(message)


def test_linear_parameters_are_named_and_float64():
    layer = Linear(2, 3, rng=0)
    assert repr(layer.weight) == "Parameter(name='weight', shape=(2, 3))"
    assert repr(layer.bias) == "Parameter(name='bias', shape=(3,))"
    assert repr(Parameter(np.zeros(2))) == "Parameter(name='', shape=(2,))"
    p = Parameter(np.array([1, 2], dtype=np.int64))
    assert p.data.dtype == np.float64 and p.grad.dtype == np.float64
    p = Parameter(np.array([1, 2], dtype=np.float32))
    assert p.data.dtype == np.float64


def test_linear_backward_without_input_grad_returns_none():
    layer = Linear(2, 3, rng=0)
    layer(np.ones((4, 2)))
    assert layer.backward(np.ones((4, 3)), input_grad=False) is None
    assert layer.backward(np.ones((4, 3))).shape == (4, 2)


@pytest.mark.parametrize("layer", [ReLU(), Tanh(), Sigmoid()])
def test_an_activation_names_the_expected_shape(layer):
    with pytest.raises(ValueError) as info:
        layer(np.zeros(3))
    assert str(info.value) == f"{layer!r}: expected an input of shape (N, features), got (3,)"


@pytest.mark.parametrize("layer", [Linear(2, 2, rng=0), ReLU(), Tanh(), Sigmoid()])
def test_backward_before_forward_says_what_to_do(layer):
    with pytest.raises(RuntimeError) as info:
        layer.backward(np.zeros((1, 2)))
    assert str(info.value) == f"{layer!r}: backward() was called before forward(); run the layer on a batch first"


def test_relu_kink_pattern_is_none_before_forward():
    assert ReLU().kink_pattern() is None
    relu = ReLU()
    relu(np.array([[-1.0, 0.0, 2.0]]))
    assert relu.kink_pattern().tolist() == [[False, False, True]]


def test_sequential_error_messages_name_the_type():
    with pytest.raises(TypeError) as info:
        Sequential(Linear(2, 2, rng=0), 7)
    assert str(info.value) == "layer 1 of Sequential must have forward, backward and parameters methods, got int 7"
    relu = ReLU()
    with pytest.raises(ValueError) as info:
        Sequential(relu, Linear(2, 2, rng=0), relu)
    assert str(info.value) == (
        "Sequential: layer 2 is the same ReLU() object as layer 0; a layer remembers its last input "
        "for the backward pass, so it cannot be used twice: create a second ReLU "
        "(to tie weights, share its Parameter objects instead)"
    )


class _Double:
    """A layer of the reader's own, with the plain contract only (no _forward/_backward)."""

    def forward(self, x):
        self.seen = x
        return 2 * x

    def backward(self, grad_out):
        self.grad_seen = grad_out
        return 2 * grad_out

    def parameters(self):
        return []


@pytest.mark.parametrize("first", [True, False])
def test_a_layer_of_the_readers_own_inside_a_model(first):
    layers = [_Double(), Linear(2, 1, rng=0)] if first else [Linear(2, 2, rng=0), _Double(), Linear(2, 1, rng=1)]
    model = Sequential(*layers)
    X = np.array([[1.0, -2.0], [0.5, 3.0]])
    y = model(X)
    G = np.array([[1.0], [-1.0]])
    model.backward(G)
    double = layers[0] if first else layers[1]
    assert double.seen.shape == (2, 2) and double.grad_seen.shape == (2, 2)
    assert gradcheck(Sequential(*layers), X)
    assert y.shape == (2, 1)


def test_a_nested_model_after_the_first_layer_passes_the_gradient_back():
    inner = Sequential(Tanh(), Linear(3, 1, rng=1))
    model = Sequential(Linear(2, 3, rng=0), inner)
    X = np.array([[0.3, -0.2], [1.0, 0.5]])
    model(X)
    model.backward(np.ones((2, 1)))
    assert gradcheck(model, X)


def test_a_nested_model_starting_with_a_linear_layer_passes_the_gradient_back():
    model = Sequential(Linear(2, 3, rng=0), Sequential(Linear(3, 1, rng=1)))
    X = np.array([[0.3, -0.2], [1.0, 0.5]])
    model(X)
    assert model.backward(np.ones((2, 1))).shape == (2, 2)
    assert gradcheck(model, X)


# --- refusals in words: messages, the state after a refused call, no NumPy warnings ----


def test_init_std_of_each_scheme_and_its_messages_name_the_argument():
    assert init_std("he", 8, 2) == math.sqrt(2.0 / 8)
    assert init_std("lecun", 8, 2) == math.sqrt(1.0 / 8)
    assert init_std("glorot", 8, 2) == init_std("xavier", 8, 2) == math.sqrt(2.0 / 10)
    with pytest.raises(ValueError, match=r"^in_features must be"):
        init_std("he", 0, 2)
    with pytest.raises(ValueError, match=r"^out_features must be"):
        init_std("he", 2, 0)


def test_parameter_copies_its_data_as_contiguous_float64_and_checks_its_name():
    source = np.arange(6, dtype=np.int32).reshape(2, 3).T  # int and not C-contiguous
    p = Parameter(source)
    assert p.data.dtype == np.float64 and p.data.flags["C_CONTIGUOUS"] and p.data.flags["WRITEABLE"]
    floats = np.ones((2, 2))
    assert not np.shares_memory(Parameter(floats).data, floats)
    with pytest.raises(TypeError, match=r"^name must be a string, got int 3$"):
        Parameter(np.zeros(2), name=3)


def test_sequential_refuses_a_layer_class_by_position():
    with pytest.raises(TypeError, match=r"^layer 1 of Sequential must be a layer object, got the class ReLU: call it$"):
        Sequential(Linear(2, 2, rng=0), ReLU)


@pytest.mark.filterwarnings("error")
def test_linear_refuses_an_overflowing_output_in_words_and_keeps_the_last_good_batch():
    layer = Linear(1, 1, rng=0)
    good = np.array([[2.0]])
    layer(good)
    layer.weight.data[...] = 1e308
    message = r"^Linear\(1, 1\): the output is not finite: a number overflowed \(are the input or the weights very large\?\)$"
    with pytest.raises(NonFiniteError, match=message):
        layer(np.array([[10.0]]))  # 1e309 overflows: no RuntimeWarning, an error
    layer.weight.data[...] = np.inf  # weights a diverged step left infinite: 0 * inf is NaN
    with pytest.raises(NonFiniteError, match=message):
        layer(np.array([[0.0]]))
    layer.weight.data[...] = 1.0
    layer.backward(np.array([[3.0]]))  # the gradient of the last good batch
    assert layer.weight.grad[0, 0] == 6.0 and layer.bias.grad[0] == 3.0


@pytest.mark.filterwarnings("error")
def test_linear_backward_refuses_an_overflowing_gradient_and_leaves_grad_as_it_was():
    layer = Linear(1, 1, rng=0)
    layer.weight.data[...] = 1.0
    layer(np.array([[1e200]]))
    layer.backward(np.array([[1.0]]))
    assert layer.weight.grad[0, 0] == 1e200 and layer.bias.grad[0] == 1.0
    message = (
        r"^Linear\(1, 1\): a gradient overflows a float \(are the input, grad_out or the weights very large\?\)$"
    )
    with pytest.raises(NonFiniteError, match=message):
        layer.backward(np.array([[1e200]]))  # dL/dW = 1e400 overflows
    assert layer.weight.grad[0, 0] == 1e200 and layer.bias.grad[0] == 1.0
    assert layer.backward(np.array([[1.0]]), input_grad=False) is None  # the last batch still counts
    assert layer.weight.grad[0, 0] == 2e200 and layer.bias.grad[0] == 2.0


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("weight", [1e308, np.inf])
def test_linear_backward_checks_the_input_gradient_too(weight):
    """Only dL/dX overflows (1e308 * 10) or is NaN (0 * inf): refused, .grad unchanged."""
    layer = Linear(1, 1, rng=0)
    layer(np.array([[1.0]]))
    layer.weight.data[...] = weight
    G = np.array([[10.0]]) if weight == 1e308 else np.array([[0.0]])
    with pytest.raises(NonFiniteError, match="a gradient overflows a float"):
        layer.backward(G)
    assert layer.weight.grad[0, 0] == 0.0 and layer.bias.grad[0] == 0.0
    assert layer.backward(G, input_grad=False) is None  # without dL/dX nothing overflows
    assert layer.weight.grad[0, 0] == G[0, 0]


@pytest.mark.filterwarnings("error")
def test_sequential_refuses_an_overflow_inside_in_words_and_then_has_no_batch_for_backward():
    model = Sequential(Linear(1, 1, rng=0), Linear(1, 1, rng=1))
    model(np.array([[1.0]]))
    model[0].weight.data[...] = 1e308  # 10 * 1e308 overflows ...
    model[1].weight.data[...] = 0.0  # ... and 0 * inf is NaN: neither warns
    with pytest.raises(NonFiniteError, match=r"a number overflowed inside the model \(are the weights very large\?\)$"):
        model(np.array([[10.0]]))
    with pytest.raises(RuntimeError, match=r"backward\(\) was called before forward\(\)"):
        model.backward(np.array([[1.0]]))


def test_fit_refuses_a_model_class_naming_the_argument():
    with pytest.raises(TypeError, match=r"^model must be an object, such as Sequential\(\.\.\.\), got the class Sequential: call it$"):
        fit(Sequential, MSELoss(), SGD([Parameter(np.zeros(1))]), np.zeros((2, 1)), np.zeros((2, 1)))


@pytest.mark.filterwarnings("error")
def test_fit_reports_a_diverging_backward_pass_without_numpy_warnings():
    """The backward pass of step 1 overflows (11 * 1e308) and makes a NaN (0 * inf) in
    dL/dW of the first layer; the optimizer puts it in the weights, and step 2 reports it."""
    model = Sequential(Linear(1, 1, rng=0), Linear(1, 1, rng=1))
    model[0].weight.data[...] = 1e-308
    model[1].weight.data[...] = 1e308
    X, y = np.array([[0.0], [1.0]]), np.array([[-10.0], [-10.0]])
    with pytest.raises(FloatingPointError, match=r"^the loss became inf at step 2 \(epoch 2, batch 1\)"):
        fit(model, MSELoss(), SGD(model.parameters(), lr=0.1), X, y, epochs=2, batch_size=2)
    assert np.isnan(model[0].weight.data[0, 0])


class _RefusingOptimizer:
    """An optimizer of the reader's own that refuses a non-finite gradient."""

    def __init__(self, parameters):
        self.parameters = list(parameters)

    def zero_grad(self):
        for p in self.parameters:
            p.grad[...] = 0.0

    def step(self):
        raise NonFiniteError("a gradient is not finite")


def test_fit_reports_an_optimizer_that_refuses_a_gradient_naming_the_step():
    model = Sequential(Linear(1, 1, rng=0))
    with pytest.raises(FloatingPointError, match=(
        r"^a gradient became infinite at step 1 \(epoch 1, batch 1\); the training diverged: "
        r"try a smaller learning rate$"
    )) as info:
        fit(model, MSELoss(), _RefusingOptimizer(model.parameters()), np.ones((2, 1)), np.ones((2, 1)), batch_size=2)
    assert isinstance(info.value.__cause__, NonFiniteError)
