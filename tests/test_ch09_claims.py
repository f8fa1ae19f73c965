"""The claims chapter 9 makes in prose about deep networks, asserted.

The chapter's doctests pin the printed numbers; these tests pin what the
sentences around them say: that the hand-derived $\\delta$'s are what the
library's backward pass hands each layer, that neurons started equal stay
equal (and that a nudge separates only the nudged one), and how the scale of
the initial weights makes the signal and the $\\delta$'s shrink or grow layer
by layer. The 2-3-3-2 network is that of the chapter's figure
(:mod:`booktools.figures.ch09_many_layers`).
"""

from __future__ import annotations

import numpy as np
import pytest

from backprop.datasets import two_moons
from backprop.gradcheck import gradcheck
from backprop.losses import SoftmaxCrossEntropy, accuracy
from backprop.nn import Linear, ReLU, Sequential, fit, init_std
from backprop.optim import SGD
from booktools.figures.ch09_many_layers import hand_backprop, moons_network

TIGHT = {"rtol": 1e-12, "atol": 0.0}


@pytest.fixture(scope="module")
def moons():
    return two_moons(200, seed=0)


def _linear(model):
    return [layer for layer in model if isinstance(layer, Linear)]


def _received(model, loss):
    """The G each Linear layer receives in a backward pass, by layer number 1..L."""
    G, received = loss.backward(), {}
    l = len(_linear(model))
    for layer in reversed(model.layers):
        if isinstance(layer, Linear):
            received[l] = G
            l -= 1
        G = layer.backward(G)
    return received


# --- Backpropagation through L layers ---------------------------------------


@pytest.mark.parametrize("epochs", [0, 20])
def test_hand_derived_deltas_are_what_each_linear_layer_receives(moons, epochs):
    X, y = moons
    model, ce = moons_network(), SoftmaxCrossEntropy()
    if epochs:
        fit(model, ce, SGD(model.parameters(), lr=0.5), X, y, epochs=epochs, batch_size=20, seed=0)
    A, Z, delta = hand_backprop(model, X, y)
    model.zero_grad()
    scores = model(X)
    assert np.allclose(scores, Z[3], **TIGHT)
    ce(scores, y)
    received = _received(model, ce)
    for l, layer in enumerate(_linear(model), start=1):
        assert np.allclose(received[l], delta[l], **TIGHT)  # G arriving at layer l is delta^l
        assert np.allclose(layer.weight.grad, A[l - 1].T @ delta[l], **TIGHT)  # equation 3
        assert np.allclose(layer.bias.grad, np.ones(len(X)) @ delta[l], **TIGHT)  # equation 4
    # model.backward is the same loop: after zero_grad it leaves the same numbers
    model.zero_grad()
    model.backward(ce.backward())
    for l, layer in enumerate(_linear(model), start=1):
        assert np.allclose(layer.weight.grad, A[l - 1].T @ delta[l], **TIGHT)


def test_the_2_3_3_2_gradient_is_good_and_training_learns_the_moons(moons):
    X, y = moons
    model, ce = moons_network(), SoftmaxCrossEntropy()
    report = gradcheck(model, X, loss=ce, target=y)
    assert report.ok() and report.max_error < 1e-8
    history = fit(model, ce, SGD(model.parameters(), lr=0.5), X, y, epochs=200, batch_size=20, seed=0)
    assert history[-1] < 0.01 < np.log(2) and history[0] < np.log(2)  # "from about ln 2 to nearly 0"
    X_new, y_new = two_moons(200, seed=1)
    assert accuracy(model(X), y) == accuracy(model(X_new), y_new) == 1.0


def test_the_output_deltas_of_one_sample_add_up_to_zero(moons):
    """The figure: in the last column the two deltas are p - y and add up to 0."""
    X, y = moons
    _, _, delta = hand_backprop(moons_network(), X[:1], y[:1])
    assert abs(delta[3].sum()) < 1e-15


# --- Initialisation and symmetry ---------------------------------------------


def _equal_start(model):
    for p in model.parameters():
        p.data[...] = 0.5
    return model


