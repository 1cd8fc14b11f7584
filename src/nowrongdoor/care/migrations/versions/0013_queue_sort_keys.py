"""The work queue's sort and filter keys on the intake row, with their indexes.

Each intake carries copies of its person's latest risk flag (tier, negated
score, age, 42 CFR Part 2 mark), latest screening result and birth year, and a
triage priority (tier rank times two plus 0 for a minor), so a queue page is
one indexed query. This revision adds the columns, fills them from the
existing rows and creates one index per queue sort.

Create Date: 2026-12-07 01:40:00
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision: str = "0007_queue_sort"
down_revision: str | None = "0006_inv_lead_intake"

# the tier ranks of nowrongdoor.care.crud._queue_keys.TIER_RANK at this revision
_TIER_RANK = {"critical": 0, "high": 1, "elevated": 2, "medium": 3, "moderate": 3}
_INDEXES = {
    "ix_intake_queue_priority": ["status", "q_priority", "received_at", "id"],
    "ix_intake_queue_received": ["status", "received_at", "id"],
    "ix_intake_queue_score": ["status", "q_neg_score", "id"],
}


def _backfill() -> None:
    intake = sa.table(
        "intake",
        sa.column("id"),
        sa.column("person_id"),
        sa.column("q_tier"),
        sa.column("q_part2"),
        sa.column("q_neg_score"),
        sa.column("q_flag_age"),
        sa.column("q_birth_year"),
        sa.column("q_screen"),
        sa.column("q_priority"),
        sa.column("q_year"),
    )
    flag = sa.table(
        "risk_flag",
        sa.column("id"),
        sa.column("person_id"),
        sa.column("tier"),
        sa.column("score"),
        sa.column("age"),
        sa.column("sensitivity"),
    )
    screening = sa.table(
        "screening", sa.column("id"), sa.column("person_id"), sa.column("positive")
    )
    person = sa.table("person", sa.column("id"), sa.column("birth_year"))
    latest_flag = (
        sa.select(sa.func.max(flag.c.id))
        .where(flag.c.person_id == intake.c.person_id)
        .correlate(intake)
        .scalar_subquery()
    )

    def of_flag(column: sa.ColumnElement) -> sa.ScalarSelect:  # type: ignore[type-arg]
        return sa.select(column).where(flag.c.id == latest_flag).scalar_subquery()

    latest_screen = (
        sa.select(sa.func.max(screening.c.id))
        .where(screening.c.person_id == intake.c.person_id)
        .correlate(intake)
        .scalar_subquery()
    )
    op.execute(
        intake.update().values(
            q_tier=of_flag(flag.c.tier),
            q_part2=sa.func.coalesce(of_flag(flag.c.sensitivity == "part2"), False),
            q_neg_score=-of_flag(flag.c.score),
            q_flag_age=of_flag(flag.c.age),
            q_screen=sa.select(screening.c.positive)
            .where(screening.c.id == latest_screen)
            .scalar_subquery(),
            q_birth_year=sa.select(person.c.birth_year)
            .where(person.c.id == intake.c.person_id)
            .scalar_subquery(),
        )
    )
    year = dt.datetime.now(dt.UTC).year
    age = sa.func.coalesce(year - intake.c.q_birth_year, intake.c.q_flag_age)
    tier = intake.c.q_tier
    rank = sa.case(
        *((tier == t, r) for t, r in _TIER_RANK.items()),
        else_=sa.case((tier.is_(None), 9), else_=5),
    )
    minor = sa.case((sa.and_(age.is_not(None), age < 18), 0), else_=1)
    op.execute(intake.update().values(q_priority=rank * 2 + minor, q_year=year))


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("intake") as batch:
        batch.add_column(sa.Column("q_tier", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column(
                "q_part2", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(sa.Column("q_neg_score", sa.Double(), nullable=True))
        batch.add_column(sa.Column("q_flag_age", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("q_birth_year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("q_screen", sa.Boolean(), nullable=True))
        batch.add_column(
            sa.Column("q_priority", sa.Integer(), nullable=False, server_default="19")
        )
        batch.add_column(
            sa.Column("q_year", sa.Integer(), nullable=False, server_default="0")
        )
    _backfill()
    with op.batch_alter_table("intake") as batch:
        for name in ("q_part2", "q_priority", "q_year"):
            batch.alter_column(name, server_default=None)
        for name, columns in _INDEXES.items():
            batch.create_index(name, columns, unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("intake") as batch:
        for name in _INDEXES:
            batch.drop_index(name)
        for name in (
            "q_year",
            "q_priority",
            "q_screen",
            "q_birth_year",
            "q_flag_age",
            "q_neg_score",
            "q_part2",
            "q_tier",
        ):
            batch.drop_column(name)
