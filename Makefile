# The two commands: `make run` serves the portal with demo accounts; `make test` runs every suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi
# Links in emails point where the portal is served, unless told otherwise.
export PORTAL_BASE_URL ?= http://$(HOST):$(PORT)
# PostgreSQL for the second test run: TEST_DATABASE_URL, else the local server if it answers.
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
# The browser suite drives Debian's Chromium (the package chromium); Playwright never downloads one.
CHROMIUM := /usr/bin/chromium

.PHONY: run lint typecheck test test-sqlite test-browser test-postgres accessibility-report security-report bench install static migrate seed clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# htmx, and Compressor.js (large photos made smaller in the browser before they are sent: static/js/uploads.js),
# come from the npm registry, pinned in package-lock.json; they are never committed.
portal/static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p portal/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

portal/static/vendor/compressor.min.js: node_modules/.package-lock.json
	mkdir -p portal/static/vendor
	cp node_modules/compressorjs/dist/compressor.min.js $@

static: portal/static/vendor/htmx.min.js portal/static/vendor/compressor.min.js

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask portal seed-demo

# Serves on http://$(HOST):$(PORT); a mail worker runs beside it (it prints mail unless MAIL_SERVER is set).
# The demo program's time zone, so that dates and times read as they would at a real program (not UTC).
run: export PORTAL_TIMEZONE ?= America/Chicago
run: install static seed
	@$(BIN)/flask portal deliver-mail --loop & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: install static test-sqlite test-browser test-postgres

# Style and structure: ruff (lint and format), the import contracts in pyproject.toml, and bandit's security
# checks of the portal's code (any finding of medium severity or above fails).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit --quiet --recursive portal --severity-level medium

typecheck: install
	$(BIN)/mypy

test-sqlite: install static
	$(BIN)/pytest --ignore=tests/browser

# Needs static: the htmx the pages load, and axe-core in node_modules (npm ci installs both).
test-browser: install static
	@if [ -x $(CHROMIUM) ]; then \
		echo "== Running the browser suite on $$($(CHROMIUM) --version 2>/dev/null)"; \
		$(BIN)/pytest tests/browser; \
	else \
		echo "== SKIPPED the browser suite: no Chromium at $(CHROMIUM) (install the Debian package chromium; .ci/run does)"; \
	fi

# docs/accessibility.md: every screen's axe, keyboard and 320 px results, written by a run of the browser suite.
accessibility-report: install static
	ACCESSIBILITY_REPORT=docs/accessibility.md $(BIN)/pytest tests/browser

# docs/security.md: each threat, its control, and the test that proves it, from the tests' security marks.
security-report: install
	SECURITY_REPORT=docs/security.md $(BIN)/pytest --collect-only -q -m security > /dev/null

test-postgres: install static
	@url="$${TEST_DATABASE_URL:-$(PG_URL)}"; \
	if $(BIN)/python -m tests.pg_available "$$url"; then \
		echo "== Running the database tests again on PostgreSQL"; \
		TEST_DATABASE_URL="$$url" $(BIN)/pytest --ignore=tests/browser; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is required here (REQUIRE_POSTGRES) but did not answer at $$url" >&2; exit 1; \
	else \
		echo "== SKIPPED the PostgreSQL run: no server answered at $$url (set TEST_DATABASE_URL to use another)"; \
	fi

# Inbox response times at 1,000, 10,000 and 100,000 submissions, on SQLite and on PostgreSQL when one answers
# (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server). Takes several minutes.
bench: install static
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_roster.py

clean:
	rm -rf $(VENV) node_modules portal/static/vendor .pytest_cache
