# Legion: `make run` starts the app with demo data on SQLite; `make test` runs every test.
PYTHON ?= $(shell pyenv which python 2>/dev/null || command -v python3.13)
BIN := .venv/bin

.PHONY: setup run test lint format

.venv/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv .venv
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: .venv/.installed
	scripts/install-system-packages.sh

run: setup
	$(BIN)/legion migrate --noinput
	$(BIN)/legion demo --if-empty
	scripts/run-dev.sh

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/legion makemigrations --check --dry-run
	$(BIN)/pytest

lint:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
