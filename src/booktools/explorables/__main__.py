"""``python -m booktools.explorables``: print every explorable's data as one JSON object.

Run by :func:`booktools.explorables.build` in a fresh process.
"""

import sys

from booktools.explorables import compute_all, dumps

sys.stdout.write(dumps(compute_all()))
