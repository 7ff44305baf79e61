"""The verifiable dossier: exported from the command line (and the page,
test_dossier_page.py), each item's export in its custody log; checked
offline by ``safepassage verify`` (no database, no keys), which names
the first thing tampered with; and by the standard-tools recipe
(check.sh: sha256sum and openssl only)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safepassage.audit.models import AuditEntry
from safepassage.documentation import consent, custody, dossiers, evidence
from safepassage.documentation.models import Act, CustodyEntry, Event, Evidence, Operation
from safepassage.vault import crypto, files, signing
from safepassage.vault.keyring import using_keyring
from tests.documentation.conftest import Desk, allow_originals, record_detention
from tests.documentation.dossier_helpers import (
    export,
    failure,
    manifest,
    resign,
    resum,
    run_recipe,
    unzip,
    write_manifest,
)
from tests.documentation.evidence_files import photo_with_exif
from tests.documentation.tsa import local_authority


@dataclass
class Made:
    event: str
    photo: Evidence
    copy: Evidence
    letter: Evidence
    archive: Path
    folder: Path
    url: str


def _record(desk: Desk) -> tuple[str, Evidence, Evidence, Evidence]:
    with using_keyring(desk.vault.keyring):
        recorded = record_detention(desk.documenter)
        event = recorded.event
        # The victim agreed to their originals being handed over.
        allow_originals(desk.documenter, recorded.victim)
        staged = files.stage_bytes(photo_with_exif(), name="Argun.JPG", content_type="image/jpeg")
        photo = evidence.add_evidence(desk.documenter, staged, target=event, why="the witness")
        copy = evidence.make_working_copy(desk.documenter, photo, Operation.BLURRED)
        _meta, chunks = evidence.open_item(desk.documenter, photo, download=True, why="check")
        b"".join(chunks)
        staged = files.stage_bytes(b"%PDF-1.4 a letter", name="l.pdf", content_type="x/y")
        letter = evidence.add_evidence(desk.documenter, staged, target=event)
    return event.code, photo, copy, letter


@pytest.fixture
def made(desk: Desk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Made:
    """A dossier of an event's originals, each head stamped by a local authority."""
    event, photo, copy, letter = _record(desk)
    with local_authority() as authority, override_settings(TIMESTAMP_AUTHORITIES=[authority]):
        assert custody.stamp_heads([authority])[1] == []
        archive = tmp_path / "dossier.zip"
        export(monkeypatch, desk.documenter.username, archive, event, "--originals",
               "--why", "for the OSCE rapporteur")  # fmt: skip
        with using_keyring(desk.vault.keyring):  # the server's own check holds after it
            assert custody.verify_item(Evidence.objects.get(pk=photo.pk)) is None
    folder = unzip(archive, tmp_path / "out")
    for item in (photo, copy, letter):
        item.refresh_from_db()
    return Made(event, photo, copy, letter, archive, folder, authority.url)


@pytest.mark.django_db
def test_it_exports_a_dossier_that_verifies_offline(made: Made, desk: Desk) -> None:
    data = manifest(made.folder)
    codes = [item["code"] for item in data["items"]]
    assert codes == [made.photo.code, made.letter.code]
    photo = data["items"][0]
    assert photo["file"] == f"items/{made.photo.code}/{made.photo.code}.jpg"
    with using_keyring(desk.vault.keyring):
        Evidence.objects.filter(pk=made.photo.pk).opened("sha256")
        expected = Evidence.objects.opened("sha256").get(pk=made.photo.pk).sha256
    assert photo["sha256"] == expected
    assert (made.folder / photo["file"]).read_bytes() == photo_with_exif()
    # The export is the last entry of each item's log, in the dossier too.
    assert [e["action"] for e in photo["custody"]["log"]][-1] == "exported"
    assert photo["custody"]["log"][-1]["why"] == "for the OSCE rapporteur"
    assert photo["custody"]["log"][-1]["other"] == f"dossier:{data['dossier']}"
    assert made.photo.head_seq == len(photo["custody"]["entries"])
    assert photo["timestamps"]
    assert data["authorities"][0]["url"] == made.url
    assert AuditEntry.objects.filter(action="documentation.evidence_exported").count() == 2
    audit = AuditEntry.objects.get(action="documentation.dossier_exported")
    assert audit.details == {
        "dossier": data["dossier"],
        "items": 2,
        "files": 2,
        "mode": "originals",
    }
    # Checked offline, zipped or unzipped.
    assert failure(made.archive) == ""
    assert failure(made.folder) == ""
    index = (made.folder / "index.html").read_text()
    assert made.photo.code in index
    assert "sha256sum -c SHA256SUMS" in index
    assert data["keys"][0]["fingerprint"] in index
    # On a phone its tables stack: every cell says which column it is.
    cells = re.findall(r"<td[^>]*>", index)
    assert cells
    assert all("data-label=" in cell for cell in cells)


