"""Read the benchmark results and print them as tables: chapter 12.

The scripts in ``benchmarks/`` (run with ``make bench``) measure the book's
claims and write what they measured, with the machine it ran on, to
``benchmarks/results/<name>.json``. This module reads those files back and
turns them into the tables that the benchmarks print and chapter 12 shows, and
decides whether each target was met, so that no number and no verdict on the
page is typed by hand.

>>> from booktools.benchmarks_report import TARGETS
>>> sorted(TARGETS)
['derivative_accuracy', 'engine', 'forward_mode', 'gradient_cost', 'torch']
>>> format_time(0.000123), format_time(0.0456), format_time(2.5)
('123 µs', '45.6 ms', '2.50 s')
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "RESULTS_DIR",
    "BUNDLED_RESULTS_DIR",
    "TARGETS",
    "load",
    "format_time",
    "table",
    "machine_line",
    "gradient_cost_table",
    "gradient_cost_verdict",
    "accuracy_table",
    "accuracy_verdict",
    "torch_table",
    "torch_verdict",
    "spelling_savings",
    "input_grad_saving",
    "engine_table",
    "engine_speedups",
    "engine_verdict",
    "forward_mode_table",
    "forward_mode_verdict",
]

#: Where ``make bench`` writes the results: ``benchmarks/results`` in the repository.
RESULTS_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "results"
#: Where a copy of the results travels with this module outside the repository:
#: chapter 12's notebook writes this module and its results there (``booktools.notebook``).
BUNDLED_RESULTS_DIR = Path(__file__).resolve().with_name("results")

#: The target of each benchmark:
#:
#: - ``gradient_cost``: forward + backward costs at most this many forward passes;
#: - ``derivative_accuracy``: ``backprop.calculus.derivative``'s largest relative error;
#: - ``torch``: ``backprop.nn``'s time per epoch at most this fraction of PyTorch float64's;
#: - ``engine``: ``backprop.engine`` at least this many times faster than micrograd;
#: - ``forward_mode``: from this many inputs (outputs) on, reverse (forward) mode is
#:   the faster way to a gradient (to the derivatives of every output), chapter 7.
TARGETS: dict[str, float] = {
    "gradient_cost": 3.0,
    "derivative_accuracy": 1e-9,
    "torch": 0.5,
    "engine": 2.0,
    "forward_mode": 8,
}

#: The least fraction of an epoch that a faster spelling of a chapter's
#: formula must save before the library uses it instead of the formula.
SPEED_TRICK = 0.10


def load(name: str, directory: str | Path | None = None) -> dict[str, Any]:
    """Return the results of benchmark ``name`` (a key of :data:`TARGETS`) as a dict.

    ``directory`` defaults to :data:`RESULTS_DIR`, the repository's
    ``benchmarks/results``, or, where that folder does not exist (this module
    copied out of the repository, as chapter 12's notebook does),
    :data:`BUNDLED_RESULTS_DIR`, the folder ``results`` next to this module.

    >>> load("speed of light")
    Traceback (most recent call last):
    ...
    ValueError: name must be one of 'derivative_accuracy', 'engine', 'forward_mode', 'gradient_cost', 'torch', got 'speed of light'
    """
    if name not in TARGETS:
        known = ", ".join(repr(k) for k in sorted(TARGETS))
        raise ValueError(f"name must be one of {known}, got {name!r}")
    if directory is None:
        directory = RESULTS_DIR if RESULTS_DIR.is_dir() else BUNDLED_RESULTS_DIR
    path = Path(directory) / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"no results for benchmark {name!r}: there is no {path}; the results come "
            "with the repository (clone it and work there), or run `make bench` in it "
            "to measure them"
        )
    text = path.read_text(encoding="utf-8")
    result = json.loads(text)
    if not isinstance(result, dict) or result.get("benchmark") != name:
        raise ValueError(f"{path.name} does not hold the results of benchmark {name!r}")
    for key in ("machine", "results", "command"):
        if key not in result:
            raise ValueError(f"{path.name} has no {key!r} entry; rerun `make bench`")
    return result


def format_time(seconds: float) -> str:
    """A duration with three significant digits in µs, ms or s."""
    if seconds < 1e-3:
        value, unit = seconds * 1e6, "µs"
    elif seconds < 1.0:
        value, unit = seconds * 1e3, "ms"
    else:
        value, unit = seconds, "s"
    digits = max(0, 2 - int(math.floor(math.log10(value)))) if value > 0 else 0
    return f"{value:.{digits}f} {unit}"


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], left: int = 1) -> str:
    """Columns padded to a common width: the first ``left`` left-aligned, the rest right-aligned.

    >>> print(table(["name", "value"], [["a", 1], ["bcd", 22]]))
    name  value
    a         1
    bcd      22
    """
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        parts = [c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def machine_line(result: dict[str, Any]) -> str:
    """One line saying what the results were measured on, and when."""
    m = result["machine"]
    cores = m["cores_available"]
    parts = [
        f"{m['cpu']} ({cores} core{'s' if cores != 1 else ''}), {m['os']}",
        f"{m['python']}, NumPy {m['numpy']} ({m['blas']})",
    ]
    if m.get("torch"):
        parts.append(f"PyTorch {m['torch']}")
    if m.get("micrograd"):
        parts.append(f"micrograd {m['micrograd']}")
    threads = m["threads"]
    parts.append(f"{threads} thread{'s' if threads != 1 else ''}")
    parts.append(f"measured {m['date'][:10]}")
    return "; ".join(parts)


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


# ------------------------------------------------------------ gradient cost

def gradient_cost_table(result: dict[str, Any]) -> str:
    """Time of a forward pass and of forward + backward, and the gradient's cost in passes.

    The backprop column is ``(forward + backward) / forward``; the numeric
    columns give the passes a finite-difference gradient needs (``P + 1``
    forward, ``2P`` central) and, where it was run, the cost measured in
    forward passes. Results that hold a forward-mode measurement (chapter 7)
    get two more columns, shown only then: ``fwd mode``, the cost of a
    forward-mode gradient in forward passes, ``P`` times the measured cost of
    one forward-mode pass, and, where the ``P`` passes were run, their
    measured cost.
    """
    with_forward_mode = any("forward_mode" in r for r in result["results"])
    rows = []
    for r in result["results"]:
        P = r["parameters"]
        numeric = r.get("numeric") or {}
        measured = {
            kind: f"{numeric[kind]['passes_measured']:,.0f}" if kind in numeric else "-"
            for kind in ("forward", "central")
        }
        row = [
            f"{P:,}",
            format_time(r["forward"]["median_s"]),
            format_time(r["forward_backward"]["median_s"]),
            f"{r['ratio']:.2f}",
            f"{P + 1:,}",
            measured["forward"],
            f"{2 * P:,}",
            measured["central"],
        ]
        if with_forward_mode:
            mode = r.get("forward_mode") or {}
            gradient = mode.get("gradient")
            row += [f"{P * mode['pass_in_forward_passes']:,.0f}" if mode else "-",
                    f"{gradient['passes_measured']:,.0f}" if gradient else "-"]
        rows.append(row)
    header = ["parameters", "forward", "fwd+bwd", "backprop", "fwd diff",
              "(measured)", "central", "(measured)"]
    if with_forward_mode:
        header += ["fwd mode", "(measured)"]
    return table(header, rows, left=0)


def gradient_cost_verdict(result: dict[str, Any]) -> str:
    """Whether forward + backward stayed within :data:`TARGETS` ``['gradient_cost']`` forward passes."""
    limit = TARGETS["gradient_cost"]
    worst = max(result["results"], key=lambda r: r["ratio"])
    best = min(result["results"], key=lambda r: r["ratio"])
    met = worst["ratio"] <= limit
    return (
        f"forward + backward <= {limit:g} forward passes at every size: {_verdict(met)} "
        f"(from {best['ratio']:.2f} at P = {best['parameters']:,} "
        f"to {worst['ratio']:.2f} at P = {worst['parameters']:,})"
    )


def input_grad_saving(result: dict[str, Any]) -> str:
    """How much the skipped dL/dX of the first layer saves, and what clearing the gradients costs.

    One line per network size: the time of forward + backward with the first
    layer's gradient with respect to the data (``input_grad=True``) and
    without it (as a training step runs), the saving in percent, and the time
    of ``model.zero_grad()`` in forward passes.
    """
    rows = []
    for r in result["results"]:
        with_dx = r["forward_backward_input_grad"]["median_s"]
        without = r["forward_backward"]["median_s"]
        zero = r["zero_grad"]["median_s"]
        rows.append([f"{r['parameters']:,}", format_time(with_dx), format_time(without),
                     f"{100 * (1 - without / with_dx):.0f}%", format_time(zero),
                     f"{zero / r['forward']['median_s']:.2f}"])
    header = ["parameters", "with dL/dX", "without", "saved", "zero_grad", "(passes)"]
    return table(header, rows, left=0)


# ------------------------------------------------------- derivative accuracy

def accuracy_table(result: dict[str, Any]) -> str:
    """Largest and median relative error of each method, and its evaluations of ``f``."""
    rows = [
        [r["method"], f"{r['max_relative_error']:.1e}", f"{r['median_relative_error']:.1e}",
         f"{r['mean_evaluations']:.1f}"]
        for r in result["results"]
    ]
    return table(["method", "max error", "median error", "f calls"], rows)


def accuracy_verdict(result: dict[str, Any]) -> str:
    """Whether ``derivative()``'s default stayed within :data:`TARGETS` ``['derivative_accuracy']``."""
    limit = TARGETS["derivative_accuracy"]
    row = next(r for r in result["results"] if r["method"] == "derivative() default")
    worst = max(row["points"], key=lambda p: p["relative_error"])
    met = row["max_relative_error"] <= limit
    return (
        f"derivative() default: largest relative error {row['max_relative_error']:.1e} "
        f"(at {worst['function']}, x = {worst['x']:g}) <= {limit:.0e}: {_verdict(met)}"
    )


# ------------------------------------------------------------------ PyTorch

def torch_table(result: dict[str, Any]) -> str:
    """Time per epoch of each implementation, relative to PyTorch float64, and what it learned."""
    rows = []
    reference = _torch_reference(result)
    for r in result["results"]:
        rows.append([
            r["implementation"],
            format_time(r["epoch"]["median_s"]),
            format_time(r["epoch"]["min_s"]),
            f"{r['epoch']['median_s'] / reference:.2f}",
            f"{r['final_loss']:.4f}",
            f"{r['test_accuracy']:.3f}",
        ])
    return table(["implementation", "epoch", "fastest", "vs torch64", "loss", "test acc."], rows)


def _torch_reference(result: dict[str, Any]) -> float:
    return next(r for r in result["results"]
                if r["implementation"] == "PyTorch float64")["epoch"]["median_s"]


def torch_floor(result: dict[str, Any]) -> str:
    """How much of an epoch the matrix products alone take, and what each library adds to them.

    The floor is the 8 matrix products of every training step, timed alone on
    arrays of the same shapes; the rest of an epoch is overhead: the other
    NumPy or PyTorch calls, and the Python around them.
    """
    floor = result["floor"]
    floor_s = floor["epoch"]["median_s"]
    lines = [
        f"matrix products alone: {format_time(floor_s)} per epoch "
        f"({floor['flops_per_epoch'] / 1e6:.0f} million flops, {floor['flops_per_epoch'] / floor_s / 1e9:.0f} GFLOP/s)"
    ]
    for r in result["results"]:
        if r["implementation"] in ("backprop.nn float64", "PyTorch float64"):
            rest = r["epoch"]["median_s"] - floor_s
            lines.append(f"{r['implementation']} adds {format_time(rest)} "
                         f"({rest / floor_s:.1f}x the arithmetic)")
    return "\n".join(lines)


def calls_table(result: dict[str, Any]) -> str:
    """Median time of one call of each small operation, in NumPy and in PyTorch float64."""
    rows = []
    previous = None
    for c in result["calls"]:
        rows.append([c["operation"] if c["operation"] != previous else "", c["library"],
                     c["code"], format_time(c["call"]["median_s"])])
        previous = c["operation"]
    return table(["operation", "library", "call", "time"], rows, left=3)


def spelling_savings(result: dict[str, Any]) -> str:
    """What each faster NumPy spelling of the calls table would save per epoch of ``backprop.nn``.

    For every operation the first NumPy row is the chapters' spelling, the
    second a faster one; the saving per call, times the calls a training step
    makes (``settings["calls_per_step"]``) and the steps of an epoch, is
    compared with the measured epoch of ``backprop.nn`` and with
    :data:`SPEED_TRICK`.
    """
    settings = result["settings"]
    steps = settings["batches_per_epoch"]
    epoch = next(r for r in result["results"] if r["implementation"].startswith("backprop"))
    epoch_s = epoch["epoch"]["median_s"]
    limit = SPEED_TRICK
    rows, total = [], 0.0
    for operation, count in settings["calls_per_step"].items():
        plain, faster = [c for c in result["calls"]
                         if c["operation"].startswith(operation) and c["library"] == "NumPy"][:2]
        saved = (plain["call"]["median_s"] - faster["call"]["median_s"]) * count * steps
        total += saved
        rows.append([f"{faster['code']} for {plain['code']}", str(count), format_time(saved),
                     f"{100 * saved / epoch_s:.1f}%"])
    rows.append(["all of them", "", format_time(total), f"{100 * total / epoch_s:.1f}%"])
    kept = "none is worth" if total / epoch_s < limit else "together they are worth"
    return (
        table(["faster spelling", "calls/step", "saved/epoch", "of an epoch"], rows, left=1)
        + f"\n{kept} the {100 * limit:.0f}% a speed trick must save"
    )


def torch_verdict(result: dict[str, Any]) -> str:
    """Whether ``backprop.nn``'s epoch took at most :data:`TARGETS` ``['torch']`` of PyTorch float64's."""
    limit = TARGETS["torch"]
    ours = next(r for r in result["results"] if r["implementation"].startswith("backprop.nn"))
    ratio = ours["epoch"]["median_s"] / _torch_reference(result)
    return (
        f"backprop.nn time per epoch / PyTorch float64's = {ratio:.2f} <= {limit:g}: "
        f"{_verdict(ratio <= limit)}"
    )


# ------------------------------------------------------------------- engine

def engine_table(result: dict[str, Any]) -> str:
    """Time of one forward + backward of the scalar MLP in each engine, and the deep chain.

    The speed-ups are micrograd's time divided by each engine's, with
    Python's garbage collector on (as normally run) and off.
    """
    rows = []
    slowest = {key: max(r[key]["median_s"] for r in result["results"])
               for key in ("forward_backward", "forward_backward_gc_off")}
    for r in result["results"]:
        chain = r["chain"]
        on, off = r["forward_backward"]["median_s"], r["forward_backward_gc_off"]["median_s"]
        rows.append([
            r["engine"],
            f"{r['nodes']:,}",
            format_time(r["forward"]["median_s"]),
            format_time(on),
            f"{slowest['forward_backward'] / on:.2f}",
            format_time(off),
            f"{slowest['forward_backward_gc_off'] / off:.2f}",
            format_time(chain["backward_s"]) if chain["ok"] else chain["error"],
        ])
    depth = result["settings"]["chain_depth"]
    header = ["engine", "nodes", "forward", "fwd+bwd", "speed-up", "GC off", "speed-up",
              f"chain of {depth:,}"]
    return table(header, rows)


def engine_speedups(result: dict[str, Any]) -> dict[str, float]:
    """micrograd's forward + backward time over ``backprop.engine``'s, GC on and off."""
    times = {r["engine"]: r for r in result["results"]}
    ours, theirs = times["backprop.engine"], times["micrograd"]
    return {
        key: theirs[key]["median_s"] / ours[key]["median_s"]
        for key in ("forward_backward", "forward_backward_gc_off")
    }


def engine_verdict(result: dict[str, Any]) -> str:
    """Whether ``backprop.engine`` was at least :data:`TARGETS` ``['engine']`` times faster than micrograd."""
    limit = TARGETS["engine"]
    speedups = engine_speedups(result)
    on, off = speedups["forward_backward"], speedups["forward_backward_gc_off"]
    chains = {r["engine"]: r["chain"]["ok"] for r in result["results"]}
    deep = chains["backprop.engine"] and not chains["micrograd"]
    return (
        f"backprop.engine {on:.2f}x faster than micrograd (>= {limit:g}x): {_verdict(on >= limit)}\n"
        f"with the garbage collector off: {off:.2f}x ({_verdict(off >= limit)})\n"
        f"deep chain that only backprop.engine can differentiate: {_verdict(deep)}"
    )


# ------------------------------------------------------------- forward mode

#: How each case of the forward-mode benchmark is named in its table.
_FORWARD_MODE_CASES = {"gradient": "f: R^P -> R", "derivatives": "f: R -> R^P"}


def forward_mode_table(result: dict[str, Any]) -> str:
    """Passes and time of forward mode and of reverse mode, for P inputs and for P outputs.

    ``f: R^P -> R`` is a gradient (chapter 7's network loss as a function of
    its P weights), ``f: R -> R^P`` the derivatives of P outputs with
    respect to one input (the P iterates of gradient descent as functions of
    the learning rate). Reverse mode's passes are written ``forward + backward``;
    the last column names the faster mode and how many times faster it was.
    """
    rows = []
    for r in result["results"]:
        forward, reverse = r["forward_mode"], r["reverse_mode"]
        t_forward, t_reverse = forward["time"]["median_s"], reverse["time"]["median_s"]
        winner, speedup = ("forward", t_reverse / t_forward) if t_forward < t_reverse else ("reverse", t_forward / t_reverse)
        rows.append([
            _FORWARD_MODE_CASES[r["case"]],
            f"{r['P']:,}",
            f"{forward['passes']:,}",
            format_time(t_forward),
            f"{reverse['forward_passes']:,} + {reverse['backward_passes']:,}",
            format_time(t_reverse),
            f"{winner} {speedup:.1f}x" if speedup < 100 else f"{winner} {speedup:,.0f}x",
        ])
    header = ["function", "P", "fwd passes", "time", "rev passes", "time", "faster"]
    return table(header, rows)


def _forward_mode_crossover(rows: list[dict[str, Any]], winner: str, loser: str) -> int | None:
    """The least P from which ``winner`` mode is faster than ``loser`` mode at every measured P."""
    first = None
    for r in sorted(rows, key=lambda r: r["P"], reverse=True):
        if r[f"{winner}_mode"]["time"]["median_s"] >= r[f"{loser}_mode"]["time"]["median_s"]:
            break
        first = r["P"]
    return first


def forward_mode_verdict(result: dict[str, Any]) -> str:
    """Whether each mode won its own case from :data:`TARGETS` ``['forward_mode']`` inputs (outputs) on.

    Reverse mode must be faster than forward mode for every gradient with at
    least that many inputs, and forward mode faster than reverse mode for
    every function with at least that many outputs.
    """
    limit = TARGETS["forward_mode"]
    lines = []
    for case, winner, loser, what in (("gradient", "reverse", "forward", "a gradient of P inputs"),
                                      ("derivatives", "forward", "reverse", "the derivatives of P outputs")):
        rows = [r for r in result["results"] if r["case"] == case]
        first = _forward_mode_crossover(rows, winner, loser)
        judged = [r for r in rows if r["P"] >= limit]
        met = bool(judged) and all(r[f"{winner}_mode"]["time"]["median_s"] < r[f"{loser}_mode"]["time"]["median_s"]
                                   for r in judged)
        since = f"faster from P = {first:,} on" if first is not None else "not faster at the largest P"
        lines.append(f"{winner} mode faster for {what} at every P >= {limit:g}: {_verdict(met)} ({since})")
    return "\n".join(lines)

