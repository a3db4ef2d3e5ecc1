# Complaint Coach — every command a developer or CI needs. `make test` works on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint demo run migrate bench practice diagram clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

demo: $(STAMP)
	$(BIN)/complaint-coach console

practice: $(STAMP)
	$(BIN)/complaint-coach practice

run: $(STAMP)
	$(BIN)/complaint-coach run

migrate: $(STAMP)
	$(BIN)/complaint-coach migrate

bench: $(STAMP)
	$(BIN)/complaint-coach bench

diagram: $(STAMP)
	$(BIN)/python -m dialogs.flow_diagram --write README.md

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis build *.egg-info
