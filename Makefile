# Bilbao Sede — the README's commands. `make test` runs exactly what CI runs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_ENV := DEBUG=true

.DEFAULT_GOAL := help
.PHONY: help system-check demo test typecheck typecheck-baseline lint format migrations-check pytest bench messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

system-check: ## Check the system libraries (Pango, xmlsec1, libpq …); prints the apt-get command
	$(PYTHON) scripts/check_system.py

$(VENV)/.installed: pyproject.toml
	$(PYTHON) scripts/check_system.py
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	@touch $@

demo: system-check $(VENV)/.installed ## Run the demo sede on 127.0.0.1:8000 (SQLite, Celery eager, dev IdP)
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py demo_setup
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.installed ## ruff check + ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed ## Format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Every app (and the project package): new code may not add type errors; the errors that
# existed when the gate was introduced are listed in mypy-baseline.txt (fix them, never add).
MYPY_TARGETS := bilbao_sede identidad procedimientos calendario registro expedientes firma \
                notificaciones apoderamientos sede gestion tablon pagos

typecheck: $(VENV)/.installed ## mypy with django-stubs on every app; fails on errors not in mypy-baseline.txt
	$(DEMO_ENV) $(VENV)/bin/mypy $(MYPY_TARGETS) | $(VENV)/bin/mypy-baseline filter --no-colors

typecheck-baseline: $(VENV)/.installed ## Rewrite mypy-baseline.txt (only after fixing errors, or when merging)
	$(DEMO_ENV) $(VENV)/bin/mypy $(MYPY_TARGETS) | $(VENV)/bin/mypy-baseline sync

migrations-check: $(VENV)/.installed ## Fail when a model change has no migration
	$(DEMO_ENV) $(PY) manage.py makemigrations --check --dry-run

pytest: $(VENV)/.installed ## The whole test suite with a coverage summary
	$(VENV)/bin/pytest -n 2 --cov --cov-report=term:skip-covered --cov-report=

test: lint migrations-check typecheck pytest ## Lint, migrations check and the whole suite (what CI runs)

bench: $(VENV)/.installed ## Benchmarks (heavy; each prints a RESULT line)
	@for b in bench/bench_*.py; do echo "== $$b"; DEBUG=true $(PY) $$b || exit 1; done

messages: $(VENV)/.installed ## Extract and compile the es/eu translations (one catalogue per app)
	@for dir in bilbao_sede identidad procedimientos calendario registro expedientes firma \
	            notificaciones apoderamientos sede gestion tablon pagos; do \
	  [ -d $$dir/locale ] || continue; \
	  (cd $$dir && DEBUG=true PYTHONPATH=.. DJANGO_SETTINGS_MODULE=bilbao_sede.settings.test \
	     ../$(VENV)/bin/django-admin makemessages -l eu && \
	   DEBUG=true PYTHONPATH=.. ../$(VENV)/bin/django-admin compilemessages); \
	done
	DEBUG=true $(PY) manage.py makemessages -l eu --ignore='.venv/*' --ignore='var/*' \
	  $(foreach app,identidad procedimientos calendario registro expedientes firma notificaciones apoderamientos sede gestion tablon pagos tests bench node_modules,--ignore='$(app)/*')
	DEBUG=true $(PY) manage.py compilemessages --ignore='.venv/*'

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var
