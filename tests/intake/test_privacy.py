"""Nothing identifying outside the sealed payload, no exact time, no
sender: checked on the columns themselves."""

from __future__ import annotations

import logging
import secrets

import pytest
import time_machine
from django.apps import apps
from django.db import connection, models
from django.test import Client, override_settings

from safepassage.intake.models import RateWindow, Submission
from safepassage.vault.fields import BlindIndexField, EncryptedField
from tests.base import Vault
from tests.intake.helpers import request_data, send_request

pytestmark = pytest.mark.django_db

# The only plain columns intake and cases may have: ids, codes, coarse
# dates, metadata, and keys or hashes (binary or hex) that reveal nothing.
ALLOWED = (
    models.UUIDField,
    models.BigAutoField,
    models.AutoField,
    models.DateField,
    models.BooleanField,
    models.PositiveSmallIntegerField,
    models.PositiveIntegerField,
    models.BigIntegerField,
    models.ForeignKey,
    models.OneToOneField,
    models.BinaryField,
    models.JSONField,
    models.CharField,
    models.TextField,
    models.SlugField,
)


def test_no_column_holds_an_exact_time_or_a_sender() -> None:
    for label in ("intake", "cases"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                assert not isinstance(field, models.DateTimeField), f"{model.__name__}.{field.name}"
                assert not isinstance(field, models.GenericIPAddressField)
                # (A sealed safe-house address is no sender's address.)
                if not isinstance(field, EncryptedField):
                    assert field.name not in {"ip", "user_agent", "address", "created", "at"}
                assert isinstance(field, ALLOWED), f"{model.__name__}.{field.name}"


def test_only_sealed_columns_hold_what_the_person_wrote(
    vault: Vault, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = secrets.token_hex(6)
    send_request(
        name=f"Name{token}",
        happened=f"Story{token}",
        help=f"Help{token}",
        contact_handle=f"+7928{token}",
        place=f"Place{token}",
    )
    submission = Submission.objects.get()
    sealed = {f.column for f in Submission._meta.concrete_fields if isinstance(f, EncryptedField)}
    assert sealed == {"payload"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM intake_submission")
        columns = [col[0] for col in cursor.description]
        row = cursor.fetchone()
    for column, value in zip(columns, row, strict=True):
        data = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        assert token.encode() not in data, column
    assert token not in caplog.text
    assert submission.received_on is not None
    assert not any(isinstance(f, BlindIndexField) for f in Submission._meta.concrete_fields)


@override_settings(INTAKE_MAX_PER_MINUTE=3, INTAKE_FLOOD_PER_MINUTE=2)
@time_machine.travel(1_900_000_000.0, tick=False)
def test_a_flood_is_limited_and_marked(vault: Vault) -> None:
    for _ in range(3):
        send_request()
    assert [s.flood for s in Submission.objects.order_by("flood")] == [False, False, True]
    response = Client().post("/request/", request_data())
    assert response.status_code == 429
    assert "we are receiving very many requests right now." in response.content.decode()
    assert Submission.objects.count() == 3
    # Counters keep nothing about senders, and only the last minutes.
    assert set(RateWindow.objects.values_list("name", flat=True)) == {"intake:requests"}
    assert RateWindow.objects.get().expires == (1_900_000_000 // 60 + 1) * 60
