"""Turn a chapter of the book (Markdown with console examples) into a Jupyter notebook.

The site build (``hooks/notebooks.py``) calls :func:`chapter_to_notebook` for
every chapter, so each page can be downloaded, or opened in Colab, as a
notebook that runs top to bottom. Nothing is written by hand: the notebook is
regenerated from the chapter's Markdown at every build.

How a chapter maps to cells:

- Prose becomes Markdown cells. Math stays as ``$...$``, which Jupyter and
  Colab render. Relative links and images (``figures/ch02-x.svg``,
  ``03-partial-derivatives.md``) become absolute addresses on the published
  site, because a downloaded notebook has no ``figures/`` folder beside it.
- Each Python console example (a fence whose first line starts with ``>>>``,
  normally written as a ``pycon`` fence) becomes one code cell: the ``>>>``
  and ``...`` prompts are removed and the printed output is left out (running
  the cell prints it again). ``# doctest:`` comments are removed. The
  examples are read by :mod:`booktools.console`, as doctest reads them.
- A console example that the book shows *raising* an exception (its expected
  output is a ``Traceback``) is wrapped in ``try``/``except`` that prints the
  error, so "Run all" goes on to the next cell in Jupyter *and* in Colab.
  (The alternative, a ``raises-exception`` cell tag, is honoured by nbclient
  and JupyterLab but not by Colab, whose "Run all" would stop there.)
- Console examples hidden in an HTML comment (set-up that the page does not
  show) become code cells too, since later cells need them.
- An example marked ``# doctest: +SKIP``, which the tests do not run, is
  commented out.
- Material's admonitions (``!!! note "Title"``) become quotes and content tabs
  (``=== "Tab"``) bold labels; a code cell inside one is lifted out of it.

The notebook starts with a set-up cell that installs the package from the
book's GitHub repository when ``import backprop`` fails (Colab, a fresh
environment) and does nothing inside a clone of the repository. It also
makes every expression in a cell show its value, as the book's console
examples do. A chapter that imports the book's report module
(``booktools.benchmarks_report``, chapter 12) gets a second set-up cell that
writes that module and the measurements it reads next to the notebook, since
neither comes with the package (:func:`report_setup_code`).

``nbformat`` is imported inside the functions that need it (it comes with the
docs tooling), so ``import backprop`` never needs it.
"""

from __future__ import annotations

import builtins
import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from posixpath import normpath
from typing import Any

from booktools import console

__all__ = [
    "Cell",
    "chapter_cells",
    "console_to_code",
    "setup_code",
    "report_setup_code",
    "colab_url",
    "chapter_to_notebook",
    "notebook_json",
]

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*)$")
_ADMONITION = re.compile(r'^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)(?:[ \t]+[^"\n]*?)?(?:[ \t]*"(?P<title>[^"]*)")?[ \t]*$')
_TAB = re.compile(r'^(?P<indent>[ \t]*)===\+?[ \t]+"(?P<title>[^"]*)"[ \t]*$')
_LINK = re.compile(r"(?P<open>!?\[(?:[^\[\]]|\[[^\]]*\])*\]\()(?P<target>[^)\s]+)(?P<rest>(?:[ \t]+\"[^\"]*\")?\))")
_ATTR_LINE = re.compile(r"^[ \t]*\{:?[ \t]*[.#][^}]*\}[ \t]*$")
_HEADING_ATTR = re.compile(r"^(#{1,6} .*?)[ \t]+\{:?[ \t]*[.#][^}]*\}[ \t]*$")
_ABBREVIATION = re.compile(r"^\*\[[^\]]+\]:")
#: An explorable's wrapper and its hint (hooks/explorables.py brings them to
#: life on the site): a notebook has no slider, so it keeps only what they
#: wrap, the static figure.
_EXPLORABLE_OPEN = re.compile(r'^\s*<div class="bfs-explorable"[^>]*>\s*$')
_EXPLORABLE_HINT = re.compile(r'^\s*<p class="bfs-explorable__hint"[^>]*>.*</p>\s*$')
#: Names for the exception an example raises on purpose, the first one the chapter does not use.
_ERROR_NAMES = ("error", "err", "exc", "exception", "caught")


