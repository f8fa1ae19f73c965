"""Chapter Markdown -> notebook conversion, reading times and reference fences (no kernel, no site)."""

from __future__ import annotations

import json

import pytest

from backprop.notebook import chapter_cells, chapter_to_notebook, console_to_code, notebook_json
from hooks.griffe_docstrings import definition_lists, fence_console_blocks, markdown_roles
from hooks.notebooks import _fill_reading_times, _minutes, reading_minutes

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

<!-- doctest-skip::-->
```pycon
>>> open("/no/such/file")

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


def test_skipped_examples_are_shown_not_run(cells):
    code = [cell.source for cell in cells if cell.kind == "code"]
    assert not any("/no/such/file" in source for source in code)
    assert any("```python\nopen(\"/no/such/file\")\n```" == cell.source for cell in cells)
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


def test_reading_minutes_counts_visible_words_only():
    prose = " ".join(["word"] * 360)
    assert reading_minutes(prose) == 2
    hidden = "<!--\n" + "\n".join([">>> x = 1"] * 2000) + "\n-->\n"
    assert reading_minutes(hidden + "Short.") == 1
    output = "```pycon\n>>> print(1)\n" + "\n".join(["1 2 3 4 5"] * 1000) + "\n\n```\n"
    assert reading_minutes(output) == 1


def test_landing_table_placeholders_are_filled():
    _minutes.clear()
    _minutes.update({"01-one.md": 3, "02-two.md": 7})
    table = (
        "| # | Chapter | Reading time |\n"
        "|---|---------|--------------|\n"
        "| 1 | [One](01-one.md) | {{ reading_time }} |\n"
        "| 2 | [Two](02-two.md) |\n"
        "| 3 | [Three](03-three.md) | {{ reading_time }} |\n"
    )
    filled = _fill_reading_times(table)
    assert "| 1 | [One](01-one.md) | 3 min |" in filled
    assert "| 2 | [Two](02-two.md) | 7 min |" in filled  # a row without the cell gets it
    assert "| 3 | [Three](03-three.md) | &mdash; |" in filled
    _minutes.clear()


def test_reference_fences_console_blocks_outside_examples_sections():
    doc = (
        "Summary.\n\n>>> noisy_line(3)[0].shape\n(3, 1)\n\nMore text.\n\n"
        "Examples\n--------\n>>> 1 + 1\n2\n"
    )
    fenced = fence_console_blocks(doc)
    assert "```pycon\n>>> noisy_line(3)[0].shape\n(3, 1)\n```" in fenced
    assert fenced.endswith("Examples\n--------\n>>> 1 + 1\n2")  # griffe renders these itself


def test_reference_turns_sphinx_roles_and_definition_lists_into_markdown():
    assert markdown_roles("error :math:`O(h^2)` of :func:`derivative`") == "error $O(h^2)$ of `derivative`"
    assert markdown_roles(":class:`~backprop.nn.Dense`") == "`Dense`"
    text = 'Methods:\n\n``"forward"``\n    first line\n    second line.\n``"central"``\n    other.\n\nParameters\n----------\nf:\n    A function.\n'
    converted = definition_lists(text)
    assert '``"forward"``\n:   first line\n    second line.\n``"central"``\n:   other.' in converted
    assert converted.endswith("Parameters\n----------\nf:\n    A function.")  # sections untouched
