"""What a case is opened with, and what its people's identities hold.

An app that opens a case (intake, from a request) builds an ``Opening``
in these words and hands it to ``cases.actions.open_case``; cases never
reads the asking app's own records. The words the asking app used
(contact methods, regions, its questions and their answers) stay keys of
its vocabularies, which it labels for the case page (cases.presenting).

Stored structs are read tolerantly (``read_stored``): a value written by
an earlier version, with a field missing or of another type, is read with
the field's default rather than refused, and nothing that can be kept is
dropped.
"""

from __future__ import annotations

import json
import typing
from typing import Any, TypeVar

import msgspec


class Contact(msgspec.Struct, frozen=True):
    """A way to reach someone: ``method`` is a word of the asking app
    (vocabulary "contact_method", such as "signal"), ``handle`` the number,
    name or address."""

    method: str = ""
    handle: str = ""


class Location(msgspec.Struct, frozen=True):
    """Where someone is: ``area`` is a key of vocabulary "area" (a region),
    ``place`` a town or region in their words."""

    area: str = ""
    place: str = ""


class Identity(msgspec.Struct, kw_only=True):
    """Who a person is: everything here is sealed to the identity
    compartment (Person.identity). ``relationship`` is to the principal
    ("mother"), empty for the principal; ``gender`` is gender and SOGIESC as
    the person describes themselves, in their words; ``born`` a date
    (YYYY-MM-DD), a year, or as the person said it, and ``age`` in years
    when only that is known."""

    name: str = ""
    other_names: list[str] = []
    born: str = ""
    age: int | None = None
    contacts: list[Contact] = []
    no_contact: bool = False
    location: Location = Location()
    gender: str = ""
    relationship: str = ""
    notes: str = ""

    def handles(self) -> list[str]:
        return [contact.handle.strip() for contact in self.contacts if contact.handle.strip()]

    def is_blank(self) -> bool:
        return self == Identity()


class Answer(msgspec.Struct, frozen=True):
    """Another answer the case was opened with: ``question`` is a key of the
    asking app's vocabulary "question", each of ``values`` an answer
    labelled through vocabulary "answer" as ``question=value`` (shown as
    it is when nobody labels it)."""

    question: str
    values: list[str] = []


class Opening(msgspec.Struct, kw_only=True):
    """A case to open. ``source`` names what it is opened from (such as
    ``submission:<id>``): opening twice from the same source gives the same
    case. ``members`` travel with the principal (a member not yet described
    is a blank Identity); ``narrative`` is paragraphs of what happened and
    of the help asked for."""

    source: str = ""
    principal: Identity = msgspec.field(default_factory=Identity)
    members: list[Identity] = []
    household_notes: str = ""
    narrative: list[str] = []
    urgency: int = 0
    answers: list[Answer] = []


# --- Reading what was stored -------------------------------------------------------

S = TypeVar("S", bound=msgspec.Struct)
_NOTHING = object()


def encode(value: msgspec.Struct | list[Any]) -> bytes:
    return msgspec.json.encode(value)


def read_stored(raw: Any, kind: type[S]) -> S:
    """A struct from stored JSON (bytes or already decoded): exactly when
    it fits, else field by field, each field that cannot be read taking
    its default."""
    data = _loads(raw) if isinstance(raw, bytes | bytearray | memoryview | str) else raw
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError:
        found = _salvage_struct(data, kind)
        return kind() if found is _NOTHING else typing.cast(S, found)


def read_stored_list(raw: Any, kind: type[S]) -> list[S]:
    """A list of structs from stored JSON; items that cannot be read at all are left out."""
    data = _loads(raw) if isinstance(raw, bytes | bytearray | memoryview | str) else raw
    found = _salvage(data, list[kind])  # type: ignore[valid-type]
    return [] if found is _NOTHING else typing.cast(list[S], found)


def _loads(raw: bytes | bytearray | memoryview | str) -> Any:
    text = bytes(raw) if isinstance(raw, bytearray | memoryview) else raw
    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError:
        # What msgspec refuses but json.dumps can write (NaN, lone surrogates).
        return json.loads(text)


def _salvage_struct(data: Any, kind: type[msgspec.Struct]) -> Any:
    if not isinstance(data, dict):
        return _NOTHING
    values = {}
    for field in msgspec.structs.fields(kind):
        if field.encode_name in data:
            value = _salvage(data[field.encode_name], field.type)
            if value is not _NOTHING:
                values[field.name] = value
    try:
        return kind(**values)
    except TypeError:  # a required field is missing
        return _NOTHING


def _salvage(value: Any, kind: Any) -> Any:
    """``value`` as ``kind`` if it can be read as one, else _NOTHING."""
    try:
        return msgspec.convert(value, kind, strict=False)
    except msgspec.ValidationError:
        pass
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        return _salvage_struct(value, kind)
    if origin is list and isinstance(value, list | tuple):
        items = [_salvage(item, arguments[0]) for item in value]
        return [item for item in items if item is not _NOTHING]
    if origin is list and isinstance(value, str):
        return _salvage([value], kind)
    if origin is dict and isinstance(value, dict):
        pairs = {str(k): _salvage(v, arguments[1]) for k, v in value.items()}
        return {k: v for k, v in pairs.items() if v is not _NOTHING}
    if kind is str and value is not None and not isinstance(value, dict | list):
        return str(value)
    if kind is str and isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return _NOTHING
