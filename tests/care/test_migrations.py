"""Migrations: upgrade from empty, downgrade/upgrade round trip, schema = models."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from nowrongdoor.care.db import Database
from nowrongdoor.care.migrate import (
    current_revision,
    downgrade,
    head_revision,
    include_name,
    upgrade,
)
from nowrongdoor.care.models import Base


def _tables(db: Database) -> set[str]:
    names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    return {n for n in names if include_name(n, "table", {})}


def test_upgrade_from_empty_matches_models(empty_db: Database) -> None:
    assert current_revision(empty_db.engine) is None
    upgrade(empty_db.engine)
    assert current_revision(empty_db.engine) == head_revision()
    assert _tables(empty_db) == set(Base.metadata.tables)
    with empty_db.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"include_name": include_name}),
            Base.metadata,
        )
        head = conn.execute(text("SELECT last_seq, last_hash FROM audit_head")).one()
    assert diff == [], f"models and migrations differ: {diff}"
    assert head == (0, "0" * 64)


def test_downgrade_upgrade_round_trip(empty_db: Database) -> None:
    upgrade(empty_db.engine)
    downgrade(empty_db.engine, "base")
    assert current_revision(empty_db.engine) is None
    # nothing left behind, search index tables included
    assert set(inspect(empty_db.engine).get_table_names()) <= {"alembic_version"}
    upgrade(empty_db.engine)
    assert _tables(empty_db) == set(Base.metadata.tables)
    upgrade(empty_db.engine)  # idempotent at head
    assert current_revision(empty_db.engine) == head_revision()


def _upgraded_with_worklist(db: Database, worklist: str) -> None:
    """Upgrade to the head and import ``worklist`` into a new plan's pool."""
    from nowrongdoor.care.imports import import_worklist
    from nowrongdoor.care.models import Organization

    upgrade(db.engine)
    with db.session() as s:
        plan = Organization(name="Plan", kind="plan")
        s.add(plan)
        s.flush()
        import_worklist(
            s,
            cipher=db.cipher,
            actor=None,
            organization_id=plan.id,
            text=worklist,
            name="worklist.csv",
            source="run-1",
            team="t1",
        )
        s.commit()


