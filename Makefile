# Two commands for a newcomer: `make run` serves the API on embedded SQLite with the strategy loaded;
# `make test` installs what the tests need, lints and runs the suite (TEST_DATABASE_URL picks the backend).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PY := $(BIN)/python

.PHONY: run test lint format migrate seed serve bench fuzz clients clean

$(STAMP): pyproject.toml clients/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' -e ./clients/python
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m api migrate
	$(PY) -m api seed load --quiet
	$(PY) -m api keys local-admin
	$(PY) -m api serve

test: $(STAMP) lint
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(STAMP)
	$(PY) -m api migrate

# The Python SDK's generated code: its sync client from the async one, its models from the API's OpenAPI document.
clients: $(STAMP)
	$(PY) clients/python/scripts/generate.py

# Needs PostgreSQL (BENCH_SERVER, default the local one) and, for true figures, wrk (apt install wrk).
bench: $(STAMP)
	$(PY) -m bench.run $(if $(BENCH_SERVER),--server $(BENCH_SERVER))

# Schemathesis in full (every check, the coverage phase, 100 examples per operation; several minutes).
# `make test` runs its short form.
fuzz: $(STAMP)
	FUZZ_FULL=1 $(BIN)/pytest tests/test_fuzz.py $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache .pytest_cache