def test_neurons_that_start_equal_stay_equal_at_every_step(moons):
    X, y = moons
    twins, ce = _equal_start(moons_network()), SoftmaxCrossEntropy()
    first, second = twins[0], twins[2]

    def same_columns(a):
        return np.allclose(a, a[:, :1], rtol=0, atol=1e-12)

    def check(batch, n_batches):
        # after every step: equal weights and equal gradients, in both hidden layers
        for layer in (first, second):
            assert same_columns(layer.weight.data) and same_columns(layer.weight.grad)
            assert np.allclose(layer.bias.data, layer.bias.data[0], rtol=0, atol=1e-12)
        assert np.allclose(second.weight.data, second.weight.data[:1], rtol=0, atol=1e-12)  # rows too

    fit(twins, ce, SGD(twins.parameters(), lr=0.5), X, y, epochs=200, batch_size=20, seed=0, on_batch=check)
    assert np.ptp(first.weight.data) > 1.0  # they moved, together
    rng_model = moons_network()
    fit(rng_model, ce, SGD(rng_model.parameters(), lr=0.5), X, y, epochs=200, batch_size=20, seed=0)
    assert accuracy(twins(X), y) < accuracy(rng_model(X), y) == 1.0  # "where the random start got all"
    assert np.ptp(rng_model[0].weight.data, axis=1).min() > 0.1  # random: every neuron its own


def test_a_nudge_separates_only_the_nudged_neuron(moons):
    """Exercise 6."""
    X, y = moons
    twins, ce = _equal_start(moons_network()), SoftmaxCrossEntropy()
    twins[0].weight.data[0, 0] += 1e-6
    fit(twins, ce, SGD(twins.parameters(), lr=0.5), X, y, epochs=1000, batch_size=20, seed=0)
    W1, W2 = twins[0].weight.data, twins[2].weight.data
    assert np.abs(W1[:, 0] - W1[:, 1]).max() > 1.0  # the nudged neuron drifted away
    assert np.allclose(W1[:, 1], W1[:, 2], rtol=0, atol=1e-9)  # its neighbours stay twins
    assert np.allclose(W2, W2[:, :1], rtol=0, atol=1e-9)  # and the whole second layer


def _deep_relu(std, depth=10, width=32):
    rng = np.random.default_rng(0)
    sizes = [2] + [width] * (depth - 1) + [2]
    layers = []
    for d_in, d_out in zip(sizes, sizes[1:]):
        layer = Linear(d_in, d_out, rng=rng)
        layer.weight.data *= std / init_std("he", d_in, d_out)
        layers += [layer, ReLU()]
    return Sequential(*layers[:-1])


def _rms(a):
    return float(np.sqrt(np.mean(a**2)))


def _sizes(model, X, y):
    z_sizes, out = [], X
    for layer in model:
        out = layer(out)
        if isinstance(layer, Linear):
            z_sizes.append(_rms(out))
    ce = SoftmaxCrossEntropy()
    ce(out, y)
    model.zero_grad()
    received = _received(model, ce)
    return np.array(z_sizes), np.array([_rms(received[l]) for l in sorted(received)])


@pytest.fixture(scope="module")
def scales(moons):
    X, y = moons
    out = {}
    for std in (0.01, init_std("he", 32, 32), 1.0):
        model = _deep_relu(std)
        z, d = _sizes(model, X, y)
        out[std] = (z, d, [float(np.linalg.norm(layer.weight.grad)) for layer in _linear(model)])
    return out


def test_too_small_a_scale_shrinks_signal_and_deltas_layer_by_layer(scales):
    z, d, weight_grads = scales[0.01]
    assert np.all(np.diff(z) < 0) and np.all(np.diff(d) > 0)  # Z shrinks upward, delta downward
    assert np.all((0.02 < z[1:] / z[:-1]) & (z[1:] / z[:-1] < 0.08))  # "about 0.04" per layer
    assert z[-1] < 1e-14 and d[0] < 1e-15  # "10^-15", "10^-16"
    assert weight_grads[0] < 1e-12  # "no gradient worth the name"


def test_too_large_a_scale_blows_them_up(scales):
    z, d, weight_grads = scales[1.0]
    assert np.all(np.diff(z) > 0) and np.all(np.diff(d[:-1]) < 0)  # delta grows from layer 9 down
    assert np.all((2 < z[2:] / z[1:-1]) & (z[2:] / z[1:-1] < 8))  # "about 4" per layer
    assert z[-1] > 5e4 and d[0] > 50  # "10^5", "10^2"
    assert weight_grads[0] > 1e3  # "enormous steps"


def test_he_keeps_their_size(scales):
    he = init_std("he", 32, 32)
    assert he == 0.25
    z, d, _ = scales[he]
    assert z.max() / z.min() < 3 and d[:-1].max() / d[:-1].min() < 3  # "below the last layer"
    # the deltas start from the loss at about the same size whatever the scale
    tops = [scales[std][1][-1] for std in scales]
    assert max(tops) / min(tops) < 2 and all(1e-3 < t < 1e-2 for t in tops)
