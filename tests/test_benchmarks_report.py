"""booktools.benchmarks_report: reading the benchmark results and judging the targets."""

from __future__ import annotations

import copy
import json
import re
import socket
import subprocess
import sys

import pytest

from booktools import benchmarks_report as report

NAMES = sorted(report.TARGETS)


def committed(name: str) -> dict:
    return report.load(name)


def write(directory, name: str, result: dict) -> None:
    (directory / f"{name}.json").write_text(json.dumps(result), encoding="utf-8")


def strings(value):
    """Every string anywhere inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


# ------------------------------------------------------------ committed results

@pytest.mark.parametrize("name", NAMES)
def test_committed_results_load_and_describe_the_machine(name):
    result = committed(name)
    assert result["benchmark"] == name
    machine = result["machine"]
    for key in ("cpu", "cores_available", "os", "python", "numpy", "blas", "threads", "date"):
        assert machine[key] not in (None, ""), f"{name}: machine[{key!r}] is empty"
    assert "make bench" in result["command"]
    assert report.machine_line(result).endswith(f"measured {machine['date'][:10]}")


@pytest.mark.parametrize("name", NAMES)
def test_committed_results_name_no_path_and_no_host(name):
    text = (report.RESULTS_DIR / f"{name}.json").read_text(encoding="utf-8")
    for s in strings(json.loads(text)):
        assert not re.search(r"(^|[\s'\"])/(home|root|tmp|work|opt|usr|var|Users)\b", s), (
            f"{name}.json holds a file path: {s!r}"
        )
    host = socket.gethostname()
    if len(host) >= 4:
        assert host not in text, f"{name}.json names this machine's host name"


def test_committed_tables_print_the_json_numbers():
    cost = committed("gradient_cost")
    table = report.gradient_cost_table(cost)
    for row in cost["results"]:
        assert f"{row['parameters']:,}" in table
        assert f"{row['ratio']:.2f}" in table
    accuracy = committed("derivative_accuracy")
    table = report.accuracy_table(accuracy)
    for row in accuracy["results"]:
        assert row["method"] in table and f"{row['max_relative_error']:.1e}" in table


def test_engine_results_agree_between_engines():
    settings = committed("engine")["settings"]
    assert settings["loss_gap"] == 0.0
    assert settings["gradient_gap"] < 1e-12


def test_torch_results_train_the_same_model():
    result = committed("torch")
    assert result["settings"]["max_loss_gap_float64"] < 1e-12
    names = [r["implementation"] for r in result["results"]]
    assert names == ["backprop.nn float64", "PyTorch float64", "PyTorch float32"]


# --------------------------------------------------------------------- loading

def test_load_rejects_an_unknown_benchmark():
    with pytest.raises(ValueError, match="name must be one of 'derivative_accuracy'"):
        report.load("gradient-cost")


def test_load_says_how_to_make_missing_results(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `make bench`"):
        report.load("engine", tmp_path)


def test_load_rejects_a_file_of_another_benchmark(tmp_path):
    result = committed("torch")
    write(tmp_path, "engine", result)
    with pytest.raises(ValueError, match="does not hold the results of benchmark 'engine'"):
        report.load("engine", tmp_path)


def test_load_rejects_a_file_without_machine(tmp_path):
    result = copy.deepcopy(committed("engine"))
    del result["machine"]
    write(tmp_path, "engine", result)
    with pytest.raises(ValueError, match="has no 'machine' entry"):
        report.load("engine", tmp_path)


def test_load_reads_another_directory(tmp_path):
    result = committed("derivative_accuracy")
    write(tmp_path, "derivative_accuracy", result)
    assert report.load("derivative_accuracy", tmp_path) == result


# ------------------------------------------------------------------ formatting

@pytest.mark.parametrize("seconds, text", [
    (1.234e-6, "1.23 µs"), (0.000123, "123 µs"), (0.0009999, "1000 µs"), (0.00456, "4.56 ms"),
    (0.0456, "45.6 ms"), (0.456, "456 ms"), (2.5, "2.50 s"), (3125.0, "3125 s"), (0.0, "0 µs"),
])
def test_format_time(seconds, text):
    assert report.format_time(seconds) == text


def test_table_aligns_columns():
    assert report.table(["a", "bb"], [["xyz", 1.5]], left=1).splitlines() == ["a     bb", "xyz  1.5"]
    assert report.table(["a", "bb"], [["xyz", 1.5]], left=0).splitlines() == ["  a   bb", "xyz  1.5"]


# -------------------------------------------------------------------- verdicts

def with_ratios(ratios):
    result = copy.deepcopy(committed("gradient_cost"))
    result["results"] = result["results"][: len(ratios)]
    for row, ratio in zip(result["results"], ratios):
        row["ratio"] = ratio
    return result


def test_gradient_cost_verdict_is_computed():
    assert ": met (from 2.00" in report.gradient_cost_verdict(with_ratios([2.0, 3.0]))
    verdict = report.gradient_cost_verdict(with_ratios([2.0, 3.01]))
    assert ": NOT met" in verdict and "to 3.01" in verdict


def test_accuracy_verdict_is_computed():
    result = copy.deepcopy(committed("derivative_accuracy"))
    row = next(r for r in result["results"] if r["method"] == "derivative() default")
    row["max_relative_error"] = 1e-9
    assert report.accuracy_verdict(result).endswith(": met")
    row["max_relative_error"] = 2e-9
    assert report.accuracy_verdict(result).endswith(": NOT met")


def test_torch_verdict_is_computed():
    result = copy.deepcopy(committed("torch"))
    times = {r["implementation"]: r["epoch"] for r in result["results"]}
    times["PyTorch float64"]["median_s"] = 0.010
    times["backprop.nn float64"]["median_s"] = 0.005
    assert report.torch_verdict(result) == (
        "backprop.nn time per epoch / PyTorch float64's = 0.50 <= 0.5: met"
    )
    times["backprop.nn float64"]["median_s"] = 0.0051
    assert report.torch_verdict(result).endswith("0.51 <= 0.5: NOT met")
    assert "     0.51" in report.torch_table(result)


def test_torch_floor_subtracts_the_arithmetic():
    result = copy.deepcopy(committed("torch"))
    result["floor"]["epoch"]["median_s"] = 0.002
    result["floor"]["flops_per_epoch"] = 100e6
    times = {r["implementation"]: r["epoch"] for r in result["results"]}
    times["backprop.nn float64"]["median_s"] = 0.003
    times["PyTorch float64"]["median_s"] = 0.010
    assert report.torch_floor(result).splitlines() == [
        "matrix products alone: 2.00 ms per epoch (100 million flops, 50 GFLOP/s)",
        "backprop.nn float64 adds 1.00 ms (0.5x the arithmetic)",
        "PyTorch float64 adds 8.00 ms (4.0x the arithmetic)",
    ]


def test_torch_results_hold_the_floor_and_the_calls():
    result = committed("torch")
    layers = result["settings"]["layers"]
    pairs = list(zip(layers, layers[1:]))
    per_sample = 2 * (2 * sum(a * b for a, b in pairs) + sum(a * b for a, b in pairs[1:]))
    assert result["floor"]["flops_per_epoch"] == per_sample * result["settings"]["train_samples"]
    libraries = {c["library"] for c in result["calls"]}
    assert libraries == {"NumPy", "PyTorch"}
    lines = report.calls_table(result).splitlines()
    assert len(lines) == 1 + len(result["calls"])
    assert lines[1].startswith("matrix product, ") and lines[2].startswith(" ")  # operation named once


def test_engine_verdict_is_computed():
    result = copy.deepcopy(committed("engine"))
    rows = {r["engine"]: r for r in result["results"]}
    rows["micrograd"]["forward_backward"]["median_s"] = 0.3
    rows["backprop.engine"]["forward_backward"]["median_s"] = 0.1
    rows["micrograd"]["forward_backward_gc_off"]["median_s"] = 0.1
    rows["backprop.engine"]["forward_backward_gc_off"]["median_s"] = 0.1
    assert report.engine_speedups(result) == pytest.approx(
        {"forward_backward": 3.0, "forward_backward_gc_off": 1.0})
    lines = report.engine_verdict(result).splitlines()
    assert lines[0].endswith("3.00x faster than micrograd (>= 2x): met")
    assert lines[1] == "with the garbage collector off: 1.00x (NOT met)"
    rows["micrograd"]["chain"] = {"ok": True, "backward_s": 0.1}
    assert lines[2].endswith(": met")
    assert report.engine_verdict(result).splitlines()[2].endswith(": NOT met")


def test_the_report_module_needs_neither_numpy_nor_matplotlib():
    code = ("import sys, booktools.benchmarks_report; "
            "print(sorted(m for m in ('numpy', 'matplotlib', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