@dataclass
class Cell:
    """One notebook cell before it is turned into ``nbformat``: ``kind`` is
    ``"markdown"`` or ``"code"``."""

    kind: str
    source: str
    tags: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Console examples -> code


def _shown_exception(name: str) -> str:
    """``name`` when it is a built-in exception, else ``"Exception"``: a cell can
    catch a built-in by name, but not ``backprop.descent.DivergenceError`` unless
    ``backprop`` itself is imported."""
    candidate = getattr(builtins, name, None)
    if isinstance(candidate, type) and issubclass(candidate, BaseException):
        return name
    return "Exception"


def console_to_code(text: str, error_name: str = "error") -> str:
    """Return the code of a Python console session: prompts removed, output left out.

    >>> print(console_to_code('''
    ... >>> def sq(x):
    ... ...     return x * x
    ... >>> sq(4)
    ... 16
    ... '''))
    def sq(x):
        return x * x
    sq(4)

    An example whose expected output is a traceback is wrapped so that it does
    not stop the notebook. The caught exception is bound to ``error_name``,
    which Python unbinds after the ``except`` block, so pick a name the
    chapter does not use otherwise:

    >>> print(console_to_code('''
    ... >>> 1 / 0
    ... Traceback (most recent call last):
    ... ZeroDivisionError: division by zero
    ... '''))
    try:
        1 / 0
    except ZeroDivisionError as error:  # the book shows this error on purpose
        print(f"{type(error).__name__}: {error}")

    An example marked ``# doctest: +SKIP``, which the tests do not run, is
    commented out.
    """
    lines: list[str] = []
    for example in console.examples(text):
        source = example.code.splitlines()
        if example.skipped:
            if lines:
                lines.append("")
            lines.append("# Not run by the book's tests, so not run here either:")
            lines.extend("# " + line if line else "#" for line in source)
            continue
        if lines and (len(source) > 1 or lines[-1].startswith((" ", "#"))):
            lines.append("")  # a blank line around multi-line statements, for reading
        if example.exception is None:
            lines.extend(source)
        else:
            lines.append("try:")
            lines.extend("    " + line if line else "" for line in source)
            lines.append(f"except {_shown_exception(example.exception)} as {error_name}:"
                         "  # the book shows this error on purpose")
            lines.append(f'    print(f"{{type({error_name}).__name__}}: {{{error_name}}}")')
    return "\n".join(lines).strip("\n")


# ---------------------------------------------------------------------------
# Markdown -> cells


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """Index after the indented body (admonition or tab) that starts at ``start``."""
    end = start
    last_content = start
    while end < len(lines):
        line = lines[end]
        if line.strip():
            if len(line) - len(line.lstrip()) <= indent:
                break
            last_content = end + 1
        end += 1
    return last_content


def _rewrite_links(markdown: str, site_url: str, page_dir: str) -> str:
    """Make relative links and images absolute addresses on the published site."""

    def absolute(match: re.Match[str]) -> str:
        target = match["target"]
        if re.match(r"^[a-z][a-z0-9+.-]*:|^/|^#", target, re.I):
            return match.group()
        path, _, anchor = target.partition("#")
        path = normpath(f"{page_dir}/{path}" if page_dir else path)
        if path.endswith(".md") or path.endswith(".ipynb"):
            path = path.rsplit(".", 1)[0]
            if path == "index" or path.endswith("/index"):
                path = path[: -len("index")]
            else:
                path += "/"
        url = site_url.rstrip("/") + "/" + path.lstrip("./")
        if anchor:
            url += "#" + anchor
        return match["open"] + url + match["rest"]

    return _LINK.sub(absolute, markdown)


