"""Password policy additions. Length and a breached-password list, no
composition rules (NIST SP 800-63B)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

MAXIMUM_LENGTH = 256


class MaximumLengthValidator:
    """Very long passwords only cost hashing time; refuse them plainly."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > MAXIMUM_LENGTH:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max)d character.",
                    "This password is too long. It must contain at most %(max)d characters.",
                    MAXIMUM_LENGTH,
                ),
                code="password_too_long",
                params={"max": MAXIMUM_LENGTH},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password can be up to %(max)d character long.",
            "Your password can be up to %(max)d characters long.",
            MAXIMUM_LENGTH,
        ) % {"max": MAXIMUM_LENGTH}
