"""Settings for the test suite: the real settings, with cheap password hashing."""

import os
import tempfile

os.environ.setdefault("SAFEPASSAGE_DATA_DIR", tempfile.mkdtemp(prefix="safepassage-test-"))

from safepassage.settings import *  # noqa: F403

# Argon2id is slow on purpose; tests that are not about hashing use a fast
# hasher (test_passwords.py checks the real configuration).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A model with every kind of encrypted field (tables made without migrations),
# and an app that runs background jobs of its own kinds (tests/jobs).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.specimens", "tests.jobs.chores"]  # noqa: F405

# The cheapest Argon2id libsodium allows, for user keys in tests.
VAULT_ARGON2_OPSLIMIT = 1
VAULT_ARGON2_MEMLIMIT = 8192

if DATABASES["default"]["ENGINE"] == "safepassage.sqlite":  # noqa: F405
    # A file, as in production (WAL, a busy timeout), rather than shared memory.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(os.environ["SAFEPASSAGE_DATA_DIR"], "test.sqlite3")
    }