def _clean_markdown(lines: list[str]) -> list[str]:
    kept = []
    explorable = False
    for line in lines:
        if _EXPLORABLE_OPEN.match(line):
            explorable = True
            continue
        if explorable and line.strip() == "</div>":
            explorable = False
            continue
        if _ATTR_LINE.match(line) or _ABBREVIATION.match(line) or _EXPLORABLE_HINT.match(line):
            continue
        heading = _HEADING_ATTR.match(line)
        kept.append(heading.group(1) if heading else line)
    return kept


def _parse(lines: list[str], state: dict[str, Any]) -> list[Cell]:
    """Parse Markdown lines into cells (recursive for admonitions and tabs)."""
    cells: list[Cell] = []
    prose: list[str] = []

    def flush() -> None:
        text = "\n".join(_clean_markdown(prose)).strip("\n")
        if text.strip():
            cells.append(Cell("markdown", text))
        prose.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("<!--"):
            end = i
            while "-->" not in lines[end] and end + 1 < len(lines):
                end += 1
            comment = "\n".join(lines[i : end + 1])
            inner = comment.split("<!--", 1)[1].rsplit("-->", 1)[0]
            if console.is_session(inner):
                flush()
                code = console_to_code(inner, state["error_name"])
                if code:
                    cells.append(Cell("code", code, ["hidden-setup"]))
            i = end + 1
            continue
        fence = _FENCE.match(line)
        if fence:
            indent, marker = fence["indent"], fence["fence"]
            end = i + 1
            closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
            while end < len(lines) and not closing.match(lines[end]):
                end += 1
            body = [ln[len(indent) :] if ln.startswith(indent) else ln.lstrip() for ln in lines[i + 1 : end]]
            if console.is_session("\n".join(body)):
                flush()
                code = console_to_code("\n".join(body), state["error_name"])
                if code:
                    cells.append(Cell("code", code))
            else:
                prose.extend(lines[i : end + 1])
            i = end + 1
            continue
        block = _ADMONITION.match(line) or _TAB.match(line)
        if block:
            flush()
            is_tab = block.re is _TAB
            indent = len(block["indent"])
            end = _block_end(lines, i + 1, indent)
            body = textwrap.dedent("\n".join(lines[i + 1 : end])).splitlines()
            title = block["title"]
            if title is None:
                title = block["kind"].replace("-", " ").capitalize()
            inner = _parse(body, state)
            label = f"**{title}**" if title else ""
            if is_tab:
                if label:
                    cells.append(Cell("markdown", label))
                cells.extend(inner)
            else:
                quoted = [label] if label else []
                for cell in inner:
                    if cell.kind == "markdown":
                        quoted.append(cell.source)
                        continue
                    if quoted:
                        cells.append(Cell("markdown", _quote("\n\n".join(quoted))))
                        quoted = []
                    cells.append(cell)
                if quoted:
                    cells.append(Cell("markdown", _quote("\n\n".join(quoted))))
            i = end
            continue
        prose.append(line)
        i += 1
    flush()
    return cells


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines())


def _strip_front_matter(markdown: str) -> str:
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end != -1:
            return markdown[end + 5 :]
    return markdown


def chapter_cells(markdown: str, *, site_url: str = "", source_path: str = "") -> list[Cell]:
    """Split a chapter's Markdown into notebook cells (no set-up cell).

    ``source_path`` is the chapter's path inside ``docs/`` (``"02-derivatives.md"``);
    with ``site_url`` it turns relative links into absolute ones.

    >>> cells = chapter_cells('''# Squares
    ...
    ... The square of $x$ is $x^2$:
    ...
    ... ```pycon
    ... >>> 3 ** 2
    ... 9
    ...
    ... ```
    ...
    ... ![A parabola through the origin](figures/ch01-square.svg)
    ... ''', site_url="https://example.org/book/", source_path="01-squares.md")
    >>> [cell.kind for cell in cells]
    ['markdown', 'code', 'markdown']
    >>> cells[1].source
    '3 ** 2'
    >>> cells[2].source
    '![A parabola through the origin](https://example.org/book/figures/ch01-square.svg)'
    """
    used = set(re.findall(r"\w+", markdown))
    error_name = next((name for name in _ERROR_NAMES if name not in used), "error_shown_by_the_book")
    cells = _parse(_strip_front_matter(markdown).splitlines(), {"error_name": error_name})
    if site_url:
        page_dir = source_path.rpartition("/")[0]
        for cell in cells:
            if cell.kind == "markdown":
                cell.source = _rewrite_links(cell.source, site_url, page_dir)
    return cells


