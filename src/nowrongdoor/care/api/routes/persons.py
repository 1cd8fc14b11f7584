"""Persons and what belongs to them: intakes, screenings, consent, risk flags."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query

from nowrongdoor.care import crud
from nowrongdoor.care.api.case_children import commit_person_list, list_for_person
from nowrongdoor.care.api.deps import AuditDep, CipherDep, IdPath, PageDep, SessionDep
from nowrongdoor.care.api.perms import (
    ConsentRead,
    ConsentWrite,
    IntakeRead,
    IntakeWrite,
    PersonRead,
    PersonWrite,
    RiskFlagRead,
    ScreeningRead,
    ScreeningWrite,
)
from nowrongdoor.care.api.records import list_page, person_in_scope
from nowrongdoor.care.errors import BadRequest
from nowrongdoor.care.models import (
    Case,
    Consent,
    Intake,
    Person,
    RiskFlag,
    Screening,
)
from nowrongdoor.care.schemas import (
    ConsentCreate,
    ConsentPublic,
    IntakeCreate,
    IntakePublic,
    PageOf,
    PersonCreate,
    PersonPublic,
    PersonUpdate,
    RiskFlagPublic,
    ScreeningCreate,
    ScreeningPublic,
    consent_public,
    person_public,
)
from nowrongdoor.care.screening_adapter import screen_and_store

__all__ = ["router"]

router = APIRouter(prefix="/persons", tags=["persons"])


@router.get("", response_model=PageOf[PersonPublic])
def list_persons(
    session: SessionDep,
    cipher: CipherDep,
    user: PersonRead,
    page: PageDep,
    audit: AuditDep,
    pseudonym: Annotated[str | None, Query(max_length=20)] = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    member_id: Annotated[str | None, Query(max_length=64)] = None,
) -> PageOf[PersonPublic]:
    """Persons in scope; search by pseudonym, exact name or member id."""
    lister = partial(
        crud.list_persons,
        session,
        viewer=user,
        cipher=cipher,
        pseudonym=pseudonym,
        name=name,
        member_id=member_id,
    )
    present = partial(person_public, viewer=user)
    return list_page(audit, page, "person", PersonPublic, lister, present)


@router.post("", response_model=PersonPublic, status_code=201)
def create_person(
    body: PersonCreate,
    session: SessionDep,
    cipher: CipherDep,
    user: PersonWrite,
    audit: AuditDep,
) -> PersonPublic:
    """Register a person; a pseudonymous id is assigned."""
    person = crud.create_person(session, actor=user, cipher=cipher, data=body)
    audit.commit_on("person.create", person)
    return person_public(person, viewer=user)


@router.get("/{person_id}", response_model=PersonPublic)
def read_person(
    person_id: IdPath,
    session: SessionDep,
    user: PersonRead,
    audit: AuditDep,
) -> PersonPublic:
    """One person (identity withheld for roles without ``person:identify``)."""
    person = person_in_scope(audit, session, user, person_id)
    audit.commit_on("person.read", person)
    return person_public(person, viewer=user)


@router.patch("/{person_id}", response_model=PersonPublic)
def update_person(
    person_id: IdPath,
    body: PersonUpdate,
    session: SessionDep,
    cipher: CipherDep,
    user: PersonWrite,
    audit: AuditDep,
) -> PersonPublic:
    """Change a person (only the fields sent)."""
    person = person_in_scope(audit, session, user, person_id)
    crud.update_person(session, actor=user, cipher=cipher, person=person, data=body)
    audit.commit_on(
        "person.update",
        person,
        detail=",".join(sorted(body.model_fields_set)),
    )
    return person_public(person, viewer=user)


@router.get("/{person_id}/intakes", response_model=PageOf[IntakePublic])
def list_person_intakes(
    person_id: IdPath,
    session: SessionDep,
    user: IntakeRead,
    page: PageDep,
    audit: AuditDep,
) -> PageOf[IntakePublic]:
    """A person's intakes."""
    person = person_in_scope(audit, session, user, person_id)
    rows, total = crud.list_intakes(
        session, viewer=user, person_id=person.id, limit=page.limit, offset=page.offset
    )
    commit_person_list(audit, "intake", person)
    return page.of(IntakePublic, [IntakePublic.model_validate(i) for i in rows], total)


@router.post("/{person_id}/intakes", response_model=IntakePublic, status_code=201)
def create_person_intake(
    person_id: IdPath,
    body: IntakeCreate,
    session: SessionDep,
    user: IntakeWrite,
    audit: AuditDep,
) -> IntakePublic:
    """Record an intake (the door they came through) for a person."""
    person = person_in_scope(audit, session, user, person_id)
    intake = crud.create_intake(session, actor=user, person=person, data=body)
    audit.commit_on("intake.create", intake)
    return IntakePublic.model_validate(intake)


