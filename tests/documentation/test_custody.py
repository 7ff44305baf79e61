"""The custody log: every upload, view, download, derivation and link of
an item is an entry in a hash chain of its own, mirrored in the audit log;
the organisation signs the head; ``safepassage custody verify`` checks
every chain, signature and stored file and names the first failure."""

from __future__ import annotations

import io
import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safepassage.audit.models import AuditEntry
from safepassage.documentation import custody, evidence
from safepassage.documentation.models import CustodyEntry, Evidence, Operation
from safepassage.vault import crypto, files, signing
from safepassage.vault.keyring import using_keyring
from safepassage.vault.models import SigningKey
from tests.base import PASSWORD
from tests.documentation.conftest import Desk, record_detention
from tests.documentation.evidence_files import photo_with_exif


def _item(desk: Desk) -> Evidence:
    """An original with five entries: uploaded, linked, derived, viewed, downloaded."""
    event = record_detention(desk.documenter).event
    staged = files.stage_bytes(photo_with_exif(), name="p.jpg", content_type="image/jpeg")
    item = evidence.add_evidence(desk.documenter, staged, target=event, why="from the witness")
    evidence.make_working_copy(desk.documenter, item, Operation.LOCATION_STRIPPED)
    for download in (False, True):
        _meta, chunks = evidence.open_item(desk.documenter, item, download=download, why="check")
        b"".join(chunks)
    item.refresh_from_db()
    return item


@pytest.mark.django_db
def test_it_chains_each_entry_and_signs_the_head(desk: Desk, keys: None) -> None:
    item = _item(desk)
    entries = list(CustodyEntry.objects.filter(evidence=item).order_by("seq"))
    assert [e.action for e in entries] == ["uploaded", "linked", "derived", "viewed", "downloaded"]
    assert entries[0].prev_hash == custody.GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.entry_hash
    assert entries[0].details["why"] == "from the witness"
    assert entries[0].actor == f"user:{desk.documenter.pk}"
    assert (item.head_seq, item.head_hash) == (5, entries[-1].entry_hash)
    # The signature is a plain Ed25519 signature of the head's text.
    public = signing.public_key(item.signing_key)
    message = custody.head_message(item.code, 5, item.head_hash)
    crypto.check_signature(public.verify_key, message, bytes(item.head_signature))
    assert message.decode().startswith(f"safepassage custody head v1\nitem {item.code}\n")
    # Every entry is mirrored in the audit log, with its number and hash.
    mirrored = AuditEntry.objects.filter(target=f"evidence:{item.pk}", details__has_key="seq")
    assert sorted(e.details["seq"] for e in mirrored) == [1, 2, 3, 4, 5]
    assert custody.verify_item(item) is None


def _swap(item: Evidence, first: int, second: int) -> None:
    rows = CustodyEntry.objects.filter(evidence=item)
    rows.filter(seq=first).update(seq=999)
    rows.filter(seq=second).update(seq=first)
    rows.filter(seq=999).update(seq=second)


@pytest.mark.django_db
def test_it_names_a_changed_entry(desk: Desk, keys: None) -> None:
    item = _item(desk)
    entry = CustodyEntry.objects.get(evidence=item, seq=4)
    entry.details = {**entry.details, "why": "nobody looked"}
    entry.save(update_fields=["details"])
    assert custody.verify_item(item) == "entry 4 (viewed) was changed after it was written"


@pytest.mark.django_db
def test_it_names_a_changed_time_or_custodian(desk: Desk, keys: None) -> None:
    item = _item(desk)
    CustodyEntry.objects.filter(evidence=item, seq=2).update(actor="user:999")
    assert custody.verify_item(item) == "entry 2 (linked) was changed after it was written"


@pytest.mark.django_db
def test_it_names_reordered_entries(desk: Desk, keys: None) -> None:
    item = _item(desk)
    _swap(item, 3, 4)
    assert custody.verify_item(item) == (
        "entry 3 does not follow entry 2: entries were reordered, removed or inserted"
    )


@pytest.mark.django_db
def test_it_names_a_removed_entry_and_a_log_cut_short(desk: Desk, keys: None) -> None:
    item = _item(desk)
    CustodyEntry.objects.filter(evidence=item, seq=5).delete()
    assert custody.verify_item(item) == (
        "the log ends at entry 4 but its signed head says entry 5: "
        "entries were added or removed at its end"
    )
    CustodyEntry.objects.filter(evidence=item, seq=2).delete()
    assert custody.verify_item(item) == "entry 2 is missing (the log jumps to entry 3)"


