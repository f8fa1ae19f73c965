# Backprop from Scratch: every command bootstraps its own virtual environment
# from the locked, hashed requirements (requirements/lock.txt) on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve site test doctest-update lock clean help

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): requirements/lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $(STAMP)

serve: $(STAMP)  ## build the site (figures regenerated) and serve it on http://127.0.0.1:8000
	$(BIN)/mkdocs serve --strict --dev-addr $(HOST):$(PORT)

site: $(STAMP)  ## build the static site into site/
	$(BIN)/mkdocs build --strict

test: $(STAMP)  ## run every test: unit, property, chapter and docstring doctests, site build
	$(BIN)/python -m pytest

doctest-update: $(STAMP)  ## rewrite the expected outputs in docs/ from the current code, then re-check
	-$(BIN)/python -m pytest docs --doctest-plus-generate-diff=overwrite -q
	$(BIN)/python -m pytest docs tests/test_seed_values.py -q

lock: $(STAMP)  ## re-resolve requirements/lock.txt from pyproject.toml, for every Python from 3.10 on
	$(BIN)/uv pip compile pyproject.toml --extra docs --extra test --extra dev \
	  --universal --python-version 3.10 --generate-hashes --quiet \
	  -o requirements/lock.txt

clean:  ## remove the virtual environment, the built site and caches
	rm -rf $(VENV) site .cache .pytest_cache .hypothesis
