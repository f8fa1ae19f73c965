"""The claims chapter 10 makes in prose, asserted, so that none can silently become false.

The chapter's doctests pin the printed numbers; `make doctest-update` can
rewrite those. These tests pin what the sentences around them say: that a deep
sigmoid network's first layers barely move under plain SGD while tanh and ReLU
layers all move, that Adam hides this, that the sigmoid's forward signal
fades, and so on. The networks and measurements are those of the chapter's
figures (:mod:`booktools.figures.ch10_activations`).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop.datasets import spiral, two_moons
from booktools.figures.ch10_activations import (
    DATASETS,
    DEEP_DATA,
    classifier,
    deep_network,
    deep_training,
    layer_gradient_norms,
    relative_weight_change,
    signal_spread,
)
from backprop.losses import SoftmaxCrossEntropy, accuracy
from backprop.nn import Parameter, ReLU, Sigmoid, Tanh, fit, init_std
from backprop.optim import Adam

PASS_THROUGH = (Tanh, ReLU)  # the activations that pass signal and gradient through


@pytest.fixture(scope="module")
def moons():
    return two_moons(DEEP_DATA, seed=0)


# --- Where the weights start -------------------------------------------------


def test_init_names_follow_the_literature():
    assert init_std("lecun", 32, 10) == math.sqrt(1 / 32)
    assert init_std("glorot", 32, 10) == init_std("xavier", 32, 10) == math.sqrt(2 / 42)
    assert init_std("he", 32, 10) == math.sqrt(2 / 32)
    assert init_std("lecun", 32, 32) == init_std("glorot", 32, 32)  # "the same for a square layer"


def test_sigmoid_is_not_centred_and_has_slope_a_quarter_at_0():
    """Why LeCun's variance suits tanh and not the sigmoid."""
    zero = np.zeros((1, 1))
    for layer, value, slope in ((Tanh(), 0.0, 1.0), (Sigmoid(), 0.5, 0.25)):
        assert layer(zero)[0, 0] == value
        assert layer.backward(np.ones((1, 1)))[0, 0] == slope


def test_the_sigmoid_signal_fades_and_the_others_do_not(moons):
    X, _ = moons
    sigmoid = signal_spread(deep_network(Sigmoid), X)
    assert sigmoid[-1] / sigmoid[0] < 1e-4
    ratios = np.array(sigmoid[:-1]) / np.array(sigmoid[1:])
    assert np.all((ratios > 3) & (ratios < 6)), f"four- to fivefold per layer, got {ratios}"
    for activation in PASS_THROUGH:
        spread = signal_spread(deep_network(activation), X)
        assert spread[-1] / spread[0] > 0.1, activation.__name__


# --- The gradient --------------------------------------------------------------


def test_the_sigmoid_gradient_vanishes_towards_the_input(moons):
    norms = layer_gradient_norms(deep_network(Sigmoid), *moons)
    assert norms[0] / norms[-1] < 1e-5  # "a millionth"
    factors = np.array(norms[1:]) / np.array(norms[:-1])
    assert np.all((factors > 3) & (factors < 8)), f"about fivefold per layer, got {factors}"
    for activation in PASS_THROUGH:
        norms = layer_gradient_norms(deep_network(activation), *moons)
        assert norms[0] / norms[-1] > 0.1, activation.__name__  # "nearly intact"


def test_each_extra_sigmoid_layer_costs_about_a_factor_of_five(moons):
    ratio = {}
    for depth in (4, 7, 10):
        norms = layer_gradient_norms(deep_network(Sigmoid, depth=depth), *moons)
        ratio[depth] = norms[0] / norms[-1]
    for shallow, deep in ((4, 7), (7, 10)):
        per_layer = (ratio[shallow] / ratio[deep]) ** (1 / 3)
        assert 3.5 < per_layer < 7, per_layer


def test_with_sgd_the_sigmoid_network_stays_at_the_loss_of_guessing():
    sigmoid = deep_training(Sigmoid, "SGD")
    assert all(math.log(2) - 0.01 < loss < 0.75 for loss in sigmoid), sigmoid
    for activation in PASS_THROUGH:
        assert np.mean(deep_training(activation, "SGD")[-10:]) < 0.1, activation.__name__


# --- Which layers learn ----------------------------------------------------------


