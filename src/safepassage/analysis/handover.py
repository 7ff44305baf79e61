"""Counting from our documentation: the victims documented in the
documentation app become victim lists for linkage and estimation, without
exporting and importing them again.

Multiple systems estimation needs one list per source that recorded
victims on its own, so a count makes one list per source organisation
(a newspaper, an NGO, a court's records) and one per kind of individual
source (victims' own accounts, witnesses, relatives, other detainees...),
from the information each act rests on (an account of a whole event
counts for each of its acts).

What a record of a list is follows the counting rules
(documentation.counting): per victim for killings and detentions (one
record per person and category, whatever the number of acts), per act for
the rest. The documentation already knows which records are one victim or
one act, and which are not: it says so as link decisions (the same unit in
two lists is the same; two units of one person are not), so linkage only
has to find what the documentation does not know (a person recorded twice,
the people of imported lists) and estimates count units as the rules say.

Verified and unverified acts are kept apart: a count of "verified acts
only" takes nothing else, and a count of every act keeps each unit's status
(the strongest of its acts) and counts reported, corroborated and verified
apart. Groups and organisations are counted (a group by its size, per
victim) but go on no list: there is no name to link.

Only what the person counting may read is counted, and of that only events
every documenter sees: lists are read by everyone with the documentation
keys, so a restricted event's victims would reach people it was kept from.
Those are left out, and the count says how many acts that was.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from safepassage.accounts.access import require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.analysis.importing import list_named
from safepassage.analysis.list_labels import count_list_label
from safepassage.analysis.models import (
    CountScope,
    DocumentationCount,
    LinkDecision,
    Same,
    VictimList,
    VictimRecord,
)
from safepassage.audit.chain import record
from safepassage.documentation import access as documentation_access
from safepassage.documentation import vocabularies
from safepassage.documentation.counting import Category, Rules, Unit
from safepassage.documentation.models import (
    Act,
    Confidentiality,
    Information,
    Person,
    PersonKind,
    Term,
    Verification,
)
from safepassage.vault.bulk import open_rows

# Strongest first: a unit is as established as the best of its acts.
STRENGTH: dict[str, int] = {
    Verification.VERIFIED: 3,
    Verification.CORROBORATED: 2,
    Verification.REPORTED: 1,
}


class CountRefused(ValueError):
    """Nothing to count; the message is for people."""


@dataclass(frozen=True)
class Source:
    """A list's source: an organisation, or a kind of individual source."""

    kind: str  # "organisation" or "connection"
    pk: Any

    def sort_key(self) -> tuple[str, str]:
        return (self.kind, str(self.pk))


@dataclass
class CountedUnit:
    """One thing counted: a victim of a category (per victim) or an act."""

    category: Category
    victim: Person
    acts: list[Act] = field(default_factory=list)
    sources: set[Source] = field(default_factory=set)

    @property
    def verification(self) -> str:
        return max((act.verification for act in self.acts), key=lambda v: STRENGTH[v])

    @property
    def weight(self) -> int:
        """How many it counts for: a group by its size, per victim."""
        if self.category.unit == Unit.VICTIM and self.victim.kind == PersonKind.GROUP:
            return self.victim.group_size or 1
        return 1

    @property
    def listed(self) -> bool:
        return self.victim.kind == PersonKind.INDIVIDUAL

    def first(self) -> Act:
        return min(self.acts, key=lambda act: (act.period_from or dt.date.max, act.code))


def acts_asked(
    *,
    period_from: dt.date | None,
    period_to: dt.date | None,
    act_types: Sequence[Term],
    scope: str,
) -> QuerySet[Act]:
    """The acts a count takes, before who may see them: a period meets
    an act's span of possible days (an act of unknown date meets none); a
    type takes the types below it."""
    acts = Act.objects.all()
    if act_types:
        acts = acts.filter(
            act_type_id__in=set().union(*(vocabularies.descendants(t) for t in act_types))
        )
    if period_from:
        acts = acts.filter(period_to__gte=period_from)
    if period_to:
        acts = acts.filter(period_from__lte=period_to)
    if scope == CountScope.VERIFIED:
        acts = acts.filter(verification=Verification.VERIFIED)
    return acts


