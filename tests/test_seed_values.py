"""The source tutorial's derivative values are reproduced exactly, and stay printed.

`make doctest-update` rewrites a chapter's expected outputs from the current
code. These values are the source tutorial's, reproducible bit for bit in IEEE
arithmetic, so they must never drift silently: this test fails if a chapter
stops printing one of them, or if the computation stops producing it.
"""

from __future__ import annotations

import doctest

import pytest

from tests.conftest import DOCS

# (chapter, expected output line, how the source tutorial computes it)
SEED_VALUES = [
    ("02-derivatives.md", "4.0", "diff(sq, 2)"),
    ("02-derivatives.md", "12.0", "diff(cb, 2)"),
    ("03-partial-derivatives.md", "5.002220859751105", "diffp(fn, 0, 10, 20)"),
    ("03-partial-derivatives.md", "39.960923459148034", "diffp(fn, 1, 10, 20)"),
    ("03-partial-derivatives.md", "3.000266701747023", "diffp(line_y, 0, 1, 2, 3)"),
    ("03-partial-derivatives.md", "1.000088900582341", "diffp(line_y, 1, 1, 2, 3)"),
    ("03-partial-derivatives.md", "1.000088900582341", "diffp(line_y, 2, 1, 2, 3)"),
    ("04-chain-rule.md", "192.01706891180947", "diffp(sqcb, 0, 2)"),
    ("04-chain-rule.md", "192.03413934105515", "diffp(sq, 0, 2) * diffp(cb, 0, 4)"),
]


def seed_diff(fn, x):
    """The source's derivative: a forward step of 1e-12, divided by the step taken."""
    delta = 0.000000000001
    x1 = x + delta
    return (fn(x1) - fn(x)) / (x1 - x)


def seed_diffp(fn, idx, *args):
    """The source's partial derivative: a forward step of 1e-12, divided by 1e-12."""
    delta = 0.000000000001
    y = fn(*args)
    args = list(args)
    args[idx] += delta
    return (fn(*args) - y) / delta


SEED_NAMESPACE = {
    "diff": seed_diff,
    "diffp": seed_diffp,
    "sq": lambda x: x * x,
    "cb": lambda x: x * x * x,
    "fn": lambda x1, x2: x1 * 5 + x2 * x2,
    "line_y": lambda m, c, x: m * x + c,
    "sqcb": lambda x: (x * x) * (x * x) * (x * x),
}


@pytest.mark.parametrize("chapter, value, expression", SEED_VALUES)
def test_seed_value_is_computed_exactly(chapter, value, expression):
    assert repr(eval(expression, dict(SEED_NAMESPACE))) == value


@pytest.mark.parametrize("chapter, value, expression", SEED_VALUES)
def test_seed_value_is_printed_by_a_chapter_doctest(chapter, value, expression):
    text = (DOCS / chapter).read_text(encoding="utf-8")
    outputs = [
        example.want.strip()
        for example in doctest.DocTestParser().get_examples(text, chapter)
    ]
    assert value in outputs, f"{chapter} no longer prints the source tutorial's value {value}"
