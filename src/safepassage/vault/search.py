"""Fuzzy search over encrypted names, for members of the compartment.

Each searchable field keeps an encrypted directory split into SHARDS shards
(row id -> normalised value). A search opens every shard with the
compartment's data key, in memory, and ranks with RapidFuzz: a few dozen
decryptions instead of one per row. Nothing readable is stored.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy
from anyascii import anyascii
from django.db import models, transaction
from rapidfuzz import fuzz, process

from safepassage.vault.fields import (
    Ciphertext,
    EncryptedField,
    open_value,
    plaintext_loaded,
    seal_value,
)
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


# A shard's plaintext: the row ids, one per line, a record separator, then
# the normalised values in the same order (normalised values hold neither).
_SEPARATOR = "\x1e"


def _open_columns(shard: SearchShard) -> tuple[list[str], list[str]]:
    raw = open_value(bytes(shard.ciphertext), _context(shard.label, shard.number)).decode()
    if not raw:
        return [], []
    ids, values = raw.split(_SEPARATOR)
    keys, names = ids.split("\n"), values.split("\n")
    if shard.removed:
        gone = set(shard.removed)
        kept = [(k, n) for k, n in zip(keys, names, strict=True) if k not in gone]
        keys, names = [k for k, _ in kept], [n for _, n in kept]
    return keys, names


def _open(shard: SearchShard) -> dict[str, str]:
    keys, names = _open_columns(shard)
    return dict(zip(keys, names, strict=True))


def _seal(shard: SearchShard, entries: dict[str, str]) -> None:
    raw = ("\n".join(entries) + _SEPARATOR + "\n".join(entries.values())) if entries else ""
    context = _context(shard.label, shard.number)
    shard.ciphertext = seal_value(shard.compartment, raw.encode(), context)
    shard.removed = []


@transaction.atomic
def update_entry(
    model: type[models.Model], field: EncryptedField, pk: object, value: str | None
) -> None:
    update_entries(model, field, {pk: value})


@transaction.atomic
def update_entries(
    model: type[models.Model], field: EncryptedField, values: dict[object, str | None]
) -> None:
    """Set (or, for None, remove) rows' values in the directory: each shard
    they fall in is opened and sealed once."""
    label = label_of(model, field)
    by_shard: dict[int, dict[object, str | None]] = {}
    for pk, value in values.items():
        by_shard.setdefault(shard_number(pk), {})[pk] = value
    for number, changes in sorted(by_shard.items()):
        shard = SearchShard.objects.select_for_update().filter(label=label, number=number).first()
        if shard is None:
            if all(value is None for value in changes.values()):
                continue
            shard = SearchShard(label=label, number=number, compartment=field.compartment)
            entries: dict[str, str] = {}
        else:
            entries = _open(shard)
        for pk, value in changes.items():
            if value is None:
                entries.pop(str(pk), None)
            else:
                entries[str(pk)] = normalise(value)
        _seal(shard, entries)
        shard.save()


# Saves gathered by ``batched()`` in this context: (model, field) -> {row id: value}.
_gathered: ContextVar[dict[tuple[Any, Any], dict[object, str | None]] | None] = ContextVar(
    "safepassage_search_gathered", default=None
)


@contextmanager
def batched() -> Iterator[None]:
    """Within this block (inside the transaction that saves the rows), the
    directory entries of rows saved are gathered, and each shard they fall
    in is written once when the block ends: for an import that saves
    thousands of names. Nothing is written if the block fails."""
    if _gathered.get() is not None:  # already gathering: the outer block writes
        yield
        return
    token = _gathered.set({})
    try:
        yield
        gathered = _gathered.get() or {}
    finally:
        _gathered.reset(token)
    for (model, field), values in gathered.items():
        update_entries(model, field, values)


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
    keys: list[str] = []
    names: list[str] = []
    for shard in SearchShard.objects.filter(label=label_of(model, field)):
        shard_keys, shard_names = _open_columns(shard)
        keys += shard_keys
        names += shard_names
    return [(keys[index], score) for index, score in best_matches(wanted, names, limit, cutoff)]


SCORING_THREADS = max(1, min(4, os.cpu_count() or 1))
_pool: list[ThreadPoolExecutor] = []


def _scoring_pool() -> ThreadPoolExecutor:
    """Threads for scoring, made on first use in each process (a pool made
    before gunicorn forks would have no threads in the workers)."""
    if not _pool:
        _pool.append(ThreadPoolExecutor(SCORING_THREADS, thread_name_prefix="sp-search"))
    return _pool[0]


os.register_at_fork(after_in_child=_pool.clear)


def _scores(wanted: str, names: list[str], cutoff: float) -> numpy.ndarray:
    def score(part: list[str]) -> numpy.ndarray:
        return process.cdist(
            [wanted],
            part,
            scorer=fuzz.WRatio,
            processor=None,
            score_cutoff=cutoff,
            dtype=numpy.float32,
        )[0]

    size = -(-len(names) // SCORING_THREADS)
    if SCORING_THREADS == 1 or size < 2000:
        return score(names)
    parts = [names[start : start + size] for start in range(0, len(names), size)]
    return numpy.concatenate(list(_scoring_pool().map(score, parts)))


def best_matches(
    wanted: str, names: list[str], limit: int, cutoff: float
) -> list[tuple[int, float]]:
    """(index, score) of the ``limit`` names that resemble ``wanted`` best,
    at least ``cutoff``, best first (ties in list order), as
    ``process.extract`` ranks them. The names are scored in parts on
    several threads: RapidFuzz's cdist releases the GIL, so every core
    works (extract holds it; cdist's own threads split queries, not names)."""
    if not names or limit <= 0:
        return []
    scores = _scores(wanted, names, cutoff)
    above = numpy.flatnonzero(scores >= cutoff)
    if len(above) > limit:  # the best ``limit``; at the last score taken, the first in order
        found = scores[above]
        last = numpy.partition(found, len(above) - limit)[len(above) - limit]
        better = above[found > last]
        above = numpy.concatenate([better, above[found == last][: limit - len(better)]])
    ranked = sorted(above.tolist(), key=lambda index: (-scores[index], index))
    return [(index, float(scores[index])) for index in ranked]


def _after_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    gathered = _gathered.get()
    for field in sender._meta.concrete_fields:
        # Values never loaded are in the directory already.
        if (
            isinstance(field, EncryptedField)
            and field.searchable
            and plaintext_loaded(instance, field)
        ):
            value = instance.__dict__[field.name]
            if gathered is not None:
                gathered.setdefault((sender, field), {})[instance.pk] = value
            else:
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


def rebuild(model: type[models.Model], field_name: str, *, batch: int = 5000) -> int:
    """Rebuild a field's whole directory from the rows (after a bulk import,
    which sends no signals). Needs the compartment's keys. Returns the rows."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, EncryptedField) or not field.searchable:
        raise ValueError(f"{field_name} is not a searchable encrypted field")
    label = label_of(model, field)
    shards: dict[int, dict[str, str]] = {number: {} for number in range(SHARDS)}
    rows = model._base_manager.exclude(**{f"{field.attname}__isnull": True})
    count = 0
    for pk, raw in rows.values_list("pk", field.attname).iterator(chunk_size=batch):
        plaintext = field.open(model(pk=pk), Ciphertext(bytes(raw)))
        shards[shard_number(pk)][str(pk)] = normalise(plaintext)
        count += 1
    with transaction.atomic():
        SearchShard.objects.filter(label=label).delete()
        built = []
        for number, entries in shards.items():
            shard = SearchShard(label=label, number=number, compartment=field.compartment)
            _seal(shard, entries)
            built.append(shard)
        SearchShard.objects.bulk_create(built)
    return count
