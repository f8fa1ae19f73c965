"""The tools that build the book around the library: never part of the ``backprop`` wheel.

- :mod:`booktools.figures`: the figures of every chapter, drawn with matplotlib
  when the site is built;
- :mod:`booktools.notebook`: a chapter's Markdown turned into a Jupyter notebook;
- :mod:`booktools.benchmarks_report`: the benchmark results of ``make bench``,
  read back and printed as chapter 12's tables.

``hooks/`` holds the thin MkDocs adapters that call them. ``backprop`` never
imports ``booktools``; ``booktools`` imports ``backprop`` (the figures draw
what the library computes).
"""
