"""Capture-pattern tables: how many people appear on exactly each set of lists."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

Pattern = tuple[int, ...]


class TableError(ValueError):
    """A table could not be read; the message says where and why."""


@dataclass(frozen=True)
class CaptureTable:
    lists: tuple[str, ...]
    counts: dict[Pattern, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        width = len(self.lists)
        if width < 2:
            raise TableError("multiple systems estimation needs at least two lists")
        for pattern, count in self.counts.items():
            if len(pattern) != width or any(bit not in (0, 1) for bit in pattern):
                raise TableError(f"capture pattern {pattern} does not match {width} lists")
            if not any(pattern):
                raise TableError("the pattern 'on no list' cannot be observed")
            if count < 0:
                raise TableError(f"capture pattern {pattern} has a negative count")

    @property
    def observed(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[Pattern]:
        """Every observable pattern (on at least one list), in a fixed order."""
        return [p for p in itertools.product((0, 1), repeat=len(self.lists)) if any(p)]

    def count(self, pattern: Pattern) -> int:
        return self.counts.get(pattern, 0)

    def merge(self, keep: Iterable[str], name: str) -> CaptureTable:
        """Combine lists into one (a person is on it if on any of them)."""
        keep = list(keep)
        indices = [self.lists.index(item) for item in keep]
        others = [i for i in range(len(self.lists)) if i not in indices]
        merged: dict[Pattern, int] = {}
        for pattern, count in self.counts.items():
            new = (*(pattern[i] for i in others), int(any(pattern[i] for i in indices)))
            merged[new] = merged.get(new, 0) + count
        return CaptureTable((*(self.lists[i] for i in others), name), merged)


def _number(text: str, where: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise TableError(f"{where}: {text!r} is not a number") from None


def read_patterns(source: str | Path) -> CaptureTable:
    """A CSV with one 0/1 column per list and a count column last."""
    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    if len(rows) < 2:
        raise TableError("the table has no rows")
    header, body = rows[0], rows[1:]
    lists = tuple(name.strip() for name in header[:-1])
    counts: dict[Pattern, int] = {}
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise TableError(f"row {number}: {len(row)} columns, the header has {len(header)}")
        bits = []
        for value in row[:-1]:
            bit = _number(value, f"row {number}")
            if bit not in (0.0, 1.0):
                raise TableError(f"row {number}: list columns hold 0 or 1, not {value!r}")
            bits.append(int(bit))
        count = _number(row[-1], f"row {number}")
        if count != int(count) or count < 0:
            raise TableError(f"row {number}: a count is a whole number, not {row[-1]!r}")
        pattern = tuple(bits)
        counts[pattern] = counts.get(pattern, 0) + int(count)
    return CaptureTable(lists, counts)


def read_histories(source: str | Path) -> CaptureTable:
    """A CSV with one row per individual and one 0/1 column per list."""
    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    header, body = rows[0], rows[1:]
    counts: dict[Pattern, int] = {}
    for number, row in enumerate(body, start=2):
        pattern = tuple(int(_number(value, f"row {number}")) for value in row)
        if any(bit not in (0, 1) for bit in pattern):
            raise TableError(f"row {number}: list columns hold 0 or 1")
        if any(pattern):
            counts[pattern] = counts.get(pattern, 0) + 1
    return CaptureTable(tuple(name.strip() for name in header), counts)
