"""The latent-class estimate's own checks on public tables, as the tool runs it.

Each table is fitted as the tool's default does (run on until R-hat is at
most 1.05 and the effective sample size of N at least 400; the second
chain started far, at the cap on the number missing; the posterior
predictive check of how many lists people are on; the check for more
groups than the posterior keeps, ``lcmcr_groups``), once per seed, and
with ``--usual`` also from LCMCR's start on both chains, to show what the
far start changes. Prints, per run: the 2.5 %, 50 % and 97.5 % points of
N, R-hat, effective sample size, the check's p-value, the classes chosen
by Akaike's and the Bayesian criterion and the interval the tool shows,
whether the tool would let the figure be published and the codes of its
verdicts, the iterations a chain and the seconds.

    .venv/bin/python bench/lcmcr_checks.py [--tables bunting,hiv] [--seeds 1,2] [--usual]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from common import ROOT, machine

sys.path.insert(0, str(ROOT / "src"))

from safepassage.analysis.mse import lcmcr, lcmcr_groups, lcmcr_report
from safepassage.analysis.mse.tables import read_patterns

DATA = ROOT / "bench" / "data" / "mse"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", default="bunting,hiv,western,kosovo,lesbian,neworl,ukdat,ned")
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--usual", action="store_true", help="also from LCMCR's start alone")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"compile: {lcmcr.compile_sampler():.1f} s")
    starts = [True, False] if args.usual else [True]
    for name in args.tables.split(","):
        table = read_patterns(DATA / f"{name}.csv")
        for seed in (int(s) for s in args.seeds.split(",")):
            for dispersed in starts:
                began = time.perf_counter()
                result = lcmcr.sample(
                    table, burn_in=10_000, samples=1000, thinning=10, seed=seed,
                    converge=True, dispersed=dispersed,
                )  # fmt: skip
                low, median, high = np.quantile(result.totals, [0.025, 0.5, 0.975])
                fit = result.fit
                groups = lcmcr_groups.check(table, most=result.classes)
                codes = [v.code for v in lcmcr_report.verdicts_for(result, groups)]
                shown = lcmcr_report.shown_interval(result, groups)
                chosen = f"{groups.by_aic}/{groups.by_bic}" if groups else "-"
                print(
                    f"{name} seed {seed} {'far start' if dispersed else 'usual start'}: "
                    f"{low:,.0f} / {median:,.0f} / {high:,.0f}, R-hat {result.rhat:.3f}, "
                    f"ESS {result.ess:,.0f}, fit p = {fit.p_value if fit else float('nan'):.3f}, "
                    f"groups by AIC/BIC {chosen}, shown {shown[0]:,.0f} to {shown[1]:,.0f}, "
                    f"publishable {lcmcr_report.publishable(result, groups)} {codes}, "
                    f"{result.iterations:,} iterations, {time.perf_counter() - began:.0f} s",
                    flush=True,
                )


if __name__ == "__main__":
    main()
