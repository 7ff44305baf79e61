"""Sending requests through the public form, as a person would."""

from __future__ import annotations

import io
import re
from typing import Any

import pikepdf
from django.test import Client
from PIL import Image


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


# A small real photo: files are decoded and cleaned on arrival. Bytes added
# after it (JPEG + b"...") are what a decoder ignores.
JPEG = _photo()


def pdf_document(pages: int = 1) -> bytes:
    """A small real PDF (files are read and rewritten on arrival)."""
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page(page_size=(200, 200))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def request_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "lang": "en",
        "name": "Rustam",
        "happened": "They took my brother at a checkpoint and asked for my name.",
        "help": "We need to leave the region.",
        "situation": ["hiding"],
        "contact_method": "signal",
        "contact_handle": "+7 928 000 11 22",
        "contact_method_2": "",
        "contact_handle_2": "",
        "area": "chechnya",
        "place": "",
        "household": "1",
        "household_notes": "my sister",
    }
    data.update(overrides)
    return data


def receipt_of(response: Any) -> str:
    html = response.content.decode()
    words = re.findall(
        r"<span>([^<]+)</span>", html.split('class="receipt"', 1)[1].split("</p>", 1)[0]
    )
    return " ".join(words)


def send_request(client: Client | None = None, **overrides: Any) -> str:
    """Post the form; return the receipt shown."""
    response = (client or Client()).post("/request/", request_data(**overrides))
    assert response.status_code == 200, response.content.decode()[:2000]
    return receipt_of(response)
