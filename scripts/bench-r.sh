#!/usr/bin/env bash
# R and its LCMCR package, the peer that bench/lcmcr_vs_r.py holds our
# latent-class sampler to. R, its compilers and GSL come from Debian
# (scripts/system-deps.sh --bench); LCMCR 0.4.14 is built from the CRAN
# sources kept in bench/r/ into .venv/R, which the benchmark reads.
# Usage: scripts/bench-r.sh  (after scripts/system-deps.sh --bench)
set -euo pipefail
cd "$(dirname "$0")/.."
library=.venv/R
sources=bench/r/LCMCR_0.4.14.tar.gz
expected=03e12a37e64f4314191e2fd47797ac1f10e568a0d836596d3a7754741ad51c62
if R_LIBS="$library" Rscript -e 'quit(status = !requireNamespace("LCMCR", quietly = TRUE))' 2>/dev/null; then
  exit 0
fi
echo "$expected  $sources" | sha256sum --check --quiet
mkdir -p "$library"
R CMD INSTALL --no-test-load -l "$library" "$sources" >/dev/null
echo "bench-r: LCMCR built into $library"
