# Two commands a newcomer needs: `make demo` and `make test`.
# Both create (or reuse) .venv and install what they need themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DIR ?= .nowrongdoor/demo

.PHONY: demo test lint typecheck unit install clean fuzz

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[all,dev]'
	@touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# npm packages: axe-core checks the care pages for accessibility violations;
# Cytoscape.js draws the investigator's contact graph (copied into the static
# files, no CDN); us-atlas is the source of the shipped US state shapes.
AXE := node_modules/axe-core/axe.min.js
VENDOR := src/nowrongdoor/care/web/static/vendor
CYTOSCAPE := $(VENDOR)/cytoscape.min.js

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $(AXE)

$(CYTOSCAPE): $(AXE)
	cp node_modules/cytoscape/dist/cytoscape.min.js $(CYTOSCAPE)
	cp node_modules/cytoscape/LICENSE $(VENDOR)/cytoscape.LICENSE.txt

# The suite runs on two processes (pytest-xdist); a module's tests stay in one
# process, so a module's fixtures (a Spark cluster, a served app) start once.
PYTEST_WORKERS ?= 2

unit: $(STAMP) $(AXE) $(CYTOSCAPE)
	bash scripts/ensure-services.sh
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

test: lint typecheck unit

demo: $(STAMP) $(CYTOSCAPE)
	bash scripts/demo.sh "$(DEMO_DIR)"

clean:
	rm -rf .nowrongdoor .pytest_cache .mypy_cache .ruff_cache

# The fuzzing campaign at depth: >= 20,000 generated cases across the file
# parsers and more schemathesis examples per operation and role (make test runs
# a few of each).
fuzz: $(STAMP)
	bash scripts/ensure-services.sh
	NWD_FUZZ_EXAMPLES=3200 NWD_SCHEMATHESIS_EXAMPLES=10 $(BIN)/pytest -q tests/fuzz tests/care/test_schemathesis.py
