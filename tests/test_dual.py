"""Dual numbers, forward mode (chapter 7): every rule, against the complex step and against ``Value``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop.calculus import derivative
from backprop.dual import Dual, forward_derivative, forward_gradient
from backprop.engine import Value
from tests.test_engine import RULES as ENGINE_RULES
from tests.test_engine import sigmoid

#: A power-of-two step: dividing by it is exact, so the complex step gives forward mode's digits.
H = 2.0**-70


# Chapter 7's table of rules for Value (tests/test_engine.py): a Dual obeys every one
# of them, plus a power of zero and an input used twice.
RULES = [
    *ENGINE_RULES,
    ("pow zero", lambda a, b: a**0, 1.5, 0.0, 0.0, 0.0),
    ("a used twice", lambda a, b: a * a + b * a, 1.5, -0.5, 2 * 1.5 - 0.5, 1.5),
]
IDS = [r[0] for r in RULES]


@pytest.mark.parametrize(("name", "f", "a0", "b0", "da", "db"), RULES, ids=IDS)
def test_each_rule(name, f, a0, b0, da, db):
    """One pass per input: seeding a gives dy/da, seeding b gives dy/db."""
    by_a = f(Dual(a0, 1.0), Dual(b0, 0.0))
    by_b = f(Dual(a0, 0.0), Dual(b0, 1.0))
    assert by_a.derivative == pytest.approx(da, rel=1e-12, abs=1e-300)
    assert by_b.derivative == pytest.approx(db, rel=1e-12, abs=1e-300)
    assert by_a.value == by_b.value


@pytest.mark.parametrize(("name", "f", "a0", "b0", "da", "db"), RULES, ids=IDS)
def test_each_rule_against_value(name, f, a0, b0, da, db):
    """The same Python function on Values (reverse mode): the same value, the same gradient."""
    a, b = Value(a0), Value(b0)
    y = f(a, b)
    y.backward()
    by_a = f(Dual(a0, 1.0), Dual(b0, 0.0))
    by_b = f(Dual(a0, 0.0), Dual(b0, 1.0))
    assert by_a.value == y.data  # the same float arithmetic for the value
    assert by_a.derivative == pytest.approx(a.grad, rel=1e-15, abs=1e-300)
    assert by_b.derivative == pytest.approx(b.grad, rel=1e-15, abs=1e-300)


@pytest.mark.parametrize(
    ("name", "f", "x"),
    [
        ("cube", lambda x: x * x * x, 3.0),
        ("reciprocal", lambda x: 1 / x, 0.3),
        ("quintic", lambda x: x * x * x * x * x - 3 * x, 1.7),
        ("quotient", lambda x: (x * x + 1) / (x - 2), 0.7),
        ("nested quotients", lambda x: (x / (1 + x * x) + 2) / (x - 3 / x), 1.3),
        ("powers", lambda x: x**3 - 2 * x**2 + x**-1, 0.9),
    ],
)
def test_complex_step_is_forward_mode_bit_for_bit(name, f, x):
    """With a power-of-two step, Im f(x + ih) / h is exactly what dual numbers compute."""
    assert derivative(f, x, method="complex", h=H) == forward_derivative(f, x)


def test_the_default_complex_step_differs_only_in_the_last_bit():
    cube = lambda x: x * x * x  # noqa: E731
    assert derivative(cube, 3.0, method="complex") == 26.999999999999996  # divided by 1e-20, rounded
    assert forward_derivative(cube, 3.0) == 27.0
    assert math.nextafter(27.0, 0.0) == 26.999999999999996  # one float apart


ARITHMETIC = st.sampled_from(["+", "-", "*", "/", "r-", "r/", "sq"])


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(
    steps=st.lists(st.tuples(ARITHMETIC, st.integers(0, 20), st.floats(0.5, 3.0)), min_size=1, max_size=10),
    x=st.floats(0.5, 2.0),
)
def test_complex_step_and_dual_numbers_agree_on_random_rational_functions(steps, x):
    """Arithmetic only (what the complex step and dual numbers both run): the same float."""

    def f(v):
        terms = [v]
        for op, i, k in steps:
            a = terms[i % len(terms)]
            terms.append({"+": lambda: a + k, "-": lambda: a - v, "*": lambda: a * v, "/": lambda: a / (v + k),
                          "r-": lambda: k - a, "r/": lambda: k / (a * a + 1), "sq": lambda: a * a}[op]())
        return terms[-1]

    try:
        expected = derivative(f, x, method="complex", h=H)
    except (ValueError, ZeroDivisionError):
        with pytest.raises((ValueError, ZeroDivisionError)):
            forward_derivative(f, x)
        return
    got = forward_derivative(f, x)
    # bit for bit, unless a value is so small that the complex step's h**2 term shows
    assert got == expected or abs(got - expected) <= 1e-300 + 1e-12 * abs(expected)


# ------------------------------------------------------------ the one function, both modes


def neuron_loss(w, inputs, targets):
    """Mean squared error of one tanh neuron; the last of w is the bias."""
    total = 0.0
    for x, t in zip(inputs, targets):
        o = sum((wi * xi for wi, xi in zip(w, x)), w[-1]).tanh()
        total = total + (o - t) ** 2
    return total / len(inputs)


def test_forward_gradient_equals_backward_on_a_neuron():
    rng = np.random.default_rng(0)
    inputs, targets = rng.standard_normal((6, 4)).tolist(), rng.uniform(-1, 1, 6).tolist()
    w = rng.standard_normal(5).tolist()
    values = [Value(v) for v in w]
    loss = neuron_loss(values, inputs, targets)
    loss.backward()
    forward = forward_gradient(lambda d: neuron_loss(d, inputs, targets), w)
    assert forward == pytest.approx([v.grad for v in values], rel=1e-13, abs=1e-15)
    assert all(type(g) is float for g in forward)


def test_forward_gradient_takes_one_pass_per_input():
    calls = []

    def f(w):
        calls.append([d.derivative for d in w])
        return w[0] * w[1] + w[2].exp()

    assert forward_gradient(f, [2.0, 3.0, 0.0]) == [3.0, 2.0, 1.0]
    assert calls == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]  # P passes, one seed each


def test_forward_gradient_accepts_arrays_integers_and_nothing():
    assert forward_gradient(lambda w: w[0] * w[1], np.array([2, 5])) == [5.0, 2.0]
    assert forward_gradient(lambda w: w[0] * w[1], (np.float32(2.0), 5)) == [5.0, 2.0]
    from fractions import Fraction

    assert forward_gradient(lambda w: w[0] * w[1], iter([Fraction(1, 2), 4])) == [4.0, 0.5]
    assert forward_gradient(lambda w: 1.0, []) == []
    assert forward_gradient(lambda w: 7, [1.0, 2.0]) == [0.0, 0.0]  # a constant does not depend on w


def test_forward_gradient_passes_duals_with_the_points_values():
    seen = []
    forward_gradient(lambda w: seen.append([d.value for d in w]) or w[0], np.array([1.5, -2.0]))
    assert seen == [[1.5, -2.0], [1.5, -2.0]]
    assert all(type(v) is float for v in seen[0])


def test_forward_derivative_of_several_outputs_in_one_pass():
    calls = []

    def path(eta):  # gradient descent on (x - 3)**2 + 1 from x = 0: every iterate, a function of eta
        calls.append(eta)
        x, iterates = 0.0, []
        for _ in range(4):
            x = x - eta * 2 * (x - 3)
            iterates.append(x)
        return iterates

    got = forward_derivative(path, 0.1)
    assert len(calls) == 1
    assert got == pytest.approx([6 * k * 0.8 ** (k - 1) for k in range(1, 5)], rel=1e-14)
    assert forward_derivative(lambda x: (x, 2.0, x * x), 3.0) == [1.0, 0.0, 6.0]
    assert forward_derivative(lambda x: [], 3.0) == []


def test_forward_derivative_returns_floats_and_seeds_one():
    seen = []
    assert forward_derivative(lambda x: seen.append(x) or x, 2) == 1.0
    assert repr(seen[0]) == "Dual(value=2.0, derivative=1.0)"
    assert forward_derivative(lambda x: 4, 2.0) == 0.0
    assert type(forward_derivative(lambda x: 4, 2.0)) is float


# --------------------------------------------------------------------- the class


def test_repr_and_parts():
    d = Dual(2, -1)
    assert repr(d) == "Dual(value=2.0, derivative=-1.0)"
    assert type(d.value) is float and type(d.derivative) is float
    assert Dual(1.5).derivative == 0.0
    assert Dual(np.float32(0.5), np.int64(3)).derivative == 3.0


def test_slots_keep_a_dual_small():
    d = Dual(1.0)
    assert not hasattr(d, "__dict__")
    with pytest.raises(AttributeError):
        d.grad = 1.0


def test_results_are_new_duals_and_inputs_are_unchanged():
    a, b = Dual(2.0, 1.0), Dual(3.0, 0.5)
    c = a * b
    assert (a.value, a.derivative, b.value, b.derivative) == (2.0, 1.0, 3.0, 0.5)
    assert c is not a and c is not b
    assert type(c) is Dual and type(c.value) is float and type(c.derivative) is float


def test_numpy_scalars_on_either_side():
    d = Dual(2.0, 1.0)
    for result in (np.float64(3.0) * d, d * np.float64(3.0), np.int64(3) * d):
        assert type(result) is Dual
        assert (result.value, result.derivative) == (6.0, 3.0)
    r = np.float64(1.0) - d
    assert (r.value, r.derivative) == (-1.0, -1.0)
    r = np.float64(1.0) / d
    assert (r.value, r.derivative) == (0.5, -0.25)
    r = np.float64(1.0) + d
    assert (r.value, r.derivative) == (3.0, 1.0)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Dual("3"), TypeError, "Dual value must be a real number, got str '3'"),
        (lambda: Dual(None), TypeError, "Dual value must be a real number, got NoneType None"),
        (lambda: Dual(True), TypeError, "Dual value must be a real number, got bool True"),
        (lambda: Dual(1j), TypeError, "Dual value must be a real number, got complex 1j"),
        (lambda: Dual(np.array([1.0, 2.0])), TypeError, "Dual value must be a real number, got ndarray of shape (2,)"),
        (lambda: Dual(math.nan), ValueError, "Dual value must be a finite number, got nan"),
        (lambda: Dual(-math.inf), ValueError, "Dual value must be a finite number, got -inf"),
        (lambda: Dual(10**400), ValueError, "Dual value must be a finite number, got a int too large for a float"),
        (lambda: Dual(1.0, "1"), TypeError, "Dual derivative must be a real number, got str '1'"),
        (lambda: Dual(1.0, math.inf), ValueError, "Dual derivative must be a finite number, got inf"),
        (lambda: Dual(1.0) + "a", TypeError, "the other operand of '+' must be a Dual or a real number, got str 'a'"),
        (lambda: Dual(1.0) - None, TypeError, "the other operand of '-' must be a Dual or a real number, got NoneType"),
        (lambda: Dual(1.0) * True, TypeError, "the other operand of '*' must be a Dual or a real number, got bool"),
        (lambda: Dual(1.0) / [1], TypeError, "the other operand of '/' must be a Dual or a real number, got list"),
        (lambda: "a" + Dual(1.0), TypeError, "the other operand of '+' must be a Dual"),
        (lambda: Dual(1.0) + math.nan, ValueError, "the other operand of '+' must be a finite number, got nan"),
        (lambda: Dual(1.0) * 10**400, ValueError, "the other operand of '*' must be a finite number"),
        (lambda: Dual(1.0) + Value(1.0), TypeError, "got Value Value(data=1.0, grad=0.0)"),
        (lambda: Value(1.0) + Dual(1.0), TypeError, "must be a Value or a real number, got Dual"),
        (lambda: Dual(2.0) ** Dual(2.0), TypeError, "the exponent of ** must be a number, not a Dual"),
        (lambda: Dual(2.0) ** "2", TypeError, "the exponent of ** must be a real number, got str"),
        (lambda: Dual(2.0) ** math.nan, ValueError, "the exponent of ** must be a finite number"),
        (lambda: Dual(0.0) ** -1, ZeroDivisionError, "0.0 cannot be raised to the negative power -1.0"),
        (lambda: Dual(-2.0) ** 0.5, ValueError, "a negative base (-2.0) to the fractional power 0.5 is not a real number"),
        (lambda: Dual(10.0) ** 400, ValueError, "10.0 ** 400.0 is too large for a float"),
        (lambda: Dual(0.0, 1.0) ** 0.5, ValueError, "the derivative of 0.0 ** 0.5 is not finite"),
        (lambda: Dual(0.0, 0.0) ** 0.5, ValueError, "the derivative of 0.0 ** 0.5 is not finite"),
        (lambda: Dual(1.0) / 0, ZeroDivisionError, "division by zero: the divisor is Dual(value=0.0, derivative=0.0)"),
        (lambda: 1 / Dual(0.0, 1.0), ZeroDivisionError, "the divisor is Dual(value=0.0, derivative=1.0)"),
        (lambda: Dual(0.0, 1.0).log(), ValueError, "log needs a positive number, got Dual(value=0.0, derivative=1.0)"),
        (lambda: Dual(-1.0).log(), ValueError, "log needs a positive number"),
        (lambda: Dual(1000.0).exp(), ValueError, "exp(1000.0) is too large for a float"),
        (lambda: Dual(1e200) * Dual(1e200), ValueError,
         "the value of '*' on Dual(value=1e+200, derivative=0.0), Dual(value=1e+200, derivative=0.0) "
         "is not a finite number (got inf)"),
        (lambda: Dual(1.0, 1e308) * 10, ValueError,
         "the derivative of '*' on Dual(value=1.0, derivative=1e+308), Dual(value=10.0, derivative=0.0) "
         "is not a finite number (got inf)"),
        (lambda: Dual(1.7e308, 1.0) + Dual(1.7e308, 1.0), ValueError, "the value of '+'"),
        (lambda: Dual(1.0, 1e308) + Dual(1.0, 1e308), ValueError, "the derivative of '+'"),
        (lambda: Dual(1.0, 1e308) - Dual(1.0, -1e308), ValueError, "the derivative of '-'"),
        (lambda: Dual(1.0, 1e308) / 0.5, ValueError, "the derivative of '/'"),
        (lambda: Dual(1.0, 1e308) ** 3, ValueError, "the derivative of '**3'"),
        (lambda: Dual(300.0, 1e300).exp(), ValueError, "the derivative of 'exp'"),
        (lambda: Dual(1e-300, 1e10).log(), ValueError, "the derivative of 'log'"),
    ],
)
def test_refusals_name_the_culprit(make, error, message):
    with pytest.raises(error) as caught:
        make()
    assert message in str(caught.value)


def test_operations_accept_numbers_that_are_not_floats():
    from fractions import Fraction

    d = Dual(1.5, 1.0) * Fraction(1, 2) + np.int8(1)
    assert (d.value, d.derivative) == (1.75, 0.5)
    assert (Dual(2.0, 1.0) ** np.int64(2)).derivative == 4.0
    assert (Dual(4.0, 1.0) ** Fraction(1, 2)).derivative == 0.25


def test_sigmoid_and_tanh_far_out_stay_finite():
    for x in (-800.0, 800.0):
        s = Dual(x, 1.0).sigmoid()
        assert s.value == (0.0 if x < 0 else 1.0) and s.derivative == 0.0
        t = Dual(x, 1.0).tanh()
        assert abs(t.value) == 1.0 and t.derivative == 0.0
    s = Dual(-30.0, 1.0).sigmoid()
    assert s.value == pytest.approx(sigmoid(-30.0), rel=1e-15)
    assert Dual(0.0, 1.0).sigmoid().value == 0.5
    assert Dual(0.0, 1.0).sigmoid().derivative == 0.25


def test_relu_passes_the_derivative_only_when_on():
    assert (Dual(2.0, 3.0).relu().value, Dual(2.0, 3.0).relu().derivative) == (2.0, 3.0)
    assert (Dual(-2.0, 3.0).relu().value, Dual(-2.0, 3.0).relu().derivative) == (0.0, 0.0)
    assert (Dual(0.0, 3.0).relu().value, Dual(0.0, 3.0).relu().derivative) == (0.0, 0.0)


def test_each_operation_scales_the_incoming_derivative():
    """The chain rule: a seed of 3 instead of 1 triples every derivative."""
    for name, f, a0, b0, da, db in RULES:
        one, three = f(Dual(a0, 1.0), Dual(b0, 0.0)), f(Dual(a0, 3.0), Dual(b0, 0.0))
        assert three.derivative == pytest.approx(3 * one.derivative, rel=1e-15, abs=1e-300), name


def test_the_exact_arithmetic_of_each_derivative():
    """The derivative part, written out, to the last bit."""
    a, b = Dual(1.5, 0.25), Dual(-0.5, 2.0)
    assert (a + b).derivative == 2.25 and (a - b).derivative == -1.75
    assert (a * b).derivative == 0.25 * -0.5 + 1.5 * 2.0
    assert (a / b).derivative == (0.25 - 1.5 * (2.0 / -0.5)) / -0.5
    assert (a / b).value == -3.0
    assert (a ** 3).derivative == 3 * 1.5**2 * 0.25
    assert (-a).derivative == -0.25 and (-a).value == -1.5
    assert a.tanh().derivative == (1 - math.tanh(1.5) ** 2) * 0.25
    assert a.exp().derivative == math.exp(1.5) * 0.25
    assert a.log().derivative == 0.25 / 1.5
    s = 1 / (1 + math.exp(-1.5))
    assert a.sigmoid().derivative == s * (1 - s) * 0.25
    z = math.exp(-1.5)
    assert Dual(-1.5, 0.25).sigmoid().value == z / (1 + z)


# ------------------------------------------------------------ helpers refuse bad input


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: forward_derivative(3, 1.0), TypeError, "f must be a callable function, got int 3"),
        (lambda: forward_derivative(lambda x: x, "1"), TypeError, "x must be a real number, got str"),
        (lambda: forward_derivative(lambda x: x, math.inf), ValueError, "x must be a finite number, got inf"),
        (lambda: forward_derivative(lambda x: "a", 1.0), TypeError,
         "f must return a Dual (or a real number, which does not depend on the input), but at x=1.0 it returned str 'a'"),
        (lambda: forward_derivative(lambda x: [x, None], 1.0), TypeError, "at x=1.0, as output 1, it returned NoneType"),
        (lambda: forward_derivative(lambda x: True, 1.0), TypeError, "it returned bool True"),
        (lambda: forward_derivative(lambda x: math.nan, 1.0), ValueError, "what f returned at x=1.0 must be a finite number"),
        (lambda: forward_derivative(lambda x: Value(1.0), 1.0), TypeError, "it returned Value"),
        (lambda: forward_gradient(None, [1.0]), TypeError, "f must be a callable function, got NoneType None"),
        (lambda: forward_gradient(lambda w: w[0], np.ones((1, 2))), ValueError,
         "point must be a flat sequence of numbers, got an array of shape (1, 2)"),
        (lambda: forward_gradient(lambda w: w[0], np.float64(3.0)), ValueError, "got an array of shape ()"),
        (lambda: forward_gradient(lambda w: w[0], [[1.0, 2.0]]), TypeError,
         "point[0] must be a real number, got list [1.0, 2.0]"),
        (lambda: forward_gradient(lambda w: w[0], 3.0), TypeError, "point must be a sequence of real numbers, got float 3.0"),
        (lambda: forward_gradient(lambda w: w[0], "12"), TypeError, "point must be a sequence of real numbers, got str '12'"),
        (lambda: forward_gradient(lambda w: w[0], b"12"), TypeError, "got bytes b'12'"),
        (lambda: forward_gradient(lambda w: w[0], ["a"]), TypeError, "point[0] must be a real number, got str 'a'"),
        (lambda: forward_gradient(lambda w: w[0], [1.0, math.nan]), ValueError, "point[1] must be a finite number, got nan"),
        (lambda: forward_gradient(lambda w: w[0], np.array([1.0, 2.0]) > 0), TypeError, "point[0] must be a real number, got bool"),
        (lambda: forward_gradient(lambda w: w, [1.0]), TypeError,
         "f must return one number for a gradient, but it returned a list of them"),
        (lambda: forward_gradient(lambda w: tuple(w), [1.0]), TypeError, "it returned a tuple of them"),
        (lambda: forward_gradient(lambda w: "x", [1.0, 2.0]), TypeError, "but in pass 0 it returned str 'x'"),
        (lambda: forward_gradient(lambda w: w[0].log(), [1.0, -1.0, 2.0]), None, None),
        (lambda: forward_gradient(lambda w: w[1].log(), [1.0, -1.0]), ValueError, "log needs a positive number"),
    ],
)
def test_helpers_refuse_bad_input(call, error, message):
    if error is None:
        assert call() == [1.0, 0.0, 0.0]
        return
    with pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)


def test_forward_gradient_names_the_pass_that_returned_junk():
    def f(w):
        return w[0] if w[0].derivative == 1.0 else "junk"

    with pytest.raises(TypeError, match="in pass 1 it returned str 'junk'"):
        forward_gradient(f, [1.0, 2.0])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Dual(1.7e308, 1.0) + Dual(1.7e308, 2.0),
         "the value of '+' on Dual(value=1.7e+308, derivative=1.0), Dual(value=1.7e+308, derivative=2.0) "
         "is not a finite number (got inf)"),
        (lambda: Dual(1.0, 1.7e308) - Dual(2.0, -1.7e308),
         "the derivative of '-' on Dual(value=1.0, derivative=1.7e+308), Dual(value=2.0, derivative=-1.7e+308) "
         "is not a finite number (got inf)"),
        (lambda: Dual(1.0, 1e308) / Dual(0.5, 0.0),
         "the derivative of '/' on Dual(value=1.0, derivative=1e+308), Dual(value=0.5, derivative=0.0) "
         "is not a finite number (got inf)"),
        (lambda: Dual(300.0, 1e300).exp(),
         "the derivative of 'exp' on Dual(value=300.0, derivative=1e+300) is not a finite number (got inf)"),
        (lambda: Dual(1e-300, 1e10).log(),
         "the derivative of 'log' on Dual(value=1e-300, derivative=10000000000.0) is not a finite number (got inf)"),
        (lambda: Dual(2.0, 1e308) ** 2,
         "the derivative of '**2' on Dual(value=2.0, derivative=1e+308) is not a finite number (got inf)"),
        (lambda: Dual(2.0) ** Dual(2.0),
         "the exponent of ** must be a number, not a Dual (for a Dual exponent write (exponent * base.log()).exp())"),
        (lambda: Dual(0.0, 1.0) ** 0.5,
         "the derivative of 0.0 ** 0.5 is not finite (a vertical slope), so it has no derivative there"),
        (lambda: "a" * Dual(1.0), "the other operand of '*' must be a Dual or a real number, got str 'a'"),
        (lambda: "a" - Dual(1.0), "the other operand of '-' must be a Dual or a real number, got str 'a'"),
        (lambda: "a" / Dual(1.0), "the other operand of '/' must be a Dual or a real number, got str 'a'"),
    ],
)
def test_full_messages(make, message):
    with pytest.raises((ValueError, TypeError)) as caught:
        make()
    assert str(caught.value) == message


def test_powers_zero_and_one():
    p = Dual(0.0, 1.0) ** 0
    assert (p.value, p.derivative) == (1.0, 0.0)
    p = Dual(2.0, 3.0) ** 0
    assert (p.value, p.derivative) == (1.0, 0.0)
    p = Dual(2.0, 3.0) ** 1
    assert (p.value, p.derivative) == (2.0, 3.0)
    p = Dual(0.0, 3.0) ** 1
    assert (p.value, p.derivative) == (0.0, 3.0)


def test_relu_near_its_kink():
    r = Dual(-0.0, 1.0).relu()
    assert math.copysign(1.0, r.value) == 1.0 and (r.value, r.derivative) == (0.0, 0.0)  # +0.0, as Value gives
    r = Dual(0.5, 2.0).relu()
    assert (r.value, r.derivative) == (0.5, 2.0)


def test_sigmoid_uses_the_formula_of_value_on_each_side():
    for x in (2e-5, 0.5, -2e-5, -0.5):
        assert Dual(x, 1.0).sigmoid().value == Value(x).sigmoid().data
    assert Dual(2e-5).sigmoid().value == 1.0 / (1.0 + math.exp(-2e-5))  # not exp(x) / (1 + exp(x))
