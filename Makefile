# Client 360 — the two commands are `make run` and `make test`; both install what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export UV_PYTHON_DOWNLOADS := never

.PHONY: install run test bench lint format protos schema token clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8

$(STAMP): pyproject.toml uv.lock | $(BIN)/uv
	$(BIN)/uv sync --frozen --python $(BIN)/python
	touch $@

install: $(STAMP)

run: install  ## start NATS, the services and the gateway with demo data
	$(BIN)/python -m runtime.supervisor

# Coverage data goes to a folder of the run's own: runs side by side never mix their files.
test: install  ## the whole suite, against real NATS, gRPC servers and SQLite files; coverage floor
	@data=$$(mktemp -d) && trap 'rm -rf "$$data"' EXIT && set -x && \
	COVERAGE_FILE="$$data/coverage" $(BIN)/pytest --cov --cov-report=term:skip-covered

bench: install  ## timings (p50, p95) of tests/bench/bench_*.py, each held to a generous budget
	$(BIN)/pytest -o python_files='bench_*.py' -p no:cov -s tests/bench

lint: install  ## format check, lint, types, layer contracts, the GraphQL schema contract
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m gateway.schema_contract check

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

protos: install  ## regenerate gen/ from protos/
	$(BIN)/python protos/generate.py

schema: install  ## write schema.graphql, the GraphQL schema the gateway serves
	$(BIN)/python -m gateway.schema_contract export

token: install  ## a development token: make token TENANT=agency-demo ROLE=advisor USER=alice
	@$(BIN)/python -m gateway.token --tenant "$(or $(TENANT),agency-demo)" --role "$(or $(ROLE),advisor)" --user "$(or $(USER),dev-user)"

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.*
