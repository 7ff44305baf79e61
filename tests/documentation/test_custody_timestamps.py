"""RFC 3161 timestamps over the signed heads of custody logs, from a
timestamp authority the test starts on a loopback port: each token is
verified when received, kept, and verified again by custody verify, which
names a token over other data."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from safepassage.documentation import custody, evidence
from safepassage.documentation.models import Evidence, TimestampToken
from safepassage.vault import files, timestamps
from tests.documentation.conftest import Desk, record_detention
from tests.documentation.tsa import local_authority


def _item(desk: Desk) -> Evidence:
    event = record_detention(desk.documenter).event
    staged = files.stage_bytes(b"%PDF-1.4 a letter", name="l.pdf", content_type="x/y")
    return evidence.add_evidence(desk.documenter, staged, target=event)


@pytest.mark.django_db
def test_it_keeps_a_verified_token_over_each_signed_head(desk: Desk, keys: None) -> None:
    item = _item(desk)
    with local_authority() as authority, override_settings(TIMESTAMP_AUTHORITIES=[authority]):
        out = io.StringIO()
        call_command("custody", "timestamp", stdout=out)
        assert out.getvalue().strip() == "custody: 1 timestamp tokens received and verified"
        token = TimestampToken.objects.get()
        assert (token.evidence, token.head_seq, token.head_hash) == (item, 2, item.head_hash)
        assert token.authority == authority.url
        # OpenSSL alone confirms the token covers the head's text (docs/evidence.md).
        head = authority.root.parent / "head.txt"
        head.write_bytes(custody.head_message(item.code, 2, item.head_hash))
        reply = authority.root.parent / "token.tsr"
        reply.write_bytes(bytes(token.token))
        verify = ["openssl", "ts", "-verify", "-in", str(reply), "-CAfile", str(authority.root)]
        verify += ["-untrusted", str(authority.root.parent / "tsa.crt"), "-data"]
        checked = subprocess.run([*verify, str(head)], capture_output=True, text=True, timeout=30)
        assert "Verification: OK" in checked.stdout, checked.stderr
        head.write_bytes(custody.head_message(item.code, 1, item.head_hash))
        refused = subprocess.run([*verify, str(head)], capture_output=True, text=True, timeout=30)
        assert refused.returncode != 0
        # Asked again: nothing new until the head moves on.
        assert custody.stamp_heads([authority]) == (0, [])
        assert custody.verify_item(item) is None


@pytest.mark.django_db
def test_it_names_a_token_over_other_data(desk: Desk, keys: None) -> None:
    item, other = _item(desk), _item(desk)
    with local_authority() as authority, override_settings(TIMESTAMP_AUTHORITIES=[authority]):
        assert custody.stamp_heads([authority]) == (2, [])
        theirs = TimestampToken.objects.get(evidence=other)
        TimestampToken.objects.filter(evidence=item).update(token=bytes(theirs.token))
        assert custody.verify_item(item) == (
            f"the timestamp of entry 2 from {authority.url} does not cover its signed head "
            "(a token over other data)"
        )
    # An authority no longer configured cannot vouch for anything.
    with override_settings(TIMESTAMP_AUTHORITIES=[]):
        assert "an authority no longer configured" in (custody.verify_item(other) or "")


@pytest.mark.django_db
def test_a_reply_from_another_authority_is_refused_when_received(desk: Desk, keys: None) -> None:
    """A reply signed by a key that does not chain to the configured root
    is not kept (and the command says so)."""
    _item(desk)
    with local_authority("One") as one, local_authority("Two") as two:
        impostor = timestamps.Authority(one.url, two.root)
        assert custody.stamp_heads([impostor])[0] == 0
        assert not TimestampToken.objects.exists()
        with override_settings(TIMESTAMP_AUTHORITIES=[impostor]), pytest.raises(CommandError):
            call_command("custody", "timestamp", stdout=io.StringIO(), stderr=io.StringIO())
