"""The optional proof of work: bound to the story, checked by the server,
and never required (the form works without JavaScript)."""

from __future__ import annotations

import hashlib
import time

import pytest
import time_machine
from django.test import Client, override_settings

from safepassage.intake import proof
from safepassage.intake.models import Submission
from tests.base import Vault
from tests.intake.helpers import request_data

pytestmark = pytest.mark.django_db


def solve(challenge: str, story: str, bits: int) -> str:
    prefix = f"{challenge}:{proof.story_digest(story)}:"
    nonce = 0
    while proof.leading_zero_bits(hashlib.sha256(f"{prefix}{nonce}".encode()).digest()) < bits:
        nonce += 1
    return str(nonce)


@override_settings(INTAKE_PROOF_BITS=10)
def test_a_proof_is_checked_and_bound_to_the_story() -> None:
    challenge = proof.challenge()
    nonce = solve(challenge, "my story", 10)
    assert proof.verify(challenge, nonce, "my story")
    assert proof.verify(challenge, nonce, "  my story ")  # as the form cleans it
    assert not proof.verify(challenge, nonce, "another story")
    assert not proof.verify(challenge, "", "my story")
    forged = challenge.split(".")[0] + ".000000000000000000000000"
    assert not proof.verify(forged, solve(forged, "my story", 10), "my story")


@override_settings(INTAKE_PROOF_BITS=8)
def test_a_proof_expires() -> None:
    with time_machine.travel(time.time() - 3600):
        old = proof.challenge()
    assert not proof.verify(old, solve(old, "story", 8), "story")


def test_off_means_no_proof_counts() -> None:
    challenge = proof.challenge()
    assert not proof.verify(challenge, "1", "story")


@override_settings(INTAKE_PROOF_BITS=8, INTAKE_FLOOD_PER_MINUTE=1)
def test_proven_requests_are_not_listed_with_the_flood(vault: Vault) -> None:
    page = Client().get("/request/").content.decode()
    assert 'data-proof-bits="8"' in page
    assert '<script src="/static/js/proof.js"></script>' in page
    challenge = page.split('name="proof_challenge" value="', 1)[1].split('"', 1)[0]
    Client().post("/request/", request_data(happened="first story"))  # fills the minute
    story = "second story"
    proven = request_data(
        happened=story, proof_challenge=challenge, proof_nonce=solve(challenge, story, 8)
    )
    assert Client().post("/request/", proven).status_code == 200
    assert Client().post("/request/", request_data(happened="third story")).status_code == 200
    assert sorted(Submission.objects.values_list("flood", flat=True)) == [False, False, True]
