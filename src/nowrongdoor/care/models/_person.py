"""Persons, intakes, screenings, risk flags and consent (private)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from nowrongdoor.care.models._base import Base, EncryptedJSON, EncryptedText
from nowrongdoor.care.models._columns import (
    IdKey,
    created_now,
    ref,
    sensitivity_mark,
    updated_now,
)

__all__ = ["Consent", "Intake", "Person", "RiskFlag", "Screening"]


class Person(IdKey, Base):
    """Someone the program serves, known by a pseudonymous id.

    Names, birth date, contacts and the health-plan member id are encrypted at
    rest; ``*_bidx`` columns are blind indexes for exact-match search.
    """

    __tablename__ = "person"

    pseudonym: Mapped[str] = mapped_column(String(20), unique=True)
    organization_id: Mapped[int] = ref("organization")
    owner_id: Mapped[int | None] = ref("app_user")
    #: While nobody owns the person: the team whose pool they wait in
    #: (``None`` with no owner: the supervisors' pool).
    pool_team: Mapped[str | None] = mapped_column(String(100))
    given_name: Mapped[str | None] = mapped_column(EncryptedText)
    family_name: Mapped[str | None] = mapped_column(EncryptedText)
    birth_date: Mapped[str | None] = mapped_column(EncryptedText)
    contacts: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    member_id: Mapped[str | None] = mapped_column(EncryptedText)
    given_name_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    family_name_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    member_id_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    birth_year: Mapped[int | None] = mapped_column()
    gender: Mapped[str | None] = mapped_column(EncryptedText)
    do_not_contact: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = created_now()
    updated_at: Mapped[dt.datetime] = updated_now()


class Intake(IdKey, Base):
    """A person arriving through a door, or a lead (an ad match) to review."""

    __tablename__ = "intake"

    person_id: Mapped[int | None] = ref("person", index=True)
    organization_id: Mapped[int] = ref("organization")
    owner_id: Mapped[int | None] = ref("app_user")
    #: While nobody owns the intake: the team whose pool it waits in.
    pool_team: Mapped[str | None] = mapped_column(String(100))
    door: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="new")
    summary: Mapped[str | None] = mapped_column(EncryptedText)
    source_ref: Mapped[str | None] = mapped_column(EncryptedText)
    #: Keyed exact index of ``source_ref``: re-imports find the lead by it.
    source_ref_bidx: Mapped[str | None] = mapped_column(String(64), unique=True)
    lead: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    received_at: Mapped[dt.datetime] = created_now()
    reviewed_at: Mapped[dt.datetime | None] = mapped_column()
    reviewed_by_id: Mapped[int | None] = ref("app_user")
    created_by_id: Mapped[int | None] = ref("app_user")
    # The work queue's sort and filter keys, copied from the person's latest
    # risk flag, latest screening and birth year whenever one of them is
    # written (``nowrongdoor.care.crud._queue_keys``), so a queue page is one
    # indexed query of the intake table.
    #: The latest risk flag's tier (``None``: no flag).
    q_tier: Mapped[str | None] = mapped_column(String(32))
    #: The latest risk flag is 42 CFR Part 2 (its tier and score are withheld).
    q_part2: Mapped[bool] = mapped_column(default=False)
    #: The latest risk flag's score, negated (an ascending index reads the
    #: highest score first).
    q_neg_score: Mapped[float | None] = mapped_column()
    #: The latest risk flag's age (used when the birth year is unknown).
    q_flag_age: Mapped[int | None] = mapped_column()
    #: The person's birth year.
    q_birth_year: Mapped[int | None] = mapped_column()
    #: The latest screening's result (``None``: not screened).
    q_screen: Mapped[bool | None] = mapped_column()
    #: Tier rank times two plus 0 for a minor, 1 otherwise (triage order).
    q_priority: Mapped[int] = mapped_column(default=19)
    #: The year ``q_priority``'s minor rank was computed for.
    q_year: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        Index("ix_intake_queue_priority", "status", "q_priority", "received_at", "id"),
        Index("ix_intake_queue_received", "status", "received_at", "id"),
        Index("ix_intake_queue_score", "status", "q_neg_score", "id"),
    )


class Screening(IdKey, Base):
    """A completed screening: the FHIR QuestionnaireResponse and the result."""

    __tablename__ = "screening"

    person_id: Mapped[int] = ref("person", index=True)
    case_id: Mapped[int | None] = ref("care_case")
    intake_id: Mapped[int | None] = ref("intake")
    instrument_id: Mapped[str] = mapped_column(String(100))
    positive: Mapped[bool] = mapped_column()
    recommended_pathway: Mapped[str | None] = mapped_column(String(16))
    questionnaire_response: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    result: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    sensitivity: Mapped[str] = sensitivity_mark()
    performed_by_id: Mapped[int | None] = ref("app_user")
    performed_at: Mapped[dt.datetime] = created_now()


class RiskFlag(IdKey, Base):
    """A row of a population worklist attached to a person (matched by member id)."""

    __tablename__ = "risk_flag"

    person_id: Mapped[int] = ref("person", index=True)
    organization_id: Mapped[int] = ref("organization")
    source: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column()
    pathway: Mapped[str | None] = mapped_column(String(16))
    age: Mapped[int | None] = mapped_column()
    reasons: Mapped[str | None] = mapped_column(EncryptedText)
    sensitivity: Mapped[str] = sensitivity_mark()
    # The open view of a Part 2 flag: its tier, score and reasons without the
    # 42 CFR Part 2 reasons (42 CFR 2.12, 2.32), for viewers no Part 2 consent
    # covers. NULL when the flag has none, or its worklist had no open columns.
    open_tier: Mapped[str | None] = mapped_column(String(32))
    open_score: Mapped[float | None] = mapped_column()
    open_reasons: Mapped[str | None] = mapped_column(EncryptedText)
    reviewed: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[dt.datetime] = created_now()


class Consent(IdKey, Base):
    """A consent record: what type, who it covers, until when."""

    __tablename__ = "consent"

    person_id: Mapped[int] = ref("person", index=True)
    consent_type: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(32))
    scope_organization_id: Mapped[int | None] = ref("organization")
    granted: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(EncryptedText)
    given_at: Mapped[dt.datetime] = created_now()
    expires_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    recorded_by_id: Mapped[int | None] = ref("app_user")


Index("ix_person_org_owner", Person.organization_id, Person.owner_id)
Index("ix_intake_org_status", Intake.organization_id, Intake.status)
Index("ix_person_org_pool", Person.organization_id, Person.pool_team)
Index("ix_intake_org_pool", Intake.organization_id, Intake.pool_team)
