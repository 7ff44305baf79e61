"""The documentation's records, by family (see each module)."""

from safepassage.documentation.models.consent import ConsentOrigin, PersonConsent
from safepassage.documentation.models.evidence import (
    MADE_ELSEWHERE,
    CustodyAction,
    CustodyEntry,
    Evidence,
    EvidenceKind,
    EvidenceLink,
    Operation,
    TimestampToken,
)
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
    "MADE_ELSEWHERE",
    "Act",
    "Commitment",
    "CommitmentChange",
    "CommitmentStatus",
    "Confidentiality",
    "ConsentOrigin",
    "CustodyAction",
    "CustodyEntry",
    "Event",
    "EventLink",
    "EventShare",
    "Evidence",
    "EvidenceKind",
    "EvidenceLink",
    "ImportDraft",
    "Information",
    "Intervention",
    "InterventionStatus",
    "Involvement",
    "MonitoringStatus",
    "Operation",
    "Person",
    "PersonConsent",
    "PersonKind",
    "PersonLink",
    "Statement",
    "StatementLink",
    "Term",
    "TermsAreNeverDeleted",
    "TimestampToken",
    "Verification",
    "ViolationStatus",
    "Vocabulary",
    "VocabularyVersion",
]
