"""Backprop from Scratch: the small NumPy library the tutorial builds.

Each module belongs to one chapter of the book:

- :mod:`backprop.calculus`: numeric derivatives, partial derivatives, the chain rule.

The core modules depend on NumPy alone; drawing lives in :mod:`backprop.figures`.
"""

__version__ = "0.1.0"
