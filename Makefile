# The two commands that matter: `make run` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
ifndef PYTHON
PYTHON := $(shell scripts/find-python 2>/dev/null)
endif

.PHONY: run test test-browser screenshots audit lint format bench wrk soak check-deploy chromium varnish stack clean

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then scripts/find-python; exit 1; fi
	@"$(PYTHON)" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "PYTHON=$(PYTHON) is older than 3.12; Django 6 needs 3.12+.")'
	"$(PYTHON)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the pins change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

run: $(VENV)/.installed
	DJANGO_DEBUG=1 $(MANAGE) migrate --no-input
	DJANGO_DEBUG=1 $(MANAGE) load_launch_content
	DJANGO_DEBUG=1 $(MANAGE) create_demo_accounts
	DJANGO_DEBUG=1 $(MANAGE) train_scorer --schedule --no-train  # the scheduled training, once
	DJANGO_DEBUG=1 scripts/run-with-worker  # runserver on 127.0.0.1:8000 and the task worker

# Browser tests need Debian's Chromium; install it when we can (root with apt), never a downloaded one.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y chromium || (apt-get update && apt-get install -y chromium)) >/dev/null; \
	  else echo "Browser tests need /usr/bin/chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; \
	fi

# The production stack (tools/stack.py, deploy/varnish/) needs Debian's Varnish and xkey.
varnish:
	@if [ ! -x /usr/sbin/varnishd ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y varnish varnish-modules || (apt-get update && apt-get install -y varnish varnish-modules)) >/dev/null; \
	  else echo "The stack needs Varnish: sudo apt-get install -y varnish varnish-modules" >&2; exit 1; fi; \
	fi

# PYTEST_ARGS: more options for pytest (.ci/run adds coverage).
test: $(VENV)/.installed chromium varnish
	$(BIN)/pytest $(PYTEST_ARGS)

# Varnish on 127.0.0.1:$${STACK_PORT:-8080} in front of two gunicorn nodes and the task
# worker, in the foreground; Ctrl-C stops it all. DATABASE_URL and REDIS_URL when set,
# else a database `meridian_stack` on the local PostgreSQL and Redis database 7.
stack: $(VENV)/.installed varnish
	$(BIN)/python -m tools.stack

# Browser tests alone: flows, accessibility (axe-core), layout.
test-browser: $(VENV)/.installed chromium
	$(BIN)/pytest -m browser

# The browser tests, writing screenshots (320, 390 and 1280 px, light and dark) and a print
# PDF to test-artifacts/screenshots/ for people to look at.
screenshots: $(VENV)/.installed chromium
	SCREENSHOTS=1 $(BIN)/pytest -m browser

# Lighthouse (npm, pinned in package-lock.json) for the article page, mobile and desktop,
# against a production-like gunicorn on loopback. Not part of `make test`.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

audit: $(VENV)/.installed chromium node_modules/.installed
	CHROME_PATH=/usr/bin/chromium $(BIN)/python -m audit.run

# Load test (wrk, from Debian) of the stack (tools/stack.py) on loopback: Varnish and a node
# alone, side by side with a static file; figures go to bench/results/latest.json. Not part
# of `make test`.
wrk:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y wrk >/dev/null; } \
	  || { echo "make bench needs wrk: sudo apt-get install -y wrk" >&2; exit 1; }

bench: $(VENV)/.installed wrk varnish
	$(BIN)/python -m bench.run

# Soak and faults (soak/run.py): SOAK_SECONDS (60) of readers, 10 commenters (posting,
# editing, double submitting) and a moderator through the stack (tools/stack.py) on a fresh
# PostgreSQL database, with a Redis and an SMTP sink of its own; Redis stopped, SMTP down
# and an app node killed mid-run, then an audit of every answer, comment and mail; figures
# go to soak/results/latest.json. Not in `make test`.
soak: $(VENV)/.installed varnish
	$(BIN)/python -m soak.run

# ruff, and the app graph of pyproject.toml's [tool.importlinter] (no import against the layers).
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# `manage.py check --deploy` with production-like variables; prints nothing but the verdict when clean.
check-deploy: $(VENV)/.installed
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$(openssl rand -hex 40) DJANGO_ALLOWED_HOSTS=example.org \
	  SITE_URL=https://example.org $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts node_modules audit/.data audit/reports
