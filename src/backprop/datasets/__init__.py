"""Data sets for the chapters: generated from a seed, or shipped with the package.

Nothing here downloads anything: synthetic sets are drawn from a seeded NumPy
generator, so every printed value in the book is reproducible, and real data
is stored inside the package.
"""

from backprop.datasets.line import noisy_line
from backprop.datasets.shapes import spiral, two_moons, xor
from backprop.datasets.digits import load_digits, train_test_split

__all__ = ["noisy_line", "xor", "two_moons", "spiral", "load_digits", "train_test_split"]
