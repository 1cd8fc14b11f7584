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
_SORTING = (
    "_sort takes " + ", ".join(SORT_KEYS) + " (comma-separated; - before a key: "
    "descending); without it the latest change comes first. An unknown key is "
    "400 unless Prefer: handling=lenient."
)


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
    (:data:`SORT_KEYS`); ``include``/``revinclude``: the ``searchInclude`` and
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
            {"name": name, "type": _SEARCH_TYPE[kind_]}
            | ({"documentation": _SORT_NOTE} if sortable and name in SORT_KEYS else {})
            for name, kind_ in search
        ]
    if sortable:
        out["documentation"] = _SORTING
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
