"""Shared pytest set-up.

Every doctest, in a chapter (``docs/*.md``) or a docstring (``src/``), starts
from the same state: NumPy's legacy global random generator seeded with 0 and
default print options. Chapters seed their own generators explicitly; this
only makes an accidental use of the global one reproducible.
"""

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _fresh_numpy_state():
    state = np.random.get_state()
    np.random.seed(0)
    with np.printoptions():
        yield
    np.random.set_state(state)
