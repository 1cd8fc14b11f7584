"""Needs, goals and screenings as FHIR R4 ``Condition``, ``Goal`` and
``QuestionnaireResponse``, and who reaches which.

Profiles: HL7 SDOH Clinical Care IG (Gravity) STU 2.2 ``SDOHCC-Condition``
(category ``sdoh`` from US Core plus the SDOH domain from
``SDOHCC-ValueSetSDOHCategory``; code from ICD-10-CM Z codes where one names
the need) and ``SDOHCC-Goal``; screenings are the QuestionnaireResponse the
screening engine stored (``SDOHCC-QuestionnaireResponse`` minus the derived
observations). Sources: http://hl7.org/fhir/us/sdoh-clinicalcare/ and the
CMS ICD-10-CM FY2024 tabular list (chapter 21, Z55-Z65).

Reach - the web pages' rules, with 42 CFR Part 2 on top:

* staff reach the needs and goals of cases in their record scope and the
  screenings of persons in it (``case:read``, ``screening:read``); items
  labelled Part 2 only with an active Part 2 disclosure consent covering their
  organisation (``crud.part2_visible``, 42 CFR 2.31); free text only for roles
  that may identify persons;
* a partner's client reaches only the condition a referral to it addresses (the
  referral's case's needs in the referral's category) and the goals on those
  needs - the minimum necessary - and never screenings. Part 2 referrals are
  already held back without consent (:mod:`._access`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.enums import NeedCategory, NeedStatus, Role, Sensitivity
from nowrongdoor.care.fhir._access import visible_referrals
from nowrongdoor.care.fhir.resources import (
    NEED_SYSTEM,
    SDOHCC,
    SDOHCC_TEMP,
    _instant,
    as_json,
)
from nowrongdoor.care.models import Case, Goal, Need, Person, Screening, User
from nowrongdoor.care.rbac import can, scope_clause

__all__ = [
    "CLINICAL_KINDS",
    "ClinicalKind",
    "ICD10CM",
    "ICD10_OF_NEED",
    "SDOH_DOMAIN",
    "condition_resource",
    "goal_resource",
    "questionnaire_response_resource",
    "visible_goals",
    "visible_needs",
    "visible_screenings",
]

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
N = NeedCategory

#: Need category -> Gravity SDOH domain code (SDOHCC-CodeSystemTemporaryCodes);
#: categories outside the Gravity domains get ``sdoh-category-unspecified``.
SDOH_DOMAIN: Final = MappingProxyType(
    {
        N.FOOD_INSECURITY: "food-insecurity",
        N.HOUSING_INSTABILITY: "housing-instability",
        N.HOMELESSNESS: "homelessness",
        N.INADEQUATE_HOUSING: "inadequate-housing",
        N.TRANSPORTATION_INSECURITY: "transportation-insecurity",
        N.FINANCIAL_STRAIN: "financial-insecurity",
        N.MATERIAL_HARDSHIP: "material-hardship",
        N.EMPLOYMENT_STATUS: "employment-status",
        N.EDUCATIONAL_ATTAINMENT: "educational-attainment",
        N.VETERAN_STATUS: "veteran-status",
        N.STRESS: "stress",
        N.SOCIAL_CONNECTION: "social-connection",
        N.INTIMATE_PARTNER_VIOLENCE: "intimate-partner-violence",
        N.ELDER_ABUSE: "elder-abuse",
        N.HEALTH_LITERACY: "personal-health-literacy",
        N.MEDICAL_COST_BURDEN: "medical-cost-burden",
        N.HEALTH_INSURANCE_COVERAGE: "health-insurance-coverage-status",
        N.DIGITAL_LITERACY: "digital-literacy",
        N.DIGITAL_ACCESS: "digital-access",
        N.UTILITY_INSECURITY: "utility-insecurity",
    }
)

#: Need category -> ICD-10-CM code and its title (FY2024 tabular list), only
#: where one code names the need itself; the rest carry text and our own code.
ICD10_OF_NEED: Final = MappingProxyType(
    {
        N.FOOD_INSECURITY: ("Z59.41", "Food insecurity"),
        N.HOUSING_INSTABILITY: ("Z59.819", "Housing instability, housed unspecified"),
        N.HOMELESSNESS: ("Z59.00", "Homelessness unspecified"),
        N.INADEQUATE_HOUSING: ("Z59.10", "Inadequate housing, unspecified"),
        N.TRANSPORTATION_INSECURITY: ("Z59.82", "Transportation insecurity"),
        N.FINANCIAL_STRAIN: ("Z59.86", "Financial insecurity"),
        N.MATERIAL_HARDSHIP: (
            "Z59.87",
            "Material hardship due to limited financial resources, not elsewhere "
            "classified",
        ),
        N.UTILITY_INSECURITY: ("Z59.12", "Inadequate housing utilities"),
        N.EMPLOYMENT_STATUS: ("Z56.0", "Unemployment, unspecified"),
        N.EDUCATIONAL_ATTAINMENT: (
            "Z55.9",
            "Problems related to education and literacy, unspecified",
        ),
        N.HEALTH_LITERACY: ("Z55.6", "Problems related to health literacy"),
        N.STRESS: ("Z73.3", "Stress, not elsewhere classified"),
        N.HEALTH_INSURANCE_COVERAGE: (
            "Z59.7",
            "Insufficient social insurance and welfare support",
        ),
    }
)

_CLINICAL_STATUS = {
    NeedStatus.IDENTIFIED: "active",
    NeedStatus.IN_PROGRESS: "active",
    NeedStatus.MET: "resolved",
    NeedStatus.NOT_MET: "active",
}
_GOAL_LIFECYCLE = {
    NeedStatus.IDENTIFIED: ("proposed", None),
    NeedStatus.IN_PROGRESS: ("active", "in-progress"),
    NeedStatus.MET: ("completed", "achieved"),
    NeedStatus.NOT_MET: ("cancelled", "not-achieved"),
}
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"


def _label(category: str) -> str:
    return category.replace("_", " ")


def _categories(category: str) -> list[dict[str, Any]]:
    domain = SDOH_DOMAIN.get(NeedCategory(category), "sdoh-category-unspecified")
    return [
        {"coding": [{"system": US_CORE_CATEGORY, "code": "health-concern"}]},
        {"coding": [{"system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-tags",
                     "code": "sdoh", "display": "SDOH"}]},
        {"coding": [{"system": SDOHCC_TEMP, "code": domain}]},
    ]  # fmt: skip


def condition_resource(need: Need, *, pseudonym: str, with_text: bool) -> Condition:
    """An SDOHCC Condition (health concern) for a case's need."""
    codings = [{"system": NEED_SYSTEM, "code": need.category,
                "display": _label(need.category)}]  # fmt: skip
    icd = ICD10_OF_NEED.get(NeedCategory(need.category))
    if icd:
        codings.insert(0, {"system": ICD10CM, "code": icd[0], "display": icd[1]})
    data: dict[str, Any] = {
        "id": str(need.id),
        "meta": {"profile": [f"{SDOHCC}/SDOHCC-Condition"]},
        "clinicalStatus": {
            "coding": [
                {"system": CLINICAL, "code": _CLINICAL_STATUS[NeedStatus(need.status)]}
            ]
        },
        "verificationStatus": {
            "coding": [{"system": VERIFICATION, "code": "unconfirmed"}]
        },
        "category": _categories(need.category),
        "code": {"coding": codings, "text": _label(need.category)},
        "subject": {"reference": f"Patient/{pseudonym}"},
        "recordedDate": _instant(need.created_at),
    }
    if with_text and need.description:
        data["note"] = [{"text": need.description}]
    return Condition.model_validate(data)


