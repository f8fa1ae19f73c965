"""Chapter Markdown -> notebook conversion (chapter 12's data included), chapter times and
doctest directives (no kernel, no site)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from booktools import reading_time
from booktools.console import strip_directives
from booktools.notebook import chapter_cells, chapter_to_notebook, console_to_code, notebook_json, report_setup_code
from booktools.reading_time import ChapterTime, chapter_time, duration, fill_times, reading_minutes
from hooks import directives
from tests.conftest import DOCS

pytest.importorskip("nbformat")

SITE = "https://owner.github.io/book/"

CHAPTER = '''---
description: A test chapter
---
# 2. Slopes { #slopes }

The slope of $f$ at $x$ is $$f'(x) = \\lim_{h \\to 0} \\frac{f(x+h) - f(x)}{h}.$$

<!--
>>> import math
>>> def f(x):
...     return x * x

-->

```pycon
>>> f(3)
9
>>> f(4)  # doctest: +FLOAT_CMP
16

```

See [chapter 1](01-functions.md#defining-and-calling) and
![A parabola and its tangent at x = 1](figures/ch02-tangent.svg).

!!! warning "Careful"
    Division by zero raises:

    ```pycon
    >>> 1 / 0
    Traceback (most recent call last):
      ...
    ZeroDivisionError: division by zero
    >>> print("after")
    after

    ```

    The notebook goes on.

=== "Python"

    ```python
    print("shown, not run")
    ```

```pycon
>>> math.sqrt(16)  # doctest: +SKIP
4.0
>>> round(math.pi, 2)
3.14

```
'''


@pytest.fixture(scope="module")
def cells():
    return chapter_cells(CHAPTER, site_url=SITE, source_path="02-slopes.md")


def test_prompts_stripped_and_output_dropped(cells):
    code = [cell for cell in cells if cell.kind == "code"]
    assert code[0].source == "import math\n\ndef f(x):\n    return x * x"
    assert code[0].tags == ["hidden-setup"]
    assert code[1].source == "f(3)\nf(4)"  # the doctest directive is gone
    assert not any(line.startswith((">>>", "... ")) for cell in code for line in cell.source.splitlines())


def test_expected_traceback_becomes_a_cell_that_goes_on(cells):
    code = [cell.source for cell in cells if cell.kind == "code"]
    raising = next(source for source in code if "1 / 0" in source)
    assert raising.startswith("try:\n    1 / 0\nexcept ZeroDivisionError as error:")
    assert raising.rstrip().endswith('print("after")')
    namespace: dict = {}
    exec(compile(raising, "<cell>", "exec"), namespace)  # does not raise


def test_unknown_exception_names_fall_back_to_exception():
    code = console_to_code(">>> fail()\nTraceback (most recent call last):\nmypkg.CustomError: no\n")
    assert "except Exception as error:" in code


def test_skipped_examples_are_commented_out(cells):
    code = [cell.source for cell in cells if cell.kind == "code"]
    last = code[-1]
    assert "# math.sqrt(16)" in last and "\nround(math.pi, 2)" in last


def test_prose_math_links_and_figures(cells):
    markdown = "\n\n".join(cell.source for cell in cells if cell.kind == "markdown")
    assert markdown.startswith("# 2. Slopes\n")  # front matter and heading attributes removed
    assert "$$f'(x) = \\lim_{h \\to 0}" in markdown  # math kept for Jupyter to render
    assert f"[chapter 1]({SITE}01-functions/#defining-and-calling)" in markdown
    assert f"![A parabola and its tangent at x = 1]({SITE}figures/ch02-tangent.svg)" in markdown
    assert "> **Careful**" in markdown and "> The notebook goes on." in markdown
    assert "**Python**" in markdown and 'print("shown, not run")' in markdown
    assert "<!--" not in markdown


def test_notebook_is_valid_deterministic_and_starts_with_setup():
    import nbformat

    first = chapter_to_notebook(CHAPTER, repository="owner/book", site_url=SITE, source_path="02-slopes.md")
    second = chapter_to_notebook(CHAPTER, repository="owner/book", site_url=SITE, source_path="02-slopes.md")
    text = notebook_json(first)
    assert text == notebook_json(second)
    nbformat.validate(nbformat.reads(text, as_version=4))
    data = json.loads(text)
    assert data["metadata"]["kernelspec"]["name"] == "python3"
    setup = data["cells"][1]
    assert setup["cell_type"] == "code"
    source = "".join(setup["source"])
    assert "try:\n    import backprop\nexcept ImportError:\n    %pip install" in source
    assert "git+https://github.com/owner/book@main" in source
    assert f"({SITE}02-slopes/)" in "".join(data["cells"][0]["source"])


def test_repository_must_be_owner_slash_name():
    with pytest.raises(ValueError, match="owner/name"):
        chapter_to_notebook("# x\n", repository="https://github.com/o/r", site_url=SITE, source_path="01-x.md")


def test_setup_cell_is_harmless_inside_the_repository():
    """The set-up cell is valid IPython and installs nothing when backprop imports."""
    IPython = pytest.importorskip("IPython")
    from IPython.core.inputtransformer2 import TransformerManager

    nb = chapter_to_notebook("# x\n", repository="owner/book", site_url=SITE, source_path="01-x.md")
    python = TransformerManager().transform_cell(nb.cells[1].source)
    assert "get_ipython().run_line_magic('pip'" in python
    compile(python, "<setup>", "exec")


# A small chapter whose counts are known by hand: about 400 words, one display
# equation, two console examples shown (one of them in a note), one hidden in a
# comment, and two exercises (two formats) whose collapsed solutions hold 100
# words and an example that must not count.
SYNTHETIC = (
    "# 9. Synthetic\n\n"
    + " ".join(["word"] * 196) + "\n\n"
    + "$$\nE = \\sum_i (m x_i + c - y_i)^2\n$$\n\n"
    + "<!--\n>>> hidden = 1\n\n-->\n\n"
    + "```pycon\n>>> a = 1\n>>> print(a)\n" + "1 2 3 4 5\n" * 50 + "\n```\n\n"
    + '!!! note "Aside"\n    ' + " ".join(["word"] * 20) + "\n\n"
    + "    ```pycon\n    >>> b = 2\n\n    ```\n\n"
    + "See [the chapter](01-functions.md#defining-and-calling), "
    + " ".join(["word"] * 162) + ".\n\n"
    + "## Exercises\n\n"
    + "1. " + " ".join(["word"] * 10) + "\n\n"
    + '    ??? success "Solution"\n\n        ' + " ".join(["hidden"] * 50) + "\n\n"
    + "        ```pycon\n        >>> c = 3\n\n        ```\n\n"
    + "**2. Bold.** " + " ".join(["word"] * 2) + "\n\n"
    + '??? success "Solution"\n    ' + " ".join(["hidden"] * 50) + "\n"
)


def test_chapter_time_counts_what_the_page_shows():
    counted = chapter_time(SYNTHETIC)
    # words: "9 Synthetic" 2 + 196 + code "a 1 print a" 4 (not its output) + "note Aside" 2
    # + 20 + "b 2" 2 + link text "See the chapter" 3 (its address is not read) + 162
    # + "Exercises" 1 + "1" 1 + 10 + "2 Bold" 2 + 2 = 407; not the equation, the hidden
    # set-up or the solutions
    assert counted == ChapterTime(words=407, equations=1, examples=2, exercises=2)


def test_chapter_time_formula():
    """reading = words / 200 + 1 min per equation; working adds 2 min per example, 5 per exercise."""
    counted = ChapterTime(words=407, equations=1, examples=2, exercises=2)
    assert counted.reading_exact == pytest.approx(407 / 200 + 1)
    assert counted.working_exact == pytest.approx(407 / 200 + 1 + 2 * 2 + 5 * 2)
    assert counted.reading == 3  # 3.035 to the nearest minute
    assert counted.working == 15  # 17.035 to the nearest 5 minutes
    assert chapter_time(SYNTHETIC).working == 15
    assert ChapterTime(words=100, equations=0, examples=0, exercises=0).reading == 1  # at least 1
    assert ChapterTime(words=100, equations=0, examples=0, exercises=0).working == 5  # at least 5
    assert ChapterTime(words=500, equations=0, examples=0, exercises=0).reading == 3  # 2.5: halves up
    assert ChapterTime(words=0, equations=0, examples=11, exercises=0).working == 20  # 22 -> 20
    assert ChapterTime(words=0, equations=0, examples=0, exercises=5).working == 25
    assert (reading_time.WORDS_PER_MINUTE, reading_time.MINUTES_PER_EQUATION, reading_time.MINUTES_PER_EXAMPLE,
            reading_time.MINUTES_PER_EXERCISE, reading_time.WORKING_ROUNDING) == (200, 1, 2, 5, 5)


def test_durations():
    assert [duration(m) for m in (5, 59, 60, 65, 290)] == ["5 min", "59 min", "1 h", "1 h 5 min", "4 h 50 min"]


def test_reading_minutes_counts_visible_words_only():
    prose = " ".join(["word"] * 360)
    assert reading_minutes(prose) == 2
    hidden = "<!--\n" + "\n".join([">>> x = 1"] * 2000) + "\n-->\n"
    assert reading_minutes(hidden + "Short.") == 1
    output = "```pycon\n>>> print(1)\n" + "\n".join(["1 2 3 4 5"] * 1000) + "\n\n```\n"
    assert reading_minutes(output) == 1
    solution = "Short.\n\n??? success \"Solution\"\n" + "    word\n" * 2000
    assert reading_minutes(solution) == 1


def test_landing_table_placeholders_are_filled():
    times = {
        "01-one.md": ChapterTime(words=600, equations=0, examples=6, exercises=0),  # 3 min, 15 min
        "02-two.md": ChapterTime(words=2000, equations=6, examples=10, exercises=4),  # 16 min, 55 min
    }
    page = (
        "About {{ total_reading_time }} to read, {{ total_working_time }} to work through.\n\n"
        "| # | Chapter | Reading | With examples and exercises |\n"
        "|---|---------|---------|-----------------------------|\n"
        "| 1 | [One](01-one.md) | {{ reading_time }} |\n"
        "| 2 | [Two](02-two.md) |\n"
        "| 3 | [Three](03-three.md) | {{ reading_time }} |\n"
        "|   | **All** | {{ total_reading_time }} | {{ total_working_time }} |\n"
    )
    filled = fill_times(page, times)
    assert "| 1 | [One](01-one.md) | 3 min | 15 min |" in filled
    assert "| 2 | [Two](02-two.md) | 16 min | 55 min |" in filled  # a row without the cells gets them
    assert "| 3 | [Three](03-three.md) | &mdash; | &mdash; |" in filled
    assert "|   | **All** | 19 min | 1 h 10 min |" in filled  # the sums of the rounded figures
    assert filled.startswith("About 19 min to read, 1 h 10 min to work through.")
    assert "{{" not in filled


def test_landing_page_states_the_formula_the_hook_uses():
    """The numbers in the landing page's explanation are the constants the build uses."""
    text = " ".join((DOCS / "index.md").read_text(encoding="utf-8").split())
    for claim in (
        f"{reading_time.WORDS_PER_MINUTE} words a minute",
        f"{reading_time.MINUTES_PER_EQUATION} minute for each displayed equation",
        f"{reading_time.MINUTES_PER_EXAMPLE} minutes for each console example",
        f"{reading_time.MINUTES_PER_EXERCISE} minutes for each exercise",
        f"to the nearest {reading_time.WORKING_ROUNDING} minutes",
    ):
        assert claim in text, f"docs/index.md should say {claim!r}"


