"""A catalogue of bad inputs across the public API.

Each must raise the documented exception type with a message that names the
argument (or layer) and what was expected. Nothing returns NaN silently, and
a refused call leaves no state behind that breaks the next, valid call.
"""

from __future__ import annotations

import gzip
import math

import numpy as np
import pytest

from backprop import calculus, descent, dual, engine, gradcheck, losses, nn, optim, twolayer
from backprop.datasets import noisy_line, shapes
from backprop.datasets import digits as digits_module

X3 = np.array([[0.0], [1.0], [2.0]])
Y3 = np.array([[1.0], [3.0], [5.0]])


def _model():
    return nn.Sequential(nn.Linear(2, 3, rng=np.random.default_rng(0)), nn.ReLU(), nn.Linear(3, 1, rng=np.random.default_rng(1)))


def _corrupt_digits(tmp_path):
    path = tmp_path / "digits.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("1,2,3\n")
    return digits_module.load_digits(path=path)


def _diverging_fit():
    X, y = noisy_line(100, seed=0)
    return descent.fit_line(X, y, learning_rate=0.05, iterations=100)


# (id, callable, exception type, words the message must contain)
CATALOGUE = [
    # calculus: non-callables, bad points, bad indices, bad steps
    ("derivative non-callable", lambda: calculus.derivative(3, 1.0), TypeError, "f must be a callable"),
    ("derivative string point", lambda: calculus.derivative(math.sin, "2"), TypeError, "x must be a real number"),
    ("derivative None point", lambda: calculus.derivative(math.sin, None), TypeError, "x"),
    ("derivative NaN point", lambda: calculus.derivative(math.sin, math.nan), ValueError, "x must be a finite"),
    ("derivative inf point", lambda: calculus.derivative(math.sin, math.inf), ValueError, "x must be a finite"),
    ("derivative negative step", lambda: calculus.derivative(math.sin, 1.0, h=-1.0), ValueError, "h must be a positive"),
    ("derivative unknown method", lambda: calculus.derivative(math.sin, 1.0, method="exact"), ValueError, "method"),
    ("derivative wrong arity", lambda: calculus.derivative(lambda a, b: a + b, 1.0), TypeError, "argument"),
    ("partial index out of range", lambda: calculus.partial(math.hypot, 2, 1.0, 2.0), IndexError, "i must be a position"),
    ("partial string index", lambda: calculus.partial(math.hypot, "0", 1.0, 2.0), TypeError, "i must be an integer"),
    ("partial None argument", lambda: calculus.partial(math.hypot, 0, None, 2.0), TypeError, "args[0]"),
    # descent: empty, mismatched, non-finite data; bad learning rates and sizes
    ("fit_line empty data", lambda: descent.fit_line([], []), ValueError, "X"),
    ("fit_line mismatched lengths", lambda: descent.fit_line([1.0, 2.0], [1.0]), ValueError, "y"),
    ("fit_line NaN in X", lambda: descent.fit_line([1.0, math.nan], [1.0, 2.0]), ValueError, "X"),
    ("fit_line inf in y", lambda: descent.fit_line([1.0, 2.0], [1.0, math.inf]), ValueError, "y"),
    ("fit_line string data", lambda: descent.fit_line(["a", "b"], [1.0, 2.0]), (TypeError, ValueError), "X"),
    ("fit_line zero learning rate", lambda: descent.fit_line(X3, Y3, learning_rate=0.0), ValueError, "learning_rate"),
    ("fit_line negative learning rate", lambda: descent.fit_line(X3, Y3, learning_rate=-0.1), ValueError, "learning_rate"),
    ("fit_line zero iterations", lambda: descent.fit_line(X3, Y3, iterations=0), ValueError, "iterations"),
    ("fit_line unknown method", lambda: descent.fit_line(X3, Y3, method="guess"), ValueError, "method"),
    ("fit_line diverging", _diverging_fit, descent.DivergenceError, "learning_rate=0.05"),
    ("error mismatched shapes", lambda: descent.error(1.0, 0.0, [1.0, 2.0, 3.0], [1.0, 2.0]), ValueError, "y"),
    # the two-neuron network
    ("twolayer train negative rate", lambda: twolayer.train(X3, Y3, learning_rate=-1.0), ValueError, "learning_rate"),
    ("twolayer train zero epochs", lambda: twolayer.train(X3, Y3, epochs=0), ValueError, "epochs"),
    ("twolayer train empty data", lambda: twolayer.train([], []), ValueError, "X"),
    ("twolayer train diverging", lambda: twolayer.train(X3 * 100, Y3 * 100, learning_rate=1.0, epochs=5), ValueError, "learning_rate"),
    # the scalar engine
    ("Value of a string", lambda: engine.Value("3"), TypeError, ""),
    ("Value of None", lambda: engine.Value(None), TypeError, ""),
    ("Value of NaN", lambda: engine.Value(math.nan), ValueError, ""),
    ("Value plus a string", lambda: engine.Value(1.0) + "a", TypeError, ""),
    ("Value log of zero", lambda: engine.Value(0.0).log(), ValueError, "log"),
    ("Value log of negative", lambda: engine.Value(-2.0).log(), ValueError, "log"),
    ("Value power of a Value", lambda: engine.Value(2.0) ** engine.Value(3.0), TypeError, ""),
    # dual numbers (forward mode)
    ("Dual of a string", lambda: dual.Dual("3"), TypeError, "Dual value must be a real number"),
    ("Dual derivative NaN", lambda: dual.Dual(1.0, math.nan), ValueError, "Dual derivative must be a finite"),
    ("Dual plus a Value", lambda: dual.Dual(1.0) + engine.Value(1.0), TypeError, "must be a Dual or a real number"),
    ("Dual log of zero", lambda: dual.Dual(0.0, 1.0).log(), ValueError, "log"),
    ("Dual square root at zero", lambda: dual.Dual(0.0, 1.0) ** 0.5, ValueError, "not finite"),
    ("Dual derivative overflows", lambda: dual.Dual(1.0, 1e308) * 10, ValueError, "derivative of '*'"),
    ("forward_derivative non-callable", lambda: dual.forward_derivative(3, 1.0), TypeError, "f must be a callable"),
    ("forward_derivative NaN point", lambda: dual.forward_derivative(lambda x: x, math.nan), ValueError, "x must be a finite"),
    ("forward_derivative f returns a string", lambda: dual.forward_derivative(lambda x: "a", 1.0), TypeError, "f must return a Dual"),
    ("forward_gradient 2-D point", lambda: dual.forward_gradient(lambda w: w[0], np.ones((2, 2))), ValueError, "point must be a flat"),
    ("forward_gradient NaN in point", lambda: dual.forward_gradient(lambda w: w[0], [1.0, math.nan]), ValueError, "point"),
    ("forward_gradient f returns a list", lambda: dual.forward_gradient(lambda w: w, [1.0]), TypeError, "f must return one number"),
    # the network library: shapes, dtypes, sizes, order of calls
    ("Linear zero features", lambda: nn.Linear(0, 3), ValueError, "in_features"),
    ("Linear negative features", lambda: nn.Linear(2, -1), ValueError, "out_features"),
    ("Linear float features", lambda: nn.Linear(2.5, 3), TypeError, "in_features"),
    ("Linear wrong input width", lambda: nn.Linear(2, 3)(np.ones((4, 5))), ValueError, "(4, 5)"),
    ("Linear 1-D input", lambda: nn.Linear(2, 3)(np.ones(2)), ValueError, "Linear"),
    ("Linear string input", lambda: nn.Linear(2, 3)(np.array([["a", "b"]])), (TypeError, ValueError), "Linear"),
    ("Linear backward before forward", lambda: nn.Linear(2, 3).backward(np.ones((1, 3))), RuntimeError, "forward"),
    ("ReLU backward before forward", lambda: nn.ReLU().backward(np.ones((1, 3))), RuntimeError, "forward"),
    ("Sequential wrong grad shape", lambda: (lambda m: (m(np.ones((4, 2))), m.backward(np.ones((4, 2)))))(_model()), ValueError, "(4, 2)"),
    ("Sequential non-layer", lambda: nn.Sequential(nn.ReLU(), "relu"), TypeError, ""),
    ("Linear string rng", lambda: nn.Linear(2, 3, rng="0"), TypeError, "rng must be"),
    ("fit string seed", lambda: (lambda m: nn.fit(m, losses.MSELoss(), optim.SGD(m.parameters()), X3, Y3, seed="0"))(nn.Sequential(nn.Linear(1, 1, rng=0))), TypeError, "seed must be"),
    ("Linear NaN input", lambda: nn.Linear(2, 3)(np.array([[1.0, math.nan]])), ValueError, "NaN"),
    # losses and optimizers
    ("cross-entropy label out of range", lambda: losses.SoftmaxCrossEntropy()(np.zeros((2, 3)), np.array([0, 3])), ValueError, "label"),
    ("cross-entropy float labels", lambda: losses.SoftmaxCrossEntropy()(np.zeros((2, 3)), np.array([0.5, 1.0])), (TypeError, ValueError), "label"),
    ("cross-entropy empty batch", lambda: losses.SoftmaxCrossEntropy()(np.zeros((0, 3)), np.zeros(0, dtype=int)), ValueError, "N >= 1"),
    ("mse empty batch", lambda: losses.MSELoss()(np.zeros((0, 1)), np.zeros((0, 1))), ValueError, "N >= 1"),
    ("mse mismatched shapes", lambda: losses.MSELoss()(np.zeros((2, 1)), np.zeros((3, 1))), ValueError, "(3, 1)"),
    ("loss backward before call", lambda: losses.MSELoss().backward(), RuntimeError, ""),
    ("SGD zero learning rate", lambda: optim.SGD(_model().parameters(), lr=0.0), ValueError, "lr"),
    ("SGD negative momentum", lambda: optim.SGD(_model().parameters(), lr=0.1, momentum=-0.5), ValueError, "momentum"),
    ("Adam negative learning rate", lambda: optim.Adam(_model().parameters(), lr=-1e-3), ValueError, "lr"),
    # data sets
    ("noisy_line zero points", lambda: noisy_line(0), ValueError, "n must be a positive"),
    ("noisy_line string size", lambda: noisy_line("100"), TypeError, "n must be a positive"),
    ("noisy_line NaN slope", lambda: noisy_line(10, slope=math.nan), ValueError, "slope"),
    ("noisy_line negative noise", lambda: noisy_line(10, noise=-1.0), ValueError, "noise"),
    ("two_moons zero points", lambda: shapes.two_moons(0), ValueError, "n"),
    ("spiral one class", lambda: shapes.spiral(30, classes=0), ValueError, "classes"),
    ("digits missing file", lambda: digits_module.load_digits(path="no/such/digits.csv.gz"), FileNotFoundError, "digits"),
    ("train_test_split fraction 1.5", lambda: digits_module.train_test_split(X3, Y3, test_fraction=1.5), ValueError, "test_fraction"),
    ("gradcheck non-finite input", lambda: gradcheck.gradcheck(_model(), np.array([[math.nan, 1.0]])), ValueError, "x"),
    # no silent wrong answer: module reuse, in-place edits, inputs that are not real numbers, NaN
    ("one ReLU object in two places", lambda: (lambda r: nn.Sequential(nn.Linear(2, 2), r, nn.Linear(2, 2), r))(nn.ReLU()), ValueError, "layer 3 is the same ReLU() object as layer 1"),
    ("one Linear applied twice", lambda: (lambda l: nn.Sequential(l, nn.Tanh(), l))(nn.Linear(2, 2)), ValueError, "layer 2 is the same Linear(2, 2)"),
    ("one parameter twice in an optimizer", lambda: (lambda ps: optim.SGD(ps + ps[:1], lr=0.1))(_model().parameters()), ValueError, "parameters 0 and 4 are the same"),
    ("complex input to a layer", lambda: nn.Linear(2, 1)(np.ones((1, 2), dtype=complex)), TypeError, "complex numbers"),
    ("string input to a layer", lambda: nn.Linear(2, 1)(np.array([["1", "2"]])), TypeError, "strings"),
    ("object input to a layer", lambda: nn.ReLU()(np.array([[1.0, None]], dtype=object)), TypeError, "Python objects"),
    ("complex prediction to a loss", lambda: losses.MSELoss()(np.ones((2, 1), dtype=complex), np.ones((2, 1))), TypeError, "complex numbers"),
    ("non-finite loss target", lambda: losses.MSELoss()(np.ones((2, 1)), np.array([[1.0], [math.inf]])), ValueError, "target must be finite"),
    ("non-finite scores", lambda: losses.SoftmaxCrossEntropy()(np.array([[math.nan, 0.0]]), np.array([0])), ValueError, "scores must be finite"),
    ("accuracy of an empty batch", lambda: losses.accuracy(np.zeros((0, 3)), np.zeros(0, dtype=int)), ValueError, "at least one sample"),
    ("NaN through a model that starts with ReLU", lambda: nn.Sequential(nn.ReLU(), nn.Linear(2, 1))(np.array([[math.nan, 0.0]])), ValueError, "Sequential(ReLU(), Linear(2, 1)): the input must be finite"),
    ("derivative of 1/x at 0", lambda: calculus.derivative(lambda x: 1 / x, 0.0), ValueError, "f cannot be evaluated at x=0.0"),
    ("fit with zero samples", lambda: (lambda m: nn.fit(m, losses.MSELoss(), optim.SGD(m.parameters()), np.zeros((0, 2)), np.zeros((0, 1))))(_model()), ValueError, "N >= 1"),
    ("fit with the loss class", lambda: (lambda m: nn.fit(m, losses.MSELoss, optim.SGD(m.parameters()), np.ones((2, 2)), np.ones((2, 1))))(_model()), TypeError, "got the class MSELoss: call it"),
    ("fit with a string optimizer", lambda: nn.fit(_model(), losses.MSELoss(), "sgd", np.ones((2, 2)), np.ones((2, 1))), TypeError, "optimizer must have step() and zero_grad()"),
    ("fit with another model's optimizer", lambda: nn.fit(_model(), losses.MSELoss(), optim.SGD(_model().parameters()), np.ones((2, 2)), np.ones((2, 1))), ValueError, "optimizer must update this model's parameters"),
    ("fit with a callback that is not callable", lambda: (lambda m: nn.fit(m, losses.MSELoss(), optim.SGD(m.parameters()), np.ones((2, 2)), np.ones((2, 1)), on_epoch="print"))(_model()), TypeError, "on_epoch must be a function"),
    ("SGD(model.parameters) without the call", lambda: optim.SGD(_model().parameters), TypeError, "call it, as in SGD(model.parameters())"),
    ("read-only parameter in an optimizer", lambda: optim.SGD([_read_only_parameter()]), ValueError, "read-only"),
    ("two-layer network with three weights", lambda: twolayer.forward((0.5, 0.5, 0.5), 1.0), TypeError, "four numbers"),
    ("train_digits for zero epochs", lambda: _train_digits(epochs=0), ValueError, "epochs must be a positive integer"),
    # found by tests/test_fuzz.py: integers too large for a float or an array
    ("derivative at an integer too large for a float", lambda: calculus.derivative(math.sin, 10**400), ValueError, "x must be a finite number"),
    ("learning rate too large for a float", lambda: optim.SGD(_model().parameters(), lr=10**400), ValueError, "lr must be a finite number"),
    ("Value of an integer too large for a float", lambda: engine.Value(10**400), ValueError, "Value data must be a finite number"),
    ("more points than an array can hold", lambda: noisy_line(10**30), ValueError, "n must be at most 9223372036854775807"),
    ("spiral with more arms than points", lambda: shapes.spiral(3, classes=2**62), ValueError, "classes must be at most n=3"),
    # found by tests/test_fuzz.py: data that was converted instead of refused
    ("fit_line with complex data", lambda: descent.fit_line([1.0, 2.0], np.array([1 + 1j, 2.0])), TypeError, "y must contain only real numbers"),
    ("least_squares with boolean data", lambda: descent.least_squares([True, False], [1.0, 2.0]), TypeError, "X must contain only real numbers"),
    ("least_squares with ragged data", lambda: descent.least_squares([[1.0, 2.0], [3.0]], [1.0, 2.0]), TypeError, "X must contain only real numbers"),
    ("fit_line start that mixes an array and a number", lambda: descent.fit_line(X3, Y3, start=(np.array([1.0, 2.0]), 0.0)), ValueError, "start must be a pair"),
    ("two-layer training data of booleans", lambda: twolayer.train([True, False], [1.0, 2.0]), TypeError, "X must be an array of numbers"),
    ("train_test_split of single values", lambda: digits_module.train_test_split(3, 4), ValueError, "X must hold one row per sample"),
    # found by tests/test_fuzz.py: derivatives that were silently wrong or unnamed errors
    ("complex step of an f that is not real on reals", lambda: calculus.derivative(lambda x: 1j + x, 1.0, method="complex"), ValueError, "real on real numbers"),
    ("complex step of a real-only f", lambda: calculus.derivative(math.sin, 1.0, method="complex"), TypeError, "method='complex' needs an f that accepts complex numbers"),
    ("derivative with a subnormal step", lambda: calculus.derivative(math.cos, 1.0, method="complex", h=5e-324), ValueError, "h must be at least"),
    ("central difference where f is undefined", lambda: calculus.derivative(math.log, -1.0, method="central"), ValueError, "f cannot be evaluated next to x=-1.0"),
    # found by tests/test_fuzz.py: results that overflowed to infinity
    ("error of a line that overflows", lambda: descent.error(1e300, 0.0, [1e300], [0.0]), ValueError, "the error overflows a float"),
    ("gradient that overflows", lambda: descent.gradient(1e300, 0.0, [1e300], [0.0]), ValueError, "dE_dm overflows a float"),
    ("noise that overflows the points", lambda: shapes.xor(5, noise=1e308), ValueError, "noise=1e+308 is too large"),
    ("slope that overflows the line", lambda: noisy_line(5, slope=1e308, x_max=1e308), ValueError, "slope, intercept, noise or x_max is too large"),
    ("spiral turns that overflow the angle", lambda: shapes.spiral(6, turns=1e308), ValueError, "turns=1e+308"),
    ("MSELoss that overflows", lambda: losses.MSELoss()(np.array([[1e300]]), np.array([[-1e300]])), ValueError, "MSELoss: prediction and target are too far apart"),
    ("cross-entropy that overflows", lambda: losses.SoftmaxCrossEntropy()(np.array([[1e308, -1e308]]), np.array([1])), ValueError, "SoftmaxCrossEntropy: the scores are too far apart"),
    ("log_softmax below the smallest float", lambda: losses.log_softmax(np.array([[1e308, -1e308]])), ValueError, "log_softmax: the scores z are too far apart"),
    ("Linear output that overflows", lambda: _linear_overflow(), ValueError, "Linear(2, 1): the output is not finite"),
    ("Linear gradient that overflows", lambda: _linear_backward_overflow(), ValueError, "Linear(1, 1): a gradient overflows"),
    ("backward through a refused forward pass", lambda: _backward_after_overflow(), RuntimeError, "backward() was called before forward()"),
    ("squared error that overflows", lambda: twolayer.sq_error(1e300, -1e300), ValueError, "overflows a float"),
    ("as_line that overflows", lambda: twolayer.as_line((1e200, 0.0, 1e200, 0.0)), ValueError, "the slope or the intercept overflows"),
    ("optimizer step with a NaN gradient", lambda: _nan_step(), ValueError, "the output is not finite"),
    # found by tests/test_fuzz.py: errors that named nothing the user wrote, or came too late
    ("digits path that is a number", lambda: digits_module.load_digits(path=3), TypeError, "path must be a file path"),
    ("digits path that is a folder", lambda: digits_module.load_digits(path="."), FileNotFoundError, "is not a file"),
    ("train_digits with an on_epoch that is not callable", lambda: _train_digits(epochs=1, hidden=2, on_epoch="print"), TypeError, "on_epoch must be a function"),
    ("zero_grad of a number", lambda: engine.zero_grad(3), TypeError, "values must be a Value or a list of Values"),
    ("zero_grad refused as a whole", lambda: _zero_grad_partly_bad(), TypeError, "values[1] must be a Value"),
    ("accuracy with a label no score can match", lambda: losses.accuracy(np.zeros((2, 3)), np.array([0, -1])), ValueError, "labels must be integers in [0, 3)"),
    ("Parameter with a name that is not a string", lambda: nn.Parameter(np.zeros(2), name=3), TypeError, "name must be a string"),
    ("init_std of zero inputs", lambda: nn.init_std("he", 0, 10), ValueError, "in_features must be a positive integer"),
    ("Sequential given a layer class", lambda: nn.Sequential(nn.Linear(2, 2), nn.ReLU), TypeError, "layer 1 of Sequential must be a layer object, got the class ReLU"),
    ("fit with the model class", lambda: nn.fit(nn.Sequential, losses.MSELoss(), optim.SGD(_model().parameters()), X3, Y3), TypeError, "got the class Sequential: call it"),
    ("relative_error of arrays of different sizes", lambda: gradcheck.relative_error(np.ones(1), np.ones(3)), ValueError, "analytic and numeric must hold as many numbers"),
    ("relative_error of complex numbers", lambda: gradcheck.relative_error(np.ones(2) * 1j, np.ones(2)), TypeError, "analytic must hold real numbers"),
    ("verdict of None", lambda: gradcheck.verdict(None), TypeError, "error must be a real number"),
    ("report.ok with a NaN tolerance", lambda: gradcheck.gradcheck(nn.Linear(1, 1, rng=0), np.ones((1, 1))).ok(math.nan), ValueError, "tol must be a finite number"),
    ("gradcheck with a string seed", lambda: gradcheck.gradcheck(_model(), np.ones((1, 2)), seed="a"), TypeError, "seed must be"),
    ("gradcheck with a string loss", lambda: gradcheck.gradcheck(_model(), np.ones((1, 2)), loss="mse", target=np.ones((1, 1))), TypeError, "loss must be a loss object"),
    ("gradcheck refused before any gradient changed", lambda: _gradcheck_refused_keeps_grads(), ValueError, "expected an input of shape (N, 2)"),
    ("neuron of strings", lambda: twolayer.neuron("a", "b", 2), TypeError, "w must be a real number"),
    ("neuron of arrays that do not combine", lambda: twolayer.neuron([1.0, 2.0], 0.0, [1.0, 2.0, 3.0]), ValueError, "the shapes of w (2,), b (), x (3,)"),
    ("forward with a string input", lambda: twolayer.forward(twolayer.START, "a"), TypeError, "x must be a real number"),
    ("forward with a NaN input", lambda: twolayer.forward(twolayer.START, math.nan), ValueError, "x must be a finite number"),
    ("error with a string target", lambda: twolayer.error(0.5, 0.5, 0.5, 0.5, 1.0, "a"), TypeError, "y must be a real number"),
    ("grad_numeric with a loss that is not a function", lambda: twolayer.grad_numeric(twolayer.START, 1.0, 1.0, loss=3), TypeError, "loss must be a function"),
]


