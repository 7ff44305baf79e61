"""Encrypted model fields and blind indexes.

An encrypted field stores ``header || nonce || ciphertext``. The header
names how it was encrypted (its kind: AEGIS-256 or XChaCha20-Poly1305 with
the data key, or sealed to the public key), the compartment and the key
version; the associated data binds the ciphertext to its place (model,
field, primary key), so a value copied to another row or column fails to
open with Tampered.

The stored bytes and the plaintext live apart on an instance, as a
foreign key's id and object do: ``row.name_sealed`` is the ciphertext as
read from the database (the column keeps the field's name), ``row.name``
the plaintext. Reading ``row.name`` the first time opens the ciphertext
with the current keyring (VaultSealed without one, NotInCompartment
without the compartment) and keeps the plaintext on the instance;
assigning it keeps the new plaintext. Saving encrypts whatever plaintext
the instance holds; a value never read nor assigned is saved as it was
read. Plaintext is never taken for ciphertext, nor the reverse.

A field with ``public_writes=True`` can also be written with no keys at
all, sealed to the compartment's public key (the public request form).
List pages open many rows at once with ``Model.objects.opened()``
(vault.bulk).

Every encrypted field is listed in REGISTRY, which the plaintext-at-rest
test and key rotation walk.
"""

from __future__ import annotations

import functools
import itertools
import json
import struct
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

import msgspec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.query import ModelIterable
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property

from safepassage.vault import crypto
from safepassage.vault.binding import associated_data, place, row_id
from safepassage.vault.compartments import COMPARTMENT_CODES, COMPARTMENTS_BY_CODE, Compartment
from safepassage.vault.errors import NotInCompartment, Tampered, VaultError, VaultSealed
from safepassage.vault.keyring import Keyring, current_keyring, current_keyring_or_none

MAGIC = b"SP"
KIND_SYMMETRIC = 1  # encrypted with the compartment's data key, XChaCha20-Poly1305
KIND_SEALED = 2  # sealed to the compartment's public key
KIND_AEGIS = 3  # encrypted with the compartment's data key, AEGIS-256
SYMMETRIC_KINDS = {KIND_SYMMETRIC: crypto.XCHACHA20POLY1305, KIND_AEGIS: crypto.AEGIS256}
HEADER = struct.Struct(">2sBBI")  # magic, kind, compartment code, version
HEADER_BYTES = HEADER.size

REGISTRY: list[EncryptedField] = []


class Ciphertext(bytes):
    """A value as stored: opaque until opened with the right keys."""

    def __repr__(self) -> str:
        return f"<Ciphertext {len(self)} bytes>"

    @property
    def compartment(self) -> str:
        return parse_header(self)[1]

    @property
    def version(self) -> int:
        return parse_header(self)[2]


def parse_header(value: bytes) -> tuple[int, str, int]:
    if len(value) < HEADER_BYTES:
        raise Tampered("ciphertext too short")
    magic, kind, code, version = HEADER.unpack_from(value)
    if (
        magic != MAGIC
        or kind not in (KIND_SYMMETRIC, KIND_SEALED, KIND_AEGIS)
        or code not in COMPARTMENTS_BY_CODE
    ):
        raise Tampered("ciphertext header is not ours")
    return kind, COMPARTMENTS_BY_CODE[code], version


def symmetric_kind() -> int:
    """The kind new values are encrypted as with a data key: AEGIS-256 where
    the CPU has AES instructions, else XChaCha20-Poly1305, unless the
    VAULT_CIPHER setting names one. Values of either kind always open."""
    choice = getattr(settings, "VAULT_CIPHER", "auto")
    if choice == "auto":
        return KIND_AEGIS if crypto.HARDWARE_AES else KIND_SYMMETRIC
    for kind, cipher in SYMMETRIC_KINDS.items():
        if cipher.name == choice:
            return kind
    raise ImproperlyConfigured(
        f"VAULT_CIPHER is 'auto' or one of {sorted(c.name for c in SYMMETRIC_KINDS.values())}"
    )


def cipher_key(data_key: bytes, kind: int) -> bytes:
    """The key a kind of value is encrypted with: XChaCha20-Poly1305 (the
    first kind) uses the data key itself, AEGIS-256 a sub-key of it, so no
    key is ever used with two ciphers."""
    if kind == KIND_SYMMETRIC:
        return data_key
    return crypto.derive_key(data_key, f"safepassage.field.{SYMMETRIC_KINDS[kind].name}")


