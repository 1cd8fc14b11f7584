"""Form parsing and the labels pages show for stored codes (private)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from nowrongdoor.care.crud import BELOW_EVERY_TIER
from nowrongdoor.care.enums import Door, NeedCategory
from nowrongdoor.care.errors import BadRequest
from nowrongdoor.errors import first_error

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
#: Pathways as the pages write them: a case's, and a screening's recommendation
#: (the engine's ``survive_thrive``, which no case takes).
PATHWAY_WORDS: dict[str, str] = {**PATHWAY_LABELS, "survive_thrive": "Survive / Thrive"}

#: A case's status, and a need's, goal's, barrier's or task's, as the case
#: page writes it (one table: the statuses share their names).
CARE_STATUS_LABELS: dict[str, str] = {
    "open": "Open",
    "active": "Active",
    "closed": "Closed",
    "identified": "Identified",
    "in_progress": "In progress",
    "met": "Met",
    "not_met": "Not met",
    "done": "Done",
    "cancelled": "Cancelled",
}

REFERRAL_STATUS_LABELS: dict[str, str] = {
    "draft": "Draft (not sent)",
    "sent": "Sent, waiting for the partner",
    "received": "Received by the partner",
    "accepted": "Accepted",
    "declined": "Declined",
    "in_progress": "In progress",
    "completed": "Completed",
    "cancelled": "Cancelled",
}

#: The notice that must accompany each disclosure of substance-use disorder
#: records made with the patient's consent: the short statement of 42 CFR
#: 2.32(a)(2) as amended by the final rule of 16 February 2024 (89 FR 12472).
#: The partner reads it beside a substance-use referral.
PART2_NOTICE = (
    "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
)

#: A referral's move as a past event ("Accepted by ..."), for a list's last change.
REFERRAL_MOVE_LABELS: dict[str, str] = {
    "draft": "Drafted",
    "sent": "Sent",
    "received": "Received",
    "accepted": "Accepted",
    "declined": "Declined",
    "in_progress": "Marked in progress",
    "completed": "Marked completed",
    "cancelled": "Cancelled",
}


#: How a partner that is not on the system told the referring team (the
#: choices of the form that records its move on its behalf).
TOLD_VIA_LABELS: dict[str, str] = {
    "phone": "Phone",
    "email": "Email",
    "in_person": "In person",
    "letter": "Letter or fax",
}
#: The same, as the history writes it ("told by phone").
TOLD_VIA_WORDS: dict[str, str] = {
    "phone": "by phone",
    "email": "by email",
    "in_person": "in person",
    "letter": "by letter or fax",
}


def on_behalf(event: Any) -> str:
    """A referral move recorded on the partner's behalf, in words: "recorded
    by Dana Cruz on behalf of Northside Shelter, told by phone by Ann Lee";
    empty for a move its actor made as themselves.

    Args:
        event: A ``ReferralEventPublic`` (``told_via``, ``told_by``,
            ``recorded_by``, ``on_behalf_of``).
    """
    via = getattr(event, "told_via", None)
    if not via:
        return ""
    who = getattr(event, "recorded_by", None) or "the referring team"
    partner = getattr(event, "on_behalf_of", None) or "the partner"
    words = f"recorded by {who} on behalf of {partner}, told "
    words += TOLD_VIA_WORDS.get(str(via), str(via).replace("_", " "))
    told_by = getattr(event, "told_by", None)
    return f"{words} by {told_by}" if told_by else words


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
        raise BadRequest(f"{field_label(name)} must be a whole number.", field=name)
    return int(value)


#: How many years before and after this year a page's date may be: a year
#: like 1800 or 0001 is a slip of the keyboard, not a date someone meant.
DATE_WINDOW_YEARS = 130

#: Date fields that name something already past (never after today).
PAST_DATES = frozenset({"birth_date"})


def date_field(
    form: FormData, name: str, today: dt.date | None = None
) -> dt.date | None:
    """A ``YYYY-MM-DD`` date field, ``None`` when empty.

    Args:
        form: The posted form.
        name: The field.
        today: The date now (default: today in UTC).

    Raises:
        BadRequest: the value is not a date, is more than
            :data:`DATE_WINDOW_YEARS` years away, or (a field of
            :data:`PAST_DATES`) is in the future (names the field).
    """
    value = text(form, name)
    if value is None:
        return None
    label = field_label(name)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{label} must be a date (YYYY-MM-DD).", field=name) from None
    today = today or dt.datetime.now(dt.UTC).date()
    past = name in PAST_DATES
    if past and day > today:
        raise BadRequest(f"{label} cannot be in the future.", field=name)
    earliest, latest = today.year - DATE_WINDOW_YEARS, today.year + DATE_WINDOW_YEARS
    if not earliest <= day.year <= latest:
        until = "today" if past else str(latest)
        raise BadRequest(
            f"{label} must be a date between {earliest} and {until}.", field=name
        )
    return day


def lines(form: FormData, name: str) -> list[str]:
    """A textarea as a list of its non-empty lines."""
    value = text(form, name) or ""
    return [line.strip() for line in value.splitlines() if line.strip()]


#: How a form field is named in a message (otherwise its name, in words).
FIELD_LABELS: dict[str, str] = {
    "override_reason": "The reason for sending without consent",
    "reason": "The reason",
    "cancel_reason": "The reason for cancelling",
    "note": "The note",
    "text": "The note",
    "description": "The description",
    "title": "The title",
    "due_on": "The due date",
    "expires_on": "The expiry date",
    "need_category": "The need",
    "service_id": "The partner service",
    "status": "The status",
    "told_via": "How the partner told you",
    "told_by": "Who told you",
    "username": "The username",
    "password": "The password",
    "display_name": "The display name",
    "age": "The age",
}


def field_label(field: str) -> str:
    """How ``field`` reads at the start of a sentence ("The reason", ...)."""
    name = field.rsplit(".", 1)[-1]
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def plain_message(error: Mapping[str, Any]) -> str:
    """One Pydantic error as a sentence in plain words (never Pydantic's wording).

    Args:
        error: One item of ``ValidationError.errors()``.

    Returns:
        A sentence naming the field, e.g. "The reason for sending without
        consent needs at least 10 characters."
    """
    field = ".".join(str(p) for p in error.get("loc", ())) or "form"
    label = field_label(field)
    ctx = error.get("ctx") or {}
    kind = str(error.get("type", ""))
    if kind == "string_too_short":
        return f"{label} needs at least {ctx.get('min_length')} characters."
    if kind == "string_too_long":
        return f"{label} may have at most {ctx.get('max_length')} characters."
    if kind == "missing":
        return f"{label} is required."
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return f"{label} must be at least {bound}."
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return f"{label} must be at most {bound}."
    if kind.startswith(("int_", "float_", "decimal_")):
        return f"{label} must be a number."
    if kind.startswith(("date", "datetime")):
        return f"{label} must be a date (YYYY-MM-DD)."
    if kind in ("enum", "literal_error"):
        return f"{label}: choose one of the listed options."
    if kind == "value_error":
        text = str(error.get("msg", "")).removeprefix("Value error, ")
        return f"{label}: {text}" if text else f"{label} is not valid."
    return f"{label} is not valid."


def build(model: type[M], **values: Any) -> M:
    """Validate ``values`` into one of the care service's request schemas.

    Raises:
        BadRequest: a value is invalid; the message (plain words) and the field
            name the culprit.
    """
    try:
        return model(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        field, _ = first_error(exc, "form")
        raise BadRequest(plain_message(exc.errors()[0]), field=field) from None


def choice(value: str | None, allowed: dict[str, str], name: str) -> str:
    """``value`` if it is one of ``allowed``'s keys.

    Raises:
        BadRequest: missing or unknown value (names the field).
    """
    if value is None or value not in allowed:
        raise BadRequest(
            f"{field_label(name)}: choose one of the listed options.",
            field=name,
        )
    return value


def fmt_time(value: dt.datetime | str | None) -> str:
    """A timestamp in UTC as ``2026-11-28 17:40 UTC`` (empty for ``None``).

    ``value`` may also be ISO 8601 text (a time read back from a JSON record,
    such as the evidence bundle of a hand-off record); a time without an
    offset is taken as UTC, as the app stores every time in UTC. Text that is
    not a time is shown as it is.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        when = value
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def fmt_date(value: dt.datetime | dt.date | None) -> str:
    """A date as ``2026-11-28`` (empty for ``None``)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC).date()
    return value.isoformat()


def fmt_published(sensitivity: float | None, specificity: float | None) -> str:
    """An instrument's published accuracy, naming only what was published.

    Args:
        sensitivity: Published sensitivity in percent, or ``None``.
        specificity: Published specificity in percent, or ``None``.

    Returns:
        E.g. "Published sensitivity 86%; specificity not published."
    """

    def _pct(value: float | None) -> str | None:
        return None if value is None else f"{value:g}%"

    sens, spec = _pct(sensitivity), _pct(specificity)
    if sens is None and spec is None:
        return "Sensitivity and specificity not published."
    if spec is None:
        return f"Published sensitivity {sens}; specificity not published."
    if sens is None:
        return f"Published specificity {spec}; sensitivity not published."
    return f"Published sensitivity {sens}, specificity {spec}."


def explain_lead(lead: Mapping[str, Any]) -> list[str]:
    """An ad-match lead's numbers in words, for the person reviewing it.

    The score is the Fellegi-Sunter match weight of ``nowrongdoor.ads.match_files``
    (the sum of the log2 Bayes factors of the fields compared); the probability
    is the posterior match probability given how rare a true match is.

    Args:
        lead: The lead's stored columns (``score``, ``probability``, ``rank``).

    Returns:
        Sentences, one per number present.
    """
    out: list[str] = []
    score = lead.get("score")
    if isinstance(score, int | float):
        factor = 2 ** abs(float(score))
        if score > 0:
            direction = f"about {factor:,.0f} times more likely"
        elif score < 0:
            direction = f"about {factor:,.0f} times less likely"
        else:
            direction = "neither more nor less likely"
        out.append(
            f"Match weight {float(score):g}: the details compared (age, place, "
            f"names, photos' descriptions and the like) make it {direction} that "
            "this ad shows the missing person than before comparing them."
        )
    probability = lead.get("probability")
    if isinstance(probability, int | float):
        out.append(
            f"Chance that it is the same person: {float(probability) * 100:.2g}% "
            "(after allowing for how rare a true match is among all ads); a lead "
            "to check, never proof."
        )
    rank = lead.get("rank")
    if isinstance(rank, int):
        out.append(
            f"Rank {rank}: the {'best' if rank == 1 else f'number {rank}'} of the "
            "ads compared with this poster."
        )
    return out


def flag_reasons(raw: str | None) -> str:
    """A worklist flag's reasons in words: each indicator of the population
    score's JSON list with its code and date ("runaway (Z62.892, 2025-10-25)");
    reasons that are not such a list are shown as written."""
    if not raw:
        return ""
    try:
        items = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return raw
    out = []
    for item in items:
        where = ", ".join(str(item[k]) for k in ("code", "date") if item.get(k))
        name = str(item.get("indicator") or "indicator").replace("_", " ")
        out.append(f"{name} ({where})" if where else name)
    return "; ".join(out)


def flag_score(score: float | None) -> str:
    """A risk flag's score as its model wrote it: the population model's whole
    points read "30", another model's fraction "0.53" (never "30.00")."""
    return "" if score is None else f"{score:.4g}"


def flag_tier(tier: str | None) -> str:
    """A risk flag's tier in words: the population model's ``none`` reads
    "below every tier" (not "none", which reads as no flag at all)."""
    if tier == BELOW_EVERY_TIER:
        return "below every tier"
    return str(tier or "").replace("_", " ")


def flag_withheld(count: int | None) -> str:
    """The line under a Part 2 flag's open view: how many of its reasons are
    substance-use records withheld without a Part 2 consent covering the
    viewer (42 CFR 2.12, 2.32)."""
    if not count:
        return ""
    return (
        f"{count} more reason{'s' if count != 1 else ''} withheld: substance-use "
        "records (42 CFR Part 2) show only where the person's consent covers "
        "your organisation."
    )


FILTERS: dict[str, Callable[..., str]] = {
    "flag_reasons": flag_reasons,
    "flag_withheld": flag_withheld,
    "flag_score": flag_score,
    "flag_tier": flag_tier,
    "published": fmt_published,
    "time": fmt_time,
    "date": fmt_date,
    "door": lambda v: DOOR_LABELS.get(str(v), str(v)),
    "need": lambda v: NEED_LABELS.get(str(v), str(v or "")),
    "pathway": lambda v: PATHWAY_WORDS.get(str(v), str(v)),
    "referral_status": lambda v: REFERRAL_STATUS_LABELS.get(str(v), str(v)),
    "care_status": lambda v: CARE_STATUS_LABELS.get(
        str(v), str(v or "").replace("_", " ").capitalize()
    ),
    "referral_move": lambda v: REFERRAL_MOVE_LABELS.get(str(v), str(v)),
    "on_behalf": on_behalf,
    "told_via": lambda v: TOLD_VIA_WORDS.get(str(v), str(v or "")),
}