def _read_only_parameter():
    p = nn.Parameter(np.zeros(2))
    p.data.flags.writeable = False
    return p


def _train_digits(**kwargs):
    from backprop.digits import train_digits

    return train_digits(**kwargs)


def _linear_overflow():
    """Refused, and the backward pass still belongs to the last good batch."""
    layer = nn.Linear(2, 1, rng=0)
    layer.weight.data[...] = 1.0
    layer(np.array([[1.0, 2.0]]))
    try:
        layer(np.array([[1e308, 1e308]]))
    finally:
        layer.backward(np.ones((1, 1)))
        assert layer.weight.grad.ravel().tolist() == [1.0, 2.0]


def _linear_backward_overflow():
    """Refused, and .grad as it was."""
    layer = nn.Linear(1, 1, rng=0)
    layer(np.array([[1e300]]))
    try:
        layer.backward(np.array([[1e300]]))
    finally:
        assert layer.weight.grad.tolist() == [[0.0]] and layer.bias.grad.tolist() == [0.0]


def _backward_after_overflow():
    """A model whose forward pass overflowed holds that batch: no backward through it."""
    model = nn.Sequential(nn.Linear(1, 1, rng=0))
    model[0].weight.data[...] = 1e300
    model(np.array([[1.0]]))
    with pytest.raises(ValueError, match="the output is not finite"):
        model(np.array([[1e10]]))
    model.backward(np.ones((1, 1)))