def seal_value(compartment: str, plaintext: bytes, associated: bytes) -> bytes:
    """Encrypt for a compartment: with its data key when the current keyring
    holds it, else (public writes) sealed to its public key."""
    from safepassage.vault import keys

    key = keys.current_key(compartment)
    code = COMPARTMENT_CODES[Compartment(compartment)]
    keyring = current_keyring_or_none()
    if keyring is not None and keyring.holds(compartment, key.version):
        kind = symmetric_kind()
        header = HEADER.pack(MAGIC, kind, code, key.version)
        held = _data_keys(keyring)[header]
        return header + crypto.encrypt(
            held[1], plaintext, associated_data(header, associated), held[2]
        )
    header = HEADER.pack(MAGIC, KIND_SEALED, code, key.version)
    public = keys.verified_public_key(key)
    return header + crypto.seal_with_context(public, plaintext, associated_data(header, associated))


def seal_for_compartment(compartment: str, plaintext: bytes, associated: bytes) -> bytes:
    """Encrypt with nothing but the compartment's public key. Works while the
    vault is sealed and nobody is logged in."""
    from safepassage.vault import keys

    key = keys.current_key(compartment)
    header = HEADER.pack(
        MAGIC, KIND_SEALED, COMPARTMENT_CODES[Compartment(compartment)], key.version
    )
    public = keys.verified_public_key(key)
    return header + crypto.seal_with_context(public, plaintext, associated_data(header, associated))


def _version_exists(compartment: str, version: int) -> bool:
    from safepassage.vault.models import CompartmentKey  # the models use these fields

    return CompartmentKey.objects.filter(compartment=compartment, version=version).exists()


DataKeys = dict[bytes, tuple[str, bytes, crypto.Cipher]]


def _data_keys(keyring: Keyring) -> DataKeys:
    """The key and cipher of every kind and version the keyring holds, by
    the header of the ciphertexts they encrypted: one dictionary lookup on
    the read path."""
    table: DataKeys | None = keyring.memo.get("data_keys")
    if table is None:
        table = {
            HEADER.pack(MAGIC, kind, COMPARTMENT_CODES[Compartment(b.compartment)], b.version): (
                b.compartment,
                cipher_key(b.data_key, kind),
                cipher,
            )
            for b in keyring.bundles()
            for kind, cipher in SYMMETRIC_KINDS.items()
        }
        keyring.memo["data_keys"] = table
    return table


def open_value(value: bytes, associated: bytes, *, compartment: str | None = None) -> bytes:
    keyring = current_keyring()
    header = value[:HEADER_BYTES]
    held = _data_keys(keyring).get(header)
    if held is not None:  # the common case: a value encrypted with a key we hold
        if compartment is not None and held[0] != compartment:
            raise Tampered("ciphertext belongs to another compartment")
        return crypto.decrypt(
            held[1], value, associated_data(header, associated), HEADER_BYTES, held[2]
        )
    kind, found, version = parse_header(value)
    if compartment is not None and found != compartment:
        raise Tampered("ciphertext belongs to another compartment")
    if not keyring.holds(found, version) and not _version_exists(found, version):
        raise Tampered("ciphertext names a key version that does not exist")
    bundle = keyring.bundle(found, version)
    if kind in SYMMETRIC_KINDS:  # unreachable unless the table and the keyring disagree
        key = cipher_key(bundle.data_key, kind)
        return crypto.decrypt(
            key, value, associated_data(header, associated), HEADER_BYTES, SYMMETRIC_KINDS[kind]
        )
    body = bytes(value[HEADER_BYTES:])
    return crypto.open_with_context(bundle.private_key, body, associated_data(header, associated))


class EncryptedDescriptor:
    """The plaintext attribute. It has no ``__set__``: once read or assigned,
    the plaintext sits in the instance's ``__dict__`` and Python finds it
    there without calling this again."""

    def __init__(self, field: EncryptedField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type) -> Any:
        if instance is None:
            return self
        field = self.field
        # Through Django's own descriptor: it loads a deferred column.
        raw = getattr(instance, field.attname)
        value = None if raw is None else field.open(instance, raw)
        instance.__dict__[field.name] = value
        return value


def plaintext_loaded(instance: models.Model, field: EncryptedField) -> bool:
    """Whether the instance holds the field's plaintext (read or assigned)."""
    return field.name in instance.__dict__


