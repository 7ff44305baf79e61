"""Sending requests through the public form, as a person would."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from html.parser import HTMLParser
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


class _FormState(HTMLParser):
    """What a browser would send from the first form of a page with its
    fields as shown: inputs, checked boxes, textareas, selected options."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = defaultdict(list)
        self.forms = 0
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms += 1
        if self.forms != 1:
            return
        name = found.get("name", "")
        if tag == "input" and name:
            kind = found.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in found:
                    self.values[name].append(found.get("value", "on"))
            elif kind not in ("file", "submit", "button"):
                self.values[name].append(found.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((found.get("value", ""), "selected" in found))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            text = "".join(self._text)
            # A browser drops the newline that starts a textarea's content.
            self.values[self._textarea].append(text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            self.values[self._select] += chosen or [self._options[0][0]]
            self._select = None


def form_values(html: str) -> dict[str, list[str]]:
    parser = _FormState()
    parser.feed(html)
    return dict(parser.values)


def as_posted(data: dict[str, Any]) -> dict[str, list[str]]:
    return {
        key: [str(item) for item in value] if isinstance(value, list) else [str(value)]
        for key, value in data.items()
    }
