# congdoan — `make run` sets up and serves the app; `make test` sets up and runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
FLASK := $(VENV)/bin/flask --app wsgi
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/congdoan_test
PORT ?= 5000
SCALE ?= 1

.PHONY: run test test-pg bench probe install install-dev lock migrate seed template clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install -q --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(FLASK) db upgrade

## Create the virtualenv if missing, install, migrate, seed the demo union when the database is empty, serve,
## with the background worker (PDFs, e-mail: docs/background-work.md) beside the server; both stop together.
run: migrate
	$(FLASK) seed-demo --if-empty
	$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## Create the virtualenv, install the dev requirements, run the whole suite (SQLite).
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

## The same suite against PostgreSQL (TEST_DATABASE_URL; the database is created when missing).
test-pg: install-dev
	$(PY) scripts/ensure_pg_database.py "$(PG_TEST_URL)"
	TEST_DATABASE_URL="$(PG_TEST_URL)" $(PY) -m pytest $(PYTEST_ARGS)

## Measure speed at the scale of a large union (5,000 people; SCALE=10: a factory union of 50,000): each page
## alone, then the mixed run of readers and writers; SQLite, then PostgreSQL when it answers (docs/speed.md).
bench: install-dev
	command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "wrk is needed: apt-get install wrk"; exit 2; }
	$(PY) -m bench.run --db sqlite --scale $(SCALE) $(BENCH_ARGS)
	$(PY) -m bench.mixed --db sqlite --scale $(SCALE) --reuse
	if pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then \
	  $(PY) -m bench.run --db postgresql --scale $(SCALE) $(BENCH_ARGS) && \
	  $(PY) -m bench.mixed --db postgresql --scale $(SCALE) --reuse; fi

## Attack a served copy of the demo (issue 15): a fresh PostgreSQL database congdoan_probe_*, gunicorn
## on a free port, bench/probe against it (docs/probe.md); exit code 1 when anything is found.
probe: install-dev
	$(PY) -m bench.probe.served $(PROBE_ARGS)

## Re-lock the dependencies after editing requirements.in or requirements-dev.in: every package, direct or
## not, pinned with its hashes (pip-tools, in a venv of its own so that it never enters the app's).
lock:
	test -x .venv-lock/bin/pip-compile || { $(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install -q pip-tools==7.7.0; }
	.venv-lock/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	.venv-lock/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

## Rebuild the Word templates of the official documents (plan, report) from their scripts.
template: install
	$(PY) scripts/build_plan_template.py
	$(PY) scripts/build_report_template.py

clean:
	rm -rf $(VENV) .pytest_cache