def goal_resource(goal: Goal, *, pseudonym: str, with_text: bool) -> FhirGoal:
    """An SDOHCC Goal; ``addresses`` its need's Condition."""
    lifecycle, achievement = _GOAL_LIFECYCLE[NeedStatus(goal.status)]
    text = goal.description if with_text else "Goal (text withheld)"
    data: dict[str, Any] = {
        "id": str(goal.id),
        "meta": {"profile": [f"{SDOHCC}/SDOHCC-Goal"]},
        "lifecycleStatus": lifecycle,
        "description": {"text": text},
        "subject": {"reference": f"Patient/{pseudonym}"},
        "startDate": goal.created_at.date().isoformat(),
        "expressedBy": {"reference": f"Patient/{pseudonym}"},
    }
    if achievement:
        data["achievementStatus"] = {
            "coding": [{"system": GOAL_ACHIEVEMENT, "code": achievement}]
        }
    if goal.target_date:
        data["target"] = [{"dueDate": goal.target_date.isoformat()}]
    if goal.need_id:
        data["addresses"] = [{"reference": f"Condition/{goal.need_id}"}]
    return FhirGoal.model_validate(data)


def questionnaire_response_resource(
    screening: Screening, *, pseudonym: str
) -> QuestionnaireResponse:
    """The stored QuestionnaireResponse of a screening, about the pseudonym."""
    data = dict(screening.questionnaire_response)
    data.pop("contained", None)
    data.update(
        id=str(screening.id),
        subject={"reference": f"Patient/{pseudonym}"},
        authored=_instant(screening.performed_at),
    )
    data.pop("author", None)
    data.pop("source", None)
    return QuestionnaireResponse.model_validate(data)


