"""initial care schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 17:12:52.001205
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "audit_event",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=150), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("resource_type", sa.String(length=40), nullable=True),
        sa.Column("resource_id", sa.String(length=64), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_event_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "last_seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    # The chain head starts at the genesis hash (see nowrongdoor.care.audit).
    op.execute(
        "INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '"
        + "0" * 64
        + "')"
    )
    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("hsds_id", sa.String(length=64), nullable=True),
        sa.Column("alternate_name", sa.String(length=300), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
        sa.UniqueConstraint("hsds_id", name=op.f("uq_organization_hsds_id")),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_app_user_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(
            "ix_app_user_org_role", ["organization_id", "role"], unique=False
        )

    op.create_table(
        "partner_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hsds_id", sa.String(length=64), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("address_1", sa.String(length=300), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("state_province", sa.String(length=120), nullable=True),
        sa.Column("postal_code", sa.String(length=40), nullable=True),
        sa.Column("country", sa.String(length=8), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_partner_location_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_location")),
        sa.UniqueConstraint("hsds_id", name=op.f("uq_partner_location_hsds_id")),
    )
    with op.batch_alter_table("partner_location", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_location_organization_id"),
            ["organization_id"],
            unique=False,
        )

    op.create_table(
        "partner_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hsds_id", sa.String(length=64), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("alternate_name", sa.String(length=300), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column("eligibility", sa.Text(), nullable=True),
        sa.Column("minimum_age", sa.Integer(), nullable=True),
        sa.Column("maximum_age", sa.Integer(), nullable=True),
        sa.Column("service_types", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_partner_service_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_service")),
        sa.UniqueConstraint("hsds_id", name=op.f("uq_partner_service_hsds_id")),
    )
    with op.batch_alter_table("partner_service", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_service_organization_id"),
            ["organization_id"],
            unique=False,
        )

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_api_token_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "partner_phone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hsds_id", sa.String(length=64), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("extension", sa.String(length=20), nullable=True),
        sa.Column("phone_type", sa.String(length=20), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["partner_location.id"],
            name=op.f("fk_partner_phone_location_id_partner_location"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_partner_phone_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["partner_service.id"],
            name=op.f("fk_partner_phone_service_id_partner_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_phone")),
    )
    with op.batch_alter_table("partner_phone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_phone_organization_id"),
            ["organization_id"],
            unique=False,
        )

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=20), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("given_name", sa.Text(), nullable=True),
        sa.Column("family_name", sa.Text(), nullable=True),
        sa.Column("birth_date", sa.Text(), nullable=True),
        sa.Column("contacts", sa.Text(), nullable=True),
        sa.Column("member_id", sa.Text(), nullable=True),
        sa.Column("given_name_bidx", sa.String(length=64), nullable=True),
        sa.Column("family_name_bidx", sa.String(length=64), nullable=True),
        sa.Column("member_id_bidx", sa.String(length=64), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("gender", sa.String(length=40), nullable=True),
        sa.Column("do_not_contact", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_person_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["app_user.id"], name=op.f("fk_person_owner_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_person_pseudonym")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_family_name_bidx"), ["family_name_bidx"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_person_given_name_bidx"), ["given_name_bidx"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_person_member_id_bidx"), ["member_id_bidx"], unique=False
        )
        batch_op.create_index(
            "ix_person_org_owner", ["organization_id", "owner_id"], unique=False
        )

    op.create_table(
        "service_at_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hsds_id", sa.String(length=64), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["partner_location.id"],
            name=op.f("fk_service_at_location_location_id_partner_location"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["partner_service.id"],
            name=op.f("fk_service_at_location_service_id_partner_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_at_location")),
        sa.UniqueConstraint("hsds_id", name=op.f("uq_service_at_location_hsds_id")),
    )
    with op.batch_alter_table("service_at_location", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_at_location_location_id"),
            ["location_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_service_at_location_service_id"),
            ["service_id"],
            unique=False,
        )

    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_user_session_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_session_token_hash")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "care_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("pathway", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("close_reason", sa.String(length=32), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("activated_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("reopened_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_care_case_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["app_user.id"], name=op.f("fk_care_case_owner_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_care_case_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_case")),
    )
    with op.batch_alter_table("care_case", schema=None) as batch_op:
        batch_op.create_index(
            "ix_care_case_org_owner_status",
            ["organization_id", "owner_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_care_case_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("consent_type", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("scope_organization_id", sa.Integer(), nullable=True),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("given_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_consent_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["app_user.id"],
            name=op.f("fk_consent_recorded_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["scope_organization_id"],
            ["organization.id"],
            name=op.f("fk_consent_scope_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "intake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("door", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("source_ref", sa.String(length=200), nullable=True),
        sa.Column("lead", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_intake_created_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_intake_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["app_user.id"], name=op.f("fk_intake_owner_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_intake_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["app_user.id"],
            name=op.f("fk_intake_reviewed_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake")),
        sa.UniqueConstraint("source_ref", name=op.f("uq_intake_source_ref")),
    )
    with op.batch_alter_table("intake", schema=None) as batch_op:
        batch_op.create_index(
            "ix_intake_org_status", ["organization_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_intake_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "risk_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("tier", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("pathway", sa.String(length=16), nullable=True),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("sensitivity", sa.String(length=16), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_risk_flag_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_risk_flag_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_flag")),
    )
    with op.batch_alter_table("risk_flag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_flag_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "barrier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["care_case.id"],
            name=op.f("fk_barrier_case_id_care_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_barrier")),
    )
    with op.batch_alter_table("barrier", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_barrier_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["app_user.id"], name=op.f("fk_case_event_actor_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["care_case.id"],
            name=op.f("fk_case_event_case_id_care_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_event")),
    )
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_event_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sensitivity", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["care_case.id"],
            name=op.f("fk_need_case_id_care_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_need_created_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need")),
    )
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_case_id"), ["case_id"], unique=False)

    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sensitivity", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["app_user.id"], name=op.f("fk_note_author_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["care_case.id"],
            name=op.f("fk_note_case_id_care_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note")),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_case_id"), ["case_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("from_organization_id", sa.Integer(), nullable=False),
        sa.Column("to_organization_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("need_category", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("do_not_contact", sa.Boolean(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("override_by_id", sa.Integer(), nullable=True),
        sa.Column("response_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("declined_at", sa.DateTime(), nullable=True),
        sa.Column("in_progress_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["care_case.id"], name=op.f("fk_referral_case_id_care_case")
        ),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consent.id"], name=op.f("fk_referral_consent_id_consent")
        ),
        sa.ForeignKeyConstraint(
            ["from_organization_id"],
            ["organization.id"],
            name=op.f("fk_referral_from_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["override_by_id"],
            ["app_user.id"],
            name=op.f("fk_referral_override_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["app_user.id"], name=op.f("fk_referral_owner_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_referral_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["partner_service.id"],
            name=op.f("fk_referral_service_id_partner_service"),
        ),
        sa.ForeignKeyConstraint(
            ["to_organization_id"],
            ["organization.id"],
            name=op.f("fk_referral_to_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            "ix_referral_from_org_owner",
            ["from_organization_id", "owner_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_referral_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            "ix_referral_to_org_status", ["to_organization_id", "status"], unique=False
        )

    op.create_table(
        "safety_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["care_case.id"],
            name=op.f("fk_safety_plan_case_id_care_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["app_user.id"],
            name=op.f("fk_safety_plan_updated_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_plan")),
        sa.UniqueConstraint("case_id", name=op.f("uq_safety_plan_case_id")),
    )
    op.create_table(
        "screening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column("instrument_id", sa.String(length=100), nullable=False),
        sa.Column("positive", sa.Boolean(), nullable=False),
        sa.Column("recommended_pathway", sa.String(length=16), nullable=True),
        sa.Column("questionnaire_response", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("sensitivity", sa.String(length=16), nullable=False),
        sa.Column("performed_by_id", sa.Integer(), nullable=True),
        sa.Column("performed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["care_case.id"], name=op.f("fk_screening_case_id_care_case")
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intake.id"], name=op.f("fk_screening_intake_id_intake")
        ),
        sa.ForeignKeyConstraint(
            ["performed_by_id"],
            ["app_user.id"],
            name=op.f("fk_screening_performed_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_screening_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening")),
    )
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["care_case.id"],
            name=op.f("fk_task_case_id_care_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_task_created_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_task_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["app_user.id"], name=op.f("fk_task_owner_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_task_owner_status_due", ["owner_id", "status", "due_at"], unique=False
        )

    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["care_case.id"],
            name=op.f("fk_goal_case_id_care_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_goal_need_id_need")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_case_id"), ["case_id"], unique=False)

    op.create_table(
        "referral_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["app_user.id"],
            name=op.f("fk_referral_event_actor_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_referral_event_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_event")),
    )
    with op.batch_alter_table("referral_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_event_referral_id"), ["referral_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("referral_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_event_referral_id"))

    op.drop_table("referral_event")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_case_id"))

    op.drop_table("goal")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_owner_status_due")
        batch_op.drop_index(batch_op.f("ix_task_case_id"))

    op.drop_table("task")
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_person_id"))

    op.drop_table("screening")
    op.drop_table("safety_plan")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_to_org_status")
        batch_op.drop_index(batch_op.f("ix_referral_person_id"))
        batch_op.drop_index("ix_referral_from_org_owner")
        batch_op.drop_index(batch_op.f("ix_referral_case_id"))

    op.drop_table("referral")
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_case_id"))

    op.drop_table("note")
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_case_id"))

    op.drop_table("need")
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_event_case_id"))

    op.drop_table("case_event")
    with op.batch_alter_table("barrier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_barrier_case_id"))

    op.drop_table("barrier")
    with op.batch_alter_table("risk_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_flag_person_id"))

    op.drop_table("risk_flag")
    with op.batch_alter_table("intake", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_person_id"))
        batch_op.drop_index("ix_intake_org_status")

    op.drop_table("intake")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_person_id"))

    op.drop_table("consent")
    with op.batch_alter_table("care_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_case_person_id"))
        batch_op.drop_index("ix_care_case_org_owner_status")

    op.drop_table("care_case")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))

    op.drop_table("user_session")
    with op.batch_alter_table("service_at_location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_at_location_service_id"))
        batch_op.drop_index(batch_op.f("ix_service_at_location_location_id"))

    op.drop_table("service_at_location")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_org_owner")
        batch_op.drop_index(batch_op.f("ix_person_member_id_bidx"))
        batch_op.drop_index(batch_op.f("ix_person_given_name_bidx"))
        batch_op.drop_index(batch_op.f("ix_person_family_name_bidx"))

    op.drop_table("person")
    with op.batch_alter_table("partner_phone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_phone_organization_id"))

    op.drop_table("partner_phone")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("partner_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_service_organization_id"))

    op.drop_table("partner_service")
    with op.batch_alter_table("partner_location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_location_organization_id"))

    op.drop_table("partner_location")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index("ix_app_user_org_role")

    op.drop_table("app_user")
    op.drop_table("organization")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_person_id"))

    op.drop_table("audit_event")
