"""The dossier page: from an event's evidence to a zip that checks out
offline, the export in each item's custody log; a wrong code or no reason
gets a clear error and nothing is written."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.documentation import evidence
from safepassage.documentation.models import CustodyEntry, Operation
from safepassage.vault import files
from safepassage.vault.keyring import using_keyring
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention
from tests.documentation.dossier_helpers import failure, manifest
from tests.documentation.evidence_files import photo_with_exif

PAGE = "/documentation/evidence/dossier/"


@pytest.mark.django_db
def test_it_exports_an_events_evidence_from_the_page(desk: Desk, tmp_path: Path) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
        staged = files.stage_bytes(photo_with_exif(), name="p.jpg", content_type="image/jpeg")
        photo = evidence.add_evidence(desk.documenter, staged, target=event)
        copy = evidence.make_working_copy(desk.documenter, photo, Operation.BLURRED)
    client = Client()
    sign_in(client, desk.documenter)
    page = client.get(f"/documentation/events/{event.code}/").content.decode()
    assert f"{PAGE}?records={event.code}" in page
    form = client.get(PAGE, {"records": event.code})
    assert form.status_code == 200
    assert event.code in form.content.decode()
    response = client.post(
        PAGE,
        {"records": event.code, "mode": "copies", "language": "fr", "why": "pour la presse"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="dossier-')
    archive = tmp_path / "d.zip"
    archive.write_bytes(b"".join(response.streaming_content))
    assert failure(archive) == ""
    with zipfile.ZipFile(archive) as opened:
        (index,) = [n for n in opened.namelist() if n.endswith("/index.html")]
        html = opened.read(index).decode()
        opened.extractall(tmp_path / "out")
    assert 'lang="fr"' in html
    assert "Comment vérifier ce dossier" in html
    # The custody actions too, in the reader's language.
    assert re.search(r"<td[^>]*>exportée", html)
    (folder,) = (tmp_path / "out").iterdir()
    items = manifest(folder)["items"]
    assert [(i["code"], bool(i["file"])) for i in items] == [(photo.code, False), (copy.code, True)]
    exported = CustodyEntry.objects.filter(action="exported")
    assert set(exported.values_list("evidence", flat=True)) == {photo.pk, copy.pk}
    assert AuditEntry.objects.filter(action="documentation.dossier_exported").count() == 1


@pytest.mark.django_db
def test_it_says_what_is_wrong_and_writes_nothing(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        event = record_detention(desk.documenter).event
        hidden = record_detention(desk.documenter, confidentiality="restricted").event
    client = Client()
    sign_in(client, desk.stranger)
    for records in (hidden.code, "E-NOTHING", "nonsense"):
        answer = client.post(
            PAGE, {"records": records, "mode": "copies", "language": "en", "why": "x"}
        )
        assert answer.status_code == 400
        assert "No such record, or not one you may see" in answer.content.decode()
    answer = client.post(
        PAGE, {"records": event.code, "mode": "copies", "language": "en", "why": "x"}
    )
    assert answer.status_code == 400
    assert "There is no evidence in this selection that you may see." in answer.content.decode()
    answer = client.post(PAGE, {"records": event.code, "mode": "copies", "language": "en"})
    assert answer.status_code == 400
    assert not CustodyEntry.objects.filter(action="exported").exists()
    assert not AuditEntry.objects.filter(action="documentation.dossier_exported").exists()
    keyless = Client()
    sign_in(keyless, desk.keyless)
    assert keyless.get(PAGE).status_code == 404
