"""The scalar autodiff engine of chapter 7: every rule, the graph walk, errors, and random expressions."""

from __future__ import annotations

import math
import re
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from backprop.calculus import partial
from backprop.engine import Value, topological_order, zero_grad
from backprop.twolayer import START, grad_analytic

# ------------------------------------------------------- each operation


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# (name, expression of two Values a and b, a, b, dy/da, dy/db), derivatives written out by hand.
RULES = [
    ("add", lambda a, b: a + b, 1.5, -0.5, 1.0, 1.0),
    ("sub", lambda a, b: a - b, 1.5, -0.5, 1.0, -1.0),
    ("mul", lambda a, b: a * b, 1.5, -0.5, -0.5, 1.5),
    ("div", lambda a, b: a / b, 1.5, -0.5, 1 / -0.5, -1.5 / 0.25),
    ("pow int", lambda a, b: a**3, 1.5, 0.0, 3 * 1.5**2, 0.0),
    ("pow negative", lambda a, b: a**-2, 1.5, 0.0, -2 * 1.5**-3, 0.0),
    ("pow fraction", lambda a, b: a**0.5, 2.25, 0.0, 0.5 / 1.5, 0.0),
    ("pow of negative base", lambda a, b: a**2, -1.5, 0.0, -3.0, 0.0),
    ("neg", lambda a, b: -a, 1.5, 0.0, -1.0, 0.0),
    ("relu positive", lambda a, b: a.relu(), 1.5, 0.0, 1.0, 0.0),
    ("relu negative", lambda a, b: a.relu(), -1.5, 0.0, 0.0, 0.0),
    ("relu at zero", lambda a, b: a.relu(), 0.0, 0.0, 0.0, 0.0),
    ("tanh", lambda a, b: a.tanh(), 0.7, 0.0, 1 - math.tanh(0.7) ** 2, 0.0),
    ("exp", lambda a, b: a.exp(), 0.7, 0.0, math.exp(0.7), 0.0),
    ("log", lambda a, b: a.log(), 0.7, 0.0, 1 / 0.7, 0.0),
    ("sigmoid", lambda a, b: a.sigmoid(), 0.7, 0.0, sigmoid(0.7) * (1 - sigmoid(0.7)), 0.0),
    ("sigmoid negative", lambda a, b: a.sigmoid(), -30.0, 0.0, sigmoid(-30) * (1 - sigmoid(-30)), 0.0),
    ("radd", lambda a, b: 2 + a, 1.5, 0.0, 1.0, 0.0),
    ("rsub", lambda a, b: 2 - a, 1.5, 0.0, -1.0, 0.0),
    ("rmul", lambda a, b: 2 * a, 1.5, 0.0, 2.0, 0.0),
    ("rtruediv", lambda a, b: 2 / a, 1.5, 0.0, -2 / 1.5**2, 0.0),
    ("float on the right", lambda a, b: a * 2.5 - 1 + a / 4, 1.5, 0.0, 2.75, 0.0),
]


@pytest.mark.parametrize(("name", "f", "a0", "b0", "da", "db"), RULES, ids=[r[0] for r in RULES])
def test_each_rule(name, f, a0, b0, da, db):
    a, b = Value(a0), Value(b0)
    y = f(a, b)
    y.backward()
    assert a.grad == pytest.approx(da, rel=1e-12, abs=1e-300)
    assert b.grad == pytest.approx(db, rel=1e-12, abs=1e-300)
    assert y.grad == 1.0


