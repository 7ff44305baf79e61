"""The proof of work: made by this server, spent once, as hard as the
moment asks, and never required (the form works without JavaScript)."""

from __future__ import annotations

import hashlib
import time

import pytest
import time_machine
from django.test import Client, override_settings

from safepassage.intake import limits, proof
from safepassage.intake.models import RateWindow, Submission
from tests.base import Vault
from tests.intake.helpers import request_data

pytestmark = pytest.mark.django_db


def solve(challenge: str) -> str:
    """What the form's script does, in Python."""
    bits = proof.bits_of(challenge)
    nonce = 0
    while proof.leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) < bits:
        nonce += 1
    return str(nonce)


def challenge_of(page: str) -> str:
    return page.split('name="proof_challenge" value="', 1)[1].split('"', 1)[0]


def proven(challenge: str | None = None, **overrides: str) -> dict[str, object]:
    challenge = challenge or proof.challenge(proof.current_bits())
    return request_data(proof_challenge=challenge, proof_nonce=solve(challenge), **overrides)


@override_settings(INTAKE_PROOF_BITS=10)
def test_it_checks_that_the_server_made_the_challenge_and_that_it_is_solved() -> None:
    challenge = proof.challenge(10)
    nonce = solve(challenge)
    assert proof.check(challenge, nonce) is not None
    unsolved = next(str(n) for n in range(100) if not proof.solved(challenge, str(n)))
    assert proof.check(challenge, unsolved) is None
    assert proof.check(challenge, "") is None
    assert proof.check(challenge, "1" * 21) is None
    assert proof.check(challenge, "-1") is None
    minute, bits, token, mac = challenge.split(".")
    easier = f"{minute}.1.{token}.{mac}"  # asks fewer bits: the MAC no longer fits
    assert proof.check(easier, solve(easier)) is None
    forged = f"{minute}.{bits}.{token}.{'0' * 24}"
    assert proof.check(forged, solve(forged)) is None
    assert proof.check("not a challenge", "1") is None


@override_settings(INTAKE_PROOF_BITS=8)
def test_a_challenge_expires() -> None:
    with time_machine.travel(time.time() - 3700):
        old = proof.challenge(8)
    assert proof.check(old, solve(old)) is None


def test_off_means_no_proof_counts() -> None:
    with override_settings(INTAKE_PROOF_BITS=8):
        challenge = proof.challenge(8)
    with override_settings(INTAKE_PROOF_BITS=0):
        assert proof.check(challenge, solve(challenge)) is None
        assert proof.current_bits() == 0


@override_settings(INTAKE_PROOF_BITS=8)
@time_machine.travel(1_900_000_000.0, tick=False)
def test_it_is_spent_once(vault: Vault) -> None:
    data = proven()
    assert Client().post("/request/", data).status_code == 200
    spent = RateWindow.objects.filter(name__startswith="intake:proof:")
    assert spent.count() == 1
    assert spent.get().expires > time.time() + 3500  # kept while the challenge is valid
    # The same proof again counts as no proof: in the lane of unproven requests.
    with override_settings(INTAKE_MAX_PER_MINUTE=1):
        Client().post("/request/", request_data())  # fills that lane
        assert Client().post("/request/", data).status_code == 429
    assert Submission.objects.count() == 2


@override_settings(
    INTAKE_PROOF_BITS=4, INTAKE_PROOF_MAX_BITS=7, INTAKE_FLOOD_PER_MINUTE=2, INTAKE_MAX_PER_MINUTE=1
)
def test_it_grows_harder_as_proven_requests_pile_up(vault: Vault) -> None:
    with time_machine.travel(1_900_000_000.0, tick=False):
        assert proof.current_bits() == 4
        early = proof.challenge(4)
        # One more bit each time they double beyond 2 a minute, up to 7.
        for expected in [4, 4, 4, 5, 5, 6, 6, 6, 6] + [7] * 9:
            assert proof.current_bits() == expected
            limits.hit(proof.PROVEN, keep_previous=True)
        # A proof made before it grew harder counts no more: the form comes
        # back (with everything typed) and a fresh, harder challenge.
        Client().post("/request/", request_data())  # fills the unproven lane
        page = Client().post("/request/", request_data(**_solved(early)))
        assert page.status_code == 429
        assert 'data-proof-bits="7"' in page.content.decode()
        fresh = challenge_of(page.content.decode())
        assert proof.bits_of(fresh) == 7
        assert Client().post("/request/", proven(fresh)).status_code == 200
    # The next minute still remembers this one; the one after is calm again.
    with time_machine.travel(1_900_000_060.0, tick=False):
        assert proof.current_bits() == 7
    with time_machine.travel(1_900_000_120.0, tick=False):
        assert proof.current_bits() == 4


def _solved(challenge: str) -> dict[str, str]:
    return {"proof_challenge": challenge, "proof_nonce": solve(challenge)}


@override_settings(INTAKE_PROOF_BITS=8, INTAKE_PROVEN_PER_MINUTE=2)
def test_proven_requests_have_a_budget_of_their_own(vault: Vault) -> None:
    with time_machine.travel(1_900_000_000.0, tick=False):
        for _ in range(2):
            assert Client().post("/request/", proven()).status_code == 200
        refused = Client().post("/request/", proven(happened="The third story."))
        assert refused.status_code == 429
        assert "The third story." in refused.content.decode()
        # Refused, its proof was not spent: the person can send it again later.
        assert RateWindow.objects.filter(name__startswith="intake:proof:").count() == 2
    assert Submission.objects.count() == 2


def test_the_page_carries_a_fresh_challenge_and_the_script(vault: Vault) -> None:
    first = Client().get("/request/").content.decode()
    second = Client().get("/request/").content.decode()
    assert 'data-proof-bits="16"' in first  # on by default
    assert '<script src="/static/js/proof.js"></script>' in first
    assert challenge_of(first) != challenge_of(second)
    assert proof.bits_of(challenge_of(first)) == 16
