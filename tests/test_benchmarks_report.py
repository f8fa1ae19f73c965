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


# ------------------------------------------------------------- forward mode

def test_forward_mode_results_count_the_passes_and_agree():
    result = committed("forward_mode")
    cases = {r["case"] for r in result["results"]}
    assert cases == {"gradient", "derivatives"}
    for r in result["results"]:
        forward, reverse = r["forward_mode"], r["reverse_mode"]
        assert r["max_relative_difference"] < 1e-12
        if r["case"] == "gradient":  # P inputs: P forward-mode passes, 1 + 1 in reverse mode
            assert forward["passes"] == r["P"] == r["hidden"] ** 2 + 5 * r["hidden"] + 1
            assert (reverse["forward_passes"], reverse["backward_passes"]) == (1, 1)
        else:  # P outputs: 1 forward-mode pass, 1 + P in reverse mode
            assert forward["passes"] == 1
            assert (reverse["forward_passes"], reverse["backward_passes"]) == (1, r["P"])


def test_forward_mode_table_prints_the_json_numbers():
    result = committed("forward_mode")
    lines = report.forward_mode_table(result).splitlines()
    assert lines[0].split() == ["function", "P", "fwd", "passes", "time", "rev", "passes", "time", "faster"]
    assert len(lines) == 1 + len(result["results"])
    for line, r in zip(lines[1:], result["results"]):
        assert line.startswith("f: R^P -> R" if r["case"] == "gradient" else "f: R -> R^P")
        assert report.format_time(r["forward_mode"]["time"]["median_s"]) in line
        assert report.format_time(r["reverse_mode"]["time"]["median_s"]) in line
        assert f"{r['reverse_mode']['forward_passes']:,} + {r['reverse_mode']['backward_passes']:,}" in line


def _forward_mode_result(times):
    """A forward-mode result with these (case, P, forward seconds, reverse seconds)."""
    result = copy.deepcopy(committed("forward_mode"))
    rows = []
    for case, P, t_forward, t_reverse in times:
        rows.append({"case": case, "P": P,
                     "forward_mode": {"passes": P if case == "gradient" else 1, "time": {"median_s": t_forward}},
                     "reverse_mode": {"forward_passes": 1, "backward_passes": 1 if case == "gradient" else P,
                                      "time": {"median_s": t_reverse}},
                     "max_relative_difference": 0.0})
    result["results"] = rows
    return result


def test_forward_mode_table_names_the_faster_mode():
    result = _forward_mode_result([("gradient", 4, 0.002, 0.001), ("gradient", 400, 2.0, 0.01),
                                   ("derivatives", 1000, 0.001, 0.5)])
    lines = report.forward_mode_table(result).splitlines()
    assert lines[1].endswith("reverse 2.0x")
    assert lines[2].endswith("reverse 200x") and "  1 + 1  " in lines[2] and " 400 " in lines[2]
    assert lines[3].endswith("forward 500x") and "1 + 1,000" in lines[3] and lines[3].startswith("f: R -> R^P  1,000")


def test_forward_mode_verdict_is_computed():
    limit = report.TARGETS["forward_mode"]
    assert limit == 8
    met = _forward_mode_result([("gradient", 4, 0.001, 0.002), ("gradient", 8, 0.003, 0.002),
                                ("gradient", 100, 1.0, 0.01), ("derivatives", 4, 0.002, 0.001),
                                ("derivatives", 10, 0.001, 0.002), ("derivatives", 100, 0.01, 1.0)])
    assert report.forward_mode_verdict(met).splitlines() == [
        "reverse mode faster for a gradient of P inputs at every P >= 8: met (faster from P = 8 on)",
        "forward mode faster for the derivatives of P outputs at every P >= 8: met (faster from P = 10 on)",
    ]
    missed = _forward_mode_result([("gradient", 8, 0.001, 0.002), ("gradient", 100, 1.0, 0.01),
                                   ("derivatives", 10, 0.001, 0.002), ("derivatives", 100, 1.0, 1.0)])
    assert report.forward_mode_verdict(missed).splitlines() == [
        "reverse mode faster for a gradient of P inputs at every P >= 8: NOT met (faster from P = 100 on)",
        "forward mode faster for the derivatives of P outputs at every P >= 8: NOT met "
        "(not faster at the largest P)",
    ]


def test_gradient_cost_table_shows_forward_mode_only_with_its_data():
    result = copy.deepcopy(committed("gradient_cost"))
    for row in result["results"]:
        row.pop("forward_mode", None)
    plain = report.gradient_cost_table(result)
    assert "fwd mode" not in plain
    assert plain.splitlines()[0].split() == ["parameters", "forward", "fwd+bwd", "backprop", "fwd", "diff",
                                             "(measured)", "central", "(measured)"]
    rows = result["results"][:3]
    result["results"] = rows
    rows[0]["forward_mode"] = {"pass_in_forward_passes": 2.0, "passes": rows[0]["parameters"],
                               "gradient": {"passes_measured": 1234.4}}
    rows[1]["forward_mode"] = {"pass_in_forward_passes": 1.5, "passes": rows[1]["parameters"]}
    lines = report.gradient_cost_table(result).splitlines()
    assert lines[0].split()[-3:] == ["fwd", "mode", "(measured)"]
    assert lines[1].split()[-2:] == [f"{2 * rows[0]['parameters']:,}", "1,234"]
    assert lines[2].split()[-2:] == [f"{1.5 * rows[1]['parameters']:,.0f}", "-"]
    assert lines[3].split()[-2:] == ["-", "-"]  # a row measured without forward mode
    assert lines[1].split()[:-2] == plain.splitlines()[1].split()  # the other columns as before
