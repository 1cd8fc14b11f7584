"""Safety response: knowledge-base guidance, hotline, state reporting (private).

Reporting contacts are data (``screening/data/reporting_contacts.yaml``): adding a
state is a data change.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from nowrongdoor.errors import first_error
from nowrongdoor.knowledge import Resource, load_knowledge
from nowrongdoor.screening._models import Hotline, Safety, StateReporting

__all__ = ["GUIDANCE_ID", "HOTLINE_ID", "reporting_states", "safety_response"]

#: Knowledge-base ids the safety response reads (never copied here).
GUIDANCE_ID = "response.not_rescue"
HOTLINE_ID = "resources.national_hotline"


class _ReportingFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    states: dict[str, StateReporting]


def _reporting_path() -> Path:
    return Path(str(resources.files("nowrongdoor.screening") / "data")) / (
        "reporting_contacts.yaml"
    )


def load_reporting_file(path: Path) -> dict[str, StateReporting]:
    """Read a reporting-contacts YAML file.

    Raises:
        ValueError: the file is invalid; the message names the state and field.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        parsed = _ReportingFile.model_validate(raw)
    except ValidationError as exc:
        where, message = first_error(exc)
        raise ValueError(f"{path.name}: field {where}: {message}") from exc
    for code in parsed.states:
        if len(code) != 2 or not code.isalpha() or not code.isupper():
            raise ValueError(f"{path.name}: state key {code!r} is not a 2-letter code")
    return dict(parsed.states)


@lru_cache(maxsize=1)
def reporting_states() -> dict[str, StateReporting]:
    """Mandatory-reporting data for every configured state, by 2-letter code."""
    return load_reporting_file(_reporting_path())


def safety_response(
    *, minor: bool, positive: bool, state: str, report: bool | None = None
) -> Safety:
    """The safety response for a screened person.

    Args:
        minor: The person is (or the instrument is for) someone under 18.
        positive: The screen or checklist is positive.
        state: Two-letter US state whose reporting contacts to list.
        report: Whether the result is a suspicion of child abuse; by default,
            any positive result is.

    Returns:
        Guidance and hotline from the knowledge base, and for minors the state's
        child-abuse reporting contacts; ``mandatory_report`` is true for a minor
        when ``report`` (by default: a positive result).

    Raises:
        nowrongdoor.knowledge.UnknownEntryError: the knowledge base lacks the
            guidance or hotline entry.
    """
    kb = load_knowledge()
    guidance = kb.get(GUIDANCE_ID)
    hotline_entry = kb.get(HOTLINE_ID)
    hotline = Hotline(
        name=hotline_entry.title,
        phone=hotline_entry.phone if isinstance(hotline_entry, Resource) else None,
        sms=hotline_entry.sms if isinstance(hotline_entry, Resource) else None,
        url=hotline_entry.url if isinstance(hotline_entry, Resource) else None,
        source=HOTLINE_ID,
    )
    code = state.upper()
    reporting = reporting_states().get(code)
    mandatory = minor and (positive if report is None else report)
    if not minor:
        note = (
            "No child-abuse report applies to an adult: offer safety and resources "
            "and respect the person's choices."
        )
    elif reporting is None:
        note = (
            f"No reporting contacts are configured for state {code}; add them to "
            "reporting_contacts.yaml and report suspected child abuse as your state "
            "requires."
        )
    elif mandatory:
        note = (
            f"Report now: this result for a minor is a suspicion of child abuse "
            f"that {reporting.name} requires you to report. Who must report: "
            f"{reporting.who_must_report}"
        )
    else:
        note = (
            "This result alone does not trigger a report; if you suspect abuse or "
            f"neglect, {reporting.name} requires a report. Who must report: "
            f"{reporting.who_must_report}"
        )
    return Safety(
        guidance=guidance.text,
        guidance_source=GUIDANCE_ID,
        hotline=hotline,
        mandatory_report=mandatory,
        state=code,
        state_name=reporting.name if reporting else None,
        reporting_contacts=reporting.contacts if (reporting and minor) else (),
        reporting_source=reporting.source if (reporting and minor) else None,
        note=note,
    )
