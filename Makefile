# Two commands: `make run` (build and serve on http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install install-test system-deps run build test lint bench audit clean translations \
	translations-update

# The interface's gettext catalogues (docs/translation.md): `make translations-update` extracts
# the strings of registry/web and templates/ (babel.cfg) and merges them into each language's
# messages.po; `make translations` compiles the .mo files the site reads (run and test do it).
TRANSLATIONS := registry/translations
BABEL_KEYWORDS := -k _l -k lazy_gettext

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Debian's chromium for the browser tests and PostgreSQL for the database tests.
system-deps:
	bash scripts/install_system_deps.sh

build: install translations
	$(BIN)/registry build

translations: install
	$(BIN)/pybabel compile -d $(TRANSLATIONS) -D messages --statistics

translations-update: install
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
		--omit-header -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -D messages \
		--ignore-obsolete --no-fuzzy-matching
	rm $(TRANSLATIONS)/messages.pot

# Absolute links (feeds, API, exports, letters) point where the site really is, unless
# REGISTRY_SITE_URL is already set (a public address behind a proxy).
run: export REGISTRY_SITE_URL ?= http://$(HOST):$(PORT)
run: build
	$(BIN)/registry serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check registry tests scripts

# Both cores (pytest-xdist); `make test PYTEST_ARGS="-m 'not slow'"` for the quick code tests.
PYTEST_ARGS ?=
test: install-test system-deps lint translations
	$(BIN)/registry validate --quiet
	$(BIN)/python -m pytest -p no:cacheprovider -n 2 $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python scripts/bench.py

audit: install-test
	$(BIN)/python -m pip install -q pip-audit
	$(BIN)/pip-audit --skip-editable

clean:  # derived files only: state/ (contributions, sessions) is never deleted here
	rm -rf instance .pytest_cache
