"""Handing a person's testimony over to the documentation: refused without
their consent to testimony (nothing made), allowed with it, or with an
override that needs its own permission and a written reason (audited);
the person becomes a pseudonymous victim there (no name, no case: not in
any documentation row nor page), the case keeps the code sealed, and the
dossier hands over the originals about them only if they agreed to it."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEntry
from safepassage.cases.consent import (
    OverrideRefused,
    consent_state,
    tell_documentation,
    withdraw_consent,
)
from safepassage.cases.models import Consent, ConsentKind, ConsentOverride, HandedOverTestimony
from safepassage.cases.testimony import hand_over_testimony
from safepassage.documentation import dossiers, evidence
from safepassage.documentation.actions import record_act
from safepassage.documentation.models import Person as DocumentedPerson
from safepassage.documentation.models import PersonConsent
from safepassage.vault import files
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of, make_user, sign_in
from tests.cases.sharing import consent, household
from tests.documentation.conftest import record_detention, term
from tests.documentation.evidence_files import photo_with_exif

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _url(case: object, person: object, what: str = "") -> str:
    return f"/cases/{case.code}/people/{person.pk}/{what}"  # type: ignore[attr-defined]


def _testimony(org: Organisation, case: object) -> None:
    consent(org.caseworker, case, None, kind=ConsentKind.TESTIMONY, scope=["narrative"])  # type: ignore[arg-type]


def test_it_refuses_without_consent_and_makes_nothing(org: Organisation, vault: Vault) -> None:
    case = household(org)
    principal = case.people.get(position=0)
    client = _client(org.coordinator)
    page = html.unescape(client.get(_url(case, principal)).content.decode())
    assert "They have not agreed to testimony for documentation" in page
    answer = client.post(_url(case, principal, "testimony/"), {"testimony-originals": "on"})
    assert answer.status_code == 302
    page = html.unescape(client.get(answer["Location"]).content.decode())
    assert "has not agreed to testimony for documentation" in page
    assert "nothing was handed over" in page
    assert not HandedOverTestimony.objects.exists()
    assert not DocumentedPerson.objects.exists()
    assert not PersonConsent.objects.exists()
    refusal = AuditEntry.objects.get(action="case.consent_refused")
    assert refusal.details["sharing"] == "testimony"
    # A consent withdrawn is no consent.
    (given,) = consent(org.caseworker, case, None, kind=ConsentKind.TESTIMONY, scope=["narrative"],
                       people=[0])  # fmt: skip
    withdraw_consent(given, on=timezone.localdate(), by=org.caseworker)
    client.post(_url(case, principal, "testimony/"), {})
    assert not HandedOverTestimony.objects.exists()
    assert not DocumentedPerson.objects.exists()


def test_it_hands_over_a_pseudonymous_victim_with_the_consent(
    org: Organisation, vault: Vault
) -> None:
    case = household(org)
    _testimony(org, case)
    principal = case.people.get(position=0)
    client = _client(org.coordinator)  # who holds no key of the documentation
    answer = client.post(_url(case, principal, "testimony/"), {"testimony-originals": "on"})
    assert answer.status_code == 302
    handover = HandedOverTestimony.objects.get()
    assert (handover.person, handover.originals, handover.override) == (principal, True, None)
    assert handover.consent is not None
    with using_keyring(keyring_of(org.coordinator)):
        code = HandedOverTestimony.objects.get().documentation_code
    assert code.encode() not in bytes(handover.documentation_code_sealed)
    victim = DocumentedPerson.objects.get()
    assert victim.code == code
    recorded = PersonConsent.objects.get(person=victim)
    assert (recorded.testimony, recorded.originals, recorded.origin) == (True, True, "casework")
    assert recorded.given_on == handover.consent.given_on
    # Each side's audit entry names its own: the case here, the code there.
    here = AuditEntry.objects.get(action="case.testimony_handed_over")
    assert here.target == f"case:{case.pk}"
    assert here.details["originals"] is True
    there = AuditEntry.objects.get(action="documentation.consent_recorded")
    assert there.target.endswith(str(victim.pk))
    assert str(case.pk) not in str(there.details) + there.target
    # The person's page shows the code; a second hand-over is refused.
    page = html.unescape(client.get(_url(case, principal)).content.decode())
    assert f"the pseudonymous victim {code}" in page
    assert "Hand over testimony to documentation" not in page
    with using_keyring(keyring_of(org.coordinator)), pytest.raises(Exception, match="already"):
        hand_over_testimony(principal, by=org.coordinator, originals=False)
    assert DocumentedPerson.objects.count() == 1


def test_the_documentation_never_learns_who_or_which_case(org: Organisation, vault: Vault) -> None:
    case = household(org)
    _testimony(org, case)
    principal = case.people.get(position=0)
    with using_keyring(keyring_of(org.coordinator)):
        handover = hand_over_testimony(principal, by=org.coordinator, originals=False)
        code = handover.documentation_code
    documenter = make_user("doc", Role.DOCUMENTER, teams=(org.other_team,))
    vault_keys.grant(vault.keyring, "documentation", documenter.pk, by="cli")
    with using_keyring(keyring_of(documenter)):
        victim = DocumentedPerson.objects.get(code=code)
        assert victim.name == code
        assert not any(
            getattr(victim, name) for name in ("other_names", "born", "contact", "description")
        )
        assert PersonConsent.objects.get(person=victim).note is None
    client = _client(documenter)
    page = html.unescape(client.get(f"/documentation/people/{code}/").content.decode())
    # Its name is its code: the title says it once.
    title = re.search(r"<h1>\s*<code>([^<]+)</code>\s*</h1>", page)
    assert title is not None
    assert title.group(1) == code
    # Found by its code (it has no name to search by).
    found = client.get("/documentation/people/", {"q": code.lower()}).content.decode()
    assert f"/documentation/people/{code}/" in found
    assert "handed over from casework" in page
    forbidden = ["Zelim", "Daudov", case.code, str(case.pk), str(principal.pk), principal.pk.hex]
    for word in forbidden:
        assert word not in page, word
    # Nor in any row of the documentation's tables (plaintext or not).
    with connection.cursor() as cursor:
        tables = [
            t for t in connection.introspection.table_names() if t.startswith("documentation_")
        ]
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (names from the schema)
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                for word in forbidden:
                    assert word not in text, (table, word)


def test_an_override_needs_its_permission_and_a_reason(org: Organisation, vault: Vault) -> None:
    case = household(org)
    principal = case.people.get(position=0)
    # A caseworker does not hand over at all; one who may not override gets no override.
    answer = _client(org.caseworker).post(
        _url(case, principal, "testimony/"), {"testimony-override_reason": "urgent"}
    )
    assert answer.status_code == 404
    with using_keyring(keyring_of(org.caseworker)), pytest.raises(OverrideRefused):
        hand_over_testimony(principal, by=org.caseworker, originals=True, override_reason="x")
    assert not DocumentedPerson.objects.exists()
    assert not ConsentOverride.objects.exists()
    # With the permission and a reason: handed over, originals never.
    client = _client(org.coordinator)
    reason = "Detained again; the OSCE rapporteur needs the account this week"
    answer = client.post(
        _url(case, principal, "testimony/"),
        {"testimony-originals": "on", "testimony-override_reason": reason},
    )
    assert answer.status_code == 302
    override = ConsentOverride.objects.get()
    assert override.purpose == ConsentKind.TESTIMONY
    assert override.lacking == [str(principal.pk)]
    assert reason.encode() not in bytes(override.reason_sealed)
    handover = HandedOverTestimony.objects.get()
    assert (handover.override, handover.originals, handover.consent) == (override, False, None)
    audited = AuditEntry.objects.get(action="case.consent_overridden")
    assert audited.details["consent"] == "testimony"
    assert AuditEntry.objects.get(action="case.testimony_handed_over").details["override"] == str(
        override.pk
    )
    recorded = PersonConsent.objects.get()
    assert (recorded.origin, recorded.originals) == ("override", False)


def test_the_dossier_follows_the_consent_handed_over(org: Organisation, vault: Vault) -> None:
    """Consent enforced when a case's testimony becomes documentation."""
    case = household(org)
    _testimony(org, case)
    principal, sister = case.people.order_by("position")
    with using_keyring(keyring_of(org.coordinator)):
        agreed = hand_over_testimony(principal, by=org.coordinator, originals=True)
        copies_only = hand_over_testimony(sister, by=org.coordinator, originals=False)
    documenter = make_user("doc", Role.DOCUMENTER, teams=(org.other_team,))
    vault_keys.grant(vault.keyring, "documentation", documenter.pk, by="cli")
    with using_keyring(keyring_of(documenter)):
        found = {}
        for handover in (agreed, copies_only):
            victim = DocumentedPerson.objects.get(code=handover.documentation_code)
            event = record_detention(documenter).event
            act = record_act(documenter, event=event, victim=victim,
                             act_type=term("act_type", "L-ARBITRARY-DETENTION"))  # fmt: skip
            staged = files.stage_bytes(photo_with_exif(), name="p.jpg", content_type="image/jpeg")
            found[handover.pk] = evidence.add_evidence(documenter, staged, target=act)
        parts = dossiers.plan(list(found.values()), dossiers.ORIGINALS)
    shipped = {part.item.pk: (part.ships, part.withheld) for part in parts}
    assert shipped[found[agreed.pk].pk] == (True, "")
    assert shipped[found[copies_only.pk].pk] == (False, dossiers.WITHHELD_CONSENT)


