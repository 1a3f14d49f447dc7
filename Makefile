# podcheck: the two commands a newcomer needs are `make report` and `make test`.
# Both set up everything on a fresh machine: a virtual environment in .venv, the Python
# packages, and (for tests and PDFs) the Debian packages they need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Stamps are named after a hash of pyproject.toml, so a changed dependency list reinstalls.
DEPS_HASH := $(shell cat pyproject.toml | cksum | cut -d' ' -f1)
RUN_STAMP  := $(VENV)/.run-$(DEPS_HASH)
TEST_STAMP := $(VENV)/.test-$(DEPS_HASH)
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

# Debian packages: Pango for WeasyPrint's PDFs, fonts, and Chromium for the browser tests.
PDF_DEBS  := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_DEBS := $(PDF_DEBS) chromium poppler-utils

.PHONY: help report test lint workshop clean system-pdf system-test

help:
	@echo "make report    assess the bundled examples; reports go to reports/"
	@echo "make test      run the whole test suite (installs what it needs)"
	@echo "make workshop  start JupyterLab on the playbook for a live workshop"
	@echo "make lint      ruff"

$(RUN_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing podcheck into $(VENV) (first run takes a few minutes)..."
	@$(PIP) install -e .
	@rm -f $(VENV)/.run-* && touch $@

$(TEST_STAMP): $(RUN_STAMP)
	@echo "Installing test dependencies into $(VENV)..."
	@$(PIP) install -e '.[test]'
	@rm -f $(VENV)/.test-* && touch $@

system-pdf:
	@bash scripts/debs.sh $(PDF_DEBS)

system-test:
	@bash scripts/debs.sh $(TEST_DEBS)

report: $(RUN_STAMP) system-pdf
	@$(BIN)/podcheck batch assessments/examples --out reports

test: $(TEST_STAMP) system-test
	@$(BIN)/ruff check src tests benchmarks
	@$(BIN)/python -m pytest

lint: $(TEST_STAMP)
	@$(BIN)/ruff check src tests benchmarks

workshop: $(RUN_STAMP) system-pdf
	@$(BIN)/python -m podcheck.workshop_server

clean:
	rm -rf $(VENV) reports/*/ reports/*.* .pytest_cache
