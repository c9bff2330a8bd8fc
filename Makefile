# The two commands: `make demo` and `make test`. Each creates .venv itself and installs only what
# the hashed lock files in locks/ name (pip --require-hashes), then ceremony itself (--no-deps).
# `make lock` refreshes the locks after a change to the dependencies in pyproject.toml (uv; needs
# the package index). Offline machines: wheels in $(WHEELHOUSE) are used first (fill it with
# `make wheelhouse` on a machine that has a package index); otherwise pip uses its configured index.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
WHEELHOUSE ?= $(HOME)/.cache/ceremony/wheels
BUNDLE ?= dist/bundle
UNSHARE := $(shell unshare -n true 2>/dev/null && echo "unshare -n")
# Test processes (pytest-xdist): the tests are isolated (each in its own tmp_path), so two run at
# once on a 2-core machine (--dist loadgroup: the tests of one xdist_group, which share kits made
# once, stay on one worker). PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= 2
COMPILE := $(TOOLS)/bin/uv pip compile --quiet --universal --python-version 3.11 \
  --generate-hashes --custom-compile-command "make lock"

.PHONY: demo test test-slow test-all lint typecheck pytest pytest-slow pytest-all bench wheelhouse lock lock-upgrade lock-check bundle clean

# Install hashed requirements: the local wheelhouse first, then the configured index.
define locked-install
$(1)/bin/pip install -q --require-hashes --no-index --find-links $(WHEELHOUSE) $(2) 2>/dev/null \
  || $(1)/bin/pip install -q --require-hashes $(2)
endef

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

lock-check:
	$(PYTHON) tools/lock_inputs.py check

$(VENV)/.installed-test: pyproject.toml locks/test.txt | $(BIN)/python
	$(PYTHON) tools/lock_inputs.py check
	$(call locked-install,$(VENV),-r locks/test.txt)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-run: pyproject.toml locks/run.txt locks/build.txt | $(BIN)/python
	$(PYTHON) tools/lock_inputs.py check
	$(call locked-install,$(VENV),-r locks/run.txt -r locks/build.txt)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(TOOLS)/.installed: locks/tools.txt
	$(PYTHON) -m venv $(TOOLS)
	$(call locked-install,$(TOOLS),-r locks/tools.txt)
	touch $@

demo: $(VENV)/.installed-run
	$(BIN)/ceremony demo

lint: $(VENV)/.installed-test
	$(PYTHON) tools/lock_inputs.py check
	$(BIN)/ruff check ceremony tests bench tools
	$(BIN)/ruff format --check ceremony tests bench tools

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# `make test` runs the fast set; the slow tests (whole ceremonies and demos, pseudo-terminal
# sessions, property tests: tests/helpers/slow.py and @pytest.mark.slow) run in `make test-slow`,
# everything in `make test-all`; CI runs `make test` and then `make test-slow`.
# Two environment settings that make the suite faster without changing what it runs: Python
# may write bytecode (a PYTHONDONTWRITEBYTECODE in the caller's environment would have pytest
# rewrite and compile every test module, and each child process compile ceremony, on every run),
# and the tests' temporary folders go to memory (/dev/shm, where it exists) instead of the disk:
# each test writes a kit or more, and the disk is shared with whatever else the machine runs.
TEST_TMPDIR ?= $(shell test -d /dev/shm -a -w /dev/shm && echo /dev/shm)
PYTEST := PYTHONDONTWRITEBYTECODE= $(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR)) $(UNSHARE) \
  $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

# The fast set by file (--dist loadfile): a module's fixtures are then made once, not once in each
# worker; measured back to back, about 7 s of wall and 13-20 s of CPU less than --dist loadgroup.
# No test of the fast set reads the offline bundle (tests/test_bundle.py is slow), so `make test`
# does not build it: after any change to ceremony/, templates/ or runbooks/ that is some 25 s.
pytest: $(VENV)/.installed-test
	$(PYTEST) -m "not slow" --dist loadfile

pytest-slow: $(VENV)/.installed-test $(BUNDLE)/MANIFEST.sha256
	$(PYTEST) -m slow

pytest-all: $(VENV)/.installed-test $(BUNDLE)/MANIFEST.sha256
	$(PYTEST)

test: lint typecheck pytest

test-slow: pytest-slow

test-all: lint typecheck pytest-all

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

# Refresh the locks after editing the dependencies in pyproject.toml; keeps the existing pins
# where they still fit (lock-upgrade moves everything to the newest releases). Commit locks/.
lock: $(TOOLS)/.installed
	$(COMPILE) pyproject.toml $(UPGRADE) -o locks/run.txt
	$(COMPILE) locks/build.in $(UPGRADE) -c locks/run.txt -o locks/build.txt
	$(COMPILE) pyproject.toml locks/build.in --extra test $(UPGRADE) -c locks/run.txt -o locks/test.txt
	$(COMPILE) locks/tools.in $(UPGRADE) -o locks/tools.txt
	$(PYTHON) tools/lock_inputs.py stamp

lock-upgrade:
	$(MAKE) lock UPGRADE=--upgrade

# The transfer bundle for the air-gapped machine: see INSTALL.txt inside it. make test-slow and
# make test-all make it first (with network), so that tests/test_bundle.py can install from it
# without.
BUNDLE_INPUTS := pyproject.toml locks/run.txt tools/make_bundle.py tools/bundle_install.py \
  $(shell git ls-files ceremony templates runbooks 2>/dev/null)

bundle: $(BUNDLE)/MANIFEST.sha256

$(BUNDLE)/MANIFEST.sha256: $(BUNDLE_INPUTS) | $(VENV)/.installed-run $(TOOLS)/.installed
	$(BIN)/python tools/make_bundle.py --out $(BUNDLE) --sbom-tool $(TOOLS)/bin/cyclonedx-py \
	  --wheelhouse $(WHEELHOUSE)

wheelhouse:
	$(PYTHON) tools/lock_inputs.py check
	mkdir -p $(WHEELHOUSE)
	$(PYTHON) -m pip download -q --require-hashes --no-deps -d $(WHEELHOUSE) -r locks/test.txt
	$(PYTHON) -m pip download -q --require-hashes --no-deps -d $(WHEELHOUSE) -r locks/tools.txt

clean:
	rm -rf $(VENV) $(TOOLS) build dist