@pytest.mark.parametrize(("name", "f", "a0", "b0", "da", "db"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_against_a_numeric_derivative(name, f, a0, b0, da, db):
    if name == "relu at zero":
        pytest.skip("relu has no derivative at its kink")
    a, b = Value(a0), Value(b0)
    f(a, b).backward()

    def on_numbers(x, y):
        return f(Value(x), Value(y)).data

    assert a.grad == pytest.approx(partial(on_numbers, 0, a0, b0), rel=1e-9, abs=1e-12)
    assert b.grad == pytest.approx(partial(on_numbers, 1, a0, b0), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (lambda v: 2 + v, 5.0),
        (lambda v: 2 - v, -1.0),
        (lambda v: 2 * v, 6.0),
        (lambda v: 6 / v, 2.0),
        (lambda v: -v, -3.0),
        (lambda v: v**2, 9.0),
        (lambda v: np.float64(2.0) * v, 6.0),
    ],
)
def test_forward_values(expression, expected):
    result = expression(Value(3.0))
    assert isinstance(result, Value)
    assert result.data == expected


def test_function_values():
    assert Value(-2.0).relu().data == 0.0
    assert Value(2.0).relu().data == 2.0
    assert Value(0.5).tanh().data == math.tanh(0.5)
    assert Value(0.5).exp().data == math.exp(0.5)
    assert Value(0.5).log().data == math.log(0.5)
    assert Value(-800.0).sigmoid().data == 0.0  # no overflow on the far left
    assert Value(800.0).sigmoid().data == 1.0
    assert Value(0.0).sigmoid().data == 0.5


def test_interface_matches_micrograd():
    v = Value(2)
    assert v.data == 2.0 and isinstance(v.data, float) and v.grad == 0.0
    assert repr(v) == "Value(data=2.0, grad=0.0)"
    assert not hasattr(v, "__dict__"), "Value must use __slots__"
    v.data -= 0.5  # micrograd's training loop updates .data in place
    assert v.data == 1.5


# -------------------------------------------------------------- the graph


def test_node_used_twice_in_one_operation():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0
    a.grad = 0.0
    (a + a).backward()
    assert a.grad == 2.0


def test_node_used_along_several_paths():
    a, b = Value(2.0), Value(-1.5)
    c = a * b
    d = c + a  # a reaches d directly and through c
    e = d * c  # c reaches e directly and through d
    e.backward()
    # e = (ab + a) ab = a^2 b^2 + a^2 b
    assert a.grad == pytest.approx(2 * 2.0 * 1.5**2 + 2 * 2.0 * -1.5)
    assert b.grad == pytest.approx(2 * 2.0**2 * -1.5 + 2.0**2)
    assert c.grad == pytest.approx(2 * c.data + a.data)


def test_backward_twice_doubles_the_leaves_and_recomputes_the_rest():
    a, b = Value(2.0), Value(-3.0)
    inner = a * b + a
    y = inner.tanh()
    y.backward()
    first = (a.grad, b.grad, inner.grad, y.grad)
    y.backward()
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])  # leaves accumulate
    assert (inner.grad, y.grad) == first[2:]  # intermediate nodes are fresh each pass


def test_leaf_gradients_accumulate_until_zero_grad():
    a = Value(2.0)
    a.grad = 99.0
    (a * 3).backward()
    assert a.grad == 102.0
    zero_grad([a])
    (a * 3).backward()
    assert a.grad == 3.0


def test_two_outputs_sharing_a_leaf_add_up():
    # w feeds two outputs, each back-propagated once: the leaf collects both.
    w = Value(1.5)
    (w * 1.0).backward()
    (w * 2.0).backward()
    assert w.grad == 3.0  # d(w)/dw + d(2w)/dw


def test_tied_weight_used_in_two_places_collects_both_contributions():
    w, x = Value(0.5), Value(2.0)
    h = (w * x).tanh()
    y = w * h  # the same weight in the first and the second "layer"
    y.backward()
    t = math.tanh(0.5 * 2.0)
    assert w.grad == pytest.approx(t + 0.5 * (1 - t * t) * 2.0, rel=1e-15)


def test_backward_of_a_leaf_adds_one():
    a = Value(4.0)
    a.backward()
    a.backward()
    assert a.grad == 2.0


def test_zero_grad_checks_its_argument():
    v = Value(1.0)
    v.grad = 5.0
    zero_grad(v)  # a single Value is accepted too
    assert v.grad == 0.0
    with pytest.raises(TypeError, match=r"values\[1\] must be a Value, got float"):
        zero_grad([v, 1.0])
    for values, shown in (("ab", "str 'ab'"), (b"ab", "bytes b'ab'"), (5, "int 5")):
        with pytest.raises(TypeError, match=rf"^values must be a Value or a list of Values, got {shown}$"):
            zero_grad(values)


def test_an_integer_too_large_for_a_float_is_refused_naming_its_type():
    with pytest.raises(ValueError, match=r"must be a finite number, got a int too large for a float$"):
        Value(10**400)


def test_topological_order_lists_inputs_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    assert order[-1] is e
    assert len(order) == len({id(node) for node in order}) == 5
    index = {id(node): i for i, node in enumerate(order)}
    for node in order:
        for child in node._prev:
            assert index[id(child)] < index[id(node)]


