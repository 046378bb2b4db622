# Two entry points for a fresh machine: `make run` and `make test`.
# Both create .venv and install the project (with its dev tools) from pyproject.toml on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test unit lint check-data evaluate bench lock clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

test: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/ruff format --check bot tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m bot check-data
	$(BIN)/python -m bot evaluate tests/questions.yaml --min 0.95 --min-facts 0.95
	$(BIN)/python -m bot evaluate tests/questions_holdout.yaml --min 0.95 --min-facts 0.95 > /dev/null
	$(BIN)/python -m bot evaluate tests/questions_blind2.yaml --min 0.95 --min-facts 0.95 > /dev/null
	$(BIN)/python -m bot evaluate tests/questions_blind3.yaml --min 0.95 --min-facts 0.95 > /dev/null
	$(BIN)/python -m bot evaluate tests/dialogues_blind.yaml --min 0.90 > /dev/null
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto

# The inner loop: the unit tests only (no end-to-end tests), on every core, each property test
# with a third of its examples (tests/examples.py); `make test` runs them all. Bytecode is kept
# (__pycache__/, ignored by git) even where PYTHONDONTWRITEBYTECODE is set: otherwise every run
# compiles the bot and rewrites every test module's asserts again, in each worker (~5 s).
unit: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE PROPERTY_SCALE=0.3 $(BIN)/python -m pytest -m "not e2e" -n auto

check-data: $(STAMP)
	$(BIN)/python -m bot check-data

# requirements.lock for the Docker image, from pyproject.toml (run after changing dependencies).
lock: $(STAMP)
	$(BIN)/python tools/lock.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
