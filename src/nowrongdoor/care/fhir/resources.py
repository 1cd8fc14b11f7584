"""Build FHIR R4 resources from care records with ``fhir.resources`` (R4B models).

Every builder returns a validated model; :func:`as_json` turns one into the
R4 JSON the API sends. Profiles followed: HL7 SDOH Clinical Care IG (Gravity)
STU 2.2 ``SDOHCC-TaskForReferralManagement`` and ``SDOHCC-ServiceRequest``
(http://hl7.org/fhir/us/sdoh-clinicalcare/). Deviations are listed in
docs/interop.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization as FhirOrganization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from pydantic import ValidationError

from nowrongdoor.care.enums import ConsentType, ReferralStatus
from nowrongdoor.care.errors import BadRequest
from nowrongdoor.care.fhir._on_behalf import OnBehalfMove
from nowrongdoor.care.fhir.mapping import service_request_status, task_status_of
from nowrongdoor.care.fhir.task_output import output_json, split_note
from nowrongdoor.care.models import (
    Consent,
    Organization,
    PartnerService,
    Referral,
)
from nowrongdoor.errors import first_error

__all__ = [
    "SDOHCC_SERVICE_REQUEST",
    "SDOHCC_TASK",
    "as_json",
    "consent_resource",
    "healthcare_service_resource",
    "operation_outcome",
    "organization_resource",
    "parse_resource",
    "patient_resource",
    "reference_of",
    "searchset",
    "service_request_resource",
    "task_resource",
    "version_of",
]

SDOHCC = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition"
SDOHCC_TASK = f"{SDOHCC}/SDOHCC-TaskForReferralManagement"
SDOHCC_SERVICE_REQUEST = f"{SDOHCC}/SDOHCC-ServiceRequest"
TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code"
PSEUDONYM_SYSTEM = "urn:nowrongdoor:pseudonym"
NEED_SYSTEM = "urn:nowrongdoor:need-category"
SDOHCC_TEMP = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
#: FHIR R4 Provenance.agent.type codes (provenance.html#agent).
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
#: FHIR R4 Provenance.activity codes (v3 DataOperation).
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
#: The local id of the contained Provenance of a move recorded on behalf.
ON_BEHALF_ID = "on-behalf"
_REASON_TEXT = {
    ReferralStatus.DECLINED: "Declined by the receiving organisation",
    ReferralStatus.CANCELLED: "Cancelled",
}


def _instant(at: dt.datetime | None) -> str | None:
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return (
        at.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def version_of(referral: Referral) -> str:
    """The version id of a referral's Task: changes whenever the referral does."""
    at = referral.updated_at
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return str(int(at.timestamp() * 1_000_000))


def as_json(resource: Resource) -> dict[str, Any]:
    """The R4 JSON of a resource (no nulls)."""
    data: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    return data


def _on_behalf_provenance(referral: Referral, move: OnBehalfMove) -> dict[str, Any]:
    """The Provenance of a status the referring team recorded for the partner.

    FHIR R4 Task.relevantHistory (task.html) links the Provenance of a Task's
    key state transitions; Provenance.agent (provenance.html#agent) names the
    requester as ``enterer`` ``onBehalfOf`` the owner, and the owner as
    ``informant`` (provenance-participant-type); ``recorded`` is when, and
    ``activity`` is ``UPDATE`` (v3 DataOperation). Contained in the Task
    (references.html#contained), so no Provenance endpoint is needed.
    """
    status = task_status_of(ReferralStatus(move.to_status))
    via = move.told_via.replace("_", " ")
    return {
        "resourceType": "Provenance",
        "id": ON_BEHALF_ID,
        "target": [{"reference": f"Task/{referral.id}"}],
        "recorded": _instant(move.at),
        "activity": {
            "coding": [{"system": DATA_OPERATION, "code": "UPDATE",
                        "display": "revise"}],
            "text": f"Task.status '{status}' recorded by the requester on behalf "
            f"of the owner, which is not on the system and told it ({via})",
        },
        "agent": [
            {
                "type": {"coding": [{"system": PARTICIPANT_TYPE, "code": "enterer",
                                     "display": "Enterer"}]},
                "who": {"reference": f"Organization/{referral.from_organization_id}"},
                "onBehalfOf": {
                    "reference": f"Organization/{referral.to_organization_id}"
                },
            },
            {
                "type": {"coding": [{"system": PARTICIPANT_TYPE,
                                     "code": "informant", "display": "Informant"}]},
                "who": {"reference": f"Organization/{referral.to_organization_id}"},
            },
        ],
    }  # fmt: skip


