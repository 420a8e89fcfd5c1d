# Two commands for a newcomer: `make run` serves the API on embedded SQLite with the strategy loaded;
# `make test` installs what the tests need, lints and runs the suite (TEST_DATABASE_URL picks the backend).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PY := $(BIN)/python

.PHONY: run test lint format migrate seed serve bench fuzz clients clean browser

$(STAMP): pyproject.toml clients/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' -e ./clients/python
	touch $(STAMP)

# The dashboard (clients/dashboard) is served beside the API with a read-only key minted here; the API's CORS
# setting lets that origin read it (added to CORS_ORIGINS if set). The webhook worker (python -m api worker) runs
# beside them, delivering to subscriptions and sweeping for overdue actions and late returns. Ctrl-C stops all three.
API_HOST = $(or $(HOST),127.0.0.1)
API_URL = http://$(API_HOST):$(or $(PORT),8000)
DASHBOARD_PORT ?= 8080
DASHBOARD_KEY_FILE ?= data/dashboard-key
DASHBOARD_ORIGINS = http://127.0.0.1:$(DASHBOARD_PORT),http://localhost:$(DASHBOARD_PORT)

run: $(STAMP)
	$(PY) -m api migrate
	$(PY) -m api seed load --quiet
	$(PY) -m api benchmarks import-shipped
	$(PY) -m api keys local-admin
	$(PY) -m api keys local-reader --path $(DASHBOARD_KEY_FILE)
	@$(PY) clients/dashboard/serve.py --api $(API_URL) --key-file $(DASHBOARD_KEY_FILE) \
		--port $(DASHBOARD_PORT) & dashboard=$$!; \
	$(PY) -m api worker & worker=$$!; trap "kill $$dashboard $$worker 2>/dev/null" EXIT INT TERM; \
	CORS_ORIGINS="$${CORS_ORIGINS:+$$CORS_ORIGINS,}$(DASHBOARD_ORIGINS)" $(PY) -m api serve

test: $(STAMP) lint browser
	$(BIN)/pytest $(PYTEST_ARGS)

# tests/test_docs.py drives Debian's headless Chromium (Playwright cannot download its own browsers here): installed
# when it is missing and this is root with apt-get; otherwise the test is skipped, and this says how to install it.
CHROMIUM := /usr/bin/chromium
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Chromium for the docs page test (apt-get install chromium)"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq chromium >/dev/null 2>&1 || \
			{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; } || \
			echo "could not install Chromium: tests/test_docs.py will be skipped"; \
	else \
		echo "no Chromium at $(CHROMIUM): tests/test_docs.py will be skipped (install it: sudo apt-get install chromium)"; \
	fi

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