def test_with_sgd_the_sigmoid_networks_first_layer_barely_moves():
    sigmoid = relative_weight_change(Sigmoid, "SGD")
    assert sigmoid[0] <= sigmoid[-1] / 10  # the claim, with a large margin below
    assert sigmoid[0] / sigmoid[-1] < 1e-4
    assert sigmoid[0] < 1e-5  # "a few parts in ten million"
    assert 0.05 < sigmoid[-1] < 0.2  # "the last layer moved about as much as in the others"
    assert all(later > earlier for earlier, later in zip(sigmoid, sigmoid[1:]))
    for activation in PASS_THROUGH:
        change = relative_weight_change(activation, "SGD")
        assert all(0.01 <= c <= 0.05 for c in change[:-1]), (activation.__name__, change)
        assert 0.05 <= change[-1] <= 0.2, (activation.__name__, change)
        assert change[0] > 1000 * sigmoid[0]


def test_adam_moves_every_layer_and_hides_the_vanishing_gradient():
    for activation in (Sigmoid, Tanh, ReLU):
        change = relative_weight_change(activation, "Adam")
        assert all(0.03 <= c <= 0.4 for c in change), (activation.__name__, change)
        assert change[0] / change[-1] > 0.1, activation.__name__  # not ten times smaller
    sigmoid = relative_weight_change(Sigmoid, "Adam")
    assert sigmoid[0] > sigmoid[-1]  # "the sigmoid network's first layer more than its last"


def test_an_adam_step_is_about_the_learning_rate_however_small_the_gradient():
    w = Parameter(np.zeros(3))
    w.grad[:] = [1.0, 1e-3, 1e-6]
    Adam([w], lr=0.003).step()
    assert np.all(np.abs(w.data) > 0.98 * 0.003) and np.all(np.abs(w.data) <= 0.003)


def test_adam_does_not_cure_the_sigmoid_network():
    sigmoid = deep_training(Sigmoid, "Adam")[-1]
    for activation in PASS_THROUGH:
        assert sigmoid > 10 * deep_training(activation, "Adam")[-1], activation.__name__


# --- Shallow networks and dead neurons ---------------------------------------------


def _trained(make, classes, activation, *, lr=0.01, epochs=200):
    X, y = make(seed=0)
    model = classifier(classes, activation)
    history = fit(model, SoftmaxCrossEntropy(), Adam(model.parameters(), lr=lr), X, y,
                  epochs=epochs, batch_size=32, seed=0)
    return model, history


@pytest.mark.slow
def test_any_activation_solves_the_puzzles_and_the_sigmoid_learns_the_spiral_slowest():
    final_loss = {}
    for name, (make, classes) in DATASETS.items():
        for activation in (ReLU, Tanh, Sigmoid):
            model, history = _trained(make, classes, activation)
            X_new, y_new = make(seed=1)
            assert accuracy(model(X_new), y_new) > 0.9, (name, activation.__name__)
            if make is spiral:
                final_loss[activation] = history[-1]
    assert final_loss[Sigmoid] > 3 * max(final_loss[Tanh], final_loss[ReLU]), final_loss


def _dead(model, X) -> int:
    dead = 0
    for layer in model:
        X = layer(X)
        if isinstance(layer, ReLU):
            dead += int((X.max(axis=0) == 0).sum())
    return dead


def test_some_relu_neurons_are_dead_from_the_start_and_large_steps_kill_more():
    X, _ = two_moons(seed=0)
    assert _dead(classifier(2, ReLU), X) > 0
    dead = [_dead(_trained(two_moons, 2, ReLU, lr=lr, epochs=5)[0], X) for lr in (0.01, 0.1, 0.3)]
    assert dead[0] < dead[1] < dead[2], dead
    assert dead[0] < 32 < dead[2], dead  # of 64: a moderate rate keeps most alive


def test_a_dead_neuron_gets_no_gradient_and_never_recovers():
    X, y = two_moons(seed=0)
    model, _ = _trained(two_moons, 2, ReLU, epochs=50)
    model[0].bias.data[0] = -100.0
    loss = SoftmaxCrossEntropy()
    loss(model(X), y)
    model.zero_grad()
    model.backward(loss.backward())
    assert not model[0].weight.grad[:, 0].any() and model[0].bias.grad[0] == 0
    feeding = model[0].weight.data[:, 0].copy()
    fit(model, SoftmaxCrossEntropy(), Adam(model.parameters(), lr=0.01), X, y,
        epochs=20, batch_size=32, seed=1)
    assert np.array_equal(model[0].weight.data[:, 0], feeding) and model[0].bias.data[0] == -100.0
