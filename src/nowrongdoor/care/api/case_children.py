"""Adding, changing and listing the records a case or person holds, for routes
and pages alike: one data-access call and its audit event in one unit of work.

The scope and 42 CFR Part 2 checks stay with the caller, in plain sight: it
loads the case (``records.case_in_scope`` / ``crud.get_child``) or person
(``records.person_in_scope``) in the viewer's scope, and passes ``part2_ok``
(``crud.part2_visible``) when listing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import Auditor
from nowrongdoor.care.models import Case, Person, RiskFlag, User
from nowrongdoor.care.schemas import visible_flags

__all__ = [
    "add_to_case",
    "add_to_person",
    "commit_list",
    "list_children",
    "update_on_case",
]


def commit_list(audit: Auditor, kind: str, holder: Case | Person) -> None:
    """Commit the ``<kind>.list`` audit event of a list of the records a case
    or person (``holder``) holds."""
    if isinstance(holder, Case):
        resource_type, person_id = "case", holder.person_id
    else:
        resource_type, person_id = "person", holder.id
    audit.commit(
        f"{kind}.list",
        resource_type=resource_type,
        resource_id=holder.id,
        person_id=person_id,
    )


def add_to_case(
    audit: Auditor,
    session: Session,
    *,
    actor: User,
    case: Case,
    kind: str,
    data: Any,
    detail: str | None = None,
) -> Any:
    """Add a need, goal, barrier or note to ``case`` and commit it with its
    ``<kind>.create`` audit event.

    Args:
        audit: The request's unit of work.
        session: The request's session.
        actor: Who adds it.
        case: The case, already loaded in the actor's scope.
        kind: ``need``, ``goal``, ``barrier`` or ``note``.
        data: The create schema of that kind.
        detail: Short detail for the audit event.

    Returns:
        The new row.
    """
    item = crud.add_case_child(session, actor=actor, case=case, kind=kind, data=data)
    return _committed(audit, f"{kind}.create", kind, item, case.person_id, detail)


def add_to_person(
    audit: Auditor,
    session: Session,
    *,
    actor: User,
    person: Person,
    kind: str,
    data: Any,
    detail: str | None = None,
) -> Any:
    """Record an intake or consent (``kind``) for ``person``, already loaded in
    the actor's scope, and commit it with its ``<kind>.create`` audit event
    (the other arguments as :func:`add_to_case`); returns the new row."""
    item = crud.add_person_child(
        session, actor=actor, person=person, kind=kind, data=data
    )
    return _committed(audit, f"{kind}.create", kind, item, person.id, detail)


def update_on_case(
    audit: Auditor,
    session: Session,
    *,
    case: Case,
    item: Any,
    kind: str,
    data: Any,
    detail: str | None = None,
) -> Any:
    """Change a need, goal or barrier and commit it with its ``<kind>.update``
    audit event (``item`` and ``case`` loaded in scope by ``crud.get_child``)."""
    crud.update_case_child(session, item=item, data=data)
    return _committed(audit, f"{kind}.update", kind, item, case.person_id, detail)


def _committed(
    audit: Auditor,
    action: str,
    kind: str,
    item: Any,
    person_id: int,
    detail: str | None,
) -> Any:
    """Commit the change to ``item`` (a record of person ``person_id``) with its
    audit event; returns ``item``."""
    audit.commit(
        action,
        resource_type=kind,
        resource_id=item.id,
        person_id=person_id,
        detail=detail,
    )
    return item


def list_children(
    audit: Auditor,
    session: Session,
    *,
    holder: Case | Person,
    kind: str,
    model: type[Any],
    part2_ok: bool,
) -> list[Any]:
    """A case's notes or a person's screenings or risk flags (``model``), 42
    CFR Part 2 rows only when ``part2_ok``, committed with the ``<kind>.list``
    audit event (:func:`commit_list`)."""
    if isinstance(holder, Case):
        held = crud.case_children(session, model, holder.id)
    else:
        held = crud.person_children(session, model, person_id=holder.id)
    if model is RiskFlag:  # a Part 2 flag shows its open view (schemas.flag_view)
        rows: list[Any] = visible_flags(held, part2_ok=part2_ok)[0]
    else:
        rows, _ = crud.visible_sensitive(held, part2_ok=part2_ok)
    commit_list(audit, kind, holder)
    return rows
