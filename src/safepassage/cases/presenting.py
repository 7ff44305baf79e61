"""How the case page reads what a case holds: who the person is (the name
they gave, contacts as method and handle, where they are, who travels with
them) and what happened (paragraphs, then the request's other answers as
labelled lines), in the reader's language.

The words a request was written with (contact methods, regions,
situations, added questions) belong to the app that asked them: cases
never imports intake, so intake registers a labeller here when it starts
(intake/apps.py). A key no labeller knows is shown as it was stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# (vocabulary, key) -> the key's label in the current language, or None.
Labeller = Callable[[str, str], "str | None"]
_labellers: list[Labeller] = []


def register_labels(labeller: Labeller) -> None:
    if labeller not in _labellers:
        _labellers.append(labeller)


def label(vocabulary: str, key: str, default: str | None = None) -> str:
    """The label of ``key``; ``default`` (else the key) if nobody knows it."""
    for labeller in _labellers:
        found = labeller(vocabulary, key)
        if found:
            return found
    return key if default is None else default


def _text(value: Any) -> str:
    """A stored value as one readable line, never as JSON."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return "; ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_text(item)}" for key, item in value.items())
    return str(value)


@dataclass(frozen=True)
class Contact:
    method: str
    handle: str


@dataclass
class Identity:
    name: str = ""
    contacts: list[Contact] = field(default_factory=list)
    no_contact: bool = False
    area: str = ""
    place: str = ""
    household_count: int = 0
    household_notes: str = ""
    # Anything else the identity holds, as (label, text).
    other: list[tuple[str, str]] = field(default_factory=list)


KNOWN_IDENTITY = {"name", "contacts", "no_contact", "location", "household"}


def read_identity(identity: dict[str, Any]) -> Identity:
    location = identity.get("location") or {}
    household = identity.get("household") or {}
    contacts = [
        Contact(label("contact_method", str(item.get("kind", ""))), str(item.get("handle", "")))
        for item in identity.get("contacts") or []
        if isinstance(item, dict)
    ]
    try:
        count = int(household.get("count") or 0)
    except (TypeError, ValueError):
        count = 0
    return Identity(
        name=str(identity.get("name") or ""),
        contacts=contacts,
        no_contact=bool(identity.get("no_contact")),
        area=label("area", str(location.get("area") or "")),
        place=str(location.get("place") or ""),
        household_count=count,
        household_notes=str(household.get("notes") or ""),
        other=[
            (key, _text(value))
            for key, value in sorted(identity.items())
            if key not in KNOWN_IDENTITY and value not in (None, "", [], {})
        ],
    )


@dataclass
class Narrative:
    paragraphs: list[str]
    # The request's other answers, as (label, text).
    details: list[tuple[str, str]]


def _details(extra: dict[str, Any]) -> list[tuple[str, str]]:
    lines = []
    for key, value in sorted(extra.items()):
        if value in (None, "", [], {}):
            continue
        if key == "lang":
            lines.append((_("Language of the request"), language_name(str(value))))
        elif key == "situation":
            lines.append((_("Situation"), "; ".join(label("situation", str(s)) for s in value)))
        elif key == "urgency_level":
            lines.append((_("Urgency"), label("urgency", str(value))))
        elif key == "answers" and isinstance(value, dict):
            lines.extend(
                (label("question", str(k)), label("answer", f"{k}={v}", default=_text(v)))
                for k, v in value.items()
            )
        else:
            lines.append((key, _text(value)))
    return lines


def read_narrative(narrative: str) -> Narrative:
    """The narrative a case is opened with is what happened, the help asked
    for, and then the request's other answers as a JSON object (one block,
    with no blank line in it): the text becomes paragraphs, the object
    labelled lines. A narrative without such a block is all paragraphs."""
    blocks = [block.strip() for block in narrative.replace("\r\n", "\n").split("\n\n")]
    blocks = [block for block in blocks if block]
    details: list[tuple[str, str]] = []
    if blocks and blocks[-1].startswith("{"):
        try:
            extra = json.loads(blocks[-1])
        except ValueError:
            extra = None
        if isinstance(extra, dict):
            blocks.pop()
            details = _details(extra)
    return Narrative(blocks, details)


def language_name(code: str) -> str:
    """A language code as its name in the reader's language; an unknown code
    stays as it is."""
    return str(dict(settings.LANGUAGES).get(code, code))
