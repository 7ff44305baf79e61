"""Linkage on victim lists in the conventions of this region, from both our
generators, at 120 and at 3,000 true people: pairwise precision, recall and
F1, B-cubed F1, the number of people found against the truth, and the
recall between every pair of lists (a list with itself: its duplicates).

- `simulated`: analysis/simulated, five lists in the conventions real
  sources use (an NGO, a Russian newspaper, the English-language press, an
  international report, French asylum files), written from the issue's
  description and the published romanisation standards, independently of
  the linkage's own tables;
- `synthetic`: analysis/synthetic, the first generator.

Targets: pairwise F1 >= 0.90, people within 5 % of the truth, recall >= 0.80
for every pair of lists. Plain splink on the same records (words as they
are) is printed beside ours.

With --calibration, the pairs the linkage scored are put in bands of their
match probability, two records of different lists apart from two of one
list, and each band's mean probability printed beside the share of its
pairs that are truly one person: where the two agree, a pair missed at a
probability under the threshold is one the records leave in doubt, not one
the model misjudged.

    .venv/bin/python bench/linkage_lists.py [--people 120 3000] [--seeds 1] [--first-seed 1]
        [--generator simulated|synthetic|both] [--plain] [--calibration] [--by-hand]

With --by-hand, the five sets of five lists written by hand for the tests
(tests/data/lists*, each with its mapping and truth) instead of the
generators' lists.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
import time
from pathlib import Path

from common import ROOT, machine

sys.path.insert(0, str(ROOT / "src"))

from safepassage.analysis import linkage, simulated, synthetic
from safepassage.analysis.linkage.quality import bcubed, recall_between


def simulated_records(people: int, seed: int) -> tuple[list[linkage.SourceRecord], list[int], int]:
    lists, listed = simulated.generate(people, seed=seed)
    records, truth = [], []
    for item in lists:
        ours = {column: key for key, column in item.mapping.items()}
        for row, person in zip(item.rows, item.people, strict=True):
            values = {ours[column]: value for column, value in row.items() if column in ours}
            records.append(linkage.SourceRecord.of(item.name, values["id"], values))
            truth.append(person)
    return records, truth, listed


BY_HAND = sorted((ROOT / "tests" / "data").glob("lists*"))


def _rows(path: Path) -> list[dict[str, str]]:
    """A list's rows by its column titles (CSV or Excel)."""
    if path.suffix == ".xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(path, read_only=True).active
        cells = [
            ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
        ]
        return [dict(zip(cells[0], row, strict=False)) for row in cells[1:] if any(row)]
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def by_hand_records(folder: Path) -> tuple[list[linkage.SourceRecord], list[str], int]:
    """A set of lists written by hand (tests/data/lists*): its records, the
    person behind each, and how many people it lists."""
    mapping = json.loads((folder / "mapping.json").read_text(encoding="utf-8"))
    with (folder / "truth.csv").open(encoding="utf-8") as file:
        truth = {(row.get("file") or row["list"], row["record_id"]): row["person"]
                 for row in csv.DictReader(file)}  # fmt: skip
    records, people = [], []
    for name, columns in mapping.items():
        ours = {key: column for key, column in columns.items() if key != "list_name"}
        for row in _rows(folder / name):
            values = {key: row.get(column, "") or "" for key, column in ours.items()}
            records.append(linkage.SourceRecord.of(columns["list_name"], values["id"], values))
            people.append(truth[(name, values["id"])])
    return records, people, len(set(people))


def synthetic_records(people: int, seed: int) -> tuple[list[linkage.SourceRecord], list[int], int]:
    found, listed = synthetic.generate(people=people, lists=5, seed=seed)
    records = [
        linkage.SourceRecord(r.list_name, r.record_id, r.name, r.birth, r.place) for r in found
    ]
    return records, [r.person_id for r in found], listed


BANDS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.99)


