"""Victim records prepared for linkage, and the schema that links them.

Names become keys of this region (names.py): surname and given name in
either order, initials, Cyrillic and Latin spellings folded. Birth years come
from exact dates, years or ages in a reference year; places written in
Russian, Chechen or a transliteration become one key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from safepassage.analysis import values
from safepassage.analysis.linkage.schema import Compare, Kind, Schema
from safepassage.analysis.names import ParsedName, fold, latin, parse

# Places written in Russian, Chechen and transliterations, to one key.
PLACE_GROUPS = [
    ["grozny", "groznyy", "groznyi", "soelzha ghala", "solzha ghala"],
    ["argun", "ustrada ghala"],
    ["gudermes", "gumse"],
    ["shali", "shela"],
    ["urus martan", "khalkha martan", "halha martan"],
]
PLACE_KEYS = {
    fold(latin(variant).replace(" ", "")): fold(latin(group[0]).replace(" ", ""))
    for group in PLACE_GROUPS
    for variant in group
}


def place_key(text: str) -> str:
    """One key for a place however it is written: folded Latin letters
    without spaces, then the group's first name if it is a known variant."""
    key = fold(latin(text).replace(" ", ""))
    return PLACE_KEYS.get(key, key)


def birth_year(text: str, reference_year: int) -> tuple[int | None, bool]:
    """(year, approximate): from a date, a year, or an age in a given year,
    as the importer reads them (analysis.values); nothing from what cannot
    be read."""
    return values.birth_year(text, reference_year)


@dataclass(frozen=True)
class SourceRecord:
    """A victim as one list records them, in the list's own words."""

    list_name: str
    record_id: str
    name: str
    birth: str = ""
    place: str = ""


def prepare(records: Iterable[SourceRecord], reference_year: int) -> list[dict[str, Any]]:
    """One row per record with the keys the victim schema compares."""
    # Lists repeat the same written names and places many times over; each
    # is parsed once (a large list prepares several times faster).
    names: dict[str, ParsedName] = {}
    places: dict[str, str] = {}
    rows = []
    for number, record in enumerate(records):
        parsed = names.get(record.name)
        if parsed is None:
            parsed = names[record.name] = parse(record.name)
        place = places.get(record.place)
        if place is None:
            place = places[record.place] = place_key(record.place)
        year, approximate = birth_year(record.birth, reference_year)
        rows.append(
            {
                "unique_id": number,
                "record_id": record.record_id,
                "list_name": record.list_name,
                "surname": parsed.surname or None,
                "given": parsed.given or None,
                "initial": parsed.initial or None,
                "birth_year": year,
                "birth_approximate": approximate,
                "place": place or None,
            }
        )
    return rows


def prepare_plainly(records: Iterable[SourceRecord], reference_year: int) -> list[dict[str, Any]]:
    """The comparison: lower-cased words as they are, no name handling."""
    rows = []
    for number, record in enumerate(records):
        words = record.name.lower().replace(".", " ").split()
        year, approximate = birth_year(record.birth, reference_year)
        rows.append(
            {
                "unique_id": number,
                "record_id": record.record_id,
                "list_name": record.list_name,
                "surname": words[-1] if words else None,
                "given": words[0] if len(words) > 1 else None,
                "initial": words[0][:1] if len(words) > 1 else None,
                "birth_year": year,
                "birth_approximate": approximate,
                "place": record.place.lower() or None,
            }
        )
    return rows


VICTIMS = Schema(
    comparisons=(
        Compare("surname", Kind.TEXT, thresholds=(0.95, 0.88)),
        Compare("given", Kind.NAME_OR_INITIAL, initial="initial"),
        Compare("birth_year", Kind.YEAR),
        Compare("place", Kind.EXACT),
    ),
    # Each rule joins on two or three keys, so that blocks stay small on a
    # million records: a surname alone, or an initial and a place, would make
    # billions of pairs there. Records with only an initial and no birth year
    # are found through surname, initial and place.
    blocking=(
        ("surname", "birth_year"),
        ("surname", "given"),
        ("given", "birth_year", "place"),
        ("surname", "initial", "place"),
    ),
    prior_rules=(("surname", "given", "birth_year"),),
    prior_recall=0.7,
    training=(("surname",), ("given",)),
)
"""The victim records of several lists, deduplicated into people."""
