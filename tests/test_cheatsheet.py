"""Every row of the cheat sheet (docs/cheatsheet.md) is checked here.

Each row of a table on the page carries a marker ``<!-- check: ID -->``.
``ROWS`` holds, for every ID:

- ``cells``: the row's text as the page shows it (every cell but the last,
  the link; a cell's lines, split at ``<br>``, count as cells), so that a
  formula cannot change on the page without its check;
- ``formula``: the row's formula written in NumPy, as the page writes it;
- ``wrong``: deliberately wrong versions of it (a missing transpose, a
  forgotten sum or factor, ``=`` for ``+=`` ...);
- ``check``: a function that takes a formula and asserts that it agrees with
  numeric derivatives (``backprop.calculus``, ``backprop.gradcheck``) and
  with what the library computes.

The tests: the page's rows and ``ROWS`` have the same IDs (a row added
without a check fails); each row's text is the text recorded here; each row
links to a chapter section that exists; every formula passes its check; and
every wrong version fails it, so that no check passes whatever it is given.
"""

from __future__ import annotations

import cmath
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from markdown.extensions.toc import slugify

from backprop import descent, twolayer
from backprop.calculus import derivative, partial
from backprop.dual import Dual, forward_derivative
from backprop.engine import Value
from backprop.gradcheck import GOOD, WRONG, gradcheck, relative_error, verdict
from backprop.losses import MSELoss, SoftmaxCrossEntropy, softmax
from backprop.nn import Linear, Parameter, ReLU, Sequential, Sigmoid, Tanh
from backprop.optim import SGD, Adam
from tests.conftest import DOCS

PAGE = DOCS / "cheatsheet.md"

# ------------------------------------------------------------------ comparisons


def _array(value: Any) -> np.ndarray:
    return np.asarray(value, dtype=float)


def numeric_agrees(analytic: Any, numeric: Any, what: str) -> None:
    """The formula against a numeric derivative: the book's 'good', relative error <= 1e-7."""
    a, n = _array(analytic), _array(numeric)
    assert a.shape == n.shape, f"{what}: the formula gives shape {a.shape}, the numeric derivative {n.shape}"
    error = relative_error(a, n)
    assert error <= GOOD, f"{what}: formula {a.ravel()[:6]} against numeric {n.ravel()[:6]}: relative error {error:.1e}"


def library_agrees(library: Any, formula: Any, what: str) -> None:
    """The formula against the library: the same arithmetic, equal up to rounding."""
    a, b = _array(library), _array(formula)
    assert a.shape == b.shape, f"{what}: the library gives shape {a.shape}, the formula {b.shape}"
    error = relative_error(a, b)
    assert error <= 1e-12, f"{what}: library {a.ravel()[:6]} against formula {b.ravel()[:6]}: relative error {error:.1e}"


def evaluate(formula: Callable, *args: Any) -> Any:
    """Call a formula; one whose shapes do not fit (a missing transpose) fails the check."""
    try:
        return formula(*args)
    except ValueError as error:  # NumPy: operands could not be combined
        raise AssertionError(f"the formula does not fit the shapes: {error}") from error


