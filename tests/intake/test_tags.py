"""Tags on requests are free text, which can name a person or a place, so
their names are sealed to the intake compartment: the database holds no
readable name, those who triage still see and reuse them, and the upgrade
seals the names already written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.intake import actions
from safepassage.intake.models import Submission, Tag
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of, sign_in
from tests.intake.helpers import send_request
from tests.vault.test_plaintext_at_rest import _database_bytes


def _code() -> str:
    before = set(Submission.objects.values_list("code", flat=True))
    send_request()
    (code,) = set(Submission.objects.values_list("code", flat=True)) - before
    return code


@pytest.mark.usefixtures("transactional_audit")
def test_a_tag_written_on_the_page_is_sealed(org: Organisation, vault: Vault) -> None:
    code = _code()
    client = Client()
    sign_in(client, org.coordinator)
    response = client.post(f"/intake/{code}/tags/", {"new_tag": "Zelimkhan-Argun"})
    assert response.status_code == 302
    assert "Zelimkhan-Argun" in client.get("/intake/").content.decode()
    stored = _database_bytes()
    assert code.encode() in stored  # the copy is real
    assert b"zelimkhan" not in stored.lower()
    assert AuditEntry.objects.filter(action="intake.tag_created").count() == 1


@pytest.mark.django_db
def test_a_tag_is_found_again_by_its_name(org: Organisation, vault: Vault) -> None:
    first, second = _code(), _code()
    client = Client()
    sign_in(client, org.coordinator)
    client.post(f"/intake/{first}/tags/", {"new_tag": "needs-visa"})
    client.post(f"/intake/{second}/tags/", {"new_tag": "Needs-Visa"})
    (tag,) = Tag.objects.all()
    assert set(tag.submission_set.values_list("code", flat=True)) == {first, second}
    # The tag is offered, by name, on every request's page.
    page = client.get(f"/intake/{second}/").content.decode()
    assert f'value="{tag.pk}"' in page
    assert "needs-visa" in page
    # Unticked, it comes off the request.
    client.post(f"/intake/{second}/tags/", {"tags": []})
    assert list(tag.submission_set.values_list("code", flat=True)) == [first]


@pytest.mark.django_db
def test_tags_are_read_only_with_the_intake_keys(org: Organisation, vault: Vault) -> None:
    with using_keyring(keyring_of(org.coordinator)):
        tag = actions.tag_named("safe-house-2", by=org.coordinator)
    assert Tag.objects.get(pk=tag.pk).name_sealed != b"safe-house-2"
    with using_keyring(keyring_of(org.caseworker)), pytest.raises(Exception, match="intake"):
        Tag.objects.get(pk=tag.pk).name  # noqa: B018 - reading is the test


@pytest.mark.usefixtures("transactional_audit")
def test_the_upgrade_seals_the_tags_already_written(org: Organisation, vault: Vault) -> None:
    code = _code()
    before = [("intake", "0004_regions")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    plain = old.get_model("intake", "Tag").objects.create(name="Ruslan-Grozny")
    old.get_model("intake", "Submission").objects.get(code=code).tags.add(plain)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    (tag,) = Tag.objects.all()
    assert b"Ruslan" not in bytes(tag.name_sealed)
    with using_keyring(keyring_of(org.coordinator)):
        assert tag.name == "Ruslan-Grozny"
    assert list(tag.submission_set.values_list("code", flat=True)) == [code]
