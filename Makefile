# The two commands: `make run` and `make test`. Both work on a fresh clone with only
# the machine's Python 3.11: they create .venv and install the pinned dependencies.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test lint bench system-deps clean messages compile-messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

run: $(VENV)/.installed system-deps
	$(BIN)/dangvien migrate --verbosity 0
	$(BIN)/dangvien firstrun
	$(BIN)/dangvien serve

# Debian's packages the app and its tests use, never a download at run time: Chromium for
# the browser tests; LibreOffice (headless) and poppler for the forms' PDF; fonts with every
# Vietnamese diacritic. Installed when missing and run as root; otherwise said and skipped.
system-deps:
	@browser=""; office=""; \
	command -v chromium >/dev/null 2>&1 || browser="chromium fonts-dejavu-core"; \
	command -v soffice >/dev/null 2>&1 || office="libreoffice-writer-nogui fonts-liberation2"; \
	command -v pdftoppm >/dev/null 2>&1 || office="$$office poppler-utils"; \
	if [ -n "$$browser$$office" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq; \
	    if [ -n "$$browser" ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$browser >/dev/null; fi; \
	    if [ -n "$$office" ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$office >/dev/null; fi; \
	  else echo "missing Debian packages: $$browser $$office (not root: the tests that need them are skipped, PDFs unavailable)"; fi; \
	fi

test: $(VENV)/.installed-dev system-deps
	env -u DANGVIEN_TEST_DATABASE_URL DANGVIEN_DATA_DIR=var/test $(BIN)/pytest
	@if [ -n "$$DANGVIEN_TEST_DATABASE_URL" ]; then \
	  echo "== the same suite on PostgreSQL ($$DANGVIEN_TEST_DATABASE_URL)"; \
	  DANGVIEN_DATA_DIR=var/test $(BIN)/pytest; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	DANGVIEN_DATA_DIR=var/test $(BIN)/dangvien makemigrations --check --dry-run
	DANGVIEN_DATA_DIR=var/test DANGVIEN_PRODUCTION=1 DANGVIEN_SECRET_KEY=$$(python3 -c 'print("x"*20 + "ci-only-check-deploy-key-0123456789")') \
	  DANGVIEN_ALLOWED_HOSTS=dangvien.example DANGVIEN_SECURE_COOKIES=1 $(BIN)/dangvien check --deploy --fail-level WARNING

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/test

# After changing UI text: refresh the English catalogue, translate, compile (needs gettext).
messages: $(VENV)/.installed-dev
	cd src/dangvien && DANGVIEN_DATA_DIR=../../var/test ../../$(BIN)/django-admin makemessages -l en --settings=dangvien.settings --pythonpath=.. -i "demo/*"
	@echo "Translate the new entries in src/dangvien/locale/en/LC_MESSAGES/django.po, then: make compile-messages"

compile-messages:
	msgfmt --check -o src/dangvien/locale/en/LC_MESSAGES/django.mo src/dangvien/locale/en/LC_MESSAGES/django.po
