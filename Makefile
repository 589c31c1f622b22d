# The portal's commands. `make run` and `make test` set up everything they need on a fresh machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Django 6 needs Python 3.12 or newer: take the first one found.
PYTHON ?= $(shell for p in python3.13 python3.12 /root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
# Debian packages: gettext compiles the catalogs, the fonts and HarfBuzz subsetter render Japanese PDFs fast,
# poppler-utils and chromium let tests look at PDFs and pages as a person would.
SYSTEM_PACKAGES := gettext fonts-noto-cjk libharfbuzz-subset0 poppler-utils chromium
PORT ?= 8000

.PHONY: run serve test test-integration test-e2e bench bench-scale bench-throughput lint format messages system-deps venv migrate worker beat schema

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (Django 6)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi; \
	fi

messages: venv system-deps
	$(PY) manage.py compilemessages --ignore=.venv -v0

migrate: messages
	$(PY) manage.py migrate --noinput -v0

# The demo's background tasks run in-process; their log lines would bury the progress and the accounts.
run: migrate
	LOG_LEVEL=WARNING $(PY) manage.py seed_demo
	@echo "Serving http://127.0.0.1:$(PORT)/ (Ctrl-C stops)."
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production run: gunicorn, a worker per queue and one beat under honcho (Procfile), against
# DATABASE_URL and REDIS_URL. Ctrl-C or SIGTERM shuts down gracefully (README, "Running in production").
serve: messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m portal.serve

test: messages
	$(PY) -m pytest -q

# Against real PostgreSQL, Redis and a Celery worker process (started by the tests).
test-integration: messages
	bash scripts/services-up.sh
	PORTAL_INTEGRATION=1 DATABASE_URL=$${INTEGRATION_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal} \
		REDIS_URL=$${INTEGRATION_REDIS_URL:-redis://127.0.0.1:6379/1} $(PY) -m pytest -q -m integration

# The committed OpenAPI schema (docs/openapi.yaml); tests/unit/test_api_schema.py fails when it is stale.
schema: venv
	$(PY) manage.py spectacular --lang en --validate --fail-on-warn --file docs/openapi.yaml

# Browser journeys against the production run (gunicorn, the workers, beat) that the tests start, on PostgreSQL,
# Redis and a fresh E2E_DATA_DIR (files, mail, the served processes' serve.log). axe-core comes from the npm
# registry, pinned by package-lock.json. Screenshots: var/screenshots/ (failures in var/screenshots/failed/).
E2E_DATA_DIR ?= $(CURDIR)/var/e2e
test-e2e: messages
	bash scripts/services-up.sh
	npm ci --no-audit --no-fund --silent
	rm -rf "$(E2E_DATA_DIR)" var/screenshots
	PORTAL_E2E=1 DATABASE_URL=$${E2E_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_e2e} \
		REDIS_URL=$${E2E_REDIS_URL:-redis://127.0.0.1:6379/5} DATA_DIR="$(E2E_DATA_DIR)" \
		EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH="$(E2E_DATA_DIR)/mail" \
		$(PY) -m pytest -q -m e2e

bench: migrate
	$(PY) bench/run_all.py

# The national scale of issue 12 (about 6 minutes to load): BENCH_DATABASE_URL names a PostgreSQL database.
bench-scale: venv
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench} $(PY) bench/generate.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench} $(PY) bench/scale.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench} $(PY) bench/sources_csv.py

# Cached public index against a bare view under gunicorn (wrk, Redis db 8 as the cache): a loaded database.
bench-throughput: venv
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES=wrk
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench} $(PY) bench/throughput.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: venv
	$(VENV)/bin/celery -A portal worker -Q celery,pdf --concurrency=2 --loglevel=INFO

beat: venv
	$(VENV)/bin/celery -A portal beat --loglevel=INFO
