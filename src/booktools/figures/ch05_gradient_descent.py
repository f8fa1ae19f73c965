"""Figures of chapter 5: a line fitted to noisy data by gradient descent.

Every figure is drawn from the same runs the chapter prints: the data of
``noisy_line(100, seed=0)`` and :func:`backprop.descent.fit_line` with the
chapter's settings.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from backprop.datasets import noisy_line
from backprop.descent import DivergenceError, LineFit, error, fit_line, least_squares
from booktools.figures import STYLE, figure
from booktools.figures._style import CMAPS, DATA, FIT, INK, METHODS, NARROW_WIDTH, TRUE, phone_text

NUMERIC, ANALYTIC = METHODS["numeric"], METHODS["backprop"]

#: The chapter's three learning rates: too small, about right, too large.
RATES = {0.0001: "too small", 0.001: "about right", 0.005: "too large"}


@lru_cache(maxsize=None)
def data() -> tuple[np.ndarray, np.ndarray]:
    """The chapter's data, flattened to 1-D."""
    X, y = noisy_line(100, seed=0)
    return X.ravel(), y.ravel()


@lru_cache(maxsize=None)
def run(learning_rate: float = 0.001, method: str = "analytic") -> tuple[LineFit, int | None]:
    """A 100-step run from the chapter's start, and the iteration it diverged at (or None)."""
    x, y = data()
    try:
        return fit_line(x, y, learning_rate=learning_rate, method=method), None
    except DivergenceError as diverged:
        return diverged.fit, diverged.iteration


def error_grid(ms: np.ndarray, cs: np.ndarray) -> np.ndarray:
    """E(m, c) on a grid, computed from the sums the quadratic needs."""
    x, y = data()
    M, C = np.meshgrid(ms, cs)
    n, Sx, Sy, Sxx, Sxy, Syy = len(x), x.sum(), y.sum(), x @ x, x @ y, y @ y
    return Sxx * M**2 + 2 * Sx * M * C + n * C**2 - 2 * Sxy * M - 2 * Sy * C + Syy


def draw_bowl(ax, m_range=(-0.5, 4.5), c_range=(-0.5, 5.0)) -> None:
    """Contours of E(m, c), spaced evenly on a log scale, and the minimum."""
    ms, cs = np.linspace(*m_range, 121), np.linspace(*c_range, 121)
    E = error_grid(ms, cs)
    levels = np.geomspace(E.min() * 1.05, E.max(), 14)
    ax.contour(ms, cs, E, levels=levels, norm=LogNorm(), cmap=CMAPS["contours"], linewidths=0.8)
    m_best, c_best = least_squares(*data())
    ax.plot(m_best, c_best, "*", color=INK, ms=10, zorder=5, label="least squares")
    ax.set(xlim=m_range, ylim=c_range, xlabel="slope $m$", ylabel="intercept $c$")


def _line_figure(narrow: bool) -> tuple[Figure, object]:
    """One axes: 7 x 3.5 inches on a wide page, a little taller than wide on a phone."""
    fig = Figure(figsize=(NARROW_WIDTH, 3.6) if narrow else (7.0, 3.5), layout="constrained")
    return fig, fig.subplots()


@figure("ch05-data.svg", narrow=True)
def scatter_data(narrow: bool = False) -> Figure:
    """The 100 noisy points and the line they were drawn around."""
    x, y = data()
    fig, ax = _line_figure(narrow)
    ax.scatter(x, y, s=14, color=DATA, label="data: $y = 4 + 3x + 0.3\\,$noise")
    ax.plot([0, 2], [4, 10], "--", color=TRUE, lw=1.2, label="the true line $y = 4 + 3x$")
    ax.set(xlabel="$x$", ylabel="$y$", xlim=(0, 2), title="100 noisy points around a line")
    ax.legend(loc="upper left", fontsize=8)
    return phone_text(fig) if narrow else fig


@figure("ch05-fitted-line.svg", narrow=True)
def fitted_line(narrow: bool = False) -> Figure:
    """The line after 100 steps of gradient descent, over the data."""
    x, y = data()
    fit, _ = run(method="numeric")  # the run the chapter prints
    fig, ax = _line_figure(narrow)
    ax.scatter(x, y, s=14, color=DATA, label="data")
    ax.plot([0, 2], [4, 10], "--", color=TRUE, lw=1.2, label="true line $y = 4 + 3x$")
    ax.plot([0, 2], [fit.c, fit.c + 2 * fit.m], color=FIT, lw=2,
            label=f"fitted: $y = {fit.c:.3f} + {fit.m:.3f}\\,x$")
    ax.set(xlabel="$x$", ylabel="$y$", xlim=(0, 2),
           title="After 100 steps the fitted line\nlies on the true one" if narrow
           else "After 100 steps the fitted line lies on the true one")
    ax.legend(loc="upper left", fontsize=8)
    return phone_text(fig) if narrow else fig