def calibration(
    records: list[linkage.SourceRecord], people: list[int], pairs: list[tuple[int, int, float]]
) -> None:
    """For each band of match probability, of different lists and of one
    list: how many pairs were scored, their mean probability, and the share
    that are one person."""
    bands: dict[tuple[bool, float], list[float]] = {}
    for a, b, p in pairs:
        if p < BANDS[0]:
            continue
        low = max(edge for edge in BANDS if edge <= p)
        same = records[a].list_name == records[b].list_name
        count, total, true = bands.get((same, low), [0, 0.0, 0])
        bands[(same, low)] = [count + 1, total + p, true + (people[a] == people[b])]
    for (same, low), (count, total, true) in sorted(bands.items()):
        high = BANDS[BANDS.index(low) + 1] if low != BANDS[-1] else 1.0
        print(
            f"      {'one list' if same else 'two lists'}, p {low:.2f}-{high:.2f}: {count} pairs,"
            f" mean p {total / count:.3f}, one person {true / count:.3f}"
        )


def report(label: str, records: list[linkage.SourceRecord], people: list[int], listed: int,
           plain: bool, calibrated: bool = False) -> dict[str, float]:  # fmt: skip
    truth = dict(enumerate(people))
    sources = {i: r.list_name for i, r in enumerate(records)}
    start = time.perf_counter()
    result = linkage.link(linkage.prepare(records, 2017))
    elapsed = time.perf_counter() - start
    quality = linkage.evaluate(truth, result)
    cubed = bcubed(truth, result.clusters)
    off = (quality.clusters - listed) / listed
    print(
        f"  {label}: {len(records)} records of {listed} people; pairwise P {quality.precision:.3f}"
        f" R {quality.recall:.3f} F1 {quality.f1:.3f}; B-cubed P {cubed.precision:.3f} "
        f"R {cubed.recall:.3f} F1 {cubed.f1:.3f}; {quality.clusters} people found "
        f"({off:+.1%}); {elapsed:.1f} s"
    )
    between = recall_between(truth, result.clusters, sources)
    worst = min(value for value, _count in between.values())
    for (left, right), (value, count) in between.items():
        print(f"      recall {left} / {right}: {value:.3f} of {count} pairs")
    if calibrated:
        calibration(records, people, result.pairs)
    if plain:
        rows = linkage.prepare_plainly(records, 2017)
        flat = linkage.evaluate(truth, linkage.link(rows, schema=linkage.PLAIN))
        print(f"    plain splink: F1 {flat.f1:.3f} (P {flat.precision:.3f} R {flat.recall:.3f}), "
              f"{flat.clusters} people found")  # fmt: skip
    met = quality.f1 >= 0.9 and abs(off) <= 0.05 and worst >= 0.8
    print(f"    targets (F1 >= 0.90, people within 5 %, every pair of lists >= 0.80): "
          f"{'met' if met else 'NOT MET'}")  # fmt: skip
    return {"f1": quality.f1, "off": off, "worst": worst}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, nargs="+", default=[120, 3000])
    parser.add_argument("--seeds", type=int, default=1, help="how many seeds of each generator")
    parser.add_argument(
        "--first-seed", type=int, default=1, help="the first seed (others held out for tuning)"
    )
    parser.add_argument("--generator", choices=["simulated", "synthetic", "both"], default="both")
    parser.add_argument("--plain", action="store_true", help="plain splink beside ours")
    parser.add_argument(
        "--calibration", action="store_true", help="match probabilities against the truth"
    )
    parser.add_argument(
        "--by-hand", action="store_true", help="the sets of lists written by hand (tests/data)"
    )
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    print(f"machine: {machine()}")
    if args.by_hand:
        for folder in BY_HAND:
            records, people, listed = by_hand_records(folder)
            ids = {person: n for n, person in enumerate(sorted(set(people)))}
            report(f"written by hand, {folder.name}", records, [ids[p] for p in people], listed,
                   args.plain, args.calibration)  # fmt: skip
        return
    generators = {"simulated": simulated_records, "synthetic": synthetic_records}
    chosen = list(generators) if args.generator == "both" else [args.generator]
    for name in chosen:
        for people in args.people:
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                records, truth, listed = generators[name](people, seed)
                report(
                    f"{name}, {people} people, seed {seed}",
                    records,
                    truth,
                    listed,
                    args.plain,
                    args.calibration,
                )


if __name__ == "__main__":
    main()