# ------------------------------------------------------------------ doctest directives

DIRECTIVES = """Prose that mentions `# doctest: +SKIP` stays as it is.

```pycon
>>> for x in [1, 2]:  # doctest: +FLOAT_CMP
...     print(x / 3)  #doctest:+ELLIPSIS
0.333...
0.666...
>>> s = "# doctest: not a directive"
>>> t = 1  # a comment that stays

```

!!! note
    ```pycon
    >>> 1 / 3  # doctest: +FLOAT_CMP
    0.3333333333333333

    ```

```python
x = 1  # doctest: +SKIP (not a console example: left alone)
```
"""


def test_doctest_directives_are_stripped_from_console_examples():
    stripped = strip_directives(DIRECTIVES)
    assert "Prose that mentions `# doctest: +SKIP` stays as it is." in stripped
    assert ">>> for x in [1, 2]:\n...     print(x / 3)\n0.333...\n" in stripped
    assert '>>> s = "# doctest: not a directive"' in stripped  # inside a string: not a directive
    assert ">>> t = 1  # a comment that stays" in stripped
    assert "    >>> 1 / 3\n    0.3333333333333333" in stripped
    assert "x = 1  # doctest: +SKIP (not a console example: left alone)" in stripped
    assert strip_directives(stripped) == stripped