def test_a_withdrawal_after_the_hand_over_reaches_the_documentation(
    org: Organisation, vault: Vault
) -> None:
    """Their victim's consent there becomes "nothing" (no testimony, no
    originals): at once when the one who withdraws holds the casework keys
    (the victim's code is sealed to casework), else from the person's page
    by someone who does."""
    case = household(org)
    (given,) = consent(org.caseworker, case, None, kind=ConsentKind.TESTIMONY, scope=["narrative"],
                       people=[0])  # fmt: skip
    principal = case.people.get(position=0)
    with using_keyring(keyring_of(org.coordinator)):
        code = hand_over_testimony(principal, by=org.coordinator, originals=True).documentation_code
    victim = DocumentedPerson.objects.get(code=code)
    # A caseworker of the team who records consent but holds no casework key.
    keyless = make_user("keyless", Role.CASEWORKER, teams=(org.team,))
    day = timezone.localdate()
    answer = _client(keyless).post(
        f"/cases/{case.code}/consent/{given.pk}/withdraw/",
        {f"withdraw-{given.pk.hex}-withdrawn_on": day.isoformat()},
        follow=True,
    )
    page = html.unescape(answer.content.decode())
    assert "The consent was withdrawn." in page
    assert "The documentation has not been told of the withdrawal" in page
    handover = HandedOverTestimony.objects.get()
    assert (handover.withdrawn_on, handover.withdrawal_told) == (day, False)
    current = PersonConsent.objects.get(person=victim, current=True)
    assert (current.testimony, current.originals) == (True, True)  # not told yet
    client = _client(org.coordinator)
    page = html.unescape(client.get(_url(case, principal)).content.decode())
    assert "the documentation has not been told yet" in page
    answer = client.post(_url(case, principal, "testimony/tell/"), follow=True)
    page = html.unescape(answer.content.decode())
    assert "The documentation was told" in page
    assert "and the documentation was told" in page
    # What they agreed to at the hand-over is not said as if it still held.
    assert "They agreed that the originals of evidence about them may be handed over" not in page
    current = PersonConsent.objects.get(person=victim, current=True)
    assert (current.testimony, current.originals, current.origin) == (False, False, "withdrawn")
    assert current.given_on == day
    assert PersonConsent.objects.filter(person=victim).count() == 2  # the first one kept
    told = AuditEntry.objects.get(action="case.testimony_withdrawal_told")
    assert told.target == f"case:{case.pk}"
    there = AuditEntry.objects.filter(action="documentation.consent_recorded").last()
    assert there is not None
    assert str(case.pk) not in str(there.details) + there.target
    # Told once: asking again changes nothing.
    client.post(_url(case, principal, "testimony/tell/"))
    assert PersonConsent.objects.filter(person=victim).count() == 2
    # Withdrawn by someone who holds the keys, it is told at once.
    other = household(org)
    (again,) = consent(org.caseworker, other, None, kind=ConsentKind.TESTIMONY,
                       scope=["narrative"], people=[0])  # fmt: skip
    person = other.people.get(position=0)
    with using_keyring(keyring_of(org.coordinator)):
        second = hand_over_testimony(person, by=org.coordinator, originals=True)
        withdraw_consent(again, on=day, by=org.coordinator)
        second_code = second.documentation_code
    second.refresh_from_db()
    assert second.withdrawal_told
    now = PersonConsent.objects.get(person__code=second_code, current=True)
    assert (now.testimony, now.originals) == (False, False)
    documenter = make_user("doc", Role.DOCUMENTER, teams=(org.other_team,))
    vault_keys.grant(vault.keyring, "documentation", documenter.pk, by="cli")
    page = html.unescape(
        _client(documenter).get(f"/documentation/people/{second_code}/").content.decode()
    )
    assert "withdrawn in casework" in page


