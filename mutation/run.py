"""`make mutation`: mutmut on each core module against its own fast tests.

For every module listed in ``[tool.backprop.mutation.modules]`` of pyproject.toml
(module = its test file), this script builds a small copy of the project in
``mutation/work/<module>/`` whose ``[tool.mutmut]`` is the one of pyproject.toml
plus ``only_mutate`` (that module) and ``pytest_add_cli_args_test_selection``
(that test file), runs ``mutmut run`` there, and counts the results.

Mutants listed in mutation/equivalent.txt (one per line: the mutant's name,
then the reason it cannot change any observable behaviour) are reported apart
and left out of the score's denominator; a listed mutant that is killed, or
that no longer exists, is reported as a stale entry. The score of each module,
``killed / (mutants - equivalent)``, is written to mutation/results.txt.

Usage: python mutation/run.py [module ...] [--max-children N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import toml as tomllib  # mutmut depends on toml on Python 3.10

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "mutation"
WORK = HERE / "work"
TARGET = 0.95


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")


def _load_pyproject() -> dict:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def read_equivalents() -> dict[str, str]:
    """Mutant name -> reason, from mutation/equivalent.txt."""
    equivalents = {}
    for number, line in enumerate((HERE / "equivalent.txt").read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"mutation/equivalent.txt:{number}: {name} has no reason")
        equivalents[name] = reason.strip()
    return equivalents


def prepare(module: str, test_file: str, config: dict) -> Path:
    """A fresh copy of the library, the tests and a pyproject.toml for one module."""
    work = WORK / module
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(ROOT / "src" / "backprop", work / "src" / "backprop", ignore=ignore)
    shutil.copytree(ROOT / "tests", work / "tests", ignore=ignore)
    mutmut = dict(config["tool"]["mutmut"])
    mutmut["only_mutate"] = [f"src/backprop/{module}.py"]
    mutmut["pytest_add_cli_args_test_selection"] = [test_file]
    lines = ["[tool.pytest.ini_options]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in config["tool"]["pytest"]["ini_options"].items()
              if k not in ("testpaths",)]
    lines += ["", "[tool.mutmut]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in mutmut.items()]
    (work / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return work


def results(work: Path, module: str) -> dict[str, str]:
    """Mutant name -> status (killed, survived, timeout, ...), from mutmut's .meta file."""
    sys.path.insert(0, str(ROOT))
    from mutmut.stats import status_by_exit_code  # noqa: PLC0415

    meta = work / "mutants" / "src" / "backprop" / f"{module}.py.meta"
    data = json.loads(meta.read_text(encoding="utf-8"))
    return {name: status_by_exit_code[code] for name, code in data["exit_code_by_key"].items()}


def main() -> int:
    config = _load_pyproject()
    modules: dict[str, str] = config["tool"]["backprop"]["mutation"]["modules"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", choices=[[], *modules], default=[])
    parser.add_argument("--max-children", type=int, default=2)
    args = parser.parse_args()
    chosen = args.modules or list(modules)
    equivalents = read_equivalents()

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])))
    mutmut = Path(sys.executable).with_name("mutmut")
    report = []
    failed = False
    stale = []
    started = time.monotonic()
    for module in chosen:
        work = prepare(module, modules[module], config)
        print(f"== mutmut: backprop.{module} against {modules[module]}", flush=True)
        t0 = time.monotonic()
        run = subprocess.run([str(mutmut), "run", "--max-children", str(args.max_children)],
                             cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        seconds = time.monotonic() - t0
        if run.returncode != 0:  # e.g. a test that fails without any mutant: no score
            print(run.stdout[-3000:])
            failed = True
            report.append(f"{module:<10} not measured: mutmut run exited {run.returncode} "
                          "(does the test file pass on the unmutated code?)")
            print(report[-1], flush=True)
            continue
        status = results(work, module)
        prefix = f"backprop.{module}."
        mine_eq = {n for n in equivalents if n.startswith(prefix)}
        stale += [f"{n} (killed)" for n in mine_eq if status.get(n) == "killed"]
        stale += [f"{n} (no such mutant)" for n in mine_eq if n not in status]
        total = len(status)
        equivalent = sum(1 for n in status if n in mine_eq and status[n] != "killed")
        killed = sum(1 for s in status.values() if s == "killed")
        survivors = sorted(n for n, s in status.items() if s != "killed" and n not in mine_eq)
        denominator = total - equivalent
        score = killed / denominator if denominator else 1.0
        failed |= score < TARGET
        report.append(f"{module:<10} {killed:>4} / {denominator:<4} killed  {100 * score:5.1f} %   "
                      f"({total} mutants, {equivalent} equivalent, {seconds:.0f} s)")
        print(report[-1], flush=True)
        for name in survivors:
            print(f"   not killed ({status[name]}): {name}")
    lines = [
        "Mutation score per module: killed / (mutants - listed equivalents), mutmut "
        + subprocess.run([str(mutmut), "--version"], capture_output=True, text=True).stdout.split()[-1]
        + f", target {TARGET:.0%}",
        *report,
        f"total time {time.monotonic() - started:.0f} s",
    ]
    if stale:
        lines += ["stale entries in mutation/equivalent.txt:", *(f"  {s}" for s in stale)]
    if set(chosen) == set(modules):
        (HERE / "results.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print()
    print("\n".join(lines))
    return 1 if failed or stale else 0


if __name__ == "__main__":
    sys.exit(main())
