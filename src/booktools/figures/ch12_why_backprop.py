"""Figures of chapter 12: the measured cost of a gradient, and the other benchmarks.

The timing figures are drawn from the results that ``make bench`` wrote to
``benchmarks/results/*.json`` (read with :mod:`booktools.benchmarks_report`):
nothing here times anything, so the site build stays fast and the same
results always give the same bytes. The memory figure is the exception: the
bytes a forward pass keeps are exact and the same on every run, so they are
measured as the figure is drawn (:mod:`booktools.memory`, in about a second).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from backprop.nn import Sequential

from booktools.benchmarks_report import TARGETS, load
from booktools.figures import figure
from booktools.memory import bytes_kept, network, parameter_bytes, stored_bytes
from booktools.figures._style import (
    BACKPROP_LIGHT, GREY, INK, LIGHT_GREY, METHODS, TARGET, fold, new_figure, phone_text,
)

BACKPROP, FORWARD, CENTRAL, TORCH = (METHODS[k] for k in ("backprop", "forward", "central", "pytorch"))
FLOOR = LIGHT_GREY


def method_colour(name: str) -> str:
    """The colour of a row of the derivative-accuracy benchmark, by the method it runs.

    >>> method_colour("central, h = eps^(1/3)") == METHODS["central"]
    True
    >>> method_colour("source, h = 1e-12") == METHODS["forward"]
    True
    """
    if name == "derivative() default":
        return METHODS["richardson"]
    if name.startswith("source"):  # the source tutorial's forward difference, h = 1e-12
        return METHODS["forward"]
    if name.startswith("complex"):
        return METHODS["complex"]
    method = name.split(",")[0]
    if method not in METHODS:
        raise ValueError(f"name must be a row of the derivative-accuracy benchmark, got {name!r}")
    return METHODS[method]


@figure("ch12-gradient-cost.svg", narrow=True)
def gradient_cost(narrow: bool = False) -> Figure:
    """Cost of one gradient in forward passes (left) and in seconds (right), against P."""
    result = load("gradient_cost")
    rows = result["results"]
    P = np.array([r["parameters"] for r in rows], dtype=float)
    ratio = np.array([r["ratio"] for r in rows])
    t_forward = np.array([r["forward"]["median_s"] for r in rows])
    t_backprop = np.array([r["forward_backward"]["median_s"] for r in rows])

    fig, (passes, seconds) = new_figure(10.0, 4.2, ncols=2, narrow=narrow, panel_height=4.4)
    line = np.geomspace(P.min(), P.max(), 50)
    passes.plot(line, line + 1, color=FORWARD, label="numeric, forward differences: P + 1")
    passes.plot(line, 2 * line, color=CENTRAL, label="numeric, central differences: 2P")
    for kind, color in (("forward", FORWARD), ("central", CENTRAL)):
        done = [r for r in rows if kind in (r.get("numeric") or {})]
        passes.plot([r["parameters"] for r in done],
                    [r["numeric"][kind]["passes_measured"] for r in done],
                    "o", color=color, markeredgecolor=INK, markeredgewidth=0.5,
                    label=f"{kind} differences, run and timed")
    passes.plot(P, ratio, "o-", color=BACKPROP, label="backpropagation, measured")
    passes.axhline(TARGETS["gradient_cost"], color=TARGET, linestyle="--", linewidth=1,
                   label=f"target: {TARGETS['gradient_cost']:g} forward passes")
    passes.set_xscale("log")
    passes.set_yscale("log")
    passes.set_xlabel("parameters P")
    passes.set_ylabel("cost of one gradient (forward passes)")
    passes.set_title("Cost in forward passes")
    passes.legend(fontsize=8, loc="upper left")

    seconds.plot(P, t_forward, "s-", color=GREY, label="one forward pass")
    seconds.plot(P, t_backprop, "o-", color=BACKPROP, label="gradient by backpropagation")
    seconds.plot(P, (P + 1) * t_forward, "--", color=FORWARD,
                 label="gradient by forward differences (P + 1 passes)")
    for r in rows:
        if "forward" in (r.get("numeric") or {}):
            seconds.plot(r["parameters"], r["numeric"]["forward"]["time_s"], "o", color=FORWARD,
                         markeredgecolor=INK, markeredgewidth=0.5)
    for label, value in (("1 second", 1.0), ("1 hour", 3600.0)):
        seconds.axhline(value, color=INK, linewidth=0.6, alpha=0.4)
        seconds.annotate(label, (P.max(), value), xytext=(-2, -10), textcoords="offset points",
                         fontsize=8, alpha=0.7, ha="right")
    seconds.set_xscale("log")
    seconds.set_yscale("log")
    seconds.set_xlabel("parameters P")
    seconds.set_ylabel("seconds")
    seconds.set_title("Time for one gradient (batch of 64)")
    seconds.legend(fontsize=8, loc="upper left")
    if narrow:
        passes.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2))  # clear of the dots
        for text in (*passes.get_legend().get_texts(), *seconds.get_legend().get_texts()):
            text.set_text(fold(text.get_text(), 30))
        passes.set_ylabel("cost of one gradient\n(forward passes)")
        return phone_text(fig)
    return fig


@figure("ch12-derivative-accuracy.svg", narrow=True)
def derivative_accuracy(narrow: bool = False) -> Figure:
    """Relative error of every method at every test point, on a log scale."""
    result = load("derivative_accuracy")
    rows = result["results"]
    floor = 1e-17  # exact answers (error 0) are drawn here
    fig, ax = new_figure(8.0, 4.2, narrow=narrow, panel_height=6.0)
    for i, row in enumerate(rows):
        errors = np.array([p["relative_error"] for p in row["points"]])
        shown = np.maximum(errors, floor)
        jitter = np.linspace(-0.25, 0.25, len(shown))
        ax.plot(shown, i + jitter, "o", color=method_colour(row["method"]), alpha=0.7, markersize=4)
        ax.plot([row["max_relative_error"]] * 2, [i - 0.35, i + 0.35], color=INK, linewidth=1.5)
    # on a phone the two notes take a row each, and each method's name sits above its dots
    ax.axvline(TARGETS["derivative_accuracy"], color=TARGET, linestyle="--", linewidth=1)
    ax.annotate(f"target {TARGETS['derivative_accuracy']:.0e}",
                (TARGETS["derivative_accuracy"], -0.95 if narrow else -0.9),
                xytext=(3, 0), textcoords="offset points", fontsize=8, color=TARGET)
    ax.axvline(2.0**-52, color=INK, linestyle=":", linewidth=1)
    ax.annotate("machine epsilon", (2.0**-52, -1.5 if narrow else -0.9), xytext=(3, 0),
                textcoords="offset points", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlim(floor / 3, 1.0)
    ax.set_ylim(len(rows) - 0.5, -1.2)
    ax.set_yticks(range(len(rows)), [r["method"] for r in rows])
    ax.set_xlabel("relative error (points at 1e-17 are exact; bars mark each method's largest)")
    ax.set_title(f"{result['settings']['points']} derivatives of "
                 f"{len(result['settings']['functions'])} functions")
    if narrow:
        ax.set_ylim(len(rows) - 0.5, -1.9)
        ax.set_yticks([])
        for i, row in enumerate(rows):
            ax.text(floor / 2, i - 0.36, row["method"], ha="left", va="bottom", fontsize=9, color=INK)
        ax.set_xlabel(fold(ax.get_xlabel(), 34))
        ax.set_xticks([1e-16, 1e-12, 1e-8, 1e-4, 1])
        return phone_text(fig)
    return fig


@figure("ch12-torch.svg", narrow=True)
def torch_speed(narrow: bool = False) -> Figure:
    """Median time per training epoch of backprop.nn and PyTorch, and of the matrix products alone."""
    result = load("torch")
    rows = result["results"] + ([result["floor"]] if "floor" in result else [])
    fig, ax = new_figure(7.0, 3.1, narrow=narrow, panel_height=3.6)
    names = [r["implementation"] for r in rows]
    times = np.array([r["epoch"]["median_s"] for r in rows]) * 1e3
    colors = [BACKPROP if name.startswith("backprop") else TORCH if name.startswith("PyTorch")
              else FLOOR for name in names]
    bars = ax.barh(range(len(rows)), times, color=colors)
    ax.bar_label(bars, [f"{t:.1f} ms" for t in times], padding=3, fontsize=9)
    reference = next(r for r in rows if r["implementation"] == "PyTorch float64")
    target = TARGETS["torch"] * reference["epoch"]["median_s"] * 1e3
    ax.axvline(target, color=TARGET, linestyle="--", linewidth=1)
    ax.annotate(f"target: {TARGETS['torch']:g} x PyTorch float64", (target, -0.5),
                xytext=(3, 2), textcoords="offset points", fontsize=8, color=TARGET, va="bottom")
    ax.set_yticks(range(len(rows)), names)
    ax.set_ylim(len(rows) - 0.5, -0.9)
    ax.set_xlim(0, times.max() * 1.25)
    ax.set_xlabel(f"time per epoch, ms ({result['settings']['batches_per_epoch']} batches of "
                  f"{result['settings']['batch']}; median of {result['settings']['epochs_timed']})")
    ax.grid(axis="y", visible=False)
    if narrow:
        ax.set_xlabel(fold(ax.get_xlabel(), 30))
        ax.set_yticks(range(len(rows)), [fold(name, 16) for name in names])
        ax.set_xlim(0, times.max() * 1.45)  # room for the bar labels, which grow on a phone
        return phone_text(fig)
    return fig


@figure("ch12-engine.svg", narrow=True)
def engine_speed(narrow: bool = False) -> Figure:
    """One forward + backward of the scalar MLP in each engine, garbage collector on and off."""
    result = load("engine")
    rows = result["results"]
    fig, ax = new_figure(7.0, 2.8, narrow=narrow, panel_height=3.4)
    keys = (("forward_backward", "garbage collector on (normal)"),
            ("forward_backward_gc_off", "garbage collector off"))
    height = 0.38
    for k, (key, label) in enumerate(keys):
        times = np.array([r[key]["median_s"] for r in rows]) * 1e3
        positions = np.arange(len(rows)) + (k - 0.5) * height
        bars = ax.barh(positions, times, height=height, label=label,
                       color=BACKPROP if k == 0 else BACKPROP_LIGHT)
        ax.bar_label(bars, [f"{t:.0f} ms" for t in times], padding=3, fontsize=9)
    ax.set_yticks(range(len(rows)), [r["engine"] for r in rows])
    ax.invert_yaxis()
    longest = max(r[key]["median_s"] for r in rows for key, _ in keys) * 1e3
    ax.set_xlim(0, longest * 1.2)
    ax.set_xlabel(f"one forward + backward, ms ({rows[0]['nodes']:,} nodes)")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="y", visible=False)
    if narrow:
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.32))  # clear of the bars' labels
        ax.set_xlim(0, longest * 1.45)  # room for the bar labels, which grow on a phone
        ax.set_xlabel(fold(ax.get_xlabel(), 30))
        return phone_text(fig)
    return fig


#: The memory figure's networks: 64 inputs, hidden layers of 256, 10 outputs.
MEMORY_DEPTHS = tuple(range(1, 33))
MEMORY_BATCHES = tuple(2**k for k in range(11))  # 1 to 1024
MEMORY_BATCH, MEMORY_DEPTH = 64, 32  # the batch of the depth panel, the depth of the batch panel


def memory_measurements() -> dict[str, list[tuple[int, int, int, int]]]:
    """``(x, measured bytes, formula bytes, weight bytes)`` against depth (batch 64) and batch (depth 32).

    The shallower networks are the first layers of the deepest one, with its
    output layer: the same shapes as ``network(depth)``, without drawing
    millions of random weights again for each.
    """
    rng = np.random.default_rng(0)
    deepest = network(max(MEMORY_DEPTHS))
    by_depth = []
    for depth in MEMORY_DEPTHS:
        model = Sequential(*deepest.layers[: 2 * depth], deepest.layers[-1])
        x = rng.standard_normal((MEMORY_BATCH, 64))
        by_depth.append((depth, bytes_kept(lambda: model(x)), stored_bytes(model, MEMORY_BATCH),
                         parameter_bytes(model)))
    model = Sequential(*deepest.layers[: 2 * MEMORY_DEPTH], deepest.layers[-1])
    by_batch = []
    for batch in MEMORY_BATCHES:
        x = rng.standard_normal((batch, 64))
        by_batch.append((batch, bytes_kept(lambda: model(x)), stored_bytes(model, batch),
                         parameter_bytes(model)))
    return {"depth": by_depth, "batch": by_batch}


@figure("ch12-memory.svg", narrow=True)
def memory(narrow: bool = False) -> Figure:
    """Bytes a forward pass keeps for backward, against depth and against batch size, with the formula."""
    measured = memory_measurements()
    MB = 1e6
    fig, (deep, wide) = new_figure(10.0, 4.2, ncols=2, narrow=narrow, panel_height=4.0)

    depth, kept, _, weights = (np.array(c) for c in zip(*measured["depth"]))
    line = np.linspace(0, depth.max(), 2)
    deep.plot(line, 8 * MEMORY_BATCH * (64 + 2 * 256 * line) / MB, color=INK, linewidth=1,
              label="formula: 8 N (64 + 2 × 256 L) bytes")
    deep.plot(depth, kept / MB, "o", color=BACKPROP, markersize=4, label="measured (tracemalloc)")
    deep.plot(depth, weights / MB, "--", color=GREY, label="the weights (parameter values)")
    deep.set_xlim(0, depth.max() + 1)
    deep.set_ylim(0, None)
    deep.set_xlabel("hidden layers L (width 256)")
    deep.set_ylabel("MB kept for the backward pass")
    deep.set_title(f"Against depth (batch N = {MEMORY_BATCH})")
    deep.legend(fontsize=8, loc="upper left")

    batch, kept, _, weights = (np.array(c) for c in zip(*measured["batch"]))
    line = np.geomspace(batch.min(), batch.max(), 2)
    wide.plot(line, 8 * line * (64 + 2 * 256 * MEMORY_DEPTH) / MB, color=INK, linewidth=1,
              label=f"formula: 8 N (64 + 2 × 256 × {MEMORY_DEPTH}) bytes")
    wide.plot(batch, kept / MB, "o", color=BACKPROP, markersize=4, label="measured (tracemalloc)")
    wide.axhline(weights[0] / MB, color=GREY, linestyle="--",
                 label="the weights (parameter values)")
    wide.set_xscale("log", base=2)
    wide.set_xticks(batch[::2], [f"{b:,}" for b in batch[::2]])
    wide.set_yscale("log")
    wide.set_xlabel("batch size N")
    wide.set_ylabel("MB kept for the backward pass")
    wide.set_title(f"Against batch size (L = {MEMORY_DEPTH} hidden layers)")
    wide.legend(fontsize=8, loc="upper left")
    if narrow:
        for ax in (deep, wide):
            ax.set_title(fold(ax.get_title(), 36))
            for text in ax.get_legend().get_texts():
                text.set_text(fold(text.get_text(), 32))
        return phone_text(fig)
    return fig
