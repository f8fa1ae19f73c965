"""The library's docstrings are Markdown that mkdocstrings renders as written.

No extension rewrites them on the way to the API reference, so: cross-references
are Markdown (``[`derivative`][]``), math is ``$...$`` (KaTeX), console examples
sit in a numpy ``Examples`` section (griffe renders those as code; elsewhere
Markdown would read ``>>>`` as a quote), and module constants are documented
by a docstring under them, not a ``#:`` comment (which mkdocstrings ignores).
The built reference pages must show the math and the links.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "backprop"
MODULES = sorted(PACKAGE.rglob("*.py"))
SPHINX_ROLE = re.compile(r":(?:py:)?(?:func|class|mod|meth|exc|attr|data|obj|math):`")
EXAMPLES_HEADER = re.compile(r"^[ \t]*Examples?[ \t]*\n[ \t]*-{3,}[ \t]*$", re.M)
FENCE = re.compile(r"^[ \t]*```.*?^[ \t]*```[ \t]*$", re.M | re.S)


def docstrings(path: Path):
    """``(line, text)`` of every docstring of a module: module, classes, functions, attributes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for i, stmt in enumerate(body):
            is_string = (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                         and isinstance(stmt.value.value, str))
            # the docstring of the node itself, or of the assignment just above it
            if is_string and (i == 0 or isinstance(body[i - 1], (ast.Assign, ast.AnnAssign))):
                yield stmt.lineno, stmt.value.value


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_docstrings_are_markdown(path):
    problems = []
    for line, text in docstrings(path):
        if SPHINX_ROLE.search(text):
            problems.append(f"line {line}: a Sphinx role; write [`name`][] or $math$")
        if re.search(r"::[ \t]*$", text, re.M):
            problems.append(f"line {line}: a reStructuredText literal block (::); end with ':' and indent or fence")
        header = EXAMPLES_HEADER.search(text)
        before = FENCE.sub("", text[: header.start()] if header else text)
        if re.search(r"^[ \t]*>>>", before, re.M):
            problems.append(f"line {line}: a >>> example outside an 'Examples' section")
    assert not problems, f"{_name(path)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_public_constants_have_docstrings_not_doc_comments(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [i + 1 for i, text in enumerate(lines[:-1])
                if text.startswith("#:") and re.match(r"[A-Z][A-Z0-9_]*\b", lines[i + 1])]
    assert not comments, f"{_name(path)}: '#:' comments on lines {comments}; use a docstring under the name"


def test_reference_pages_render_math_and_cross_references(built_site):
    pages = {name: (built_site / "reference" / name / "index.html").read_text(encoding="utf-8")
             for name in ("calculus", "descent", "gradcheck", "optim")}
    for name, page in pages.items():
        prose = re.sub(r"<pre\b.*?</pre>", "", page, flags=re.S)  # the source listings hold the raw text
        assert 'class="arithmatex"' in prose, f"reference/{name}: no math"
        assert "][]" not in prose and ":math:" not in prose, f"reference/{name}: unrendered Markdown"
    assert 'href="#backprop.calculus.partial"' in pages["calculus"]
    assert 'href="../calculus/#backprop.calculus.partial"' in pages["descent"]  # across pages
    assert 'class="language-pycon highlight"' in pages["optim"]  # a module's Examples section
