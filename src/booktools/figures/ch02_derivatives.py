"""Figures of chapter 2: secants becoming a tangent, and the step-size error curve."""

from __future__ import annotations

import math

import numpy as np

from backprop.calculus import derivative
from booktools.figures import figure
from booktools.figures._style import INK, METHODS, TRUE, fold, new_figure, phone_text


@figure("ch02-secants.svg", narrow=True)
def secants(narrow: bool = False):
    """Secant lines of x**2 through x = 1 for shrinking steps, and the tangent."""
    fig, ax = new_figure(6.0, 4.0, narrow=narrow, panel_height=4.4)
    x = np.linspace(0.0, 3.2, 200)
    ax.plot(x, x * x, color=INK, lw=2, label="$f(x) = x^2$")
    x0 = 1.0
    for h, alpha in [(2.0, 0.45), (1.0, 0.7), (0.5, 1.0)]:
        slope = ((x0 + h) ** 2 - x0**2) / h
        ax.plot(x, x0**2 + slope * (x - x0), color=METHODS["forward"], alpha=alpha, lw=1.5,
                label=f"secant, $h = {h:g}$, slope {slope:g}")
        ax.plot([x0 + h], [(x0 + h) ** 2], "o", color=METHODS["forward"], alpha=alpha)
    ax.plot(x, x0**2 + 2 * x0 * (x - x0), color=TRUE, lw=2, ls="--",
            label="tangent, slope $f'(1) = 2$")
    ax.plot([x0], [x0**2], "o", color=INK)
    title = "As $h$ shrinks, the secant through $x=1$ turns into the tangent"
    ax.set(xlim=(0, 3.2), ylim=(-1, 10), xlabel="$x$", ylabel="$y$", title=fold(title, 40) if narrow else title)
    ax.legend(loc="upper left", fontsize=8)
    return phone_text(fig) if narrow else fig


def relative_errors(f, df, x, steps):
    """Relative error of forward, central and complex-step derivatives for each step."""
    exact = df(x)
    rows = {"forward": [], "central": [], "complex": []}
    for h in steps:
        for method in rows:
            estimate = derivative(f, x, method=method, h=float(h))
            rows[method].append(abs(estimate - exact) / abs(exact))
    return {method: np.array(errors) for method, errors in rows.items()}


@figure("ch02-step-size.svg", narrow=True)
def step_size_error(narrow: bool = False):
    """The V-shaped curve: error of each method against the step size, for sin at x = 1."""
    steps = np.logspace(-15, -1, 141)
    errors = relative_errors(np.sin, np.cos, 1.0, steps)
    floor = 2.0**-53 / 4  # a zero error is drawn at this floor, below machine precision
    fig, ax = new_figure(7.0, 4.5, narrow=narrow, panel_height=5.4)
    labels = {  # on a phone in plain text: mathtext's superscripts would be too small there
        "forward": "forward difference, error ≈ h + ε/h" if narrow
        else "forward difference, error $\\approx h + \\epsilon/h$",
        "central": "central difference, error ≈ h^2 + ε/h" if narrow
        else "central difference, error $\\approx h^2 + \\epsilon/h$",
        "complex": "complex step, no subtraction",
    }
    styles = {"forward": "-", "central": "-", "complex": "--"}
    for method, errs in errors.items():
        ax.loglog(steps, np.maximum(errs, floor), styles[method], marker=".", ms=3, lw=1,
                  color=METHODS[method], label=labels[method],
                  zorder=3 if method == "central" else 2)
    eps = float(np.finfo(float).eps)
    for method, h_best in [("forward", math.sqrt(eps)), ("central", eps ** (1 / 3))]:
        ax.axvline(h_best, color=METHODS[method], ls=":", lw=1)
    ax.axvline(1e-12, color=INK, ls="--", lw=1)
    if narrow:  # plain text here too
        notes = [("the source tutorial's\nstep h = 1e-12", (1e-12, 3e-2), (1e-11, 1e-1)),
                 ("best forward step\nh = √ε ≈ 1.5e-8", (math.sqrt(eps), 1e-9), (3e-15, 1e-14)),
                 ("best central step\nh = ε^(1/3) ≈ 6e-6", (eps ** (1 / 3), 1e-11), (1e-6, 1e-16))]
    else:
        notes = [("the source tutorial's step $10^{-12}$", (1e-12, 3e-2), (4e-15, 3e-1)),
                 ("best forward step\n$\\sqrt{\\epsilon} \\approx 1.5\\times10^{-8}$", (math.sqrt(eps), 1e-9),
                  (1e-10, 1e-13)),
                 ("best central step\n$\\epsilon^{1/3} \\approx 6\\times10^{-6}$", (eps ** (1 / 3), 1e-11),
                  (1e-4, 1e-14))]
    for text, point, where in notes:
        ax.annotate(text, point, xytext=where, fontsize=8, arrowprops={"arrowstyle": "->", "lw": 0.8})
    title = "Too large a step: truncation error. Too small: round-off error."
    ax.set(xlabel="step $h$", ylabel="relative error of $f'(1)$ for $f = \\sin$",
           ylim=(floor / 2, 10), title=fold(title, 36) if narrow else title)
    if narrow:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=8)
        return phone_text(fig)
    ax.legend(loc="lower left", fontsize=8)
    return fig