def test_a_100000_deep_chain():
    depth = 100_000
    assert depth > 10 * sys.getrecursionlimit()
    x = Value(0.5)
    y = x
    for i in range(depth):
        y = y * 1.00001 if i % 2 == 0 else y - 0.00001
    y.backward()
    assert x.grad == pytest.approx(1.00001 ** (depth // 2), rel=1e-9)
    assert len(topological_order(y)) == 2 * depth + 1  # operations, constants and x


def test_sum_of_outputs():
    a = Value(2.0)
    outputs = [a * 1, a * 2, a * 3]
    sum(outputs).backward()
    assert a.grad == 6.0


def test_two_neuron_network_equals_the_analytic_gradient():
    x0, y0 = 1.2739, 7.4194
    w = [Value(v) for v in START]
    h1 = w[0] * x0 + w[1]
    o1 = w[2] * h1 + w[3]
    ((o1 - y0) ** 2).backward()
    assert tuple(v.grad for v in w) == grad_analytic(START, x0, y0)


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Value("3"), TypeError, "Value data must be a real number, got str '3'"),
        (lambda: Value(None), TypeError, "Value data must be a real number, got NoneType None"),
        (lambda: Value(True), TypeError, "Value data must be a real number, got bool True"),
        (lambda: Value([1.0, 2.0]), TypeError, r"got list \[1.0, 2.0\]"),
        (lambda: Value(np.array([1.0, 2.0])), TypeError, r"got ndarray of shape \(2,\)"),
        (lambda: Value(float("nan")), ValueError, "Value data must be a finite number, got nan"),
        (lambda: Value(float("inf")), ValueError, "Value data must be a finite number, got inf"),
        (lambda: Value(1.0) + "a", TypeError, "the other operand of '\\+' must be a Value or a real number, got str 'a'"),
        (lambda: "a" + Value(1.0), TypeError, "the other operand of '\\+' .* got str 'a'"),
        (lambda: Value(1.0) * None, TypeError, "the other operand of '\\*' .* got NoneType None"),
        (lambda: None - Value(1.0), TypeError, "the other operand of '-' .* got NoneType None"),
        (lambda: Value(1.0) / [2], TypeError, r"the other operand of '/' .* got list \[2\]"),
        (lambda: Value(1.0) + float("nan"), ValueError, "the other operand of '\\+' must be a finite number, got nan"),
        (lambda: Value(2.0) ** Value(2.0), TypeError, "the exponent of \\*\\* must be a number, not a Value"),
        (lambda: Value(2.0) ** "2", TypeError, "the exponent of \\*\\* must be a real number, got str '2'"),
        (lambda: Value(-8.0) ** 0.5, ValueError, r"negative base \(-8.0\) to the fractional power 0.5"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, "0.0 cannot be raised to the negative power -1.0"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, r"the divisor is Value\(data=0.0"),
        (lambda: 1 / Value(0.0), ZeroDivisionError, r"the divisor is Value\(data=0.0"),
        (lambda: Value(-1.0).log(), ValueError, r"log needs a positive number, got Value\(data=-1.0"),
        (lambda: Value(0.0).log(), ValueError, r"log needs a positive number, got Value\(data=0.0"),
        (lambda: Value(1000.0).exp(), ValueError, r"exp\(1000.0\) is too large"),
        (lambda: Value(1e200) * 1e200, ValueError, r"the result of '\*' on 1e\+200, 1e\+200 is not a finite number"),
        (lambda: Value(1e200) ** 2, ValueError, r"1e\+200 \*\* 2.0 is too large"),
        (lambda: topological_order(3.0), TypeError, "root must be a Value, got float 3.0"),
    ],
)
def test_bad_operands_raise_naming_the_operand(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_infinite_gradient_is_an_error_not_nan():
    x = Value(0.0)
    y = x**0.5
    assert y.data == 0.0  # the forward value is fine
    with pytest.raises(ValueError, match=r"gradient with respect to Value\(data=0.0.* is not finite"):
        y.backward()


# ------------------------------------------- random expressions (hypothesis)

UNARY = ("neg", "tanh", "sigmoid", "exp", "relu", "log", "square", "cube", "sqrt")
BINARY = ("+", "-", "*", "/")


class Reject(Exception):
    """The expression is too close to a kink, a pole or an overflow to compare numerically."""


def _float_unary(op, x):
    if op in ("log", "sqrt") and x < 0.05:
        raise Reject
    if op == "relu" and abs(x) < 1e-3:
        raise Reject
    return {
        "neg": lambda: -x,
        "tanh": lambda: math.tanh(x),
        "sigmoid": lambda: sigmoid(x),
        "exp": lambda: math.exp(x),
        "relu": lambda: max(x, 0.0),
        "log": lambda: math.log(x),
        "square": lambda: x * x,
        "cube": lambda: x * x * x,
        "sqrt": lambda: math.sqrt(x),
    }[op]()


def _value_unary(op, v):
    v = v if isinstance(v, Value) else Value(v)
    return {
        "neg": lambda: -v,
        "tanh": v.tanh,
        "sigmoid": v.sigmoid,
        "exp": v.exp,
        "relu": v.relu,
        "log": v.log,
        "square": lambda: v**2,
        "cube": lambda: v**3,
        "sqrt": lambda: v**0.5,
    }[op]()


def _binary(op, a, b):
    if op == "/" and abs(b.data if isinstance(b, Value) else b) < 0.1:
        raise Reject
    return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b}[op]()


