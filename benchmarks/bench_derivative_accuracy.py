"""Accuracy of numeric derivatives: how many digits each method gets right.

A fixed set of functions with known derivatives, each at several points.
For every method, the relative error ``|estimate - exact| / |exact|`` at every
point, its maximum and median, and how many evaluations of ``f`` one
derivative costs:

- the source tutorial's forward difference with step ``1e-12``;
- the forward difference with the rule-of-thumb step ``sqrt(eps) * max(1, |x|)``
  and with the best step in hindsight (the one of ``1e-1 ... 1e-15`` that
  happened to be closest to the exact answer, which no real computation knows);
- the same two for the central difference (step ``eps ** (1/3) * max(1, |x|)``);
- the complex step, ``Im f(x + 1e-20 i) / 1e-20``;
- ``backprop.calculus.derivative(f, x)`` with its default method.

Target: ``backprop.calculus.derivative`` within a relative error of 1e-9 at
every point.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_derivative_accuracy.py``.
"""

from __future__ import annotations

import _common  # noqa: F401  (before NumPy: thread settings)

import math
import statistics

NAME = "derivative_accuracy"


def functions():
    """``(name, f, f', points)``; every ``f`` also accepts complex input."""
    import numpy as np

    def squire_trapp(x):  # the classic complex-step test function (Squire and Trapp, 1998)
        return np.exp(x) / np.sqrt(np.sin(x) ** 3 + np.cos(x) ** 3)

    def squire_trapp_prime(x):
        s, c = np.sin(x), np.cos(x)
        g = s**3 + c**3
        return squire_trapp(x) * (1 - (3 * s * s * c - 3 * c * c * s) / (2 * g))

    return [
        ("sin x", np.sin, np.cos, [0.5, 1.0, 3.0, 10.0]),
        ("exp x", np.exp, np.exp, [-2.0, 0.5, 5.0, 20.0]),
        ("log x", np.log, lambda x: 1 / x, [0.01, 0.5, 3.0, 100.0]),
        ("sqrt x", np.sqrt, lambda x: 0.5 / np.sqrt(x), [0.01, 1.0, 50.0]),
        ("tanh x", np.tanh, lambda x: 1 - np.tanh(x) ** 2, [0.1, 1.0, 3.0]),
        ("x^3", lambda x: x * x * x, lambda x: 3 * x * x, [0.1, 2.5, -3.0]),
        ("1/x", lambda x: 1 / x, lambda x: -1 / (x * x), [0.3, -2.0, 10.0]),
        ("x^5 - 3x", lambda x: x**5 - 3 * x, lambda x: 5 * x**4 - 3, [1.7, -0.5]),
        ("1/(1+25x^2)", lambda x: 1 / (1 + 25 * x * x),
         lambda x: -50 * x / (1 + 25 * x * x) ** 2, [0.2, -0.7]),
        ("e^x/sqrt(sin^3+cos^3)", squire_trapp, squire_trapp_prime, [0.5, 1.5]),
    ]


def source_diff(f, x):
    """The source tutorial's forward difference, exactly as it wrote it."""
    delta = 0.000000000001
    y = f(x)
    x1 = x + delta
    y1 = f(x1)
    return (y1 - y) / (x1 - x)


def fixed_step(kind, h):
    """A forward or central difference with the step ``h`` (made representable)."""
    def estimate(f, x):
        if kind == "forward":
            x1 = x + h
            return (f(x1) - f(x)) / (x1 - x)
        x1, x0 = x + h, x - h
        return (f(x1) - f(x0)) / (x1 - x0)
    return estimate


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    threads = _common.set_threads(args.threads)
    import numpy as np

    from booktools.benchmarks_report import accuracy_table, accuracy_verdict
    from backprop.calculus import derivative

    steps = [10.0**-k for k in range(1, 16)]
    methods = {
        "source, h = 1e-12": lambda f, x: source_diff(f, x),
        "forward, h = sqrt(eps)": lambda f, x: derivative(f, x, method="forward"),
        "forward, best h in hindsight": "hindsight-forward",
        "central, h = eps^(1/3)": lambda f, x: derivative(f, x, method="central"),
        "central, best h in hindsight": "hindsight-central",
        "complex step": lambda f, x: derivative(f, x, method="complex"),
        "derivative() default": lambda f, x: derivative(f, x),
    }
    rows = []
    for method, estimate in methods.items():
        points = []
        for name, f, f_prime, xs in functions():
            for x in xs:
                calls = [0]

                def counted(t, f=f):
                    calls[0] += 1
                    return f(t)

                exact = float(f_prime(x))
                if isinstance(estimate, str):  # best of many steps, judged by the exact answer
                    kind = estimate.split("-")[1]
                    with np.errstate(all="ignore"):  # steps that leave f's domain give nan
                        errors = [abs(float(fixed_step(kind, h)(f, x)) - exact) / abs(exact)
                                  for h in steps]
                    errors = [e if math.isfinite(e) else math.inf for e in errors]
                    best = min(range(len(steps)), key=errors.__getitem__)
                    error, evaluations, step = errors[best], 2, steps[best]
                else:
                    value = float(estimate(counted, x))
                    error, evaluations, step = abs(value - exact) / abs(exact), calls[0], None
                points.append({"function": name, "x": x, "exact": exact,
                               "relative_error": error, "evaluations": evaluations,
                               **({"best_step": step} if step is not None else {})})
        errors = [p["relative_error"] for p in points]
        rows.append({
            "method": method,
            "max_relative_error": max(errors),
            "median_relative_error": statistics.median(errors),
            "mean_evaluations": statistics.fmean(p["evaluations"] for p in points),
            "points": points,
        })
    payload = {
        "benchmark": NAME,
        "title": "Accuracy of numeric derivatives",
        "command": "make bench  (or: .venv/bin/python benchmarks/bench_derivative_accuracy.py)",
        "machine": _common.machine(threads),
        "settings": {"functions": [name for name, *_ in functions()],
                     "points": sum(len(xs) for *_, xs in functions()),
                     "hindsight_steps": "1e-1 ... 1e-15"},
        "results": rows,
    }
    _common.finish(NAME, payload, args, accuracy_table(payload), accuracy_verdict(payload))


if __name__ == "__main__":
    main()
