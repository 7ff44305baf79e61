"""The status box: it offers only what a request may become, and a request
with a case stays "case opened" (saving the box unchanged, or sending any
other status, leaves it where it is and says why)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from safepassage.intake import actions
from safepassage.intake.models import Status, Submission
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of, sign_in
from tests.intake.helpers import send_request

pytestmark = pytest.mark.django_db


def _request() -> Submission:
    send_request()
    return Submission.objects.order_by("-received_on", "-code").first()  # type: ignore[return-value]


def _status_options(html: str) -> list[str]:
    box = html.split('id="id_status"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"', box)


def test_it_keeps_a_request_with_a_case_in_case_opened(org: Organisation, vault: Vault) -> None:
    submission = _request()
    client = Client()
    sign_in(client, org.coordinator)
    client.post(f"/intake/{submission.code}/open-case/")
    page = client.get(f"/intake/{submission.code}/").content.decode()
    assert 'id="id_status"' not in page  # nothing to choose
    assert "its status stays “case opened”" in page

    # What the old box sent when saved unchanged: "new" was its first option.
    response = client.post(f"/intake/{submission.code}/status/", {"status": "new", "reason": ""})
    assert response.status_code == 400
    assert "This request has a case" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.CASE
    assert submission.case is not None
    inbox = client.get("/intake/?view=open").content.decode()
    assert submission.code not in inbox


def test_the_action_refuses_to_move_a_request_with_a_case(org: Organisation, vault: Vault) -> None:
    submission = _request()
    with using_keyring(keyring_of(org.coordinator)):
        actions.open_case_from(submission, by=org.coordinator)
    for status in (Status.NEW, Status.TRIAGED, Status.SPAM, Status.CLOSED):
        with pytest.raises(actions.TriageRefused, match="has a case"):
            actions.set_status(submission, status, by=org.coordinator)
    assert Submission.objects.get(pk=submission.pk).status == Status.CASE


def test_case_opened_is_reached_only_by_opening_a_case(org: Organisation, vault: Vault) -> None:
    submission = _request()
    client = Client()
    sign_in(client, org.coordinator)
    page = client.get(f"/intake/{submission.code}/").content.decode()
    assert _status_options(page) == ["new", "triaged", "spam", "duplicate", "closed"]
    response = client.post(f"/intake/{submission.code}/status/", {"status": "case"})
    assert response.status_code == 400
    assert "only by opening a case" in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).status == Status.NEW


def test_saving_the_box_unchanged_keeps_the_status_and_reason(
    org: Organisation, vault: Vault
) -> None:
    submission = _request()
    client = Client()
    sign_in(client, org.coordinator)
    client.post(f"/intake/{submission.code}/status/", {"status": "closed", "reason": "resolved"})
    page = client.get(f"/intake/{submission.code}/").content.decode()
    assert re.search(r'<option value="closed"[^>]* selected>', page)
    assert re.search(r'<option value="resolved"[^>]* selected>', page)
