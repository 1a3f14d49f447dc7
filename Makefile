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

# Debian packages: Pango for WeasyPrint's PDFs (the reports' font is a Python package, installed
# with podcheck), and for the browser tests Chromium with one font of its own to lay pages out in.
PDF_DEBS  := libpango-1.0-0 libpangoft2-1.0-0
TEST_DEBS := $(PDF_DEBS) chromium fonts-dejavu-core poppler-utils

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

# Nothing to install when PDFs already work (Pango from brew, conda or the distribution).
system-pdf: $(RUN_STAMP)
	@$(BIN)/python -c "from podcheck.render import require_pdf; require_pdf()" 2>/dev/null \
	  || bash scripts/debs.sh $(PDF_DEBS)

system-test:
	@bash scripts/debs.sh $(TEST_DEBS)

report: $(RUN_STAMP) system-pdf
	@$(BIN)/podcheck batch assessments/examples --out reports

test: $(TEST_STAMP) system-test
	@$(BIN)/ruff check src tests benchmarks
	@$(BIN)/python -m pytest

lint: $(TEST_STAMP)
	@$(BIN)/ruff check src tests benchmarks

# The workshop starts without Pango: its hand-out tab then writes HTML and says what PDFs need.
workshop: $(RUN_STAMP)
	@$(MAKE) --no-print-directory system-pdf || echo "podcheck: starting the workshop without PDF hand-outs" >&2
	@$(BIN)/python -m podcheck.workshop

clean:
	rm -rf $(VENV) reports/*/ reports/*.* .pytest_cache