def test_queue_keys_are_backfilled(empty_db: Database) -> None:
    """Revision 0007_queue_sort fills the intakes' queue keys from their rows."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import select

    from nowrongdoor.care.migrate import alembic_config
    from nowrongdoor.care.models import Intake

    _upgraded_with_worklist(
        empty_db,
        "member_id,age,tier,score\nM-1,15,high,0.9\nM-2,40,odd,0.2\n"
        "M-3,50,critical,0.7\n",
    )
    keys = (
        Intake.id,
        Intake.q_tier,
        Intake.q_part2,
        Intake.q_neg_score,
        Intake.q_flag_age,
        Intake.q_birth_year,
        Intake.q_screen,
        Intake.q_priority,
    )

    def stored() -> list[Any]:
        with empty_db.engine.connect() as conn:
            return list(conn.execute(select(*keys).order_by(Intake.id)).all())

    before = stored()
    assert [row.q_priority for row in before] == [2, 11, 1]
    script = ScriptDirectory.from_config(alembic_config(empty_db.engine))
    previous = script.get_revision("0007_queue_sort").down_revision
    assert isinstance(previous, str)
    downgrade(empty_db.engine, previous)
    assert "q_tier" not in {
        c["name"] for c in inspect(empty_db.engine).get_columns("intake")
    }
    upgrade(empty_db.engine)
    assert stored() == before


def test_identified_and_low_tiers_are_re_ranked(empty_db: Database) -> None:
    """Revision 0011_tier_ranks re-ranks stored priorities: an ``identified``
    member (the population model's confirmed exploitation) before a high-tier
    minor, ``low`` after ``medium``; a downgrade restores the old ranks."""
    from sqlalchemy import select

    from nowrongdoor.care.models import Intake

    _upgraded_with_worklist(
        empty_db,
        "member_id,age,tier,score\nM-1,15,high,30\nM-2,34,identified,53\n"
        "M-3,40,medium,0.4\nM-4,40,low,0.1\n",
    )

    def priorities() -> list[int]:
        with empty_db.engine.connect() as conn:
            rows = conn.execute(select(Intake.q_priority).order_by(Intake.id))
            return [p for (p,) in rows]

    assert priorities() == [2, 1, 7, 9]
    downgrade(empty_db.engine, "0010_form_keys")
    assert priorities() == [2, 11, 7, 11]
    upgrade(empty_db.engine)
    assert priorities() == [2, 1, 7, 9]


def test_the_none_tier_is_re_ranked_with_the_unflagged(empty_db: Database) -> None:
    """Revision 0021_none_tier ranks the population model's ``none`` tier with
    unflagged items (9), keeping the minor bit; a downgrade puts it back among
    the unknown tiers (5)."""
    from sqlalchemy import select

    from nowrongdoor.care.models import Intake

    _upgraded_with_worklist(
        empty_db,
        "member_id,age,tier,score\nM-1,15,none,0.1\nM-2,40,none,0.1\nM-3,40,odd,0.2\n",
    )

    def priorities() -> list[int]:
        with empty_db.engine.connect() as conn:
            rows = conn.execute(select(Intake.q_priority).order_by(Intake.id))
            return [p for (p,) in rows]

    assert priorities() == [18, 19, 11]
    downgrade(empty_db.engine, "0020_open_view")
    assert priorities() == [10, 11, 11]
    upgrade(empty_db.engine)
    assert priorities() == [18, 19, 11]


def test_migrations_keep_and_move_a_populated_database(empty_db: Database) -> None:
    """Revisions that rebuild a referenced table (SQLite's batch mode copies it
    and drops the old one) run over data: a demo program survives a downgrade
    past them and the upgrade back, and ``base`` empties the database."""
    from nowrongdoor.care.seed import seed_demo

    upgrade(empty_db.engine)
    with empty_db.session() as s:
        seed_demo(s, cipher=empty_db.cipher, persons=6)
        s.commit()

    def counts() -> dict[str, int]:
        with empty_db.engine.connect() as conn:
            return {
                t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                for t in ("person", "intake", "screening", "care_case", "referral")
            }

    before = counts()
    assert before["screening"] and before["intake"]
    # 0003_team_pool rebuilds intake, which screenings point to
    downgrade(empty_db.engine, "0003_training")
    assert current_revision(empty_db.engine) == "0003_training"
    upgrade(empty_db.engine)
    assert counts() == before
    downgrade(empty_db.engine, "base")
    assert set(inspect(empty_db.engine).get_table_names()) <= {"alembic_version"}


def test_a_migration_that_breaks_a_foreign_key_changes_nothing(
    empty_db: Database,
) -> None:
    """The run's rows are checked as a whole before the commit (SQLite runs it
    with foreign keys off); a dangling reference rolls everything back."""
    import pytest

    from nowrongdoor.care.migrate import _migrating

    if empty_db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL checks each foreign key as it is written")
    upgrade(empty_db.engine)
    with pytest.raises(RuntimeError, match="rows pointing nowhere"):
        with _migrating(empty_db.engine) as conn:
            conn.execute(text("INSERT INTO partner_phone (number) VALUES ('1')"))
            conn.execute(
                text("INSERT INTO partner_phone (number, service_id) VALUES ('2', 999)")
            )
    with empty_db.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT COUNT(*) FROM partner_phone")).scalar_one() == 0
        )
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_search_columns_and_business_status_are_widened_and_cut_back(
    empty_db: Database,
) -> None:
    """Revision 0012_search_text makes an operation's cities and indicator
    codes, an ad's codes and a referral's business status TEXT, kept whole; a
    downgrade cuts them to the old 4,000 / 400 / 200 characters."""
    from nowrongdoor.care.seed import seed_demo

    upgrade(empty_db.engine)
    with empty_db.session() as s:
        seed_demo(s, cipher=empty_db.cipher, persons=6)
        s.commit()
    cities, codes, status = "|C" * 2600 + "|", "|code" * 100 + "|", "B" * 250
    with empty_db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO inv_operation (organization_id, op_key, size, "
                "contact_count, cities, city_count, indicator_codes, current, "
                "imported_at) VALUES (1, 'OP-1', 1, 0, :c, 2600, :i, true, "
                "'2026-01-01')"
            ),
            {"c": cities, "i": codes},
        )
        conn.execute(
            text(
                "INSERT INTO inv_ad (organization_id, ad_key, score, "
                "indicator_codes, imported_at) VALUES (1, 'ad-1', 0, :i, "
                "'2026-01-01')"
            ),
            {"i": codes},
        )
        conn.execute(text("UPDATE referral SET business_status = :b"), {"b": status})

    def stored() -> tuple[Any, ...]:
        with empty_db.engine.connect() as conn:
            return (
                *conn.execute(
                    text("SELECT cities, indicator_codes FROM inv_operation")
                ).one(),
                conn.execute(text("SELECT indicator_codes FROM inv_ad")).scalar_one(),
                set(
                    conn.execute(text("SELECT business_status FROM referral")).scalars()
                ),
            )

    def lengths() -> dict[str, Any]:
        inspector = inspect(empty_db.engine)
        return {
            f"{t}.{c['name']}": getattr(c["type"], "length", None)
            for t in ("inv_operation", "inv_ad", "referral")
            for c in inspector.get_columns(t)
            if c["name"] in {"cities", "indicator_codes", "business_status"}
        }

    assert stored() == (cities, codes, codes, {status})
    assert set(lengths().values()) == {None}
    downgrade(empty_db.engine, "0011_tier_ranks")
    assert stored() == (cities[:4000], codes[:400], codes[:400], {status[:200]})
    assert lengths() == {
        "inv_operation.cities": 4000,
        "inv_operation.indicator_codes": 400,
        "inv_ad.indicator_codes": 400,
        "referral.business_status": 200,
    }
    upgrade(empty_db.engine)
    assert set(lengths().values()) == {None}
    assert stored() == (cities[:4000], codes[:400], codes[:400], {status[:200]})
