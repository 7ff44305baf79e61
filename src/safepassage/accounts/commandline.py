"""A staff member at the command line: their password, asked at the
terminal or read from the first line of standard input, checked as the
login checks it, and the keys of their compartments opened with it.
Commands that act as someone (`--as USERNAME`) use this one door."""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import CommandError

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.audit.models import Outcome
from safepassage.vault import keys
from safepassage.vault.keyring import Keyring


def staff_with_keys(username: str) -> tuple[User, Keyring]:
    """The active staff member of this name and their keys; a refusal
    (the same for an unknown name and a wrong password) is audited."""
    user = User.objects.filter(username=username.strip().lower()).first()
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    if user is None or not user.is_active or not user.check_password(password):
        record("cli", "access.denied", None, outcome=Outcome.DENIED, need="password")
        raise CommandError("That username and password do not match.")
    return user, keys.open_keyring(user.pk, password)
