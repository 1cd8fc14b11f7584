"""SQLAlchemy 2 models of the care service.

Person-level text (names, birth dates, contacts, notes, plans) is stored in
encrypted columns (:class:`EncryptedText`, :class:`EncryptedJSON`); the engine from
:func:`nowrongdoor.care.db.make_engine` carries the key.
"""

from nowrongdoor.care.models._audit import AuditEvent, AuditHead
from nowrongdoor.care.models._base import (
    Base,
    EncryptedJSON,
    EncryptedText,
    UTCDateTime,
    bind_cipher,
    utcnow,
)
from nowrongdoor.care.models._case import (
    Barrier,
    Case,
    CaseEvent,
    Goal,
    Need,
    Note,
    SafetyPlan,
    Task,
)
from nowrongdoor.care.models._fhir_client import (
    PartnerClient,
    PartnerClientJti,
    PartnerClientToken,
)
from nowrongdoor.care.models._fhir_link import (
    FhirEndpoint,
    FhirExport,
    FhirInbound,
    FhirOutbound,
)
from nowrongdoor.care.models._investigate import (
    LEAD_DECISIONS,
    InvAd,
    InvContact,
    InvEdge,
    InvImage,
    InvLead,
    InvOperation,
)
from nowrongdoor.care.models._investigate_notes import InvOperationNote
from nowrongdoor.care.models._org import ApiToken, Organization, User, UserSession
from nowrongdoor.care.models._partner import (
    PartnerLocation,
    PartnerPhone,
    PartnerService,
    ServiceAtLocation,
)
from nowrongdoor.care.models._person import (
    Consent,
    Intake,
    Person,
    RiskFlag,
    Screening,
)
from nowrongdoor.care.models._referral import Referral, ReferralEvent
from nowrongdoor.care.models._retention import PurgeTally
from nowrongdoor.care.models._training import (
    TrainingAttempt,
    TrainingCompletion,
    TrainingLead,
)

__all__ = [
    "LEAD_DECISIONS",
    "ApiToken",
    "AuditEvent",
    "AuditHead",
    "Barrier",
    "Base",
    "Case",
    "CaseEvent",
    "Consent",
    "EncryptedJSON",
    "EncryptedText",
    "FhirEndpoint",
    "FhirExport",
    "FhirInbound",
    "FhirOutbound",
    "Goal",
    "Intake",
    "InvAd",
    "InvContact",
    "InvEdge",
    "InvImage",
    "InvLead",
    "InvOperation",
    "InvOperationNote",
    "Need",
    "Note",
    "PartnerClient",
    "PartnerClientJti",
    "PartnerClientToken",
    "Organization",
    "PartnerLocation",
    "PartnerPhone",
    "PartnerService",
    "Person",
    "PurgeTally",
    "Referral",
    "ReferralEvent",
    "RiskFlag",
    "SafetyPlan",
    "Screening",
    "ServiceAtLocation",
    "Task",
    "TrainingAttempt",
    "TrainingCompletion",
    "TrainingLead",
    "UTCDateTime",
    "User",
    "UserSession",
    "bind_cipher",
    "utcnow",
]