def evaluate(expr, leaves, unary):
    """Evaluate an expression tree; ``leaves`` are the variables (floats or Values)."""
    op = expr[0]
    if op == "var":
        return leaves[expr[1]]
    if op == "const":
        return expr[1]  # a plain number: exercises the mixed and reflected operators
    if op in BINARY:
        result = _binary(op, evaluate(expr[1], leaves, unary), evaluate(expr[2], leaves, unary))
    else:
        result = unary(op, evaluate(expr[1], leaves, unary))
    data = result.data if isinstance(result, Value) else result
    if not abs(data) < 1e3:
        raise Reject
    return result


def on_floats(expr):
    def f(*xs):
        return evaluate(expr, xs, _float_unary)

    return f


leaf = st.one_of(
    st.tuples(st.just("var"), st.integers(0, 2)),
    st.tuples(st.just("const"), st.floats(-2.0, 2.0, allow_nan=False).map(lambda c: round(c, 3))),
)
expressions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(UNARY), inner),
        st.tuples(st.sampled_from(BINARY), inner, inner),
    ),
    max_leaves=10,
)
points = st.tuples(*[st.floats(-2.0, 2.0, allow_nan=False)] * 3)


@settings(max_examples=300, deadline=None)
@given(expressions, points)
def test_random_expressions_match_central_differences(expr, point):
    try:
        on_floats(expr)(*point)  # rejects kinks, poles and overflows
        leaves = [Value(x) for x in point]
        y = evaluate(expr, leaves, _value_unary)
    except (Reject, OverflowError, ValueError, ZeroDivisionError):
        assume(False)
    assume(isinstance(y, Value))
    assert y.data == pytest.approx(on_floats(expr)(*point), rel=1e-12, abs=1e-12)
    y.backward()
    for i, leaf_value in enumerate(leaves):
        try:
            numeric = partial(on_floats(expr), i, *point, method="central")
        except (Reject, OverflowError, ValueError):
            assume(False)
        scale = 1.0 + abs(y.data)
        assert leaf_value.grad == pytest.approx(numeric, rel=1e-4, abs=1e-5 * scale), (expr, i)


@settings(max_examples=100, deadline=None)
@given(expressions, points)
def test_random_expressions_backward_is_repeatable(expr, point):
    leaves = [Value(x) for x in point]
    try:
        y = evaluate(expr, leaves, _value_unary)
        assume(isinstance(y, Value))
        y.backward()
    except (Reject, ValueError, ZeroDivisionError):
        assume(False)
    first = [v.grad for v in leaves]
    y.backward()
    # Leaves accumulate: g + (the same contributions again), 2g up to rounding.
    assert [v.grad for v in leaves] == pytest.approx([2 * g for g in first], rel=1e-9, abs=1e-6)
    zero_grad(leaves)
    y.backward()
    assert [v.grad for v in leaves] == first  # cleared, the same gradients again


# ------------------------------------ pinned by mutation testing (make mutation)


@pytest.mark.parametrize(
    ("make", "op"),
    [
        (lambda a, b: a + b, "+"),
        (lambda a, b: a - b, "-"),
        (lambda a, b: a * b, "*"),
        (lambda a, b: a / b, "/"),
        (lambda a, b: 2.0 * a, "*"),
        (lambda a, b: 2.0 / a, "/"),
        (lambda a, b: 2.0 - a, "-"),
        (lambda a, b: 2.0 + a, "+"),
        (lambda a, b: a**2, "**2"),
        (lambda a, b: a**0.5, "**0.5"),
        (lambda a, b: -a, "neg"),
        (lambda a, b: a.relu(), "relu"),
        (lambda a, b: a.tanh(), "tanh"),
        (lambda a, b: a.exp(), "exp"),
        (lambda a, b: a.log(), "log"),
        (lambda a, b: a.sigmoid(), "sigmoid"),
    ],
)
def test_each_node_records_its_operation(make, op):
    """The operation's name is what chapter 7's graph drawings print for a node."""
    assert make(Value(1.5), Value(-0.5))._op == op


