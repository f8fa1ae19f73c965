"""A pytest plugin for `make mutation`: the property tests draw the same examples on every run.

mutation/run.py puts this folder on PYTHONPATH and passes ``-p hypothesis_mutation
--hypothesis-profile=mutation`` (pyproject.toml, ``[tool.mutmut] pytest_add_cli_args``),
so a mutant is killed or survives the same way on every run and on every machine.
"""

from hypothesis import settings

settings.register_profile(
    "mutation",
    derandomize=True,   # examples from a fixed seed derived from each test
    database=None,      # no replay of examples saved by earlier runs
    deadline=None,      # a mutant may be slow without being wrong
    print_blob=False,
)
