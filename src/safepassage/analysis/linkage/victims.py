"""Victim records prepared for linkage, and the schema that links them.

Each list is read in its own conventions: the romanisation system of its
Latin names and where its names put the surname are told from the list
as a whole (romanization.detect, names.usual_order). Each record then
becomes keys that every convention reaches: name parts (names.py), the
sex the record or the name gives, the birth as a range of years (a date,
a year, or an age at the record's `age_date`, else at its events, else in
the run's year), the events as a span of days (a date without its year
placed in the year of the record's other dates, else the run's), the home
place and the place of detention in the gazetteer (places.py).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from safepassage.analysis import values
from safepassage.analysis.linkage.schema import Compare, Kind, Schema
from safepassage.analysis.names import (
    GIVEN_NAMES,
    Name,
    parse,
    parse_parts,
    trailer,
    usual_order,
)
from safepassage.analysis.periods import Period, Unreadable, period_in_days
from safepassage.analysis.places import GAZETTEER, Place, read_place
from safepassage.analysis.romanization import detect, is_cyrillic, skeleton

__all__ = [
    "PLAIN",
    "VICTIMS",
    "SourceRecord",
    "birth_year",
    "place_key",
    "prepare",
    "prepare_plainly",
]


def place_key(text: str) -> str:
    """One key for a place however it is written (places.read_place)."""
    found = read_place(text)
    return found.id if found else ""


def birth_year(text: str, reference_year: int) -> tuple[int | None, bool]:
    """(year, approximate): from a date, a year, or an age in a given year,
    as the importer reads them (analysis.values); nothing from what cannot
    be read."""
    return values.birth_year(text, reference_year)


@dataclass(frozen=True)
class SourceRecord:
    """A victim as one list records them, in the list's own words (each
    field as its column holds it; "" where the list has no such column)."""

    list_name: str
    record_id: str
    name: str = ""
    birth: str = ""
    place: str = ""
    surname: str = ""
    given: str = ""
    patronymic: str = ""
    sex: str = ""
    age: str = ""
    age_date: str = ""
    event_date: str = ""
    detention_place: str = ""

    @classmethod
    def of(cls, list_name: str, record_id: str, values: dict[str, Any]) -> SourceRecord:
        """A record from its values by our keys (name, surname, birth...)."""
        return cls(
            list_name,
            record_id,
            **{key: str(values.get(key) or "") for key in RECORD_KEYS},
        )

    def name_words(self) -> list[str]:
        text = " ".join((self.name, self.surname, self.given, self.patronymic))
        return re.findall(r"[^\W\d_]+", text)


RECORD_KEYS = (
    "name", "birth", "place", "surname", "given", "patronymic", "sex", "age", "age_date",
    "event_date", "detention_place",
)  # fmt: skip


@dataclass(frozen=True)
class Convention:
    """How one list writes: its romanisation system and, for names that do
    not say, whether the surname comes first."""

    system: str
    surname_first: bool | None


def conventions(records: list[SourceRecord]) -> dict[str, Convention]:
    by_list: dict[str, list[SourceRecord]] = defaultdict(list)
    for record in records:
        by_list[record.list_name].append(record)
    found = {}
    for list_name, items in by_list.items():
        latin = [w for item in items for w in item.name_words() if not is_cyrillic(w)]
        system = detect(latin)
        names = [item.name for item in items if item.name]
        found[list_name] = Convention(system, usual_order(names, system) if names else None)
    return found


def _period(text: str) -> Period | None:
    try:
        return values.read_event_date(text)
    except Unreadable:
        return None


def _name(record: SourceRecord, convention: Convention) -> Name:
    if record.surname or record.given or record.patronymic:
        return parse_parts(record.surname, record.given, record.patronymic, convention.system)
    return parse(record.name, convention.system, convention.surname_first)


def _before(event: Period, reported: Period | None, reference_year: int) -> Period | None:
    """A date of events without its year ("в декабре", "late March"),
    placed by the date the record was written (`reported`, such as the date
    of publication an age refers to): an article tells what happened before
    it, so the events are in the last year that does not put them after it
    ("в декабре" published in February 2019 is December 2018), or in the
    year before it for "of last year" ("в марте прошлого года" published in
    2019 is March 2018), and counted back from it for "три дня назад" or
    "last week". Without such a date, in the run's year, or nowhere (None)
    for a date counted back."""
    if event.back is not None:
        return event.counted_from(reported) if reported and reported.year_given else None
    if reported is None or not reported.year_given:
        return event.in_year(reference_year)
    if event.years_back:
        return event.in_year(reported.last.year - event.years_back)
    placed = event.in_year(reported.last.year)
    if placed.first > reported.last:
        placed = event.in_year(reported.last.year - 1)
    return placed


def _year(event: Period | None) -> int | None:
    """The year in the middle of the events' span."""
    if event is None or not event.year_given:
        return None
    return (event.first + (event.last - event.first) / 2).year


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _age_in(parts: tuple[str, ...]) -> values.Age | None:
    """The age a press list writes after a name ("Магомед Умаров, 28 лет"),
    for a list with no column for it; None if it writes none."""
    for part in parts:
        try:
            found = values.read_age(part)
        except Unreadable:
            continue
        if found is not None:
            return found
    return None