def _staff_cases(viewer: User) -> Any:
    return scope_clause(viewer, Case.organization_id, Case.owner_id)


def _part2_allowed(session: Session, viewer: User, person_ids: set[int]) -> set[int]:
    """Persons whose Part 2 items ``viewer`` may see (42 CFR 2.31)."""
    if not person_ids or not can(viewer, "part2:read"):
        return set()
    persons = session.scalars(select(Person).where(Person.id.in_(person_ids)))
    return {
        p.id for p in persons if crud.part2_visible(session, viewer=viewer, person=p)
    }


def _need_query(session: Session, viewer: User) -> Select[Need, int]:
    if viewer.role == Role.PARTNER_USER:
        referrals = visible_referrals(session, viewer).subquery()
        return (
            select(Need, Case.person_id)
            .join(Case, Case.id == Need.case_id)
            .join(
                referrals,
                and_(
                    referrals.c.case_id == Need.case_id,
                    referrals.c.need_category == Need.category,
                ),
            )
            .distinct()
        )
    return (
        select(Need, Case.person_id)
        .join(Case, Case.id == Need.case_id)
        .where(_staff_cases(viewer))
    )


def _filter_part2(
    session: Session, viewer: User, rows: list[tuple[Any, int]]
) -> list[tuple[Any, int]]:
    held = [r for r in rows if getattr(r[0], "sensitivity", None) == Sensitivity.PART2]
    if not held:
        return rows
    if viewer.role == Role.PARTNER_USER:
        # a partner reaches a Part 2 need only through a substance-use
        # referral, which visible_referrals passes only with Part 2 consent
        return [
            r
            for r in rows
            if r[0].sensitivity != Sensitivity.PART2
            or r[0].category == NeedCategory.SUBSTANCE_USE
        ]
    allowed = _part2_allowed(session, viewer, {r[1] for r in held})
    return [r for r in rows if r[0].sensitivity != Sensitivity.PART2 or r[1] in allowed]


def _rows(
    session: Session,
    stmt: Any,
    model: Any,
    person_col: Any,
    *,
    person_id: int | None,
    item_id: int | None,
) -> list[tuple[Any, int]]:
    """``(item, person_id)`` rows of ``stmt`` (of one person, or the one item
    ``item_id``, when given), in ``model``'s id order."""
    if person_id is not None:
        stmt = stmt.where(person_col == person_id)
    if item_id is not None:
        stmt = stmt.where(model.id == item_id)
    return [(item, pid) for item, pid in session.execute(stmt.order_by(model.id))]