def _units(acts: list[Act], information: Iterable[Information], rules: Rules) -> list[CountedUnit]:
    by_act: dict[Any, set[Source]] = {}
    by_event: dict[Any, set[Source]] = {}
    for item in information:
        source = (
            Source("organisation", item.source_id)
            if item.source.kind == PersonKind.ORGANISATION
            else Source("connection", item.connection_id)
        )
        if item.act_id is None:
            by_event.setdefault(item.event_id, set()).add(source)
        else:
            by_act.setdefault(item.act_id, set()).add(source)
    units: dict[tuple[Any, ...], CountedUnit] = {}
    people: dict[Any, Person] = {}
    for act in acts:
        # One instance per person, so that opening it once opens it everywhere.
        act.victim = people.setdefault(act.victim_id, act.victim)
        category = rules.category(act.act_type_id)
        key = (
            ("victim", category.term_id, act.victim_id)
            if category.unit == Unit.VICTIM
            else ("act", act.pk)
        )
        unit = units.get(key)
        if unit is None:
            unit = units[key] = CountedUnit(category, act.victim)
        unit.acts.append(act)
        unit.sources |= by_act.get(act.pk, set()) | by_event.get(act.event_id, set())
    return sorted(units.values(), key=lambda u: (u.victim.code, u.first().code))


def _summary_of_categories(units: list[CountedUnit], rules: Rules) -> list[dict[str, Any]]:
    counted: dict[int, Counter[str]] = {}
    for unit in units:
        counted.setdefault(unit.category.term_id, Counter())[unit.verification] += unit.weight
    ordered = sorted(counted, key=lambda pk: (rules.terms[pk].position, rules.terms[pk].code))
    return [
        {
            "code": rules.terms[term_id].code,
            "unit": str(rules.category(term_id).unit),
            **{status: counted[term_id].get(status, 0) for status in Verification.values},
        }
        for term_id in ordered
    ]


def _list_name(source: str, scope: str, number: int) -> tuple[str, int]:
    """The list's stored name, in English whoever counts: the command line
    finds it by that name; pages name it in their reader's language
    (analysis.list_labels). With the suffix that told it apart, if any."""
    with translation.override("en"):
        name = count_list_label(source, scope, number)
        # A list of that name imported by hand keeps it; this one is told apart.
        suffix = 0
        while list_named(name) is not None:
            suffix = suffix + 1 if suffix else 2
            name = count_list_label(source, scope, number, suffix)
    return name, suffix


def _record_data(unit: CountedUnit, rules: Rules) -> dict[str, Any]:
    first = unit.first()
    area = first.place_area
    status = Verification(unit.verification)
    codes = [act.code for act in sorted(unit.acts, key=lambda act: act.code)]
    return {
        "name": str(unit.victim.name),
        "birth": unit.victim.born or "",
        # The area in English: every list of a count writes it alike.
        "place": area.label("en") if area is not None else "",
        "event_date": str(first.start) if first.start.known else "",
        "act": rules.terms[unit.category.term_id].label(),
        "notes": f"{unit.victim.code}: {', '.join(codes)} ({status.label})",
        "verification": str(status),
        "person": unit.victim.code,
        "acts": codes,
    }


def _decisions(records: list[tuple[CountedUnit, VictimRecord]], by: User) -> list[LinkDecision]:
    """What the documentation knows of its records: those of one unit are
    one (a chain joins them); those of one person's other units are not."""
    by_victim: dict[Any, list[tuple[int, VictimRecord]]] = {}
    units: dict[int, list[VictimRecord]] = {}
    for unit, entry in records:
        units.setdefault(id(unit), []).append(entry)
        by_victim.setdefault(unit.victim.pk, []).append((id(unit), entry))
    pairs: dict[tuple[str, str], str] = {}

    def decide(a: VictimRecord, b: VictimRecord, decision: str) -> None:
        first, second = sorted((str(a.pk), str(b.pk)))
        pairs[(first, second)] = decision

    for same in units.values():
        for a, b in itertools.pairwise(same):
            decide(a, b, Same.SAME)
    for one_person in by_victim.values():
        for index, (unit_a, a) in enumerate(one_person):
            for unit_b, b in one_person[index + 1 :]:
                if unit_a != unit_b:
                    decide(a, b, Same.DIFFERENT)
    return [
        LinkDecision(first_id=first, second_id=second, decision=decision, decided_by=by)
        for (first, second), decision in sorted(pairs.items())
    ]


