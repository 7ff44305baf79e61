# Two commands do all the set-up on a fresh machine:
#   make run    serve the platform on SQLite with a demo organisation
#   make test   lint, type-check and run the whole suite on SQLite and PostgreSQL

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint typecheck test-sqlite test-postgres system-deps bench-deps messages clean

# setup.py and vault/_bulk.c: the one compiled part (a C loop over libsodium
# for list pages), optional: without a C compiler the install goes on and
# list pages open their values in Python.
$(VENV)/.runtime: pyproject.toml setup.py src/safepassage/vault/_bulk.c requirements/runtime.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/runtime.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@$(BIN)/python -c "import safepassage.vault._bulk" 2>/dev/null || echo "note: no C compiler:" \
	  "the vault's compiled loop was not built; list pages open their values in Python."
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

# The vault's tests once more as on a host where its compiled loop was not
# built (about 20 s), so both of its paths are tested on every run.
test-sqlite: $(VENV)/.dev
	env -u DATABASE_URL $(BIN)/pytest
	env -u DATABASE_URL $(BIN)/pytest -p tests.vault.without_compiled_loop tests/vault

# What bench/linkage_febrl.py needs beyond the test suite (see requirements/bench.lock).
bench-deps: $(VENV)/.dev
	$(BIN)/python -m pip install --quiet --no-deps -r requirements/bench.lock

# Spark's tests run once, in the SQLite pass: Spark never touches the
# database, and what a run stores is stored as in every DuckDB run, which
# both passes test.
test-postgres: $(VENV)/.dev system-deps
	$(BIN)/python scripts/with_postgres.py $(BIN)/pytest -m "not spark"

test: lint typecheck test-sqlite test-postgres

# Extract and compile translations (needs GNU gettext). The compiled .mo
# files are committed, so running the platform does not need gettext.
messages: $(VENV)/.dev
	cd src/safepassage && ../../$(BIN)/safepassage manage makemessages --no-obsolete -l ru -l fr
	cd src/safepassage && ../../$(BIN)/safepassage manage compilemessages

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis src/safepassage/vault/_bulk.*.so
