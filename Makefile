# Every target creates or reuses .venv itself: a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench lint lexicons translations clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Figures are printed and written to bench-results/; the ingest and portal benchmarks need PostgreSQL on
# 127.0.0.1:5432 (or CIATEH_BENCH_DATABASE_URL).
bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_anonymiser.py
	$(BIN)/python tests/benchmarks/bench_ingest.py
	$(BIN)/python tests/benchmarks/bench_connector.py
	$(BIN)/python tests/benchmarks/bench_portal.py

lint: $(STAMP)
	$(BIN)/ruff check anonymiser connectors ciateh tests scripts
	$(BIN)/ruff format --check anonymiser connectors ciateh tests scripts
	$(BIN)/mypy

# Rebuild the name lists, place names and word lists in anonymiser/data from their public sources.
lexicons: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,lexicons]'
	$(BIN)/python scripts/build_lexicons.py

# Extract the portal's texts, update the nl/fr catalogs and compile them (see scripts/translations.py).
translations: $(STAMP)
	$(BIN)/python scripts/translations.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis *.egg-info
