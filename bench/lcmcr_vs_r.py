"""Our latent-class sampler beside R's LCMCR, in the same run.

For each table, public ones with 4 to 8 lists (bench/data/mse, with their
sources) and simulated ones with 10 to 20 lists, both samplers run two
chains with the same priors (Beta(1, 1), alpha ~ Gamma(0.25, 0.25),
p(N) proportional to 1/N up to 21 times the number observed), the same
number of classes K and the same length. Prints, for each, the 2.5 %,
50 % and 97.5 % points of N from each, how far ours are from R's, R-hat
and the effective sample size of N of each (computed by the same code on
both samplers' draws) and the verdict each gives (converged: R-hat at most
1.05 and an effective sample size of at least 400). Targets: medians
within 3 %, interval ends within 5 %, the same verdict.

Agreement is judged only where R's own two chains converge: where they
do not, R's figures move from seed to seed as much as ours do, and the
comparison says nothing (both samplers then say "not converged").

R and LCMCR: `make bench-deps` (scripts/bench-r.sh builds LCMCR 0.4.14
from bench/r/ into .venv/R).

    .venv/bin/python bench/lcmcr_vs_r.py [--length first|medium|production]
        [--classes 10] [--tables NAME,...] [--seed 1] [--seeds 1] [--together]

With --seeds N each table is run N times, with seeds from --seed on (R's
chains of run s take seeds 2s - 1 and 2s); each run gives its verdict, and
the draws of all runs pooled, as one run N times as long, give the gaps.
A verdict that flips between seeds of one sampler says the length is too
short to tell, for either. With --together R's chains run in a process of
their own while ours run, so that a table at production length takes about
as long as R alone (each sampler's seconds are its own sampling time).

Lengths (burn-in, draws per chain, thinning): first 10,000, 1,000, 10
(the first look); medium 10,000, 2,000, 100 (about 200,000 iterations);
production 10,000, 10,000, 500 (LCMCR's production length, 5 million
iterations a chain: an hour or more for every table).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import ROOT, machine

sys.path.insert(0, str(ROOT / "src"))

from safepassage.analysis.mse import lcmcr
from safepassage.analysis.mse.diagnostics import effective_sample_size, rhat
from safepassage.analysis.mse.tables import CaptureTable, read_patterns

DATA = ROOT / "bench" / "data" / "mse"
SCRIPT = ROOT / "bench" / "r" / "lcmcr.R"
LIBRARY = ROOT / ".venv" / "R"
PUBLIC = ["kosovo", "lesbian", "hiv", "western", "ukdat", "ned", "neworl", "bunting"]
LENGTHS = {
    "first": (10_000, 1_000, 10),
    "medium": (10_000, 2_000, 100),
    "production": (10_000, 10_000, 500),
}


def simulated(lists: int, seed: int) -> CaptureTable:
    """5,000 people in three classes: half hard to find, a third middling, the rest easy."""
    rng = np.random.default_rng(seed)
    classes = [rng.uniform(0.01, 0.05, lists), rng.uniform(0.05, 0.2, lists)]
    classes.append(rng.uniform(0.2, 0.5, lists))
    return lcmcr.simulate(5000, [list(c) for c in classes], [0.5, 0.35, 0.15], seed=lists)


def tables(names: list[str]) -> dict[str, CaptureTable]:
    found = {}
    for name in names:
        if name.startswith("sim"):
            found[name] = simulated(int(name[3:]), seed=5)
        else:
            found[name] = read_patterns(DATA / f"{name}.csv")
    return found


def write(table: CaptureTable, path: Path) -> None:
    rows = [",".join(table.lists) + ",count"]
    rows += [",".join(map(str, p)) + f",{n}" for p, n in sorted(table.counts.items())]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def r_start(
    table: CaptureTable, classes: int, length: tuple[int, int, int], seed: int, folder: Path
) -> subprocess.Popen:
    """Start two chains of R's LCMCR (seeds seed and seed + 1) in a process of their own."""
    burn_in, samples, thinning = length
    path = folder / "table.csv"
    write(table, path)
    arguments = [str(path), str(classes), str(burn_in), str(samples), str(thinning)]
    return subprocess.Popen(
        ["Rscript", str(SCRIPT), *arguments, str(seed), "2"],
        env={**os.environ, "R_LIBS": str(LIBRARY)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def r_finish(process: subprocess.Popen) -> tuple[np.ndarray, float]:
    """Wait for R's chains: draws of N and seconds."""
    output, errors = process.communicate()
    if process.returncode:
        raise SystemExit(f"R's LCMCR failed:\n{errors}")
    draws: dict[str, list[float]] = {}
    seconds = 0.0
    for line in output.splitlines()[1:]:
        chain, value = line.split(",")
        if chain == "seconds":
            seconds = float(value)
        else:
            draws.setdefault(chain, []).append(float(value))
    return np.array(list(draws.values())), seconds


def ours(
    table: CaptureTable, classes: int, length: tuple[int, int, int], seed: int
) -> tuple[np.ndarray, float]:
    burn_in, samples, thinning = length
    result = lcmcr.sample(
        table, classes=classes, burn_in=burn_in, samples=samples, thinning=thinning, seed=seed
    )
    return np.stack([chain.totals for chain in result.chains]), result.seconds


def summary(draws: np.ndarray) -> tuple[np.ndarray, float, float, bool]:
    points = np.quantile(draws.ravel(), [0.025, 0.5, 0.975])
    ess, r = effective_sample_size(draws), rhat(draws)
    return points, ess, r, bool(ess >= lcmcr.TARGET_ESS and r <= lcmcr.TARGET_RHAT)


def _row(label: str, who: str, draws: np.ndarray, seconds: float) -> tuple[np.ndarray, bool]:
    points, ess, r, ok = summary(draws)
    verdict = "converged" if ok else "not converged"
    print(
        f"{label:<22}  {who:<5}{points[0]:>9.0f}{points[1]:>9.0f}"
        f"{points[2]:>9.0f}{r:>7.3f}{ess:>7.0f}  {verdict:<15}{seconds:>8.1f}"
    )
    return points, ok


def far(draws: np.ndarray, observed: int) -> bool:
    """The run reached the far mode: its 97.5 % point above half the sampler's cap."""
    cap = observed * (1 + lcmcr.kernel.MISSING_CAP)
    return bool(np.quantile(draws, 0.975) > observed + 0.5 * (cap - observed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", choices=sorted(LENGTHS), default="medium")
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--tables", default=",".join([*PUBLIC, "sim10", "sim15", "sim20"]))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--seeds",
        type=int,
        default=1,
        help="run each table with this many seeds (from --seed on): each run's verdict, "
        "then the draws of all runs pooled (as one longer run) for the gaps",
    )
    parser.add_argument(
        "--together",
        action="store_true",
        help="run R's chains in a process of their own beside ours (two cores or more): "
        "the same figures in about the time of R's alone",
    )
    options = parser.parse_args()
    length = LENGTHS[options.length]
    print(f"{machine()}; K = {options.classes}; burn-in, draws, thinning = {length}")
    lcmcr.compile_sampler()
    heading = (
        f"{'table':<9}{'lists':>6}{'n':>7}  {'':<5}{'2.5%':>9}{'median':>9}{'97.5%':>9}"
        f"{'R-hat':>7}{'ESS':>7}  verdict         seconds"
    )
    print(heading)
    met = judged = 0
    for name, table in tables(options.tables.split(",")).items():
        size = f"{name:<9}{len(table.lists):>6}{table.observed:>7}"
        runs = []
        for number in range(options.seeds):
            seed = options.seed + number
            # R's chains take seeds r_seed and r_seed + 1: apart for every run.
            with tempfile.TemporaryDirectory() as folder:
                r_run = r_start(table, options.classes, length, 2 * seed - 1, Path(folder))
                if not options.together:
                    r_draws, r_seconds = r_finish(r_run)
                our_draws, our_seconds = ours(table, options.classes, length, seed)
                if options.together:
                    r_draws, r_seconds = r_finish(r_run)
            label = size if number == 0 else ""
            if options.seeds > 1:
                label = f"{label[:9]:<9}  seed {seed}"
            r_points, r_ok = _row(label, "R", r_draws, r_seconds)
            o_points, o_ok = _row("", "ours", our_draws, our_seconds)
            runs.append((r_draws, our_draws, r_ok, o_ok))
            sys.stdout.flush()
        if options.seeds > 1:
            r_all = np.concatenate([run[0] for run in runs])
            o_all = np.concatenate([run[1] for run in runs])
            r_points = np.quantile(r_all.ravel(), [0.025, 0.5, 0.975])
            o_points = np.quantile(o_all.ravel(), [0.025, 0.5, 0.975])
            r_ok = sum(run[2] for run in runs) * 2 > len(runs)
            o_ok = sum(run[3] for run in runs) * 2 > len(runs)
            r_far = sum(far(run[0], table.observed) for run in runs)
            o_far = sum(far(run[1], table.observed) for run in runs)
            print(
                f"{'':<22}  pooled over {len(runs)} seeds: R {r_points[0]:.0f} / "
                f"{r_points[1]:.0f} / {r_points[2]:.0f}, ours {o_points[0]:.0f} / "
                f"{o_points[1]:.0f} / {o_points[2]:.0f}; converged R "
                f"{sum(run[2] for run in runs)}, ours {sum(run[3] for run in runs)} of "
                f"{len(runs)}; far mode (97.5 % above half the cap) R {r_far}, ours {o_far}"
            )
        gaps = 100 * (o_points - r_points) / r_points
        same = r_ok == o_ok
        if r_ok:
            judged += 1
            within = abs(gaps[1]) <= 3 and abs(gaps[0]) <= 5 and abs(gaps[2]) <= 5 and same
            met += within
            result = "met" if within else "NOT MET"
        else:
            result = "R not converged: not judged" + ("" if same else "; verdicts differ")
        print(
            f"{'':<22}  gap  {gaps[0]:>+8.1f}%{gaps[1]:>+8.1f}%{gaps[2]:>+8.1f}%"
            f"  same verdict{' (most runs)' if options.seeds > 1 else ''}: "
            f"{'yes' if same else 'no'}; {result}"
        )
        sys.stdout.flush()
    print(f"within 3 % (median) and 5 % (ends), same verdict: {met} of {judged} judged tables")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - started:.0f} s")
