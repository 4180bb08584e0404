# Ressursvenn: the two set-up commands are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format typecheck pytest bench system-packages messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_personas
	$(PY) manage.py runserver 127.0.0.1:8000

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

pytest: $(STAMP) system-packages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

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

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var/*.sqlite3*
