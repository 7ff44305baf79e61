"""Shared set-up for the benchmarks: a fresh data folder and SQLite database,
a key ceremony, and one signed-in staff member holding every compartment."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def django_only(*, keep_database: bool = False, settings: str = "bench.settings") -> str:
    """Django configured on a fresh data folder; returns the folder. The
    database is SQLite in that folder unless ``keep_database`` keeps the
    DATABASE_URL set (scripts/with_postgres.py sets one)."""
    sys.path.insert(0, str(ROOT))
    data = tempfile.mkdtemp(prefix="safepassage-bench-")
    os.environ["SAFEPASSAGE_DATA_DIR"] = data
    if not keep_database:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ["SAFEPASSAGE_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    return data


def setup(
    role: str = "coordinator", *, keep_database: bool = False, settings: str = "bench.settings"
) -> dict[str, Any]:
    """A signed-in staff member of ``role`` with every compartment's keys.
    ``settings``: the platform's own ("safepassage.settings") where the
    bench app's models are not wanted (they are made without migrations,
    which PostgreSQL refuses before the tables they point at exist)."""
    data = django_only(keep_database=keep_database, settings=settings)
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        # scripts/with_postgres.py starts an empty server: the database first.
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')

    call_command("migrate", run_syncdb=True, verbosity=0)
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from safepassage.accounts import actions
    from safepassage.accounts.roles import Role
    from safepassage.accounts.sessions import AUTH_AT, REAUTH_AT, SEEN_AT, now
    from safepassage.accounts.twofactor import new_authenticator
    from safepassage.vault import keys
    from safepassage.vault import session as vault_session

    user, password = actions.create_staff(username="bench", roles=[Role(role)], teams=[], by="cli")
    user.must_change_password = False
    user.save()
    device = new_authenticator(user, confirmed=True)
    _shares, keyring = keys.hold_ceremony(custodians=3, threshold=2, grant_to=[user.pk])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    moment = now()
    session[AUTH_AT] = session[SEEN_AT] = session[REAUTH_AT] = moment
    blob, cookie = vault_session.lock(user.pk, keys.open_keyring(user.pk, password))
    session[vault_session.SESSION_KEY] = blob
    session.save()
    client.cookies[vault_session.COOKIE] = cookie
    return {"client": client, "keyring": keyring, "data": data, "user": user}
