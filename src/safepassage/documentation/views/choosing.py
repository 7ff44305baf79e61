"""Choosing a person on a form without JavaScript: one already in the
event (a list), one recorded elsewhere (by code), or a new one (a name).
Before a new person is recorded, people recorded under a similar name are
offered at the top of the list once (the vault's fuzzy search over the
sealed names), so the same victim is not recorded twice by mistake."""

from __future__ import annotations

from typing import cast

from django import forms
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from safepassage.accounts.models import User
from safepassage.documentation.access import WRITE, get_person_for
from safepassage.documentation.actions import Refused
from safepassage.documentation.models import Act, Event, Information, Involvement, Person
from safepassage.documentation.people import find_people
from safepassage.documentation.recording import PersonPart
from safepassage.documentation.views.shared import open_all

# How alike a name must be to be offered as perhaps the same person.
SIMILAR = 85.0


def people_in(event: Event) -> list[Person]:
    """Everyone in an event (victims, perpetrators, sources), names opened."""
    ids = set(event.acts.values_list("victim_id", flat=True))
    ids |= set(
        Involvement.objects.filter(act__event=event, perpetrator__isnull=False).values_list(
            "perpetrator_id", flat=True
        )
    )
    ids |= set(Information.objects.filter(event=event).values_list("source_id", flat=True))
    found = list(Person.objects.filter(pk__in=ids))
    open_all(found, "name")
    return sorted(found, key=lambda person: (person.name.casefold(), person.code))


def offer(
    form: forms.Form, role: str, people: list[Person], similar: list[Person] | None = None
) -> None:
    """Fill the list of people to choose from: those with a similar name
    first (when a new name was given), then the event's."""
    options: list[tuple[str, object]] = [("", "—")]
    if similar:
        grouped = [(p.code, f"{p.name} ({p.code})") for p in similar]
        options.append((_("Recorded under a similar name"), grouped))
    if people and similar:
        options.append((_("In this event"), [(p.code, f"{p.name} ({p.code})") for p in people]))
    else:
        options += [(p.code, f"{p.name} ({p.code})") for p in people]
    form.fields[f"{role}_existing"].widget.choices = options


def similar_people(user: User, form: forms.Form, roles: tuple[str, ...]) -> dict[str, list[Person]]:
    """For each role named as a new person, people under a similar name
    (once: the form then carries ``people_checked``)."""
    data = form.cleaned_data
    if data.get("people_checked"):
        return {}
    found: dict[str, list[Person]] = {}
    for role in roles:
        name = (data.get(f"{role}_name") or "").strip()
        if not name or (data.get(f"{role}_existing") or data.get(f"{role}_code") or "").strip():
            continue
        matches = find_people(user, name, limit=5, cutoff=SIMILAR)
        if matches:
            found[role] = matches
    if found:
        again = cast(QueryDict, form.data).copy()
        again["people_checked"] = "on"
        form.data = again
    return found


def chosen(user: User, form: forms.Form, role: str) -> PersonPart | None:
    """The person a form names for ``role``: one recorded (from the list or
    by code), a new one, or None. Refused for a code nobody visible has."""
    data = form.cleaned_data
    code = (data.get(f"{role}_existing") or data.get(f"{role}_code") or "").strip().upper()
    if code:
        try:
            return PersonPart(existing=get_person_for(user, code, WRITE))
        except Http404:
            raise Refused(
                _("Nobody you may see has the code %(code)s.") % {"code": code[:12]}
            ) from None
    name = (data.get(f"{role}_name") or "").strip()
    if not name:
        return None
    return PersonPart(name=name, kind=data.get(f"{role}_kind") or "individual")


def acts_of(event: Event) -> list[Act]:
    """An event's acts, victims' names opened, for a list to choose from."""
    acts = list(event.acts.select_related("act_type", "victim").order_by("period_from", "code"))
    open_all([act.victim for act in acts], "name")
    return acts


def offer_acts(form: forms.Form, acts: list[Act]) -> None:
    form.fields["act"].widget.choices = [("", _("the event as a whole"))] + [
        (act.code, f"{act.act_type.label()} — {act.victim.name} ({act.code})") for act in acts
    ]


def act_of(acts: list[Act], code: str) -> Act | None:
    """The act of this event a form names (None: the event as a whole)."""
    code = (code or "").strip()
    if not code:
        return None
    for act in acts:
        if act.code == code:
            return act
    raise Refused(_("That act belongs to another event."))
