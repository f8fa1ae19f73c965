"""booktools.console: console examples read as doctest reads them, for every tool that needs them."""

from __future__ import annotations

import doctest
import re

import pytest

from booktools import console
from tests.conftest import DOCS

CHAPTERS = sorted(DOCS.glob("[0-9][0-9]-*.md"))

SESSION = '''Prose with `>>>` inline is not an example.

    ```pycon
    >>> from math import sqrt
    >>> for x in [1, 4]:  # doctest: +FLOAT_CMP
    ...     print(sqrt(x))
    ...
    1.0
    2.0
    >>> sqrt(-1)
    Traceback (most recent call last):
      ...
    ValueError: math domain error
    >>> raise_custom()  # doctest: +SKIP
    Traceback (most recent call last):
    mypkg.errors.CustomError: no
    >>> s = "# doctest: +SKIP"

    ```
'''


def test_examples_give_code_output_exception_and_skip():
    found = console.examples(SESSION)
    assert [e.code for e in found] == [
        "from math import sqrt",
        "for x in [1, 4]:\n    print(sqrt(x))",
        "sqrt(-1)",
        "raise_custom()",
        's = "# doctest: +SKIP"',  # inside a string: not a directive
    ]
    assert [e.want for e in found][:2] == ["", "1.0\n2.0\n"]
    assert [e.exception for e in found] == [None, None, "ValueError", "mypkg.errors.CustomError", None]
    assert [e.skipped for e in found] == [False, False, False, True, False]
    assert [e.lineno for e in found] == [3, 4, 9, 13, 16]


def test_examples_agree_with_doctest_on_every_chapter():
    """The same examples, sources and outputs as the parser the doctests run with."""
    for chapter in CHAPTERS:
        text = chapter.read_text(encoding="utf-8")
        ours = console.examples(text, chapter.name)
        theirs = doctest.DocTestParser().get_examples(text, chapter.name)
        assert len(ours) == len(theirs) > 0, chapter.name
        for mine, reference in zip(ours, theirs):
            assert mine.want == reference.want and mine.lineno == reference.lineno
            without_directive = re.sub(r"[ \t]*#\s*doctest:[^\n'\"]*$", "", reference.source, flags=re.M)
            assert mine.code == without_directive.rstrip(), (chapter.name, mine.lineno)
            assert (mine.exception is None) == (reference.exc_msg is None)


def test_code_is_what_a_reader_types():
    assert console.code(SESSION).splitlines()[:3] == ["from math import sqrt", "for x in [1, 4]:", "    print(sqrt(x))"]
    assert ">>>" not in console.code(SESSION) and "doctest: +" not in console.code(SESSION).replace('"# doctest: +SKIP"', "")
    assert console.code("no examples here") == ""


def test_strip_directives_touches_prompt_lines_only():
    stripped = console.strip_directives(SESSION)
    assert "    >>> for x in [1, 4]:\n    ...     print(sqrt(x))\n" in stripped
    assert "    >>> raise_custom()\n" in stripped
    assert '>>> s = "# doctest: +SKIP"' in stripped
    assert stripped.startswith("Prose with `>>>` inline")
    text = "```python\nx = 1  # doctest: +SKIP\n```\nOutput line  # doctest: +SKIP\n"
    assert console.strip_directives(text) == text  # not console lines
    assert console.strip_directives(stripped) == stripped
    assert console.strip_directives(">>> x = 1  # doctest: +FLOAT_CMP\r\n") == ">>> x = 1\r\n"


def test_is_session():
    assert console.is_session("\n    >>> 1\n")
    assert not console.is_session("x = 1\n>>> x\n")
    assert not console.is_session("   \n")


def test_the_book_s_options_parse_and_unknown_ones_name_the_text():
    assert "FLOAT_CMP" in console.OPTIONS and "FLOAT_CMP" in doctest.OPTIONFLAGS_BY_NAME
    with pytest.raises(ValueError, match="02-x.md has an invalid option: '\\+NO_SUCH_OPTION'"):
        console.examples(">>> 1  # doctest: +NO_SUCH_OPTION\n1\n", "02-x.md")
    with pytest.raises(ValueError, match="directive on a line with no example"):
        console.strip_directives(">>> # doctest: +SKIP\n", "page.md")
    with pytest.raises(TypeError, match="text must be a str, got bytes"):
        console.examples(b">>> 1")
