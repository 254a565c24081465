# Two commands for a new user:  `make run` (set up + build the example)  and  `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint format clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

run: $(BIN)/kg
	$(BIN)/kg build examples/fr-microsoft-mai-openai.txt -o out

test: $(BIN)/kg
	$(BIN)/python -m pytest

lint: $(BIN)/kg
	$(BIN)/ruff check kg tests
	$(BIN)/ruff format --check kg tests

format: $(BIN)/kg
	$(BIN)/ruff format kg tests
	$(BIN)/ruff check --fix kg tests

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