def test_doctest_directives_are_stripped_from_highlighted_html():
    html = ('<span class="gp">&gt;&gt;&gt; </span><span class="n">x</span>  '
            '<span class="c1"># doctest: +FLOAT_CMP</span>\n'
            '<span class="c1"># a comment</span>')
    assert directives.on_page_content(html, page=None, config=None, files=None) == (
        '<span class="gp">&gt;&gt;&gt; </span><span class="n">x</span>\n<span class="c1"># a comment</span>')


def test_notebook_cells_carry_no_doctest_directive():
    nb = chapter_to_notebook(DIRECTIVES + CHAPTER.split("---\n", 2)[2], repository="owner/book",
                             site_url=SITE, source_path="02-slopes.md")
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    # a directive: doctest's own pattern (a "# doctest:" inside a string is not one)
    assert not re.search(r"#\s*doctest:[^\n'\"]*$", code, re.M), code
    assert "doctest: +SKIP" not in code  # +SKIP examples are commented out without naming doctest
    assert "# math.sqrt(16)" in code


@pytest.mark.parametrize("chapter", sorted(DOCS.glob("[0-9][0-9]-*.md")), ids=lambda path: path.stem)
def test_chapter_notebooks_carry_no_doctest_directive(chapter):
    """The notebook of every real chapter, as the build generates it."""
    markdown = chapter.read_text(encoding="utf-8")
    nb = chapter_to_notebook(markdown, repository="owner/book", site_url=SITE, source_path=chapter.name)
    text = notebook_json(nb)
    assert not re.search(r"#\s*doctest:", text), f"{chapter.name}: a doctest directive in its notebook"