def setup_code(repository: str, branch: str = "main") -> str:
    """The first code cell: install the package when it is missing, then show every value."""
    return (
        "# Set-up: run this cell first. Inside a clone of the book's repository\n"
        "# (after `pip install -e .`) it installs nothing; anywhere else (Colab,\n"
        "# a fresh environment) it installs the book's `backprop` package.\n"
        "try:\n"
        "    import backprop\n"
        "except ImportError:\n"
        f'    %pip install --quiet "backprop-from-scratch @ git+https://github.com/{repository}@{branch}"\n'
        "\n"
        "# Show the value of every expression in a cell, as the console examples\n"
        "# of the book do (by default a notebook shows only the last one).\n"
        "from IPython import get_ipython\n"
        'get_ipython().ast_node_interactivity = "all"'
    )


#: A code cell that imports the book's report module (chapter 12).
_IMPORTS_REPORT = re.compile(r"^[ \t]*(?:from|import)[ \t]+booktools\.benchmarks_report\b", re.M)
_BUNDLE_INIT = (
    '"""The part of the book\'s tooling that chapter 12 reads its measurements with,\n'
    'written next to the notebook by the notebook\'s set-up cell."""\n'
)


def _literal(text: str) -> str:
    r"""``text`` as a triple-quoted Python string literal that reads back as ``text``.

    >>> import ast
    >>> samples = ["a\\b \r", "''' '''' x", "ends with '", "'''", "''"]
    >>> all(ast.literal_eval(_literal(text)) == text for text in samples)
    True
    """
    body = text.rstrip("'")
    body = body.replace("\\", "\\\\").replace("\r", "\\r").replace("'''", "''\\'")
    body += "\\'" * (len(text) - len(text.rstrip("'")))  # a quote before the closing ''' is escaped
    return f"'''{body}'''"


def report_setup_code() -> str:
    """The set-up cell of a chapter that imports ``booktools.benchmarks_report``.

    Outside a clone of the repository (Colab, a fresh environment) it writes a
    ``booktools/`` package next to the notebook: the report module's source,
    and the results of every benchmark in ``booktools/results/``, where
    :func:`booktools.benchmarks_report.load` looks when the repository's
    ``benchmarks/results`` is not there. Inside a clone it writes nothing.
    The measurements are the repository's when the notebook is generated,
    the ones the chapter prints.

    >>> code = report_setup_code()
    >>> print(code.splitlines()[0])
    #@title Set-up for this chapter: the measurements it reads
    >>> "'booktools/results/gradient_cost.json'" in code
    True
    """
    from booktools import benchmarks_report as report

    files = {
        "booktools/__init__.py": _BUNDLE_INIT,
        "booktools/benchmarks_report.py": Path(report.__file__).read_text(encoding="utf-8"),
    }
    folder = report.BUNDLED_RESULTS_DIR.name
    for name in sorted(report.TARGETS):
        files[f"booktools/{folder}/{name}.json"] = json.dumps(report.load(name), separators=(",", ":")) + "\n"
    entries = "".join(f"        {name!r}: {_literal(text)},\n" for name, text in files.items())
    return (
        "#@title Set-up for this chapter: the measurements it reads\n"
        "# This chapter reads what `make bench` measured (benchmarks/results/*.json in\n"
        "# the book's repository) with the book's report module, booktools.benchmarks_report.\n"
        "# Neither comes with the backprop package, so outside a clone of the repository\n"
        "# this cell writes both next to this notebook, in a folder booktools/.\n"
        "try:\n"
        "    import booktools.benchmarks_report\n"
        "except ImportError:\n"
        "    import importlib\n"
        "    import pathlib\n"
        "\n"
        "    _files = {\n"
        f"{entries}"
        "    }\n"
        "    for _name, _text in _files.items():\n"
        "        _path = pathlib.Path(_name)\n"
        "        _path.parent.mkdir(parents=True, exist_ok=True)\n"
        '        _path.write_text(_text, encoding="utf-8")\n'
        "    importlib.invalidate_caches()"
    )


