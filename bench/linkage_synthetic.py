"""Linkage on the first generator's lists: 3,000 true people on 5 lists,
our name handling against plain splink (raw lower-cased words) in the same
run. Prints pairwise precision, recall, F1, clusters against the truth, and
wall time.

    .venv/bin/python bench/linkage_synthetic.py [--people 3000] [--lists 5]

(bench/linkage_lists.py reports both generators, with B-cubed F1 and the
recall between every pair of lists.)
"""

from __future__ import annotations

import argparse
import sys
import time

from common import ROOT, machine

sys.path.insert(0, str(ROOT / "src"))

from safepassage.analysis import linkage, synthetic


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--lists", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    records, seen = synthetic.generate(people=args.people, lists=args.lists, seed=args.seed)
    source = [
        linkage.SourceRecord(r.list_name, r.record_id, r.name, r.birth, r.place) for r in records
    ]
    truth = {i: r.person_id for i, r in enumerate(records)}
    print(f"machine: {machine()}")
    print(f"{args.people} true people, {args.lists} lists, {len(records)} records, {seen} listed")
    runs = (
        ("ours", linkage.prepare, linkage.VICTIMS),
        ("plain splink", linkage.prepare_plainly, linkage.PLAIN),
    )
    for label, prepare, schema in runs:
        start = time.perf_counter()
        result = linkage.link(prepare(source, 2017), schema=schema)
        elapsed = time.perf_counter() - start
        quality = linkage.evaluate(truth, result)
        print(
            f"  {label:<13} precision {quality.precision:.3f} recall {quality.recall:.3f} "
            f"F1 {quality.f1:.3f}; {quality.clusters} clusters for {quality.true_people} "
            f"people; {elapsed:.1f} s"
        )


if __name__ == "__main__":
    main()
