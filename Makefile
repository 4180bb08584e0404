# Ressursvenn: the two set-up commands are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format typecheck pytest bench loadtest system-packages messages clean serve

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_personas
	@# The development server and the e-mail worker (Procfile.dev): e-mail shows on the console.
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho -f Procfile.dev start

# The production process model locally: migrate and collectstatic, then the Procfile's `web`
# (gunicorn with gunicorn.conf.py), `worker` and `clock` through honcho, against the configured
# database. honcho reads ./.env when it exists, for all three steps alike (docs/operations.md).
HONCHO := $(VENV)/bin/honcho
serve: $(STAMP)
	$(HONCHO) run $(PY) manage.py migrate --noinput
	$(HONCHO) run $(PY) manage.py createcachetable
	$(HONCHO) run $(PY) manage.py collectstatic --noinput
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" PORT="$${PORT:-8000}" $(HONCHO) start web worker clock

test: $(STAMP) system-packages lint typecheck pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint ressursvenn/templates --lint
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

typecheck: $(STAMP)
	$(VENV)/bin/mypy ressursvenn bench

# Two workers (this is a 2-core machine); PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
pytest: $(STAMP) system-packages
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist worksteal -m "not faults" $(PYTEST_ARGS)

# The production stack with real faults (tests/test_faults.py): needs PostgreSQL and Redis on
# 127.0.0.1 and restarts PostgreSQL, so it is a stage of .ci/run, not part of `make test`.
faults: $(STAMP)
	$(VENV)/bin/pytest -n 0 -m faults ressursvenn/tests/test_faults.py

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint ressursvenn/templates --reformat

# Browser tests need Debian's Chromium, catalogue checks GNU gettext: installed when missing.
system-packages:
	@bash scripts/ensure_system_packages.sh

messages: $(STAMP)
	cd ressursvenn && ../$(PY) ../manage.py makemessages -l en --no-obsolete --add-location file -i "tests/*" -i "*/tests/*"
	cd ressursvenn && ../$(PY) ../manage.py compilemessages

# Every benchmark; the page benchmark builds seed_scale data sets once under var/ and on the local
# PostgreSQL (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432; "off" skips it).
bench: $(STAMP)
	$(PY) bench/run.py

# Locust (the `load` extra) against gunicorn with production settings on PostgreSQL, ~60 s.
LOAD_STAMP := $(VENV)/.installed-load
$(LOAD_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,load]'
	touch $(LOAD_STAMP)

loadtest: $(LOAD_STAMP)
	$(PY) bench/loadtest.py

clean:
	rm -rf $(VENV) var/*.sqlite3*
