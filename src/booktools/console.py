"""Console examples (``>>>`` sessions), read the way doctest reads them.

The book's printed values are doctests: pytest-doctestplus finds the
``>>>`` examples of every chapter with the standard library's
:class:`doctest.DocTestParser`. Every tool that needs those examples (the
notebook converter, the hook that hides ``# doctest:`` comments from pages,
the reading-time count, the browser tests) reads them here, with the same
parser, so they all agree with the tests on what an example is: its code,
its expected output, the exception it shows, and its options.

(In the examples below, a string that holds a directive ends right after it,
``''' '''``: doctest would otherwise read it as a directive of the example
that holds the string.)

>>> session = '''
... >>> def sq(x):
... ...     return x * x
... >>> sq(4)  # doctest: +FLOAT_CMP''' '''
... 16
... '''
>>> [example.code for example in examples(session)]
['def sq(x):\\n    return x * x', 'sq(4)']
>>> print(code(session))
def sq(x):
    return x * x
sq(4)
>>> strip_directives(session).splitlines()[3]
'>>> sq(4)'
"""

from __future__ import annotations

import doctest
import re
from dataclasses import dataclass

__all__ = ["OPTIONS", "Example", "is_session", "examples", "code", "strip_directives"]

#: The option names the book writes in ``# doctest:`` comments beyond
#: doctest's own (pytest-doctestplus defines them when it runs the tests).
#: They are registered with doctest here, so that parsing does not reject
#: them; a name missing from this list makes parsing fail, naming the line.
OPTIONS = ("FLOAT_CMP",)
for _name in OPTIONS:
    doctest.register_optionflag(_name)

_PARSER = doctest.DocTestParser()
#: doctest's own pattern of a directive comment: it stops at quotes, so a
#: string holding "# doctest:" is not a directive.
_DIRECTIVE = doctest.DocTestParser._OPTION_DIRECTIVE_RE
_EXCEPTION_NAME = re.compile(r"[\w.]+")


@dataclass(frozen=True)
class Example:
    """One console example: what doctest runs and what it expects.

    ``code``: the source without prompts, ``# doctest:`` comments or trailing
    blank lines. ``want``: the expected output, as written (``""`` when
    none). ``exception``: the name of the exception the expected output shows
    (``"ValueError"``, ``"backprop.descent.DivergenceError"``), or None when
    it shows no traceback. ``skipped``: marked ``# doctest: +SKIP``, so the
    tests do not run it. ``lineno``: the line of its ``>>>`` in the text,
    counted from 0.
    """

    code: str
    want: str
    exception: str | None
    skipped: bool
    lineno: int


def _uncommented(line: str) -> str:
    """``line`` without its ``# doctest:`` comment and the spaces before it."""
    directive = _DIRECTIVE.search(line)
    return line[: directive.start()].rstrip() if directive else line


def _parse(text: str, name: str) -> list[doctest.Example]:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _PARSER.get_examples(text, name)


def is_session(text: str) -> bool:
    """Whether ``text`` (the body of a fenced block) is a console session: its
    first line that is not blank starts with ``>>>``.

    >>> is_session("\\n  >>> 1 + 1\\n  2\\n"), is_session("x = 1\\n>>> x\\n")
    (True, False)
    """
    for line in text.splitlines():
        if line.strip():
            return line.lstrip().startswith(">>>")
    return False


def examples(text: str, name: str = "<text>") -> list[Example]:
    """Return the console examples of ``text`` (a session, a Markdown page, a docstring).

    ``name`` appears in the error raised for text that doctest cannot parse
    (a ``>>>`` without a space after it, an unknown option, output indented
    less than its prompt), so that the error names the file.

    >>> [(e.code, e.want, e.exception, e.skipped) for e in examples('''
    ... >>> 1 / 0
    ... Traceback (most recent call last):
    ... ZeroDivisionError: division by zero
    ... >>> print("never")  # doctest: +SKIP''' '''
    ... never
    ... ''')]
    [('1 / 0', 'Traceback (most recent call last):\\nZeroDivisionError: division by zero\\n', 'ZeroDivisionError', False), ('print("never")', 'never\\n', None, True)]
    >>> examples(">>>1")
    Traceback (most recent call last):
    ...
    ValueError: line 1 of the docstring for <text> lacks blank after >>>: '>>>1'
    """
    found = []
    for example in _parse(text, name):
        lines = [_uncommented(line).rstrip() for line in example.source.splitlines()]
        while lines and not lines[-1]:
            lines.pop()
        exception = None
        if example.exc_msg is not None:
            exception = _EXCEPTION_NAME.match(example.exc_msg)[0]
        skipped = example.options.get(doctest.SKIP, False)
        found.append(Example("\n".join(lines), example.want, exception, skipped, example.lineno))
    return found


def code(text: str, name: str = "<text>") -> str:
    """The code of every console example in ``text``, one after the other.

    What a reader types: no prompts, no output, no ``# doctest:`` comments.

    >>> code(">>> x = 2\\n>>> x ** 2\\n4\\n")
    'x = 2\\nx ** 2'
    """
    return "\n".join(example.code for example in examples(text, name))


def strip_directives(text: str, name: str = "<text>") -> str:
    """``text`` with the ``# doctest:`` comments of its console examples removed.

    ``text`` is one console line or a whole Markdown page. Only the prompt
    lines (``>>>``, ``...``) of console examples change; everything else,
    output and prose and other code included, is returned as it was.

    >>> strip_directives(">>> 1 / 3  # doctest: +FLOAT_CMP")
    '>>> 1 / 3'
    >>> strip_directives('>>> s = "# doctest: in a string"  # doctest: +FLOAT_CMP')
    '>>> s = "# doctest: in a string"'
    >>> strip_directives("x = 1  # doctest: +SKIP")
    'x = 1  # doctest: +SKIP'
    """
    lines = text.split("\n")  # as doctest counts lines
    for example in _parse(text, name):
        for number in range(example.lineno, example.lineno + example.source.count("\n")):
            body = lines[number].rstrip("\r")
            lines[number] = _uncommented(body) + lines[number][len(body):]
    return "\n".join(lines)
