# Two commands do all the set-up on a fresh machine:
#   make run    serve the platform on SQLite with a demo organisation
#   make test   lint, type-check and run the whole suite on SQLite and PostgreSQL

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint typecheck test-sqlite test-postgres system-deps bench-deps messages clean

# setup.py and vault/_bulk.c: the one compiled part (a C loop over libsodium).
$(VENV)/.runtime: pyproject.toml setup.py src/safepassage/vault/_bulk.c requirements/runtime.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/runtime.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements/dev.lock
	$(BIN)/python -m pip install --quiet -r requirements/dev.lock
	touch $@

run: $(VENV)/.runtime
	$(BIN)/safepassage demo
	$(BIN)/safepassage serve

system-deps:
	scripts/system-deps.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(VENV)/.dev
	$(BIN)/mypy

# Both passes need the system packages (Chromium and fonts for the browser
# tests, Java for Spark in the SQLite pass, PostgreSQL for the other).
test-sqlite: $(VENV)/.dev system-deps
	env -u DATABASE_URL $(BIN)/pytest

# What the benchmarks need beyond the test suite: wrk and valgrind from
# Debian, and the Python packages of requirements/bench.lock.
# Installed without dependency resolution (recordlinkage's metadata asks for
# pandas < 3), so pip check must find nothing else missing.
bench-deps: $(VENV)/.dev
	scripts/system-deps.sh --bench
	$(BIN)/python -m pip install --quiet --no-deps -r requirements/bench.lock
	@! $(BIN)/python -m pip check | grep -v -e "^recordlinkage .* requirement pandas<3" -e "^No broken requirements"

# Spark's tests run once, in the SQLite pass: Spark never touches the
# database, and what a run stores is stored as in every DuckDB run, which
# both passes test.
test-postgres: $(VENV)/.dev system-deps
	$(BIN)/python scripts/with_postgres.py $(BIN)/pytest -m "not spark"

test: lint typecheck test-sqlite test-postgres

# Extract and compile translations (needs GNU gettext). The compiled .mo
# files are committed, so running the platform does not need gettext.
# The commands run inside the package with a throwaway data folder, so no
# secret is generated inside the source tree.
messages: $(VENV)/.dev
	cd src/safepassage && SAFEPASSAGE_DATA_DIR=$$(mktemp -d) ../../$(BIN)/safepassage manage makemessages --no-obsolete --no-location -l ru -l fr
	cd src/safepassage && SAFEPASSAGE_DATA_DIR=$$(mktemp -d) ../../$(BIN)/safepassage manage compilemessages

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis src/safepassage/vault/_bulk.*.so
