"""Speed of the latent-class sampler (LCMCR) beside the R package's figures.

Two simulated tables of the sizes the R figures were taken on: 4 lists and
4,400 people; 20 lists, 982 people and 103 distinct capture patterns.
Prints iterations per second of one chain on each, the time of a
production-length run on the 20-list table (10,000 burn-in, then 10,000
draws one every 500 iterations: 5 million iterations), the posterior of N
from two seeds side by side (they should agree), and numba's compile
time, with and without its on-disk cache.

The peer, R's LCMCR 0.4 (C++ with GSL), was measured elsewhere on a 2-core
machine: about 70,000 iterations/s on the 4-list table (LCMCR's default of
K = 5 classes), about 14,700 iterations/s on the 20-list table (K = 15),
341 s for the production run.

    .venv/bin/python bench/lcmcr_speed.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
from common import ROOT, machine

sys.path.insert(0, str(ROOT / "src"))

from safepassage.analysis.mse import lcmcr
from safepassage.analysis.mse.tables import CaptureTable

PEER = {"4 lists": 70_000, "20 lists": 14_700, "production": 341.0}
COMPILE = (
    "import time; start = time.perf_counter(); "
    "from safepassage.analysis.mse.lcmcr import compile_sampler; "
    "compile_sampler(); print(time.perf_counter() - start)"
)


def four_lists() -> CaptureTable:
    """4,400 people found of 5,380, two classes."""
    return lcmcr.simulate(5380, [[0.3, 0.25, 0.35, 0.2], [0.6, 0.5, 0.4, 0.55]], [0.6, 0.4], seed=7)


def twenty_lists() -> CaptureTable:
    """982 people found of 1,303 on 20 lists: three large lists, seventeen small ones."""
    easy = [0.35, 0.28, 0.21, *np.linspace(0.003, 0.009, 17)]
    return lcmcr.simulate(1303, [easy, [min(1.0, 2 * p) for p in easy]], [0.7, 0.3], seed=18)


def compile_seconds(cache: str | None) -> float:
    """Import and compile in a fresh process, with numba's cache in ``cache`` or none."""
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    if cache is not None:
        env["NUMBA_CACHE_DIR"] = cache
    done = subprocess.run(
        [sys.executable, "-c", COMPILE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip())


def rate(table: CaptureTable, classes: int, iterations: int, chains: int = 1) -> float:
    """Iterations per second of one chain (of ``chains`` run side by side)."""
    result = lcmcr.sample(
        table,
        classes=classes,
        burn_in=iterations - lcmcr.WARM_UP - 100 * 10,
        samples=100,
        thinning=10,
        chains=chains,
        seed=1,
    )
    return iterations / result.seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="about a minute instead of six")
    args = parser.parse_args()
    iterations = 50_000 if args.quick else 300_000
    burn_in, samples, thinning = (1000, 1000, 50) if args.quick else (10_000, 10_000, 500)

    print(f"machine: {machine()}")
    print(f"compile (fresh process, import included), {os.cpu_count()} cores:")
    print(f"  no cache:                       {compile_seconds(None):5.1f} s")
    with tempfile.TemporaryDirectory(prefix="lcmcr-cache-") as cache:
        print(f"  NUMBA_CACHE_DIR, first process: {compile_seconds(cache):5.1f} s")
        print(f"  NUMBA_CACHE_DIR, later ones:    {compile_seconds(cache):5.1f} s")
    lcmcr.compile_sampler()

    four, twenty = four_lists(), twenty_lists()
    print(f"4-list table: {four.observed} people, {len(four.counts)} patterns")
    print(
        f"20-list table: {twenty.observed} people of 1,303, {len(twenty.counts)} patterns "
        "(for timing: its small lists say little about the harder class, and the "
        "estimate falls short of 1,303)"
    )
    print(f"iterations/s of one chain, {iterations:,} iterations each (R's LCMCR in brackets):")
    for classes in (5, 10, 15):
        peer = f"  (R, K = 5: {PEER['4 lists']:,})" if classes == 5 else ""
        print(f"  4 lists,  K = {classes:2d}: {rate(four, classes, iterations):9,.0f}{peer}")
    print(f"  20 lists, K = 15: {rate(twenty, 15, iterations):9,.0f}  (R: {PEER['20 lists']:,})")
    both = rate(twenty, 15, iterations, chains=2)
    print(f"  20 lists, K = 15, two chains side by side: {both:9,.0f} each")

    total = lcmcr.WARM_UP + burn_in + samples * thinning
    print(
        f"production run, 20 lists, K = 15: {burn_in:,} burn-in, {samples:,} draws "
        f"every {thinning} ({total:,} iterations), one chain per seed:"
    )
    runs = []
    for seed in (1, 2):
        result = lcmcr.sample(
            twenty,
            classes=15,
            burn_in=burn_in,
            samples=samples,
            thinning=thinning,
            chains=1,
            seed=seed,
        )
        runs.append(result)
        note = f"  (R: {PEER['production']:.0f} s)" if not args.quick else ""
        print(f"  seed {seed}: {result.seconds:6.1f} s, {total / result.seconds:9,.0f} it/s{note}")
    print("posterior of N         2.5 %    median    97.5 %     mean   ESS")
    for result in runs:
        low, high = result.interval()
        print(
            f"  seed {result.seed}:          {low:6.0f}  {result.median:8.0f}  {high:8.0f}"
            f"  {result.mean:7.1f}  {result.ess:5.0f}"
        )
    both_chains = np.stack([run.totals for run in runs])
    print(
        f"  R-hat of the two seeds' chains: {lcmcr.rhat(both_chains):.3f} (near 1: one posterior)"
    )


if __name__ == "__main__":
    main()
