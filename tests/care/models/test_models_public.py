"""care.models: its public names, each listed once in the module defining it."""

from __future__ import annotations

import importlib

import nowrongdoor.care.models as models

PUBLIC = {
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
}


def test_public_names_are_unchanged_and_listed_once() -> None:
    assert len(models.__all__) == len(set(models.__all__))
    assert set(models.__all__) == PUBLIC


def test_every_public_name_is_in_its_defining_modules_list() -> None:
    for name in models.__all__:
        value = getattr(models, name)
        owner = getattr(value, "__module__", None)
        if owner is not None and owner.startswith("nowrongdoor.care.models."):
            assert name in importlib.import_module(owner).__all__, (name, owner)
