"""Chapter 12's claims about memory: what a forward pass keeps for the backward pass.

- a ``backprop.nn`` model keeps exactly ``8 * N * sum(stored widths)`` bytes of
  arrays between its forward and backward passes, for any mix of layers: a
  ``Linear`` its input, an activation its slope;
- the parameters do not enter: two models with the same stored widths but
  different numbers of weights keep the same bytes;
- the arrays stay after the backward pass, and a second forward pass
  replaces them rather than adding to them;
- the figure's measurements are the formula's numbers, the largest
  134,742,016 bytes.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop.nn import Linear, ReLU, Sequential, Sigmoid, Tanh
from booktools.memory import bytes_kept, network, parameter_bytes, stored_bytes, stored_widths

ACTIVATIONS = (ReLU, Tanh, Sigmoid)


@st.composite
def models(draw):
    """A random chain of Linear layers of random widths, each followed by 0 to 2 activations."""
    widths = draw(st.lists(st.integers(1, 40), min_size=2, max_size=6))
    seed = draw(st.integers(0, 2**16))
    layers = []
    for d_in, d_out in zip(widths, widths[1:]):
        layers.append(Linear(d_in, d_out, rng=seed))
        for kind in draw(st.lists(st.sampled_from(ACTIVATIONS), max_size=2)):
            layers.append(kind())
    if draw(st.booleans()) and len(layers) > 1:  # a model inside a model
        cut = draw(st.integers(1, len(layers) - 1))
        layers = [Sequential(*layers[:cut]), *layers[cut:]]
    return Sequential(*layers), widths[0]


@settings(max_examples=40, deadline=None)
@given(models(), st.integers(1, 70))
def test_the_formula_holds_for_random_networks(model_and_inputs, batch):
    model, inputs = model_and_inputs
    x = np.random.default_rng(batch).standard_normal((batch, inputs))
    assert bytes_kept(lambda: model(x)) == stored_bytes(model, batch) == 8 * batch * sum(stored_widths(model))


def test_the_parameters_do_not_enter():
    # 8 -> 64 -> 64 -> 64 -> 2 and 8 -> 192 -> 2 keep the same widths, 8 + 6 x 64,
    # for about four times as many weights in the first
    deep = network(depth=3, width=64, inputs=8, outputs=2)
    shallow = Sequential(Linear(8, 192, rng=0), ReLU(), Linear(192, 2, rng=1))
    assert sum(stored_widths(deep)) == sum(stored_widths(shallow)) == 8 + 6 * 64
    assert parameter_bytes(deep) > 4 * parameter_bytes(shallow)
    x = np.ones((16, 8))
    assert bytes_kept(lambda: deep(x)) == bytes_kept(lambda: shallow(x)) == 8 * 16 * (8 + 6 * 64)


def test_the_arrays_stay_after_backward_and_a_new_forward_pass_replaces_them():
    model = network(depth=3, width=32, inputs=5, outputs=3)
    x = np.random.default_rng(0).standard_normal((20, 5))
    expected = 8 * 20 * (5 + 2 * 3 * 32)
    # backward writes into the existing .grad arrays and returns dL/dX, which is dropped
    assert bytes_kept(lambda: model.backward(model(x))) == expected
    assert bytes_kept(lambda: (model(x), model(x))) == expected


def test_bytes_kept_counts_numpy_arrays_only_and_leaves_tracemalloc_as_it_was():
    kept = []
    assert bytes_kept(lambda: kept.append(np.zeros(123))) == 8 * 123
    assert bytes_kept(lambda: kept.append(list(range(1000)))) == 0  # Python objects do not count
    assert bytes_kept(lambda: np.zeros(10**6)) == 0  # the result is dropped
    tracemalloc.start()
    try:
        bytes_kept(lambda: None)
        assert tracemalloc.is_tracing()
    finally:
        tracemalloc.stop()
    assert not tracemalloc.is_tracing()


def test_bad_arguments_are_refused_in_words():
    with pytest.raises(TypeError, match="compute must be a function"):
        bytes_kept(42)
    with pytest.raises(ValueError, match="must start with a Linear"):
        stored_widths(Sequential(ReLU(), Linear(2, 2, rng=0)))


def test_the_figure_draws_the_formula_and_the_largest_network():
    from booktools.figures.ch12_why_backprop import memory_measurements

    measured = memory_measurements()
    rows = measured["depth"] + measured["batch"]
    assert all(kept == formula for _, kept, formula, _ in rows)
    assert [depth for depth, *_ in measured["depth"]] == list(range(1, 33))
    assert [batch for batch, *_ in measured["batch"]] == [2**k for k in range(11)]
    largest = max(rows, key=lambda row: row[1])
    assert largest[1] == 8 * 1024 * (64 + 2 * 32 * 256) == 134_742_016
    assert largest[3] == parameter_bytes(network(32)) == 16_470_096
