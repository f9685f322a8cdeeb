# The two commands of README.md: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint worker demo bench venv clean

venv: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## Create .venv, install, migrate, load demo data, serve on http://127.0.0.1:8000 with a task worker.
run: venv
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py demo
	trap 'kill 0' EXIT; \
	$(BIN)/python manage.py db_worker --interval 1 & \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Lint, check module boundaries, run every test (SQLite, or QINQING_DATABASE_URL).
test: venv lint
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

worker: venv
	$(BIN)/python manage.py db_worker

demo: venv
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py demo

bench: venv
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
