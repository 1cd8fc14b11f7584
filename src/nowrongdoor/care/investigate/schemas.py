"""Pydantic schemas of the investigator workspace (apart from the tables)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = [
    "INDICATOR_CODES",
    "INDICATOR_LABELS",
    "LeadDecision",
    "OperationFilters",
    "OperationNoteIn",
]

#: Indicator codes ``ads scan`` writes (docs/ads.md, Indicators).
INDICATOR_CODES = (
    "youth", "movement", "third_party", "multiple_providers",
    "law_enforcement_avoidance", "restricted_clientele", "hotel_incall",
    "always_available", "cash_only", "age_18_19", "price_outlier", "lexicon",
    "recruitment",
)  # fmt: skip

#: Each indicator code in a few words, as docs/ads.md (Indicators) describes it.
INDICATOR_LABELS: dict[str, str] = {
    "youth": "youth language or a claimed age under 18",
    "movement": "moved between cities",
    "third_party": "someone else answers",
    "multiple_providers": "several people in one ad",
    "law_enforcement_avoidance": "warns off police",
    "restricted_clientele": "restricts buyers",
    "hotel_incall": "hotel in-call",
    "always_available": "available 24/7",
    "cash_only": "cash only",
    "age_18_19": "claims to be 18 or 19",
    "price_outlier": "price far below the going rate",
    "lexicon": "pimp-culture term",
    "recruitment": "job offer with recruitment cues",
}


class OperationFilters(BaseModel):
    """Filters and sort of the operations list (all optional)."""

    model_config = ConfigDict(extra="forbid")

    city: str = Field("", max_length=120)
    indicator: Literal["", *INDICATOR_CODES] = ""  # type: ignore[valid-type]
    seen_from: dt.date | None = None
    seen_to: dt.date | None = None
    contact: str = Field("", max_length=200)
    sort: Literal[
        "size", "contacts", "cities", "first_seen", "last_seen", "revenue", "youngest"
    ] = "size"
    ascending: bool = False


def _said(why: str) -> AfterValidator:
    """Trim a free-text answer; ``why`` when fewer than 3 characters are left."""

    def check(value: str) -> str:
        value = value.strip()
        if len(value) < 3:
            raise ValueError(why)
        return value

    return AfterValidator(check)


class LeadDecision(BaseModel):
    """An investigator's decision on a lead, with the reason in words."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirmed", "ruled_out", "needs_more"]
    reason: Annotated[
        str, Field(min_length=3, max_length=2000), _said("say in a few words why")
    ]


class OperationNoteIn(BaseModel):
    """An investigator's note on an operation (what was checked, what next)."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[
        str,
        Field(min_length=3, max_length=4000),
        _said("write the note (at least 3 characters)"),
    ]
