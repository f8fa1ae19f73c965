"""The claims chapter 11 makes in prose, asserted, so that none can silently become false.

The chapter's doctests pin the printed numbers; these tests pin what the
sentences around them say: that the hidden layer beats the softmax-regression
baseline by more than the spread between seeds, that dead units never move
again, that training kills more units than it starts with, and what the
mistakes' top-two probabilities look like. The runs are those of the
chapter's figures (:mod:`booktools.figures.ch11_digits`), trained once and
cached for the whole module.
"""

from __future__ import annotations

import numpy as np
import pytest

from backprop.digits import digits_data, digits_model
from booktools.figures.ch11_digits import (
    SEEDS,
    baseline,
    dead_units,
    final_accuracies,
    run,
    top_two,
)


@pytest.fixture(scope="module")
def data():
    return digits_data()


@pytest.fixture(scope="module")
def accuracies():
    return final_accuracies()


def test_baseline_is_already_strong(accuracies):
    base, _ = accuracies
    assert 0.95 <= base.mean() < 0.975  # "about 97 digits in 100"
    assert base.std() < 0.01


def test_network_beats_baseline_by_more_than_the_seed_spread(accuracies):
    base, mlp = accuracies
    assert mlp.mean() - base.mean() > 2 * max(base.std(), mlp.std())


def test_hidden_layer_removes_about_half_of_the_mistakes(accuracies):
    base, mlp = accuracies
    assert 0.3 < (1 - mlp.mean()) / (1 - base.mean()) < 0.7


def test_baseline_is_linear_and_small():
    model = baseline(0)
    assert len(model) == 1
    assert sum(p.data.size for p in model.parameters()) == 650


def test_first_layer_moved_more_than_its_initial_size():
    for seed in SEEDS:
        initial = digits_model(seed)[0].weight.data
        trained = run(seed).model[0].weight.data
        assert np.linalg.norm(trained - initial) > np.linalg.norm(initial)


def test_units_dead_at_the_start_never_move(data):
    X_train = data[0]
    for seed in SEEDS:
        untrained, trained = digits_model(seed), run(seed).model
        dead = dead_units(untrained, X_train)
        assert np.array_equal(trained[0].weight.data[:, dead], untrained[0].weight.data[:, dead])
        assert np.array_equal(trained[0].bias.data[dead], untrained[0].bias.data[dead])
        assert np.all(dead_units(trained, X_train)[dead])  # and they stay dead


def test_training_kills_more_units_than_start_dead(data):
    X_train = data[0]
    for seed in SEEDS:
        before = dead_units(digits_model(seed), X_train).mean()
        after = dead_units(run(seed).model, X_train).mean()
        assert before <= 0.05  # "a few percent at the start"
        assert before < after <= 0.2  # "training kills a few more"


def test_a_dead_unit_outputs_zero_for_every_training_image(data):
    X_train = data[0]
    model = run(0).model
    dead = dead_units(model, X_train)
    assert dead.any()
    hidden = model[1](model[0](X_train))
    assert np.all(hidden[:, dead] == 0)
    assert np.all(hidden[:, ~dead].max(axis=0) > 0)


def test_mistakes_are_mostly_runner_up_and_include_ties_and_confident_errors(data):
    _, X_test, _, y_test = data
    second, ties, confident, total = 0, 0, 0, 0
    for seed in SEEDS:
        digits, probabilities = top_two(run(seed).model, X_test)
        wrong = digits[:, 0] != y_test
        total += int(wrong.sum())
        second += int(np.sum(digits[wrong, 1] == y_test[wrong]))
        ties += int(np.sum(probabilities[wrong, 0] - probabilities[wrong, 1] < 0.1))
        confident += int(np.sum(probabilities[wrong, 0] > 0.9))
        assert np.mean(np.any(digits == y_test[:, None], axis=1)) >= 0.99  # exercise 5
    assert second > total / 2  # "in most of the mistakes the right digit is the second guess"
    assert ties > 0 and confident > 0


def test_top_two_matches_the_argmax(data):
    _, X_test, _, _ = data
    model = run(0).model
    digits, probabilities = top_two(model, X_test)
    assert np.array_equal(digits[:, 0], model(X_test).argmax(axis=1))
    assert np.all(probabilities[:, 0] >= probabilities[:, 1])
