# The two commands: `make demo` and `make test`. Each creates .venv itself.
# Offline machines: wheels in $(WHEELHOUSE) are used first (fill it with `make wheelhouse`
# on a machine that has a package index); otherwise pip uses its configured index.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WHEELHOUSE ?= $(HOME)/.cache/ceremony/wheels
UNSHARE := $(shell unshare -n true 2>/dev/null && echo "unshare -n")

.PHONY: demo test lint typecheck pytest bench wheelhouse clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --no-index --find-links $(WHEELHOUSE) -e ".[$*]" 2>/dev/null \
	  || $(BIN)/pip install -q -e ".[$*]"
	touch $@

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --no-index --find-links $(WHEELHOUSE) -e . 2>/dev/null \
	  || $(BIN)/pip install -q -e .
	touch $@

demo: $(VENV)/.installed-run
	$(BIN)/ceremony demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check ceremony tests bench
	$(BIN)/ruff format --check ceremony tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(UNSHARE) $(BIN)/pytest

test: lint typecheck pytest

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

wheelhouse:
	mkdir -p $(WHEELHOUSE)
	$(PYTHON) -m pip download -q -d $(WHEELHOUSE) hatchling editables pip
	$(PYTHON) -m pip download -q -d $(WHEELHOUSE) ".[test]"

clean:
	rm -rf $(VENV) build dist
