"""The wheel is the library alone, and the library needs NumPy and the standard library only.

``src/backprop`` is what a reader installs and imports; everything that builds
the book (figures, notebooks, benchmark reports, console-example parsing) is
``src/booktools``, which never ships. The ``wheel`` fixture is in ``tests/conftest.py``
(``tests/test_notebooks_installed.py`` installs it too).
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
import zipfile
from pathlib import Path

import backprop
from tests.conftest import ROOT

PACKAGE = Path(backprop.__file__).parent
MODULES = sorted(
    f"backprop.{info.name}" for info in pkgutil.walk_packages([str(PACKAGE)]) if not info.name.startswith("_")
)


def test_the_wheel_holds_backprop_alone(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    dist_info = {name for name in top if name.endswith(".dist-info")}
    assert top - dist_info == {"backprop"}, sorted(top)
    assert "backprop/py.typed" in names
    assert any(name.startswith("backprop/data/") for name in names)  # the shipped digits
    assert not [name for name in names if "figures" in name or "booktools" in name]


def test_every_module_imports_numpy_and_the_standard_library_only():
    assert "backprop.nn" in MODULES and "backprop.digits" in MODULES
    code = f"""
import json, sys
before = set(sys.modules)
for name in {MODULES!r}:
    __import__(name)
allowed = set(sys.stdlib_module_names) | {{"numpy", "backprop"}}
loaded = sorted({{m.split(".")[0] for m in set(sys.modules) - before}} - allowed)
print(json.dumps(loaded))
"""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT / "src")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    # numpy's own imports (e.g. its private helpers) start with "numpy" or "_"; anything else is not allowed
    foreign = [name for name in json.loads(result.stdout) if not name.startswith("_")]
    assert foreign == [], f"importing backprop loads {foreign}"


def test_the_library_has_no_book_tooling_left():
    assert not (PACKAGE / "figures").exists()
    assert not (PACKAGE / "notebook.py").exists()
    assert not (PACKAGE / "benchmarks_report.py").exists()
    assert (ROOT / "src" / "booktools" / "figures").is_dir()
