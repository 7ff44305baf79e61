"""OpenPGP detached signatures from outside (a ProofMode bundle's), checked
with GnuPG (Debian's ``gpg``), never with code of our own.

Each check runs in a temporary GNUPGHOME holding only the public key that
came with the signatures, so a signature is good only if that key made it:
nothing in any other keyring is consulted, and nothing is kept after. The
signed data goes to gpg on its standard input and each signature on a pipe
(``--enable-special-filenames``): neither is written to a file. The
temporary home (the imported public key) is made in memory (/dev/shm)
where the system has it. Every gpg run has a timeout; a missing gpg or one
that times out raises OpenPGPUnavailable, and the caller records that the
signatures were not checked, never that they were good.

A key that arrives with the signatures is whoever's key it says it is: a
good signature proves the files have not changed since that key signed
them, not who holds it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from safepassage.vault.errors import VaultError

TIMEOUT_SECONDS = 30
KEY_MAX_BYTES = 256 * 1024
SIGNATURE_MAX_BYTES = 16 * 1024  # fits a pipe's buffer, written before gpg reads it
_MEMORY = Path("/dev/shm")  # noqa: S108 - a tmpfs: the key is never written to a disk

# What a check can say of a signature.
GOOD = "good"
BAD = "bad"  # made by the key, over other bytes: the file or the signature changed
OTHER_KEY = "other_key"  # made by a key that is not the one in the bundle
NOT_A_SIGNATURE = "not_a_signature"
EXPIRED_KEY = "expired_key"  # good, but the key had expired
REVOKED_KEY = "revoked_key"  # good, but the key is revoked
UNREADABLE = "unreadable"


class OpenPGPUnavailable(VaultError):
    """gpg is not installed, or did not answer in time: nothing was checked."""


@dataclass(frozen=True)
class SignatureCheck:
    status: str
    fingerprint: str = ""  # the signing key's primary fingerprint, when good
    signed_at: str = ""  # when the signature says it was made (ISO, UTC)

    @property
    def good(self) -> bool:
        return self.status == GOOD


def _gpg() -> str:
    found = shutil.which("gpg")
    if found is None:
        raise OpenPGPUnavailable("gpg is not installed")
    return found


def _home_parent() -> str | None:
    if _MEMORY.is_dir() and os.access(_MEMORY, os.W_OK | os.X_OK):
        return str(_MEMORY)
    return None


class DeviceKeyring:
    """A throwaway keyring holding one bundle's public key."""

    def __init__(self, home: str, gpg: str) -> None:
        self.home = home
        self.gpg = gpg
        self.fingerprints: list[str] = []

    def _run(
        self, *args: str, data: bytes = b"", pass_fds: tuple[int, ...] = ()
    ) -> subprocess.CompletedProcess[bytes]:
        command = [self.gpg, "--homedir", self.home, "--batch", "--no-tty", "--no-autostart"]
        try:
            return subprocess.run(  # noqa: S603 - gpg by its full path, no shell
                [*command, *args],
                input=data,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                pass_fds=pass_fds,
                check=False,
                env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C", "GNUPGHOME": self.home},
            )
        except subprocess.TimeoutExpired as error:
            raise OpenPGPUnavailable("gpg did not answer in time") from error

    def _import(self, armored: bytes) -> None:
        if len(armored) > KEY_MAX_BYTES:
            return
        self._run("--status-fd", "1", "--import", data=armored)
        listed = self._run("--with-colons", "--list-keys")
        primary = False
        for line in listed.stdout.decode("ascii", "replace").splitlines():
            fields = line.split(":")
            if fields[0] == "pub":
                primary = True
            elif fields[0] == "sub":
                primary = False
            elif fields[0] == "fpr" and primary and len(fields) > 9:
                self.fingerprints.append(fields[9])
                primary = False

    def check(self, data: bytes, signature: bytes) -> SignatureCheck:
        """Whether ``signature`` (detached, armored or binary) is a good
        signature over ``data`` by the bundle's key."""
        if not signature or len(signature) > SIGNATURE_MAX_BYTES:
            return SignatureCheck(NOT_A_SIGNATURE)
        read, write = os.pipe()
        try:
            os.write(write, signature)
            os.close(write)
            write = -1
            done = self._run(
                "--status-fd",
                "1",
                "--enable-special-filenames",
                "--verify",
                "--",
                f"-&{read}",
                "-",
                data=data,
                pass_fds=(read,),
            )
        finally:
            os.close(read)
            if write != -1:
                os.close(write)
        return _reading(done.stdout.decode("utf-8", "replace"))


