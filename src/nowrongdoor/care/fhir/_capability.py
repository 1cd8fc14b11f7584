"""The server's CapabilityStatement (FHIR R4 4.0.1) (private)."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from nowrongdoor import __version__
from nowrongdoor.care.fhir._format import FORMATS
from nowrongdoor.care.fhir._search import FOCUS, SORT_KEYS
from nowrongdoor.care.fhir.resources import (
    SDOHCC,
    SDOHCC_SERVICE_REQUEST,
    SDOHCC_TASK,
)

__all__ = ["capability_statement"]

_SEARCH_TYPE = {k: k for k in ("string", "token", "date", "reference")}


#: R4 has no CapabilityStatement element for sort keys: each key's searchParam
#: says so in its ``documentation``, and the resource's ``documentation`` too.
_SORT_NOTE = "Also a _sort key (ascending; -key descending)."
_DATES = (
    "Dates take the prefixes eq, ne, lt, gt, le, ge, sa and eb (not ap) and "
    "partial dates (YYYY, YYYY-MM, YYYY-MM-DD, a date-time with a time zone), "
    "each a range as wide as its precision; a parameter repeated is ANDed, "
    "comma-separated values are ORed. _elements (top-level element names) "
    "returns only those with id, meta and the required elements, tagged "
    "SUBSETTED."
)
#: The base specification's SearchParameter of each parameter we take on
#: Task and ServiceRequest (FHIR R4 searchparameter-registry.html).
_HL7 = "http://hl7.org/fhir/SearchParameter"
_DEFINITIONS = {
    "_id": f"{_HL7}/Resource-id",
    "_lastUpdated": f"{_HL7}/Resource-lastUpdated",
    "Task.owner": f"{_HL7}/Task-owner",
    "Task.status": f"{_HL7}/Task-status",
    "Task.authored-on": f"{_HL7}/Task-authored-on",
    "Task.modified": f"{_HL7}/Task-modified",
    "ServiceRequest.status": f"{_HL7}/ServiceRequest-status",
    "ServiceRequest.authored": f"{_HL7}/ServiceRequest-authored",
}


def _sorting(kind: str) -> str:
    return (
        "_sort takes " + ", ".join(SORT_KEYS[kind]) + " (comma-separated; - before "
        "a key: descending; the id breaks ties); without it the latest change "
        "comes first. An unknown key is 400 unless Prefer: handling=lenient. " + _DATES
    )


def _search_param(kind: str, name: str, type_: str, sortable: bool) -> dict[str, Any]:
    """One ``searchParam``, with its definition's canonical URL when the base
    specification defines it, and the note that it is a ``_sort`` key."""
    out: dict[str, Any] = {"name": name, "type": _SEARCH_TYPE[type_]}
    definition = _DEFINITIONS.get(name) or _DEFINITIONS.get(f"{kind}.{name}")
    if sortable and definition:
        out["definition"] = definition
    if sortable and name in SORT_KEYS[kind]:
        out["documentation"] = _SORT_NOTE
    return out


def _resource(
    kind: str,
    *,
    search: list[tuple[str, str]] = (),  # type: ignore[assignment]
    update: bool = False,
    profile: str | None = None,
    sortable: bool = False,
    include: str | None = None,
    revinclude: str | None = None,
) -> dict[str, Any]:
    """One ``rest.resource`` entry; ``sortable``: the search takes ``_sort``
    (:data:`SORT_KEYS`) and its parameters name their definitions;
    ``include``/``revinclude``: the ``searchInclude`` and
    ``searchRevInclude`` it serves."""
    interactions = [{"code": "read"}]
    if search:
        interactions.append({"code": "search-type"})
    if update:
        interactions += [{"code": "update"}, {"code": "patch"}]
    out: dict[str, Any] = {"type": kind, "interaction": interactions}
    if include:
        out["searchInclude"] = [include]
    if revinclude:
        out["searchRevInclude"] = [revinclude]
    if search:
        out["searchParam"] = [
            _search_param(kind, name, type_, sortable) for name, type_ in search
        ]
    if sortable:
        out["documentation"] = _sorting(kind)
    if profile:
        out["supportedProfile"] = [profile]
    if update:
        out["versioning"] = "versioned-update"
        out["updateCreate"] = False
    return out


def capability_statement(base: str) -> CapabilityStatement:
    """What ``/fhir`` supports, with the OAuth2 token endpoint."""
    return CapabilityStatement.model_validate(
        {
            "status": "active",
            "date": "2026-12-06",
            "kind": "instance",
            "software": {"name": "nowrongdoor", "version": __version__},
            "implementation": {"description": "nowrongdoor care FHIR API", "url": base},
            "fhirVersion": "4.0.1",
            # JSON only, in each spelling served; XML and Turtle are 406
            "format": list(FORMATS),
            "patchFormat": ["application/json-patch+json"],
            "rest": [
                {
                    "mode": "server",
                    "security": {
                        "service": [
                            {
                                "coding": [
                                    {
                                        "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                        "code": "OAuth",
                                    }
                                ]
                            }
                        ],
                        "description": (
                            "OAuth2 client credentials: POST "
                            f"{base}/auth/token (grant_type=client_credentials) "
                            "with a client secret or a private-key JWT client "
                            "assertion (RS384/ES384)."
                        ),
                    },
                    "interaction": [
                        {
                            "code": "transaction",
                            "documentation": (
                                "POST a referral (Patient, Consent, ServiceRequest, "
                                "Task) from a partner system; see docs/interop.md."
                            ),
                        }
                    ],
                    "operation": [
                        {
                            "name": "export",
                            "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
                        }
                    ],
                    "resource": [
                        _resource(
                            "Task",
                            search=[
                                ("_id", "token"),
                                ("owner", "reference"),
                                ("status", "token"),
                                ("_lastUpdated", "date"),
                                ("authored-on", "date"),
                                ("modified", "date"),
                            ],
                            update=True,
                            profile=SDOHCC_TASK,
                            sortable=True,
                            include=FOCUS,
                        ),
                        _resource(
                            "ServiceRequest",
                            search=[
                                ("_id", "token"),
                                ("status", "token"),
                                ("_lastUpdated", "date"),
                                ("authored", "date"),
                            ],
                            profile=SDOHCC_SERVICE_REQUEST,
                            sortable=True,
                            revinclude=FOCUS,
                        ),
                        _resource("Patient"),
                        _resource("Consent"),
                        _resource(
                            "Condition",
                            search=[("patient", "reference")],
                            profile=f"{SDOHCC}/SDOHCC-Condition",
                        ),
                        _resource(
                            "Goal",
                            search=[("patient", "reference")],
                            profile=f"{SDOHCC}/SDOHCC-Goal",
                        ),
                        _resource(
                            "QuestionnaireResponse", search=[("patient", "reference")]
                        ),
                        _resource("Organization", search=[("name", "string")]),
                        _resource(
                            "HealthcareService",
                            search=[
                                ("organization", "reference"),
                                ("service-type", "token"),
                            ],
                        ),
                    ],
                }
            ],
        }
    )
