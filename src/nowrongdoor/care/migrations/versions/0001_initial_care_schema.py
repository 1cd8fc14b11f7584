"""The initial care schema: users and organisations, the partner directory,
persons, cases and their children, referrals, the audit chain.

Create Date: 2026-11-28 17:12:52.001205
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nowrongdoor.care.migrations import _ops

revision: str = "0001"
down_revision: str | None = None

AUDIT_EVENT = _ops.Table(
    "audit_event",
    [
        _ops.col("seq", _ops.BIG_INT, extra={"autoincrement": False}),
        _ops.stamp("at"),
        _ops.string("request_id", 64, null=True),
        _ops.integer("user_id", null=True),
        _ops.string("username", 150, null=True),
        _ops.string("role", 32, null=True),
        _ops.string("action", 60),
        _ops.string("resource_type", 40, null=True),
        _ops.string("resource_id", 64, null=True),
        _ops.integer("person_id", null=True, index=True),
        _ops.string("outcome", 16),
        _ops.string("detail", 300, null=True),
        _ops.string("prev_hash", 64),
        _ops.string("hash", 64),
    ],
    key=("seq",),
)

AUDIT_HEAD = _ops.Table(
    "audit_head",
    [
        _ops.col("last_seq", _ops.BIG_INT),
        _ops.string("last_hash", 64),
    ],
)

ORGANIZATION = _ops.Table(
    "organization",
    [
        _ops.string("name", 300),
        _ops.string("kind", 16),
        _ops.string("hsds_id", 64, null=True, unique=True),
        _ops.string("alternate_name", 300, null=True),
        _ops.text("description", null=True),
        _ops.string("email", 300, null=True),
        _ops.string("website", 500, null=True),
        _ops.stamp("created_at"),
    ],
)

APP_USER = _ops.Table(
    "app_user",
    [
        _ops.organization(),
        _ops.string("username", 150, unique=True),
        _ops.string("display_name", 200),
        _ops.string("role", 32),
        _ops.string("team", 100, null=True),
        _ops.string("password_hash", 300),
        _ops.flag("is_active"),
        _ops.integer("failed_logins"),
        _ops.stamp("locked_until", null=True),
        _ops.stamp("last_login_at", null=True),
        _ops.stamp("created_at"),
    ],
    indexes={"ix_app_user_org_role": ["organization_id", "role"]},
)

PARTNER_LOCATION = _ops.Table(
    "partner_location",
    [
        _ops.string("hsds_id", 64, null=True, unique=True),
        _ops.ref("organization_id", "organization", null=True, index=True),
        _ops.string("name", 300, null=True),
        _ops.string("address_1", 300, null=True),
        _ops.string("city", 120, null=True),
        _ops.string("state_province", 120, null=True),
        _ops.string("postal_code", 40, null=True),
        _ops.string("country", 8, null=True),
        _ops.double("latitude", null=True),
        _ops.double("longitude", null=True),
    ],
)

PARTNER_SERVICE = _ops.Table(
    "partner_service",
    [
        _ops.string("hsds_id", 64, null=True, unique=True),
        _ops.ref("organization_id", "organization", index=True),
        _ops.string("name", 300),
        _ops.string("alternate_name", 300, null=True),
        _ops.text("description", null=True),
        _ops.string("status", 32),
        _ops.string("url", 500, null=True),
        _ops.string("email", 300, null=True),
        _ops.text("eligibility", null=True),
        _ops.integer("minimum_age", null=True),
        _ops.integer("maximum_age", null=True),
        _ops.text("service_types"),
        _ops.stamp("imported_at"),
    ],
)

API_TOKEN = _ops.Table(
    "api_token",
    [
        _ops.string("name", 100),
        _ops.string("token_hash", 64, unique=True),
        _ops.user_owned(index=True),
        _ops.stamp("created_at"),
        _ops.stamp("expires_at", null=True),
        _ops.stamp("revoked_at", null=True),
        _ops.stamp("last_used_at", null=True),
    ],
)

PARTNER_PHONE = _ops.Table(
    "partner_phone",
    [
        _ops.string("hsds_id", 64, null=True),
        _ops.ref("organization_id", "organization", null=True, index=True),
        _ops.ref("service_id", "partner_service", null=True, ondelete="CASCADE"),
        _ops.ref("location_id", "partner_location", null=True, ondelete="CASCADE"),
        _ops.string("number", 60),
        _ops.string("extension", 20, null=True),
        _ops.string("phone_type", 20, null=True),
        _ops.text("description", null=True),
    ],
)

PERSON = _ops.Table(
    "person",
    [
        _ops.string("pseudonym", 20, unique=True),
        _ops.organization(),
        _ops.actor("owner_id"),
        *_ops.encrypted(
            "given_name", "family_name", "birth_date", "contacts", "member_id"
        ),
        *_ops.blind_indexes("given_name", "family_name", "member_id"),
        _ops.integer("birth_year", null=True),
        _ops.string("gender", 40, null=True),
        _ops.flag("do_not_contact"),
        _ops.stamp("created_at"),
        _ops.stamp("updated_at"),
    ],
    indexes={"ix_person_org_owner": ["organization_id", "owner_id"]},
)

SERVICE_AT_LOCATION = _ops.Table(
    "service_at_location",
    [
        _ops.string("hsds_id", 64, null=True, unique=True),
        _ops.ref("service_id", "partner_service", index=True, ondelete="CASCADE"),
        _ops.ref("location_id", "partner_location", index=True, ondelete="CASCADE"),
        _ops.text("description", null=True),
    ],
)

USER_SESSION = _ops.Table(
    "user_session",
    [
        _ops.string("token_hash", 64, unique=True),
        _ops.string("csrf_token", 64),
        _ops.user_owned(index=True),
        _ops.stamp("created_at"),
        _ops.stamp("expires_at"),
        _ops.stamp("revoked_at", null=True),
    ],
)

CARE_CASE = _ops.Table(
    "care_case",
    [
        _ops.person_record(),
        _ops.organization(),
        _ops.actor("owner_id"),
        _ops.string("pathway", 16),
        _ops.string("status", 16),
        _ops.string("close_reason", 32, null=True),
        _ops.text("close_note", null=True),
        _ops.stamp("opened_at"),
        _ops.stamp("activated_at", null=True),
        _ops.stamp("closed_at", null=True),
        _ops.integer("reopened_count"),
        _ops.stamp("updated_at"),
    ],
    indexes={
        "ix_care_case_org_owner_status": ["organization_id", "owner_id", "status"]
    },
)

CONSENT = _ops.Table(
    "consent",
    [
        _ops.person_record(),
        _ops.string("consent_type", 32),
        _ops.string("scope", 32),
        _ops.ref("scope_organization_id", "organization", null=True),
        _ops.flag("granted"),
        _ops.text("note", null=True),
        _ops.stamp("given_at"),
        _ops.stamp("expires_at", null=True),
        _ops.stamp("revoked_at", null=True),
        _ops.actor("recorded_by_id"),
    ],
)

INTAKE = _ops.Table(
    "intake",
    [
        _ops.person_record(null=True),
        _ops.organization(),
        _ops.actor("owner_id"),
        _ops.string("door", 32),
        _ops.string("status", 16),
        _ops.text("summary", null=True),
        _ops.string("source_ref", 200, null=True, unique=True),
        _ops.text("lead", null=True),
        _ops.stamp("received_at"),
        _ops.stamp("reviewed_at", null=True),
        _ops.actor("reviewed_by_id"),
        _ops.actor("created_by_id"),
    ],
    indexes={"ix_intake_org_status": ["organization_id", "status"]},
)

RISK_FLAG = _ops.Table(
    "risk_flag",
    [
        _ops.person_record(),
        _ops.organization(),
        _ops.string("source", 200),
        _ops.string("tier", 32),
        _ops.double("score"),
        _ops.string("pathway", 16, null=True),
        _ops.integer("age", null=True),
        _ops.text("reasons", null=True),
        _ops.sensitivity(),
        _ops.flag("reviewed"),
        _ops.stamp("imported_at"),
    ],
)

BARRIER = _ops.Table(
    "barrier",
    [
        _ops.case_child(),
        _ops.text("description"),
        _ops.string("status", 16),
        _ops.stamp("created_at"),
    ],
)

CASE_EVENT = _ops.Table(
    "case_event",
    [
        _ops.case_child(),
        _ops.string("kind", 40),
        _ops.text("detail", null=True),
        _ops.actor("actor_id"),
        _ops.stamp("at"),
    ],
)

NEED = _ops.Table(
    "need",
    [
        _ops.case_child(),
        _ops.string("category", 40),
        _ops.string("status", 16),
        _ops.text("description", null=True),
        _ops.sensitivity(),
        _ops.actor("created_by_id"),
        _ops.stamp("created_at"),
    ],
)

NOTE = _ops.Table(
    "note",
    [
        _ops.case_child(),
        _ops.actor("author_id"),
        _ops.text("text"),
        _ops.sensitivity(),
        _ops.stamp("created_at"),
    ],
)

REFERRAL = _ops.Table(
    "referral",
    [
        _ops.ref("case_id", "care_case", index=True),
        _ops.person_record(),
        _ops.ref("from_organization_id", "organization"),
        _ops.ref("to_organization_id", "organization"),
        _ops.ref("service_id", "partner_service", null=True),
        _ops.actor("owner_id"),
        _ops.string("status", 16),
        _ops.string("need_category", 40, null=True),
        _ops.text("reason", null=True),
        _ops.flag("do_not_contact"),
        _ops.ref("consent_id", "consent", null=True),
        _ops.text("override_reason", null=True),
        _ops.actor("override_by_id"),
        _ops.text("response_note", null=True),
        _ops.stamp("created_at"),
        _ops.stamp("sent_at", null=True),
        _ops.stamp("accepted_at", null=True),
        _ops.stamp("declined_at", null=True),
        _ops.stamp("in_progress_at", null=True),
        _ops.stamp("completed_at", null=True),
        _ops.stamp("cancelled_at", null=True),
        _ops.stamp("updated_at"),
    ],
    indexes={
        "ix_referral_from_org_owner": ["from_organization_id", "owner_id"],
        "ix_referral_to_org_status": ["to_organization_id", "status"],
    },
)

SAFETY_PLAN = _ops.Table(
    "safety_plan",
    [
        _ops.ref("case_id", "care_case", unique=True, ondelete="CASCADE"),
        _ops.text("plan"),
        _ops.actor("updated_by_id"),
        _ops.stamp("updated_at"),
    ],
)

SCREENING = _ops.Table(
    "screening",
    [
        _ops.person_record(),
        _ops.ref("case_id", "care_case", null=True),
        _ops.ref("intake_id", "intake", null=True),
        _ops.string("instrument_id", 100),
        _ops.flag("positive"),
        _ops.string("recommended_pathway", 16, null=True),
        _ops.text("questionnaire_response"),
        _ops.text("result"),
        _ops.sensitivity(),
        _ops.actor("performed_by_id"),
        _ops.stamp("performed_at"),
    ],
)

TASK = _ops.Table(
    "task",
    [
        _ops.case_child(null=True),
        _ops.organization(),
        _ops.actor("owner_id"),
        _ops.text("title"),
        _ops.stamp("due_at", null=True),
        _ops.string("status", 16),
        _ops.stamp("completed_at", null=True),
        _ops.actor("created_by_id"),
        _ops.stamp("created_at"),
    ],
    indexes={"ix_task_owner_status_due": ["owner_id", "status", "due_at"]},
)

GOAL = _ops.Table(
    "goal",
    [
        _ops.case_child(),
        _ops.ref("need_id", "need", null=True),
        _ops.text("description"),
        _ops.string("status", 16),
        _ops.col("target_date", sa.Date(), null=True),
        _ops.stamp("created_at"),
    ],
)

REFERRAL_EVENT = _ops.Table(
    "referral_event",
    [
        _ops.ref("referral_id", "referral", index=True, ondelete="CASCADE"),
        _ops.string("from_status", 16, null=True),
        _ops.string("to_status", 16),
        _ops.actor("actor_id"),
        _ops.text("reason", null=True),
        _ops.stamp("at"),
    ],
)


#: In creation order (a table after the tables it refers to).
_TABLES = (
    AUDIT_EVENT,
    AUDIT_HEAD,
    ORGANIZATION,
    APP_USER,
    PARTNER_LOCATION,
    PARTNER_SERVICE,
    API_TOKEN,
    PARTNER_PHONE,
    PERSON,
    SERVICE_AT_LOCATION,
    USER_SESSION,
    CARE_CASE,
    CONSENT,
    INTAKE,
    RISK_FLAG,
    BARRIER,
    CASE_EVENT,
    NEED,
    NOTE,
    REFERRAL,
    SAFETY_PLAN,
    SCREENING,
    TASK,
    GOAL,
    REFERRAL_EVENT,
)


def upgrade() -> None:
    """Apply this revision."""
    _ops.create(*_TABLES)
    # The chain head starts at the genesis hash (see nowrongdoor.care.audit).
    op.execute(
        "INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '"
        + "0" * 64
        + "')"
    )


def downgrade() -> None:
    """Revert this revision."""
    _ops.drop(*_TABLES)
