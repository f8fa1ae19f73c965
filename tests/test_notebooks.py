"""The reader's notebooks: every chapter's notebook runs top to bottom, and the site offers it.

Each chapter ``docs/NN-slug.md`` is converted with :mod:`booktools.notebook` (as
the site build does) and executed with nbclient on the ``python3`` kernel of
this environment; any cell that raises fails the test, naming the chapter.
(``tests/test_notebooks_installed.py`` runs them again where readers run them:
the package installed from its wheel, outside the repository, offline.)
The built site (the ``built_site`` fixture) must serve those notebooks, link
them from the chapter pages, and show the reading times and API pages.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from booktools.notebook import chapter_to_notebook
from tests.conftest import DOCS, ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

CHAPTERS = sorted(DOCS.glob("[0-9][0-9]-*.md"))
WALKTHROUGH = DOCS / "notebooks" / "seed-walkthrough.ipynb"
#: Seconds one cell may run: a chapter example that needs longer belongs in a benchmark.
CELL_TIMEOUT = 120
REPOSITORY = "owner/backprop-from-scratch"
SITE_URL = "https://owner.github.io/backprop-from-scratch/"


def notebook_of(chapter: Path):
    return chapter_to_notebook(
        chapter.read_text(encoding="utf-8"),
        repository=REPOSITORY,
        site_url=SITE_URL,
        source_path=chapter.name,
    )


def test_there_are_chapters():
    assert CHAPTERS, "no docs/NN-*.md chapters found"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_chapter_notebook_runs_top_to_bottom(chapter, tmp_path, monkeypatch):
    from nbclient.exceptions import CellExecutionError

    # The kernel imports this checkout's backprop, so the set-up cell never installs.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = notebook_of(chapter)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        allow_errors=False,
        resources={"metadata": {"path": str(tmp_path)}},  # cells that write files write here
    )
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"the notebook of {chapter.name} stops with an error:\n{error}")

    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code), "a code cell did not run"
    setup_output = "".join(output.get("text", "") for output in code[0].outputs)
    assert setup_output == "", f"the set-up cell printed (did it install?): {setup_output!r}"
    errors = [out for cell in code for out in cell.outputs if out.output_type == "error"]
    assert errors == []


def test_walkthrough_is_committed_without_outputs():
    nb = nbformat.read(WALKTHROUGH, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "strip the outputs before committing"
    assert nb.metadata.kernelspec.name == "python3"
    sources = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert "matplotlib.use" not in sources, "never pick a backend inside a notebook"
    for name in ("backprop.calculus", "backprop.datasets"):
        assert name in sources


# ---------------------------------------------------------------------------
# The built site


def _html(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_site_serves_and_links_the_chapter_notebook(built_site, chapter):
    served = built_site / "notebooks" / f"{chapter.stem}.ipynb"
    assert served.is_file(), f"{served.name} missing from the site"
    nb = nbformat.reads(served.read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(nb)
    expected = notebook_of(chapter)
    # The same code as the converter gives (the set-up cell names the deploy's
    # repository, and links in the prose the deploy's address).
    def code(notebook):
        return [cell.source for cell in notebook.cells[2:] if cell.cell_type == "code"]

    assert code(nb) == code(expected)

    html = _html(built_site, chapter.stem)
    assert f'href="../notebooks/{chapter.stem}.ipynb"' in html, "no Download notebook link"
    colab = re.search(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', html)
    assert colab and colab[1].endswith(f"/blob/notebooks/{chapter.stem}.ipynb"), "no Open in Colab link"
    assert re.search(r"\d+ min read", html)
    assert 'rel="edit"' in html and f"/edit/main/docs/{chapter.name}" in html
    assert '<meta property="og:title"' in html


def test_landing_page_shows_reading_times_and_the_path(built_site):
    html = _html(built_site, ".")
    assert "reading_time" not in html, "a reading-time placeholder was left unfilled"
    for chapter in CHAPTERS:
        row = re.search(rf'<tr>(?:(?!</tr>).)*href="{chapter.stem}/"(?:(?!</tr>).)*</tr>', html, re.S)
        if row:  # a chapter listed in the table shows its reading time
            assert re.search(r"<td>\d+ min</td>", row.group()), f"no reading time for {chapter.name}"
    assert 'src="figures/ch00-path.svg"' in html


def test_walkthrough_page_is_executed(built_site):
    html = _html(built_site, "notebooks/seed-walkthrough")
    assert html.count("data:image/png;base64") >= 3, "the notebook's plots are missing (MPLBACKEND set?)"
    assert "Traceback" not in html


def test_reference_has_a_page_per_module(built_site):
    from hooks.reference import modules

    found = modules()
    assert any(name == "calculus" for name, _ in found)
    for name, _ in found:
        html = _html(built_site, f"reference/{name}")
        assert f"backprop.{name}" in html
        assert 'class="doc doc-' in html, f"mkdocstrings rendered nothing for backprop.{name}"
    index = _html(built_site, "reference")
    assert "{{ reference_modules }}" not in index


def test_search_index_is_built(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert len(index["docs"]) > len(CHAPTERS)


def test_the_walkthrough_installs_backprop_where_it_is_missing():
    # Like the chapter notebooks, the companion notebook must run in Colab:
    # its first code cell installs the package from the repository that
    # mkdocs.yml names (extra.repository, its default when not on GitHub Actions).
    nb = json.loads(WALKTHROUGH.read_text(encoding="utf-8"))
    first = next("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    default = re.search(r'repository: !ENV \[GITHUB_REPOSITORY, "([^"]+)"\]',
                        (ROOT / "mkdocs.yml").read_text(encoding="utf-8")).group(1)
    assert "try:\n    import backprop\nexcept ImportError:\n    %pip install" in first
    assert f"git+https://github.com/{default}@main" in first
