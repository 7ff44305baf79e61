"""The documentation's records, by family (see each module)."""

from safepassage.documentation.models.imports import ImportDraft
from safepassage.documentation.models.people import Person, PersonKind, PersonLink
from safepassage.documentation.models.records import (
    Act,
    Confidentiality,
    Event,
    EventLink,
    EventShare,
    Involvement,
    MonitoringStatus,
    Verification,
    ViolationStatus,
)
from safepassage.documentation.models.sources import Information, Intervention, InterventionStatus
from safepassage.documentation.models.statements import (
    Commitment,
    CommitmentChange,
    CommitmentStatus,
    Statement,
    StatementLink,
)
from safepassage.documentation.models.vocabulary import (
    Term,
    TermsAreNeverDeleted,
    Vocabulary,
    VocabularyVersion,
)

__all__ = [
    "Act",
    "Commitment",
    "CommitmentChange",
    "CommitmentStatus",
    "Confidentiality",
    "Event",
    "EventLink",
    "EventShare",
    "ImportDraft",
    "Information",
    "Intervention",
    "InterventionStatus",
    "Involvement",
    "MonitoringStatus",
    "Person",
    "PersonKind",
    "PersonLink",
    "Statement",
    "StatementLink",
    "Term",
    "TermsAreNeverDeleted",
    "Verification",
    "ViolationStatus",
    "Vocabulary",
    "VocabularyVersion",
]
