"""Chapter 5's explorable: the learning rate η, from too small through the stability limit to divergence.

Every run is the chapter's: ``fit_line(X, y, learning_rate=η, iterations=100)``
on ``noisy_line(100, seed=0)``, from the chapter's random start. A run that
diverges is stopped by the library itself (:class:`backprop.descent.DivergenceError`),
and the page shows where and the library's message. The stability limit
``2 / λmax`` is computed as the chapter's note computes it, from the
curvatures of the error bowl.
"""

from __future__ import annotations

import math
import warnings
from functools import lru_cache

import numpy as np

from backprop.datasets import noisy_line
from backprop.descent import DIVERGENCE_FACTOR, DivergenceError, error, fit_line, least_squares
from booktools.explorables import explorable, power_of_ten, scientific, sig

ITERATIONS = 100
#: The slider's learning rates: about ten per decade from 10⁻⁵ to 10⁻², with more
#: stops where the behaviour changes fastest, around the stability limit (about
#: 0.00414). It holds the chapter's three rates (0.0001, 0.001, 0.005), those of
#: its exercise (0.004, 0.0041, 0.0042) and the fastest rate, near 0.0039.
RATES = tuple(sorted(
    {float(f"{m * 10.0**e:.2g}") for e in (-5, -4, -3) for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)}
    | {0.0035, 0.0038, 0.0039, 0.0041, 0.0042, 0.0045, 0.01}
))
#: The contour plot's window, as in the static figure ch05-learning-rates.svg.
WINDOW = {"m": (-3.0, 6.0), "c": (-3.0, 7.0)}


@lru_cache(maxsize=None)
def data() -> tuple[np.ndarray, np.ndarray]:
    """The chapter's data: columns of shape (100, 1)."""
    return noisy_line(100, seed=0)


def curvatures() -> tuple[float, float]:
    """The eigenvalues of the error's Hessian, along the valley and across it (the chapter's note).

    >>> along, across = curvatures()
    >>> f"{along:.1f} {across:.1f} {2 / across:.5f}"
    '30.4 483.6 0.00414'
    """
    X, _ = data()
    H = 2 * np.array([[np.sum(X * X), np.sum(X)], [np.sum(X), len(X)]])
    along, across = np.linalg.eigvalsh(H)
    return float(along), float(across)


def run(rate: float) -> dict:
    """One 100-step run with learning rate ``rate``: its path, errors and what the page prints.

    >>> good = run(0.001)
    >>> good["result"]
    'after 100 steps: m = 3.0227, c = 3.9430, error 8.5332'
    >>> run(0.005)["diverged"]
    4
    """
    X, y = data()
    diverged = message = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = fit_line(X, y, learning_rate=rate, iterations=ITERATIONS)
        except DivergenceError as stopped:
            fit, diverged, message = stopped.fit, stopped.iteration, str(stopped)
    m, c, final_error = float(fit.m), float(fit.c), float(fit.errors[-1])
    if diverged is None:
        result = f"after {fit.iterations} steps: m = {m:.4f}, c = {c:.4f}, error {final_error:.4f}"
    else:
        result = (f"diverged at iteration {diverged}: m = {m:.4f}, c = {c:.4f}, "
                  f"error {scientific(final_error, 4)}")
    return {
        "rate": rate, "label": f"{rate:g}", "spoken": f"learning rate {rate:g}",
        "m": [sig(v) for v in fit.ms], "c": [sig(v) for v in fit.cs], "errors": [sig(v) for v in fit.errors],
        "final": {"m": m, "c": c, "error": final_error}, "start_error": float(fit.errors[0]),
        "diverged": diverged, "message": message, "result": result,
        "warnings": [str(w.message) for w in caught],
    }


def _ellipse(centre: tuple[float, float], H: np.ndarray, rise: float, points: int = 73) -> list:
    """The contour E = E_min + rise of the quadratic bowl E_min + ½ (p - p*)ᵀ H (p - p*)."""
    values, vectors = np.linalg.eigh(H / 2)
    angle = np.linspace(0, 2 * np.pi, points)
    unit = np.stack([np.cos(angle), np.sin(angle)])  # (2, points)
    offsets = vectors @ (np.sqrt(rise / values)[:, None] * unit)  # (2, points)
    return [[sig(centre[0] + dm, 6), sig(centre[1] + dc, 6)] for dm, dc in offsets.T]


@explorable("ch05-learning-rate")
def learning_rate() -> dict:
    """Every rate's run, the stability limit, and the error bowl's contours."""
    X, y = data()
    along, across = curvatures()
    limit = 2 / across
    runs = [run(rate) for rate in RATES]
    for entry in runs:
        side = "below" if entry["rate"] < limit else "above"
        entry["stability"] = f"{side} the stability limit 2/λmax = {limit:.5f}"
    # Where the limit falls between two stops of the slider (log scale between them).
    above = next(i for i, rate in enumerate(RATES) if rate > limit)
    lo, hi = math.log(RATES[above - 1]), math.log(RATES[above])
    limit_at = above - 1 + (math.log(limit) - lo) / (hi - lo)

    best = least_squares(X, y)
    floor = error(*best, X, y)
    H = 2 * np.array([[np.sum(X * X), np.sum(X)], [np.sum(X), len(X)]])
    corners = [error(m, c, X, y) for m in WINDOW["m"] for c in WINDOW["c"]]
    levels = np.geomspace(floor * 1.05, max(corners), 14)
    highest = max(v for entry in runs for v in entry["errors"] if v is not None)
    return {
        "rates": runs,
        "initial": RATES.index(0.001),
        "iterations": ITERATIONS,
        "limit": limit, "limit_text": f"{limit:.5f}", "limit_at": limit_at,
        "curvatures": {"along": along, "across": across},
        "start": [runs[0]["m"][0], runs[0]["c"][0]],
        "least_squares": [sig(best[0], 6), sig(best[1], 6)],
        "floor": floor, "floor_text": f"{floor:.2f}",
        "threshold": DIVERGENCE_FACTOR * runs[0]["start_error"],
        "window": {key: list(value) for key, value in WINDOW.items()},
        "contours": [_ellipse(best, H, level - floor) for level in levels],
        "error_range": [5.0, 10 ** math.ceil(math.log10(highest))],
        "axes": {
            "rate": [[i, power_of_ten(RATES[i])] for i in range(len(RATES))
                     if math.log10(RATES[i]).is_integer()],
            "m": [[v, f"{v:g}"] for v in range(-2, 7, 2)],
            "c": [[v, f"{v:g}"] for v in range(-2, 7, 2)],
            "iteration": [[v, f"{v:g}"] for v in range(0, ITERATIONS + 1, 25)],
            "error": [[10.0**k, power_of_ten(10.0**k)] for k in range(1, 7)],
        },
    }