def count_from_documentation(
    by: User,
    *,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    act_types: Sequence[Term] = (),
    scope: str = CountScope.ALL,
) -> DocumentationCount:
    """Count the documented acts ``by`` may read that match, make a list
    per source, and record the hand-over. Needs the documentation's
    permission and keys (else the same 404 as everywhere) and the right to
    make lists."""
    documentation_access.documentation_keys(by)
    require(by, Perm.IMPORT_LISTS)
    if scope not in CountScope.values:
        raise CountRefused(_("Choose which acts to count."))
    if period_from and period_to and period_to < period_from:
        raise CountRefused(_("The end of the period is before its start."))
    asked = acts_asked(
        period_from=period_from, period_to=period_to, act_types=act_types, scope=scope
    ).filter(event__in=documentation_access.visible_events(by))
    shared = asked.filter(event__confidentiality=Confidentiality.COMPARTMENT)
    acts = list(shared.select_related("victim", "place_area").order_by("code"))
    if not acts:
        raise CountRefused(_("No documented act matches: nothing was counted."))
    restricted = asked.count() - len(acts)
    information = list(
        Information.objects.filter(
            Q(act__in=shared) | Q(act__isnull=True, event__in=shared.values("event_id"))
        ).select_related("source", "connection")
    )
    rules = Rules()
    units = _units(acts, information, rules)
    victims = {unit.victim.pk: unit.victim for unit in units if unit.listed}
    open_rows(list(victims.values()), ["name", "born"])
    organisations = {
        item.source_id: item.source
        for item in information
        if item.source.kind == PersonKind.ORGANISATION
    }
    open_rows(list(organisations.values()), ["name"])
    connections = {item.connection_id: item.connection for item in information}

    def origin(source: Source) -> dict[str, Any]:
        """What a page needs to name the source's list in its reader's
        language: an organisation's name, a kind of source's term code."""
        if source.kind == "organisation":
            return {"kind": source.kind, "source": str(organisations[source.pk].name)}
        return {"kind": source.kind, "source": connections[source.pk].code}

    def source_name(source: Source) -> str:
        """The source in English, for the list's stored name."""
        if source.kind == "organisation":
            return str(organisations[source.pk].name)
        return connections[source.pk].label("en")

    with transaction.atomic():
        number = (DocumentationCount.objects.aggregate(top=Max("number"))["top"] or 0) + 1
        count = DocumentationCount(
            number=number,
            made_by=by,
            period_from=period_from,
            period_to=period_to,
            act_types=sorted(t.code for t in act_types),
            scope=scope,
            acts=len(acts),
        )
        count.save(force_insert=True)
        sources = sorted({s for u in units if u.listed for s in u.sources}, key=Source.sort_key)
        made: list[tuple[CountedUnit, VictimRecord]] = []
        lists_summary = []
        for source in sources:
            victim_list = VictimList(documentation_count=count)
            victim_list.name, suffix = _list_name(source_name(source), scope, number)
            victim_list.origin = {
                **origin(source),
                "scope": scope,
                "number": number,
                "suffix": suffix,
            }
            victim_list.save(force_insert=True)
            members = [u for u in units if u.listed and source in u.sources]
            entries = []
            for row, unit in enumerate(members, start=1):
                entry = VictimRecord(victim_list=victim_list, row=row)
                entry.data = _record_data(unit, rules)
                entries.append(entry)
                made.append((unit, entry))
            VictimRecord.objects.bulk_create(entries, batch_size=500)
            lists_summary.append(
                {
                    "id": str(victim_list.pk),
                    "kind": source.kind,
                    "records": len(entries),
                    "verified": sum(u.verification == Verification.VERIFIED for u in members),
                }
            )
        decisions = _decisions(made, by)
        LinkDecision.objects.bulk_create(decisions, batch_size=1000)
        count.records = len(made)
        count.summary = {
            "categories": _summary_of_categories(units, rules),
            "lists": lists_summary,
            "not_listed": sum(u.weight for u in units if not u.listed),
            "unsourced": sum(1 for u in units if u.listed and not u.sources),
            "restricted": restricted,
            "decisions": len(decisions),
        }
        count.save(update_fields=["records", "summary"])
        record(
            by,
            "analysis.counted_from_documentation",
            count,
            scope=scope,
            acts=len(acts),
            lists=len(sources),
            records=len(made),
            decisions=len(decisions),
        )
    return count