def _reading(status: str) -> SignatureCheck:
    """A verdict from gpg's machine-readable status lines."""
    words: dict[str, list[str]] = {}
    for line in status.splitlines():
        if line.startswith("[GNUPG:] "):
            parts = line.split()[1:]
            if parts:
                words.setdefault(parts[0], parts[1:])
    if "BADSIG" in words:
        return SignatureCheck(BAD)
    valid = words.get("VALIDSIG")
    if valid is not None and len(valid) >= 10:
        fingerprint = valid[9]
        when = (
            datetime.fromtimestamp(int(valid[2]), tz=UTC).isoformat() if valid[2].isdigit() else ""
        )
        if "REVKEYSIG" in words:
            return SignatureCheck(REVOKED_KEY, fingerprint, when)
        if "EXPKEYSIG" in words:
            return SignatureCheck(EXPIRED_KEY, fingerprint, when)
        if "GOODSIG" in words:
            return SignatureCheck(GOOD, fingerprint, when)
    if "NO_PUBKEY" in words or (words.get("ERRSIG", [""] * 6)[5:6] == ["9"]):
        return SignatureCheck(OTHER_KEY)
    if "NODATA" in words:
        return SignatureCheck(NOT_A_SIGNATURE)
    return SignatureCheck(UNREADABLE)


@contextlib.contextmanager
def device_keyring(armored_key: bytes) -> Iterator[DeviceKeyring]:
    """A keyring holding only ``armored_key`` (its fingerprints in
    ``.fingerprints``, empty if it held no key), gone on exit."""
    gpg = _gpg()
    with tempfile.TemporaryDirectory(prefix="safepassage-pgp-", dir=_home_parent()) as home:
        keyring = DeviceKeyring(home, gpg)
        keyring._import(armored_key)
        yield keyring


@contextlib.contextmanager
def demo_device(name: str) -> Iterator[DemoDevice]:
    """A new Ed25519 signing key standing for a phone's ProofMode key (for
    the demo and the tests), gone on exit with its agent."""
    gpg = _gpg()
    with tempfile.TemporaryDirectory(prefix="safepassage-pgp-", dir=_home_parent()) as home:
        device = DemoDevice(home, gpg)
        try:
            device._run("--passphrase", "", "--quick-gen-key", name, "ed25519", "sign", "never")
            yield device
        finally:
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                subprocess.run(  # noqa: S603 - gpgconf by its full path, no shell
                    [shutil.which("gpgconf") or "gpgconf", "--homedir", home, "--kill", "all"],
                    capture_output=True,
                    timeout=TIMEOUT_SECONDS,
                    check=False,
                )


class DemoDevice(DeviceKeyring):
    """A signing key of an invented device."""

    def _run(
        self, *args: str, data: bytes = b"", pass_fds: tuple[int, ...] = ()
    ) -> subprocess.CompletedProcess[bytes]:
        command = [self.gpg, "--homedir", self.home, "--batch", "--no-tty", "--pinentry-mode"]
        try:
            return subprocess.run(  # noqa: S603 - gpg by its full path, no shell
                [*command, "loopback", *args],
                input=data,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                pass_fds=pass_fds,
                check=True,
                env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C", "GNUPGHOME": self.home},
            )
        except subprocess.TimeoutExpired as error:
            raise OpenPGPUnavailable("gpg did not answer in time") from error
        except subprocess.CalledProcessError as error:
            raise OpenPGPUnavailable("gpg could not make or use the demo key") from error

    def fingerprint(self) -> str:
        """The primary key's fingerprint."""
        listed = self._run("--with-colons", "--list-keys").stdout.decode("ascii", "replace")
        return next(line.split(":")[9] for line in listed.splitlines() if line.startswith("fpr:"))

    def public_key(self) -> bytes:
        return self._run("--armor", "--export").stdout

    def sign(self, data: bytes) -> bytes:
        """An armored detached signature over ``data``."""
        return self._run("--armor", "--detach-sign", "--output", "-", data=data).stdout
