"""Key rotation: a new version of a compartment's keys, then every value,
search shard and file key re-encrypted to it in resumable batches while the
application keeps running. Members hold both versions meanwhile, so reads
never fail; new writes use the new version at once. The old version is
removed only when nothing uses it any more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db import models, transaction
from django.utils import timezone

from safepassage.audit.chain import record
from safepassage.vault import files, keys, search
from safepassage.vault.fields import (
    REGISTRY,
    Ciphertext,
    EncryptedField,
    parse_header,
    seal_value,
    symmetric_kind,
)
from safepassage.vault.keyring import Keyring, using_keyring
from safepassage.vault.models import CompartmentKey, EncryptedFile, RotationJob

Progress = Callable[[str, int], None]


def fields_of(compartment: str) -> list[EncryptedField]:
    return [field for field in REGISTRY if field.compartment == compartment]


def _label(field: EncryptedField) -> str:
    return f"{field.model._meta.label_lower}.{field.name}"


def _rows_after(field: EncryptedField, last: str | None, size: int) -> list[tuple[object, bytes]]:
    model: type[models.Model] = field.model
    rows = model._base_manager.exclude(**{f"{field.attname}__isnull": True}).order_by("pk")
    if last is not None:
        rows = rows.filter(pk__gt=last)
    return list(rows.values_list("pk", field.attname)[:size])


def _rewrite_batch(field: EncryptedField, rows: list[tuple[object, bytes]], version: int) -> int:
    model: type[models.Model] = field.model
    rewritten = 0
    wanted = symmetric_kind()
    for pk, raw in rows:
        kind, _compartment, found = parse_header(raw)
        if found == version and kind == wanted:
            continue
        associated = field.associated(model(pk=pk))
        plaintext = field.encode(field.open(model(pk=pk), Ciphertext(bytes(raw))))
        fresh = seal_value(field.compartment, plaintext, associated)
        model._base_manager.filter(pk=pk).update(**{field.attname: fresh})
        rewritten += 1
    return rewritten


def rotate(
    keyring: Keyring,
    compartment: str,
    *,
    by: object,
    batch_size: int = 500,
    max_batches: int | None = None,
    progress: Progress | None = None,
) -> RotationJob:
    """Start or resume the rotation of ``compartment``. ``keyring`` must hold
    every version in use (custodians' recovery gives that). Stops after
    ``max_batches`` batches if asked; run again to resume."""
    job = RotationJob.objects.filter(compartment=compartment, finished__isnull=True).first()
    if job is None:
        new_key = keys.add_version(keyring, compartment)
        job = RotationJob.objects.create(compartment=compartment, to_version=new_key.version)
        record(by, "vault.rotation_started", None, compartment=compartment, version=new_key.version)
    batches = 0
    with using_keyring(keyring):
        for field in fields_of(compartment):
            label = _label(field)
            while True:
                rows = _rows_after(field, job.position.get(label), batch_size)
                if not rows:
                    break
                with transaction.atomic():
                    done = _rewrite_batch(field, rows, job.to_version)
                    job.position[label] = str(rows[-1][0])
                    job.rewritten += done
                    job.save(update_fields=["position", "rewritten"])
                if progress is not None:
                    progress(label, done)
                batches += 1
                if max_batches is not None and batches >= max_batches:
                    return job
        search.reseal_shards(compartment)
        new_key = CompartmentKey.objects.get(compartment=compartment, version=job.to_version)
        for stored in EncryptedFile.objects.filter(compartment=compartment).exclude(
            version=job.to_version
        ):
            files.rewrap(keyring, stored, new_key)
    return _finish(job, by=by)


def _versions_in_use(compartment: str) -> set[int]:
    used: set[int] = set()
    for field in fields_of(compartment):
        values: Iterator[bytes] = (
            field.model._base_manager.exclude(**{f"{field.attname}__isnull": True})
            .values_list(field.attname, flat=True)
            .iterator(chunk_size=2000)
        )
        used.update(parse_header(bytes(value))[2] for value in values)
    used.update(
        EncryptedFile.objects.filter(compartment=compartment).values_list("version", flat=True)
    )
    return used


@transaction.atomic
def _finish(job: RotationJob, *, by: object) -> RotationJob:
    in_use = _versions_in_use(job.compartment)
    old = CompartmentKey.objects.filter(compartment=job.compartment).exclude(version=job.to_version)
    removable = old.exclude(version__in=in_use)
    removed = sorted(removable.values_list("version", flat=True))
    removable.delete()  # grants and recovery wraps go with them
    job.finished = timezone.now()
    job.save(update_fields=["finished"])
    record(
        by,
        "vault.rotation_finished",
        None,
        compartment=job.compartment,
        version=job.to_version,
        rewritten=job.rewritten,
        removed_versions=removed,
    )
    return job