# ------------------------------------------------------------------ chapter 12's data


def test_only_a_chapter_that_imports_the_report_gets_its_set_up_cell():
    for chapter in sorted(DOCS.glob("[0-9][0-9]-*.md")):
        markdown = chapter.read_text(encoding="utf-8")
        nb = chapter_to_notebook(markdown, repository="owner/book", site_url=SITE, source_path=chapter.name)
        bundles = [cell for cell in nb.cells if "booktools/benchmarks_report.py" in cell.source]
        imports = re.search(r"^>>> from booktools\.benchmarks_report import", markdown, re.M)
        assert len(bundles) == (1 if imports else 0), chapter.name
        if imports:  # right after the install cell, before the chapter's first code cell
            assert nb.cells.index(bundles[0]) == 2 and bundles[0].cell_type == "code"
            assert bundles[0].metadata["jupyter"] == {"source_hidden": True}
    assert chapter.name == "12-why-backprop.md" and imports


def test_report_set_up_cell_writes_what_load_reads_outside_the_repository(tmp_path):
    """Run without site-packages (-S) in an empty folder: booktools is not importable, so the
    cell writes the module and the results, and load() finds them next to the module."""
    from booktools import benchmarks_report as report

    probe = (
        "\nimport json\nfrom booktools import benchmarks_report as r\n"
        "print(json.dumps({'file': r.__file__, 'repository': r.RESULTS_DIR.is_dir(),"
        " 'results': {name: r.load(name) for name in sorted(r.TARGETS)}}))\n"
    )
    result = subprocess.run([sys.executable, "-S", "-c", report_setup_code() + probe], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60,
                            env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"})
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert Path(found["file"]).resolve() == (tmp_path / "booktools" / "benchmarks_report.py").resolve()
    assert not found["repository"]  # the fallback, not the repository's benchmarks/results
    assert found["results"] == {name: report.load(name) for name in sorted(report.TARGETS)}
    written = (tmp_path / "booktools" / "benchmarks_report.py").read_text(encoding="utf-8")
    assert written == Path(report.__file__).read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "booktools" / "results").iterdir()) == [
        f"{name}.json" for name in sorted(report.TARGETS)]


def test_an_explorable_keeps_only_its_static_figure_in_the_notebook():
    from booktools.notebook import chapter_cells

    markdown = (
        "Before.\n\n"
        '<div class="bfs-explorable" data-explorable="ch02-step-size" markdown>\n\n'
        "![A figure](figures/ch02-step-size.svg)\n\n"
        '<p class="bfs-explorable__hint" hidden>Move the slider.</p>\n\n'
        "</div>\n\nAfter.\n"
    )
    text = "\n".join("".join(cell.source) if hasattr(cell, "source") else str(cell)
                     for cell in chapter_cells(markdown))
    assert "figures/ch02-step-size.svg" in text and "Before." in text and "After." in text
    assert "bfs-explorable" not in text and "slider" not in text and "</div>" not in text
