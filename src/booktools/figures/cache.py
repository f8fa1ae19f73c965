"""Draw the book's figures for the site build, redrawing only what changed.

A figure depends on the code of its chapter module, on every module of
``backprop`` and ``booktools`` that module imports (followed to the end), and
on the data files those modules read. :func:`module_key` hashes all of that,
with the matplotlib and NumPy versions, into one key per figure module. The
site build (``hooks/figures.py``) calls :func:`build`: a module whose key is
in the cache is read back from it; the others are drawn in a fresh Python
process (``python -m booktools.figures.cache DIR MODULE ...``), so that
``mkdocs serve`` always draws with the code as it is on disk now, never with
a module imported when the server started.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SRC", "DATA_INPUTS", "MANIFEST_VERSION", "figure_modules", "imported_files", "source_files",
           "files_key", "module_key",
           "build", "Built"]

#: The ``src/`` folder that holds ``backprop`` and ``booktools``.
SRC = Path(__file__).resolve().parents[2]

#: Files a module reads at run time, by module name: a change to them must
#: redraw every figure whose module imports it. ``tests/test_figure_cache.py``
#: checks that every module of ``src/`` that opens a file is listed here.
DATA_INPUTS: dict[str, tuple[Path, ...]] = {
    "backprop.datasets.digits": (SRC / "backprop" / "data",),
    "booktools.benchmarks_report": (SRC.parent / "benchmarks" / "results",),
}

_PACKAGE = "booktools.figures"

#: The layout of a module's ``manifest.json`` (part of every key, so a cache
#: written in an older layout is redrawn, never misread). Version 2: a dict
#: ``{file name: FigureInfo fields}``, where version 1 was a list of names.
MANIFEST_VERSION = 2


def figure_modules() -> list[str]:
    """The chapter modules of this package that declare figures, by short name.

    >>> "ch02_derivatives" in figure_modules()
    True
    """
    folder = SRC / "booktools" / "figures"
    return sorted(p.stem for p in folder.glob("*.py") if not p.stem.startswith("_") and p.stem != "cache")


def _module_file(name: str) -> Path | None:
    """``backprop.nn`` -> src/backprop/nn.py (or a package's __init__.py); None outside src/."""
    if name.split(".")[0] not in ("backprop", "booktools"):
        return None
    base = SRC.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path, name: str, modules: tuple[str, ...]) -> frozenset[str]:
    """Every module name of src/ that the file at ``path`` (module ``name``) imports.

    ``modules`` is every ``.py`` file of src/ (:func:`source_files` lists them once).
    """
    stat = path.stat()
    return _imports_of(path, name, stat.st_mtime_ns, stat.st_size, modules)


@functools.lru_cache(maxsize=512)
def _imports_of(path: Path, name: str, mtime_ns: int, size: int, modules: tuple[str, ...]) -> frozenset[str]:
    """:func:`_imports`, parsed once per version of the file and of the set of modules in src/.

    ``mkdocs serve`` rebuilds after every edit; only a changed file is parsed
    again (or every file, when a module is added or removed: a name imported
    from a package may then be a module, or no longer one).
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
            names: list[str] = []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{node.module}" if node.module else anchor
            else:
                base = node.module or ""
            bases = [base]
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for candidate in bases + names:
            # "import backprop.nn" also runs backprop/__init__.py
            pieces = candidate.split(".")
            for end in range(1, len(pieces) + 1):
                if _module_file(".".join(pieces[:end])) is not None:
                    found.add(".".join(pieces[:end]))
    return frozenset(found)


def imported_files(module: str) -> list[Path]:
    """The source files a figure module runs, itself included, followed through imports.

    >>> files = [p.relative_to(SRC).as_posix() for p in imported_files("ch02_derivatives")]
    >>> "backprop/calculus.py" in files, "booktools/figures/_style.py" in files
    (True, True)
    """
    return source_files(f"{_PACKAGE}.{module}")


def source_files(*modules: str) -> list[Path]:
    """The files of src/ that running the named modules reads, themselves included.

    Imports are followed to the end within ``backprop`` and ``booktools``, and
    the data files of :data:`DATA_INPUTS` are added.

    >>> [p.name for p in source_files("backprop.calculus")]
    ['__init__.py', '_checks.py', 'calculus.py']
    """
    python_files = tuple(sorted(str(p) for p in SRC.rglob("*.py")))
    seen: set[str] = set()
    stack = list(modules)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(name)
        if path is not None:
            stack.extend(_imports(path, name, python_files) - seen)
    files = {_module_file(n) for n in seen}
    for name in seen:
        for folder in DATA_INPUTS.get(name, ()):
            files.update(p for p in folder.rglob("*") if p.is_file())
    return sorted((p for p in files if p is not None), key=lambda p: p.as_posix())


def module_key(module: str) -> str:
    """A hash of everything that decides the drawings of one figure module.

    >>> module_key("ch02_derivatives") == module_key("ch02_derivatives")
    True
    >>> len(module_key("ch02_derivatives"))
    64
    """
    import matplotlib
    import numpy

    return files_key(imported_files(module), f"matplotlib {matplotlib.__version__} numpy {numpy.__version__}"
                                             f" manifest {MANIFEST_VERSION}")


def files_key(files: list[Path], versions: str = "") -> str:
    """A hash of what the files compute (Python without docstrings and comments, data as bytes)."""
    digest = hashlib.sha256()
    digest.update(f"python {sys.version_info[:2]} {versions}\n".encode())
    for path in files:
        digest.update(path.relative_to(SRC.parent).as_posix().encode() + b"\0")
        digest.update((_code(path) if path.suffix == ".py" else path.read_bytes()) + b"\0")
    return digest.hexdigest()


def _code(path: Path) -> bytes:
    """What a Python file computes: its syntax tree without docstrings (or comments).

    Editing a docstring of the library then redraws no figure: the API
    reference shows the new text, and the drawings cannot have changed.
    """
    stat = path.stat()
    return _code_of(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=512)
def _code_of(path: Path, mtime_ns: int, size: int) -> bytes:
    """:func:`_code`, parsed once per version of the file (a build hashes each file many times)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                body[0] = ast.Pass()
    return ast.dump(tree, include_attributes=False).encode()


