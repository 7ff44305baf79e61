"""Against the real server, from several connections at once: a flood of
cheap requests does not keep out a person whose browser proves, and a
person without JavaScript gets the form back as they filled it in;
guesses of receipts pouring in never keep out the right receipt."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from tests.base import Organisation, hold_ceremony
from tests.intake import live
from tests.intake.helpers import as_posted, form_values, request_data
from tests.intake.test_flood import TYPED
from tests.intake.test_proof import challenge_of, solve

pytestmark = pytest.mark.usefixtures("transactional_audit")

GUESS = "abandon ability able about above absent absorb abstract"


def _post(url: str, data: dict[str, object]) -> tuple[int, str]:
    body = urllib.parse.urlencode(data, doseq=True).encode()
    try:
        with urllib.request.urlopen(url, body, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _with_proof(base: str, story: str) -> tuple[int, str]:
    """As a browser with JavaScript: the page, its challenge solved, the form."""
    with urllib.request.urlopen(base + "/request/", timeout=30) as page:  # noqa: S310
        challenge = challenge_of(page.read().decode())
    data = request_data(happened=story, proof_challenge=challenge, proof_nonce=solve(challenge))
    return _post(base + "/request/", data)


@contextmanager
def _pouring(send: Callable[[], int], threads: int = 4) -> Iterator[list[int]]:
    """`send` called over and over from several threads until the block ends."""
    answers: list[int] = []
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            answers.append(send())

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    try:
        yield answers
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)


def test_a_flood_keeps_out_no_one_who_proves(live_url: str, org: Organisation) -> None:
    hold_ceremony(org)
    cheap = request_data(happened="Spam spam spam.")
    with _pouring(lambda: _post(live_url + "/request/", cheap)[0]) as flood:
        assert live.wait_for(lambda: 429 in flood, seconds=30)
        genuine = [_with_proof(live_url, f"Story number {n}.") for n in range(5)]
        # Without JavaScript, until the refusal is seen (a minute may turn meanwhile).
        for _attempt in range(3):
            status, page = _post(live_url + "/request/", TYPED)
            if status == 429:
                break
    assert [status for status, _page in genuine] == [200] * 5
    assert all('class="receipt"' in page for _status, page in genuine)
    assert flood.count(429) > flood.count(200)
    assert status == 429
    shown = form_values(page)
    assert {key: shown[key] for key in TYPED} == as_posted(TYPED)


def test_a_right_receipt_opens_while_guesses_pour_in(live_url: str, org: Organisation) -> None:
    hold_ceremony(org)
    status, page = _with_proof(live_url, "They took my brother at a checkpoint.")
    assert status == 200
    receipt = " ".join(
        word.split("<", 1)[0] for word in page.split('class="receipt"', 1)[1].split("<span>")[1:9]
    )
    wrong = {"receipt": GUESS, "lang": "en"}
    with _pouring(lambda: _post(live_url + "/request/return/", wrong)[0]) as guesses:
        assert live.wait_for(lambda: 429 in guesses, seconds=30)
        opened = [
            _post(live_url + "/request/return/", {"receipt": receipt, "lang": "en"})
            for _ in range(13)
        ]
    assert [status for status, _page in opened] == [200] * 13
    assert all("They took my brother at a checkpoint." in page for _status, page in opened)
    assert set(guesses) <= {404, 429}
