"""The staff inbox: sorted by urgency and age, unread markers, triage
actions, duplicate and infiltration signals, opening a case. Audited."""

from __future__ import annotations

import pytest
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.cases.models import Case
from safepassage.intake.models import Status, Submission
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of, sign_in
from tests.intake.helpers import send_request

pytestmark = pytest.mark.django_db


def _code(**overrides: object) -> str:
    before = set(Submission.objects.values_list("code", flat=True))
    send_request(**overrides)
    (code,) = set(Submission.objects.values_list("code", flat=True)) - before
    return code


def test_the_inbox_is_for_intake_members_only(org: Organisation, vault: Vault) -> None:
    code = _code()
    client = Client()
    sign_in(client, org.caseworker)  # no triage permission
    assert client.get("/intake/").status_code == 404
    assert client.get(f"/intake/{code}/").status_code == 404
    sign_in(client, org.admin)  # no intake compartment
    assert client.get("/intake/").status_code == 404
    sign_in(client, org.coordinator)
    assert client.get("/intake/").status_code == 200
    assert client.get("/intake/R-NOSUCH/").status_code == 404


def test_urgent_requests_come_first_and_unread_ones_are_marked(
    org: Organisation, vault: Vault
) -> None:
    calm = _code(situation=[])
    urgent = _code(situation=["immediate"])
    client = Client()
    sign_in(client, org.coordinator)
    html = client.get("/intake/").content.decode()
    assert html.index(urgent) < html.index(calm)
    assert html.count("unread") >= 2
    client.get(f"/intake/{urgent}/")
    html = client.get("/intake/").content.decode()
    row = html.split(urgent, 1)[1].split("</tr>", 1)[0]
    assert "unread" not in row


def test_requests_arriving_in_a_flood_go_after_the_others(org: Organisation, vault: Vault) -> None:
    genuine = _code(situation=["immediate"])
    flooded = _code(situation=["immediate"])
    Submission.objects.filter(code=flooded).update(flood=True)
    client = Client()
    sign_in(client, org.coordinator)
    html = client.get("/intake/").content.decode()
    assert html.index(genuine) < html.index(flooded)
    assert "arrived during a flood" in html


def test_the_same_contact_in_two_requests_and_a_case_is_flagged(
    org: Organisation, vault: Vault
) -> None:
    first = _code(contact_handle="@amina_k")
    client = Client()
    sign_in(client, org.coordinator)
    client.post(f"/intake/{first}/open-case/")
    second = _code(contact_method="telegram", contact_handle="  @Amina_K ", happened="Other words.")
    html = client.get(f"/intake/{second}/").content.decode()
    case = Case.objects.get()
    assert "The same contact handle appears in request(s):" in html
    assert first in html
    assert case.code in html


def test_a_repeated_story_is_flagged(org: Organisation, vault: Vault) -> None:
    story = (
        "I was detained for three days in the basement of the police station in the "
        "Staropromyslovsky district and they beat me and demanded names of my friends"
    )
    first = _code(happened=story, contact_handle="+7 900 111 11 11")
    second = _code(happened=story + " please help", contact_handle="+7 900 222 22 22")
    client = Client()
    sign_in(client, org.coordinator)
    html = client.get(f"/intake/{second}/").content.decode()
    assert "A nearly identical story was sent in:" in html
    assert first in html
    other = _code(happened="Completely different account of events.", contact_handle="+1 555")
    assert "nearly identical" not in client.get(f"/intake/{other}/").content.decode()


