"""Export the value sets for clinical sign-off: FHIR R4B ValueSets and one table.

``population valuesets --out DIR`` writes, atomically:

- ``<id>.valueset.json``: one FHIR R4B ``ValueSet`` per indicator (built and
  validated with ``fhir.resources.R4B``; R4-compatible JSON), every code listed
  with its ICD-10-CM display in ``compose.include.concept``;
- ``valuesets.csv``: one row per code (indicator, role, sensitivity, weight,
  look-back, code, display, reviewed);
- ``valuesets.html``: the same as one page a reviewer can read: each set's
  rationale, citations, what it leaves out and why, then its codes.
"""

from __future__ import annotations

import html
import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nowrongdoor._output import atomic_dir, csv_text
from nowrongdoor.errors import UserInputError
from nowrongdoor.population._model import ScoringModel
from nowrongdoor.population._valuesets import ValueSet, display_code

__all__ = [
    "ICD10CM_SYSTEM",
    "VALUESET_CSV_COLUMNS",
    "export_value_sets",
    "fhir_value_set",
]

#: The FHIR code system URI of ICD-10-CM.
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
VALUESET_CSV_COLUMNS = (
    "indicator",
    "role",
    "sensitivity",
    "weight",
    "lookback_days",
    "code",
    "display",
    "reviewed",
)
_MARKER = "valuesets.csv"


def _displays(codes: Sequence[str]) -> dict[str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm as icd

    return {c: icd.get_description(display_code(c)) for c in codes}


def _camel(identifier: str) -> str:
    return "".join(part.capitalize() for part in identifier.split("_"))


def fhir_value_set(
    vs: ValueSet, model: ScoringModel, displays: dict[str, str]
) -> dict[str, Any]:
    """One value set as a FHIR R4B ValueSet (a JSON-ready dict), validated.

    Args:
        vs: The value set.
        model: The points model (weight and look-back go in the description).
        displays: Normalised code -> ICD-10-CM description.

    Returns:
        The resource, validated with ``fhir.resources.R4B``.
    """
    from fhir.resources.R4B.valueset import ValueSet as FhirValueSet

    weight = model.indicators[vs.id]
    left_out = "".join(f"\n- {x.code}: {x.reason}" for x in vs.leaves_out)
    description = (
        f"{vs.source}\n\nRole: {vs.role}. Sensitivity: {vs.sensitivity}. "
        f"Weight {weight.weight}, look-back {weight.lookback_days} days"
        + (f", ages up to {weight.max_age}" if weight.max_age is not None else "")
        + ".\n\nCitations:"
        + "".join(f"\n- {c}" for c in vs.citations)
        + (f"\n\nLeft out on purpose:{left_out}" if left_out else "")
    )
    resource = {
        "resourceType": "ValueSet",
        "id": "nwd-" + vs.id.replace("_", "-"),
        "url": f"urn:nowrongdoor:valueset:{vs.id}",
        "version": vs.reviewed.isoformat(),
        "name": _camel(vs.id),
        "title": vs.title,
        "status": "draft",
        "experimental": False,
        "date": vs.reviewed.isoformat(),
        "publisher": "nowrongdoor contributors",
        "description": description,
        "purpose": vs.rationale,
        "compose": {
            "include": [
                {
                    "system": ICD10CM_SYSTEM,
                    "concept": [
                        {"code": display_code(c), "display": displays[c]}
                        for c in vs.expand()
                    ],
                }
            ]
        },
    }
    validated = FhirValueSet.model_validate(resource)
    out: dict[str, Any] = json.loads(validated.model_dump_json(exclude_none=True))
    return out


def _html(
    value_sets: Sequence[ValueSet], model: ScoringModel, displays: dict[str, str]
) -> str:
    esc = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>nowrongdoor indicator value sets (ICD-10-CM) for review</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px;"
        "text-align:left}</style></head><body>",
        "<h1>Indicator value sets (ICD-10-CM) for clinical review</h1>",
        "<table><thead><tr><th>indicator</th><th>role</th><th>sensitivity</th>"
        "<th>weight</th><th>look-back (days)</th><th>codes</th><th>reviewed</th>"
        "</tr></thead><tbody>",
    ]
    for vs in value_sets:
        w = model.indicators[vs.id]
        parts.append(
            f'<tr><td><a href="#{esc(vs.id)}">{esc(vs.id)}</a></td>'
            f"<td>{esc(vs.role)}</td><td>{esc(vs.sensitivity)}</td>"
            f"<td>{w.weight}</td><td>{w.lookback_days}</td>"
            f"<td>{len(vs.expand())}</td><td>{vs.reviewed.isoformat()}</td></tr>"
        )
    parts.append("</tbody></table>")
    for vs in value_sets:
        parts += [
            f'<h2 id="{esc(vs.id)}">{esc(vs.id)}: {esc(vs.title)}</h2>',
            f"<p><strong>Codes:</strong> {esc(vs.source)}</p>",
            f"<p><strong>Why:</strong> {esc(vs.rationale)}</p>",
            "<p><strong>Citations:</strong></p><ul>",
            *(f"<li>{esc(c)}</li>" for c in vs.citations),
            "</ul>",
        ]
        if vs.leaves_out:
            parts.append("<p><strong>Left out on purpose:</strong></p><ul>")
            parts += [f"<li>{esc(x.code)}: {esc(x.reason)}</li>" for x in vs.leaves_out]
            parts.append("</ul>")
        parts.append(
            "<table><thead><tr><th>code</th><th>display</th></tr></thead><tbody>"
        )
        parts += [
            f"<tr><td>{esc(display_code(c))}</td><td>{esc(displays[c])}</td></tr>"
            for c in vs.expand()
        ]
        parts.append("</tbody></table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def export_value_sets(
    out_dir: Path, value_sets: Sequence[ValueSet], model: ScoringModel
) -> list[Path]:
    """Write the FHIR ValueSets, the CSV and the HTML table into ``out_dir``.

    The directory is replaced atomically (written beside it, then renamed).

    Args:
        out_dir: Output directory; must not exist, be empty, or hold an earlier
            export (``valuesets.csv``).
        value_sets: The value sets to export.
        model: The points model (weights and look-backs in the table).

    Returns:
        The files written, in ``out_dir``.

    Raises:
        UserInputError: ``out_dir`` holds something else.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and (
        not out_dir.is_dir()
        or (any(out_dir.iterdir()) and not (out_dir / _MARKER).is_file())
    ):
        raise UserInputError(
            f"output {out_dir} exists and is not an earlier value-set export "
            f"(no {_MARKER}); choose another --out"
        )
    codes = sorted({c for vs in value_sets for c in vs.expand()})
    displays = _displays(codes)
    files: dict[str, str] = {}
    for vs in value_sets:
        resource = fhir_value_set(vs, model, displays)
        files[f"{resource['id']}.valueset.json"] = json.dumps(resource, indent=2) + "\n"
    rows = [
        (
            vs.id,
            vs.role,
            vs.sensitivity,
            model.indicators[vs.id].weight,
            model.indicators[vs.id].lookback_days,
            display_code(c),
            displays[c],
            vs.reviewed.isoformat(),
        )
        for vs in value_sets
        for c in vs.expand()
    ]
    files[_MARKER] = csv_text(VALUESET_CSV_COLUMNS, rows)
    files["valuesets.html"] = _html(value_sets, model, displays)
    with atomic_dir(out_dir) as tmp:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
    return [out_dir / name for name in files]
