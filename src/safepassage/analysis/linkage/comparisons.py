"""Comparisons built for victim records: each one a ladder of levels, from
full agreement to disagreement, whose weights the model learns.

- A name part (surname, given name): the same key; a part of a compound name
  (Саид-Магомед and Магомед); a close key (a typing error); the same
  consonants (Мохьмад and Мухаммад); only an initial on one side and it
  agrees.
- A patronymic: the same father's name, or its initial.
- A range of years (birth) or of days (events): the same exact date (with
  day and month swapped, too), one part of two full dates different, two
  full dates that differ, the same year, ranges that overlap and are both
  narrow, within a year or a month, ranges that overlap however wide,
  near, far. A date given as a season or an age given as "in his 20s"
  still agrees with a date inside it, but weighs less than an exact one.
- A place: the same place of the gazetteer; one list's home place is the
  other's place of detention (lists confuse them); the same district.

Every level's SQL runs on DuckDB and on Spark.
"""

from __future__ import annotations

import re
from typing import Any


def _levels(column: str, levels: list[Any]) -> Any:
    import splink.comparison_library as cl

    return cl.CustomComparison(output_column_name=column, comparison_levels=levels)


SIDES = re.compile(r"\b([lr])\.(\w+)")
# The level of a name part or patronymic where one side gives only its
# initial: its share among matches is read from the records (pipeline.py).
INITIAL_AGREES = "initial agrees"
DIFFERENT_NAMES = "two different known names"


def _level(sql: str, label: str, m: float | None = None) -> Any:
    """A level from SQL written with l. and r. (as blocking rules are);
    comparisons name the two sides' columns with _l and _r. `m` is the
    share of matches thought to fall in it before anything is learnt: where
    expectation maximisation starts, and what stays if the data are too
    few to learn from."""
    import splink.comparison_level_library as cll

    level = cll.CustomLevel(SIDES.sub(r"\2_\1", sql), label_for_charts=label)
    return level.configure(m_probability=m) if m is not None else level


def _null(sql: str) -> Any:
    return _level(sql, "null").configure(is_null_level=True)


def _similar(column: str, threshold: float, m: float) -> Any:
    """Jaro-Winkler similarity at least `threshold` (each database names its
    function differently; splink's level knows)."""
    import splink.comparison_level_library as cll

    return cll.JaroWinklerLevel(column, threshold).configure(m_probability=m)


def _exact(column: str, frequencies: bool, m: float) -> Any:
    level = _level(f"l.{column} = r.{column}", "exact", m)
    if frequencies:
        level = level.configure(tf_adjustment_column=column, tf_adjustment_weight=1.0)
    return level


def name_part(
    column: str,
    *,
    skeleton: str,
    initial: str,
    first: str | None = None,
    last: str | None = None,
    initials: str | None = None,
    known: str | None = None,
    close: tuple[float, float] = (0.92, 0.8),
    frequencies: bool = True,
) -> Any:
    """A surname or a given name (`column`), with its consonant skeleton,
    its initial and, for given names, the first and last parts of a
    compound name. `initials`, if given, holds every initial the name may
    be written with ("|u|a|" for Умар, also Omar): an initial alone agrees
    with any of them. `known`, if given, is set where every part of the name
    is a name of the given-name table: two such names that differ are two
    names (Ислам and Саид-Магомед, the names of brothers), not a spelling
    or a typing error of one, however alike they look. (A surname and given
    name swapped are put back when the record is read, names.parse_parts;
    a level for them here would make each name comparison read the other's
    column, and expectation maximisation could then learn neither.)"""
    near, far = close
    levels = [
        _null(
            f"(l.{column} is null and l.{initial} is null)"
            f" or (r.{column} is null and r.{initial} is null)"
        ),
        _exact(column, frequencies, 0.85),
    ]
    if first and last:
        # One name alone and a compound that holds it (Магомед, Саид-Магомед):
        # two compounds that share one part are two names, often of brothers
        # (Саид-Эми, Магомед-Эми).
        levels.append(
            _level(
                f"(l.{first} = l.{last} or r.{first} = r.{last})"
                f" and (l.{first} = r.{first} or l.{last} = r.{last}"
                f" or l.{first} = r.{last} or l.{last} = r.{first})",
                "a part of a compound name",
                0.02,
            )
        )
    if known:
        levels.append(
            _level(
                f"l.{known} is not null and r.{known} is not null and l.{column} <> r.{column}",
                DIFFERENT_NAMES,
                0.005,
            )
        )
    levels += [
        _similar(column, near, 0.04),
        _level(f"l.{skeleton} = r.{skeleton}", "same consonants", 0.02),
        _level(
            f"(l.{column} is null or r.{column} is null) and {_initials_agree(initial, initials)}",
            INITIAL_AGREES,
            0.05,
        ),
        _similar(column, far, 0.01),
        _level("true", "different", 0.01),
    ]
    return _levels(column, levels)


def _initials_agree(initial: str, initials: str | None) -> str:
    same = f"l.{initial} = r.{initial}"
    if not initials:
        return same
    return (
        f"({same} or instr(l.{initials}, concat('|', r.{initial}, '|')) > 0"
        f" or instr(r.{initials}, concat('|', l.{initial}, '|')) > 0)"
    )