def numeric_gradient(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """d f / d x for every entry of ``x``, by ``backprop.calculus.derivative`` along that entry."""
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        def along(t: float, i: tuple[int, ...] = i) -> float:
            moved = x.copy()
            moved[i] = t
            return float(f(moved))
        grad[i] = derivative(along, float(x[i]))
    return grad


RNG_SEED = 20240613

# ------------------------------------------------------------------ the chain rule


def _t(x):
    return x * x - 0.5 * x


def _dt(x):
    return 2 * x - 0.5


def _y(t):
    return t.exp() * t if isinstance(t, Value) else math.exp(t) * t


def _dy(t):
    return math.exp(t) * (1 + t)


def check_chain(formula):
    for x0 in (-0.9, 0.3, 1.7):
        by_formula = evaluate(formula, _dy, _dt, _t, x0)
        numeric_agrees(by_formula, derivative(lambda x: _y(_t(x)), x0), f"d y(t(x))/dx at x = {x0}")
        x = Value(x0)
        _y(_t(x)).backward()
        library_agrees(x.grad, by_formula, f"engine's d y(t(x))/dx at x = {x0}")


def check_paths(formula):
    # a = x^2 and b = e^x both feed y = a b + a: dy/da = b + 1, dy/db = a.
    for x0 in (-1.2, 0.4, 1.1):
        a, b = x0 * x0, math.exp(x0)
        by_formula = evaluate(formula, b + 1, a, 2 * x0, math.exp(x0))
        numeric_agrees(by_formula, derivative(lambda x: x * x * math.exp(x) + x * x, x0), f"dy/dx at x = {x0}")
        x = Value(x0)
        a_node = x * x
        (a_node * x.exp() + a_node).backward()
        library_agrees(x.grad, by_formula, f"engine's dy/dx at x = {x0}")


class _Node:
    """Chapter 7's dozen-line node: a number, its gradient, its inputs and local derivatives."""

    def __init__(self, data, inputs=(), local=()):
        self.data, self.grad, self.inputs, self.local = data, 0.0, inputs, local

    def __add__(self, other):
        return _Node(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        return _Node(self.data * other.data, (self, other), (other.data, self.data))


def _order(output):
    order, seen, stack = [], set(), [(output, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((inp, False) for inp in node.inputs)
    return order


def check_backward_step(formula):
    # y = a b + a a + b: a is used three times, b twice; dy/da = b + 2a, dy/db = a + 1.
    def expression(a, b):
        return a * b + a * a + b

    for a0, b0 in ((1.5, -0.8), (-0.4, 2.2)):
        a, b = _Node(a0), _Node(b0)
        y = expression(a, b)
        order = _order(y)
        y.grad = 1.0
        for node in reversed(order):
            for inp, local in zip(node.inputs, node.local):
                inp.grad = evaluate(formula, inp.grad, local, node.grad)
        for name, node, i in (("a", a, 0), ("b", b, 1)):
            numeric_agrees(node.grad, partial(lambda a, b: expression(_Node(a), _Node(b)).data, i, a0, b0),
                           f"dy/d{name} at ({a0}, {b0})")
        A, B = Value(a0), Value(b0)
        expression(A, B).backward()
        library_agrees((A.grad, B.grad), (a.grad, b.grad), f"engine's gradient at ({a0}, {b0})")


def _bumpy(x1, x2, x3):
    return x1 * x1 + 3 * x2 * x2 + x1 * x3 + math.sin(x3)


def check_directional(formula):
    rng = np.random.default_rng(RNG_SEED)
    p = np.array([0.7, -1.1, 0.4])
    grad = np.array([partial(_bumpy, i, *p) for i in range(3)])
    numeric_agrees(grad, [2 * p[0] + p[2], 6 * p[1], p[0] + math.cos(p[2])], "the gradient of the bumpy function")
    for _ in range(4):
        u = rng.normal(size=3)
        u /= np.linalg.norm(u)
        slope = derivative(lambda t: _bumpy(*(p + t * u)), 0.0)
        numeric_agrees(evaluate(formula, grad, u), slope, f"the slope along {u.round(3)}")


# ------------------------------------------------------------------ scalar operations


@dataclass
class ScalarOp:
    on_numbers: Callable
    on_values: Callable
    arity: int
    points: tuple


POINTS_2 = ((1.5, -0.8), (-0.7, 0.6), (2.3, 1.9))
POSITIVE = ((1.5,), (0.3,), (2.7,))
SCALAR_OPS = {
    "add": ScalarOp(lambda a, b: a + b, lambda a, b: a + b, 2, POINTS_2),
    "sub": ScalarOp(lambda a, b: a - b, lambda a, b: a - b, 2, POINTS_2),
    "mul": ScalarOp(lambda a, b: a * b, lambda a, b: a * b, 2, POINTS_2),
    "div": ScalarOp(lambda a, b: a / b, lambda a, b: a / b, 2, POINTS_2),
    "neg": ScalarOp(lambda a: -a, lambda a: -a, 1, ((1.5,), (-0.7,))),
    "exp": ScalarOp(math.exp, lambda a: a.exp(), 1, ((1.5,), (-0.7,), (0.0,))),
    "log": ScalarOp(math.log, lambda a: a.log(), 1, POSITIVE),
    # Value has no max; chapter 7 builds it from ReLU: max(a, b) = relu(a - b) + b.
    "max": ScalarOp(max, lambda a, b: (a - b).relu() + b, 2, ((1.5, -0.8), (-0.7, 0.6), (-3.0, -5.0))),
}


def _check_scalar(op: ScalarOp, formula: Callable, label: str) -> None:
    for point in op.points:
        local = evaluate(formula, *point)
        local = local if isinstance(local, tuple) else (local,)
        assert len(local) == op.arity, f"{label}: {len(local)} local derivatives for {op.arity} inputs"
        values = [Value(v) for v in point]
        op.on_values(*values).backward()
        for i in range(op.arity):
            numeric_agrees(local[i], partial(op.on_numbers, i, *point), f"{label}: d y / d input {i} at {point}")
            library_agrees(values[i].grad, local[i], f"{label}: the engine's d y / d input {i} at {point}")


def scalar_check(name: str) -> Callable:
    return lambda formula: _check_scalar(SCALAR_OPS[name], formula, name)


def check_pow(formula):
    for n in (3, 0.5, -2, 1.7):
        op = ScalarOp(lambda a, n=n: a ** n, lambda a, n=n: a ** n, 1, POSITIVE + ((-1.3,),) if float(n).is_integer() else POSITIVE)
        _check_scalar(op, lambda a, n=n: formula(a, n), f"a ** {n}")


# ------------------------------------------------------------------ activations

GRID = np.array([-6.0, -2.5, -0.7, -0.1, 0.2, 0.9, 3.0, 7.5])


def _check_activation(formula, layer, value_method, name, bound=None):
    function, slope = formula
    for x0 in GRID:
        numeric_agrees(evaluate(slope, x0), derivative(function, x0), f"{name}'({x0})")
        v = Value(x0)
        getattr(v, value_method)().backward()
        library_agrees(v.grad, evaluate(slope, x0), f"the engine's {name}'({x0})")
    x = GRID.reshape(2, 4)
    library_agrees(layer(x), function(x), f"{type(layer).__name__} forward")
    library_agrees(layer.backward(np.ones_like(x)), evaluate(slope, x), f"{type(layer).__name__} backward")
    if bound is not None:  # the page states the largest slope, reached at 0
        fine = np.linspace(-8, 8, 1601)
        assert np.max(evaluate(slope, fine)) <= bound + 1e-15
        assert evaluate(slope, 0.0) == pytest.approx(bound, rel=1e-15)


def check_sigmoid(formula):
    _check_activation(formula, Sigmoid(), "sigmoid", "sigmoid", bound=0.25)


def check_tanh(formula):
    _check_activation(formula, Tanh(), "tanh", "tanh", bound=1.0)


def check_relu(formula):
    _check_activation(formula, ReLU(), "relu", "relu")
    function, slope = formula
    # At the kink the library uses 0, as the page says.
    v = Value(0.0)
    v.relu().backward()
    layer = ReLU()
    layer(np.zeros((1, 1)))
    library_agrees(v.grad, evaluate(slope, 0.0), "the engine's relu'(0)")
    library_agrees(layer.backward(np.ones((1, 1))), evaluate(slope, np.zeros((1, 1))), "ReLU backward at 0")


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ------------------------------------------------------------------ errors and losses


def check_line(formula):
    rng = np.random.default_rng(RNG_SEED)
    x = rng.uniform(0, 2, 20)
    y = 4 + 3 * x + rng.normal(0, 0.3, 20)
    for m, c in ((0.6, 0.3), (3.2, 3.7)):
        dE_dm, dE_dc = evaluate(formula, m, c, x, y)
        numeric_agrees(dE_dm, partial(descent.error, 0, m, c, x, y), f"dE/dm at ({m}, {c})")
        numeric_agrees(dE_dc, partial(descent.error, 1, m, c, x, y), f"dE/dc at ({m}, {c})")
        library_agrees(descent.gradient(m, c, x, y, method="analytic"), (dE_dm, dE_dc), f"descent.gradient at ({m}, {c})")


def check_squared_error(formula):
    for o, y in ((0.91, 5.51), (2.0, -1.5), (-0.3, -0.2)):
        dE_do = evaluate(formula, o, y)
        numeric_agrees(dE_do, partial(twolayer.sq_error, 0, o, y), f"dE/do at o = {o}, y = {y}")
        v = Value(o)
        ((v - y) ** 2).backward()
        library_agrees(v.grad, dE_do, f"the engine's dE/do at o = {o}, y = {y}")


def check_mse(formula):
    loss_of, grad_of = formula
    rng = np.random.default_rng(RNG_SEED)
    P, T = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    mse = MSELoss()
    library_agrees(mse(P, T), evaluate(loss_of, P, T), "MSELoss value")
    library_agrees(mse.backward(), evaluate(grad_of, P, T), "MSELoss.backward")
    numeric_agrees(evaluate(grad_of, P, T), numeric_gradient(lambda P: evaluate(loss_of, P, T), P), "dL/dP")
    assert gradcheck(MSELoss(), P, target=T).ok()


def check_softmax(formula):
    for z in (np.array([2.0, -1.0, 0.5]), np.array([0.3, 0.1, -2.0, 1.2])):
        p = np.exp(z) / np.exp(z).sum()
        library_agrees(softmax(z), p, f"softmax of {z}")
        jacobian = evaluate(formula, p)
        assert np.shape(jacobian) == (len(z), len(z)), f"the Jacobian has shape {np.shape(jacobian)}"
        for i in range(len(z)):
            numeric_agrees(jacobian[i], numeric_gradient(lambda z, i=i: softmax(z)[i], z), f"d p_{i} / d z at {z}")
        # chapter 9's exercise: times the gradient of -log p_y, it is p - onehot(y)
        for y in range(len(z)):
            library_agrees(p - _onehot(y, len(z)), -jacobian[y] / p[y], f"the chain through the softmax, y = {y}")


def check_cross_entropy(formula):
    for z, y in ((np.array([2.0, -1.0, 0.5]), 1), (np.array([0.3, 0.1, -2.0, 1.2]), 3)):
        p, loss, grad = evaluate(formula, z, y)
        library_agrees(softmax(z), p, f"softmax of {z}")
        library_agrees(-np.log(p[y]), loss, "-log p_y")
        ce = SoftmaxCrossEntropy()
        library_agrees(ce(z[None, :], np.array([y])), loss, "SoftmaxCrossEntropy on one sample")
        library_agrees(ce.backward()[0], grad, "SoftmaxCrossEntropy.backward on one sample")
        numeric_agrees(grad, numeric_gradient(lambda z: evaluate(formula, z, y)[1], z), f"dl/dz at {z}")


def check_softmax_cross_entropy(formula):
    loss_of, grad_of = formula
    rng = np.random.default_rng(RNG_SEED)
    Z, y = rng.normal(size=(5, 3)), np.array([0, 2, 1, 1, 0])
    ce = SoftmaxCrossEntropy()
    library_agrees(ce(Z, y), evaluate(loss_of, Z, y), "SoftmaxCrossEntropy value")
    library_agrees(ce.backward(), evaluate(grad_of, Z, y), "SoftmaxCrossEntropy.backward")
    numeric_agrees(evaluate(grad_of, Z, y), numeric_gradient(lambda Z: evaluate(loss_of, Z, y), Z), "dL/dZ")
    assert gradcheck(SoftmaxCrossEntropy(), Z, target=y).ok()


def _onehot(y, classes):
    return np.eye(classes)[y]


# ------------------------------------------------------------------ chapter 6's two neurons

WEIGHT_NAMES = ("w11", "w12", "w21", "w22")
TWO_NEURON_CASES = (((0.5, 0.5, 0.5, 0.5), 0.637, 5.5085), ((1.3, -0.4, -0.7, 2.1), -1.2, 0.8))


def _forward_values(weights, x, y):
    h1, o1 = twolayer.forward(weights, x)
    v = SimpleNamespace(**dict(zip(WEIGHT_NAMES, weights)), x=x, y=y, h1=h1, o1=o1)
    v.dE_do1 = 2 * (o1 - y)
    v.dE_dh1 = v.dE_do1 * v.w21
    return v


def _true_gradient(weights, x, y):
    return [partial(twolayer.error, i, *weights, x, y) for i in range(4)]


def check_neuron(formula):
    for w, b, x in ((0.5, 0.5, 0.637), (-1.3, 2.0, 0.4)):
        local = evaluate(formula, w, b, x)
        numeric_agrees(local, [partial(twolayer.neuron, i, w, b, x) for i in (0, 1, 2)], f"neuron at {w, b, x}")
        W, B, X = Value(w), Value(b), Value(x)
        (W * X + B).backward()
        library_agrees((W.grad, B.grad, X.grad), local, f"the engine's neuron at {w, b, x}")


def _check_two_neuron_rows(formula, names):
    for weights, x, y in TWO_NEURON_CASES:
        v = _forward_values(weights, x, y)
        got = evaluate(formula, v)
        got = got if isinstance(got, tuple) else (got,)
        truth = dict(zip(WEIGHT_NAMES, _true_gradient(weights, x, y)))
        library = dict(zip(WEIGHT_NAMES, twolayer.grad_analytic(weights, x, y)))
        for name, value in zip(names, got):
            if name == "h1":  # dE/dh1 = dE/dw12, since dh1/dw12 = 1
                numeric_agrees(value, truth["w12"], "dE/dh1")
                library_agrees(library["w12"], value, "grad_analytic's dE/dw12 = dE/dh1")
                continue
            numeric_agrees(value, truth[name], f"dE/d{name} at weights {weights}")
            library_agrees(library[name], value, f"grad_analytic's dE/d{name}")


# ------------------------------------------------------------------ a layer on a batch

LAYER_SHAPES = ((5, 3, 2), (3, 3, 3))  # (N, d, k): a rectangular layer and a square one


def _layer_case(shape, seed):
    N, d, k = shape
    rng = np.random.default_rng(seed)
    layer = Linear(d, k, rng=rng)
    layer.bias.data[:] = rng.normal(size=k)
    X, G = rng.normal(size=(N, d)), rng.normal(size=(N, k))
    return layer, X, G


def _pairing(X, W, b, G):
    """L = sum(G * Y): a loss whose gradient with respect to Y is G (chapter 8)."""
    return float(np.sum((X @ W + b) * G))


def check_linear_forward(formula):
    for shape in LAYER_SHAPES:
        layer, X, _ = _layer_case(shape, RNG_SEED)
        W, b = layer.weight.data, layer.bias.data
        Y = evaluate(formula, X, W, b)
        assert np.shape(Y) == (shape[0], shape[2]), f"Y has shape {np.shape(Y)}, expected N x k = {(shape[0], shape[2])}"
        library_agrees(layer(X), Y, f"Linear forward, N, d, k = {shape}")
        loop = [[sum(X[n, i] * W[i, j] for i in range(shape[1])) + b[j] for j in range(shape[2])] for n in range(shape[0])]
        library_agrees(loop, Y, "the loops of chapter 8")


def _check_linear_backward(formula, which):
    for seed, shape in enumerate(LAYER_SHAPES):
        layer, X, G = _layer_case(shape, RNG_SEED + seed)
        W, b = layer.weight.data.copy(), layer.bias.data.copy()
        layer(X)
        dX = layer.backward(G)
        if which == "weight":
            got = evaluate(formula, X, G)
            numeric = numeric_gradient(lambda W: _pairing(X, W, b, G), W)
            library, want = layer.weight.grad, W.shape
        elif which == "bias":
            got = evaluate(formula, G)
            numeric = numeric_gradient(lambda b: _pairing(X, W, b, G), b)
            library, want = layer.bias.grad, b.shape
        else:
            got = evaluate(formula, G, W)
            numeric = numeric_gradient(lambda X: _pairing(X, W, b, G), X)
            library, want = dX, X.shape
        assert np.shape(got) == want, f"dL/d{which} has shape {np.shape(got)}, expected {want} (N, d, k = {shape})"
        numeric_agrees(got, numeric, f"dL/d{which}, N, d, k = {shape}")
        library_agrees(library, got, f"Linear.backward's dL/d{which}, N, d, k = {shape}")
        assert set(gradcheck(layer, X).verdicts().values()) == {"good"}


def check_activation_layer(formula):
    rng = np.random.default_rng(RNG_SEED)
    slopes = {Sigmoid: lambda Z: _sigmoid(Z) * (1 - _sigmoid(Z)), Tanh: lambda Z: 1 - np.tanh(Z) ** 2,
              ReLU: lambda Z: (Z > 0).astype(float)}
    for shape in ((4, 3), (3, 3)):
        Z, G = rng.normal(size=shape), rng.normal(size=shape)
        Z[np.abs(Z) < 1e-3] = 0.5  # keep ReLU's kink away from the numeric derivative
        for cls, slope in slopes.items():
            layer = cls()
            A = layer(Z)
            got = evaluate(formula, G, slope(Z))
            assert np.shape(got) == shape, f"dL/dZ has shape {np.shape(got)}, expected {shape}"
            numeric = numeric_gradient(lambda Z: float(np.sum(G * cls.function(Z))), Z)
            numeric_agrees(got, numeric, f"{cls.__name__}: dL/dZ")
            library_agrees(layer.backward(G), got, f"{cls.__name__}.backward")
            assert A.shape == shape


# ------------------------------------------------------------------ the delta recursion

DIMS = (2, 3, 3, 2)  # chapter 9's 2-3-3-2 network


def _network(seed=RNG_SEED):
    rng = np.random.default_rng(seed)
    model = Sequential(Linear(2, 3, rng=rng), Tanh(), Linear(3, 3, rng=rng), Tanh(), Linear(3, 2, rng=rng))
    for layer in model:
        if isinstance(layer, Linear):
            layer.bias.data[:] = rng.normal(scale=0.5, size=layer.bias.data.shape)
    X, y = rng.normal(size=(6, 2)), np.array([0, 1, 1, 0, 1, 0])
    linear = [layer for layer in model if isinstance(layer, Linear)]
    W = {l: layer.weight.data for l, layer in enumerate(linear, start=1)}
    b = {l: layer.bias.data for l, layer in enumerate(linear, start=1)}
    A, Z = {0: X}, {}
    for l in (1, 2, 3):
        Z[l] = A[l - 1] @ W[l] + b[l]
        A[l] = np.tanh(Z[l])
    # What the library's backward pass hands each Linear layer, collected as chapter 9 does.
    ce = SoftmaxCrossEntropy()
    model.zero_grad()
    ce(model(X), y)
    G, received, l = ce.backward(), {}, 3
    for layer in reversed(model.layers):
        if isinstance(layer, Linear):
            received[l] = G
            l -= 1
        G = layer.backward(G)
    report = gradcheck(model, X, loss=SoftmaxCrossEntropy(), target=y)
    assert set(report.verdicts().values()) == {"good"}
    return SimpleNamespace(model=model, linear=linear, X=X, y=y, W=W, b=b, A=A, Z=Z, received=received,
                           report=report, N=len(X))


def _loss_from(net, l, Zl):
    """The loss as a function of layer l's pre-activations, the layers above run in NumPy."""
    Z = Zl
    for j in range(l + 1, 4):
        Z = np.tanh(Z) @ net.W[j] + net.b[j]
    return SoftmaxCrossEntropy()(Z, net.y)


def _deltas(net, start, recursion):
    P, Y = softmax(net.Z[3]), _onehot(net.y, 2)
    delta = {3: evaluate(start, P, Y)}
    for l in (2, 1):
        delta[l] = evaluate(recursion, delta[l + 1], net.W[l + 1], 1 - net.A[l] ** 2)
    return delta


def check_delta_start(formula):
    net = _network()
    delta = evaluate(formula, softmax(net.Z[3]), _onehot(net.y, 2))
    assert np.shape(delta) == (net.N, DIMS[3])
    numeric_agrees(delta, numeric_gradient(lambda Z: _loss_from(net, 3, Z), net.Z[3]), "delta^3")
    library_agrees(net.received[3], delta, "what the last Linear layer receives")


def check_delta_recursion(formula):
    net = _network()
    delta = _deltas(net, ROWS["delta-start"].formula, formula)
    for l in (2, 1):
        assert np.shape(delta[l]) == (net.N, DIMS[l]), f"delta^{l} has shape {np.shape(delta[l])}"
        numeric_agrees(delta[l], numeric_gradient(lambda Z, l=l: _loss_from(net, l, Z), net.Z[l]), f"delta^{l}")
        library_agrees(net.received[l], delta[l], f"what Linear layer {l} receives")


def check_delta_weight(formula):
    net = _network()
    delta = _deltas(net, ROWS["delta-start"].formula, ROWS["delta-recursion"].formula)
    for l in (1, 2, 3):
        dW = evaluate(formula, net.A[l - 1], delta[l])
        assert np.shape(dW) == (DIMS[l - 1], DIMS[l]), f"dL/dW^{l} has shape {np.shape(dW)}"
        numeric_agrees(dW, net.report[f"{2 * (l - 1)}.weight"].numeric, f"dL/dW^{l} against gradcheck")
        library_agrees(net.linear[l - 1].weight.grad, dW, f"Linear layer {l}'s weight.grad")


def check_delta_bias(formula):
    net = _network()
    delta = _deltas(net, ROWS["delta-start"].formula, ROWS["delta-recursion"].formula)
    for l in (1, 2, 3):
        db = evaluate(formula, delta[l])
        assert np.shape(db) == (DIMS[l],), f"dL/db^{l} has shape {np.shape(db)}"
        numeric_agrees(db, net.report[f"{2 * (l - 1)}.bias"].numeric, f"dL/db^{l} against gradcheck")
        library_agrees(net.linear[l - 1].bias.grad, db, f"Linear layer {l}'s bias.grad")


# ------------------------------------------------------------------ optimizers


def _gradients(steps=5, shape=(2, 3)):
    """Gradients that change sign and size from step to step."""
    rng = np.random.default_rng(RNG_SEED)
    return [rng.normal(scale=10.0 ** rng.uniform(-2, 1), size=shape) for _ in range(steps)]


def _run(optimizer_class, grads, **settings):
    w = Parameter(np.linspace(-1.0, 1.5, 6).reshape(2, 3))
    optimizer = optimizer_class([w], **settings)
    trajectory = []
    for g in grads:
        w.grad[...] = g
        optimizer.step()
        trajectory.append(w.data.copy())
    return trajectory


def check_sgd(formula):
    grads = _gradients()
    w = np.linspace(-1.0, 1.5, 6).reshape(2, 3)
    for step, (g, library) in enumerate(zip(grads, _run(SGD, grads, lr=0.05)), start=1):
        w = evaluate(formula, w, g, 0.05)
        library_agrees(library, w, f"SGD after {step} steps")
    # Chapter 5's line: fit_line takes the same step with the gradient of the line's error.
    rng = np.random.default_rng(RNG_SEED)
    x = rng.uniform(0, 2, 30)
    y = 4 + 3 * x + rng.normal(0, 0.3, 30)
    fit = descent.fit_line(x, y, learning_rate=0.001, iterations=5, method="analytic", seed=0)
    m, c = fit.ms[0], fit.cs[0]
    for k in range(1, 6):
        dE_dm, dE_dc = descent.gradient(m, c, x, y)
        m, c = evaluate(formula, m, dE_dm, 0.001), evaluate(formula, c, dE_dc, 0.001)
        library_agrees((fit.ms[k], fit.cs[k]), (m, c), f"fit_line after {k} steps")
    # And the five steps lowered the error, as chapter 5 promises.
    assert descent.error(m, c, x, y) < descent.error(fit.ms[0], fit.cs[0], x, y)


def check_momentum(formula):
    grads = _gradients()
    w, v = np.linspace(-1.0, 1.5, 6).reshape(2, 3), np.zeros((2, 3))
    for step, (g, library) in enumerate(zip(grads, _run(SGD, grads, lr=0.05, momentum=0.9)), start=1):
        w, v = evaluate(formula, w, v, g, 0.05, 0.9)
        library_agrees(library, w, f"SGD with momentum after {step} steps")


ADAM = {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8}


def _adam_trajectory(means, step):
    grads = _gradients(steps=6)
    w, m, s = np.linspace(-1.0, 1.5, 6).reshape(2, 3), np.zeros((2, 3)), np.zeros((2, 3))
    b1, b2 = ADAM["betas"]
    for t, (g, library) in enumerate(zip(grads, _run(Adam, grads, **ADAM)), start=1):
        m, s = evaluate(means, m, s, g, b1, b2)
        w = evaluate(step, w, m, s, t, ADAM["lr"], b1, b2, ADAM["eps"])
        library_agrees(library, w, f"Adam after {t} steps")


def check_adam_means(formula):
    _adam_trajectory(formula, ROWS["adam-step"].formula)


def check_adam_step(formula):
    _adam_trajectory(ROWS["adam-means"].formula, formula)


# ------------------------------------------------------------------ derivatives by numbers

H = 2.0 ** -14  # exactly representable: the library takes exactly this step at x = 0.75


def _order_of(formula, f, df, x):
    errors = [abs(evaluate(formula, f, x, h) - df(x)) for h in (1e-2, 5e-3, 2.5e-3)]
    return [errors[i] / errors[i + 1] for i in range(2)]


def check_forward_difference(formula):
    x = 0.75
    library_agrees(derivative(math.exp, x, method="forward", h=H), evaluate(formula, math.exp, x, H), "forward")
    assert abs(evaluate(formula, math.exp, x, 1e-8) - math.exp(x)) < 1e-7
    # error O(h): halving the step halves the error
    assert all(1.9 < ratio < 2.1 for ratio in _order_of(formula, math.exp, math.exp, x))


def check_central_difference(formula):
    x = 0.75
    library_agrees(derivative(math.exp, x, method="central", h=H), evaluate(formula, math.exp, x, H), "central")
    assert abs(evaluate(formula, math.exp, x, 1e-5) - math.exp(x)) < 1e-9
    # error O(h^2): halving the step divides the error by four
    assert all(3.9 < ratio < 4.1 for ratio in _order_of(formula, math.exp, math.exp, x))


def check_complex_step(formula):
    for x in (0.75, -2.0, 3.1):
        got = evaluate(formula, cmath.sin, x, 1e-20)
        assert got == pytest.approx(math.cos(x), rel=1e-15, abs=1e-16), f"complex step of sin at {x}: {got}"
        library_agrees(derivative(cmath.sin, x, method="complex"), got, f"complex step at {x}")


def check_dual(formula):
    for a, b, c, d in ((3.0, 1.0, -2.0, 0.5), (0.25, -4.0, 7.0, 2.0), (-1.5, 2.5, 0.0, 1.0)):
        value, slope = evaluate(formula, a, b, c, d)
        product = Dual(a, b) * Dual(c, d)
        library_agrees((product.value, product.derivative), (value, slope), f"Dual({a}, {b}) * Dual({c}, {d})")
        # the epsilon part is the derivative of (a + b t)(c + d t) at t = 0
        numeric = derivative(lambda t: (a + b * t) * (c + d * t), 0.0)
        assert slope == pytest.approx(numeric, rel=1e-9, abs=1e-12), f"epsilon part {slope} against {numeric}"
    # seeded with b = 1, one pass gives f'(a) exactly
    assert forward_derivative(lambda x: x.tanh(), 0.5) == pytest.approx(1 - math.tanh(0.5) ** 2, rel=1e-15)


def check_relative_error(formula):
    rng = np.random.default_rng(RNG_SEED)
    for _ in range(5):
        a = rng.normal(size=7)
        n = a * rng.uniform(0.5, 3.0) + rng.normal(scale=0.1, size=7)  # n sometimes the larger
        library_agrees(relative_error(a, n), evaluate(formula, a, n), "relative_error")
        library_agrees(relative_error(n, a), evaluate(formula, n, a), "relative_error, swapped")
    assert (GOOD, WRONG) == (1e-7, 1e-2)
    assert [verdict(e) for e in (GOOD, GOOD * 1.01, WRONG, WRONG * 1.01)] == ["good", "fair", "poor", "wrong"]


# ------------------------------------------------------------------ the rows


@dataclass
class Row:
    cells: tuple[str, ...]
    formula: Any
    wrong: tuple[Any, ...]
    check: Callable[[Any], None]


def _norm(v):
    return float(np.linalg.norm(v))


ROWS: dict[str, Row] = {
    # ---- the chain rule
    "chain": Row(
        (r"A chain $y(t(x))$: $dy/dx = (dy/dt)\,(dt/dx)$, with $dy/dt$ taken at $t(x)$",),
        lambda dy, dt, t, x: dy(t(x)) * dt(x),
        (lambda dy, dt, t, x: dy(x) * dt(x),  # dy/dt taken at x, not at t(x)
         lambda dy, dt, t, x: dy(t(x)) + dt(x)),
        check_chain),
    "paths": Row(
        (r"Many paths, $y(a(x), b(x))$: $dy/dx = (\partial y/\partial a)\,(da/dx) + (\partial y/\partial b)\,(db/dx)$; "
         r"in general, add up the product of the local derivatives along every path",),
        lambda dy_da, dy_db, da_dx, db_dx: dy_da * da_dx + dy_db * db_dx,
        (lambda dy_da, dy_db, da_dx, db_dx: dy_da * da_dx,  # one path only
         lambda dy_da, dy_db, da_dx, db_dx: dy_da * da_dx * dy_db * db_dx),
        check_paths),
    "backward-step": Row(
        (r"A backward pass, at every node, for each of its inputs: $\text{input.grad} \mathrel{+}= "
         r"(\partial\,\text{node}/\partial\,\text{input}) \cdot \text{node.grad}$",),
        lambda input_grad, local, node_grad: input_grad + local * node_grad,
        (lambda input_grad, local, node_grad: local * node_grad,),  # = instead of +=
        check_backward_step),
    "directional": Row(
        (r"Gradient $\nabla f = (\partial f/\partial x_1, \dots, \partial f/\partial x_n)$; the slope along a "
         r"unit vector $\mathbf{u}$ is $D_{\mathbf{u}} f = \nabla f \cdot \mathbf{u}$",),
        lambda grad, u: grad @ u,
        (lambda grad, u: grad[0] * u[0], lambda grad, u: _norm(grad)),
        check_directional),
    # ---- scalar operations
    "add": Row((r"$y = a + b$", r"$\partial y/\partial a = 1$, $\partial y/\partial b = 1$"),
               lambda a, b: (1.0, 1.0), (lambda a, b: (1.0, -1.0), lambda a, b: (b, a)), scalar_check("add")),
    "sub": Row((r"$y = a - b$", r"$\partial y/\partial a = 1$, $\partial y/\partial b = -1$"),
               lambda a, b: (1.0, -1.0), (lambda a, b: (1.0, 1.0),), scalar_check("sub")),
    "mul": Row((r"$y = a\,b$", r"$\partial y/\partial a = b$, $\partial y/\partial b = a$"),
               lambda a, b: (b, a), (lambda a, b: (a, b),), scalar_check("mul")),
    "div": Row((r"$y = a / b$", r"$\partial y/\partial a = 1/b$, $\partial y/\partial b = -a/b^2$"),
               lambda a, b: (1 / b, -a / b ** 2), (lambda a, b: (1 / b, a / b ** 2), lambda a, b: (1 / b, -1 / b ** 2)),
               scalar_check("div")),
    "pow": Row((r"$y = a^n$", r"$dy/da = n\,a^{n-1}$"),
               lambda a, n: n * a ** (n - 1), (lambda a, n: n * a ** n, lambda a, n: (n - 1) * a ** (n - 1)), check_pow),
    "neg": Row((r"$y = -a$", r"$dy/da = -1$"), lambda a: -1.0, (lambda a: 1.0,), scalar_check("neg")),
    "exp": Row((r"$y = e^a$", r"$dy/da = e^a = y$"), lambda a: math.exp(a), (lambda a: a * math.exp(a - 1),),
               scalar_check("exp")),
    "log": Row((r"$y = \ln a$", r"$dy/da = 1/a$"), lambda a: 1 / a, (lambda a: math.log(a), lambda a: -1 / a ** 2),
               scalar_check("log")),
    "max": Row((r"$y = \max(a, b)$", r"$1$ for the larger input, $0$ for the other"),
               lambda a, b: (1.0, 0.0) if a > b else (0.0, 1.0),
               (lambda a, b: (1.0, 1.0), lambda a, b: (0.5, 0.5), lambda a, b: (0.0, 1.0) if a > b else (1.0, 0.0)),
               scalar_check("max")),
    # ---- activations: (the function, its derivative)
    "sigmoid": Row(
        (r"$\sigma(x) = \dfrac{1}{1 + e^{-x}}$", r"$\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)$, at most $1/4$"),
        (_sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x))),
        ((_sigmoid, lambda x: 1 - _sigmoid(x) ** 2), (lambda x: 1 / (1 + np.exp(x)), lambda x: _sigmoid(x) * (1 - _sigmoid(x)))),
        check_sigmoid),
    "tanh": Row(
        (r"$\tanh x$", r"$\tanh'(x) = 1 - \tanh^2 x$, at most $1$"),
        (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
        ((np.tanh, lambda x: 1 - np.tanh(x)), (np.tanh, lambda x: np.tanh(x) * (1 - np.tanh(x)))),
        check_tanh),
    "relu": Row(
        (r"$\operatorname{relu}(x) = \max(0, x)$",
         r"$\operatorname{relu}'(x) = 1$ for $x > 0$, $0$ for $x < 0$ (the library uses $0$ at $0$)"),
        (lambda x: np.maximum(0.0, x), lambda x: (np.asarray(x) > 0).astype(float)),
        ((lambda x: np.maximum(0.0, x), lambda x: (np.asarray(x) >= 0).astype(float)),  # 1 at the kink
         (lambda x: np.maximum(0.0, x), lambda x: np.maximum(0.0, x))),
        check_relu),
    # ---- errors and losses
    "line": Row(
        (r"A line's error $E = \sum_i e_i^2$, residuals $e_i = m x_i + c - y_i$",
         r"$\partial E/\partial m = 2 \sum_i e_i\, x_i$, $\partial E/\partial c = 2 \sum_i e_i$"),
        lambda m, c, x, y: (2 * np.sum((m * x + c - y) * x), 2 * np.sum(m * x + c - y)),
        (lambda m, c, x, y: (np.sum((m * x + c - y) * x), np.sum(m * x + c - y)),  # the 2 forgotten
         lambda m, c, x, y: (2 * np.sum(m * x + c - y), 2 * np.sum((m * x + c - y) * x))),
        check_line),
    "squared-error": Row(
        (r"One output $o$, target $y$: $E = (o - y)^2$", r"$\partial E/\partial o = 2\,(o - y)$"),
        lambda o, y: 2 * (o - y), (lambda o, y: 2 * (y - o), lambda o, y: o - y), check_squared_error),
    "mse": Row(
        (r"Mean squared error, $P$ and $T$ both $N \times K$: $L = \frac{1}{NK} \sum_{n,k} (P_{nk} - T_{nk})^2$",
         r"$\partial L/\partial P = \frac{2}{NK}\,(P - T)$, $N \times K$"),
        (lambda P, T: np.sum((P - T) ** 2) / P.size, lambda P, T: 2 / P.size * (P - T)),
        ((lambda P, T: np.sum((P - T) ** 2) / P.size, lambda P, T: 2 / len(P) * (P - T)),  # 1/N for 1/(NK)
         (lambda P, T: np.sum((P - T) ** 2) / len(P), lambda P, T: 2 / len(P) * (P - T))),
        check_mse),
    "softmax": Row(
        (r"The softmax of scores $z_1, \dots, z_C$: $p_i = e^{z_i} / \sum_c e^{z_c}$",
         r"$\partial p_i/\partial z_k = p_i\,\bigl([i = k] - p_k\bigr)$"),
        lambda p: p[:, None] * (np.eye(len(p)) - p[None, :]),
        (lambda p: np.diag(p),  # the -p_i p_k forgotten
         lambda p: p[:, None] * (np.eye(len(p)) - p[:, None]),  # p_i for p_k
         lambda p: p[:, None] * np.eye(len(p)) - p[None, :]),
        check_softmax),
    "cross-entropy": Row(
        (r"One sample, right class $y$: $\ell = -\log p_y = \log \sum_c e^{z_c} - z_y$",
         r"$\partial \ell/\partial z_k = p_k - [k = y]$"),
        lambda z, y: (np.exp(z) / np.exp(z).sum(), np.log(np.exp(z).sum()) - z[y],
                      np.exp(z) / np.exp(z).sum() - _onehot(y, len(z))),
        (lambda z, y: (np.exp(z) / np.exp(z).sum(), np.log(np.exp(z).sum()) - z[y], np.exp(z) / np.exp(z).sum()),
         lambda z, y: (np.exp(z) / np.exp(z).sum(), np.log(np.exp(z).sum()) - z[y],
                       _onehot(y, len(z)) - np.exp(z) / np.exp(z).sum())),
        check_cross_entropy),
    "softmax-cross-entropy": Row(
        (r"Softmax cross-entropy of a batch, scores $Z$: $N \times C$, labels $y$: $N$, "
         r"$L = \frac{1}{N} \sum_n \ell_n$",
         r"$\partial L/\partial Z = \frac{1}{N}\,\bigl(P - \operatorname{onehot}(y)\bigr)$, $N \times C$, "
         r"with $P$ the softmax of each row of $Z$"),
        (lambda Z, y: np.mean(np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(len(Z)), y]),
         lambda Z, y: (softmax(Z) - _onehot(y, Z.shape[1])) / len(Z)),
        ((lambda Z, y: np.mean(np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(len(Z)), y]),
          lambda Z, y: softmax(Z) - _onehot(y, Z.shape[1])),  # the 1/N forgotten
         (lambda Z, y: np.mean(np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(len(Z)), y]),
          lambda Z, y: (softmax(Z) - _onehot(y, Z.shape[1])) / Z.size)),
        check_softmax_cross_entropy),
    # ---- chapter 6's two neurons
    "neuron": Row(
        (r"A neuron $u = w\,x + b$: $\partial u/\partial w = x$, $\partial u/\partial b = 1$, "
         r"$\partial u/\partial x = w$",),
        lambda w, b, x: (x, 1.0, w), (lambda w, b, x: (w, 1.0, x), lambda w, b, x: (x, b, w)), check_neuron),
    "output-neuron": Row(
        (r"Output neuron: $\partial E/\partial w_{21} = (\partial E/\partial o_1)\, h_1$, "
         r"$\partial E/\partial w_{22} = \partial E/\partial o_1$",),
        lambda v: (v.dE_do1 * v.h1, v.dE_do1),
        (lambda v: (v.dE_do1 * v.w21, v.dE_do1), lambda v: (v.dE_do1 * v.h1, v.dE_do1 * v.h1)),
        lambda formula: _check_two_neuron_rows(formula, ("w21", "w22"))),
    "hidden-output": Row(
        (r"Down to the hidden neuron: $\partial E/\partial h_1 = (\partial E/\partial o_1)\, w_{21}$",),
        lambda v: v.dE_do1 * v.w21, (lambda v: v.dE_do1 * v.h1, lambda v: v.dE_do1 * v.w11),
        lambda formula: _check_two_neuron_rows(formula, ("h1",))),
    "hidden-neuron": Row(
        (r"Hidden neuron: $\partial E/\partial w_{11} = (\partial E/\partial h_1)\, x$, "
         r"$\partial E/\partial w_{12} = \partial E/\partial h_1$",),
        lambda v: (v.dE_dh1 * v.x, v.dE_dh1),
        (lambda v: (v.dE_do1 * v.x, v.dE_do1), lambda v: (v.dE_dh1 * v.w11, v.dE_dh1)),
        lambda formula: _check_two_neuron_rows(formula, ("w11", "w12"))),
    # ---- a layer on a batch
    "linear-forward": Row(
        (r"$Y = X W + \mathbf{b}$", r"${(N \times d)}{(d \times k)} + k \to {N \times k}$"),
        lambda X, W, b: X @ W + b, (lambda X, W, b: X @ W, lambda X, W, b: X @ W.T + b), check_linear_forward),
    "linear-weight": Row(
        (r"$\partial L/\partial W = X^\top G$", r"${(d \times N)}{(N \times k)} \to {d \times k}$"),
        lambda X, G: X.T @ G,
        (lambda X, G: G.T @ X, lambda X, G: X @ G, lambda X, G: X.T @ G / len(X)),
        lambda formula: _check_linear_backward(formula, "weight")),
    "linear-bias": Row(
        (r"$\partial L/\partial \mathbf{b} = \mathbf{1}^\top G$, the sum of the rows of $G$",
         r"${(1 \times N)}{(N \times k)} \to k$"),
        lambda G: np.ones(len(G)) @ G,
        (lambda G: G[0], lambda G: G.sum(axis=1), lambda G: G.mean(axis=0)),  # chapter 8's forgotten sum
        lambda formula: _check_linear_backward(formula, "bias")),
    "linear-input": Row(
        (r"$\partial L/\partial X = G W^\top$", r"${(N \times k)}{(k \times d)} \to {N \times d}$"),
        lambda G, W: G @ W.T, (lambda G, W: G @ W, lambda G, W: G @ W.T / len(G)),  # G @ W: chapter 8's exercise 4
        lambda formula: _check_linear_backward(formula, "input")),
    "activation-layer": Row(
        (r"An activation, $A = \sigma(Z)$ number by number: $\partial L/\partial Z = G \odot \sigma'(Z)$, "
         r"with $G = \partial L/\partial A$",
         r"${(N \times d)} \odot {(N \times d)} \to {N \times d}$"),
        lambda G, slope: G * slope, (lambda G, slope: G @ slope, lambda G, slope: G), check_activation_layer),
    # ---- the delta recursion
    "delta-start": Row(
        (r"The start, from the softmax cross-entropy: $\delta^L = \frac{1}{N}\,(P - Y)$",
         r"${(N \times d_L)} - {(N \times d_L)} \to {N \times d_L}$"),
        lambda P, Y: (P - Y) / len(P), (lambda P, Y: P - Y, lambda P, Y: (Y - P) / len(P)), check_delta_start),
    "delta-recursion": Row(
        (r"One layer down: $\delta^l = \bigl(\delta^{l+1} (W^{l+1})^\top\bigr) \odot \sigma'(Z^l)$",
         r"${(N \times d_{l+1})}{(d_{l+1} \times d_l)} \odot {(N \times d_l)} \to {N \times d_l}$"),
        lambda delta_next, W_next, slope: (delta_next @ W_next.T) * slope,
        (lambda delta_next, W_next, slope: (delta_next @ W_next) * slope,  # transpose forgotten
         lambda delta_next, W_next, slope: delta_next @ W_next.T,  # the activation's slope forgotten
         lambda delta_next, W_next, slope: (delta_next @ W_next.T) @ slope.T),
        check_delta_recursion),
    "delta-weight": Row(
        (r"The weights: $\partial L/\partial W^l = (A^{l-1})^\top \delta^l$",
         r"${(d_{l-1} \times N)}{(N \times d_l)} \to {d_{l-1} \times d_l}$"),
        lambda A_prev, delta: A_prev.T @ delta,
        (lambda A_prev, delta: delta.T @ A_prev, lambda A_prev, delta: A_prev.T @ delta / len(delta)),
        check_delta_weight),
    "delta-bias": Row(
        (r"The biases: $\partial L/\partial \mathbf{b}^l = \mathbf{1}^\top \delta^l$",
         r"${(1 \times N)}{(N \times d_l)} \to d_l$"),
        lambda delta: np.ones(len(delta)) @ delta, (lambda delta: delta.mean(axis=0), lambda delta: delta[-1]),
        check_delta_bias),
    # ---- optimizers
    "sgd": Row(
        (r"Gradient descent: $w \leftarrow w - \eta\, g$",),
        lambda w, g, lr: w - lr * g, (lambda w, g, lr: w + lr * g, lambda w, g, lr: w - g), check_sgd),
    "momentum": Row(
        (r"Momentum $\mu$: $v \leftarrow \mu v + g$, then $w \leftarrow w - \eta\, v$; $v$ starts at 0",),
        lambda w, v, g, lr, mu: (w - lr * (mu * v + g), mu * v + g),
        (lambda w, v, g, lr, mu: (w - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g),  # a running mean
         lambda w, v, g, lr, mu: (w - lr * g, mu * v + g)),
        check_momentum),
    "adam-means": Row(
        (r"Adam's running means: $m \leftarrow \beta_1 m + (1 - \beta_1)\, g$, "
         r"$s \leftarrow \beta_2 s + (1 - \beta_2)\, g^2$, both starting at 0",),
        lambda m, s, g, b1, b2: (b1 * m + (1 - b1) * g, b2 * s + (1 - b2) * g ** 2),
        (lambda m, s, g, b1, b2: (b1 * m + (1 - b1) * g, b2 * s + (1 - b2) * np.abs(g)),
         lambda m, s, g, b1, b2: (b1 * m + g, b2 * s + g ** 2)),
        check_adam_means),
    "adam-step": Row(
        (r"Adam's step: $w \leftarrow w - \eta\, \hat m / (\sqrt{\hat s} + \epsilon)$, with "
         r"$\hat m = m / (1 - \beta_1^t)$ and $\hat s = s / (1 - \beta_2^t)$",),
        lambda w, m, s, t, lr, b1, b2, eps: w - lr * (m / (1 - b1 ** t)) / (np.sqrt(s / (1 - b2 ** t)) + eps),
        (lambda w, m, s, t, lr, b1, b2, eps: w - lr * m / (np.sqrt(s) + eps),  # no bias correction
         lambda w, m, s, t, lr, b1, b2, eps: w - lr * (m / (1 - b1 ** t)) / (s / (1 - b2 ** t) + eps)),
        check_adam_step),
    # ---- derivatives by numbers
    "forward-difference": Row(
        (r"Forward difference: $f'(x) \approx \bigl(f(x + h) - f(x)\bigr) / h$, error $O(h)$",),
        lambda f, x, h: (f(x + h) - f(x)) / h,
        (lambda f, x, h: (f(x + h) - f(x)) / (2 * h), lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h)),
        check_forward_difference),
    "central-difference": Row(
        (r"Central difference: $f'(x) \approx \bigl(f(x + h) - f(x - h)\bigr) / 2h$, error $O(h^2)$",),
        lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h),
        (lambda f, x, h: (f(x + h) - f(x - h)) / h, lambda f, x, h: (f(x + h) - f(x)) / h),
        check_central_difference),
    "complex-step": Row(
        (r"Complex step: $f'(x) \approx \operatorname{Im} f(x + ih) / h$, for $f$ analytic, with a tiny $h$ "
         r"such as $10^{-20}$",),
        lambda f, x, h: f(complex(x, h)).imag / h,
        (lambda f, x, h: f(complex(x, h)).imag, lambda f, x, h: f(complex(x, h)).real / h),
        check_complex_step),
    "dual": Row(
        (r"Dual numbers (forward mode): with $\varepsilon^2 = 0$, $(a + b\varepsilon)(c + d\varepsilon) = ac + "
         r"(ad + bc)\varepsilon$, and $f(a + b\varepsilon) = f(a) + f'(a)\,b\,\varepsilon$: seeded with $b = 1$, "
         r"one pass carries $f'(a)$ exactly",),
        lambda a, b, c, d: (a * c, a * d + b * c),
        (lambda a, b, c, d: (a * c, b * d), lambda a, b, c, d: (a * c + b * d, a * d + b * c)),
        check_dual),
    "relative-error": Row(
        (r"Gradient check: relative error $\lVert a - n \rVert / \max(\lVert a \rVert, \lVert n \rVert)$ between "
         r"analytic $a$ and numeric $n$; good at most $10^{-7}$, wrong above $10^{-2}$",),
        lambda a, n: _norm(a - n) / max(_norm(a), _norm(n)),
        (lambda a, n: _norm(a - n) / _norm(a), lambda a, n: _norm(a - n) / (_norm(a) + _norm(n))),
        check_relative_error),
}