@pytest.mark.django_db
def test_it_names_a_wrong_signature(desk: Desk, keys: None) -> None:
    item = _item(desk)
    other = _item(desk)
    Evidence.objects.filter(pk=item.pk).update(head_signature=bytes(other.head_signature))
    item.refresh_from_db()
    assert custody.verify_item(item) == (
        "the signature of the log's head does not verify (a wrong signature)"
    )


@pytest.mark.django_db
def test_it_names_a_head_rewritten_with_a_key_swapped_in(desk: Desk, keys: None) -> None:
    """Someone with the database rewrites an entry, the chain and the head,
    and signs with a key of their own put in place of ours."""
    item = _item(desk)
    entry = CustodyEntry.objects.get(evidence=item, seq=5)
    entry.details = {**entry.details, "why": "routine"}
    entry.entry_hash = custody.entry_hash_of(item, entry)
    entry.save(update_fields=["details", "entry_hash"])
    seed = crypto.random_key()
    SigningKey.objects.filter(pk=item.signing_key).update(verify_key=crypto.verify_key_of(seed))
    signature = crypto.sign(seed, custody.head_message(item.code, 5, entry.entry_hash))
    Evidence.objects.filter(pk=item.pk).update(head_hash=entry.entry_hash, head_signature=signature)
    item.refresh_from_db()
    assert custody.verify_item(item) == (
        "the head is signed with a key this organisation did not make"
    )


@pytest.mark.django_db
def test_it_names_a_changed_stored_file(desk: Desk, keys: None) -> None:
    item = _item(desk)
    path = files.store_path(item.file.digest)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert custody.verify_item(item) == (
        "the stored file was changed (its bytes no longer match the store's hash)"
    )
    path.unlink()
    assert custody.verify_item(item) == "the stored file is missing"


@pytest.mark.django_db
def test_a_log_checks_with_sha256sum_and_openssl_alone(
    desk: Desk, keys: None, tmp_path: Path
) -> None:
    """The recipe of docs/evidence.md: each entry's canonical JSON hashed
    with sha256sum, the head's signature checked with openssl."""
    item = _item(desk)
    for entry in CustodyEntry.objects.filter(evidence=item).order_by("seq"):
        document = tmp_path / f"entry-{entry.seq}.json"
        document.write_bytes(
            custody.canonical(
                item=item.code,
                seq=entry.seq,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                details=entry.details,
                prev=entry.prev_hash,
            )
        )
        printed = _run("sha256sum", str(document)).stdout.split()[0]
        assert printed == entry.entry_hash
    key = tmp_path / "custody-key.pem"
    key.write_text(signing.public_key_pem(signing.public_key(item.signing_key).verify_key))
    head = tmp_path / "head.txt"
    head.write_bytes(custody.head_message(item.code, item.head_seq, item.head_hash))
    signature = tmp_path / "head.sig"
    signature.write_bytes(bytes(item.head_signature))
    verify = ("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(key), "-rawin")
    checked = _run(*verify, "-in", str(head), "-sigfile", str(signature))
    assert checked.returncode == 0
    assert "Signature Verified Successfully" in checked.stdout
    head.write_bytes(custody.head_message(item.code, item.head_seq - 1, item.head_hash))
    assert _run(*verify, "-in", str(head), "-sigfile", str(signature)).returncode != 0


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def _verify(monkeypatch: pytest.MonkeyPatch, username: str) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    call_command("custody", "verify", "--as", username, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_checks_every_item_and_names_the_first_failure(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    with using_keyring(desk.vault.keyring):
        item = _item(desk)
    copy = Evidence.objects.get(original=item)
    assert "2 items checked" in _verify(monkeypatch, desk.documenter.username)
    assert AuditEntry.objects.filter(action="documentation.custody_verified").count() == 1
    CustodyEntry.objects.filter(evidence=copy).update(prev_hash="f" * 64)
    with pytest.raises(CommandError) as failed:
        _verify(monkeypatch, desk.documenter.username)
    assert str(failed.value) == (
        f"custody: first failure: {copy.code}: entry 1 does not follow entry 0: "
        "entries were reordered, removed or inserted"
    )
    with pytest.raises(CommandError):
        _verify(monkeypatch, desk.keyless.username)
