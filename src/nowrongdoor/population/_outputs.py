"""Turn scored members into the output files, and write them atomically."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from nowrongdoor._output import atomic_dir
from nowrongdoor.errors import UserInputError
from nowrongdoor.population._model import ScoringModel
from nowrongdoor.population._valuesets import ValueSet, display_code

__all__ = [
    "OUTPUT_FILES",
    "PART2_LABEL",
    "WORKLIST_COLUMNS",
    "build_reasons",
    "member_reasons",
    "rationale_text",
    "risk_assessment",
    "risk_assessment_line",
    "risk_assessment_lines",
    "write_atomically",
]

#: The worklist's columns. ``open_tier`` and ``open_score`` are the tier and score
#: from the reasons that are not 42 CFR Part 2 records alone (equal to ``tier`` and
#: ``score`` when the member has none): what the care side shows a viewer whom no
#: Part 2 consent covers (42 CFR 2.12, 2.32).
WORKLIST_COLUMNS = (
    "member_id",
    "age",
    "tier",
    "score",
    "pathway",
    "reasons",
    "open_tier",
    "open_score",
)
#: The sensitivity label of 42 CFR Part 2 (substance use disorder) value sets.
PART2_LABEL = "42-cfr-part-2"
OUTPUT_FILES = (
    "worklist.parquet",
    "worklist.csv",
    "risk_assessments.ndjson",
    "summary.json",
    "rejects.csv",
)
_RISK = {"identified": "certain", "high": "high", "elevated": "moderate"}
_RISK_DISPLAY = {
    "certain": "Certain",
    "high": "High likelihood",
    "moderate": "Moderate likelihood",
}


def build_reasons(
    hits: Iterable[Mapping[str, Any]],
    value_sets: Sequence[ValueSet],
    withhold: frozenset[str] = frozenset(),
) -> dict[str, list[dict[str, Any]]]:
    """Group indicator hits into each member's reasons, highest points first.

    Args:
        hits: Rows with member_id, indicator, code, date, points.
        value_sets: For each indicator's sensitivity label.
        withhold: Sensitivity labels whose indicator, code and date are replaced by
            ``"withheld"`` / null (the points still count).

    Returns:
        member_id -> list of reasons (indicator, code, date, points, sensitivity).
    """
    label = {v.id: v.sensitivity for v in value_sets}
    out: dict[str, list[dict[str, Any]]] = {}
    for hit in hits:
        out.setdefault(hit["member_id"], []).append(_reason(hit, label, withhold))
    for reasons in out.values():
        reasons.sort(key=_reason_order)
    return out


def member_reasons(
    hits: Iterable[Mapping[str, Any]],
    value_sets: Sequence[ValueSet],
    withhold: frozenset[str] = frozenset(),
) -> dict[str, tuple[str, str]]:
    """Each member's reasons as the two texts the outputs write.

    The same reasons as :func:`build_reasons`, in the same order, but each
    distinct reason is built and encoded once: at 10^8 claim lines (about
    200,000 flagged members) building and encoding a dict per hit was a large
    part of the output step.

    Args:
        hits: Rows with member_id, indicator, code, date, points.
        value_sets: For each indicator's sensitivity label.
        withhold: Sensitivity labels to withhold (see :func:`build_reasons`).

    Returns:
        member_id -> (``json.dumps(reasons, separators=(",", ":"))``, the
        RiskAssessment rationale, :func:`rationale_text` of the reasons).
    """
    label = {v.id: v.sensitivity for v in value_sets}
    built: dict[tuple[Any, ...], tuple[tuple[int, str, str], str, str]] = {}
    per_member: dict[str, list[tuple[tuple[int, str, str], str, str]]] = {}
    for hit in hits:
        key = (
            hit["indicator"],
            hit["code"],
            hit["date"],
            hit["points"],
            hit.get("note"),
            hit.get("code_note"),
        )
        part = built.get(key)
        if part is None:
            reason = _reason(hit, label, withhold)
            part = built[key] = (
                _reason_order(reason),
                json.dumps(reason, separators=(",", ":")),
                _rationale_part(reason),
            )
        per_member.setdefault(hit["member_id"], []).append(part)
    out: dict[str, tuple[str, str]] = {}
    for member, parts in per_member.items():
        parts.sort(key=_first)  # stable, as build_reasons' sort
        out[member] = (
            "[" + ",".join(p[1] for p in parts) + "]",
            "; ".join(p[2] for p in parts),
        )
    return out


def _reason(
    hit: Mapping[str, Any], label: Mapping[str, str], withhold: frozenset[str]
) -> dict[str, Any]:
    """One hit as a reason (indicator, code, date, points, sensitivity, and a
    ``note`` when the hit carries one: ``code_note``, the code was counted as
    another, left out when the reason is withheld since it names a code; and
    ``note``, the member's age is unknown)."""
    sens = label[hit["indicator"]]
    when = hit["date"]
    reason: dict[str, Any] = {
        "indicator": hit["indicator"],
        "code": display_code(hit["code"]),
        "date": when.isoformat() if isinstance(when, date) else str(when),
        "points": int(hit["points"]),
        "sensitivity": sens,
    }
    notes = [hit.get("code_note"), hit.get("note")]
    if sens in withhold:
        reason.update(
            indicator="withheld", code=None, date=None, sensitivity="withheld"
        )
        notes[0] = None  # it names the code
    note = "; ".join(n for n in notes if n)
    if note:
        reason["note"] = note
    return reason


def _reason_order(reason: Mapping[str, Any]) -> tuple[int, str, str]:
    """Sort key of reasons: highest points first, then indicator and code."""
    return (-reason["points"], reason["indicator"], reason["code"] or "")


def _first(part: tuple[Any, ...]) -> Any:
    return part[0]


def _rationale_part(reason: Mapping[str, Any]) -> str:
    """One reason in a RiskAssessment rationale (its note, if any, after it)."""
    text = (
        f"{reason['indicator']} {reason['code'] or ''} {reason['date'] or ''}".replace(
            "  ", " "
        ).strip()
        + f" (+{reason['points']})"
    )
    note = reason.get("note")
    return f"{text} [{note}]" if note else text


def rationale_text(reasons: Iterable[Mapping[str, Any]]) -> str:
    """The reasons as a RiskAssessment rationale (``; ``-separated)."""
    return "; ".join(_rationale_part(r) for r in reasons)


def risk_assessment(
    row: Mapping[str, Any],
    reasons: list[dict[str, Any]],
    as_of: date,
    model: ScoringModel,
) -> dict[str, Any]:
    """A FHIR R4 RiskAssessment for one flagged member.

    Args:
        row: Worklist row (member_id, age, tier, score, pathway).
        reasons: The member's reasons.
        as_of: The reference date.
        model: The points model (named in ``method``).

    Returns:
        The resource as a JSON-ready dict.
    """
    risk = _RISK[row["tier"]]
    rationale = rationale_text(reasons)
    return {
        "resourceType": "RiskAssessment",
        "id": _fhir_id(f"nwd-{row['member_id']}-{as_of.isoformat()}"),
        "status": "final",
        "subject": {"reference": f"Patient/{row['member_id']}"},
        "occurrenceDateTime": as_of.isoformat(),
        "method": {
            "text": f"{model.name}: tier {row['tier']}, pathway {row['pathway']}"
        },
        "code": {"text": "Human trafficking risk"},
        "prediction": [
            {
                "outcome": {"text": "Human trafficking (sex or labour exploitation)"},
                "qualitativeRisk": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/risk-probability",
                            "code": risk,
                            "display": _RISK_DISPLAY[risk],
                        }
                    ]
                },
                "rationale": f"score {row['score']}: {rationale}",
            }
        ],
        "note": [{"text": json.dumps(reasons, separators=(",", ":"))}],
    }