def _place_in(parts: tuple[str, ...], system: str) -> Place | None:
    """The place a press list writes after a name ("житель Аргуна", "from
    Argun"), if the gazetteer knows it, for a list with no column for it."""
    for part in parts:
        found = read_place(part, system)
        if found is not None and found.known:
            return found
    return None


def _local(place: Place | None) -> Place | None:
    """A place, or None for a whole republic ("Чечня", "ЧР"): every person
    of a list of Chechnya lives in it, so it says nothing for or against a
    town."""
    entry = GAZETTEER.get(place.id) if place is not None else None
    return None if entry is not None and entry.kind == "region" else place


def _area(place: Place | None) -> str | None:
    """The district a record names instead of a place ("a village in the
    Shali district", "Шалинский район")."""
    if place is None or not place.id.startswith("district:"):
        return None
    return place.district or None


def _possible(event: Period | None, published: Period | None) -> Period | None:
    """An exact date of events read day first (3/12/2017, 3 December) that
    falls after the record's other date (a publication: the events come
    before it) where its day and month swapped (12 March) does not: the
    list wrote the month first, so the swapped reading is the date."""
    if event is None or event.swapped is None or published is None or event.first != event.last:
        return event
    if event.first > published.last and event.swapped <= published.last:
        return replace(event, first=event.swapped, last=event.swapped, swapped=event.first)
    return event


def prepare(records: Iterable[SourceRecord], reference_year: int) -> list[dict[str, Any]]:
    """One row per record with the keys the victim schema compares."""
    records = list(records)
    found = conventions(records)
    # Lists repeat the same names and places many times over: each is read once.
    names: dict[tuple[Any, ...], Name] = {}
    rows = []
    the_year = Period(datetime.date(reference_year, 1, 1), datetime.date(reference_year, 12, 31))
    for number, record in enumerate(records):
        convention = found[record.list_name]
        name_key = (record.name, record.surname, record.given, record.patronymic, convention)
        name = names.get(name_key)
        if name is None:
            name = names[name_key] = _name(record, convention)
        age_date = _period(record.age_date)
        if age_date is not None and age_date.back is not None:
            age_date = None  # counted back from a day the record does not give
        event = _period(record.event_date)
        if event is not None and not event.year_given:
            event = _before(event, age_date, reference_year)
        if age_date is not None and not age_date.year_given:
            age_date = age_date.in_year(event.first.year if event is not None else reference_year)
        event = _possible(event, age_date)
        at = age_date or event or the_year
        try:
            birth = values.birth_of(record.birth)
        except Unreadable:
            birth = None
        try:
            age = values.read_age(record.age)
        except Unreadable:
            age = None
        extra = trailer(record.name) if record.name else ()
        if name.unnamed and record.name:
            # A person described, not named: the description may say where
            # they are from ("мужчина из Грозного", "a resident of Argun").
            extra = (*extra, record.name)
        if birth is None and age is None:
            age = _age_in(extra)
        low, high = values.birth_range(birth, age, at)
        exact = birth.period if birth and birth.period and birth.period.exact else None
        event_low, event_high = period_in_days(event)
        home = _local(read_place(record.place, convention.system))
        if home is None and not record.place.strip():
            home = _local(_place_in(extra, convention.system))
        held = _local(read_place(record.detention_place, convention.system))
        sex = values.read_sex(record.sex) or name.sex or None
        rows.append(
            {
                "unique_id": number,
                "record_id": record.record_id,
                "list_name": record.list_name,
                "surname": name.surname or None,
                "surname_sk": skeleton(name.surname) or None,
                "surname_initial": name.surname_initial or None,
                # A typing error after the third letter of a surname
                # (Кадиров, Кадиав; Джабраилов, Джабаилов) leaves its start
                # whole: with the given name and place, it finds the pair.
                "surname_head": name.surname[:3] if len(name.surname) >= 5 else None,
                "given": name.given_key or None,
                "given_first": name.given[0] if name.given else None,
                "given_last": name.given[-1] if name.given else None,
                "given_sk": skeleton(name.given_key) or None,
                "given_known": 1
                if name.given and all(p in GIVEN_NAMES for p in name.given)
                else None,
                "initial": name.initial or None,
                "given_initials": ("|" + "|".join(name.initials) + "|" if name.initials else None),
                "bare_initial": name.initial if name.initial and not name.given else None,
                # Blocking on an initial alone also finds the name by the
                # first other initial it may be written with (O. for Умар,
                # as Omar; Yu. for Усуп, as Юсуп); the comparison then asks
                # all of them.
                "initial_alt": next((x for x in name.initials if x != name.initial), None),
                "patronymic": name.patronymic or None,
                "patronymic_initial": name.patronymic_initial or None,
                "sex": sex,
                "birth_lo": low,
                "birth_hi": high,
                "birth_year": low if low is not None and low == high else None,
                "birth_date": _iso(exact.first) if exact else None,
                "birth_swap": _iso(exact.swapped) if exact else None,
                "event_lo": event_low,
                "event_hi": event_high,
                # The same exact day read with day and month swapped.
                "event_swap": (
                    event.swapped.toordinal()
                    if event and event.swapped and event.first == event.last
                    else None
                ),
                "event_month": (
                    event.first.strftime("%Y-%m")
                    if event and event.first.strftime("%Y%m") == event.last.strftime("%Y%m")
                    else None
                ),
                # A record without a surname (a pseudonym, initials alone,
                # "Хамзат Ч.") is found by where and when instead.
                "nameless_place": home.id if home and not name.surname else None,
                "event_year": _year(event),
                "place": home.id if home else None,
                "place_district": home.district or None if home else None,
                "place_area": _area(home),
                "detention": held.id if held else None,
                "detention_district": held.district or None if held else None,
                "detention_area": _area(held),
                # The list and the day of the article a record comes from:
                # one article does not name one person twice.
                "article": (
                    f"{record.list_name}\x00{age_date.first.isoformat()}"
                    if age_date is not None and age_date.first == age_date.last
                    else None
                ),
            }
        )
    return rows


