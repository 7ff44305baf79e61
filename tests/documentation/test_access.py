"""The outsider-404 contract for every access function of the
documentation: someone without the permission, or without the
compartment's keys, gets the same audited 404 as for a record that does
not exist; the pages answer them alike."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404
from django.test import Client

from safepassage.accounts.models import User
from safepassage.audit.models import AuditEntry
from safepassage.documentation import access, actions, statements
from safepassage.documentation.models import Commitment, Statement
from safepassage.vault.keyring import using_keyring
from tests.base import comparable, keyring_of, sign_in
from tests.documentation.conftest import Desk, record_detention, term


def _records(desk: Desk) -> dict[str, Any]:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
        statement = statements.record_statement(
            desk.documenter,
            speaker="A spokesman",
            quote="There are no such people here.",
            stance=term("stance", "L-DENIES"),
        )
        commitment = statements.record_commitment(
            desk.documenter, promised_by="An official", promise="An investigation."
        )
        from safepassage.documentation import import_drafts, importing

        draft = import_drafts.keep_draft(
            desk.documenter,
            "list.csv",
            importing.Table(["Title"], [(2, ["Detentions"])]),
        )
        later = record_detention(desk.documenter, title="A disappearance").event
        link = actions.link_events(
            desk.documenter, recorded.event, later, term("chain_type", "030000000000")
        )
        from safepassage.documentation import people

        person_link = people.link_people(
            desk.documenter,
            recorded.victim,
            people.record_person(desk.documenter, name="A brother"),
            term("relationship", "L-COMMANDER-OF"),
        )
        from safepassage.documentation import evidence
        from safepassage.vault import files

        staged = files.stage_bytes(b"%PDF-1.4 a letter", name="l.pdf", content_type="x/y")
        item = evidence.add_evidence(desk.documenter, staged, target=recorded.event)
    act = recorded.act
    return {
        "get_event_link_for": (link.pk, 999_999),
        "get_evidence_for": (item.code, "EV-NOSUCH"),
        "get_import_draft_for": (draft.pk, "00000000-0000-4000-8000-000000000000"),
        "get_event_for": (recorded.event.code, "E-NOSUCH"),
        "get_act_for": (act.code, "A-NOSUCH"),
        "get_involvement_for": (act.involvements.get().pk, "7f1c7d0e-0000-4000-8000-000000000000"),
        "get_information_for": (act.information.get().pk, "not-a-uuid"),
        "get_person_for": (recorded.victim.code, "P-NOSUCH"),
        "get_person_link_for": (person_link.pk, "7f1c7d0e-0000-4000-8000-000000000000"),
        "get_statement_for": (statement.code, "S-NOSUCH"),
        "get_commitment_for": (commitment.code, "K-NOSUCH"),
        "get_term_for": (term("act_type", "L-FORCED-OUTING").pk, 999_999),
    }


def _intervention(desk: Desk) -> tuple[Any, Any]:
    from safepassage.documentation import sources
    from safepassage.documentation.models import Event

    with using_keyring(desk.vault.keyring):
        event = Event.objects.first()
        made = sources.record_intervention(
            desk.documenter,
            event=event,
            kind=term("intervention_type", "L-PROSECUTOR"),
            intervening_party="Our lawyer",
        )
    return made.pk, "00000000-0000-4000-8000-000000000000"


ACCESS_FUNCTIONS = sorted(
    name
    for name, function in inspect.getmembers(access, inspect.isfunction)
    if name.startswith("get_") and name.endswith("_for") and function.__module__ == access.__name__
)


def test_the_contract_covers_every_access_function() -> None:
    covered = {
        "get_act_for",
        "get_commitment_for",
        "get_event_for",
        "get_event_link_for",
        "get_evidence_for",
        "get_import_draft_for",
        "get_information_for",
        "get_intervention_for",
        "get_involvement_for",
        "get_person_for",
        "get_person_link_for",
        "get_statement_for",
        "get_term_for",
    }
    assert set(ACCESS_FUNCTIONS) == covered


@pytest.mark.django_db
@pytest.mark.parametrize("name", ACCESS_FUNCTIONS)
def test_an_outsider_gets_the_same_404_as_for_nothing(desk: Desk, name: str) -> None:
    targets = _records(desk)
    targets["get_intervention_for"] = _intervention(desk)
    function: Callable[..., Any] = getattr(access, name)
    present, missing = targets[name]
    # Those who may: a documenter with the keys (an administrator for terms).
    allowed: User = desk.org.admin if name == "get_term_for" else desk.documenter
    with using_keyring(keyring_of(allowed)):
        assert function(allowed, present) is not None
    # A caseworker holding the documentation keys but not the permission,
    # and a documenter without the keys.
    refused = [(desk.org.outsider, keyring_of(desk.org.outsider))]
    if name != "get_term_for":
        refused.append((desk.keyless, keyring_of(desk.keyless)))
    for user, keyring in refused:
        denied = AuditEntry.objects.filter(action="access.denied", actor=f"user:{user.pk}")
        before = denied.count()
        with using_keyring(keyring):
            for target in (present, missing):
                with pytest.raises(Http404):
                    function(user, target)
        assert denied.count() - before == 2
    # The one asking with every right gets the same 404 for nothing.
    with using_keyring(keyring_of(allowed)), pytest.raises(Http404):
        function(allowed, missing)


PAGES = [
    "/documentation/events/{event}/",
    "/documentation/events/{event}/edit/",
    "/documentation/events/{event}/sharing/",
    "/documentation/events/{event}/chain/",
    "/documentation/events/{event}/acts/new/",
    "/documentation/events/{event}/sources/new/",
    "/documentation/events/{event}/interventions/new/",
    "/documentation/acts/{act}/edit/",
    "/documentation/acts/{act}/statement/",
    "/documentation/acts/{act}/perpetrators/new/",
    "/documentation/involvements/{involvement}/edit/",
    "/documentation/sources/{information}/edit/",
    "/documentation/interventions/{intervention}/edit/",
    "/documentation/people/{person}/",
    "/documentation/people/{person}/edit/",
    "/documentation/people/{person}/links/",
    "/documentation/people/{person}/consent/",
    "/documentation/statements/{statement}/",
    "/documentation/statements/{statement}/edit/",
    "/documentation/promises/{commitment}/",
    "/documentation/promises/{commitment}/edit/",
]
LISTS = [
    "/documentation/",
    "/documentation/timeline/",
    "/documentation/events/new/",
    "/documentation/sources/",
    "/documentation/interventions/",
    "/documentation/statements/",
    "/documentation/promises/",
    "/documentation/promises/new/",
    "/documentation/people/",
]


@pytest.mark.django_db
def test_the_pages_answer_an_outsider_as_for_a_missing_record(desk: Desk) -> None:
    targets = _records(desk)
    targets["get_intervention_for"] = _intervention(desk)
    kinds = ("event", "act", "involvement", "information", "intervention", "person")
    kinds += ("statement", "commitment")
    codes = {kind: targets[f"get_{kind}_for"][0] for kind in kinds}
    nothing = {kind: targets[f"get_{kind}_for"][1] for kind in kinds}
    client = Client()
    sign_in(client, desk.documenter)
    for page in PAGES:
        assert client.get(page.format(**codes)).status_code == 200, page
    for page in LISTS:
        assert client.get(page).status_code == 200, page
    for outsider in (desk.org.outsider, desk.keyless):
        sign_in(client, outsider)
        for page in PAGES:
            forbidden = client.get(page.format(**codes))
            missing = client.get(page.format(**nothing))
            assert forbidden.status_code == missing.status_code == 404, page
            assert comparable(forbidden) == comparable(missing), page
        for page in LISTS:
            assert client.get(page).status_code == 404, page
    assert Statement.objects.count() == Commitment.objects.count() == 1
