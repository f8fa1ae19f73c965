"""The tools that build the book around the library: never part of the ``backprop`` wheel.

- :mod:`booktools.figures`: the figures of every chapter, drawn with matplotlib
  when the site is built;
- :mod:`booktools.notebook`: a chapter's Markdown turned into a Jupyter notebook;
- :mod:`booktools.benchmarks_report`: the benchmark results of ``make bench``,
  read back and printed as chapter 12's tables.
- :mod:`booktools.console`: the one parser of console (``>>>``) examples,
  built on :mod:`doctest`;
- :mod:`booktools.reading_time`: the reading times of the chapters;
- :mod:`booktools.pages`: which pages are chapters, and their descriptions.

``hooks/`` holds the thin MkDocs adapters that call them. ``backprop`` never
imports ``booktools``; ``booktools`` imports ``backprop`` (the figures draw
what the library computes).
"""
