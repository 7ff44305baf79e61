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

# Both passes need the system packages (Chromium and fonts for the browser
# tests, Java for Spark in the SQLite pass, PostgreSQL for the other).
# The vault's tests run once more as on a host where its compiled loop was
# not built (about 20 s), so both of its paths are tested on every run.
# The browser tests run once, in the PostgreSQL pass (below).
test-sqlite: $(VENV)/.dev system-deps
	env -u DATABASE_URL $(BIN)/pytest -m "not browser"
	env -u DATABASE_URL $(BIN)/pytest -p tests.vault.without_compiled_loop tests/vault

# What the benchmarks need beyond the test suite: wrk, valgrind and R from
# Debian, R's LCMCR built from bench/r/, and the Python packages of
# requirements/bench.lock.
# Installed without dependency resolution (recordlinkage's metadata asks for
# pandas < 3), so pip check must find nothing else missing.
bench-deps: $(VENV)/.dev
	scripts/system-deps.sh --bench
	scripts/bench-r.sh
	$(BIN)/python -m pip install --quiet --no-deps -r requirements/bench.lock
	@! $(BIN)/python -m pip check | grep -v -e "^recordlinkage .* requirement pandas<3" -e "^No broken requirements"

# Spark's tests run once, in the SQLite pass: Spark never touches the
# database, and what a run stores is stored as in every DuckDB run, which
# both passes test. So does the 2 GB upload (marked large: about 6 GB read
# and written, 50 s on a loaded machine): a file's bytes never touch the
# database, and the same path at 200 MB runs in both passes. The tests that
# use no database at all run in the SQLite pass only (tests/conftest.py
# leaves them out on PostgreSQL). The browser tests run in this pass only:
# what a browser adds (layout at each width, a flow across pages, forms
# without JavaScript) does not depend on the database, and every page's
# reads and writes are tested on both databases without one.
test-postgres: $(VENV)/.dev system-deps
	$(BIN)/python scripts/with_postgres.py $(BIN)/pytest -m "not spark and not large"

# The two passes run side by side: each is one pytest process (and, for
# PostgreSQL, its server), so on two cores the suite takes about as long as
# its longer pass. Each pass's report is printed whole when it ends.
test: lint typecheck test-sqlite test-postgres
ifneq ($(filter test,$(MAKECMDGOALS)),)
MAKEFLAGS += --jobs=2 --output-sync=target
endif

# Extract and compile translations (needs GNU gettext). The compiled .mo
# files are committed, so running the platform does not need gettext.
# The commands run inside the package with a throwaway data folder, so no
# secret is generated inside the source tree.
messages: $(VENV)/.dev
	cd src/safepassage && SAFEPASSAGE_DATA_DIR=$$(mktemp -d) ../../$(BIN)/safepassage manage makemessages --no-obsolete --no-location -l ru -l fr
	cd src/safepassage && SAFEPASSAGE_DATA_DIR=$$(mktemp -d) ../../$(BIN)/safepassage manage compilemessages

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis src/safepassage/vault/_bulk.*.so
