"""What a linkage compares, how it finds candidate pairs, and how it learns.

A `Schema` names the columns of the prepared rows and the kind of each
comparison (a name, a code, a date, a year, ...); the pipeline turns it into
splink settings. The victim records of the analysis module have their own
schema (victims.py); benchmarks describe other data sets (FEBRL's addresses,
dates of birth and social security numbers) the same way, so one pipeline,
tested on published data, is the one that links victims.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

# A blocking rule: columns that must be equal on both records, or a SQL
# condition on `l.` and `r.` columns (only of columns the schema compares or
# blocks on: no others are given to the database).
Rule = tuple[str, ...] | str
LinkType = Literal["dedupe_only", "link_only", "link_and_dedupe"]


class Kind(StrEnum):
    """How two values of a column are compared, from agreement to disagreement."""

    EXACT = "exact"  # equal or not: places, states, street numbers
    TEXT = "text"  # equal, then Jaro-Winkler bands: names, streets, suburbs
    NAME_OR_INITIAL = "name_or_initial"  # a given name, else only its initial
    CODE = "code"  # equal, then one or two edits (Damerau-Levenshtein): ids, postcodes
    DATE = "date"  # ISO dates: equal, one typo, within a month, a year, ten years
    YEAR = "year"  # whole years: equal, within one, within three
    # Victim records (comparisons.py), with the columns of their `roles`:
    NAME_PART = "name_part"  # a surname or given name: key, typo, consonants, initial
    PATRONYMIC = "patronymic"  # a father's name or its initial
    BIRTH = "birth"  # a range of birth years, with exact dates
    PERIOD = "period"  # a span of days
    PLACE = "place"  # a place of the gazetteer, its district, the other place
    SEX = "sex"  # the same or not


TEXT_THRESHOLDS = (0.92, 0.88, 0.7)
CODE_EDITS = (1, 2)
YEAR_DIFFERENCES = (1, 3)


@dataclass(frozen=True)
class Compare:
    """One comparison of the model.

    `thresholds` overrides the Jaro-Winkler bands (TEXT, NAME_OR_INITIAL), the
    numbers of edits (CODE) or the year differences (YEAR). `frequencies`
    makes agreement on a common value weigh less than on a rare one (term
    frequency adjustment). `initial` is the column holding the first letter,
    for NAME_OR_INITIAL.
    """

    column: str
    kind: Kind
    thresholds: tuple[float, ...] = ()
    frequencies: bool = False
    initial: str | None = None
    # Other columns the comparison reads, by their role in it ("skeleton",
    # "low", "district"...): see comparisons.py.
    roles: tuple[tuple[str, str], ...] = ()

    def columns(self) -> tuple[str, ...]:
        found = [self.column, *([self.initial] if self.initial else [])]
        found += [column for _role, column in self.roles]
        return tuple(dict.fromkeys(found))

    def role(self, name: str) -> str | None:
        return dict(self.roles).get(name)


@dataclass(frozen=True)
class Schema:
    """Fields, candidate pairs and training plan of one kind of linkage.

    - `comparisons`: the evidence for and against a match.
    - `blocking`: a pair is scored if any rule holds; together they must
      find nearly every true match, and each must stay small enough for the
      largest data expected (every rule is a join).
    - `prior_rules`, `prior_recall`: near-certain matches and the share of
      all matches they are thought to find, for the chance that two random
      records match.
    - `training`: one expectation-maximisation session per rule; a rule
      cannot teach the comparisons of its own columns, so together they must
      leave each comparison out at least once.
    - `link_type`: deduplicate one set of records, link several sources that
      are each free of duplicates, or both; the source of each row is in
      `source_column`.
    """

    comparisons: tuple[Compare, ...]
    blocking: tuple[Rule, ...]
    prior_rules: tuple[Rule, ...]
    training: tuple[Rule, ...]
    prior_recall: float = 0.7
    # Then, with "pairs", the chance that two random records match is
    # learnt as expectation maximisation would learn it over every pair
    # once the weights are known (see pipeline.prior_from_pairs);
    # `prior_rules` give the start.
    prior: Literal["rules", "pairs"] = "rules"
    # With "pairs", the column that names each record's list: the chance is
    # then learnt for each pair of lists (priors.py). It is read from the
    # rows, not sent to the database.
    prior_by: str | None = None
    # The least m probability of any level (see pipeline._smooth); None
    # keeps what expectation maximisation learnt.
    least_m: float | None = None
    # Rebuild each group of three records or more by average linkage over
    # all its pairs (clustering.py): where one record's group can chain
    # into another's (brothers, namesakes).
    refine: bool = False
    # With `prior_by`: a record that no pair joins to anyone is one of its
    # candidates in another list if, counting that it can be only one of
    # them and how often that list names the people of its own, it more
    # likely is someone there than no one (clustering.alone_records).
    one_of_candidates: bool = False
    # With `one_of_candidates`: rules whose pairs are scored again down to
    # pipeline.FAINT_FLOOR for that weighing, where a record agrees a little
    # with many (one that names nobody, with the people of its village and
    # year).
    faint_blocking: tuple[Rule, ...] = ()
    # Two ranges of years (the columns of their low and high ends) and the
    # most years they can lie apart in one person's records: a pair further
    # apart is never joined by the model, however much else agrees (a
    # father and son of one name, held together); see pipeline.apart_pairs.
    apart: tuple[str, str, int] | None = None
    # A key of the source a record comes from (a list and the day of its
    # article): two records with the same one are never one person.
    one_source: str | None = None
    link_type: LinkType = "dedupe_only"
    source_column: str | None = None
    # Columns whose types are fixed whatever the rows hold (all-empty
    # columns would otherwise have no type).
    types: dict[str, str] = field(default_factory=dict)
    # Columns that SQL blocking rules read beside the compared ones.
    carried: tuple[str, ...] = ()

    def columns(self) -> list[str]:
        """Every column the database needs: nothing else of a record is sent."""
        names: list[str] = ["unique_id"]
        if self.source_column:
            names.append(self.source_column)
        for comparison in self.comparisons:
            names.extend(comparison.columns())
        for rule in (*self.blocking, *self.prior_rules, *self.training):
            if isinstance(rule, tuple):
                names.extend(rule)
        names.extend(self.carried)
        return list(dict.fromkeys(names))

    def column_type(self, column: str) -> str:
        """'int', 'string' or 'bool': the type the database is given."""
        if column in self.types:
            return self.types[column]
        if column == "unique_id":
            return "int"
        for comparison in self.comparisons:
            if column == comparison.column and comparison.kind is Kind.YEAR:
                return "int"
        return "string"


def _blocking_rule(rule: Rule) -> Any:
    from splink import block_on

    return block_on(*rule) if isinstance(rule, tuple) else rule


def _comparison(compare: Compare) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    column = compare.column
    comparison: Any
    if compare.kind is Kind.EXACT:
        comparison = cl.ExactMatch(column)
    elif compare.kind is Kind.TEXT:
        comparison = cl.JaroWinklerAtThresholds(column, list(compare.thresholds or TEXT_THRESHOLDS))
    elif compare.kind is Kind.NAME_OR_INITIAL:
        if not compare.initial:
            raise ValueError(f"{column}: a name-or-initial comparison needs its initial column")
        (threshold,) = compare.thresholds or (0.9,)
        comparison = cl.CustomComparison(
            output_column_name=column,
            comparison_levels=[
                cll.And(cll.NullLevel(column), cll.NullLevel(compare.initial)),
                cll.ExactMatchLevel(column),
                cll.JaroWinklerLevel(column, threshold),
                cll.ExactMatchLevel(compare.initial),
                cll.ElseLevel(),
            ],
        )
    elif compare.kind is Kind.CODE:
        edits = [int(edit) for edit in compare.thresholds or CODE_EDITS]
        comparison = cl.DamerauLevenshteinAtThresholds(column, edits)
    elif compare.kind is Kind.DATE:
        # ISO dates are each database's default format (DuckDB writes it
        # "%Y-%m-%d", Spark "yyyy-MM-dd"), so none is named.
        comparison = cl.DateOfBirthComparison(
            column, input_is_string=True, invalid_dates_as_null=True
        )
    elif compare.kind in VICTIM_KINDS:
        comparison = _victim_comparison(compare)
    else:  # Kind.YEAR
        comparison = cl.CustomComparison(
            output_column_name=column,
            comparison_levels=[
                cll.NullLevel(column),
                cll.ExactMatchLevel(column),
                *(
                    cll.AbsoluteDifferenceLevel(column, difference)
                    for difference in compare.thresholds or YEAR_DIFFERENCES
                ),
                cll.ElseLevel(),
            ],
        )
    if compare.frequencies and compare.kind not in VICTIM_KINDS:
        # (Victim comparisons adjust their own exact levels.)
        comparison = comparison.configure(term_frequency_adjustments=True)
    return comparison


VICTIM_KINDS = frozenset(
    {Kind.NAME_PART, Kind.PATRONYMIC, Kind.BIRTH, Kind.PERIOD, Kind.PLACE, Kind.SEX}
)


def _victim_comparison(compare: Compare) -> Any:
    from safepassage.analysis.linkage import comparisons

    roles = dict(compare.roles)
    if compare.kind is Kind.NAME_PART:
        return comparisons.name_part(
            compare.column,
            skeleton=roles["skeleton"],
            initial=roles["initial"],
            first=roles.get("first"),
            last=roles.get("last"),
            initials=roles.get("initials"),
            known=roles.get("known"),
            frequencies=compare.frequencies,
        )
    if compare.kind is Kind.PATRONYMIC:
        return comparisons.patronymic(compare.column, initial=roles["initial"])
    if compare.kind is Kind.BIRTH:
        return comparisons.birth(
            compare.column,
            low=roles["low"],
            high=roles["high"],
            date=roles["date"],
            swapped=roles["swapped"],
        )
    if compare.kind is Kind.PERIOD:
        return comparisons.period(
            compare.column, low=roles["low"], high=roles["high"], swapped=roles.get("swapped")
        )
    if compare.kind is Kind.SEX:
        return comparisons.sex(compare.column)
    return comparisons.place(
        compare.column, district=roles["district"], other=roles.get("other"), area=roles.get("area")
    )


def settings(schema: Schema) -> Any:
    """The schema as splink settings."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=schema.link_type,
        comparisons=[_comparison(compare) for compare in schema.comparisons],
        blocking_rules_to_generate_predictions=[_blocking_rule(r) for r in schema.blocking],
        source_dataset_column_name=schema.source_column or "source_dataset",
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def blocking_rules(rules: tuple[Rule, ...]) -> list[Any]:
    return [_blocking_rule(rule) for rule in rules]
