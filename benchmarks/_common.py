"""Shared helpers of the benchmarks: threads, timing, machine description, results.

Every benchmark script imports this module *before* NumPy, so that
:func:`set_threads` can fix the number of BLAS/OpenMP threads through the
environment while the libraries load. Results are written as JSON under
``benchmarks/results/``; ``booktools.benchmarks_report`` reads them back to print
the tables (here and in chapter 12) and the figures draw from them.

The machine description names the CPU model, the core count, the operating
system and the versions of Python, NumPy and its BLAS, never a host name or a
file path.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
ROOT = HERE.parent

_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
#: The load average when the benchmark started (other work on the machine).
_LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]


def available_cores() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def set_threads(threads: int | None) -> int:
    """Fix the BLAS and OpenMP thread count (call before importing NumPy or PyTorch)."""
    if "numpy" in sys.modules:
        raise RuntimeError("set_threads() must run before NumPy is imported")
    n = threads or available_cores()
    for name in _THREAD_VARIABLES:
        os.environ[name] = str(n)
    use_clock(n)
    return n


def parser(description: str) -> argparse.ArgumentParser:
    """The command-line options every benchmark shares."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 1)),
        help="BLAS/OpenMP (and PyTorch) threads, 0 for one per available core; "
        "default 1 (or $BENCH_THREADS)",
    )
    p.add_argument(
        "--quick", action="store_true",
        help="fewer sizes and repeats, to try the script; the results are not written",
    )
    p.add_argument(
        "--output", type=Path, default=None,
        help="where to write the JSON results (default: benchmarks/results/<name>.json)",
    )
    return p


# ------------------------------------------------------------------ timing

#: The clock the tables use: "process" (CPU time of this process,
#: ``time.process_time``) when the libraries run on one thread, else "wall"
#: (``time.perf_counter``). On a machine shared with other work, CPU time is
#: not inflated by the time spent waiting for a core; with several threads it
#: would add the threads' times up, so wall-clock time is used then. Both are
#: recorded.
CLOCK = {"name": "wall"}


def use_clock(threads: int) -> str:
    """Pick the clock for ``threads`` library threads (see :data:`CLOCK`)."""
    CLOCK["name"] = "process" if threads == 1 else "wall"
    return CLOCK["name"]


def autorange(fn: Callable[[], object], minimum: float = 0.02) -> int:
    """How many calls of ``fn`` take at least ``minimum`` seconds (1, 2, 5, 10, ...)."""
    number = 1
    while True:
        for factor in (1, 2, 5):
            n = number * factor
            start = time.perf_counter()
            for _ in range(n):
                fn()
            if time.perf_counter() - start >= minimum:
                return n
        number *= 10


def time_per_call(fn: Callable[[], object], number: int = 1, *, keep: bool = True) -> tuple[float, float]:
    """Seconds per call of ``fn`` over ``number`` back-to-back calls: (wall, process CPU).

    With ``keep`` (the default), what ``fn`` returns is kept until the clocks
    stop, so that freeing it (a whole computation graph, say) is not timed:
    reference counting would free an acyclic graph at once, inside the
    timing, while a graph full of cycles would wait for the garbage
    collector, outside it. Without ``keep``, each result is dropped at once,
    as in a loop that reuses its memory: right for timing single array calls,
    where keeping thousands of results would time fresh memory instead.
    """
    kept = [None] * number if keep else None
    wall, cpu = time.perf_counter(), time.process_time()
    if kept is not None:
        for i in range(number):
            kept[i] = fn()
    else:
        for _ in range(number):
            fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    del kept
    return wall / number, cpu / number


def interleaved_medians(
    fns: dict[str, Callable[[], object]], repeats: int, minimum: float = 0.02, *, keep: bool = True
) -> dict[str, dict[str, float]]:
    """Time several functions in turn, ``repeats`` rounds; median and spread of each.

    Interleaving (a, b, a, b, ...) instead of (a, a, ..., b, b, ...) makes a
    burst of load from other processes hit every contestant alike, so the
    *ratios* stay meaningful on a shared machine even when the times do not.
    """
    numbers = {name: autorange(fn, minimum) for name, fn in fns.items()}
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            gc.collect()
            samples[name].append(time_per_call(fn, numbers[name], keep=keep))
    return {name: summary(values) for name, values in samples.items()}