def risk_assessment_line(
    row: Mapping[str, Any],
    rationale: str,
    reasons_json: str,
    as_of: date,
    model: ScoringModel,
) -> str:
    """``json.dumps(risk_assessment(row, reasons, as_of, model))``, byte for byte.

    Written as one template with only the varying strings encoded: at 10^8 claim
    lines (about 200,000 flagged members) building and encoding the nested dict
    per member was most of the output step.

    Args:
        row: Worklist row (member_id, age, tier, score, pathway).
        rationale: :func:`rationale_text` of the member's reasons.
        reasons_json: ``json.dumps(reasons, separators=(",", ":"))`` (the
            worklist's ``reasons`` column, computed once).
        as_of: The reference date.
        model: The points model (named in ``method``).

    Returns:
        The resource as one line of JSON (no newline).
    """
    (line,) = risk_assessment_lines(
        [(row["member_id"], row["tier"], row["score"], row["pathway"])],
        [(reasons_json, rationale)],
        as_of,
        model,
    )
    return line[:-1]


def risk_assessment_lines(
    rows: Iterable[Sequence[Any]],
    texts: Iterable[tuple[str, str]],
    as_of: date,
    model: ScoringModel,
) -> Iterator[str]:
    """:func:`risk_assessment_line` of each row, each ending in a newline.

    The text that depends only on the tier and the pathway is encoded once per
    pair; per member only its id, score and reasons are encoded.

    Args:
        rows: Worklist rows as (member_id, tier, score, pathway).
        texts: For each row, its reasons' JSON and rationale (as
            :func:`member_reasons` gives them).
        as_of: The reference date.
        model: The points model (named in ``method``).

    Yields:
        One line of NDJSON per row.
    """
    enc = _encode
    day = as_of.isoformat()
    middles: dict[tuple[str, Any], str] = {}
    head = '{"resourceType": "RiskAssessment", "id": '
    subject = ', "status": "final", "subject": {"reference": '
    note = '}], "note": [{"text": '
    for (member, tier, score, pathway), (reasons_json, rationale) in zip(
        rows, texts, strict=True
    ):
        middle = middles.get((tier, pathway))
        if middle is None:
            risk = _RISK[tier]
            middle = middles[(tier, pathway)] = (
                '}, "occurrenceDateTime": '
                + enc(day)
                + ', "method": {"text": '
                + enc(f"{model.name}: tier {tier}, pathway {pathway}")
                + '}, "code": {"text": "Human trafficking risk"}, "prediction": '
                '[{"outcome": '
                '{"text": "Human trafficking (sex or labour exploitation)"}, '
                '"qualitativeRisk": {"coding": [{"system": '
                '"http://terminology.hl7.org/CodeSystem/risk-probability", "code": '
                + enc(risk)
                + ', "display": '
                + enc(_RISK_DISPLAY[risk])
                + '}]}, "rationale": '
            )
        # one f-string: a single allocation per line, not one per "+"
        yield (
            f"{head}{enc(_fhir_id(f'nwd-{member}-{day}'))}{subject}"
            f"{enc(f'Patient/{member}')}{middle}"
            f"{enc(f'score {score}: {rationale}')}{note}{enc(reasons_json)}"
            "}]}\n"
        )