def task_resource(
    referral: Referral,
    *,
    pseudonym: str,
    with_text: bool = True,
    on_behalf: OnBehalfMove | None = None,
) -> Task:
    """The Gravity referral-management Task of a referral.

    ``with_text=False`` leaves out the partner's free text (businessStatus,
    notes, outputs) for roles that see pseudonymous data only. The partner's
    note and its outputs share ``response_note`` (:mod:`.task_output`).
    ``on_behalf`` (the referral's current status was recorded by the referring
    team for a partner not on the system) adds a contained Provenance that says
    so, linked from ``relevantHistory`` (:func:`_on_behalf_provenance`).
    """
    status = ReferralStatus(referral.status)
    data: dict[str, Any] = {
        "id": str(referral.id),
        "meta": {
            "profile": [SDOHCC_TASK],
            "versionId": version_of(referral),
            "lastUpdated": _instant(referral.updated_at),
        },
        "status": task_status_of(status),
        "intent": "order",
        "code": {
            "coding": [
                {
                    "system": TASK_CODE,
                    "code": "fulfill",
                    "display": "Fulfill the focal request",
                }
            ]
        },
        "focus": {"reference": f"ServiceRequest/{referral.id}"},
        "for": {"reference": f"Patient/{pseudonym}"},
        "authoredOn": _instant(referral.created_at),
        "lastModified": _instant(referral.updated_at),
        "requester": {"reference": f"Organization/{referral.from_organization_id}"},
        "owner": {"reference": f"Organization/{referral.to_organization_id}"},
    }
    if status in _REASON_TEXT:
        data["statusReason"] = {"text": _REASON_TEXT[status]}
    if referral.business_status and with_text:
        data["businessStatus"] = {"text": referral.business_status}
    note, outputs = split_note(referral.response_note)
    if note and with_text:
        data["note"] = [{"text": note}]
    if outputs and with_text:
        data["output"] = [output_json(o) for o in outputs]
    if on_behalf is not None and on_behalf.to_status == status:
        data["contained"] = [_on_behalf_provenance(referral, on_behalf)]
        data["relevantHistory"] = [{"reference": f"#{ON_BEHALF_ID}"}]
    return Task.model_validate(data)


def service_request_resource(
    referral: Referral, *, pseudonym: str, service_name: str | None
) -> ServiceRequest:
    """The Gravity ServiceRequest of a referral (what is asked)."""
    category = referral.need_category
    data: dict[str, Any] = {
        "id": str(referral.id),
        "meta": {
            "profile": [SDOHCC_SERVICE_REQUEST],
            "lastUpdated": _instant(referral.updated_at),
        },
        "status": service_request_status(referral.status),
        "intent": "order",
        "code": {"text": service_name or "Referral to a partner service"},
        "subject": {"reference": f"Patient/{pseudonym}"},
        "authoredOn": _instant(referral.sent_at or referral.created_at),
        "requester": {"reference": f"Organization/{referral.from_organization_id}"},
        "performer": [
            {"reference": f"HealthcareService/{referral.service_id}"}
            if referral.service_id
            else {"reference": f"Organization/{referral.to_organization_id}"}
        ],
    }
    if category:
        data["category"] = [
            {
                "coding": [
                    {
                        "system": NEED_SYSTEM,
                        "code": category,
                        "display": category.replace("_", " "),
                    }
                ]
            }
        ]
    if referral.consent_id:
        data["supportingInfo"] = [{"reference": f"Consent/{referral.consent_id}"}]
    return ServiceRequest.model_validate(data)


def patient_resource(
    pseudonym: str, *, birth_year: int | None, phone: str | None
) -> Patient:
    """A pseudonymous Patient: the pseudonym, a birth year, and a phone only
    when the referral's state lets the partner reach the person. No name."""
    data: dict[str, Any] = {
        "id": pseudonym,
        "identifier": [{"system": PSEUDONYM_SYSTEM, "value": pseudonym}],
    }
    if birth_year:
        data["birthDate"] = f"{birth_year:04d}"
    if phone:
        data["telecom"] = [{"system": "phone", "value": phone, "use": "mobile"}]
    return Patient.model_validate(data)


