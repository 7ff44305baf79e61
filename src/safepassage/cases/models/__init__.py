"""The records of casework, by family: one module each (core: the case,
its people and the contact index), all imported here so that
``safepassage.cases.models`` names every model."""

from safepassage.cases.models.consent import (
    Consent,
    ConsentKind,
    ConsentMethod,
    ConsentOverride,
    Part,
    PartnerOrganisation,
    ReceivedBundle,
    SentBundle,
    SentStatus,
    ShareKind,
)
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

__all__ = [
    "CODE_ALPHABET",
    "LEGACY_IDENTITY",
    "AnswersField",
    "Case",
    "Consent",
    "ConsentKind",
    "ConsentMethod",
    "ConsentOverride",
    "ContactIndex",
    "IdentityField",
    "Part",
    "PartnerOrganisation",
    "Person",
    "ReceivedBundle",
    "Role",
    "SentBundle",
    "SentStatus",
    "ShareKind",
    "Stage",
    "new_case_code",
]
