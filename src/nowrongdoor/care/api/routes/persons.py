"""Persons and what belongs to them: intakes, screenings, consent, risk flags."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query

from nowrongdoor.care import crud
from nowrongdoor.care.api.case_children import (
    add_to_person,
    commit_list,
    list_children,
)
from nowrongdoor.care.api.deps import IdPath, PageDep
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
    ctx: PersonRead,
    page: PageDep,
    pseudonym: Annotated[str | None, Query(max_length=20)] = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    member_id: Annotated[str | None, Query(max_length=64)] = None,
) -> PageOf[PersonPublic]:
    """Persons in scope; search by pseudonym, exact name or member id."""
    return list_page(
        ctx,
        page,
        "person",
        PersonPublic,
        crud.list_persons,
        partial(person_public, viewer=ctx.user),
        cipher=ctx.cipher,
        pseudonym=pseudonym,
        name=name,
        member_id=member_id,
    )


@router.post("", response_model=PersonPublic, status_code=201)
def create_person(body: PersonCreate, ctx: PersonWrite) -> PersonPublic:
    """Register a person; a pseudonymous id is assigned."""
    person = crud.create_person(
        ctx.session, actor=ctx.user, cipher=ctx.cipher, data=body
    )
    ctx.audit.commit_on("person.create", person)
    return person_public(person, viewer=ctx.user)


@router.get("/{person_id}", response_model=PersonPublic)
def read_person(person_id: IdPath, ctx: PersonRead) -> PersonPublic:
    """One person (identity withheld for roles without ``person:identify``)."""
    person = person_in_scope(ctx, person_id)
    ctx.audit.commit_on("person.read", person)
    return person_public(person, viewer=ctx.user)


@router.patch("/{person_id}", response_model=PersonPublic)
def update_person(
    person_id: IdPath, body: PersonUpdate, ctx: PersonWrite
) -> PersonPublic:
    """Change a person (only the fields sent)."""
    person = person_in_scope(ctx, person_id)
    crud.update_person(
        ctx.session, actor=ctx.user, cipher=ctx.cipher, person=person, data=body
    )
    ctx.audit.commit_on(
        "person.update",
        person,
        detail=",".join(sorted(body.model_fields_set)),
    )
    return person_public(person, viewer=ctx.user)


def _add_route(
    kind: str,
    path: str,
    *,
    body: type[Any],
    public: type[Any],
    user: Any,
    doc: str,
    present: Callable[[Any], Any] | None = None,
    detail: Callable[[Any], str] | None = None,
) -> None:
    """``POST /persons/{person_id}/<path>``: record a ``kind`` for the person,
    answered with ``present`` (default ``public.model_validate``), its audit
    event's detail ``detail(body)``."""

    def create(person_id: IdPath, body: Any, ctx: Any) -> Any:
        person = person_in_scope(ctx, person_id)  # scope
        item = add_to_person(
            ctx.audit,
            ctx.session,
            actor=ctx.user,
            person=person,
            kind=kind,
            data=body,
            detail=detail(body) if detail else None,
        )
        return (present or public.model_validate)(item)

    create.__annotations__.update({"body": body, "ctx": user, "return": public})
    create.__name__ = create.__qualname__ = f"create_person_{kind}"
    create.__doc__ = doc
    router.post(f"/{{person_id}}/{path}", response_model=public, status_code=201)(
        create
    )


@router.get("/{person_id}/intakes", response_model=PageOf[IntakePublic])
def list_person_intakes(
    person_id: IdPath, ctx: IntakeRead, page: PageDep
) -> PageOf[IntakePublic]:
    """A person's intakes."""
    person = person_in_scope(ctx, person_id)
    rows, total = crud.list_intakes(
        ctx.session,
        viewer=ctx.user,
        person_id=person.id,
        limit=page.limit,
        offset=page.offset,
    )
    commit_list(ctx.audit, "intake", person)
    return page.of(IntakePublic, [IntakePublic.model_validate(i) for i in rows], total)


_add_route(
    "intake",
    "intakes",
    body=IntakeCreate,
    public=IntakePublic,
    user=IntakeWrite,
    doc="Record an intake (the door they came through) for a person.",
)


def _of_person(kind: str, record: Case | Intake | Consent, person: Person) -> None:
    """Refuse (400, naming the ``<kind>_id`` field) a case, intake or consent
    the request names that is not ``person``'s."""
    if record.person_id != person.id:
        raise BadRequest(f"the {kind} belongs to another person", field=f"{kind}_id")


def _list_route(
    kind: str, path: str, *, model: type[Any], public: type[Any], user: Any, doc: str
) -> None:
    """``GET /persons/{person_id}/<path>``: the person's ``model`` rows."""

    def read(person_id: IdPath, ctx: Any) -> Any:
        person = person_in_scope(ctx, person_id)  # scope
        rows = list_children(
            ctx.audit,
            ctx.session,
            holder=person,
            kind=kind,
            model=model,
            part2_ok=crud.part2_visible(ctx.session, viewer=ctx.user, person=person),
        )
        return [public.model_validate(r) for r in rows]

    listed: Any = list[public]  # type: ignore[valid-type]
    read.__annotations__.update({"ctx": user, "return": listed})
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
    person_id: IdPath, body: ScreeningCreate, ctx: ScreeningWrite
) -> ScreeningPublic:
    """Score answers with a screening instrument and store the FHIR response."""
    session, user = ctx.session, ctx.user
    person = person_in_scope(ctx, person_id)
    case = None
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
        case=case,
        intake_id=body.intake_id,
    )
    ctx.audit.commit_on("screening.create", row, detail=body.instrument_id)
    return ScreeningPublic.model_validate(row)


@router.get("/{person_id}/consents", response_model=list[ConsentPublic])
def list_person_consents(person_id: IdPath, ctx: ConsentRead) -> list[ConsentPublic]:
    """A person's consent records."""
    person = person_in_scope(ctx, person_id)
    rows = crud.list_consents(ctx.session, person_id=person.id)
    commit_list(ctx.audit, "consent", person)
    return [consent_public(c) for c in rows]


_add_route(
    "consent",
    "consents",
    body=ConsentCreate,
    public=ConsentPublic,
    user=ConsentWrite,
    doc="Record consent (type, scope, expiry) or a refusal.",
    present=consent_public,
    detail=lambda body: f"{body.consent_type}/{body.scope}",
)


@router.post("/{person_id}/consents/{consent_id}/revoke", response_model=ConsentPublic)
def revoke_person_consent(
    person_id: IdPath, consent_id: IdPath, ctx: ConsentWrite
) -> ConsentPublic:
    """Revoke a consent from now on."""
    person = person_in_scope(ctx, person_id)
    consent = crud.get_or_404(ctx.session, Consent, consent_id, "consent")
    _of_person("consent", consent, person)
    crud.revoke_consent(ctx.session, consent=consent)
    ctx.audit.commit_on("consent.revoke", consent)
    return consent_public(consent)


_list_route(
    "riskflag",
    "risk-flags",
    model=RiskFlag,
    public=RiskFlagPublic,
    user=RiskFlagRead,
    doc="A person's population-worklist flags (Part 2 reasons only under consent).",
)
