"""``/fhir`` reads and searches of ``Condition`` (needs), ``Goal`` and
``QuestionnaireResponse`` (screenings), with the reach rules of
:mod:`nowrongdoor.care.fhir.clinical`. Every call is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Query
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.enums import Role
from nowrongdoor.care.errors import NotFound
from nowrongdoor.care.fhir._access import with_text
from nowrongdoor.care.fhir._call import (
    FhirCall,
    FhirCallDep,
    SearchPage,
    SearchPageDep,
    fhir_answer,
    fhir_router,
    numeric_id,
    search_answer,
)
from nowrongdoor.care.fhir.clinical import CLINICAL_KINDS
from nowrongdoor.care.models import Person, User
from nowrongdoor.care.rbac import require

__all__ = ["router"]

router = fhir_router()


def _permit(viewer: User, kind: str) -> None:
    if kind == "QuestionnaireResponse":
        require(viewer, "screening:read")
    elif viewer.role == Role.PARTNER_USER:
        require(viewer, "referral:read")
    else:
        require(viewer, "case:read")


def _build(kind: str, item: Any, pseudonym: str, viewer: User) -> dict[str, Any]:
    built: dict[str, Any] = CLINICAL_KINDS[kind].to_json(
        item, pseudonym, with_text=with_text(viewer)
    )
    return built


def _person_of(session: Session, patient: str) -> int | None:
    pseudonym = patient.removeprefix("Patient/")[:20]
    found: int | None = session.scalar(
        select(Person.id).where(Person.pseudonym == pseudonym)
    )
    return found


def _search(
    kind: str, call: FhirCall, patient: str | None, page: SearchPage
) -> JSONResponse:
    session, viewer = call.session, call.viewer
    count, offset = page.count, page.offset
    _permit(viewer, kind)
    lister = CLINICAL_KINDS[kind].lister
    rows: list[tuple[Any, int]] = []
    if patient is None:
        rows = lister(session, viewer)
    else:
        person_id = _person_of(session, patient)
        rows = lister(session, viewer, person_id=person_id) if person_id else []
    shown = rows[offset : offset + count]
    names = crud.pseudonyms_of(session, {pid for _, pid in shown})
    out = [_build(kind, item, names[pid], viewer) for item, pid in shown]
    query = {"patient": patient} if patient else {}
    return search_answer(call, kind, out, total=len(rows), query=query, page=page)


def _read(
    kind: str,
    raw_id: str,
    call: FhirCall,
) -> JSONResponse:
    session, viewer = call.session, call.viewer
    _permit(viewer, kind)
    clinical = CLINICAL_KINDS[kind]
    rows = clinical.lister(session, viewer, item_id=numeric_id(raw_id, kind))
    if not rows:
        raise NotFound(f"{kind}/{raw_id} is not known")
    item, person_id = rows[0]
    body = _build(kind, item, crud.pseudonym_of(session, person_id), viewer)
    call.audit.commit(f"read {kind}", resource_type=clinical.audit_type,
               resource_id=item.id, person_id=person_id)  # fmt: skip
    return fhir_answer(body)


Patient = Query(None, max_length=40, description="Patient/<pseudonym>")


def _searcher(kind: str, doc: str) -> Callable[..., JSONResponse]:
    def search(
        call: FhirCallDep, page: SearchPageDep, patient: str | None = Patient
    ) -> JSONResponse:
        return _search(kind, call, patient, page)

    search.__doc__ = doc
    return search


def _reader(kind: str, doc: str) -> Callable[..., JSONResponse]:
    def read(
        item_id: str,
        call: FhirCallDep,
    ) -> JSONResponse:
        return _read(kind, item_id, call)

    read.__doc__ = doc
    return read


#: kind, route name stem, search summary and docstring, read summary and docstring.
_ROUTES = (
    ("Condition", "conditions", "Search Conditions (needs)",
     "SDOH Conditions the caller reaches, by ``patient``.",
     "condition", "Read a Condition", "One SDOH Condition."),
    ("Goal", "goals", "Search Goals", "SDOH Goals the caller reaches, by ``patient``.",
     "goal", "Read a Goal", "One SDOH Goal."),
    ("QuestionnaireResponse", "screenings", "Search screenings",
     "Screenings (staff with ``screening:read`` only), by ``patient``.",
     "screening", "Read a screening", "One screening's QuestionnaireResponse."),
)  # fmt: skip

for _kind, _many, _find, _find_doc, _one, _get, _get_doc in _ROUTES:
    for _path, _endpoint, _summary, _name in (
        (f"/{_kind}", _searcher(_kind, _find_doc), _find, f"search_{_many}"),
        (f"/{_kind}/{{item_id}}", _reader(_kind, _get_doc), _get, f"read_{_one}"),
    ):
        router.add_api_route(
            _path, _endpoint, methods=["GET"], summary=_summary, name=_name
        )
