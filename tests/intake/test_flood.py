"""A flood of cheap requests uses up the budget of requests without a proof
of work, and only that one: a person whose browser proves gets through,
and a person without JavaScript gets the form back with everything they
typed and what to do. No sender is tracked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from safepassage.intake.models import RateWindow, Submission
from tests.intake.helpers import JPEG, as_posted, form_values, request_data
from tests.intake.test_proof import proven

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault", "_one_minute")]


@pytest.fixture
def _one_minute() -> Iterator[None]:
    """Every test runs within one minute, as a burst of requests does."""
    with time_machine.travel(1_900_000_000.0, tick=False):
        yield


FLOOD = override_settings(INTAKE_PROOF_BITS=8, INTAKE_MAX_PER_MINUTE=3, INTAKE_FLOOD_PER_MINUTE=2)

TYPED = {
    "lang": "en",
    "name": "Zarema",
    "happened": "They came at night.\r\nMy brother was taken & beaten; <he> is still gone.",
    "help": "Shelter for two, then a visa.",
    "situation": ["hiding", "family"],
    "contact_method": "telegram",
    "contact_handle": "@zarema_k",
    "contact_method_2": "email",
    "contact_handle_2": "z@example.org",
    "area": "caucasus",
    "place": "Nalchik",
    "household": "2",
    "household_notes": "my mother\r\nmy son",
}


def _flood(count: int = 20) -> list[int]:
    return [Client().post("/request/", request_data()).status_code for _ in range(count)]


@FLOOD
def test_a_proven_request_gets_through_a_flood() -> None:
    answers = _flood()
    assert answers[:3] == [200, 200, 200]
    assert set(answers[3:]) == {429}
    for _ in range(3):
        assert Client().post("/request/", proven()).status_code == 200
    # Only the third cheap one was over the flood rate; proven ones never are.
    assert sorted(Submission.objects.values_list("flood", flat=True)) == [False] * 5 + [True]
    # Counts for everyone together, and spent proofs: nothing about a sender.
    names = set(RateWindow.objects.values_list("name", flat=True))
    assert {name for name in names if not name.startswith("intake:proof:")} == {
        "intake:requests",
        "intake:requests:proven",
    }


@FLOOD
def test_without_javascript_the_form_comes_back_with_everything_typed() -> None:
    _flood(5)
    stored = Submission.objects.count()
    photo = SimpleUploadedFile("summons.jpg", JPEG + b"summons")
    response = Client().post("/request/", {**TYPED, "attachments": photo})
    html = response.content.decode()
    assert response.status_code == 429
    assert "we are receiving very many requests right now" in html
    assert "Nothing you wrote is lost" in html
    assert "The files you attached were not kept: please choose them again." in html
    assert "Wait a minute, then press “Send my request” again." in html
    assert "If your browser runs JavaScript on this page" in html
    shown = form_values(html)
    # Sent again as shown, the form says all that was typed, with a new challenge.
    assert {key: shown[key] for key in TYPED} == as_posted(TYPED)
    assert shown["proof_challenge"] != [""]
    assert shown["proof_nonce"] == [""]
    assert Submission.objects.count() == stored
    staging = Path(settings.FILES_DIR) / "staging"
    assert list(staging.glob("*")) == []


@FLOOD
def test_the_form_comes_back_in_the_person_s_language() -> None:
    _flood(5)
    response = Client().post("/request/", {**TYPED, "lang": "ru"})
    html = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="ru">' in html
    assert "Ничего из написанного вами не потеряно" in html
    assert form_values(html)["happened"] == [TYPED["happened"]]


@FLOOD
def test_without_a_flood_a_request_needs_no_proof() -> None:
    assert Client().post("/request/", request_data()).status_code == 200
    assert Submission.objects.get().flood is False


@override_settings(INTAKE_MAX_PER_MINUTE=2)
def test_a_refused_request_costs_no_sealing() -> None:
    _flood(2)
    with CaptureQueriesContext(connection) as queries:
        assert Client().post("/request/", request_data()).status_code == 429
    # Counted and refused before anything is sealed: the intake key is not even read.
    assert not any("vault_compartmentkey" in query["sql"] for query in queries.captured_queries)
