# The two commands of the README: `make run` and `make test`. Only Python 3.11+ and make
# are needed; everything else is installed into .venv from pinned versions.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
DEPS := requirements.txt requirements-dev.txt constraints.txt pyproject.toml

.PHONY: run serve test lint format check-migrations install clean lock bench mutation

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 ou plus requis"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python $(DEPS)
	$(PIP) install -r requirements-dev.txt -c constraints.txt
	$(PIP) install --no-deps -e .
	touch $@

install: $(VENV)/.installed

run: install
	mkdir -p var
	CRTE_DEMO=true CRTE_DEBUG=true $(BIN)/crte migrate --no-input -v 0
	CRTE_DEMO=true CRTE_DEBUG=true $(BIN)/crte setup_demo
	CRTE_DEMO=true CRTE_DEBUG=true PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho -f Procfile.dev start -p $(PORT)

# The production recipe (docs/deploy.md): the Procfile's release step, then its web process
# (gunicorn, WhiteNoise) and its worker (background jobs) on the database of DATABASE_URL, with a real secret key.
# honcho stops every process when one dies and restarts none: on a server, use the systemd
# units of deploy/systemd (docs/deploy.md, « Supervision »), which restart them.
JOB_WORKERS ?= 2
serve: install
	@test -n "$$CRTE_SECRET_KEY" || { echo "CRTE_SECRET_KEY manquant : voir docs/deploy.md" >&2; exit 2; }
	@test -n "$$DATABASE_URL" || { echo "DATABASE_URL manquant (PostgreSQL) : voir docs/deploy.md" >&2; exit 2; }
	@echo "make serve : honcho ne relance pas un processus arrêté ; en production, utilisez les unités systemd de deploy/systemd (docs/deploy.md)." >&2
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho -f Procfile start release
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho -f Procfile start -c worker=$(JOB_WORKERS) web worker

# Tests run in parallel (pytest-xdist), one database per worker; WORKERS=0 runs them in one process.
WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(WORKERS) $(PYTEST_ARGS)

# Benchmarks print figures (bench/); DATABASE_URL selects the database.
bench: install
	$(PIP) install -r requirements-bench.txt
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/national.py
	$(BIN)/python bench/imports.py
	@test -z "$$DATABASE_URL" || $(BIN)/python bench/load.py

# Mutation testing of the pure modules ([tool.mutmut] in pyproject.toml): killed / survived
# per module; `mutmut show NAME` prints a survivor.
mutation: install
	rm -rf mutants
	$(BIN)/mutmut run
	$(BIN)/python bench/mutation_score.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint crte/templates --lint
	$(BIN)/djlint crte/templates --check
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r crte config -x "*/tests/*" --severity-level medium

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint crte/templates --reformat

check-migrations: install
	CRTE_DEBUG=true $(BIN)/crte makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var/crte.sqlite3 var/static

# Re-resolve the pinned set from requirements*.txt in a scratch environment.
lock:
	rm -rf var/lock-venv
	$(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/python -m pip -q install -r requirements-dev.txt
	(echo "# Full pinned set (runtime + dev, transitive included). Regenerate with: make lock"; \
	  var/lock-venv/bin/python -m pip freeze) > constraints.txt
	rm -rf var/lock-venv
