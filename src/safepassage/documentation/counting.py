"""How documented acts are counted: the counting rules, per act type, as data.

Killings and detentions are counted **per victim**: the people they were
done to, each person once in a count however many such acts they suffered,
and a group by its size. Every other act is counted **per act**: a person
threatened three times is three threats, and a group threatened once is
one. Those are the two units of Primero's violation monitoring, and the
ones an estimate of "how many victims" and one of "how many acts" need.

Each rule names a category of counting: its act type and every type below
it that no deeper rule claims. An act under no rule is counted per act, in
the category of the top-level type above it ("Violations against personal
integrity"). An organisation that wants another category (torture apart,
say) adds a rule here; docs/documentation.md writes the rules out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from safepassage.documentation.models import Term


class Unit(StrEnum):
    VICTIM = "victim"
    ACT = "act"


@dataclass(frozen=True)
class CountingRule:
    code: str  # a term of the act-type vocabulary
    unit: Unit


COUNTING_RULES: tuple[CountingRule, ...] = (
    # Violations of the right to life: killings, deaths in custody, deaths
    # after torture, "honour" killings. A person is killed once.
    CountingRule("010000000000", Unit.VICTIM),
    # ... but each attempt on a life is an act of its own.
    CountingRule("010109000000", Unit.ACT),
    # Violations of the right to liberty: arrests, detentions (arbitrary,
    # secret), disappearances, abductions, house arrest, round-ups. Each
    # person deprived of liberty is one victim, however often it happened.
    CountingRule("030000000000", Unit.VICTIM),
)

# Acts under no rule.
DEFAULT_UNIT = Unit.ACT


@dataclass(frozen=True)
class Category:
    """Where an act is counted: the term that names its category, and how."""

    term_id: int
    unit: Unit


class Rules:
    """The rules applied to the act-type vocabulary as it is now (one
    query for the whole tree, then no more)."""

    def __init__(self, rules: Iterable[CountingRule] = COUNTING_RULES) -> None:
        self.terms = {term.pk: term for term in Term.objects.filter(vocabulary__key="act_type")}
        by_code = {term.code: term.pk for term in self.terms.values()}
        self.units = {by_code[rule.code]: rule.unit for rule in rules if rule.code in by_code}
        self._found: dict[int, Category] = {}

    def category(self, act_type_id: int) -> Category:
        found = self._found.get(act_type_id)
        if found is None:
            found = self._found[act_type_id] = self._category(act_type_id)
        return found

    def _category(self, act_type_id: int) -> Category:
        term = self.terms[act_type_id]
        while True:
            if term.pk in self.units:
                return Category(term.pk, self.units[term.pk])
            if term.parent_id is None:
                return Category(term.pk, DEFAULT_UNIT)
            term = self.terms[term.parent_id]

    def written_out(self) -> list[tuple[Term, Unit]]:
        """Each rule's term and unit, for the pages that explain them."""
        return [(self.terms[pk], unit) for pk, unit in self.units.items()]
