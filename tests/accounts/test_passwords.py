"""Password policy: Argon2id, a minimum length, a breached-password list,
no composition rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from safepassage import settings as real_settings
from safepassage.accounts.models import User


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2id() -> None:
    with override_settings(PASSWORD_HASHERS=real_settings.PASSWORD_HASHERS):
        user = User(username="hash-check")
        user.set_password("a long enough passphrase")
        assert user.password.startswith("argon2$argon2id$")
        assert user.check_password("a long enough passphrase")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short pass", "too short"),
        ("password1234", "too common"),
        ("123456789012345", "entirely numeric"),
        ("x" * 257, "too long"),
    ],
)
def test_weak_passwords_are_refused(password: str, problem: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert problem in " ".join(error.value.messages)


def test_no_composition_rules() -> None:
    validate_password("correct horse battery staple")  # all lower case: fine
