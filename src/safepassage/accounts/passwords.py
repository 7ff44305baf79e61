"""Password policy additions. Length and a breached-password list, no
composition rules (NIST SP 800-63B)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAXIMUM_LENGTH = 256


class MaximumLengthValidator:
    """Very long passwords only cost hashing time; refuse them plainly."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > MAXIMUM_LENGTH:
            raise ValidationError(
                _("This password is too long. It must contain at most %(max)d characters."),
                code="password_too_long",
                params={"max": MAXIMUM_LENGTH},
            )

    def get_help_text(self) -> str:
        return _("Your password can be up to %(max)d characters long.") % {"max": MAXIMUM_LENGTH}
