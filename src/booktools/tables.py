"""Tables in Material's scrolling wrapper, written by the build rather than by the page's script.

Material's script wraps every ``table:not([class])`` of the content in two
``div``\\ s (``md-typeset__scrollwrap`` and ``md-typeset__table``) when the page
loads. Moving a table into a new parent makes the browser style the whole table
again, with everything in it: on the cheat sheet, one table of about 6,000
elements, most of them math, that was one of the longest tasks of the page load
on a phone. ``hooks/tables.py`` writes the same wrapper around each such table
at build time and gives the table the class ``bfs-table``, which Material's
script leaves alone; ``docs/stylesheets/extra.css`` gives ``table.bfs-table``
the look Material gives ``table:not([class])``, and ``tests/test_page_speed.py``
checks that the two look the same.
"""

from __future__ import annotations

import re

__all__ = ["CLASS", "wrap_tables"]

#: The class a wrapped table gets.
CLASS = "bfs-table"

# A table without a class (Markdown's, mkdocstrings'), focusable or not
# (hooks/accessibility.py adds tabindex), up to its end; a table with another
# table inside is left to Material.
_TABLE = re.compile(r'<table((?: tabindex="0")?)>((?:(?!<table\b).)*?)</table>', re.S)


def wrap_tables(html: str) -> str:
    """Put each class-less table of ``html`` in Material's wrapper, with the class ``bfs-table``.

    >>> wrap_tables('<p>x</p><table tabindex="0"><tr><td>1</td></tr></table>')
    '<p>x</p><div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="bfs-table" tabindex="0"><tr><td>1</td></tr></table></div></div>'
    >>> wrap_tables('<table class="dataframe"><tr><td>1</td></tr></table>')  # a class: not ours
    '<table class="dataframe"><tr><td>1</td></tr></table>'
    """
    return _TABLE.sub(lambda m: '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
                      f'<table class="{CLASS}"{m.group(1)}>{m.group(2)}</table></div></div>', html)
