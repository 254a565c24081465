# Two commands for a new user:  `make run` (set up + build the example)  and  `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint format eval bench clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

run: $(BIN)/kg
	$(BIN)/kg build examples/fr-microsoft-mai-openai.txt -o out

test: $(BIN)/kg
	$(BIN)/python -m pytest

# Figures quoted in the README: the development set, POPCORN French, throughput.
eval: $(BIN)/kg
	$(BIN)/python eval/devset.py --part dev
	$(BIN)/python eval/devset.py --part heldout
	$(BIN)/python eval/popcorn.py

bench: $(BIN)/kg
	$(BIN)/python benchmarks/throughput.py --repeat 3
	$(BIN)/python benchmarks/store.py
	$(BIN)/python benchmarks/viz.py

lint: $(BIN)/kg
	$(BIN)/ruff check kg tests eval benchmarks
	$(BIN)/ruff format --check kg tests eval benchmarks

format: $(BIN)/kg
	$(BIN)/ruff format kg tests
	$(BIN)/ruff check --fix kg tests

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