def _give_again(client: Client, case: object, person: object) -> str:
    """Record, on the case's consent page, their consent to testimony."""
    answer = client.post(
        f"/cases/{case.code}/consent/record/",  # type: ignore[attr-defined]
        {
            "consent-person": str(person.pk),  # type: ignore[attr-defined]
            "consent-kind": "testimony",
            "consent-scope": ["narrative"],
            "consent-given_on": timezone.localdate().isoformat(),
            "consent-method": "in_person",
            "consent-explanation": "What the documentation would hold, and that they can say no.",
            "consent-seen": consent_state(case),  # type: ignore[arg-type]
        },
        follow=True,
    )
    assert answer.status_code == 200
    return html.unescape(answer.content.decode())


def test_a_consent_given_again_after_a_withdrawal_reaches_the_documentation(
    org: Organisation, vault: Vault
) -> None:
    """Their victim there may be documented from their testimony again,
    with working copies only (casework does not ask about originals): at
    once when the one who records it holds the casework keys, else from
    the person's page. A withdrawal after it is told again."""
    case = household(org)
    (given,) = consent(org.caseworker, case, None, kind=ConsentKind.TESTIMONY, scope=["narrative"],
                       people=[0])  # fmt: skip
    principal = case.people.get(position=0)
    day = timezone.localdate()
    with using_keyring(keyring_of(org.coordinator)):
        code = hand_over_testimony(principal, by=org.coordinator, originals=True).documentation_code
        withdraw_consent(given, on=day, by=org.coordinator)
    victim = DocumentedPerson.objects.get(code=code)
    assert PersonConsent.objects.get(person=victim, current=True).origin == "withdrawn"
    # Given again, recorded by a caseworker who holds no casework key.
    keyless = make_user("keyless", Role.CASEWORKER, teams=(org.team,))
    page = _give_again(_client(keyless), case, principal)
    assert "The consent was recorded." in page
    assert "has not been told that they gave their consent again" in page
    handover = HandedOverTestimony.objects.get()
    assert (handover.given_again_on, handover.given_again_told) == (day, False)
    assert handover.withdrawn_on is None
    assert PersonConsent.objects.get(person=victim, current=True).origin == "withdrawn"
    client = _client(org.coordinator)
    page = html.unescape(client.get(_url(case, principal)).content.decode())
    assert "They gave their consent to testimony again" in page
    assert "the documentation has not been told yet" in page
    assert "They withdrew their consent" not in page  # the latest is what is said
    answer = client.post(_url(case, principal, "testimony/tell/"), follow=True)
    page = html.unescape(answer.content.decode())
    assert "their victim there may be documented from their testimony again" in page
    assert "and the documentation was told" in page
    current = PersonConsent.objects.get(person=victim, current=True)
    assert (current.testimony, current.originals, current.origin) == (True, False, "casework")
    assert current.given_on == day
    assert PersonConsent.objects.filter(person=victim).count() == 3  # the history kept
    told = AuditEntry.objects.get(action="case.testimony_consent_given_again_told")
    assert told.target == f"case:{case.pk}"
    there = AuditEntry.objects.filter(action="documentation.consent_recorded").last()
    assert there is not None
    assert str(case.pk) not in str(there.details) + there.target
    # Told once; recording the same consent again tells nothing more.
    client.post(_url(case, principal, "testimony/tell/"))
    page = _give_again(client, case, principal)
    assert "documentation" not in page.split("The consent was recorded.")[1].split("<")[0]
    assert PersonConsent.objects.filter(person=victim).count() == 3
    # Withdrawn again by someone who holds the keys: told at once.
    again = Consent.objects.get(person=principal, kind="testimony", superseded_by=None)
    with using_keyring(keyring_of(org.coordinator)):
        withdraw_consent(again, on=day, by=org.coordinator)
    handover.refresh_from_db()
    assert (handover.withdrawn_on, handover.withdrawal_told, handover.given_again_on) == (
        day, True, None,
    )  # fmt: skip
    current = PersonConsent.objects.get(person=victim, current=True)
    assert (current.testimony, current.origin) == (False, "withdrawn")