def _encode(text: str) -> str:
    """A string as ``json.dumps`` writes it (ASCII, escaped)."""
    return json.encoder.encode_basestring_ascii(text)  # type: ignore[attr-defined]


_NOT_IN_ID = re.compile(r"[^A-Za-z0-9.-]")


def _fhir_id(text: str) -> str:
    """A valid FHIR id: letters, digits, '-' and '.', at most 64 characters.

    A longer one keeps its first 47 characters and a digest of the whole (cut
    to 64, two long member ids sharing a beginning, or one member's two dates,
    would share one id, and a FHIR server would keep only one of them).
    """
    clean = _NOT_IN_ID.sub("-", text)
    if len(clean) <= 64:
        return clean
    return f"{clean[:47]}.{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def write_atomically(
    out_dir: Path, writers: Mapping[str, Callable[[Path], object]]
) -> None:
    """Write every output file into a temporary sibling directory, then swap it in.

    An interrupted run leaves ``out_dir`` as it was (old results or nothing),
    never half-written.

    Args:
        out_dir: The output directory. If it exists it must be empty or hold a
            previous run's outputs (``summary.json``).
        writers: File name -> function writing that file at the given path.

    Raises:
        UserInputError: ``out_dir`` exists and holds something else.
    """
    out_dir = Path(out_dir)
    if out_dir.exists():
        if not out_dir.is_dir():
            raise UserInputError(f"output {out_dir} exists and is not a directory")
        if any(out_dir.iterdir()) and not (out_dir / "summary.json").is_file():
            raise UserInputError(
                f"output directory {out_dir} is not empty and holds no earlier "
                "worklist (summary.json); choose another --out"
            )
    # person-level results: readable by the owner only
    with atomic_dir(out_dir, private=True) as tmp:
        for name, write in writers.items():
            write(tmp / name)