def prepare_plainly(records: Iterable[SourceRecord], reference_year: int) -> list[dict[str, Any]]:
    """The comparison: plain splink on lower-cased words as they are (last
    word the surname), no reading of names, dates or places."""
    rows = []
    for number, record in enumerate(records):
        words = record.name.lower().replace(".", " ").split()
        year, _approximate = birth_year(record.birth, reference_year)
        rows.append(
            {
                "unique_id": number,
                "record_id": record.record_id,
                "list_name": record.list_name,
                "surname": words[-1] if words else None,
                "given": words[0] if len(words) > 1 else None,
                "initial": words[0][:1] if len(words) > 1 else None,
                "birth_year": year,
                "place": record.place.lower() or None,
            }
        )
    return rows


PLAIN = Schema(
    comparisons=(
        Compare("surname", Kind.TEXT, thresholds=(0.95, 0.88)),
        Compare("given", Kind.NAME_OR_INITIAL, initial="initial"),
        Compare("birth_year", Kind.YEAR),
        Compare("place", Kind.EXACT),
    ),
    blocking=(("surname", "birth_year"), ("surname", "given"), ("given", "birth_year", "place")),
    prior_rules=(("surname", "given", "birth_year"),),
    training=(("surname",), ("given",)),
)
"""Plain splink on words as written: what linkage gives without this module."""


def _role(**roles: str) -> tuple[tuple[str, str], ...]:
    return tuple(roles.items())


# A record without a surname is found by where and when instead: by the
# other's home, or, where the other names no home, by its place of
# detention ("Алиев Адам", detained in Гудермес, and "Адам А." of Гудермес).
NAMELESS = (
    "l.nameless_place = r.place and l.event_year = r.event_year",
    "l.place = r.nameless_place and l.event_year = r.event_year",
    # A given name alone ("Муслим, 18 лет, житель Грозного"), events over
    # the turn of a year ("winter 2018-19"): the given name and the place.
    "l.nameless_place = r.place and l.given = r.given",
    "l.place = r.nameless_place and l.given = r.given",
    "l.nameless_place = r.detention and r.place is null and l.event_year = r.event_year",
    "l.detention = r.nameless_place and l.place is null and l.event_year = r.event_year",
)