def test_a_consent_given_after_a_hand_over_under_an_override_reaches_the_documentation(
    org: Organisation, vault: Vault
) -> None:
    case = household(org)
    principal = case.people.get(position=0)
    with using_keyring(keyring_of(org.coordinator)):
        handover = hand_over_testimony(
            principal, by=org.coordinator, originals=False, override_reason="Detained again"
        )
        code = handover.documentation_code
    victim = DocumentedPerson.objects.get(code=code)
    assert PersonConsent.objects.get(person=victim, current=True).origin == "override"
    page = _give_again(_client(org.coordinator), case, principal)
    assert "their victim there may be documented from their testimony again" in page
    current = PersonConsent.objects.get(person=victim, current=True)
    assert (current.testimony, current.originals, current.origin) == (True, False, "casework")
    handover.refresh_from_db()
    assert handover.given_again_told
    # Once: a consent recorded later changes nothing there.
    _give_again(_client(org.coordinator), case, principal)
    assert PersonConsent.objects.filter(person=victim).count() == 2


def test_a_change_replaced_meanwhile_is_not_told(org: Organisation, vault: Vault) -> None:
    """Someone presses "Tell the documentation" on a page read before the
    consent was given again: the withdrawal it showed is not told over
    the newer change, which is told instead when asked again."""
    case = household(org)
    (given,) = consent(org.caseworker, case, None, kind=ConsentKind.TESTIMONY, scope=["narrative"],
                       people=[0])  # fmt: skip
    principal = case.people.get(position=0)
    with using_keyring(keyring_of(org.coordinator)):
        code = hand_over_testimony(principal, by=org.coordinator, originals=True).documentation_code
    keyless = make_user("keyless", Role.CASEWORKER, teams=(org.team,))
    day = timezone.localdate()
    with using_keyring(keyring_of(keyless)):
        withdraw_consent(given, on=day, by=keyless)
    stale = HandedOverTestimony.objects.get()
    assert stale.withdrawal_untold
    _give_again(_client(keyless), case, principal)  # untold too: no casework key
    with using_keyring(keyring_of(org.coordinator)):
        assert not tell_documentation(stale, by=org.coordinator)
        assert PersonConsent.objects.filter(person__code=code).count() == 1  # nothing told
        assert tell_documentation(HandedOverTestimony.objects.get(), by=org.coordinator)
    current = PersonConsent.objects.get(person__code=code, current=True)
    assert (current.testimony, current.originals, current.origin) == (True, False, "casework")
