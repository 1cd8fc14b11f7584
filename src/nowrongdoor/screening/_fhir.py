"""FHIR R4B in and out: Questionnaire checks, QuestionnaireResponse parsing, and the
QuestionnaireResponse + RiskAssessment (+ Flag) a result emits (private).

``fhir.resources`` checks structure and required fields but not codes against
value sets, so the codes we read or write are checked here.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError

from nowrongdoor.errors import first_error

__all__ = [
    "FLAG_CATEGORY_SYSTEM",
    "RISK_PROBABILITY_SYSTEM",
    "check_codes",
    "questionnaire_canonical",
    "response_items",
    "validate_questionnaire",
    "validate_resource",
]

#: FHIR R4B value sets we emit or accept (codes only).
PUBLICATION_STATUS = frozenset({"draft", "active", "retired", "unknown"})
ITEM_TYPES = frozenset(
    {
        "group", "display", "boolean", "decimal", "integer", "date", "dateTime",
        "time", "string", "text", "url", "choice", "open-choice", "attachment",
        "reference", "quantity",
    }
)  # fmt: skip
SUPPORTED_ITEM_TYPES = frozenset({"boolean"})
SUBJECT_TYPES = frozenset({"Patient", "Person", "RelatedPerson", "Group"})
RESPONSE_STATUS = frozenset(
    {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
)
RISK_STATUS = frozenset(
    {
        "registered", "preliminary", "final", "amended", "corrected", "cancelled",
        "entered-in-error", "unknown",
    }
)  # fmt: skip
FLAG_STATUS = frozenset({"active", "inactive", "entered-in-error"})
RISK_PROBABILITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/risk-probability"
RISK_PROBABILITY = frozenset({"negligible", "low", "moderate", "high", "certain"})
FLAG_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/flag-category"
FLAG_CATEGORY = frozenset(
    {
        "diet", "drug", "lab", "admin", "contact", "clinical", "behavioral",
        "research", "advance-directive", "safety",
    }
)  # fmt: skip
BUNDLE_TYPES = frozenset(
    {
        "document", "message", "transaction", "transaction-response", "batch",
        "batch-response", "history", "searchset", "collection",
    }
)  # fmt: skip


def _model_for(resource_type: str) -> Any:
    """The fhir.resources R4B model class for a resource type (lazy import)."""
    if resource_type == "Questionnaire":
        from fhir.resources.R4B.questionnaire import Questionnaire

        return Questionnaire
    if resource_type == "QuestionnaireResponse":
        from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

        return QuestionnaireResponse
    if resource_type == "RiskAssessment":
        from fhir.resources.R4B.riskassessment import RiskAssessment

        return RiskAssessment
    if resource_type == "Flag":
        from fhir.resources.R4B.flag import Flag

        return Flag
    if resource_type == "Bundle":
        from fhir.resources.R4B.bundle import Bundle

        return Bundle
    raise ValueError(f"resource type {resource_type!r} is not one nowrongdoor handles")


def _first_error(exc: ValidationError) -> str:
    where, message = first_error(exc, "resource")
    return f"{where}: {message}"


def validate_resource(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate a FHIR R4B resource (structure with fhir.resources, codes here).

    Args:
        raw: The resource as a plain dict, with ``resourceType``.

    Returns:
        The resource as fhir.resources serialises it (plain JSON types).

    Raises:
        ValueError: not valid; the message names the field.
    """
    if not isinstance(raw, dict) or "resourceType" not in raw:
        raise ValueError("not a FHIR resource (no resourceType)")
    model = _model_for(str(raw["resourceType"]))
    try:
        parsed = model.model_validate(raw)
    except ValidationError as exc:
        raise ValueError(_first_error(exc)) from exc
    dumped: dict[str, Any] = parsed.model_dump(mode="json", exclude_none=True)
    check_codes(dumped)
    return dumped