@dataclass
class Built:
    """What :func:`build` produced: every figure's bytes and measurements, and which modules it drew.

    ``info`` holds, by file name, what :func:`booktools.figures.render_with_info`
    measured (``width``, ``height``, ``text``, ``smallest``) and, for a narrow
    variant, ``wide``: the figure it stands in for on a phone.
    """

    files: dict[str, bytes] = field(default_factory=dict)
    info: dict[str, dict] = field(default_factory=dict)
    drawn: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)


def _draw_in_subprocess(modules: list[str], out: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.setdefault("MPLBACKEND", "Agg")
    run = subprocess.run(
        [sys.executable, "-m", "booktools.figures.cache", str(out), *modules],
        env=env, capture_output=True, text=True,
    )
    if run.returncode != 0:
        raise RuntimeError(f"drawing the figures of {', '.join(modules)} failed:\n{run.stderr[-4000:]}")


def build(cache_dir: str | Path) -> Built:
    """Every figure of the book: reused from ``cache_dir`` where nothing changed, drawn otherwise.

    The cache keeps one folder per figure module and key, holding that
    module's files and a ``manifest.json`` (each file's measurements, see
    :class:`Built`); older keys of a module are removed.
    """
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    keys = {module: module_key(module) for module in figure_modules()}
    stale = [m for m, key in keys.items() if not (cache / m / key / "manifest.json").is_file()]
    if stale:
        with tempfile.TemporaryDirectory(dir=cache) as scratch:
            _draw_in_subprocess(stale, Path(scratch))
            for module in stale:
                target = cache / module
                if target.exists():
                    shutil.rmtree(target)
                target.mkdir()
                (Path(scratch) / module).rename(target / keys[module])
    built = Built(drawn=stale, reused=[m for m in keys if m not in stale])
    for module, key in keys.items():
        folder = cache / module / key
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for name, info in manifest.items():
            if name in built.files:
                raise ValueError(f"figure {name!r} is declared by two modules")
            built.files[name] = (folder / name).read_bytes()
            built.info[name] = info
    return built


def _draw(out: Path, modules: list[str]) -> None:
    """In a fresh process: import each module, render its figures into out/<module>/."""
    import importlib

    from booktools import figures

    for module in modules:
        importlib.import_module(f"{_PACKAGE}.{module}")
        names = sorted(n for n, spec in figures.REGISTRY.items() if spec.module == f"{_PACKAGE}.{module}")
        folder = out / module
        folder.mkdir(parents=True)
        manifest = {}
        for name in names:
            spec = figures.REGISTRY[name]
            data, info = figures.render_with_info(spec)
            (folder / name).write_bytes(data)
            manifest[name] = info.as_json() | ({"wide": spec.wide} if spec.wide else {})
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    _draw(Path(sys.argv[1]), sys.argv[2:])