# ------------------------------------------------------------------ reading the page

MARKER = re.compile(r"\s*<!--\s*check:\s*([a-z0-9-]+)\s*-->\s*")
LINK = re.compile(r"^\[ch\. (\d+)\]\(((\d\d)-[a-z0-9-]+\.md)#([a-z0-9-]+)\)$")


def _cells(line: str) -> list[str]:
    """The cells of a table row; a cell of two lines (``<br>``) counts as two, to keep tables narrow on a phone."""
    return [part.strip() for cell in line.strip().strip("|").split("|") for part in cell.split("<br>")]


def page_rows() -> list[tuple[int, str | None, list[str]]]:
    """``(line number, check ID or None, cells without the marker)`` for every row of every table."""
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.startswith("|"):
            continue
        if re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line.strip()):
            continue  # the separator under a header
        if number < len(lines) and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[number].strip()):
            continue  # a header: the next line is its separator
        ids = MARKER.findall(line)
        rows.append((number, ids[0] if len(ids) == 1 else None, _cells(MARKER.sub(" ", line))))
    return rows


def _anchors(chapter: str) -> set[str]:
    """The ids MkDocs gives the headings of a chapter (the toc extension's default slugify)."""
    anchors = set()
    for line in (DOCS / chapter).read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1)).replace("`", "").replace("*", "")
            anchors.add(slugify(text, "-"))
    return anchors


