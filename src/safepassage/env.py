"""Strict parsing of configuration from the environment.

Every setting is read through one of these functions. A value that does not
parse stops start-up with a ConfigError naming the variable and what it
accepts; an unknown ``SAFEPASSAGE_*`` variable is an error too, so a typo
never passes silently. Secrets may come from ``NAME_FILE`` instead of
``NAME`` (a file mounted by the orchestrator), never from both.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PREFIX = "SAFEPASSAGE_"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConfigError(ImproperlyConfigured):
    """A configuration value is missing or malformed."""


class Env:
    """Reads settings from a mapping (``os.environ`` by default) and remembers
    which names were asked for, so unknown ones can be reported."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ
        self.known: set[str] = set()

    def _raw(self, name: str) -> str | None:
        self.known.add(name)
        value = self.environ.get(name)
        if value is None:
            return None
        return value.strip()

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self._raw(name)
        if value is None or value == "":
            return default
        return value

    def secret(self, name: str) -> str | None:
        """A secret from NAME or from the file named by NAME_FILE."""
        direct = self._raw(name)
        file_name = self._raw(name + "_FILE")
        if direct and file_name:
            raise ConfigError(f"{name} and {name}_FILE are both set; set only one of them.")
        if file_name:
            path = Path(file_name)
            try:
                value = path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(
                    f"{name}_FILE names {file_name!r}, which cannot be read "
                    f"({exc.__class__.__name__})."
                ) from None
            if not value:
                raise ConfigError(f"{name}_FILE names {file_name!r}, which is empty.")
            return value
        return direct or None

    def flag(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None or value == "":
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigError(f"{name} must be true or false (or 1/0, yes/no, on/off), not {value!r}.")

    def number(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        value = self._raw(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None
        if not minimum <= number <= maximum:
            raise ConfigError(f"{name} must be between {minimum} and {maximum}, not {number}.")
        return number

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self._raw(name)
        if value is None or value == "":
            return default
        if value not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
        return value

    def items(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None or value == "":
            return list(default)
        items = [item.strip() for item in value.split(",")]
        if any(not item for item in items):
            raise ConfigError(f"{name} is a comma-separated list with an empty item: {value!r}.")
        return items

    def check_unknown(self) -> None:
        """Refuse SAFEPASSAGE_* variables that no setting reads (typos)."""
        unknown = sorted(
            key for key in self.environ if key.startswith(PREFIX) and key not in self.known
        )
        if unknown:
            raise ConfigError(
                "Unknown setting(s): "
                + ", ".join(unknown)
                + ". See docs/configuration.md for the settings safepassage reads."
            )


def generated_secret(path: Path) -> str:
    """Read a development secret from ``path``, creating it (mode 0600) on first use."""
    try:
        value = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        value = ""
    if value:
        return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value


# Group and others: nothing that safepassage writes is for them.
NOT_OURS = stat.S_IRWXG | stat.S_IRWXO


def keep_private(data_dir: Path) -> list[Path]:
    """Make every file this process creates readable by its own user only
    (umask 077: files 0600, folders 0700), create the data folder 0700, and
    take group and other permissions away from the folder and what it
    holds at its top level (the database, the secrets, the file store's
    folder), with a warning for each. Returns what was tightened.

    Called first thing by the settings, so it covers every entry point:
    the command, the server's workers and the test suite."""
    os.umask(0o077)
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(
            f"SAFEPASSAGE_DATA_DIR names {str(data_dir)!r}, which cannot be created "
            f"({error.__class__.__name__})."
        ) from None
    tightened = []
    for path in [data_dir, *sorted(data_dir.iterdir())]:
        if tighten(path):
            tightened.append(path)
    return tightened


def tighten(path: Path) -> bool:
    """Take group and other permissions away from ``path`` (not following a
    symbolic link), with a warning; True if it had any."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(mode) or not mode & NOT_OURS:
        return False
    try:
        path.chmod(stat.S_IMODE(mode) & ~NOT_OURS)
    except OSError as error:
        _log.warning(
            "%s is readable by other users and cannot be made private (%s): "
            "chmod go-rwx it as its owner",
            path,
            error.__class__.__name__,
        )
        return False
    _log.warning(
        "%s was readable by other users (mode %o); it is now private (mode %o)",
        path,
        stat.S_IMODE(mode),
        stat.S_IMODE(mode) & ~NOT_OURS,
    )
    return True


_log = logging.getLogger("safepassage.datadir")
