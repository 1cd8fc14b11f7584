"""Persons and what belongs to them (care.crud._persons)."""

from __future__ import annotations

from typing import Any

import pytest

from nowrongdoor.care import crud
from nowrongdoor.care.enums import ConsentScope, ConsentType, Door
from nowrongdoor.care.models import Consent, Intake, Person, User
from nowrongdoor.care.schemas import ConsentCreate, IntakeCreate


def test_add_person_child_adds_an_intake_or_a_consent(
    db: Any, world: Any, records: Any
) -> None:
    rec = records("a")
    with db.session() as s:
        actor = s.get(User, world.users["cm_a"].id)
        person = s.get(Person, rec.person_id)
        assert actor is not None and person is not None
        intake = crud.add_person_child(
            s,
            actor=actor,
            person=person,
            kind="intake",
            data=IntakeCreate(door=Door.TEACHER),
        )
        assert isinstance(intake, Intake)
        assert (intake.person_id, intake.door) == (person.id, "teacher")
        consent = crud.add_person_child(
            s,
            actor=actor,
            person=person,
            kind="consent",
            data=ConsentCreate(
                consent_type=ConsentType.SHARE_WITH_PARTNERS,
                scope=ConsentScope.ANY_PARTNER,
            ),
        )
        assert isinstance(consent, Consent)
        assert (consent.person_id, consent.recorded_by_id) == (person.id, actor.id)
        with pytest.raises(ValueError, match="screening"):
            crud.add_person_child(
                s, actor=actor, person=person, kind="screening", data=None
            )
