# Two commands do everything on a fresh machine:
#   make demo   - create .venv if needed, install, run the monthly flow on the sample data
#   make test   - create .venv if needed, install, run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kundensprache-installed

export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: demo test lint install clean

demo: $(STAMP)
	$(BIN)/kundensprache demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

install: $(STAMP)

# torch goes first, pinned: an unpinned torch would pull a multi-GB GPU build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) .work demo-output .pytest_cache
