"""Fuzzy search over encrypted names, for members of the compartment.

Each searchable field keeps an encrypted directory split into SHARDS shards
(row id -> normalised value). A search opens every shard with the
compartment's data key, in memory, and ranks with RapidFuzz: a few dozen
decryptions instead of one per row. Nothing readable is stored.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

from anyascii import anyascii
from django.db import models, transaction
from rapidfuzz import fuzz, process

from safepassage.vault.fields import Ciphertext, EncryptedField, open_value, seal_value
from safepassage.vault.keyring import current_keyring_or_none
from safepassage.vault.models import SearchShard

SHARDS = 64


def normalise(text: str) -> str:
    """Script, case, accents and punctuation do not matter: Магомед and
    Magomed compare as the same letters."""
    latin = anyascii(unicodedata.normalize("NFC", text)).casefold()
    cleaned = "".join(ch if ch.isalnum() else " " for ch in latin)
    return " ".join(cleaned.split())


def label_of(model: type[models.Model], field: EncryptedField) -> str:
    return f"{model._meta.label_lower}.{field.name}"


def shard_number(pk: object) -> int:
    return int.from_bytes(hashlib.blake2b(str(pk).encode(), digest_size=2).digest()) % SHARDS


def _context(label: str, number: int) -> bytes:
    return f"safepassage.search:{label}:{number}".encode()


def _open(shard: SearchShard) -> dict[str, str]:
    raw = open_value(bytes(shard.ciphertext), _context(shard.label, shard.number))
    entries: dict[str, str] = json.loads(raw)
    for pk in shard.removed:
        entries.pop(pk, None)
    return entries


def _seal(shard: SearchShard, entries: dict[str, str]) -> None:
    raw = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode()
    shard.ciphertext = seal_value(shard.compartment, raw, _context(shard.label, shard.number))
    shard.removed = []


@transaction.atomic
def update_entry(
    model: type[models.Model], field: EncryptedField, pk: object, value: str | None
) -> None:
    label = label_of(model, field)
    number = shard_number(pk)
    shard = SearchShard.objects.select_for_update().filter(label=label, number=number).first()
    if shard is None:
        if value is None:
            return
        shard = SearchShard(label=label, number=number, compartment=field.compartment)
        entries: dict[str, str] = {}
    else:
        entries = _open(shard)
    if value is None:
        entries.pop(str(pk), None)
    else:
        entries[str(pk)] = normalise(value)
    _seal(shard, entries)
    shard.save()


def reseal_shards(compartment: str) -> int:
    """Re-encrypt every shard of a compartment with its current key (rotation)."""
    count = 0
    for shard in SearchShard.objects.filter(compartment=compartment):
        with transaction.atomic():
            locked = SearchShard.objects.select_for_update().get(pk=shard.pk)
            _seal(locked, _open(locked))
            locked.save(update_fields=["ciphertext", "removed"])
        count += 1
    return count


def search(
    model: type[models.Model],
    field_name: str,
    query: str,
    *,
    limit: int = 20,
    cutoff: float = 70.0,
) -> list[tuple[str, float]]:
    """Row ids whose value resembles ``query``, best first, with a score 0-100."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, EncryptedField) or not field.searchable:
        raise ValueError(f"{field_name} is not a searchable encrypted field")
    wanted = normalise(query)
    if not wanted:
        return []
    choices: dict[str, str] = {}
    for shard in SearchShard.objects.filter(label=label_of(model, field)):
        choices.update(_open(shard))
    matches = process.extract(wanted, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=cutoff)
    return [(key, float(score)) for _value, score, key in matches]


def _after_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    for field in sender._meta.concrete_fields:
        if isinstance(field, EncryptedField) and field.searchable:
            value = instance.__dict__.get(field.attname)
            if not isinstance(value, Ciphertext):  # unchanged values are indexed already
                update_entry(sender, field, instance.pk, value)


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    keyring = current_keyring_or_none()
    for field in sender._meta.concrete_fields:
        if isinstance(field, EncryptedField) and field.searchable:
            if keyring is not None and keyring.holds(field.compartment):
                update_entry(sender, field, instance.pk, None)
            else:
                mark_removed(sender, field, instance.pk)


@transaction.atomic
def mark_removed(model: type[models.Model], field: EncryptedField, pk: object) -> None:
    """Deleting needs no keys: the row id is set aside until the next write."""
    shard = (
        SearchShard.objects.select_for_update()
        .filter(label=label_of(model, field), number=shard_number(pk))
        .first()
    )
    if shard is not None and str(pk) not in shard.removed:
        shard.removed = [*shard.removed, str(pk)]
        shard.save(update_fields=["removed"])


def connect(model: type[models.Model]) -> None:
    models.signals.post_save.connect(_after_save, sender=model, dispatch_uid=f"search-{model}")
    models.signals.post_delete.connect(
        _after_delete, sender=model, dispatch_uid=f"search-d-{model}"
    )