class EncryptedField(models.BinaryField):
    """Base of the encrypted fields; subclasses say how plaintext becomes bytes."""

    if TYPE_CHECKING:  # the attribute holds plaintext, not the stored bytes
        _pyi_private_set_type: Any
        _pyi_private_get_type: Any

    def __init__(
        self,
        *args: Any,
        compartment: str,
        public_writes: bool = False,
        searchable: bool = False,
        **kwargs: Any,
    ) -> None:
        self.compartment = Compartment(compartment).value
        self.public_writes = public_writes
        self.searchable = searchable
        if searchable and public_writes:
            # The search directory is written with the data key, which a
            # public writer does not have.
            raise VaultError("a field cannot be both searchable and written publicly")
        if "default" in kwargs:
            # A default would be plaintext where the ciphertext goes.
            raise VaultError("encrypted fields have no default: assign the value")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def get_attname(self) -> str:
        return f"{self.name}_sealed"

    def get_attname_column(self) -> tuple[str, str]:
        return self.get_attname(), self.db_column or self.name

    def get_default(self) -> Any:
        return None  # the stored value of a row not yet saved

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["compartment"] = self.compartment
        if self.public_writes:
            kwargs["public_writes"] = True
        if self.searchable:
            kwargs["searchable"] = True
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.name, EncryptedDescriptor(self))
        # Historical models built by migrations live in module "__fake__".
        if cls.__module__ != "__fake__" and not cls._meta.abstract:
            REGISTRY.append(self)
            if self.searchable:
                from safepassage.vault import search

                search.connect(cls)

    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, raw: bytes) -> Any:
        raise NotImplementedError

    def associated(self, instance: models.Model) -> bytes:
        """The place of this field's value on ``instance`` (see associated_data)."""
        pk = instance.pk
        if pk is None:
            raise VaultError("encrypted rows need their primary key before saving (SealedModel)")
        return self.place_of(row_id(pk))

    def place_of(self, row: bytes) -> bytes:
        """The place of this field's value on the row whose row_id is
        ``row``: the field's own place, then the row (as vault.bulk's
        compiled loop, handed ``place_of(b"")``, puts them together)."""
        return self._place_prefix + row

    @cached_property
    def _place_prefix(self) -> bytes:
        return place(self.model, self.name, "")

    def open(self, instance: models.Model, value: bytes) -> Any:
        return self.decode(
            open_value(bytes(value), self.associated(instance), compartment=self.compartment)
        )

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        state = model_instance.__dict__
        if self.name not in state:  # never read nor assigned: saved as read
            return state.get(self.attname)
        value = state[self.name]
        sealed = None if value is None else Ciphertext(self._seal(model_instance, value))
        state[self.attname] = sealed
        return sealed

    def _seal(self, model_instance: models.Model, value: Any) -> bytes:
        plaintext = self.encode(value)
        associated = self.associated(model_instance)
        if self.public_writes and current_keyring_or_none() is None:
            return seal_for_compartment(self.compartment, plaintext, associated)
        if current_keyring_or_none() is None:
            raise VaultSealed("writing an encrypted field needs keys: log in")
        return seal_value(self.compartment, plaintext, associated)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is not None and not isinstance(value, bytes | memoryview):
            # Fail closed: plaintext never reaches the database by another road
            # (queryset.update(), a filter on an encrypted column).
            raise VaultError("encrypted fields are written with save() and never filtered on")
        return super().get_db_prep_value(value, connection, prepared)

    def value_to_string(self, obj: models.Model) -> str:
        raise VaultError("encrypted fields are never serialised in plaintext")


class EncryptedTextField(EncryptedField):
    def encode(self, value: Any) -> bytes:
        if not isinstance(value, str):
            raise TypeError(f"{self.name} holds text")
        return value.encode("utf-8")

    def decode(self, raw: bytes) -> str:
        return raw.decode("utf-8")


