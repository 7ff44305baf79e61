"""Linkage at scale: about a million synthetic victim records deduplicated
with the victim schema on DuckDB. Prints the time of each phase (as the
linkage reports them to its progress callback), the peak resident memory of
the process, the pairs scored, and pairwise quality against the truth.
Target on 2 cores: under 20 minutes and 8 GB.

The synthetic names come from small pools (about 140 surnames and 50 given
names), so at this size many different people share a name and a birth
year: quality here is far below that of the 3,000-people benchmark and says
little about real lists; time and memory are what this measures.

    .venv/bin/python bench/linkage_scale.py [--records 1000000] [--lists 5]
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time

from common import ROOT, machine

sys.path.insert(0, str(ROOT / "src"))

from safepassage.analysis import linkage, synthetic

TARGET_MINUTES = 20
TARGET_GB = 8


def peak_gb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


class Phases:
    """A progress callback that records when each phase starts."""

    def __init__(self) -> None:
        self.started: list[tuple[str, float]] = []

    def __call__(self, phase: str, done: float) -> None:
        if not self.started or self.started[-1][0] != phase:
            self.started.append((phase, time.perf_counter()))
            print(f"    {phase:<10} at {done:4.0%}, peak so far {peak_gb():.2f} GB", flush=True)

    def durations(self) -> list[tuple[str, float]]:
        return [
            (phase, then - start)
            for (phase, start), (_next, then) in zip(self.started, self.started[1:], strict=False)
        ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--lists", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    # Records per true person, from a small pilot, to aim at --records.
    pilot, _ = synthetic.generate(people=20_000, lists=args.lists, seed=args.seed)
    people = round(args.records * 20_000 / len(pilot))
    del pilot

    start = time.perf_counter()
    records, seen = synthetic.generate(people=people, lists=args.lists, seed=args.seed)
    truth = {i: r.person_id for i, r in enumerate(records)}
    generated = time.perf_counter()
    rows = linkage.prepare(
        (linkage.SourceRecord(r.list_name, r.record_id, r.name, r.birth, r.place) for r in records),
        2017,
    )
    del records
    gc.collect()
    prepared = time.perf_counter()
    print(
        f"{people} true people, {args.lists} lists, {len(rows)} records, {seen} listed; "
        f"generated in {generated - start:.0f} s (not timed), "
        f"prepared in {prepared - generated:.0f} s"
    )
    phases = Phases()
    result = linkage.link(rows, progress=phases)
    linked = time.perf_counter()
    total = linked - generated
    print("  " + "; ".join(f"{phase} {seconds:.0f} s" for phase, seconds in phases.durations()))
    print(
        f"  linked in {linked - prepared:.0f} s ({len(result.pairs)} pairs scored >= 0.2, "
        f"trained {result.trained}); prepare + link {total:.0f} s = {total / 60:.1f} min"
    )
    quality = linkage.evaluate(truth, result)
    print(
        f"  precision {quality.precision:.3f} recall {quality.recall:.3f} F1 {quality.f1:.3f}; "
        f"{quality.clusters} clusters for {quality.true_people} people"
    )
    peak = peak_gb()
    print(f"  peak resident memory {peak:.2f} GB")
    print(
        f"  target < {TARGET_MINUTES} min and < {TARGET_GB} GB: "
        f"{'met' if total < TARGET_MINUTES * 60 and peak < TARGET_GB else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
