"""Read FHIR Bulk Data NDJSON (Patient, Condition, Encounter, ExplanationOfBenefit,
Claim) into the pipeline's raw member and diagnosis rows.

Parsing JSON lines is plain Python; the rows then go through exactly the same
validation and scoring expressions as claims files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nowrongdoor.errors import UserInputError

__all__ = ["ICD10CM_SYSTEMS", "FhirRows", "read_fhir"]

#: Coding systems accepted as ICD-10-CM.
ICD10CM_SYSTEMS = frozenset(
    {
        "http://hl7.org/fhir/sid/icd-10-cm",
        "http://hl7.org/fhir/sid/icd-10-us",
        "urn:oid:2.16.840.1.113883.6.90",
    }
)
_SUPPORTED = {"Patient", "Condition", "Encounter", "ExplanationOfBenefit", "Claim"}

#: FHIR R4 Condition.verificationStatus (binding: required, ValueSet
#: condition-ver-status; a modifier element "because it has potential to change
#: the meaning of the condition (e.g., refuted)",
#: https://hl7.org/fhir/R4/condition-definitions.html#Condition.verificationStatus).
#: Only ``confirmed`` ("sufficient diagnostic and/or clinical evidence to treat this
#: as a confirmed condition") or no status (as with a claim's diagnosis) is scored;
#: the code definitions, https://hl7.org/fhir/R4/codesystem-condition-ver-status.html:
#: ``refuted`` "ruled out by diagnostic and clinical evidence", ``entered-in-error``
#: "entered in error and is not valid", ``unconfirmed`` "not sufficient diagnostic
#: and/or clinical evidence to treat this as a confirmed condition", its children
#: ``provisional`` "a tentative diagnosis - still a candidate that is under
#: consideration" and ``differential`` "one of a set of potential ... diagnoses".
VER_STATUS_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
_NOT_SCORED_VERIFICATION = {
    "refuted": "ruled out",
    "entered-in-error": "not valid",
    "unconfirmed": "not confirmed",
    "provisional": "not confirmed",
    "differential": "not confirmed",
}
#: Condition.clinicalStatus (``resolved``, ``inactive``, ``remission``) does not
#: keep a Condition from being scored: it says whether the person still has the
#: condition, not whether the diagnosis was made. The scoring model counts past
#: diagnoses within each indicator's look-back window (dated by onset or
#: recording), and a confirmed exploitation that has resolved is its history,
#: which identifies the member (docs/population.md, "Tiers"), as a claim's
#: diagnosis line, which has no status, does.


@dataclass
class FhirRows:
    """Raw rows read from NDJSON files, all values as strings."""

    members: list[dict[str, Any]] = field(default_factory=list)
    diagnoses: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)


def _ref_id(ref: Any, kind: str) -> str | None:
    if not isinstance(ref, dict):
        return None
    value = ref.get("reference")
    if not isinstance(value, str) or not value.startswith(f"{kind}/"):
        return None
    return value.split("/", 1)[1] or None


def _icd_codes(concept: Any) -> list[str]:
    if not isinstance(concept, dict):
        return []
    out = []
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict) and coding.get("system") in ICD10CM_SYSTEMS:
            code = coding.get("code")
            if isinstance(code, str):
                out.append(code)
    return out


def _lines(path: Path) -> Iterable[tuple[int, str | None]]:
    """Non-blank lines with their numbers; ``None`` for a line that is not UTF-8."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield number, None


