"""The result of scoring an instrument, and its FHIR form (private)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from nowrongdoor.screening._fhir import (
    FLAG_CATEGORY_SYSTEM,
    RISK_PROBABILITY_SYSTEM,
    new_uuid,
    questionnaire_canonical,
    validate_resource,
)
from nowrongdoor.screening._models import Category, Pathway, Safety

__all__ = ["ScreeningResult"]

_UNIDENTIFIED = {"display": "screened person (not identified in this export)"}


class ScreeningResult(BaseModel):
    """What a screen found and what to do next.

    Attributes:
        instrument_id: The instrument scored.
        instrument_title: Its title.
        validated: False for observation checklists (not validated instruments).
        score: Number of counted ("yes") answers.
        max_score: Number of items.
        cutoff: Counted answers at which the result is positive.
        positive: True at or above the cut-off.
        category: ``positive``, ``negative``, or ``incomplete`` (below the
            cut-off, but skipped items could have reached it).
        interpretation: One sentence on what the result means.
        fired_items: linkIds answered yes, in instrument order.
        skipped_items: linkIds answered ``null`` (skipped).
        answers: Every answer given, ``{linkId: true | false | null}``.
        recommended_pathway: ``prevent`` or ``survive_thrive`` for a positive
            result, else None.
        actions: What to do now.
        safety: Guidance, hotline and reporting; present for every positive
            result and for every minor.
        minor: Whether the person is treated as under 18.
        outside_validated_population: True when the instrument ran, by explicit
            override, for an age outside the population it was validated for
            (or a checklist written for); None when the age is unknown.
        population_note: Why the age is outside that population, when it is.
        published_sensitivity: The instrument's published sensitivity (percent).
        published_specificity: The instrument's published specificity (percent).
        citation: Where those figures come from.
        scored_at: When the result was computed (UTC).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    instrument_id: str
    instrument_title: str
    validated: bool
    score: int
    max_score: int
    cutoff: int
    positive: bool
    category: Category
    interpretation: str
    fired_items: list[str]
    skipped_items: list[str]
    answers: dict[str, bool | None]
    recommended_pathway: Pathway | None
    actions: list[str]
    safety: Safety | None
    minor: bool
    outside_validated_population: bool | None = None
    population_note: str | None = None
    published_sensitivity: float | None
    published_specificity: float | None
    citation: str
    scored_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def questionnaire_response(
        self, subject_reference: str | None = None
    ) -> dict[str, Any]:
        """The answers as a FHIR R4B QuestionnaireResponse (a plain dict).

        Skipped items appear without an answer, so the response reads back into
        the same answers.
        """
        raw: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": questionnaire_canonical(self.instrument_id),
            "status": "completed",
            "authored": self.scored_at.isoformat(),
            "item": [
                {"linkId": link_id}
                if value is None
                else {"linkId": link_id, "answer": [{"valueBoolean": value}]}
                for link_id, value in self.answers.items()
            ],
        }
        if subject_reference:
            raw["subject"] = {"reference": subject_reference}
        return validate_resource(raw)

    def to_fhir(self, subject_reference: str | None = None) -> dict[str, Any]:
        """The result as a FHIR R4B ``collection`` Bundle (a plain dict).

        Entries: the QuestionnaireResponse, a RiskAssessment based on it, and a
        safety Flag when the result is positive. Every resource is validated
        with fhir.resources and its codes are checked.

        Args:
            subject_reference: A reference such as ``Patient/123``; without it
                the subject is an anonymous display-only reference.
        """
        subject = (
            {"reference": subject_reference} if subject_reference else _UNIDENTIFIED
        )
        response_url = new_uuid()
        response = self.questionnaire_response(subject_reference)
        kind = "screen" if self.validated else "observation checklist (not validated)"
        if self.outside_validated_population:
            kind += ", outside the validated population"
        prediction: dict[str, Any] = {
            "outcome": {"text": "labor or sex trafficking experience"},
            "rationale": self.interpretation,
        }
        risk_code = {"positive": "high", "negative": "low"}.get(self.category)
        if risk_code:
            prediction["qualitativeRisk"] = {
                "coding": [{"system": RISK_PROBABILITY_SYSTEM, "code": risk_code}]
            }
        notes = [{"text": action} for action in self.actions]
        risk = validate_resource(
            {
                "resourceType": "RiskAssessment",
                "status": "final",
                "subject": subject,
                "occurrenceDateTime": self.scored_at.isoformat(),
                "method": {"text": f"{self.instrument_title} ({kind})"},
                "code": {"text": f"{self.instrument_id}: {self.category}"},
                "basis": [{"reference": response_url}],
                "prediction": [prediction],
                "mitigation": "; ".join(self.actions) or None,
                "note": notes or None,
            }
        )
        entries = [
            {"fullUrl": response_url, "resource": response},
            {"fullUrl": new_uuid(), "resource": risk},
        ]
        if self.positive:
            flag = validate_resource(
                {
                    "resourceType": "Flag",
                    "status": "active",
                    "category": [
                        {"coding": [{"system": FLAG_CATEGORY_SYSTEM, "code": "safety"}]}
                    ],
                    "code": {
                        "text": (
                            f"Positive {self.instrument_id} result: possible "
                            "trafficking - offer safety and resources"
                        )
                    },
                    "subject": subject,
                    "period": {"start": self.scored_at.isoformat()},
                }
            )
            entries.append({"fullUrl": new_uuid(), "resource": flag})
        return validate_resource(
            {
                "resourceType": "Bundle",
                "type": "collection",
                "timestamp": self.scored_at.isoformat(),
                "entry": entries,
            }
        )