# ------------------------------------------------------------------ the tests


def test_every_row_on_the_page_is_checked_and_every_check_is_a_row():
    rows = page_rows()
    assert len(rows) >= 40, f"only {len(rows)} rows found on {PAGE.name}"
    unmarked = [number for number, row_id, _ in rows if row_id is None]
    assert not unmarked, f"{PAGE.name}: rows without exactly one '<!-- check: ID -->' marker on lines {unmarked}"
    ids = [row_id for _, row_id, _ in rows]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"{PAGE.name}: check IDs used twice: {duplicates}"
    assert not set(ids) - set(ROWS), f"rows on the page with no check in this file: {sorted(set(ids) - set(ROWS))}"
    assert not set(ROWS) - set(ids), f"checks for rows that are not on the page: {sorted(set(ROWS) - set(ids))}"


@pytest.mark.parametrize("number,row_id,cells", page_rows(), ids=[r[1] or f"line-{r[0]}" for r in page_rows()])
def test_row_shows_the_formula_that_is_checked(number, row_id, cells):
    assert row_id in ROWS, f"line {number}: no check for this row"
    shown = tuple(cells[:-1])
    assert shown == ROWS[row_id].cells, (
        f"{PAGE.name} line {number} ({row_id}) shows\n  {shown}\nbut the test checks\n  {ROWS[row_id].cells}\n"
        "change the formula in ROWS (and its check) together with the page")