def consent_resource(consent: Consent, *, pseudonym: str, active: bool) -> FhirConsent:
    """A person's consent to share (or to disclose under 42 CFR Part 2)."""
    data: dict[str, Any] = {
        "id": str(consent.id),
        "status": "active" if active else "inactive",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": "http://loinc.org",
                        "code": "59284-0",
                        "display": "Patient Consent",
                    }
                ],
                "text": consent.consent_type.replace("_", " "),
            }
        ],
        "patient": {"reference": f"Patient/{pseudonym}"},
        "dateTime": _instant(consent.given_at),
        "policyRule": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "OPTIN" if consent.granted else "OPTOUT",
                }
            ]
        },
        "provision": {
            "type": "permit" if consent.granted else "deny",
        },
    }
    if consent.consent_type == ConsentType.PART2_DISCLOSURE:
        data["policy"] = [{"uri": "https://www.ecfr.gov/current/title-42/part-2"}]
    if consent.expires_at:
        data["provision"]["period"] = {"end": _instant(consent.expires_at)}
    if consent.scope_organization_id:
        data["provision"]["actor"] = [
            {
                "role": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                            "code": "IRCP",
                        }
                    ]
                },
                "reference": {
                    "reference": f"Organization/{consent.scope_organization_id}"
                },
            }
        ]
    return FhirConsent.model_validate(data)


def organization_resource(org: Organization) -> FhirOrganization:
    """A directory Organization."""
    data: dict[str, Any] = {"id": str(org.id), "active": True, "name": org.name}
    if org.alternate_name:
        data["alias"] = [org.alternate_name]
    telecom = []
    if org.email:
        telecom.append({"system": "email", "value": org.email})
    if org.website:
        telecom.append({"system": "url", "value": org.website})
    if telecom:
        data["telecom"] = telecom
    return FhirOrganization.model_validate(data)


def healthcare_service_resource(service: PartnerService) -> HealthcareService:
    """A directory HealthcareService (a partner's service)."""
    data: dict[str, Any] = {
        "id": str(service.id),
        "active": True,
        "providedBy": {"reference": f"Organization/{service.organization_id}"},
        "name": service.name,
    }
    types = [t for t in (service.service_types or "").split("|") if t]
    if types:
        data["type"] = [
            {
                "coding": [{"system": NEED_SYSTEM, "code": t}],
                "text": t.replace("_", " "),
            }
            for t in types
        ]
    if getattr(service, "description", None):
        data["comment"] = service.description
    return HealthcareService.model_validate(data)


R = TypeVar("R", bound=Resource)


def parse_resource(model: type[R], raw: bytes) -> R:
    """Parse a received R4 resource (JSON bytes) with its ``fhir.resources`` model.

    Args:
        model: The resource's model class (``Bundle``, ``Task``, ...).
        raw: The request body.

    Returns:
        The validated resource.

    Raises:
        BadRequest: not valid for ``model``; names the first element at fault.
    """
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        where, message = first_error(exc)
        kind = model.get_resource_type()
        raise BadRequest(f"not a valid R4 {kind}: {where}: {message}") from None


def reference_of(value: Any) -> str | None:
    """The ``reference`` of a Reference element, ``None`` when it is absent."""
    return value.reference if value is not None else None


def operation_outcome(
    code: str, message: str, severity: str = "error"
) -> OperationOutcome:
    """An OperationOutcome with one issue (``code`` from FHIR ``issue-type``)."""
    return OperationOutcome.model_validate(
        {"issue": [{"severity": severity, "code": code, "diagnostics": message}]}
    )


def searchset(
    base: str,
    resource_type: str,
    resources: list[dict[str, Any]],
    *,
    total: int,
    query: Mapping[str, str | list[str]],
    count: int,
    offset: int,
    included: Sequence[dict[str, Any]] = (),
) -> Bundle:
    """A searchset Bundle with ``self``/``next``/``previous`` links.

    A parameter given more than once (``_lastUpdated=ge..&_lastUpdated=lt..``)
    is a list in ``query`` and appears once per value in every link: FHIR R4
    (http.html#paging, search.html#selflink) has the links reproduce the
    search the server ran, so the next page is a page of the same search.
    ``included`` are the resources ``_include``/``_revinclude`` brought
    (search.html#include: ``search.mode = include``, not counted in
    ``total``), after the matches.
    """

    def link(at: int) -> str:
        params = {**query, "_count": str(count), "_offset": str(at)}
        pairs = urlencode(sorted(params.items()), doseq=True)
        return f"{base}/{resource_type}?{pairs}"

    links = [{"relation": "self", "url": link(offset)}]
    if offset + count < total:
        links.append({"relation": "next", "url": link(offset + count)})
    if offset > 0:
        links.append({"relation": "previous", "url": link(max(0, offset - count))})
    return Bundle.model_validate(
        {
            "type": "searchset",
            "total": total,
            "link": links,
            "entry": [
                {
                    "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                    "resource": r,
                    "search": {"mode": mode},
                }
                for mode, some in (("match", resources), ("include", included))
                for r in some
            ],
        }
    )
