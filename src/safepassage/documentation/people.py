"""People in the documentation: recording and changing them, biographic
links between them, and finding them again by name.

Names are encrypted; finding a person uses the vault's two tools: the
blind index (the same name written again, case and spaces aside) and the
encrypted directory that fuzzy search opens in memory (Магомед and
Magomed, a typo). Results are shown only as far as the reader may see
the person (documentation.access.people_seen_by, the rule of can_see_person).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation import vocabularies
from safepassage.documentation.access import people_seen_by
from safepassage.documentation.actions import Refused, create, save_changes
from safepassage.documentation.models import Person, PersonKind, PersonLink, Term
from safepassage.documentation.models.people import SOGIESC
from safepassage.vault.bulk import open_rows
from safepassage.vault.fields import blind_index
from safepassage.vault.search import search

TEXTS = ("other_names", "born", "contact", "description")


def _profile(profile: dict[str, str] | None) -> dict[str, str] | None:
    """SOGIESC codes, each a term of its vocabulary that is not retired."""
    cleaned = {key: code for key, code in (profile or {}).items() if code}
    for key, code in cleaned.items():
        if key not in SOGIESC:
            raise Refused(_("Unknown part of a profile."))
        try:
            term = vocabularies.term_named(key, code)
        except vocabularies.VocabularyError as error:
            raise Refused(str(error)) from error
        if term.retired:
            raise Refused(
                _("“%(term)s” has been retired: choose another term.") % {"term": term.label()}
            )
    return cleaned or None


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    if "name" in values:
        name = " ".join((values["name"] or "").split())
        if not name:
            raise Refused(_("Give a name, or a description such as “unknown officer 1”."))
        values["name"] = name
    for key in TEXTS:
        if key in values:
            values[key] = (values[key] or "").strip() or None
    if "profile" in values:
        values["profile"] = _profile(values["profile"])
    kind = values.get("kind")
    if kind is not None and kind not in PersonKind.values:
        raise Refused(_("Choose whether this is a person, a group or an organisation."))
    size = values.get("group_size")
    if size is not None and size < 1:
        raise Refused(_("A group has at least one person."))
    return values


def record_person(
    by: User, *, name: str, kind: str = PersonKind.INDIVIDUAL, **values: Any
) -> Person:
    values = _clean({"name": name, "kind": kind, **values})
    person = Person(**values)
    if person.kind != PersonKind.GROUP:
        person.group_size = None
    if person.profile:
        vocabularies.stamp(person, *person.profile)
    with transaction.atomic():
        create(person, by)
        record(by, "documentation.person_recorded", person, kind=person.kind)
    return person


def change_person(person: Person, *, by: User, version: int, **values: Any) -> list[str]:
    values = _clean(values)
    with transaction.atomic():
        changed = save_changes(person, version, by, values)
        if "profile" in changed and person.profile:
            vocabularies.stamp(person, *person.profile)
            person.save(update_fields=["vocabularies"])
        if changed:
            record(
                by,
                "documentation.person_changed",
                person,
                changed=changed,
                revision=person.version,
            )
    return changed


def link_people(
    by: User, person: Person, related: Person, relationship: Term, note: str = ""
) -> PersonLink:
    """A biographic link: ``person`` is ``relationship`` of ``related``."""
    if person.pk == related.pk:
        raise Refused(_("A person cannot be linked to themselves."))
    try:
        vocabularies.check_usable(relationship, "relationship")
    except vocabularies.VocabularyError as error:
        raise Refused(str(error)) from error
    link = PersonLink(person=person, related=related, relationship=relationship)
    link.note = note.strip() or None
    vocabularies.stamp(link, "relationship")
    with transaction.atomic():
        if PersonLink.objects.filter(
            person=person, related=related, relationship=relationship
        ).exists():
            raise Refused(_("These two people are linked this way already."))
        link.created_by = link.updated_by = by
        link.save(force_insert=True)
        record(
            by, "documentation.people_linked", person, person=related.code, term=relationship.code
        )
    return link


def unlink_people(by: User, link: PersonLink) -> None:
    """Remove a biographic link (audited on the person it starts from, as
    it was recorded)."""
    with transaction.atomic():
        record(
            by,
            "documentation.people_unlinked",
            link.person,
            person=link.related.code,
            term=link.relationship.code,
        )
        link.delete()


@dataclass(frozen=True)
class Links:
    """A person's biographic links as a reader may see them: those from
    the person (they are <relationship> of another) and those to them."""

    onward: list[PersonLink]
    back: list[PersonLink]

    def __bool__(self) -> bool:
        return bool(self.onward or self.back)


def links_of(user: User, person: Person) -> Links:
    """``person``'s links to people ``user`` may see (by can_see_person's
    rule), with the other people's names and the notes opened."""
    onward = list(
        person.links.select_related("related", "relationship").order_by("created_at", "pk")
    )
    back = list(
        person.linked_from.select_related("person", "relationship").order_by("created_at", "pk")
    )
    seen = people_seen_by(user, [link.related for link in onward] + [link.person for link in back])
    onward = [link for link in onward if link.related_id in seen]
    back = [link for link in back if link.person_id in seen]
    open_rows([link.related for link in onward] + [link.person for link in back], ["name"])
    open_rows(onward + back, ["note"])
    return Links(onward, back)


def same_name(name: str) -> list[Person]:
    """People recorded under exactly this name (case and spaces aside)."""
    return list(Person.objects.filter(name_index=blind_index(Person, "name", name)))


def recent_people(user: User, *, limit: int = 50) -> list[Person]:
    """The people recorded most recently that ``user`` may see, newest
    first, with their names opened (the people page before any search).
    Reads the newest in batches, so those of restricted events hidden from
    ``user`` do not leave the page short; at most five batches."""
    newest = Person.objects.order_by("-created_at", "-code")
    found: list[Person] = []
    for start in range(0, limit * 10, limit * 2):
        batch = list(newest[start : start + limit * 2])
        seen = people_seen_by(user, batch)
        found += [person for person in batch if person.pk in seen]
        if len(found) >= limit or len(batch) < limit * 2:
            break
    found = found[:limit]
    open_rows(found, ["name"])
    return found


def find_people(user: User, query: str, *, limit: int = 20, cutoff: float = 70.0) -> list[Person]:
    """People whose names resemble ``query``, best first, that ``user``
    may see, with their names opened; a person's code (P-7K3M9Q) finds
    them first (a victim handed over from casework has no name but the
    code, and is not in the directory of names). Needs the documentation keys."""
    scores = dict(search(Person, "name", query, limit=limit * 2, cutoff=cutoff))
    code = query.strip().upper()
    if code.startswith("P-"):
        for pk in Person.objects.filter(code=code[:12]).values_list("pk", flat=True):
            scores[str(pk)] = 1000.0
    candidates = list(Person.objects.filter(pk__in=list(scores)))
    seen = people_seen_by(user, candidates)
    found = [p for p in candidates if p.pk in seen]
    found.sort(key=lambda p: -scores[str(p.pk)])
    found = found[:limit]
    open_rows(found, ["name"])
    return found
