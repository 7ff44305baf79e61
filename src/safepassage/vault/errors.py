"""Typed errors of the vault. Messages name what failed, never content."""

from __future__ import annotations


class VaultError(Exception):
    """Base of every vault error."""


class VaultSealed(VaultError):
    """No keys are available: nobody is logged in, or the vault was sealed."""


class NotInCompartment(VaultError):
    """The keys at hand do not include this compartment (or this version)."""


class Tampered(VaultError):
    """A ciphertext failed authentication: altered, truncated, or moved to
    another row, column or compartment."""


class WrongPassword(VaultError):
    """A password did not open a user key."""


class RecoveryFailed(VaultError):
    """Custodian shares did not recover the recovery key."""


class NotInitialised(VaultError):
    """The key ceremony has not been held yet (`safepassage keys init`)."""


class UploadRefused(VaultError):
    """An upload broke a limit; the message is safe to show."""
