# The commands people type. `make run` and `make test` set up a fresh machine.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench bench-classifiers bench-search

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

## run: install, migrate, ingest the sample corpus into an empty database, serve on 127.0.0.1:8000
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ingest --if-empty data/sample
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole test suite
test: $(VENV)/.installed
	$(VENV)/bin/pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## bench: the quick benchmarks (seconds to minutes); bench-classifiers: the 5-fold comparison (~45 min)
bench: $(VENV)/.installed
	$(PY) bench/count_seeds.py
	$(PY) bench/classify_rate.py
	$(PY) bench/pdf_rate.py

bench-classifiers: $(VENV)/.installed
	$(PY) bench/compare_classifiers.py

## bench-search: /api/search p50/p95/p99 beside SQLite FTS5 on 10k generated clauses (bench/RESULTS.md)
bench-search: $(VENV)/.installed
	$(PY) bench/search_bench.py --clauses $(or $(CLAUSES),10000)
