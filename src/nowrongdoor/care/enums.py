"""Closed vocabularies of the care service (roles, doors, statuses, categories).

They are ``StrEnum`` so values compare equal to plain strings, serialise as strings
in JSON and are stored as short strings in the database.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "CaseStatus",
    "CloseReason",
    "ConsentScope",
    "ConsentType",
    "Door",
    "IntakeStatus",
    "NeedCategory",
    "NeedStatus",
    "OrgKind",
    "Pathway",
    "ReferralStatus",
    "Role",
    "Scope",
    "Sensitivity",
    "TaskStatus",
    "ToldVia",
]


class Role(StrEnum):
    """What a user may do; see ``nowrongdoor.care.rbac`` for the matrix."""

    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    CARE_MANAGER = "care_manager"
    ANALYST = "analyst"
    PARTNER_USER = "partner_user"
    #: Works the investigator workspace (ads, operations, leads); no care records.
    INVESTIGATOR = "investigator"


class Scope(StrEnum):
    """Which records a role reaches (Primero's record scopes)."""

    OWN = "own"
    TEAM = "team"
    ORGANISATION = "organisation"
    ALL = "all"


class OrgKind(StrEnum):
    """Organisation kinds: the plan/provider running the program, or a partner."""

    PLAN = "plan"
    PROVIDER = "provider"
    PARTNER = "partner"


class Door(StrEnum):
    """The door a person came through (there is no wrong door)."""

    HOSPITAL = "hospital"
    LAW_ENFORCEMENT = "law_enforcement"
    SELF = "self"
    TEACHER = "teacher"
    THERAPIST = "therapist"
    RETURNED_RUNAWAY = "returned_runaway"
    OTHER_VICTIM = "other_victim"
    FAMILY = "family"
    CLAIMS_FLAG = "claims_flag"
    AD_MATCH = "ad_match"
    PARTNER = "partner"


class IntakeStatus(StrEnum):
    """Review state of an intake (ad-match leads arrive as ``new``)."""

    NEW = "new"
    REVIEWED = "reviewed"
    DISMISSED = "dismissed"


class Pathway(StrEnum):
    """The deck's pathways."""

    PREVENT = "prevent"
    SURVIVE = "survive"
    THRIVE = "thrive"


class CaseStatus(StrEnum):
    """Case life cycle: open -> active -> closed (with reason); reopen."""

    OPEN = "open"
    ACTIVE = "active"
    CLOSED = "closed"


class CloseReason(StrEnum):
    """Why a case was closed."""

    GOALS_MET = "goals_met"
    DECLINED_SERVICES = "declined_services"
    LOST_CONTACT = "lost_contact"
    MOVED = "moved"
    TRANSFERRED = "transferred"
    NOT_ELIGIBLE = "not_eligible"
    OTHER = "other"


class ReferralStatus(StrEnum):
    """Closed-loop referral states.

    ``received``: the partner's system has acknowledged the referral (FHIR Task
    ``received``) but nobody has accepted or declined it yet.
    """

    DRAFT = "draft"
    SENT = "sent"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ToldVia(StrEnum):
    """How a partner that is not on the system told the referring team of a
    move the team then recorded on the partner's behalf."""

    PHONE = "phone"
    EMAIL = "email"
    IN_PERSON = "in_person"
    LETTER = "letter"


class NeedCategory(StrEnum):
    """Gravity Project SDOH domains, plus the local human-trafficking category."""

    FOOD_INSECURITY = "food_insecurity"
    HOUSING_INSTABILITY = "housing_instability"
    HOMELESSNESS = "homelessness"
    INADEQUATE_HOUSING = "inadequate_housing"
    TRANSPORTATION_INSECURITY = "transportation_insecurity"
    FINANCIAL_STRAIN = "financial_strain"
    MATERIAL_HARDSHIP = "material_hardship"
    EMPLOYMENT_STATUS = "employment_status"
    EDUCATIONAL_ATTAINMENT = "educational_attainment"
    VETERAN_STATUS = "veteran_status"
    STRESS = "stress"
    SOCIAL_CONNECTION = "social_connection"
    INTIMATE_PARTNER_VIOLENCE = "intimate_partner_violence"
    ELDER_ABUSE = "elder_abuse"
    HEALTH_LITERACY = "health_literacy"
    MEDICAL_COST_BURDEN = "medical_cost_burden"
    HEALTH_INSURANCE_COVERAGE = "health_insurance_coverage"
    DIGITAL_LITERACY = "digital_literacy"
    DIGITAL_ACCESS = "digital_access"
    UTILITY_INSECURITY = "utility_insecurity"
    LEGAL = "legal"
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_USE = "substance_use"
    HUMAN_TRAFFICKING = "human_trafficking"


class NeedStatus(StrEnum):
    """Progress on a need, goal or barrier."""

    IDENTIFIED = "identified"
    IN_PROGRESS = "in_progress"
    MET = "met"
    NOT_MET = "not_met"


class TaskStatus(StrEnum):
    """Task state."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class ConsentType(StrEnum):
    """Consent a person gave (or refused)."""

    SHARE_WITH_PARTNERS = "share_with_partners"
    PART2_DISCLOSURE = "part2_disclosure"
    CASE_MANAGEMENT = "case_management"
    OUTREACH = "outreach"


class ConsentScope(StrEnum):
    """Who a consent covers."""

    ANY_PARTNER = "any_partner"
    ORGANISATION = "organisation"
    CARE_TEAM = "care_team"


class Sensitivity(StrEnum):
    """Sensitive-category labels; ``part2`` is substance use under 42 CFR Part 2."""

    NORMAL = "normal"
    PART2 = "part2"
    MENTAL_HEALTH = "mental_health"
    HIV = "hiv"