def test_a_leaf_has_no_operation_and_an_empty_label():
    v = Value(1.0)
    assert v._op == ""
    assert v.label == ""
    assert Value(1.0, label="w").label == "w"
    assert (v + v).label == ""


@pytest.mark.parametrize(
    ("expression", "op"),
    [
        (lambda v: v + "x", "+"),
        (lambda v: v - "x", "-"),
        (lambda v: v * "x", "*"),
        (lambda v: v / "x", "/"),
        (lambda v: "x" + v, "+"),
        (lambda v: "x" - v, "-"),
        (lambda v: "x" * v, "*"),
        (lambda v: "x" / v, "/"),
    ],
)
def test_an_operand_error_names_the_operator(expression, op):
    with pytest.raises(TypeError, match=rf"^the other operand of '{re.escape(op)}' must be a Value or a real number, got str 'x'$"):
        expression(Value(2.0))


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
def test_a_non_finite_operand_error_names_the_operator(op):
    with pytest.raises(ValueError, match=rf"^the other operand of '{re.escape(op)}' must be a finite number, got nan$"):
        {"+": lambda v: v + math.nan, "-": lambda v: v - math.nan,
         "*": lambda v: v * math.nan, "/": lambda v: v / math.nan}[op](Value(2.0))


def test_a_non_finite_float_is_named_in_the_error():
    for bad in (math.nan, math.inf, -math.inf, np.float64("nan")):
        with pytest.raises(ValueError, match=rf"^Value data must be a finite number, got {re.escape(repr(float(bad)))}$"):
            Value(bad)


def test_the_error_for_an_overflowing_result_names_the_operation():
    with pytest.raises(ValueError, match=r"^the result of '\*' on 1e\+300, 1e\+300 is not a finite number \(got inf\)$"):
        Value(1e300) * Value(1e300)


def test_the_error_for_a_value_exponent_says_what_to_write():
    with pytest.raises(TypeError) as info:
        Value(2.0) ** Value(3.0)
    assert str(info.value) == (
        "the exponent of ** must be a number, not a Value "
        "(for a Value exponent write (exponent * base.log()).exp())"
    )


def test_the_error_for_an_infinite_slope_explains_it():
    x = Value(0.0)
    with pytest.raises(ValueError) as info:
        (x**0.5).backward()
    assert str(info.value) == (
        "the gradient with respect to Value(data=0.0, grad=inf) is not finite: an operation "
        "using it has no finite derivative here (for example x ** 0.5 at x = 0)"
    )


@pytest.mark.parametrize(("x", "n", "data", "grad"), [
    (0.0, 0, 1.0, 0.0),     # 0 ** 0 is 1, a constant: no ZeroDivisionError, slope 0
    (2.0, 0, 1.0, 0.0),
    (-3.0, 0.0, 1.0, 0.0),
    (2.0, 1, 2.0, 1.0),     # x ** 1 is x: slope 1
    (0.0, 1, 0.0, 1.0),
    (-3.0, 1.0, -3.0, 1.0),
    (0.0, 2, 0.0, 0.0),
])
def test_pow_with_exponents_zero_and_one(x, n, data, grad):
    v = Value(x)
    y = v**n
    assert y.data == data
    y.backward()
    assert v.grad == grad


@pytest.mark.parametrize(("x", "data", "grad"), [
    (0.5, 0.5, 1.0),        # between 0 and 1: the identity, slope 1
    (0.999, 0.999, 1.0),
    (1.0, 1.0, 1.0),
    (0.0, 0.0, 0.0),
    (-0.5, 0.0, 0.0),
])
def test_relu_between_zero_and_one(x, data, grad):
    v = Value(x)
    y = v.relu()
    assert y.data == data
    y.backward()
    assert v.grad == grad


def test_relu_of_negative_zero_is_positive_zero():
    assert repr(Value(-0.0).relu()) == "Value(data=0.0, grad=0.0)"


@pytest.mark.parametrize("x", [0.0, 0.3, 0.9, 1.0, 2.5, 40.0])
def test_sigmoid_of_a_non_negative_number_is_one_over_one_plus_exp_minus_x(x):
    """For x >= 0 the sigmoid is computed as 1 / (1 + exp(-x)), bit for bit."""
    assert Value(x).sigmoid().data == 1.0 / (1.0 + math.exp(-x))


@pytest.mark.parametrize("x", [-0.3, -0.9, -2.5, -40.0, -800.0])
def test_sigmoid_of_a_negative_number_is_exp_x_over_one_plus_exp_x(x):
    z = math.exp(x)
    assert Value(x).sigmoid().data == z / (1.0 + z)
