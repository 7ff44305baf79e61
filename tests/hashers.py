"""Argon2id at the cheapest cost the library allows, for passwords the
tests set for a real server to check (tests/browser).

The server hashes with Argon2id only, and reads a hash's cost from the hash
itself, so it checks these as it checks its own; at the first sign-in it
hashes the password again at its own cost, as it would after a change of
cost. At the real cost each account the tests make took about 0.2 s."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: eight times the parallelism at least
    parallelism = 1


SERVER_READABLE = ["tests.hashers.CheapArgon2PasswordHasher"]
