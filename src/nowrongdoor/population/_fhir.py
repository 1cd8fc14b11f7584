"""Read FHIR Bulk Data NDJSON (Patient, Condition, Encounter, ExplanationOfBenefit,
Claim) into the pipeline's raw member and diagnosis rows.

Parsing JSON lines is plain Python; the rows then go through exactly the same
validation and scoring expressions as claims files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from nowrongdoor.errors import UserInputError
from nowrongdoor.population._valuesets import icd10cm_codes

__all__ = [
    "FHIR_PARTIAL_DATES",
    "ICD10CM_SYSTEMS",
    "FhirRows",
    "read_fhir",
    "suspected_code",
    "suspected_counterparts",
]

#: The partial forms of a FHIR R4 ``date`` (Patient.birthDate): "A date, or
#: partial date (e.g. just year or year + month)", ``YYYY`` or ``YYYY-MM``, no
#: time zone (https://hl7.org/fhir/R4/datatypes.html#date). Such a birth date is
#: read as the latest day it allows, so the member is scored at the youngest age
#: consistent with it (docs/population.md, "Partial birth dates").
FHIR_PARTIAL_DATES = ("YYYY", "YYYY-MM")
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
#: Statuses that say a clinician suspects the condition but has not confirmed it.
_SUSPICION = frozenset({"unconfirmed", "provisional", "differential"})
#: Confirmed maltreatment (T74.-) and its suspected counterpart (T76.-).
#: ICD-10-CM separates the two by category: T74 "Adult and child abuse, neglect
#: and other maltreatment, confirmed" (Excludes1: "adult and child
#: maltreatment, suspected (T76.-)"), T76 "..., suspected", with the same
#: subcategories, descriptions (confirmed -> suspected) and 7th characters
#: (A/D/S) except T74.4 shaken infant syndrome, which has no T76.4. ICD-10-CM
#: Official Guidelines for Coding and Reporting FY2026, section I.C.19.f
#: ("Adult and child abuse, neglect and other maltreatment"): abuse documented
#: as confirmed is coded T74.-, documented as suspected T76.-. A Condition whose
#: verificationStatus is unconfirmed, provisional or differential (FHIR R4: "not
#: sufficient diagnostic and/or clinical evidence to treat this as a confirmed
#: condition") records a suspicion, so a T74 code on it counts as the T76 code
#: with the same characters after the category, when the tabular list has that
#: code (:func:`suspected_counterparts`): suspected exploitation (T76.5-/T76.6-)
#: is tier high for the care team to confirm or rule out, never identified;
#: suspected child abuse (T76.x2) is the child_abuse_history signal, whose
#: value set takes child abuse "confirmed, suspected or in history"; adult
#: codes (T76.x1) belong to no value set. A T74 code with no counterpart stays
#: unscored, its reject naming the code.
_CONFIRMED, _SUSPECTED = "T74", "T76"

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
    #: (member id, code without dot, ``YYYY-MM-DD``) -> why the code was counted
    #: as another (an unconfirmed T74 code as its T76 counterpart).
    notes: dict[tuple[str, str, str], str] = field(default_factory=dict)


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
    status = _status(res.get("verificationStatus"), VER_STATUS_SYSTEM)
    suspected: dict[str, str] = {}
    if why is not None and status in _SUSPICION:
        suspected = {c: s for c in codes if (s := suspected_code(c)) is not None}
    if why is not None and status in _SUSPICION:
        alone = [c.strip() for c in codes if _is_confirmed(c) and c not in suspected]
        if alone:
            why += (
                " (ICD-10-CM has no suspected counterpart of " + ", ".join(alone) + ")"
            )
    if why is not None and not suspected:
        rows.rejects.append(_rej(name, number, why, "fhir condition status"))
        return
    encounter = _ref_id(res.get("encounter"), "Encounter")
    date = res.get("onsetDateTime") or res.get("recordedDate")
    if date is None and encounter is not None:
        date = encounter_start.get(encounter)
    claim = encounter or res.get("id")
    if suspected:
        if len(suspected) < len(codes):  # its other codes stay unscored
            rows.rejects.append(_rej(name, number, why or "", "fhir condition status"))
        day = date[:10] if isinstance(date, str) else ""
        for code, counted in suspected.items():
            rows.diagnoses.append(
                _dx(name, number, member, claim, date, "Condition.code", counted)
            )
            rows.notes[(member, counted, day)] = (
                f"counted as suspected: Condition.verificationStatus "
                f"'{status}' (not confirmed, FHIR R4) on the confirmed code "
                f"{code.strip()}, so it is read as {_dotted(counted)}, the same "
                "abuse or exploitation suspected (ICD-10-CM Official Guidelines "
                "I.C.19.f: confirmed T74.-, suspected T76.-)"
            )
        return
    for code in codes:
        rows.diagnoses.append(
            _dx(name, number, member, claim, date, "Condition.code", code)
        )


@lru_cache(maxsize=1)
def suspected_counterparts() -> dict[str, str]:
    """Every confirmed maltreatment code (T74 and everything below it) whose
    suspected counterpart, the same characters under T76, is in the ICD-10-CM
    code list shipped by simple-icd-10-cm (``T7422XA`` -> ``T7622XA``), both
    without the dot. Derived from the list, so a new release's codes follow;
    tests check each pair's descriptions and 7th characters in the tabular
    list."""
    codes = icd10cm_codes()
    known = set(codes)
    return {
        c: twin
        for c in codes
        if c.startswith(_CONFIRMED) and (twin := _SUSPECTED + c[3:]) in known
    }


def suspected_code(code: str) -> str | None:
    """The suspected counterpart of a confirmed maltreatment code (T74.51XA ->
    T76.51XA, T74.22XA -> T76.22XA, written without the dot), or ``None`` for
    any other code and for T74 codes without one (T74.4-)."""
    plain = code.strip().upper().replace(".", "").replace(" ", "")
    return suspected_counterparts().get(plain)


def _is_confirmed(code: str) -> bool:
    return code.strip().upper().startswith(_CONFIRMED)


def _dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


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