class EncryptedJSONField(EncryptedField):
    def encode(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def decode(self, raw: bytes) -> Any:
        # msgspec's decoder is about twice as fast as json.loads and, unlike
        # some, keeps integers beyond 64 bits exact. What it refuses but
        # json.dumps can write (NaN, Infinity, lone surrogates) goes
        # through json.loads, which also raises json's usual errors.
        try:
            return _decode_json(raw)
        except msgspec.MsgspecError:
            return json.loads(raw.decode("utf-8"))


_decode_json: Callable[[bytes], Any] = msgspec.json.Decoder().decode


class _OpenedIterable(ModelIterable):
    """Model instances whose encrypted fields are opened a batch at a time."""

    field_names: tuple[str, ...] | None = None

    def __iter__(self) -> Iterator[Any]:
        from safepassage.vault import bulk

        rows = super().__iter__()
        while batch := list(itertools.islice(rows, bulk.BATCH)):
            bulk.open_rows(batch, self.field_names)
            yield from batch


@functools.cache
def _opened_iterable(field_names: tuple[str, ...]) -> type[_OpenedIterable]:
    if not field_names:
        return _OpenedIterable
    return type("OpenedIterable", (_OpenedIterable,), {"field_names": field_names})


class SealedQuerySet(models.QuerySet[Any]):
    def opened(self, *field_names: str) -> SealedQuerySet:
        """Open the encrypted fields (or only those named) as rows are read,
        a batch of values at a time: for list pages (see vault.bulk)."""
        clone = self.all()
        clone._iterable_class = _opened_iterable(field_names)
        return cast(SealedQuerySet, clone)


class SealedModel(models.Model):
    """Base for models with encrypted fields: a random primary key, known
    before the first save, so ciphertexts can be bound to their row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    objects = SealedQuerySet.as_manager()

    class Meta:
        abstract = True

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        """Reloaded ciphertexts replace the plaintext the instance held."""
        fields = kwargs.get("fields", args[1] if len(args) > 1 else None)
        super().refresh_from_db(*args, **kwargs)
        names = None if fields is None else set(fields)
        for field in self._meta.concrete_fields:
            if isinstance(field, EncryptedField) and (
                names is None or field.name in names or field.attname in names
            ):
                self.__dict__.pop(field.name, None)


# --- Blind indexes -------------------------------------------------------------------


def normalise_exact(value: str) -> str:
    """Case, spaces and (for phone numbers) punctuation do not matter."""
    return " ".join(value.casefold().split())


def normalise_handle(value: str) -> str:
    cleaned = "".join(ch for ch in value.casefold() if not ch.isspace())
    if cleaned.lstrip("+").replace("-", "").replace("(", "").replace(")", "").isdigit():
        return "+" + "".join(ch for ch in cleaned if ch.isdigit())
    return cleaned


class BlindIndexField(models.CharField):
    """Keyed BLAKE2b of a normalised value (truncated to 128 bits), for exact
    lookups of an encrypted value. The key is the compartment's index key, or,
    with ``server_keyed=True``, one derived from the server's secret (for
    lookups before anyone has unlocked keys, such as logging in by e-mail)."""

    def __init__(
        self,
        *args: Any,
        source: str,
        compartment: str,
        server_keyed: bool = False,
        normaliser: Callable[[str], str] = normalise_exact,
        **kwargs: Any,
    ) -> None:
        self.source = source
        self.compartment = Compartment(compartment).value
        self.server_keyed = server_keyed
        self.normaliser = normaliser
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, compartment=self.compartment)
        if self.server_keyed:
            kwargs["server_keyed"] = True
        for key in ("max_length", "db_index", "editable", "blank"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def digest(self, model: type[models.Model], value: str) -> str:
        normalised = self.normaliser(value).encode()
        person = b"sp-blind-index"
        label = f"{model._meta.label_lower}.{self.name}".encode()
        if self.server_keyed:
            key = salted_hmac("safepassage.vault.blind-index", label, algorithm="sha256").digest()
        else:
            key = crypto.derive_key(current_keyring().index_key(self.compartment), label.decode())
        return crypto.keyed_digest(key, normalised, person=person).hex()

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        state = model_instance.__dict__
        if self.source not in state:  # never read nor assigned: keep the index
            return getattr(model_instance, self.attname)
        source_value = state[self.source]
        if source_value in (None, ""):
            index = ""
        else:
            index = self.digest(type(model_instance), source_value)
        setattr(model_instance, self.attname, index)
        return index


def blind_index(model: type[models.Model], field_name: str, value: str) -> str:
    """The index value to filter on: Model.objects.filter(field=blind_index(...))."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, BlindIndexField):
        raise VaultError(f"{field_name} is not a blind index")
    return field.digest(model, value)


# Intake and identity share their blind-index key (keys.hold_ceremony), so
# a member of either compartment indexes contact handles the same way.
CONTACT_COMPARTMENTS = (Compartment.IDENTITY.value, Compartment.INTAKE.value)


def contact_blind_index(handle: str, keyring: Keyring | None = None) -> str:
    """The blind index of a contact handle (a phone number, a Signal or
    Telegram name, an e-mail address): the same value wherever the handle
    is seen, in a request, a case or a household member, and nothing else.
    Keyed with the index key intake and identity share, so a member of
    either computes it; NotInCompartment for keys that hold neither."""
    keys = keyring if keyring is not None else current_keyring()
    for compartment in CONTACT_COMPARTMENTS:
        if keys.holds(compartment):
            key = crypto.derive_key(keys.index_key(compartment), "contact-handles")
            normalised = normalise_handle(handle).encode()
            return crypto.keyed_digest(key, normalised, person=b"sp-contact").hex()
    raise NotInCompartment("contact handles are indexed by members of intake or identity")