def _of_person(kind: str, record: Case | Intake | Consent, person: Person) -> None:
    """Refuse (400, naming the ``<kind>_id`` field) a case, intake or consent
    the request names that is not ``person``'s."""
    if record.person_id != person.id:
        raise BadRequest(f"the {kind} belongs to another person", field=f"{kind}_id")


def _list_route(
    kind: str, path: str, *, model: type[Any], public: type[Any], user: Any, doc: str
) -> None:
    """``GET /persons/{person_id}/<path>``: the person's ``model`` rows."""

    def read(person_id: IdPath, session: SessionDep, user: Any, audit: AuditDep) -> Any:
        person = person_in_scope(audit, session, user, person_id)  # scope
        rows = list_for_person(
            audit,
            session,
            person=person,
            kind=kind,
            model=model,
            part2_ok=crud.part2_visible(session, viewer=user, person=person),
        )
        return [public.model_validate(r) for r in rows]

    listed: Any = list[public]  # type: ignore[valid-type]
    read.__annotations__.update({"user": user, "return": listed})
    name = f"list_person_{path.replace('-', '_')}"
    read.__name__ = read.__qualname__ = name
    read.__doc__ = doc
    router.get(f"/{{person_id}}/{path}", response_model=listed)(read)


_list_route(
    "screening",
    "screenings",
    model=Screening,
    public=ScreeningPublic,
    user=ScreeningRead,
    doc="A person's screenings (Part 2 ones only under consent).",
)


@router.post("/{person_id}/screenings", response_model=ScreeningPublic, status_code=201)
def create_person_screening(
    person_id: IdPath,
    body: ScreeningCreate,
    session: SessionDep,
    user: ScreeningWrite,
    audit: AuditDep,
) -> ScreeningPublic:
    """Score answers with a screening instrument and store the FHIR response."""
    person = person_in_scope(audit, session, user, person_id)
    if body.case_id is not None:
        case = crud.get_case(session, viewer=user, case_id=body.case_id)
        _of_person("case", case, person)
    if body.intake_id is not None:
        intake = crud.get_intake(session, viewer=user, intake_id=body.intake_id)
        _of_person("intake", intake, person)
    row = screen_and_store(
        session,
        actor=user,
        person=person,
        instrument_id=body.instrument_id,
        answers=body.answers,
        case_id=body.case_id,
        intake_id=body.intake_id,
    )
    audit.commit_on("screening.create", row, detail=body.instrument_id)
    return ScreeningPublic.model_validate(row)


@router.get("/{person_id}/consents", response_model=list[ConsentPublic])
def list_person_consents(
    person_id: IdPath,
    session: SessionDep,
    user: ConsentRead,
    audit: AuditDep,
) -> list[ConsentPublic]:
    """A person's consent records."""
    person = person_in_scope(audit, session, user, person_id)
    rows = crud.list_consents(session, person_id=person.id)
    commit_person_list(audit, "consent", person)
    return [consent_public(c) for c in rows]


@router.post("/{person_id}/consents", response_model=ConsentPublic, status_code=201)
def create_person_consent(
    person_id: IdPath,
    body: ConsentCreate,
    session: SessionDep,
    user: ConsentWrite,
    audit: AuditDep,
) -> ConsentPublic:
    """Record consent (type, scope, expiry) or a refusal."""
    person = person_in_scope(audit, session, user, person_id)
    consent = crud.record_consent(session, actor=user, person=person, data=body)
    audit.commit_on(
        "consent.create",
        consent,
        detail=f"{consent.consent_type}/{consent.scope}",
    )
    return consent_public(consent)


@router.post("/{person_id}/consents/{consent_id}/revoke", response_model=ConsentPublic)
def revoke_person_consent(
    person_id: IdPath,
    consent_id: IdPath,
    session: SessionDep,
    user: ConsentWrite,
    audit: AuditDep,
) -> ConsentPublic:
    """Revoke a consent from now on."""
    person = person_in_scope(audit, session, user, person_id)
    consent = crud.get_or_404(session, Consent, consent_id, "consent")
    _of_person("consent", consent, person)
    crud.revoke_consent(session, consent=consent)
    audit.commit_on("consent.revoke", consent)
    return consent_public(consent)


_list_route(
    "riskflag",
    "risk-flags",
    model=RiskFlag,
    public=RiskFlagPublic,
    user=RiskFlagRead,
    doc="A person's population-worklist flags (Part 2 reasons only under consent).",
)
