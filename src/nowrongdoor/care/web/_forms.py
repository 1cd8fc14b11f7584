"""Form parsing and the labels pages show for stored codes (private)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from nowrongdoor.care.enums import Door, NeedCategory
from nowrongdoor.care.errors import BadRequest

M = TypeVar("M", bound=BaseModel)

#: How each door reads on a page (the deck's "how victims are identified").
DOOR_LABELS: dict[str, str] = {
    Door.HOSPITAL: "Hospital or clinic",
    Door.LAW_ENFORCEMENT: "Law enforcement",
    Door.SELF: "Self-disclosed",
    Door.TEACHER: "Teacher or school counsellor",
    Door.THERAPIST: "Therapist",
    Door.RETURNED_RUNAWAY: "Returned to parent or guardian after running away",
    Door.OTHER_VICTIM: "Another victim",
    Door.FAMILY: "Family member",
    Door.CLAIMS_FLAG: "Health-plan claims risk flag",
    Door.AD_MATCH: "Online ad matched to a missing person (lead)",
    Door.PARTNER: "Referral from a community partner",
}

#: Need categories, grouped as the Gravity Project SDOH domains read on a page.
NEED_LABELS: dict[str, str] = {
    NeedCategory.FOOD_INSECURITY: "Food insecurity",
    NeedCategory.HOUSING_INSTABILITY: "Housing instability",
    NeedCategory.HOMELESSNESS: "Homelessness",
    NeedCategory.INADEQUATE_HOUSING: "Inadequate housing",
    NeedCategory.TRANSPORTATION_INSECURITY: "Transportation insecurity",
    NeedCategory.FINANCIAL_STRAIN: "Financial strain",
    NeedCategory.MATERIAL_HARDSHIP: "Material hardship",
    NeedCategory.EMPLOYMENT_STATUS: "Employment",
    NeedCategory.EDUCATIONAL_ATTAINMENT: "Education",
    NeedCategory.VETERAN_STATUS: "Veteran status",
    NeedCategory.STRESS: "Stress",
    NeedCategory.SOCIAL_CONNECTION: "Social connection",
    NeedCategory.INTIMATE_PARTNER_VIOLENCE: "Intimate partner violence",
    NeedCategory.ELDER_ABUSE: "Elder abuse",
    NeedCategory.HEALTH_LITERACY: "Health literacy",
    NeedCategory.MEDICAL_COST_BURDEN: "Medical cost burden",
    NeedCategory.HEALTH_INSURANCE_COVERAGE: "Health insurance coverage",
    NeedCategory.DIGITAL_LITERACY: "Digital literacy",
    NeedCategory.DIGITAL_ACCESS: "Digital access",
    NeedCategory.UTILITY_INSECURITY: "Utility insecurity",
    NeedCategory.LEGAL: "Legal",
    NeedCategory.MENTAL_HEALTH: "Mental health",
    NeedCategory.SUBSTANCE_USE: "Substance use (42 CFR Part 2)",
    NeedCategory.HUMAN_TRAFFICKING: "Human trafficking (specialty services)",
}

PATHWAY_LABELS: dict[str, str] = {
    "prevent": "Prevent",
    "survive": "Survive",
    "thrive": "Thrive",
}

REFERRAL_STATUS_LABELS: dict[str, str] = {
    "draft": "Draft (not sent)",
    "sent": "Sent, waiting for the partner",
    "accepted": "Accepted",
    "declined": "Declined",
    "in_progress": "In progress",
    "completed": "Completed",
    "cancelled": "Cancelled",
}


def text(form: FormData, name: str) -> str | None:
    """A trimmed text field, ``None`` when empty or absent."""
    value = form.get(name)
    if value is None or not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def integer(form: FormData, name: str) -> int | None:
    """A whole-number field, ``None`` when empty.

    Raises:
        BadRequest: the value is not a whole number (names the field).
    """
    value = text(form, name)
    if value is None:
        return None
    if not value.lstrip("-").isdigit():
        raise BadRequest(f"{name} must be a whole number", field=name)
    return int(value)


def date_field(form: FormData, name: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date field, ``None`` when empty.

    Raises:
        BadRequest: the value is not a date (names the field).
    """
    value = text(form, name)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name} must be a date (YYYY-MM-DD)", field=name) from None


def lines(form: FormData, name: str) -> list[str]:
    """A textarea as a list of its non-empty lines."""
    value = text(form, name) or ""
    return [line.strip() for line in value.splitlines() if line.strip()]


def build(model: type[M], **values: Any) -> M:
    """Validate ``values`` into one of the care service's request schemas.

    Raises:
        BadRequest: a value is invalid; the message and field name the culprit.
    """
    try:
        return model(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "form"
        raise BadRequest(f"{field}: {first['msg']}", field=field) from None


def choice(value: str | None, allowed: dict[str, str], name: str) -> str:
    """``value`` if it is one of ``allowed``'s keys.

    Raises:
        BadRequest: missing or unknown value (names the field).
    """
    if value is None or value not in allowed:
        raise BadRequest(
            f"choose one of the listed options for {name.replace('_', ' ')}",
            field=name,
        )
    return value


def fmt_time(value: dt.datetime | None) -> str:
    """A UTC timestamp as ``2026-11-28 17:40 UTC`` (empty for ``None``)."""
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def fmt_date(value: dt.datetime | dt.date | None) -> str:
    """A date as ``2026-11-28`` (empty for ``None``)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC).date()
    return value.isoformat()


FILTERS: dict[str, Callable[..., str]] = {
    "time": fmt_time,
    "date": fmt_date,
    "door": lambda v: DOOR_LABELS.get(str(v), str(v)),
    "need": lambda v: NEED_LABELS.get(str(v), str(v or "")),
    "pathway": lambda v: PATHWAY_LABELS.get(str(v), str(v)),
    "referral_status": lambda v: REFERRAL_STATUS_LABELS.get(str(v), str(v)),
}