def _nan_step():
    """A NaN gradient is not checked at every step (chapter 12 prices each check);
    it reaches the weights, and the model refuses them at its next forward pass."""
    model = _model()
    optimizer = optim.Adam(model.parameters())
    model.parameters()[-1].grad[0] = math.nan
    optimizer.step()
    model(np.ones((1, 2)))


def _zero_grad_partly_bad():
    """Refused as a whole: no gradient is cleared."""
    v = engine.Value(2.0)
    (v * v).backward()
    try:
        engine.zero_grad([v, "w"])
    finally:
        assert v.grad == 4.0


def _gradcheck_refused_keeps_grads():
    model = _model()
    for p in model.parameters():
        p.grad[...] = 1.0
    try:
        gradcheck.gradcheck(model, np.ones((1, 3)))
    finally:
        assert all((p.grad == 1.0).all() for p in model.parameters())


@pytest.mark.parametrize("call, error, words", [c[1:] for c in CATALOGUE], ids=[c[0] for c in CATALOGUE])
def test_bad_input_raises_a_named_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert message.strip(), "the error must say what went wrong"
    assert words in message


def test_corrupted_digits_file_is_refused(tmp_path):
    with pytest.raises(ValueError) as info:
        _corrupt_digits(tmp_path)
    assert "digits" in str(info.value).lower()


