# council: the two commands a user needs are `make run` and `make test` (see README.md).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.council-installed
TEST_STAMP := $(VENV)/.council-test-installed
# axe-core for the accessibility test (tests/test_axe.py), pinned in package-lock.json; re-installed when it changes.
NPM_STAMP := node_modules/.council-npm-installed

# `make run HOST=0.0.0.0 PORT=9000` (or the same as environment variables) is passed to `council serve`.
HOST ?=
PORT ?=
SERVE_ARGS := $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

# The test suite reads these two; override them to use other servers.
export COUNCIL_TEST_POSTGRES_URL ?= postgresql://postgres:postgres@127.0.0.1:5432/postgres
export COUNCIL_TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: help run test services lint format typecheck pytest clean distclean

help:
	@echo "make run        run council with demo data on http://127.0.0.1:8000 (HOST=... PORT=... to change)"
	@echo "make test       install test tools and services, then ruff, mypy and pytest"
	@echo "make lint       ruff check and ruff format --check"
	@echo "make format     let ruff fix and format the code"
	@echo "make typecheck  mypy council web agendas tests bench media"
	@echo "make clean      remove caches and install stamps (distclean: also .venv and var/)"

run: $(RUN_STAMP)
	bash scripts/ensure_print_libraries.sh
	$(BIN)/council serve --demo $(SERVE_ARGS)

test: $(TEST_STAMP)
	bash tests/infra/ensure_services.sh
	$(MAKE) --no-print-directory $(NPM_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy council web agendas tests bench media
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

services:
	bash tests/infra/ensure_services.sh

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(TEST_STAMP)
	$(BIN)/mypy council web agendas tests bench media

pytest: $(TEST_STAMP) services
	$(MAKE) --no-print-directory $(NPM_STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The virtualenv: python3.11, or python3 if that is 3.11 or newer.
$(BIN)/python:
	@py="$$(command -v python3.11 || true)"; \
	if [ -z "$$py" ] && python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	  py="$$(command -v python3)"; \
	fi; \
	if [ -z "$$py" ]; then echo "council needs Python 3.11 or newer (python3.11 or python3)" >&2; exit 1; fi; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV)

# Installs are re-run only when pyproject.toml changes (or the virtualenv is new).
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
	find council web agendas tests bench -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -f $(RUN_STAMP) $(TEST_STAMP) $(NPM_STAMP)

# Also removes the virtualenv and the local SQLite database, uploaded files and development secret under var/.
distclean: clean
	rm -rf $(VENV) var node_modules
