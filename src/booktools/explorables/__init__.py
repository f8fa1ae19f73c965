"""The data of the book's explorable figures, computed by ``backprop`` when the site is built.

An *explorable* is a figure with a knob: a slider the reader moves while the
figure and the printed numbers follow. Every number it shows comes from here:
a chapter module (``ch02_derivatives.py``, ...) declares one function per
explorable with the :func:`explorable` decorator, naming it::

    @explorable("ch02-step-size")
    def step_size() -> dict:
        ...  # calls backprop for every position of the knob

and returns a dict of plain numbers, strings and lists. The site build
(``hooks/explorables.py``) writes it to ``explorables/<name>.json``; the page's
script ``docs/javascripts/explorables/<name>.js`` only draws that data. The
numbers the page prints arrive as text formatted here, so the browser does no
arithmetic that a reader could see, and ``tests/test_explorables.py`` compares
what the page shows with the library's values.

A chapter shows an explorable by wrapping its static figure (which stays,
for readers without JavaScript)::

    <div class="bfs-explorable" data-explorable="ch02-step-size" markdown>

    ![alt text](figures/ch02-step-size.svg)

    </div>

Adding one: a function here, a script in ``docs/javascripts/explorables/``
(importing the shared ``explorable.js``), the placeholder in the chapter, and
its checks in ``tests/test_explorables.py``. The build refuses a placeholder
without data or script, and (with ``--strict``) data that no page shows.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import pkgutil
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Explorable", "REGISTRY", "explorable", "discover", "compute", "compute_all", "dumps",
           "build", "sig", "power_of_ten", "spoken_power_of_ten", "scientific", "SRC"]

#: The ``src/`` folder that holds ``backprop`` and ``booktools``.
SRC = Path(__file__).resolve().parents[2]

_NAME = re.compile(r"^ch\d\d-[a-z0-9-]+$")


@dataclass(frozen=True)
class Explorable:
    """One registered explorable: its name (``ch02-step-size``) and the function computing its data."""

    name: str
    compute: Callable[[], dict[str, Any]]
    module: str = ""


#: Every explorable of the imported chapter modules, by name.
REGISTRY: dict[str, Explorable] = {}


def explorable(name: str) -> Callable[[Callable[[], dict]], Callable[[], dict]]:
    """Register the decorated function as the data of the explorable ``name``.

    >>> @explorable("ch99-example")
    ... def example():
    ...     return {"x": [1, 2]}
    >>> compute("ch99-example")
    {'x': [1, 2]}
    >>> del REGISTRY["ch99-example"]
    """
    if not _NAME.match(name):
        raise ValueError(f"an explorable's name must look like 'ch02-step-size', got {name!r}")

    def register(function: Callable[[], dict]) -> Callable[[], dict]:
        if name in REGISTRY and REGISTRY[name].compute.__qualname__ != function.__qualname__:
            raise ValueError(f"explorable {name!r} is declared twice")
        REGISTRY[name] = Explorable(name, function, function.__module__)
        return function

    return register


def discover() -> list[Explorable]:
    """Import every chapter module of this package; return the registered explorables by name.

    >>> [e.name for e in discover()][:2]
    ['ch02-step-size', 'ch05-learning-rate']
    """
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return [REGISTRY[name] for name in sorted(REGISTRY)]


def compute(name: str) -> dict[str, Any]:
    """The data of one explorable, ready for :func:`dumps`."""
    if name not in REGISTRY:
        discover()
    if name not in REGISTRY:
        raise KeyError(f"no explorable named {name!r}; known: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[name].compute()


def compute_all() -> dict[str, dict[str, Any]]:
    """The data of every explorable, by name."""
    return {spec.name: spec.compute() for spec in discover()}


def dumps(data: Any) -> str:
    """Compact JSON; a NaN or infinity is an error (JSON has neither), never a silent ``NaN``.

    >>> dumps({"h": 1e-08, "text": "10⁻⁸"})
    '{"h":1e-08,"text":"10⁻⁸"}'
    """
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def build(cache_dir: str | Path | None = None) -> dict[str, str]:
    """The JSON text of every explorable, computed in a fresh Python process.

    A fresh process, as for the figures (``booktools.figures.cache``): ``mkdocs
    serve`` then shows the library as it is on disk now, not as it was imported
    when the server started. With ``cache_dir``, the result is kept there under
    a hash of the code of this package and of everything it imports (docstrings
    and comments left out), and read back while that code is unchanged.
    """
    if cache_dir is None:
        return _compute_in_subprocess()
    from booktools.figures.cache import files_key, source_files

    modules = [f"{__name__}.{info.name}" for info in pkgutil.iter_modules(__path__)] + [__name__]
    stored = Path(cache_dir) / f"{files_key(source_files(*modules))}.json"
    if stored.is_file():
        return json.loads(stored.read_text(encoding="utf-8"))
    built = _compute_in_subprocess()
    stored.parent.mkdir(parents=True, exist_ok=True)
    for old in stored.parent.glob("*.json"):
        old.unlink()
    stored.write_text(json.dumps(built, ensure_ascii=False), encoding="utf-8")
    return built


def _compute_in_subprocess() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    run = subprocess.run([sys.executable, "-m", __name__], env=env, capture_output=True,
                         text=True, encoding="utf-8")
    if run.returncode != 0:
        raise RuntimeError(f"computing the explorables' data failed:\n{run.stderr[-4000:]}")
    return {name: dumps(data) for name, data in json.loads(run.stdout).items()}


# --- numbers for drawing, and numbers as the page prints them ----------------------------


def sig(value: float, digits: int = 4) -> float | None:
    """``value`` rounded to ``digits`` significant digits, for drawing (None if not finite).

    >>> sig(3.0227412), sig(-0.000123456, 2), sig(float("inf"))
    (3.023, -0.00012, None)
    """
    value = float(value)
    return float(f"{value:.{digits}g}") if math.isfinite(value) else None


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _mantissa_exponent(value: float, digits: int) -> tuple[str, int]:
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return mantissa, int(exponent)


def scientific(value: float, digits: int = 2) -> str:
    """``value`` with ``digits`` significant digits, as ``5.8 × 10⁻¹⁰`` (0 stays ``0``).

    >>> scientific(5.81e-10), scientific(0.0786), scientific(0.0), scientific(67573.46, 4)
    ('5.8 × 10⁻¹⁰', '7.9 × 10⁻²', '0', '6.757 × 10⁴')
    """
    if value == 0:
        return "0"
    mantissa, exponent = _mantissa_exponent(value, digits)
    return f"{mantissa} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def power_of_ten(value: float) -> str:
    """A step such as ``1e-08`` as ``10⁻⁸``, and ``3.16e-09`` as ``3.16 × 10⁻⁹`` (three digits at most).

    >>> power_of_ten(1e-08), power_of_ten(3.16e-09), power_of_ten(0.1)
    ('10⁻⁸', '3.16 × 10⁻⁹', '10⁻¹')
    """
    mantissa, exponent = _mantissa_exponent(value, 3)
    mantissa = mantissa.rstrip("0").rstrip(".")
    power = f"10{str(exponent).translate(_SUPERSCRIPT)}"
    return power if mantissa == "1" else f"{mantissa} × {power}"


def spoken_power_of_ten(value: float) -> str:
    """:func:`power_of_ten` in words, for a screen reader.

    >>> spoken_power_of_ten(1e-08), spoken_power_of_ten(3.16e-09)
    ('10 to the power minus 8', '3.16 times 10 to the power minus 9')
    """
    mantissa, exponent = _mantissa_exponent(value, 3)
    mantissa = mantissa.rstrip("0").rstrip(".")
    power = f"10 to the power {'minus ' if exponent < 0 else ''}{abs(exponent)}"
    return power if mantissa == "1" else f"{mantissa} times {power}"
