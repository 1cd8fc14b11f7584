"""Case list rows and referral views in few statements, with the same answers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from nowrongdoor.care import crud
from nowrongdoor.care.db import Database
from nowrongdoor.care.models import Referral, User
from nowrongdoor.care.schemas import ReferralCreate


@contextmanager
def _counted(db: Database) -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    seen: list[str] = []

    def count(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_case_rows_and_count_are_one_statement(
    db: Database, world: Any, make_records_fn: Any
) -> None:
    ids = [make_records_fn(db, world, "a").case_id for _ in range(3)]
    make_records_fn(db, world, "b")  # out of the supervisor's scope
    with db.session() as s:
        viewer = s.get(User, world.users["supervisor_a"].id)
        assert viewer is not None
        query = crud.case_list_query(viewer)
        oracle = s.scalars(query.limit(2).offset(1)).all()
        oracle_total = len(s.scalars(query).all())
        with _counted(db) as seen:
            rows, total = crud.list_cases(s, viewer=viewer, limit=2, offset=1)
        assert len(seen) == 1
        assert (total, oracle_total) == (3, 3)
        assert [r.id for r in rows] == [c.id for c in oracle]
        assert {r.id for r in rows} < set(ids)
        assert [r.pseudonym for r in rows] == [c.person.pseudonym for c in oracle]
        # a page past the end still knows the total (one more statement)
        with _counted(db) as seen:
            rows, total = crud.list_cases(s, viewer=viewer, limit=2, offset=10)
        assert (rows, total, len(seen)) == ([], 3, 2)
        # filters narrow the count too
        rows, total = crud.list_cases(s, viewer=viewer, person_id=oracle[0].person_id)
        assert (total, [r.id for r in rows]) == (1, [oracle[0].id])


def test_referral_views_read_the_names_in_one_statement(
    db: Database, world: Any, make_records_fn: Any
) -> None:
    rec = make_records_fn(db, world, "a")
    with db.session() as s:
        owner = s.get(User, world.users["cm_a"].id)
        partner = s.get(User, world.users["partner_p"].id)
        assert owner is not None and partner is not None
        no_service = crud.create_referral(
            s,
            actor=owner,
            data=ReferralCreate(
                case_id=rec.case_id, to_organization_id=world.orgs["p"]
            ),
        )
        sent = s.get(Referral, rec.sent_referral_id)
        assert sent is not None
        s.expunge_all()  # nothing from the identity map
        sent = s.get(Referral, rec.sent_referral_id)
        no_service = s.get(Referral, no_service.id)
        assert sent is not None and no_service is not None
        with _counted(db) as seen:
            view = crud.referral_partner_view(s, sent, with_events=False)
        # the person with both names (no organisation or service is in the
        # identity map: each was a statement of its own before)
        assert len(seen) == 1
        assert view.from_organization_name == "Plan A"
        assert view.service_name == "Beds at Shelter P"
        assert view.person.pseudonym == rec.pseudonym
        with _counted(db) as seen:
            public = crud.referral_public(s, sent, with_events=False)
        assert len(seen) == 1
        assert public.to_organization_name == "Shelter P"
        assert public.service_name == "Beds at Shelter P"
        public = crud.referral_public(s, no_service, with_events=False)
        assert (public.to_organization_name, public.service_name) == ("Shelter P", None)