def colab_url(repository: str, branch: str, name: str) -> str:
    """Where Colab opens the notebook ``name`` of ``branch`` in the GitHub ``repository``.

    >>> colab_url("owner/book", "notebooks", "02-derivatives.ipynb")
    'https://colab.research.google.com/github/owner/book/blob/notebooks/02-derivatives.ipynb'
    """
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/{name}"


def chapter_to_notebook(
    markdown: str,
    *,
    repository: str,
    site_url: str,
    source_path: str,
    branch: str = "main",
) -> Any:
    """Return the notebook (an ``nbformat`` v4 node) of one chapter.

    Parameters
    ----------
    markdown : str
        The chapter's Markdown source.
    repository : str
        The GitHub repository, ``"owner/name"``, that the set-up cell installs from.
    site_url : str
        The address of the published site; relative links and figures are made
        absolute with it.
    source_path : str
        The chapter's path inside ``docs/``, such as ``"02-derivatives.md"``.
    branch : str
        The branch the set-up cell installs from.

    Examples
    --------
    >>> nb = chapter_to_notebook("# One\\n\\n```pycon\\n>>> 1 + 1\\n2\\n\\n```\\n",
    ...     repository="owner/book", site_url="https://owner.github.io/book/",
    ...     source_path="01-one.md")
    >>> [cell.cell_type for cell in nb.cells]
    ['markdown', 'code', 'markdown', 'code']
    >>> nb.cells[3].source
    '1 + 1'
    """
    import nbformat
    from nbformat import v4

    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository or ""):
        raise ValueError(f"repository must look like 'owner/name', got {repository!r}")
    page_url = _rewrite_links(f"[page]({source_path})", site_url, "")[len("[page](") : -1]
    intro = (
        f"*This notebook is generated from [a chapter of Backprop from Scratch]({page_url}).* "
        "Run the set-up cell first, then the cells in order: each code cell is one "
        "console example of the page, without its `>>>` prompts and printed output."
    )
    cells = [v4.new_markdown_cell(intro), v4.new_code_cell(setup_code(repository, branch))]
    body = chapter_cells(markdown, site_url=site_url, source_path=source_path)
    if any(cell.kind == "code" and _IMPORTS_REPORT.search(cell.source) for cell in body):
        data = v4.new_code_cell(report_setup_code())
        data.metadata["cellView"] = "form"  # Colab shows the title, not the long code
        data.metadata["jupyter"] = {"source_hidden": True}  # so does JupyterLab
        cells.append(data)
    for cell in body:
        if cell.kind == "code":
            node = v4.new_code_cell(cell.source)
            if cell.tags:
                node.metadata["tags"] = list(cell.tags)
        else:
            node = v4.new_markdown_cell(cell.source)
        cells.append(node)
    for number, node in enumerate(cells):
        node.id = f"cell-{number}"  # stable ids: the same chapter gives the same bytes
    nb = v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "colab": {"provenance": []},
    }
    nbformat.validate(nb)
    return nb


def notebook_json(nb: Any) -> str:
    """Serialise a notebook to the text of an ``.ipynb`` file (stable key order)."""
    import nbformat

    return nbformat.writes(nb) + "\n"