def visible_needs(
    session: Session,
    viewer: User,
    *,
    person_id: int | None = None,
    item_id: int | None = None,
) -> list[tuple[Need, int]]:
    """``(need, person_id)`` pairs ``viewer`` reaches as Conditions (of one
    person, or the one need ``item_id``, when given)."""
    stmt = _need_query(session, viewer)
    rows = _rows(
        session, stmt, Need, Case.person_id, person_id=person_id, item_id=item_id
    )
    return _filter_part2(session, viewer, rows)


def visible_goals(
    session: Session,
    viewer: User,
    *,
    person_id: int | None = None,
    item_id: int | None = None,
) -> list[tuple[Goal, int]]:
    """``(goal, person_id)`` pairs ``viewer`` reaches (a partner: goals on the
    needs it reaches; staff: goals of cases in scope, Part 2 needs' goals held
    back like the needs)."""
    needs = visible_needs(session, viewer, person_id=person_id)
    reached = {n.id for n, _ in needs}
    stmt = select(Goal, Case.person_id).join(Case, Case.id == Goal.case_id)
    if viewer.role == Role.PARTNER_USER:
        if not reached:
            return []
        stmt = stmt.where(Goal.need_id.in_(reached))
    else:
        stmt = stmt.where(_staff_cases(viewer))
    rows = _rows(
        session, stmt, Goal, Case.person_id, person_id=person_id, item_id=item_id
    )
    if viewer.role == Role.PARTNER_USER:
        return rows
    linked = {g.need_id for g, _ in rows if g.need_id is not None}
    hidden = set()
    if linked:
        part2 = session.scalars(
            select(Need.id).where(
                Need.id.in_(linked), Need.sensitivity == Sensitivity.PART2
            )
        ).all()
        hidden = set(part2) - reached
    return [(g, pid) for g, pid in rows if g.need_id not in hidden]


def visible_screenings(
    session: Session,
    viewer: User,
    *,
    person_id: int | None = None,
    item_id: int | None = None,
) -> list[tuple[Screening, int]]:
    """``(screening, person_id)`` pairs ``viewer`` reaches (staff only)."""
    if viewer.role == Role.PARTNER_USER or not can(viewer, "screening:read"):
        return []
    stmt = (
        select(Screening, Screening.person_id)
        .join(Person, Person.id == Screening.person_id)
        .where(
            scope_clause(
                viewer, Person.organization_id, Person.owner_id, Person.pool_team
            )
        )
    )
    rows = _rows(
        session,
        stmt,
        Screening,
        Screening.person_id,
        person_id=person_id,
        item_id=item_id,
    )
    return _filter_part2(session, viewer, rows)


@dataclass(frozen=True)
class ClinicalKind:
    """How one clinical resource type is reached, built and audited.

    Attributes:
        lister: ``(session, viewer, *, person_id=None, item_id=None)`` ->
            ``(item, person_id)`` pairs the viewer reaches.
        audit_type: The audit event's resource type.
        stamp: The item's creation instant (bulk ``_since``).
        build: ``(item, pseudonym, with_text)`` -> the FHIR resource.
    """

    lister: Callable[..., list[tuple[Any, int]]]
    audit_type: str
    stamp: str
    build: Callable[[Any, str, bool], Any]

    def to_json(self, item: Any, pseudonym: str, *, with_text: bool) -> Any:
        """The resource of ``item`` as JSON-ready data."""
        return as_json(self.build(item, pseudonym, with_text))


#: The clinical resource types the ``/fhir`` reads, searches and bulk export serve.
CLINICAL_KINDS: Final = MappingProxyType(
    {
        "Condition": ClinicalKind(
            visible_needs,
            "need",
            "created_at",
            lambda n, p, t: condition_resource(n, pseudonym=p, with_text=t),
        ),
        "Goal": ClinicalKind(
            visible_goals,
            "goal",
            "created_at",
            lambda g, p, t: goal_resource(g, pseudonym=p, with_text=t),
        ),
        "QuestionnaireResponse": ClinicalKind(
            visible_screenings,
            "screening",
            "performed_at",
            lambda s, p, _t: questionnaire_response_resource(s, pseudonym=p),
        ),
    }
)