def check_codes(resource: dict[str, Any]) -> None:
    """Check the codes of a resource (and bundle entries) against FHIR value sets.

    Raises:
        ValueError: a code is outside its value set; the message names it.
    """
    kind = resource.get("resourceType")
    status = resource.get("status")
    if kind == "Questionnaire":
        _in(status, PUBLICATION_STATUS, "Questionnaire.status")
        for subject in resource.get("subjectType", []):
            _in(subject, SUBJECT_TYPES, "Questionnaire.subjectType")
        for item in _walk(resource.get("item", [])):
            _in(item.get("type"), ITEM_TYPES, f"item {item.get('linkId')!r} type")
    elif kind == "QuestionnaireResponse":
        _in(status, RESPONSE_STATUS, "QuestionnaireResponse.status")
    elif kind == "RiskAssessment":
        _in(status, RISK_STATUS, "RiskAssessment.status")
        for prediction in resource.get("prediction", []):
            for coding in prediction.get("qualitativeRisk", {}).get("coding", []):
                if coding.get("system") == RISK_PROBABILITY_SYSTEM:
                    _in(coding.get("code"), RISK_PROBABILITY, "qualitativeRisk")
    elif kind == "Flag":
        _in(status, FLAG_STATUS, "Flag.status")
        for category in resource.get("category", []):
            for coding in category.get("coding", []):
                if coding.get("system") == FLAG_CATEGORY_SYSTEM:
                    _in(coding.get("code"), FLAG_CATEGORY, "Flag.category")
    elif kind == "Bundle":
        _in(resource.get("type"), BUNDLE_TYPES, "Bundle.type")
        for entry in resource.get("entry", []):
            check_codes(entry.get("resource", {}))


def _in(code: Any, allowed: frozenset[str], where: str) -> None:
    if code not in allowed:
        raise ValueError(f"{where} {code!r} is not one of {', '.join(sorted(allowed))}")


def _walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        out.append(item)
        out.extend(_walk(item.get("item", [])))
    return out


def validate_questionnaire(raw: Any) -> dict[str, Any]:
    """Validate an instrument's Questionnaire: FHIR R4B, codes, and what we score.

    Only flat lists of ``boolean`` items are scored; ``linkId`` values must be
    unique.

    Raises:
        ValueError: the message names the field or item.
    """
    if not isinstance(raw, dict) or raw.get("resourceType") != "Questionnaire":
        raise ValueError("resourceType must be 'Questionnaire'")
    questionnaire = validate_resource(raw)
    if not questionnaire.get("id"):
        raise ValueError("a Questionnaire needs an id")
    items = questionnaire.get("item", [])
    if not items:
        raise ValueError("a Questionnaire needs at least one item")
    seen: set[str] = set()
    for item in items:
        link_id = item["linkId"]
        if link_id in seen:
            raise ValueError(f"linkId {link_id!r} appears twice")
        seen.add(link_id)
        if item.get("item"):
            raise ValueError(f"item {link_id!r}: nested items are not scored")
        if item["type"] not in SUPPORTED_ITEM_TYPES:
            raise ValueError(
                f"item {link_id!r}: type {item['type']!r} is not scored "
                "(only boolean items are)"
            )
    return questionnaire


def questionnaire_canonical(instrument_id: str) -> str:
    """The canonical URL our Questionnaires use."""
    return f"urn:nowrongdoor:questionnaire:{instrument_id}"


def response_items(
    raw: dict[str, Any], instrument_id: str, label: str
) -> dict[str, Any]:
    """Read a QuestionnaireResponse into ``{linkId: answer}``.

    An item with no answer reads as ``None`` (skipped). Answer values are read
    from the raw JSON so a string ``"true"`` is not silently taken for a boolean.

    Args:
        raw: The QuestionnaireResponse as a dict.
        instrument_id: The instrument it must answer.
        label: How to name the input in error messages (a file name or "answers").

    Raises:
        ValueError: not a valid response for this instrument; names the item.
    """
    try:
        validate_resource(raw)
    except ValueError as exc:
        raise ValueError(
            f"{label} is not a valid QuestionnaireResponse: {exc}"
        ) from exc
    canonical = raw.get("questionnaire")
    if canonical is not None:
        bare = str(canonical).split("|", 1)[0]
        if bare != questionnaire_canonical(instrument_id) and not bare.endswith(
            f"/Questionnaire/{instrument_id}"
        ):
            raise ValueError(
                f"{label} answers questionnaire {canonical!r}, not {instrument_id!r}"
            )
    answers: dict[str, Any] = {}
    for item in raw.get("item", []):
        link_id = item["linkId"]
        if item.get("item"):
            raise ValueError(f"{label}: item {link_id!r} has nested items")
        if link_id in answers:
            raise ValueError(f"{label}: item {link_id!r} appears twice")
        values = item.get("answer", [])
        if not values:
            answers[link_id] = None
            continue
        if len(values) > 1:
            raise ValueError(f"{label}: item {link_id!r} has more than one answer")
        value = values[0]
        keys = [k for k in value if k.startswith("value")]
        if keys != ["valueBoolean"]:
            raise ValueError(
                f"{label}: item {link_id!r} must be answered with valueBoolean, "
                f"got {', '.join(keys) or 'no value'}"
            )
        answers[link_id] = value["valueBoolean"]
    return answers


def new_uuid() -> str:
    """A fresh ``urn:uuid:`` for bundle entries."""
    return f"urn:uuid:{uuid.uuid4()}"