VICTIMS = Schema(
    comparisons=(
        Compare(
            "surname",
            Kind.NAME_PART,
            frequencies=True,
            roles=_role(skeleton="surname_sk", initial="surname_initial"),
        ),
        Compare(
            "given",
            Kind.NAME_PART,
            frequencies=True,
            roles=_role(
                skeleton="given_sk",
                initial="initial",
                first="given_first",
                last="given_last",
                initials="given_initials",
                known="given_known",
            ),
        ),
        Compare("patronymic", Kind.PATRONYMIC, roles=_role(initial="patronymic_initial")),
        Compare("sex", Kind.SEX),
        Compare(
            "birth_lo",
            Kind.BIRTH,
            roles=_role(low="birth_lo", high="birth_hi", date="birth_date", swapped="birth_swap"),
        ),
        Compare(
            "event_lo",
            Kind.PERIOD,
            roles=_role(low="event_lo", high="event_hi", swapped="event_swap"),
        ),
        Compare(
            "place",
            Kind.PLACE,
            roles=_role(district="place_district", other="detention", area="place_area"),
        ),
        Compare(
            "detention",
            Kind.PLACE,
            roles=_role(district="detention_district", area="detention_area"),
        ),
    ),
    # Each rule joins on two or three keys, so that blocks stay small on a
    # million records. Keys are the same in every script and system, so
    # the rules find pairs across scripts as within one.
    blocking=(
        ("surname", "given"),
        # A given name spelt with another vowel (Резван, Rizvan): the same
        # consonants.
        ("surname", "given_sk"),
        ("surname", "birth_year"),
        ("given", "surname_sk", "place"),
        ("given", "surname_head", "place"),
        # The same where one record names no home (a press list that gives
        # only where he was held): the same month of events or year of birth.
        ("given", "surname_sk", "event_month"),
        ("given", "surname_sk", "birth_year"),
        "l.surname = r.given and l.given = r.surname",
        # An initial alone, by the district: a list that writes "a village
        # in the Vedeno district" names no village.
        "l.surname = r.surname and l.bare_initial = r.initial"
        " and l.place_district = r.place_district",
        "l.surname = r.surname and l.initial = r.bare_initial"
        " and l.place_district = r.place_district",
        "l.surname = r.surname and l.bare_initial = r.initial_alt"
        " and l.place_district = r.place_district",
        "l.surname = r.surname and l.initial_alt = r.bare_initial"
        " and l.place_district = r.place_district",
        # An initial alone and a surname with a typing error after its
        # third letter ("М. Осмаев", "Осмаве Магомед"), by the place and
        # the year of the events (without the year, up to 40 % more
        # candidate pairs on the first generator's lists).
        "l.surname_head = r.surname_head and l.bare_initial = r.initial and l.place = r.place"
        " and l.event_year = r.event_year",
        "l.surname_head = r.surname_head and l.initial = r.bare_initial and l.place = r.place"
        " and l.event_year = r.event_year",
        # The same with a vowel dropped or changed inside the surname
        # ("Хсанов И.", "Х. Умров"): the same consonants.
        "l.surname_sk = r.surname_sk and l.bare_initial = r.initial and l.place = r.place"
        " and l.event_year = r.event_year",
        "l.surname_sk = r.surname_sk and l.initial = r.bare_initial and l.place = r.place"
        " and l.event_year = r.event_year",
        # A surname with a typing error where one record names the district
        # instead of the village ("Закриев Бекхан", Толстой-Юрт; "Закреив
        # Бекхан", Грозненский р-н): the same consonants, in that district.
        "l.surname_sk = r.surname_sk and l.given = r.given and l.place_area = r.place_district",
        "l.surname_sk = r.surname_sk and l.given = r.given and l.place_district = r.place_area",
        ("given", "birth_year", "place"),
        ("given", "place", "event_month"),
        ("surname", "place", "event_month"),
        ("place", "birth_year", "event_month"),
        *NAMELESS,
    ),
    faint_blocking=NAMELESS,
    prior_rules=(("surname", "given", "birth_year"),),
    prior_recall=0.7,
    prior="pairs",
    prior_by="list_name",
    least_m=1e-3,
    refine=True,
    one_of_candidates=True,
    # A man's age is guessed, rounded or misread by a few years, not by a
    # decade: births further apart are two people (a father and his son).
    apart=("birth_lo", "birth_hi", 10),
    # One article does not name one person twice: two records of one list
    # with one date of publication are two people (namesakes held together,
    # 30 and 34, in one piece), and so is anyone who fits each of them.
    one_source="article",
    # Each session learns the comparisons that read none of its columns.
    # Its block should hold mostly matches, or expectation maximisation
    # takes brothers and sisters (who agree on all but their given names
    # and births) for one person: one surname and given name; one full
    # date of birth; failing those, one year of birth and place.
    training=(
        # (Not a father and son of one name, whose patronymics differ: the
        # block would teach that births decades apart are common among
        # matches.)
        "l.surname = r.surname and l.given = r.given and l.place = r.place"
        " and (l.patronymic is null or r.patronymic is null or l.patronymic = r.patronymic)",
        ("birth_date", "place"),
        ("birth_lo", "place"),
        ("surname", "given", "birth_year"),
    ),
    carried=("bare_initial", "initial_alt", "event_month", "nameless_place", "event_year"),
    types={
        "birth_lo": "int",
        "birth_hi": "int",
        "birth_year": "int",
        "event_lo": "int",
        "event_hi": "int",
        "event_swap": "int",
        "event_year": "int",
        "given_known": "int",
    },
)
"""The victim records of several lists, deduplicated into people."""
