"""What a documented person agreed to, recorded by a documenter on their
page (audited, the note sealed, the history kept, a stale form refused),
and the dossier's rule with it: an original goes only if every person
it concerns allowed originals; no consent recorded keeps it back (its
working copy goes); evidence that concerns nobody is not restricted. The
dossier page says which originals consent keeps back, and why, before
the export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from safepassage.audit.models import AuditEntry
from safepassage.documentation import consent, dossiers, evidence, statements
from safepassage.documentation.actions import Refused
from safepassage.documentation.models import Evidence, Operation, PersonConsent
from safepassage.vault import files
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, allow_originals, record_detention, term
from tests.documentation.evidence_files import photo_with_exif

PAGE = "/documentation/evidence/dossier/"


def _client(user: object) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _photo(desk: Desk, target: object) -> tuple[Evidence, Evidence]:
    staged = files.stage_bytes(photo_with_exif(), name="p.jpg", content_type="image/jpeg")
    photo = evidence.add_evidence(desk.documenter, staged, target=target)  # type: ignore[arg-type]
    return photo, evidence.make_working_copy(desk.documenter, photo, Operation.BLURRED)


@pytest.mark.django_db
def test_it_records_consent_from_the_persons_page(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        victim = record_detention(desk.documenter).victim
    client = _client(desk.documenter)
    url = f"/documentation/people/{victim.code}/"
    page = client.get(url).content.decode()
    assert "No consent has been recorded" in page
    assert f"{url}consent/" in page
    today = timezone.localdate().isoformat()
    answer = client.post(
        f"{url}consent/",
        {
            "consent-seen": "",
            "consent-testimony": "on",
            "consent-originals": "on",
            "consent-given_on": today,
            "consent-note": "Agreed at the safe flat, in Russian",
        },
    )
    assert answer.status_code == 302
    with using_keyring(desk.vault.keyring):
        stored = PersonConsent.objects.get(person=victim)
        assert (stored.testimony, stored.originals, stored.origin) == (True, True, "documenter")
        assert stored.note == "Agreed at the safe flat, in Russian"
    assert stored.recorded_by == desk.documenter
    entry = AuditEntry.objects.get(action="documentation.consent_recorded")
    assert entry.details == {
        "origin": "documenter",
        "testimony": True,
        "originals": True,
        "replaces": False,
    }
    page = client.get(url).content.decode()
    assert "Agreed at the safe flat, in Russian" in page
    assert "may be handed over" in page
    # Recorded again: the first record stays in the history, no longer current.
    form = {"consent-seen": stored.pk.hex, "consent-testimony": "on", "consent-given_on": today}
    assert client.post(f"{url}consent/", form).status_code == 302
    records = list(PersonConsent.objects.filter(person=victim).order_by("recorded_at"))
    assert [(r.current, r.originals) for r in records] == [(False, True), (True, False)]
    assert (
        AuditEntry.objects.filter(action="documentation.consent_recorded")
        .last()
        .details["replaces"]
    )
    # A form made before that change saves nothing.
    stale = client.post(f"{url}consent/", form)
    assert stale.status_code == 400
    assert "Someone recorded this person" in stale.content.decode()
    assert PersonConsent.objects.filter(person=victim).count() == 2


@pytest.mark.django_db
def test_bad_consent_is_refused_in_words_and_nothing_is_saved(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        victim = record_detention(desk.documenter).victim
    client = _client(desk.documenter)
    url = f"/documentation/people/{victim.code}/consent/"
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    future = client.post(
        url, {"consent-seen": "", "consent-testimony": "on", "consent-given_on": tomorrow}
    )
    assert future.status_code == 400
    assert "a day still to come" in future.content.decode()
    today = timezone.localdate().isoformat()
    originals_only = client.post(
        url, {"consent-seen": "", "consent-originals": "on", "consent-given_on": today}
    )
    assert originals_only.status_code == 400
    assert "only for someone whose testimony may be used" in originals_only.content.decode()
    no_day = client.post(
        url, {"consent-seen": "", "consent-testimony": "on", "consent-given_on": ""}
    )
    assert no_day.status_code == 400
    assert not PersonConsent.objects.exists()
    assert not AuditEntry.objects.filter(action="documentation.consent_recorded").exists()
    with using_keyring(desk.vault.keyring), pytest.raises(Refused):
        consent.record_consent(
            victim, by=desk.documenter, testimony=False, originals=True,
            given_on=timezone.localdate(),
        )  # fmt: skip


@pytest.mark.django_db
def test_only_those_who_record_may_record_consent(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        victim = record_detention(desk.documenter).victim
    url = f"/documentation/people/{victim.code}/consent/"
    today = timezone.localdate().isoformat()
    for user in (desk.keyless, desk.org.caseworker, desk.org.outsider):
        answer = _client(user).post(
            url, {"consent-seen": "", "consent-testimony": "on", "consent-given_on": today}
        )
        assert answer.status_code in (403, 404), user
    assert not PersonConsent.objects.exists()


@pytest.mark.django_db
def test_the_dossier_withholds_originals_without_consent(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
        photo, copy = _photo(desk, recorded.event)
        on_act, _copy = _photo(desk, recorded.act)
        denial = statements.record_statement(
            desk.documenter, speaker="A spokesman", quote="There are no such people.",
            stance=term("stance", "L-DENIES"), said_on=dt.date(2017, 4, 1),
        )  # fmt: skip
        capture, _ = _photo(desk, denial)
        originals = [photo, on_act, capture]
        # No consent recorded: the victim's originals stay back (fail
        # closed); the capture of the official's words concerns nobody.
        parts = dossiers.plan(originals, dossiers.ORIGINALS)
        assert [(p.item.code, p.ships, p.withheld) for p in parts[:3]] == [
            (photo.code, False, dossiers.WITHHELD_CONSENT),
            (copy.code, True, ""),
            (on_act.code, False, dossiers.WITHHELD_CONSENT),
        ]
        assert (parts[-1].item.code, parts[-1].ships) == (capture.code, True)
        # Working copies only: still kept back.
        consent.record_consent(
            recorded.victim, by=desk.documenter, testimony=True, originals=False,
            given_on=timezone.localdate(),
        )  # fmt: skip
        assert consent.withheld_for_consent(originals)[photo.pk].copies_only == [recorded.victim]
        assert capture.pk not in consent.withheld_for_consent(originals)
        # With the person's consent to originals, they go.
        allow_originals(desk.documenter, recorded.victim)
        parts = dossiers.plan(originals, dossiers.ORIGINALS)
        assert [(p.item.code, p.ships) for p in parts] == [
            (photo.code, True),
            (on_act.code, True),
            (capture.code, True),
        ]
        # Working copies chosen: nothing else changes.
        assert all(
            p.withheld in ("", dossiers.WITHHELD_CHOSEN)
            for p in dossiers.plan(originals, dossiers.COPIES)
        )


@pytest.mark.django_db
def test_the_dossier_page_says_what_consent_keeps_back(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
        photo, copy = _photo(desk, recorded.event)
    client = _client(desk.documenter)
    page = client.get(PAGE, {"records": recorded.event.code}).content.decode()
    assert photo.code in page
    assert "withheld for consent" in page
    assert f"{recorded.victim.code}: no consent recorded" in page
    assert f"its working copy {copy.code} goes" in page
    with using_keyring(desk.vault.keyring):
        allow_originals(desk.documenter, recorded.victim)
    answer = client.post(
        PAGE, {"records": recorded.event.code, "mode": "originals", "why": "", "preview": "1"}
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "withheld for consent" not in page
    assert "the original goes" in page
    assert not AuditEntry.objects.filter(action="documentation.dossier_exported").exists()
