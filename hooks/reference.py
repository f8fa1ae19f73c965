"""MkDocs hook: one API reference page per public module of ``backprop``.

The modules are found on disk, not listed by hand, so a module that does not
exist yet breaks nothing and a new one gets its page at the next build:

- ``on_config`` appends a page per module to the ``Reference`` section of the
  ``nav`` (after the section's own pages, e.g. ``reference/index.md``);
- ``on_files`` generates ``reference/<module>.md``, holding a mkdocstrings
  ``::: backprop.<module>`` block that renders the module's numpy-style
  docstrings;
- ``on_page_markdown`` fills ``{{ reference_modules }}`` in
  ``reference/index.md`` with a table of the modules and the first line of
  each module's docstring.

Only ``backprop`` is documented: the book's own tooling (``booktools``) is not
part of the library a reader installs.
"""

from __future__ import annotations

import ast
import pkgutil
from importlib.util import find_spec
from pathlib import Path

from mkdocs.structure.files import File, Files

#: Reading order of the modules (the path of the book); others follow by name.
ORDER = ["calculus", "descent", "datasets", "twolayer", "engine", "dual", "nn", "gradcheck", "losses", "optim", "digits"]
SECTION = "Reference"
PLACEHOLDER = "{{ reference_modules }}"


def _package_dir() -> Path:
    spec = find_spec("backprop")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the backprop package is not importable: run `pip install -e .`")
    return Path(next(iter(spec.submodule_search_locations)))


def modules() -> list[tuple[str, Path]]:
    """Public modules of ``backprop`` on disk, in reading order, with their source file."""
    found = {}
    package = _package_dir()
    for info in pkgutil.iter_modules([str(package)]):
        if info.name.startswith("_"):
            continue
        path = package / info.name / "__init__.py" if info.ispkg else package / f"{info.name}.py"
        found[info.name] = path
    ordered = [name for name in ORDER if name in found]
    ordered += sorted(set(found) - set(ordered))
    return [(name, found[name]) for name in ordered]


def summary(path: Path) -> str:
    """The first line of a module's docstring, read without importing it."""
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    except SyntaxError:
        return ""
    return (doc or "").strip().splitlines()[0] if doc else ""


def on_config(config):
    nav = config["nav"]
    if not nav:
        return config
    for item in nav:
        if isinstance(item, dict) and SECTION in item:
            section = item[SECTION]
            if not isinstance(section, list):
                section = item[SECTION] = [section]
            listed = {next(iter(entry.values())) if isinstance(entry, dict) else entry for entry in section}
            for name, _ in modules():
                if f"reference/{name}.md" not in listed:
                    section.append({f"backprop.{name}": f"reference/{name}.md"})
    return config


def on_files(files: Files, config) -> Files:
    package = _package_dir()
    for name, path in modules():
        source = f"src/backprop/{path.relative_to(package).as_posix()}"
        description = summary(path).replace("'", "''")  # YAML single-quoted
        content = (
            "---\n"
            f"edit_path: {source}\n"
            f"description: 'API reference of backprop.{name}: {description}'\n"
            "---\n\n"
            f"::: backprop.{name}\n"
        )
        files.append(File.generated(config, f"reference/{name}.md", content=content))
    return files


def on_page_markdown(markdown: str, page, config, files: Files) -> str:
    if PLACEHOLDER not in markdown:
        return markdown
    rows = ["| Module | What it holds |", "|---|---|"]
    for name, path in modules():
        rows.append(f"| [`backprop.{name}`]({name}.md) | {summary(path).replace('|', '/')} |")
    return markdown.replace(PLACEHOLDER, "\n".join(rows))