@pytest.mark.parametrize("number,row_id,cells", page_rows(), ids=[r[1] or f"line-{r[0]}" for r in page_rows()])
def test_row_links_to_the_chapter_section_that_derives_it(number, row_id, cells):
    link = LINK.match(cells[-1])
    assert link, f"line {number} ({row_id}): the last cell must be a link '[ch. N](NN-name.md#section)', got {cells[-1]!r}"
    chapter_number, path, prefix, anchor = link.groups()
    assert int(chapter_number) == int(prefix), f"line {number}: 'ch. {chapter_number}' links to {path}"
    assert (DOCS / path).is_file(), f"line {number}: no chapter {path}"
    assert anchor in _anchors(path), f"line {number}: {path} has no section #{anchor}"


@pytest.mark.parametrize("row_id", sorted(ROWS))
def test_formula_agrees_with_numeric_derivatives_and_the_library(row_id):
    row = ROWS[row_id]
    row.check(row.formula)


@pytest.mark.parametrize("row_id,k", [(row_id, k) for row_id, row in sorted(ROWS.items()) for k in range(len(row.wrong))],
                         ids=lambda value: str(value))
def test_a_wrong_formula_fails_the_check(row_id, k):
    """A check that would pass anything checks nothing: each wrong version must fail."""
    row = ROWS[row_id]
    with pytest.raises(AssertionError):
        row.check(row.wrong[k])