def test_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 30


def test_a_refused_call_leaves_the_model_usable():
    model = _model()
    x = np.ones((4, 2))
    before = model(x).copy()
    with pytest.raises(ValueError):
        model(np.ones((4, 5)))
    with pytest.raises(ValueError):
        model.backward(np.ones((4, 2)))
    after = model(x)
    np.testing.assert_array_equal(before, after)
    grad_in = model.backward(np.ones((4, 1)))
    assert grad_in.shape == (4, 2) and np.all(np.isfinite(grad_in))


@pytest.mark.parametrize("bad", [
    {"on_batch": 3}, {"y": np.ones((4, 1), dtype=complex)}, {"X": np.full((4, 2), math.nan)}, {"epochs": 0},
    {"loss": losses.MSELoss}, {"optimizer": "adam"},
])
def test_a_refused_fit_changes_no_weight(bad):
    model = _model()
    before = [p.data.copy() for p in model.parameters()]
    args = {"loss": losses.MSELoss(), "optimizer": optim.SGD(model.parameters(), lr=0.1),
            "X": np.ones((4, 2)), "y": np.ones((4, 1))} | bad
    kwargs = {k: v for k, v in args.items() if k not in ("loss", "optimizer", "X", "y")}
    with pytest.raises((TypeError, ValueError)):
        nn.fit(model, args["loss"], args["optimizer"], args["X"], args["y"], **kwargs)
    for b, p in zip(before, model.parameters()):
        np.testing.assert_array_equal(b, p.data)


def test_a_refused_operation_leaves_the_engine_usable():
    a = engine.Value(2.0)
    with pytest.raises(TypeError):
        a * "x"
    y = a * a + 1
    y.backward()
    assert (y.data, a.grad) == (5.0, 4.0)
