# Everything a fresh machine needs to install lives here: CI runs `make test` on a clean clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export DAGSTER_DISABLE_TELEMETRY := 1
export GX_ANALYTICS_ENABLED := false

.PHONY: install test lint typecheck pytest demo server ui bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,embedded]'
	touch $(STAMP)

# Dagster reads telemetry settings from the instance's dagster.yaml, not only from the environment.
$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME)
	printf 'telemetry:\n  enabled: false\n' > $@

install: $(STAMP) $(DAGSTER_HOME)/dagster.yaml

lint: install
	$(BIN)/ruff check leaf_dagster pipelines tests benchmarks
	$(BIN)/ruff format --check leaf_dagster pipelines tests benchmarks

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -q

test: lint typecheck pytest

demo: install
	$(BIN)/python -m pipelines.demo

# Starts the embedded server in the foreground on a fixed port, data under .leaf/server.
# `exec`: the shell gives way to the server, so make's SIGTERM and Ctrl-C reach it directly.
server: install
	exec $(BIN)/python -m leaf_dagster.embedded --port $${LEAF_PORT:-27117} --data $${LEAF_DATA:-.leaf/server}

# The Dagster UI (dg dev) on http://localhost:$${DAGSTER_UI_PORT:-3000}; stops every child on SIGINT/SIGTERM.
ui: install
	exec $(BIN)/python -m pipelines.ui

bench: install
	for f in benchmarks/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .leaf .dagster_home .pytest_cache .mypy_cache .ruff_cache