def test_triage_actions_are_saved_and_audited(org: Organisation, vault: Vault) -> None:
    code = _code()
    original = _code(contact_handle="+7 999 999 99 99")
    client = Client()
    sign_in(client, org.coordinator)
    assert client.post(f"/intake/{code}/tags/", {"new_tag": "needs-visa"}).status_code == 302
    assert client.post(f"/intake/{code}/assign/", {"user": org.coordinator.pk}).status_code == 302
    bad = client.post(f"/intake/{code}/status/", {"status": "duplicate", "duplicate_of": ""})
    assert bad.status_code == 400
    response = client.post(
        f"/intake/{code}/status/",
        {"status": "duplicate", "reason": "same-person", "duplicate_of": original.lower()},
    )
    assert response.status_code == 302
    submission = Submission.objects.get(code=code)
    assert submission.status == Status.DUPLICATE
    assert submission.duplicate_of.code == original  # type: ignore[union-attr]
    with using_keyring(keyring_of(org.coordinator)):  # tag names are sealed
        assert [tag.name for tag in submission.tags.all()] == ["needs-visa"]
    assert submission.assigned_to == org.coordinator
    client.post(f"/intake/{original}/status/", {"status": "spam", "reason": "advertising"})
    assert Submission.objects.get(code=original).status == Status.SPAM
    actions = list(
        AuditEntry.objects.filter(action__startswith="intake.").values_list("action", flat=True)
    )
    for expected in ("intake.tagged", "intake.assigned", "intake.status_changed"):
        assert expected in actions
    client.get(f"/intake/{code}/")
    assert AuditEntry.objects.filter(
        action="intake.viewed", target=f"submission:{submission.pk}"
    ).exists()


def test_opening_a_case_keeps_every_field(org: Organisation, vault: Vault) -> None:
    code = _code(
        name="Zelim",
        place="Argun",
        household="2",
        household_notes="mother and brother",
        contact_method_2="email",
        contact_handle_2="zelim@example.org",
    )
    client = Client()
    sign_in(client, org.coordinator)
    response = client.post(f"/intake/{code}/open-case/")
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.code}/"
    with using_keyring(keyring_of(org.coordinator)):
        submission = Submission.objects.get(code=code)
        payload = submission.payload
        case = Case.objects.get()
        principal, *members = case.people.order_by("position")
        identity = principal.identity
        assert identity.name == "Zelim"
        assert [(c.method, c.handle) for c in identity.contacts] == [
            (c.kind, c.handle) for c in payload.contacts
        ]
        assert (identity.location.area, identity.location.place) == ("chechnya", "Argun")
        assert [member.role for member in members] == ["member", "member"]
        assert case.household_notes == "mother and brother"
        assert payload.happened in case.narrative
        assert payload.help in case.narrative
        assert ("request.situation", ["hiding"]) in [(a.question, a.values) for a in case.answers]
    assert submission.status == Status.CASE
    assert submission.case == case
    page = client.get(f"/cases/{case.code}/").content.decode()
    assert "Zelim" in page
    assert "They took my brother" in page
    # Cases belong to a team; a caseworker of no team (and not the opener) sees none.
    sign_in(client, org.caseworker)
    assert client.get(f"/cases/{case.code}/").status_code == 404  # not their team yet
    assert AuditEntry.objects.filter(action="intake.case_opened").count() == 1


def test_a_staff_member_downloads_an_attachment(org: Organisation, vault: Vault) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.intake.helpers import JPEG

    send_request(attachments=[SimpleUploadedFile("photo.jpg", JPEG + b"bruises")])
    submission = Submission.objects.get()
    attachment = submission.attachments.get()
    client = Client()
    sign_in(client, org.coordinator)
    html = client.get(f"/intake/{submission.code}/").content.decode()
    assert "photo.jpg" in html
    response = client.get(f"/intake/{submission.code}/files/{attachment.pk}/")
    # The clean copy: the same picture, encoded again, nothing after it.
    photo = b"".join(response.streaming_content)
    assert photo.startswith(b"\xff\xd8\xff")
    assert b"bruises" not in photo
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="photo.jpg"'
    assert AuditEntry.objects.filter(action="intake.file_downloaded").count() == 1


def test_the_inbox_flags_shared_contacts_in_a_few_queries(
    org: Organisation, vault: Vault, django_assert_max_num_queries: object
) -> None:
    for n in range(12):
        _code(contact_handle=f"+7 900 000 00 {n % 6:02d}")  # six pairs
    lonely = _code(contact_handle="+7 911 111 11 11")
    client = Client()
    sign_in(client, org.coordinator)
    client.get("/intake/")  # indexes the new requests
    with django_assert_max_num_queries(40):  # type: ignore[operator]
        html = client.get("/intake/").content.decode()
    assert html.count("same contact elsewhere") == 12
    row = html.split(lonely, 1)[1].split("</tr>", 1)[0]
    assert "same contact elsewhere" not in row
