"""Chapter 2's explorable: the step size ``h`` of a numeric derivative, from 10⁻¹ to 10⁻¹⁶.

The function and point are those of the static figure ``ch02-step-size.svg``:
``sin`` at ``x = 1``, whose derivative is ``cos 1``. For every step of the
slider, :func:`backprop.calculus.derivative` computes the forward, central and
complex-step estimates; a step the library refuses (the forward difference at
10⁻¹⁶ cannot move ``x`` at all) is shown refused, with the library's message.
"""

from __future__ import annotations

import math

import numpy as np

from backprop.calculus import derivative
from booktools.explorables import explorable, power_of_ten, scientific, sig, spoken_power_of_ten

#: The point, as in the static figure, and the function's name as the page prints it.
X0 = 1.0
METHODS = ("forward", "central", "complex")
LABELS = {"forward": "forward", "central": "central", "complex": "complex step"}
#: Four steps per decade, from 10⁻¹⁶ (the slider's left end) to 10⁻¹ (its right end),
#: each rounded to three digits so that the step printed is the step used.
QUARTER_DECADES = range(-64, -3)
#: The x range of the secant panel.
WINDOW = (0.5, 1.5)


def steps() -> list[float]:
    """The slider's steps, smallest first.

    >>> s = steps()
    >>> len(s), s[0], s[32], s[-1]
    (61, 1e-16, 1e-08, 0.1)
    """
    return [float(f"{10 ** (q / 4):.3g}") for q in QUARTER_DECADES]


def estimates(h: float) -> dict[str, dict]:
    """The three methods' derivative of sin at 1 with step ``h``, and its relative error.

    The estimate is printed in full (``repr``), the error with two digits;
    ``error`` is the error to four digits, for drawing.

    >>> row = estimates(1e-8)["forward"]
    >>> row["estimate"], row["error_text"], row["error"]
    ('0.5403023061819261', '5.8 × 10⁻¹⁰', 5.808e-10)
    >>> estimates(1e-16)["forward"]["refused"]
    'h=1e-16 is too small to change x=1.0'
    """
    exact = math.cos(X0)
    rows = {}
    for method in METHODS:
        try:
            value = derivative(np.sin, X0, method=method, h=h)
        except ValueError as refused:
            rows[method] = {"refused": str(refused)}
            continue
        error = abs(value - exact) / abs(exact)
        rows[method] = {"estimate": repr(value), "error": sig(error), "error_text": scientific(error)}
    return rows


def _line(x_through: float, y_through: float, slope: float) -> list[list[float]]:
    """The line through a point with a slope, from one edge of the window to the other."""
    return [[x, sig(y_through + slope * (x - x_through), 6)] for x in WINDOW]


def _points(xs: list[float]) -> list[list[float]]:
    """Points of sin, to six digits: the ends of a secant, drawn as dots where they are apart."""
    return [[sig(x, 6), sig(math.sin(x), 6)] for x in xs]


@explorable("ch02-step-size")
def step_size() -> dict:
    """Every step's three estimates and errors, the secant lines, and what the axes show."""
    exact = math.cos(X0)
    fx = math.sin(X0)
    rows = []
    for h in steps():
        row = {"h": h, "label": power_of_ten(h), "spoken": spoken_power_of_ten(h),
               "methods": estimates(h), "secants": {}}
        forward, central = row["methods"]["forward"], row["methods"]["central"]
        if "estimate" in forward:  # the secant through (x, f(x)) and (x + h, f(x + h))
            row["secants"]["forward"] = {
                "line": _line(X0, fx, float(forward["estimate"])),
                "points": _points([X0, X0 + h])}
        if "estimate" in central:  # the secant through (x - h, f(x - h)) and (x + h, f(x + h))
            row["secants"]["central"] = {
                "line": _line(X0 + h, math.sin(X0 + h), float(central["estimate"])),
                "points": _points([X0 - h, X0 + h])}
        rows.append(row)
    curve_x = np.linspace(*WINDOW, 41)
    drawn_y = [y for row in rows for secant in row["secants"].values() for _, y in secant["line"]]
    tangent = _line(X0, fx, exact)
    low = min(drawn_y + [y for _, y in tangent] + [math.sin(WINDOW[0])])
    high = max(drawn_y + [y for _, y in tangent] + [math.sin(WINDOW[1])])
    floor = 2.0**-53 / 4  # a zero error is drawn here, below machine precision, as in the static figure
    return {
        "function": "sin", "point": [X0, fx], "exact": exact, "exact_text": repr(exact),
        "methods": list(METHODS), "labels": LABELS,
        "steps": rows, "initial": len(rows) - 1,
        "curve": [[sig(x, 6), sig(math.sin(x), 6)] for x in curve_x],
        "tangent": tangent,
        "window": {"x": list(WINDOW), "y": [math.floor(low * 10) / 10, math.ceil(high * 10) / 10]},
        "floor": floor,
        "axes": {
            "h": [[10.0**-k, power_of_ten(10.0**-k)] for k in (16, 12, 8, 4, 1)],
            "error": [[10.0**-k, power_of_ten(10.0**-k)] for k in (16, 12, 8, 4, 0)],
            "x": [[x, f"{x:g}"] for x in (0.5, 1.0, 1.5)],
            "y": [[y, f"{y:g}"] for y in (0.5, 1.0)],
        },
        # a quarter of a decade beyond the first and last step, so their markers show whole
        "h_range": [rows[0]["h"] / 10**0.25, rows[-1]["h"] * 10**0.25],
        "error_range": [floor / 2, 10.0],
    }
