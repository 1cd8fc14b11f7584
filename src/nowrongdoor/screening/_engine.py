"""Score an instrument: pure steps from answers to a result (private)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nowrongdoor.errors import UserInputError
from nowrongdoor.screening._fhir import response_items
from nowrongdoor.screening._models import (
    Category,
    Instrument,
    InstrumentInfo,
    Pathway,
    Safety,
)
from nowrongdoor.screening._registry import InstrumentRegistry, default_registry
from nowrongdoor.screening._result import ScreeningResult
from nowrongdoor.screening._safety import safety_response

__all__ = [
    "check_population",
    "get_instrument",
    "list_instruments",
    "normalise_answers",
    "outside_population",
    "report_actions",
    "score",
    "score_instrument",
]


def list_instruments(
    registry: InstrumentRegistry | None = None,
) -> list[InstrumentInfo]:
    """Every registered instrument, screens first, as listing summaries."""
    reg = registry or default_registry()
    return [instrument.info() for instrument in reg]


def get_instrument(
    instrument_id: str, registry: InstrumentRegistry | None = None
) -> Instrument:
    """The instrument with ``instrument_id``.

    Raises:
        UserInputError: unknown instrument (exit code 2).
    """
    return (registry or default_registry()).get(instrument_id)


def normalise_answers(
    instrument: Instrument, answers: Mapping[str, Any], label: str = "answers"
) -> dict[str, bool | None]:
    """Check answers against an instrument and put them in instrument order.

    Args:
        instrument: The instrument answered.
        answers: ``{linkId: true | false | null}`` or a FHIR
            QuestionnaireResponse as a dict. ``null`` means skipped.
        label: How to name the input in errors (a file name, say).

    Returns:
        ``{linkId: bool | None}`` for every item the answers mention or the
        instrument requires, in instrument order.

    Raises:
        UserInputError: unknown linkId, wrong answer type, missing required item,
            or an invalid QuestionnaireResponse; the message names the item.
    """
    if not isinstance(answers, Mapping):
        raise UserInputError(
            f"{label} must be a JSON object of linkId: true/false/null, "
            f"not {type(answers).__name__}"
        )
    if answers.get("resourceType") == "QuestionnaireResponse":
        try:
            answers = response_items(dict(answers), instrument.id, label)
        except ValueError as exc:
            raise UserInputError(str(exc)) from exc
    known = {item.linkId for item in instrument.items}
    for link_id, value in answers.items():
        if link_id not in known:
            raise UserInputError(
                f"{label}: unknown item {link_id!r} for instrument {instrument.id} "
                f"(items: {', '.join(item.linkId for item in instrument.items)})"
            )
        if value is not None and not isinstance(value, bool):
            raise UserInputError(
                f"{label}: item {link_id!r} must be true, false or null (skipped), "
                f"not {value!r}"
            )
    missing = [
        i.linkId for i in instrument.items if i.required and i.linkId not in answers
    ]
    if missing:
        raise UserInputError(
            f"{label}: required item {missing[0]!r} of instrument {instrument.id} is "
            "missing (answer true or false, or null to record it as skipped)"
        )
    return {
        item.linkId: answers[item.linkId]
        for item in instrument.items
        if item.linkId in answers
    }


def _is_minor(instrument: Instrument, age: int | None) -> bool:
    if age is not None:
        return age < 18
    return instrument.rules.population == "minor"


def _ages_text(instrument: Instrument) -> str:
    low, high = instrument.rules.ages
    if high is None:
        return f"ages {low or 0}+"
    return f"ages {low or 0}-{high}"


def outside_population(instrument: Instrument, age: int | None) -> str | None:
    """Why ``age`` lies outside the ages the instrument is meant for, or None.

    Screens declare the ages of their validation study; the deck's observation
    checklists declare the ages they are written for (minors or adults). An
    unknown age cannot be checked and gives None.
    """
    if age is None:
        return None
    low, high = instrument.rules.ages
    if (low is not None and age < low) or (high is not None and age > high):
        what = "validated" if instrument.validated else "written"
        return (
            f"{instrument.id} is {what} for {_ages_text(instrument)} "
            f"({instrument.rules.setting}); age {age} is outside the validated "
            "population"
        )
    return None


def check_population(
    instrument: Instrument,
    age: int | None,
    *,
    override_population: bool = False,
    registry: InstrumentRegistry | None = None,
) -> str | None:
    """Refuse an age outside the instrument's population unless overridden.

    Returns:
        Why the age is outside the population (the result is then marked), or
        None when it is inside or unknown.

    Raises:
        UserInputError: the age is outside and ``override_population`` is false;
            the message names the instruments meant for that age.
    """
    outside = outside_population(instrument, age)
    if outside is not None and not override_population:
        assert age is not None
        others = [i for i in _alternatives(age, registry) if i != instrument.id]
        hint = f" (for age {age}: {', '.join(others)})" if others else ""
        raise UserInputError(
            f"{outside}: use an instrument meant for this person{hint}, or override "
            "the population (--override-population) to run it anyway; the result "
            "is then marked 'outside the validated population'"
        )
    return outside


def _alternatives(age: int, registry: InstrumentRegistry | None) -> list[str]:
    out = []
    for other in registry or default_registry():
        low, high = other.rules.ages
        if (low is None or age >= low) and (high is None or age <= high):
            out.append(other.id)
    return out


def report_actions(minor: bool, positive: bool, safety: Safety | None) -> list[str]:
    """The reporting and legal actions, derived from the safety block only.

    The safety block's ``mandatory_report`` is the one source of truth for
    "is a child-abuse report required now": actions never say otherwise.
    """
    if safety is None or not minor:
        return []
    out: list[str] = []
    if positive:
        out.append(
            "A minor in a commercial sex act is a trafficking victim - force, fraud "
            "or coercion need not be shown."
        )
    where = safety.state_name or "your state"
    if safety.mandatory_report:
        out.append(
            f"Make the child-abuse report {where} requires before the young person "
            "leaves (see Safety)."
        )
    else:
        out.append(
            "If you suspect abuse or neglect of a child, make the report "
            f"{where} requires (see Safety)."
        )
    return out


def _pathway(
    instrument: Instrument, fired: list[str], minor: bool, positive: bool
) -> Pathway | None:
    if not positive:
        return None
    rule = instrument.rules.pathway
    disclosure = set(rule.survive_thrive_items)
    if minor:
        disclosure |= set(rule.survive_thrive_items_minor)
    if disclosure & set(fired):
        return "survive_thrive"
    return rule.positive


def score_instrument(
    instrument: Instrument,
    answers: Mapping[str, Any],
    *,
    age: int | None = None,
    state: str = "IN",
    label: str = "answers",
    override_population: bool = False,
    registry: InstrumentRegistry | None = None,
) -> ScreeningResult:
    """Score answers to an instrument (see :func:`score`)."""
    if age is not None and (isinstance(age, bool) or not 0 <= age <= 130):
        raise UserInputError(f"age must be a whole number from 0 to 130, not {age!r}")
    outside = check_population(
        instrument, age, override_population=override_population, registry=registry
    )
    given = normalise_answers(instrument, answers, label)
    counted = instrument.rules.scoring.counts_answer
    fired = [link_id for link_id, value in given.items() if value is counted]
    # Skipped: answered null, or (optional items only) not answered at all.
    skipped = [i.linkId for i in instrument.items if given.get(i.linkId) is None]
    cutoff = instrument.cutoff
    positive = len(fired) >= cutoff
    category: Category
    if positive:
        category = "positive"
    elif len(fired) + len(skipped) >= cutoff:
        category = "incomplete"
    else:
        category = "negative"
    minor = _is_minor(instrument, age)
    reporting = instrument.rules.reporting
    report = positive and (
        reporting.report_when == "positive" or bool(set(reporting.items) & set(fired))
    )
    safety = (
        safety_response(minor=minor, positive=positive, state=state, report=report)
        if positive or minor
        else None
    )
    actions = list(getattr(instrument.rules.actions, category))
    actions += report_actions(minor, positive, safety)
    interpretation = getattr(instrument.rules.scoring.interpretation, category)
    if outside is not None:
        warning = (
            f"Outside the validated population: {outside}; the published accuracy "
            "does not apply and the result is only a prompt for a conversation."
        )
        actions.insert(0, warning)
        interpretation = f"{interpretation} (outside the validated population)"
    published = instrument.rules.published
    return ScreeningResult(
        instrument_id=instrument.id,
        instrument_title=instrument.title,
        validated=instrument.validated,
        score=len(fired),
        max_score=len(instrument.items),
        cutoff=cutoff,
        positive=positive,
        category=category,
        interpretation=interpretation,
        fired_items=fired,
        skipped_items=skipped,
        answers=given,
        recommended_pathway=_pathway(instrument, fired, minor, positive),
        actions=actions,
        safety=safety,
        minor=minor,
        outside_validated_population=None if age is None else outside is not None,
        population_note=outside,
        published_sensitivity=published.sensitivity,
        published_specificity=published.specificity,
        citation=published.citation,
    )


def score(
    instrument_id: str,
    answers: Mapping[str, Any],
    *,
    age: int | None = None,
    state: str = "IN",
    registry: InstrumentRegistry | None = None,
    override_population: bool = False,
) -> ScreeningResult:
    """Score one person's answers to an instrument.

    Args:
        instrument_id: A registered instrument (see :func:`list_instruments`).
        answers: ``{linkId: true | false | null}`` (``null`` = skipped) or a FHIR
            R4B QuestionnaireResponse as a dict.
        age: The person's age, when known; under 18 means a minor whatever the
            instrument's population (mandatory reporting applies).
        state: Two-letter US state for mandatory-reporting contacts.
        registry: Instrument registry; the shipped instruments by default.
        override_population: Run the instrument although ``age`` lies outside
            the ages it was validated for (or, for a checklist, written for); the
            result is then marked ``outside_validated_population``.

    Returns:
        The result: score, positive/negative/incomplete, fired items, pathway,
        actions and the safety response.

    Raises:
        UserInputError: unknown instrument, unknown linkId, wrong answer type,
            missing required item, or an age outside the instrument's population
            without ``override_population``; the message names it (exit code 2).
    """
    instrument = get_instrument(instrument_id, registry)
    return score_instrument(
        instrument,
        answers,
        age=age,
        state=state,
        override_population=override_population,
        registry=registry,
    )
