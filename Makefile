# Client 360 — the two commands are `make run` and `make test`; both install what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export UV_PYTHON_DOWNLOADS := never

.PHONY: install run test lint format protos token clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8

$(STAMP): pyproject.toml uv.lock | $(BIN)/uv
	$(BIN)/uv sync --frozen --python $(BIN)/python
	touch $@

install: $(STAMP)

run: install  ## start NATS, the services and the gateway with demo data
	$(BIN)/python -m runtime.supervisor

test: install  ## the whole suite, against real NATS, gRPC servers and SQLite files
	$(BIN)/pytest

lint: install  ## format check, lint, types
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

protos: install  ## regenerate gen/ from protos/
	$(BIN)/python protos/generate.py

token: install  ## a development token: make token TENANT=agency-demo ROLE=advisor USER=alice
	@$(BIN)/python -m gateway.token --tenant "$(or $(TENANT),agency-demo)" --role "$(or $(ROLE),advisor)" --user "$(or $(USER),dev-user)"

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
