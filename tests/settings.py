"""Settings for the test suite: the real settings, with cheap password hashing."""

import os
import tempfile

os.environ.setdefault("SAFEPASSAGE_DATA_DIR", tempfile.mkdtemp(prefix="safepassage-test-"))

from safepassage.settings import *  # noqa: E402, F403

# Argon2id is slow on purpose; tests that are not about hashing use a fast
# hasher (test_passwords.py checks the real configuration).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
