"""The keys one person (or one ceremony) holds for the length of a request.

A Keyring is built from a user's grants at login, kept between requests
only encrypted in the session (see ``vault.session``), and made current for
a request or a command with ``using_keyring``. Encrypted fields read the
current keyring; without one they raise VaultSealed.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from safepassage.vault import crypto
from safepassage.vault.errors import NotInCompartment, Tampered, VaultSealed

BUNDLE_BYTES = 3 * crypto.KEY_BYTES


@dataclass(frozen=True)
class Bundle:
    """The secret half of one compartment key version."""

    compartment: str
    version: int
    private_key: bytes
    data_key: bytes
    index_key: bytes

    def to_bytes(self) -> bytes:
        return self.private_key + self.data_key + self.index_key

    @classmethod
    def from_bytes(cls, compartment: str, version: int, raw: bytes, public_key: bytes) -> Bundle:
        if len(raw) != BUNDLE_BYTES:
            raise Tampered("a key bundle has the wrong size")
        bundle = cls(compartment, version, raw[:32], raw[32:64], raw[64:96])
        if not crypto.same(crypto.public_from_private(bundle.private_key), public_key):
            raise Tampered("a key bundle does not match its public key")
        return bundle

    @classmethod
    def generate(cls, compartment: str, version: int, index_key: bytes | None = None) -> Bundle:
        pair = crypto.new_key_pair()
        return cls(
            compartment,
            version,
            pair.private,
            crypto.random_key(),
            index_key if index_key is not None else crypto.random_key(),
        )

    @property
    def public_key(self) -> bytes:
        return crypto.public_from_private(self.private_key)


class Keyring:
    def __init__(self, bundles: Iterable[Bundle] = (), *, owner: str = "") -> None:
        self._bundles = {(b.compartment, b.version): b for b in bundles}
        self.owner = owner  # an audit reference: "user:12", "recovery"
        # Lookup tables derived from the bundles (the fields' keys by
        # ciphertext header), built on first use, emptied when a key is added.
        self.memo: dict[str, Any] = {}

    def __repr__(self) -> str:  # never print keys
        return f"<Keyring {self.owner} {sorted(self.compartments())}>"

    def compartments(self) -> set[str]:
        return {compartment for compartment, _version in self._bundles}

    def versions(self, compartment: str) -> list[int]:
        return sorted(v for c, v in self._bundles if c == compartment)

    def holds(self, compartment: str, version: int | None = None) -> bool:
        if version is None:
            return compartment in self.compartments()
        return (compartment, version) in self._bundles

    def bundle(self, compartment: str, version: int) -> Bundle:
        try:
            return self._bundles[(compartment, version)]
        except KeyError:
            raise NotInCompartment(f"no key for {compartment} v{version}") from None

    def bundles(self) -> list[Bundle]:
        return list(self._bundles.values())

    def index_key(self, compartment: str) -> bytes:
        """Blind-index keys carry over from version to version."""
        versions = self.versions(compartment)
        if not versions:
            raise NotInCompartment(f"no key for {compartment}")
        return self._bundles[(compartment, versions[-1])].index_key

    def add(self, bundle: Bundle) -> None:
        self._bundles[(bundle.compartment, bundle.version)] = bundle
        self.memo.clear()


# --- The current keyring ---------------------------------------------------------

_current: contextvars.ContextVar[Callable[[], Keyring | None] | None] = contextvars.ContextVar(
    "safepassage_keyring", default=None
)


@contextmanager
def using_keyring(keyring: Keyring | Callable[[], Keyring | None] | None) -> Iterator[None]:
    """Make ``keyring`` (or a function that builds it on first use) current."""
    if keyring is None or isinstance(keyring, Keyring):
        fixed = keyring

        def loader() -> Keyring | None:
            return fixed

        token = _current.set(loader)
    else:
        token = _current.set(keyring)
    try:
        yield
    finally:
        _current.reset(token)


def current_keyring() -> Keyring:
    loader = _current.get()
    keyring = loader() if loader is not None else None
    if keyring is None:
        raise VaultSealed("no keys are available: log in (or the vault was sealed)")
    return keyring


def current_keyring_or_none() -> Keyring | None:
    loader = _current.get()
    return loader() if loader is not None else None
