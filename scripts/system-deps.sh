#!/usr/bin/env bash
# System packages the test suite needs: a PostgreSQL server (the suite runs
# on it as well as on SQLite), Debian's Chromium for the browser tests and a
# Java runtime for the Spark linkage backend (tested in local mode),
# GnuPG for ProofMode bundles, and ffmpeg to make test videos.
# Installs only what is missing; needs root (or sudo) the first time.
# Usage: scripts/system-deps.sh [--bench]
set -euo pipefail

missing=()
have_pg=no
for dir in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then have_pg=yes; break; fi
done
[ "$have_pg" = yes ] || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Fonts so pages render with real glyphs (Cyrillic included) in the browser tests.
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
# OpenSSL's command line: the custody and dossier checks "with standard tools only".
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# GnuPG checks a ProofMode bundle's OpenPGP signatures (documentation.proofmode).
command -v gpg >/dev/null 2>&1 || missing+=(gnupg)
# ffmpeg writes the real WebM, Matroska and AVI files the container tests read
# (tests/documentation/test_video_containers.py); the platform itself never runs it.
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
# Spark 4 runs on Java 17 or later.
java_ok=no
if command -v java >/dev/null 2>&1; then
  major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ -n "$major" ] && [ "$major" -ge 17 ] && java_ok=yes
fi
[ "$java_ok" = yes ] || missing+=(openjdk-17-jre-headless)
# With --bench, what the benchmarks run beside the suite's packages: wrk
# (bench/intake_load.py), valgrind (field_encryption.py --instructions), and
# R with a compiler and GSL to build LCMCR, the peer of bench/lcmcr_vs_r.py.
if [ "${1:-}" = --bench ]; then
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
  command -v Rscript >/dev/null 2>&1 || missing+=(r-base-core r-base-dev)
  [ -e /usr/include/gsl/gsl_randist.h ] || missing+=(libgsl-dev)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