@figure("ch05-error-trace.svg", narrow=True)
def error_trace(narrow: bool = False) -> Figure:
    """Error against iteration, log scale, with the least-squares floor."""
    fit, _ = run(method="numeric")  # the run the chapter prints
    x, y = data()
    floor = error(*least_squares(x, y), x, y)
    fig, ax = _line_figure(narrow)
    ax.semilogy(np.arange(fit.iterations + 1), fit.errors, ".-", color=FIT, ms=4, lw=1,
                label="error $E(m, c)$ after each step")
    ax.axhline(floor, color=INK, ls="--", lw=1,
               label=f"smallest possible error\n(least squares), {floor:.2f}" if narrow
               else f"smallest possible error (least squares), {floor:.2f}")
    ax.set(xlabel="iteration", ylabel="error (log scale)", xlim=(0, fit.iterations),
           title="A fast drop in the first steps,\nthen a slow crawl to the floor" if narrow
           else "A fast drop in the first steps, then a slow crawl to the floor")
    ax.legend(loc="upper right", fontsize=8)
    return phone_text(fig) if narrow else fig


@figure("ch05-error-surface.svg", narrow=True)
def error_surface(narrow: bool = False) -> Figure:
    """Contours of E(m, c) with the numeric and the analytic descent paths."""
    numeric, _ = run(method="numeric")
    analytic, _ = run(method="analytic")
    fig = Figure(figsize=(NARROW_WIDTH, 4.6) if narrow else (6.0, 5.0), layout="constrained")
    ax = fig.subplots()
    draw_bowl(ax)
    ax.plot(analytic.ms, analytic.cs, "-", color=ANALYTIC, lw=5, alpha=0.45,
            solid_capstyle="round", label="path with analytic gradient")
    ax.plot(numeric.ms, numeric.cs, "o-", color=NUMERIC, ms=2.5, lw=1,
            label="path with numeric gradient (a dot per step)")
    ax.annotate("start", (analytic.ms[0], analytic.cs[0]), xytext=(8, -4),
                textcoords="offset points", fontsize=9)
    ax.set_title("Downhill across the contours,\nthen along the valley" if narrow
                 else "Downhill across the contours, then along the valley")
    ax.legend(loc="lower right", fontsize=8)
    return phone_text(fig) if narrow else fig


@figure("ch05-learning-rates.svg", narrow=True)
def learning_rates(narrow: bool = False) -> Figure:
    """Three learning rates side by side: paths on the bowl, and their errors.

    On a phone each rate is a row instead: its path on the left, its errors on the right.
    """
    if narrow:
        fig = Figure(figsize=(NARROW_WIDTH, 8.4), layout="constrained")
        pairs = fig.subplots(3, 2, width_ratios=[1, 1.1])
    else:
        fig = Figure(figsize=(10.5, 6.5), layout="constrained")
        pairs = fig.subplots(2, 3, height_ratios=[1.2, 1]).T
    for column, (rate, verdict) in enumerate(RATES.items()):
        fit, diverged = run(rate)
        top, bottom = pairs[column]
        draw_bowl(top, m_range=(-3.0, 6.0), c_range=(-3.0, 7.0))
        top.plot(fit.ms, fit.cs, ".-", color=FIT, lw=1.2, ms=4)
        top.set_title(f"$\\eta = {rate:g}$: {verdict}")
        bottom.semilogy(np.arange(fit.iterations + 1), fit.errors, ".-", color=FIT, lw=1, ms=3)
        bottom.set(xlabel="iteration", ylim=(5, 2e5), xlim=(0, 100))
        if diverged is None:
            note = f"after 100 steps:\nerror {fit.errors[-1]:.2f}" if narrow else \
                f"after 100 steps: error {fit.errors[-1]:.2f}"
        else:
            note = f"diverged at\niteration {diverged}" if narrow else \
                f"diverged at iteration {diverged}\n(DivergenceError)"
        bottom.text(0.97, 0.93, note, transform=bottom.transAxes, ha="right", va="top",
                    fontsize=9)
        if narrow:
            bottom.set_title(f"error, $\\eta = {rate:g}$")
    if narrow:
        for top, bottom in pairs:
            top.set(xlabel="", ylabel="")
        pairs[-1][0].set(xlabel="slope $m$")
        pairs[1][0].set(ylabel="intercept $c$")
        return phone_text(fig)
    pairs[0][1].set_ylabel("error (log scale)")
    return fig


@figure("ch05-converging.gif")
def converging() -> bytes:
    """An animated GIF: the line after each step, settling onto the data."""
    from PIL import Image
    from matplotlib import rc_context

    x, y = data()
    fit, _ = run(method="numeric")  # the run the chapter prints
    steps = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100]
    frames = []
    with rc_context(STYLE):
        fig = Figure(figsize=(4.8, 3.2), dpi=80, layout="constrained")
        canvas = FigureCanvasAgg(fig)
        ax = fig.subplots()
        ax.scatter(x, y, s=8, color=DATA)
        (line,) = ax.plot([], [], color=FIT, lw=2.5)
        ax.set(xlim=(0, 2), ylim=(0, 12), xlabel="$x$", ylabel="$y$")
        for k in steps:
            m, c = fit.ms[k], fit.cs[k]
            line.set_data([0, 2], [c, c + 2 * m])
            ax.set_title(f"step {k}:  y = {c:.2f} + {m:.2f} x,  error {fit.errors[k]:.1f}",
                         fontsize=9)
            canvas.draw()
            rgb = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
            frames.append(rgb.convert("RGB").quantize(colors=32, dither=Image.Dither.NONE))
    durations = [400] * (len(steps) - 1) + [2000]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:],
                   duration=durations, loop=0)
    return buffer.getvalue()