def read_fhir(paths: list[Path]) -> FhirRows:
    """Read FHIR Bulk Data NDJSON files.

    Encounters are read first (from every file) so a Condition without its own date
    takes its encounter's start. Each diagnosis becomes one row: member, claim (the
    EOB/Claim id, or the Condition's encounter, or the Condition itself), date and
    ICD-10-CM code. Resource types other than the five above are counted in
    ``ignored``; malformed lines and unusable resources become rejects.

    Args:
        paths: NDJSON files.

    Returns:
        The raw rows and rejects.

    Raises:
        UserInputError: a file holds no line that is a JSON resource (a binary
            file, say, even where a stray line happens to parse as a number).
    """
    rows = FhirRows()
    encounter_start: dict[str, str] = {}
    parsed: list[tuple[str, int, dict[str, Any]]] = []
    for path in paths:
        name = str(path)
        read = bad = 0
        first_bad = ""
        for number, line in _lines(path):
            read += 1
            problem = None
            if line is None:
                problem = "line is not UTF-8 text"
            else:
                try:
                    res = json.loads(line)
                except (json.JSONDecodeError, RecursionError):
                    problem = "line is not valid JSON"
            if problem is not None:
                bad += 1
                first_bad = first_bad or f"line {number}: {problem}"
                rows.rejects.append(_rej(name, number, problem))
                continue
            if not isinstance(res, dict) or not isinstance(
                res.get("resourceType"), str
            ):
                bad += 1
                first_bad = first_bad or f"line {number}: line is not a FHIR resource"
                rows.rejects.append(_rej(name, number, "line is not a FHIR resource"))
                continue
            kind = res["resourceType"]
            if kind not in _SUPPORTED:
                rows.ignored[kind] = rows.ignored.get(kind, 0) + 1
                continue
            if kind == "Encounter" and isinstance(res.get("id"), str):
                start = (res.get("period") or {}).get("start")
                if isinstance(start, str):
                    encounter_start[res["id"]] = start
            parsed.append((name, number, res))
        if read and bad == read:
            raise UserInputError(
                f"{name} is not FHIR NDJSON: no line is a JSON resource ({first_bad})"
            )
    for name, number, res in parsed:
        kind = res["resourceType"]
        if kind == "Patient":
            rows.members.append(
                {
                    "member_id": res.get("id"),
                    "birth_date": res.get("birthDate"),
                    "_file": name,
                    "_row": number,
                }
            )
        elif kind == "Condition":
            _condition(rows, name, number, res, encounter_start)
        elif kind in ("ExplanationOfBenefit", "Claim"):
            _claim(rows, name, number, res)
    return rows


def _status(concept: Any, system: str) -> str | None:
    """The code of a status CodeableConcept's coding in ``system``, if any."""
    if not isinstance(concept, dict):
        return None
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict) and coding.get("system") == system:
            code = coding.get("code")
            if isinstance(code, str):
                return code.strip().lower()
    return None


def _not_scored(res: dict[str, Any]) -> str | None:
    """Why a Condition's status keeps it from being scored (``None``: scored)."""
    verification = _status(res.get("verificationStatus"), VER_STATUS_SYSTEM)
    if verification in _NOT_SCORED_VERIFICATION:
        return (
            f"Condition.verificationStatus is '{verification}' "
            f"({_NOT_SCORED_VERIFICATION[verification]}); not scored"
        )
    return None


def _rej(name: str, number: int, reason: str, check: str = "fhir resource") -> dict:
    return {"file": name, "row": number, "check": check, "reason": reason}


def _dx(
    name: str, number: int, member: str, claim: Any, date: Any, field_: str, code: str
) -> dict[str, Any]:
    return {
        "member_id": member,
        "claim_id": claim if isinstance(claim, str) else None,
        "service_date": date if isinstance(date, str) else None,
        "dx_field": field_,
        "dx_code": code,
        "_file": name,
        "_row": number,
    }


def _condition(
    rows: FhirRows,
    name: str,
    number: int,
    res: dict[str, Any],
    encounter_start: dict[str, str],
) -> None:
    member = _ref_id(res.get("subject"), "Patient")
    if member is None:
        rows.rejects.append(
            _rej(name, number, "Condition.subject is not a Patient reference")
        )
        return
    codes = _icd_codes(res.get("code"))
    if not codes:
        rows.rejects.append(
            _rej(name, number, "Condition.code has no ICD-10-CM coding")
        )
        return
    why = _not_scored(res)
    if why is not None:
        rows.rejects.append(_rej(name, number, why, "fhir condition status"))
        return
    encounter = _ref_id(res.get("encounter"), "Encounter")
    date = res.get("onsetDateTime") or res.get("recordedDate")
    if date is None and encounter is not None:
        date = encounter_start.get(encounter)
    claim = encounter or res.get("id")
    for code in codes:
        rows.diagnoses.append(
            _dx(name, number, member, claim, date, "Condition.code", code)
        )


def _claim(rows: FhirRows, name: str, number: int, res: dict[str, Any]) -> None:
    kind = res["resourceType"]
    member = _ref_id(res.get("patient"), "Patient")
    if member is None:
        rows.rejects.append(
            _rej(name, number, f"{kind}.patient is not a Patient reference")
        )
        return
    date = (res.get("billablePeriod") or {}).get("start")
    if date is None:
        for item in res.get("item") or []:
            if isinstance(item, dict) and item.get("servicedDate"):
                date = item["servicedDate"]
                break
    diagnoses = res.get("diagnosis") or []
    found = False
    for i, diag in enumerate(diagnoses):
        if not isinstance(diag, dict):
            continue
        for code in _icd_codes(diag.get("diagnosisCodeableConcept")):
            found = True
            rows.diagnoses.append(
                _dx(name, number, member, res.get("id"), date, f"diagnosis[{i}]", code)
            )
    if diagnoses and not found:
        rows.rejects.append(
            _rej(name, number, f"{kind}.diagnosis has no ICD-10-CM coding")
        )
