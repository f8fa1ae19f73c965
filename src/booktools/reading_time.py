"""How long a chapter takes: to read, and to work through with its examples and exercises.

The landing page states the formula below its table of chapters, and a
chapter's bar shows both times. The constants were calibrated on one learner
who took about 4 h 50 min for chapters 1-7 with the examples and exercises
(the formula gave 4 h 50 min on the text of that time); the tests check that
the landing page states these numbers. ``hooks/reading_times.py`` counts every
chapter at build time and fills the landing page with :func:`fill_times`.

>>> times = chapter_time("# One\\n\\n" + "word " * 400 + "\\n\\n$$\\nx^2\\n$$\\n")
>>> times
ChapterTime(words=401, equations=1, examples=0, exercises=0)
>>> times.reading, duration(times.working)
(3, '5 min')
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from booktools import console

__all__ = [
    "WORDS_PER_MINUTE",
    "MINUTES_PER_EQUATION",
    "MINUTES_PER_EXAMPLE",
    "MINUTES_PER_EXERCISE",
    "WORKING_ROUNDING",
    "ChapterTime",
    "chapter_time",
    "reading_minutes",
    "formula",
    "duration",
    "fill_times",
]

#: Reading speed for technical prose with formulas and code, in words per minute.
WORDS_PER_MINUTE = 200
#: Minutes to take in one display equation ($$ ... $$), on top of the prose.
MINUTES_PER_EQUATION = 1
#: Minutes to run one console example and compare what it prints.
MINUTES_PER_EXAMPLE = 2
#: Minutes to try one exercise and check it against the solution.
MINUTES_PER_EXERCISE = 5
#: The working time is rounded to this many minutes: it is not more precise.
WORKING_ROUNDING = 5

#: What the landing page writes where the build fills in times.
PLACEHOLDER = "{{ reading_time }}"
TOTAL_READING = "{{ total_reading_time }}"
TOTAL_WORKING = "{{ total_working_time }}"

_CHAPTER_LINK = re.compile(r"\]\((?P<path>\d{2}-[a-z0-9-]+\.md)(?:#[^)]*)?\)")
_WORD = re.compile(r"[A-Za-z0-9_]+")
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
_COLLAPSED = re.compile(r"^(?P<indent>[ \t]*)\?\?\?(?!\+)")
_EXERCISE = re.compile(r"^(?:\*\*)?\d+\.\s")
_LINK_TARGET = re.compile(r"(\])\([^)\s]*(?:\s+\"[^\"]*\")?\)")


def _round(value: float, step: int = 1) -> int:
    """``value`` rounded to the nearest multiple of ``step`` (halves up), at least ``step``."""
    return max(step, step * math.floor(value / step + 0.5))


@dataclass(frozen=True)
class ChapterTime:
    """What a chapter asks of a learner, counted from its Markdown, and the two times.

    ``words``: the words shown when the page loads: prose and the code of the
    examples, but not printed output, ``# doctest:`` comments (the site hides
    them), hidden set-up (HTML comments), display equations, link addresses,
    or what a collapsed block (``???``, the solutions of the exercises) holds.
    A figure counts as the words of its alt text, which stand in for the time
    spent looking at it.
    ``equations``: display equations (``$$ ... $$``).
    ``examples``: console examples shown on the page (fences that start with
    ``>>>``), outside collapsed blocks.
    ``exercises``: numbered items of the ``## Exercises`` section.
    """

    words: int
    equations: int
    examples: int
    exercises: int

    @property
    def reading_exact(self) -> float:
        return self.words / WORDS_PER_MINUTE + MINUTES_PER_EQUATION * self.equations

    @property
    def working_exact(self) -> float:
        return (self.reading_exact + MINUTES_PER_EXAMPLE * self.examples
                + MINUTES_PER_EXERCISE * self.exercises)

    @property
    def reading(self) -> int:
        """Minutes to read the page, to the nearest minute (at least 1)."""
        return _round(self.reading_exact)

    @property
    def working(self) -> int:
        """Minutes to read it, run every example and try every exercise, to the nearest 5."""
        return _round(self.working_exact, WORKING_ROUNDING)


def _fence_words(body: list[str]) -> tuple[int, int]:
    """``(words, console examples)`` of a fenced block: a console session counts its code only."""
    text = "\n".join(body)
    if console.is_session(text):
        return len(_WORD.findall(console.code(text))), 1
    return len(_WORD.findall(text)), 0


def chapter_time(markdown: str) -> ChapterTime:
    """Count the words, display equations, console examples and exercises of a chapter.

    >>> chapter_time('''# Two
    ...
    ... ```pycon
    ... >>> total = 1 + 2
    ... >>> print(total)
    ... 3
    ...
    ... ```
    ...
    ... ## Exercises
    ...
    ... 1. Add three numbers.
    ... ''')
    ChapterTime(words=11, equations=0, examples=1, exercises=1)
    """
    if not isinstance(markdown, str):
        raise TypeError(f"markdown must be a str, got {type(markdown).__name__}")
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[-1]
    words = equations = examples = exercises = 0
    fence = None  # the closing pattern of the open fence
    body: list[str] = []
    collapsed = None  # indent of the open collapsed block
    in_math = False
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if collapsed is not None:
            if not stripped or indent > collapsed:
                continue
            collapsed = None
        if fence is not None:
            if fence.match(line):
                fence = None
                counted, example = _fence_words(body)
                words += counted
                examples += example
            else:
                body.append(line)
            continue
        opening = _FENCE_OPEN.match(line)
        if opening:
            marker = opening["fence"]
            fence = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
            body = []
            continue
        block = _COLLAPSED.match(line)
        if block:
            collapsed = len(block["indent"].expandtabs(4))
            continue
        if line.startswith("## "):
            section = stripped[3:].strip().lower()
        if section == "exercises" and _EXERCISE.match(line):
            exercises += 1
        parts = stripped.split("$$")
        for number, part in enumerate(parts):
            if number:
                in_math = not in_math
                equations += in_math
            if not in_math:
                words += len(_WORD.findall(_LINK_TARGET.sub(r"\1", part)))
    return ChapterTime(words, equations, examples, exercises)


def reading_minutes(markdown: str) -> int:
    """Minutes to read a chapter (the first of its two figures), at least 1.

    >>> reading_minutes("word " * 360)
    2
    """
    return chapter_time(markdown).reading


def formula() -> str:
    """The formula of the two times, in words (the tooltip of a chapter's times)."""
    return (
        f"Reading: the page's words at {WORDS_PER_MINUTE} a minute, plus {MINUTES_PER_EQUATION} "
        f"min per displayed equation. With the examples and exercises: plus {MINUTES_PER_EXAMPLE} "
        f"min per console example and {MINUTES_PER_EXERCISE} min per exercise, rounded to "
        f"{WORKING_ROUNDING} min."
    )


def duration(minutes: int) -> str:
    """A number of minutes as the page writes it.

    >>> [duration(m) for m in (45, 60, 290)]
    ['45 min', '1 h', '4 h 50 min']
    """
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _cells(times: ChapterTime | None) -> list[str]:
    if times is None:
        return ["&mdash;", "&mdash;"]
    return [duration(times.reading), duration(times.working)]


def fill_times(markdown: str, times: Mapping[str, ChapterTime]) -> str:
    """Fill the landing page's times: the two cells of every chapter row, and the totals.

    ``times`` maps a chapter's file name (``"01-functions.md"``) to its
    counts. ``{{ reading_time }}`` in a table row becomes two cells, the
    reading time and the working time of the chapter linked on that row; a
    chapter row that lacks the placeholder gets the cells it misses appended.
    ``{{ total_reading_time }}`` and ``{{ total_working_time }}`` become the
    sums over every chapter (of the rounded figures, so that the table adds up).

    >>> print(fill_times('''| Chapter | Reading | Working |
    ... |---|---|---|
    ... | [One](01-one.md) | {{ reading_time }} |''',
    ...     {"01-one.md": ChapterTime(words=600, equations=0, examples=6, exercises=0)}))
    | Chapter | Reading | Working |
    |---|---|---|
    | [One](01-one.md) | 3 min | 15 min |
    <BLANKLINE>
    """
    lines = markdown.splitlines()
    header = None
    for number, line in enumerate(lines):
        if not line.lstrip().startswith("|"):
            header = None
            continue
        if header is None:
            header = line
            continue
        link = _CHAPTER_LINK.search(line)
        cells = _cells(times.get(link["path"]) if link else None)
        if PLACEHOLDER in line:
            lines[number] = line.replace(PLACEHOLDER, " | ".join(cells))
        elif link:
            missing = header.rstrip().count("|") - line.rstrip().count("|")
            if missing > 0:
                lines[number] = line.rstrip() + "".join(f" {cell} |" for cell in cells[-missing:])
    text = "\n".join(lines) + "\n"
    text = text.replace(TOTAL_READING, duration(sum(t.reading for t in times.values())))
    return text.replace(TOTAL_WORKING, duration(sum(t.working for t in times.values())))