@pytest.mark.django_db
def test_the_command_needs_no_database_no_configuration_and_no_django(made: Made) -> None:
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": "postgres://nowhere.invalid/none"}
    program = (
        "import sys; from safepassage.cli import main; code = main(['verify', sys.argv[1]]); "
        "assert not [m for m in sys.modules if m.startswith('django')]; sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, str(made.archive)],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("dossier: 2 items and ")
    (made.folder / "SHA256SUMS.sig").write_bytes(b"\0" * 64)
    done = subprocess.run(
        [sys.executable, "-c", program, str(made.folder)],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("dossier: first failure: SHA256SUMS: the organisation's")


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.django_db
def test_it_names_a_changed_byte(made: Made) -> None:
    name = f"items/{made.photo.code}/{made.photo.code}.jpg"
    _flip(made.folder / name)
    assert failure(made.folder) == (
        f"{name}: changed (its SHA-256 is not the one SHA256SUMS lists)"
    )
    resum(made.folder)
    assert failure(made.folder) == (
        f"{made.photo.code}: {name}: its SHA-256 is not the one its custody log recorded "
        "at collection"
    )


@pytest.mark.django_db
def test_it_names_a_removed_and_an_added_file(made: Made) -> None:
    name = f"items/{made.letter.code}/head.sig"
    (made.folder / name).unlink()
    assert failure(made.folder) == f"{name}: listed in SHA256SUMS but missing (a file was removed)"
    (made.folder / name).write_bytes(b"x")
    resum(made.folder)
    (made.folder / "notes.txt").write_text("nothing to see")
    assert failure(made.folder) == "notes.txt: not listed in SHA256SUMS (a file was added)"


def _entry(made: Made, seq: int) -> Path:
    return made.folder / f"items/{made.photo.code}/custody/{seq:06d}.json"


def _rewrite(path: Path, **changes: object) -> None:
    document = json.loads(path.read_bytes())
    document.update(changes)
    path.write_bytes(json.dumps(document, sort_keys=True, separators=(",", ":")).encode())


@pytest.mark.django_db
def test_it_names_a_changed_custody_entry(made: Made) -> None:
    path = _entry(made, 2)
    document = json.loads(path.read_bytes())
    _rewrite(path, details={**document["details"], "why": "nobody asked"})
    assert failure(made.folder) == (
        f"items/{made.photo.code}/custody/000002.json: changed (its SHA-256 is not the one "
        "SHA256SUMS lists)"
    )
    resum(made.folder)
    assert failure(made.folder) == (
        f"{made.photo.code}: entry 2 (linked) was changed after it was written "
        "(entry 3 no longer follows it)"
    )


@pytest.mark.django_db
def test_it_names_a_changed_last_entry(made: Made) -> None:
    last = made.photo.head_seq
    _rewrite(_entry(made, last), actor="user:999")
    resum(made.folder)
    assert failure(made.folder) == (
        f"{made.photo.code}: entry {last} (exported) was changed after it was written "
        "(the signed head no longer matches it)"
    )


@pytest.mark.django_db
def test_it_names_reordered_entries(made: Made) -> None:
    third, fourth = _entry(made, 3), _entry(made, 4)
    one, two = third.read_bytes(), fourth.read_bytes()
    third.write_bytes(two)
    fourth.write_bytes(one)
    resum(made.folder)
    assert failure(made.folder) == (
        f"{made.photo.code}: entries were reordered: entry 4 stands where entry 3 should"
    )


@pytest.mark.django_db
def test_it_names_a_removed_entry(made: Made) -> None:
    data = manifest(made.folder)
    entries = data["items"][0]["custody"]["entries"]
    removed = entries.pop(2)
    (made.folder / removed).unlink()
    write_manifest(made.folder, data)
    resum(made.folder)
    assert failure(made.folder) == (
        f"{made.photo.code}: entry 3 is missing (the log jumps to entry 4)"
    )


@pytest.mark.django_db
def test_it_names_a_log_that_ends_before_its_head(made: Made) -> None:
    data = manifest(made.folder)
    entries = data["items"][0]["custody"]["entries"]
    (made.folder / entries.pop()).unlink()
    write_manifest(made.folder, data)
    resum(made.folder)
    last = made.photo.head_seq
    assert failure(made.folder) == (
        f"{made.photo.code}: the log ends at entry {last - 1} but its signed head says entry "
        f"{last}: entries were added or removed at its end"
    )


@pytest.mark.django_db
def test_it_names_a_wrong_signature(made: Made) -> None:
    photo, letter = (
        made.folder / f"items/{item.code}/head.sig" for item in (made.photo, made.letter)
    )
    photo.write_bytes(letter.read_bytes())
    resum(made.folder)
    key = manifest(made.folder)["signed_with"]
    assert failure(made.folder) == (
        f"{made.photo.code}: the signature of its head does not verify with the organisation's "
        f"key ({key}): a wrong signature"
    )


@pytest.mark.django_db
def test_it_names_a_swapped_key(made: Made, desk: Desk) -> None:
    data = manifest(made.folder)
    ours = data["keys"][0]["fingerprint"]
    key = made.folder / data["signed_with"]
    seed = crypto.random_key()
    # A key swapped in, nothing signed again: the signatures fail.
    key.write_text(signing.public_key_pem(crypto.verify_key_of(seed)))
    resum(made.folder)
    assert "the signature of its head does not verify" in failure(made.folder)
    # Everything signed again with the swapped-in key: only the fingerprint,
    # compared with the one the organisation publishes, tells.
    resign(made.folder, seed)
    assert failure(made.folder) == ""
    theirs = signing.fingerprint(crypto.verify_key_of(seed))
    assert failure(made.folder, fingerprint=ours) == (
        f"{data['signed_with']} is not the organisation's key you gave: its fingerprint is "
        f"{theirs} (a key swapped in)"
    )
    assert run_recipe(made.folder).returncode == 0  # the recipe prints the fingerprint to compare
    assert theirs.replace(" ", "") in run_recipe(made.folder).stdout


@pytest.mark.django_db
def test_it_names_a_timestamp_over_other_data(made: Made) -> None:
    stamps = manifest(made.folder)["items"]
    mine, theirs = stamps[0]["timestamps"][0], stamps[1]["timestamps"][0]
    (made.folder / mine["token"]).write_bytes((made.folder / theirs["token"]).read_bytes())
    resum(made.folder)
    assert failure(made.folder) == (
        f"{made.photo.code}: the timestamp of entry {mine['entry']} from {made.url} does not "
        "cover its signed head (a token over other data)"
    )


@pytest.mark.django_db
def test_it_names_a_list_of_files_rewritten(made: Made) -> None:
    (made.folder / "README.txt").write_text("all is well")
    resum(made.folder)
    assert failure(made.folder) == (
        "SHA256SUMS: the organisation's signature does not verify: the list of files was "
        "changed after it was signed"
    )


@pytest.mark.django_db
def test_the_recipe_checks_it_with_sha256sum_and_openssl_alone(made: Made) -> None:
    done = run_recipe(made.folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"OK: {made.photo.code}" in done.stdout
    assert "OK: every item's custody log, signature, file and timestamps check out" in done.stdout
    name = f"items/{made.photo.code}/{made.photo.code}.jpg"
    original = (made.folder / name).read_bytes()
    _flip(made.folder / name)
    assert "FAILED: a file is not the one listed in SHA256SUMS" in run_recipe(made.folder).stdout
    resum(made.folder)
    assert "FAILED: SHA256SUMS: the organisation's signature" in run_recipe(made.folder).stdout
    (made.folder / name).write_bytes(original)
    resum(made.folder)
    assert run_recipe(made.folder).returncode == 0
    (made.folder / "extra.txt").write_text("x")
    assert "FAILED: files were added" in run_recipe(made.folder).stdout


@pytest.mark.django_db
def test_the_recipe_names_tampering_signed_again_by_someone_else(made: Made) -> None:
    """Someone rewrites an entry and signs everything again with a key of
    their own: the recipe still finds the broken chain, and prints the key's
    fingerprint for the reader to compare."""
    _rewrite(_entry(made, 2), actor="user:999")
    resign(made.folder, crypto.random_key())
    done = run_recipe(made.folder)
    assert done.returncode == 1
    assert "custody/000003.json does not follow the entry before it" in done.stdout


@pytest.mark.django_db
def test_working_copies_go_by_default_and_the_original_is_withheld(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    event, photo, copy, letter = _record(desk)
    archive = tmp_path / "d.zip"
    said = export(monkeypatch, desk.documenter.username, archive, photo.code, "--why", "press")
    assert said.startswith("dossier ")
    assert "2 items (1 files)" in said
    folder = unzip(archive, tmp_path / "out")
    original, shipped = manifest(folder)["items"]
    assert (original["code"], original["file"], original["withheld"]) == (
        photo.code, None, "copies-chosen"
    )  # fmt: skip
    assert shipped["code"] == copy.code
    assert shipped["original"] == photo.code
    assert not (folder / f"items/{photo.code}").joinpath(f"{photo.code}.jpg").exists()
    assert failure(folder) == ""
    assert run_recipe(folder).returncode == 0
    # Both logs record the export; a letter not chosen does not.
    actions = CustodyEntry.objects.filter(action="exported").values_list("evidence", flat=True)
    assert set(actions) == {photo.pk, copy.pk}
    assert letter.pk not in set(actions)
    assert event


@pytest.mark.django_db
def test_the_plan_reads_the_copies_of_every_original_at_once(desk: Desk) -> None:
    _event, photo, copy, letter = _record(desk)
    with using_keyring(desk.vault.keyring):
        newer = evidence.make_working_copy(desk.documenter, photo, Operation.BLURRED)
        more = []
        for number in range(3):
            staged = files.stage_bytes(
                photo_with_exif(), name=f"p{number}.jpg", content_type="image/jpeg"
            )
            item = evidence.add_evidence(desk.documenter, staged, target=None)
            more.append(
                (item, evidence.make_working_copy(desk.documenter, item, Operation.BLURRED))
            )
    with CaptureQueriesContext(connection) as few:
        parts = dossiers.plan([photo, letter], dossiers.COPIES)
    # The newest working copy goes for each original (none for the letter).
    assert [(part.item.code, part.ships) for part in parts] == [
        (photo.code, False), (newer.code, True), (letter.code, False)
    ]  # fmt: skip
    assert copy.code not in {part.item.code for part in parts}
    with CaptureQueriesContext(connection) as many:
        parts = dossiers.plan([photo, letter] + [item for item, _ in more], dossiers.COPIES)
    assert {part.item.code for part in parts} >= {made.code for _, made in more}
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_consent_keeps_an_original_back(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    event, photo, copy, letter = _record(desk)
    with using_keyring(desk.vault.keyring):
        # A second victim of the event agreed to working copies only.
        second = record_detention(desk.documenter, victim="Second victim").victim
        act = second.acts.get()
        Act.objects.filter(pk=act.pk).update(event=Event.objects.get(code=event))
        consent.record_consent(
            second, by=desk.documenter, testimony=True, originals=False,
            given_on=timezone.localdate(),
        )  # fmt: skip
    archive = tmp_path / "d.zip"
    said = export(
        monkeypatch, desk.documenter.username, archive, event, "--originals", "--why", "court"
    )
    assert f"{photo.code}: original withheld, the consent recorded does not cover" in said
    assert f"{letter.code}: original withheld" in said
    items = manifest(unzip(archive, tmp_path / "out"))["items"]
    assert [(i["code"], i["withheld"], bool(i["file"])) for i in items] == [
        (photo.code, "consent", False),
        (copy.code, "", True),
        (letter.code, "consent", False),
    ]


@pytest.mark.django_db
def test_it_refuses_without_a_reason_and_what_one_may_not_see(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    event, photo, _copy, _letter = _record(desk)
    with pytest.raises(CommandError, match="Say why the dossier is made"):
        export(monkeypatch, desk.documenter.username, tmp_path / "a.zip", event, "--why", " ")
    with using_keyring(desk.vault.keyring):
        hidden = record_detention(desk.documenter, confidentiality="restricted").event
    with pytest.raises(CommandError, match="No such record"):
        export(monkeypatch, desk.stranger.username, tmp_path / "b.zip", hidden.code, "--why", "x")
    with pytest.raises(CommandError, match="No such record"):
        export(monkeypatch, desk.stranger.username, tmp_path / "b.zip", "EV-NOTHING", "--why", "x")
    assert not list(tmp_path.iterdir())
    assert not CustodyEntry.objects.filter(action="exported").exists()
    # --all: every original one may see.
    export(monkeypatch, desk.documenter.username, tmp_path / "c.zip", "--all", "--why", "archive")
    assert zipfile.is_zipfile(tmp_path / "c.zip")
    assert photo


@pytest.mark.django_db
def test_it_prints_the_key_to_publish(made: Made) -> None:
    out = io.StringIO()
    call_command("dossier", "key", stdout=out)
    first, *pem = out.getvalue().splitlines()
    data = manifest(made.folder)
    assert first == f"fingerprint: {data['keys'][0]['fingerprint']}"
    assert "\n".join(pem) + "\n" == (made.folder / data["signed_with"]).read_text()
    assert failure(made.folder, fingerprint=first.removeprefix("fingerprint: ")) == ""