def patronymic(column: str, *, initial: str) -> Any:
    """A father's name, or its initial where only that is written."""
    return _levels(
        column,
        [
            _null(
                f"(l.{column} is null and l.{initial} is null)"
                f" or (r.{column} is null and r.{initial} is null)"
            ),
            _exact(column, False, 0.7),
            _level(
                f"(l.{column} is null or r.{column} is null) and l.{initial} = r.{initial}",
                INITIAL_AGREES,
                0.2,
            ),
            _similar(column, 0.9, 0.05),
            _level("true", "different", 0.05),
        ],
    )


def _overlap(low: str, high: str) -> str:
    return f"greatest(l.{low}, r.{low}) <= least(l.{high}, r.{high})"


def _gap(low: str, high: str) -> str:
    return f"(greatest(l.{low}, r.{low}) - least(l.{high}, r.{high}))"


def _width(side: str, low: str, high: str) -> str:
    return f"({side}.{high} - {side}.{low})"


def birth(column: str, *, low: str, high: str, date: str, swapped: str) -> Any:
    """A birth as a range of years (`low`, `high`), with the exact date and
    its day-month swap where a full date was given."""
    both_dates = f"l.{date} is not null and r.{date} is not null"
    same_year = f"substr(l.{date}, 1, 4) = substr(r.{date}, 1, 4)"
    same_month = f"substr(l.{date}, 6, 2) = substr(r.{date}, 6, 2)"
    same_day = f"substr(l.{date}, 9, 2) = substr(r.{date}, 9, 2)"
    narrow = f"{_width('l', low, high)} <= 2 and {_width('r', low, high)} <= 2"
    one_year = f"l.{low} = l.{high} and r.{low} = r.{high} and l.{low} = r.{low}"
    levels = [
        (f"l.{date} = r.{date} or l.{date} = r.{swapped} or l.{swapped} = r.{date}",
         "same date", 0.3),
        (f"{both_dates} and (({same_year} and ({same_month} or {same_day}))"
         f" or ({same_month} and {same_day} and abs(l.{low} - r.{low}) = 1))",
         "one part of the date differs", 0.02),
        (both_dates, "different dates", 0.005),
        (one_year, "same year", 0.25),
        (f"{_overlap(low, high)} and {narrow}", "narrow ranges overlap", 0.25),
        (f"{_gap(low, high)} <= 1 and {narrow}", "narrow ranges within a year", 0.1),
        (_overlap(low, high), "wide ranges overlap", 0.06),
        (f"{_gap(low, high)} <= 3", "within three years", 0.01),
        ("true", "far apart", 0.005),
    ]  # fmt: skip
    return _levels(
        column,
        [_null(f"l.{low} is null or r.{low} is null"), *(_level(*level) for level in levels)],
    )


def period(column: str, *, low: str, high: str, swapped: str | None = None) -> Any:
    """A span of days (the date of the events). With `swapped`, the day an
    exact date names with its day and month swapped (3/12/2017, 3 December,
    where the list meant 12 March): that reading inside the other's span of
    a month or less is a level of its own, weighed as the data show (a
    coincidence among people held in the same months, where no list of the
    run writes the month first)."""
    narrow = f"{_width('l', low, high)} <= 31 and {_width('r', low, high)} <= 31"
    one_day = f"l.{low} = l.{high} and r.{low} = r.{high} and l.{low} = r.{low}"
    levels = [
        (one_day, "same day", 0.3),
        (f"{_overlap(low, high)} and {narrow}", "within the same month or less", 0.4),
    ]
    if swapped:
        levels.append(
            (
                f"{narrow} and (l.{swapped} between r.{low} and r.{high}"
                f" or r.{swapped} between l.{low} and l.{high})",
                "day and month swapped",
                0.02,
            )
        )
    levels += [
        (_overlap(low, high), "wide spans overlap", 0.25),
        (f"{_gap(low, high)} <= 31", "within a month", 0.03),
        (f"{_gap(low, high)} <= 366", "within a year", 0.01),
        ("true", "far apart", 0.01),
    ]
    return _levels(
        column,
        [_null(f"l.{low} is null or r.{low} is null"), *(_level(*level) for level in levels)],
    )


def place(column: str, *, district: str, other: str | None = None, area: str | None = None) -> Any:
    """A place of the gazetteer, with its district, and optionally the
    record's other place (home against detention). With `area` (the
    district a record names instead of a place, "a village in the Vedeno
    district"), a place inside the district one record names agrees as far
    as that record says, a level of its own: two different villages of one
    district are a disagreement, however near."""
    levels = [_null(f"l.{column} is null or r.{column} is null"), _exact(column, True, 0.8)]
    if other:
        levels.append(
            _level(f"l.{column} = r.{other} or l.{other} = r.{column}", "home and detention", 0.05)
        )
    if area:
        levels.append(
            _level(
                f"l.{area} = r.{district} or l.{district} = r.{area}",
                "in the district the other names",
                0.05,
            )
        )
    levels += [
        _level(f"l.{district} = r.{district}", "same district", 0.1),
        _level("true", "different", 0.05),
    ]
    return _levels(column, levels)


def sex(column: str) -> Any:
    """The same sex, or not."""
    return _levels(
        column,
        [
            _null(f"l.{column} is null or r.{column} is null"),
            _level(f"l.{column} = r.{column}", "same", 0.98),
            _level("true", "different", 0.02),
        ],
    )
