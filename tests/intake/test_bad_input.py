"""Bad input gets a clear answer, the server keeps serving, and no
half-written request remains."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safepassage.intake.models import Attachment, Submission
from safepassage.vault.models import EncryptedFile
from tests.base import Vault
from tests.intake.helpers import request_data

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _nothing_half_written() -> None:
    assert Submission.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert EncryptedFile.objects.count() == 0
    staging = Path(settings.FILES_DIR) / "staging"
    assert not staging.exists() or list(staging.iterdir()) == []


def _answered_plainly(response: object) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    assert status in (200, 400, 404, 405, 413, 429), status
    assert status != 500


@FUZZ
@given(body=st.binary(max_size=4000), boundary=st.sampled_from([b"XyZ", b"", b"----a"]))
def test_broken_multipart_bodies(vault: Vault, body: bytes, boundary: bytes) -> None:
    response = Client().generic(
        "POST",
        "/request/",
        body,
        content_type=f"multipart/form-data; boundary={boundary.decode()}",
    )
    _answered_plainly(response)
    if response.status_code != 200:
        _nothing_half_written()
    Submission.objects.all().delete()


@FUZZ
@given(
    field=st.sampled_from(["happened", "help", "name", "contact_handle", "place", "household"]),
    value=st.text(min_size=0, max_size=300),
)
def test_any_text_in_any_field(vault: Vault, field: str, value: str) -> None:
    response = Client().post("/request/", request_data(**{field: value}))
    _answered_plainly(response)
    if response.status_code == 200:
        assert Submission.objects.count() == 1
        Submission.objects.all().delete()
    else:
        _nothing_half_written()


def test_invalid_utf8_is_refused_cleanly(vault: Vault) -> None:
    body = b"lang=en&happened=%FF%FE%FD&help=x&contact_method=none&area=abroad&household=0"
    response = Client().generic(
        "POST", "/request/", body, content_type="application/x-www-form-urlencoded"
    )
    _answered_plainly(response)


def test_null_characters_are_refused(vault: Vault) -> None:
    response = Client().post("/request/", request_data(happened="bad\x00text"))
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    _nothing_half_written()


def test_huge_fields_are_refused(vault: Vault) -> None:
    response = Client().post("/request/", request_data(help="x" * 6000))
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    _nothing_half_written()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_body_beyond_the_limit_gets_a_plain_error(vault: Vault) -> None:
    response = Client().post("/request/", request_data(happened="x" * 20_000))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your request could not be read" in html
    assert 'action="/request/"' in html  # the public form again, not a staff page
    _nothing_half_written()


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
@pytest.mark.parametrize("path", ["/request/", "/request/return/", "/request/message/"])
def test_too_many_fields_get_a_plain_error(vault: Vault, path: str) -> None:
    parts = b"".join(
        b'--B\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nx\r\n' % n for n in range(20)
    )
    response = Client().generic(
        "POST", path, parts + b"--B--\r\n", content_type="multipart/form-data; boundary=B"
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    _nothing_half_written()


@FUZZ
@given(receipt=st.text(max_size=200))
def test_any_receipt_shape(vault: Vault, receipt: str) -> None:
    response = Client().post("/request/return/", {"receipt": receipt})
    assert response.status_code in (400, 404, 429)


def test_the_server_keeps_serving(vault: Vault) -> None:
    Client().generic("POST", "/request/", b"\x00" * 100, content_type="multipart/form-data")
    assert Client().get("/request/").status_code == 200
