# Legion: `make run` starts the app with demo data on SQLite; `make test` runs every test.
PYTHON ?= $(shell pyenv which python 2>/dev/null || command -v python3.13)
BIN := .venv/bin

.PHONY: setup run dev test lint format messages

.venv/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv .venv
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Message catalogues: the .mo files are committed; rebuilt here only if a .po is newer.
CATALOGUES := $(wildcard legion/locale/*/LC_MESSAGES/django.po)

setup: .venv/.installed $(CATALOGUES:.po=.mo) node_modules/.installed
	scripts/install-system-packages.sh

# Test-only JavaScript (axe-core for the accessibility tests), pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	scripts/install-system-packages.sh
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

legion/locale/%/LC_MESSAGES/django.mo: legion/locale/%/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<

# After marking new strings: collect them, translate the new entries, then compile.
messages: .venv/.installed
	$(BIN)/legion makemessages --all --extension=html,txt,py --no-obsolete \
	  --ignore=.venv --ignore=var --ignore=bench --ignore=node_modules --ignore='*/tests/*'
	$(BIN)/legion compilemessages --ignore=.venv

# The production server (legion serve) and the task worker, with demo data on SQLite.
run: setup
	$(BIN)/legion migrate --noinput
	$(BIN)/legion demo --if-empty
	$(BIN)/legion collectstatic --noinput -v 0
	scripts/run.sh

# Django's development server (reloads on changes, DEBUG on) and the task worker.
dev: setup
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
