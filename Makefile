# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck contracts pytest bench docs clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## demo: run the main job on the bundled integrations.yaml (no keys, no internet)
demo: $(STAMP)
	$(BIN)/tether --file integrations.yaml demo

## test: lint, type-check, import contracts and the test suite
test: lint typecheck contracts pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

typecheck: $(STAMP)
	$(BIN)/mypy src

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/pytest -q

## bench: performance benchmarks (not part of make test); every one runs, and it fails if any missed its goal
# Bytecode is compiled first and kept (an empty PYTHONDONTWRITEBYTECODE turns it back on): an
# installed tether starts from compiled bytecode, as its baselines' libraries do, so a bench that
# recompiled our modules in every fresh process would time something no user waits for.
bench: $(STAMP)
	@export PYTHONDONTWRITEBYTECODE=; $(BIN)/python -m compileall -q src bench > /dev/null; \
	failed=""; for b in bench/*.py; do [ -e "$$b" ] || continue; echo "== $$b"; $(BIN)/python $$b || failed="$$failed $$b"; done; \
	if [ -n "$$failed" ]; then echo "goals missed:$$failed"; exit 1; fi

## screenshots: the dashboard at 60x15, 120x40 and 200x50 into docs/screenshots/
screenshots: $(STAMP)
	$(BIN)/python -m tests.screenshots docs/screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
