"""The records of casework, by family: one module each (core: the case,
its people and the contact index), all imported here so that
``safepassage.cases.models`` names every model."""

from safepassage.cases.models.core import (
    CODE_ALPHABET,
    LEGACY_IDENTITY,
    AnswersField,
    Case,
    ContactIndex,
    IdentityField,
    Person,
    Role,
    Stage,
    new_case_code,
)
from safepassage.cases.models.safehouses import SafeHouse, Stay

__all__ = [
    "CODE_ALPHABET",
    "LEGACY_IDENTITY",
    "AnswersField",
    "Case",
    "ContactIndex",
    "IdentityField",
    "Person",
    "Role",
    "SafeHouse",
    "Stage",
    "Stay",
    "new_case_code",
]