def summary(samples: list[tuple[float, float]]) -> dict[str, float]:
    """Median, min and max of (wall, CPU) timing samples, in seconds.

    ``median_s``, ``min_s`` and ``max_s`` are on the clock of :data:`CLOCK`;
    ``wall_median_s`` and ``cpu_median_s`` are both always recorded.
    """
    wall = [w for w, _ in samples]
    cpu = [c for _, c in samples]
    main = cpu if CLOCK["name"] == "process" else wall
    return {
        "median_s": statistics.median(main),
        "min_s": min(main),
        "max_s": max(main),
        "wall_median_s": statistics.median(wall),
        "cpu_median_s": statistics.median(cpu),
        "repeats": len(samples),
    }


# ------------------------------------------------------------- the machine

def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover - not Linux
        pass
    return platform.processor() or platform.machine()


def _os_name() -> str:
    try:
        with open("/etc/os-release", encoding="utf-8") as release:
            for line in release:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:  # pragma: no cover - not Linux
        pass
    return f"{platform.system()} {platform.release()}"


def _blas_threads() -> int | None:
    """Ask the OpenBLAS that NumPy loaded how many threads it uses (None if unknown)."""
    import ctypes

    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            libraries = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:  # pragma: no cover - not Linux
        return None
    for library in sorted(libraries):
        try:
            lib = ctypes.CDLL(library)
        except OSError:
            continue
        for symbol in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                       "openblas_get_num_threads"):
            function = getattr(lib, symbol, None)
            if function is not None:
                function.restype = ctypes.c_int
                return int(function())
    return None


def _git_commit() -> str | None:
    """The commit measured, with "-dirty" when tracked files differ from it."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    if not commit:
        return None
    # The results files themselves are what a run rewrites: they do not count.
    # So are the chapters whose printed outputs `make bench` regenerates.
    changed = [line for line in changed.splitlines() if "benchmarks/results/" not in line
               and "docs/12-why-backprop.md" not in line and "docs/07-autodiff.md" not in line]
    return commit + ("-dirty" if changed else "")


def machine(threads: int, extra: dict | None = None) -> dict:
    """What the numbers were measured on: CPU, cores, OS, versions, threads, date."""
    import numpy as np

    config = np.show_config(mode="dicts")
    blas = config.get("Build Dependencies", {}).get("blas", {})
    info = {
        "cpu": _cpu_model(),
        "architecture": platform.machine(),
        "cores_available": available_cores(),
        "cores_total": os.cpu_count(),
        "os": _os_name(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "numpy": np.__version__,
        "blas": " ".join(str(blas.get(key, "")) for key in ("name", "version")).strip(),
        "blas_config": str(blas.get("openblas configuration", "")),
        "threads": threads,
        "clock": CLOCK["name"],
        "blas_threads": _blas_threads(),
        "load_average_start": _LOAD_AT_START,
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git_commit": _git_commit(),
    }
    info.update(extra or {})
    return info


def skip(package: str, name: str) -> None:
    """Say that benchmark ``name`` needs ``package``, which is not installed, and how to get it."""
    print(f"{package} is not installed: bench_{name} skipped, results/{name}.json left as it was.\n"
          "Install it with: .venv/bin/python -m pip install -r benchmarks/requirements.txt")


def finish(name: str, payload: dict, args: argparse.Namespace, *reports: str) -> None:
    """Print the ``reports`` (tables, verdicts), then write the results unless ``--quick``."""
    for report in reports:
        print(report)
    if not args.quick:
        write(name, payload, args.output)


def write(name: str, payload: dict, output: Path | None = None) -> Path:
    """Write ``payload`` as ``benchmarks/results/<name>.json`` (or ``output``)."""
    path = output or RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    path.write_text(json.dumps(payload, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    try:
        shown = path.relative_to(ROOT)
    except ValueError:
        shown = path.name
    print(f"results written to {shown}")
    return path
