# Backprop from Scratch: every command bootstraps its own virtual environment
# from the locked, hashed requirements (requirements/lock.txt) on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
export NO_MKDOCS_2_WARNING := 1

# The editable install puts the library (src/backprop) on the path; the book's
# tooling (src/booktools: figures, notebooks, benchmark reports) is not part of
# the package, so a .pth file puts src/ on .venv's path for the hooks and scripts.
define BOOKTOOLS_PTH
import pathlib, sysconfig
pathlib.Path(sysconfig.get_paths()["purelib"], "booktools.pth").write_text(str(pathlib.Path("src").resolve()) + "\n")
endef
export BOOKTOOLS_PTH

.PHONY: serve site test doctest-update lock clean help test-oldest mutation

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): requirements/lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	$(BIN)/python -c "$$BOOKTOOLS_PTH"
	touch $(STAMP)

serve: $(STAMP)  ## build the site (figures regenerated) and serve it on http://127.0.0.1:8000
	$(BIN)/mkdocs serve --strict --dev-addr $(HOST):$(PORT)

site: $(STAMP)  ## build the static site into site/
	$(BIN)/mkdocs build --strict

# The site build renders the math with Node.js (>= 18); `make audit` also needs
# npm and Lighthouse, installed into node_modules/ from package-lock.json (npm ci)
# when it is missing or older than the lock.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci
	touch $@

.PHONY: audit
audit: $(STAMP) node_modules/.package-lock.json  ## build the site, run Lighthouse (mobile) on the home page and every chapter; fails under the targets
	$(BIN)/mkdocs build --strict
	$(BIN)/python -m booktools.audit site

test: $(STAMP)  ## run every test: unit, property, chapter and docstring doctests, site build
	$(BIN)/python -m pytest

doctest-update: $(STAMP)  ## rewrite the expected outputs in docs/ from the current code, then re-check
	-$(BIN)/python -m pytest docs --doctest-plus-generate-diff=overwrite -q
	$(BIN)/python -m pytest docs tests/test_seed_values.py -q

lock: $(STAMP)  ## re-resolve requirements/lock.txt from pyproject.toml, for every Python from 3.10 on
	$(BIN)/uv pip compile pyproject.toml --extra docs --extra test --extra dev --extra mutation \
	  --universal --python-version 3.10 --generate-hashes --quiet \
	  -o requirements/lock.txt

# One core module at a time, each against its own test file ([tool.mutmut] and
# [tool.backprop.mutation.modules] in pyproject.toml); MUTATION_JOBS workers.
MUTATION_JOBS ?= 2

mutation: $(STAMP)  ## mutation-test the core modules (mutmut, several minutes each); scores in mutation/results.txt
	$(BIN)/python mutation/run.py --max-children $(MUTATION_JOBS) $(MODULES)

clean:  ## remove the virtual environment, the built site and caches
	rm -rf $(VENV) site .cache .pytest_cache .hypothesis mutants mutation/work

# The oldest NumPy that pyproject.toml allows (numpy>=1.26), without the lock:
# unit, property and doctests only (no site build, no browser), in .venv-oldest.
VENV_OLDEST  ?= .venv-oldest
NUMPY_OLDEST ?= 1.26.*

test-oldest:  ## unit tests and doctests against the oldest supported NumPy, in .venv-oldest
	test -x $(VENV_OLDEST)/bin/python || $(PYTHON) -m venv $(VENV_OLDEST)
	$(VENV_OLDEST)/bin/python -m pip install --quiet --editable '.[docs,test]' 'numpy==$(NUMPY_OLDEST)'
	$(VENV_OLDEST)/bin/python -c "import numpy; print('NumPy', numpy.__version__)"
	$(VENV_OLDEST)/bin/python -m pytest -m "not browser" -p tests.browser_support --without-site

.PHONY: bench
bench: $(STAMP)  ## measure chapters 7 and 12's claims (a few minutes) and rewrite benchmarks/results/
	-$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/bench_derivative_accuracy.py
	$(BIN)/python benchmarks/bench_gradient_cost.py
	$(BIN)/python benchmarks/bench_torch.py
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_forward_mode.py
	-$(BIN)/python -m pytest -q docs/12-why-backprop.md --doctest-plus-generate-diff=overwrite
	-$(BIN)/python -m pytest -q docs/07-autodiff.md --doctest-plus-generate-diff=overwrite
	$(BIN)/python -m pytest -q docs/07-autodiff.md docs/12-why-backprop.md tests/test_benchmarks_report.py

.PHONY: bench-preview
bench-preview: $(STAMP)  ## measure how long mkdocs serve takes to show an edit (prose, docstring, figure code)
	$(BIN)/python benchmarks/bench_preview.py
