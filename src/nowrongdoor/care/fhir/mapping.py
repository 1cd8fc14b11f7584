"""Referral <-> FHIR R4 mapping following the HL7 Gravity SDOH Clinical Care IG.

A referral is two resources: an ``SDOHCC ServiceRequest`` (what is asked) and
an ``SDOHCC TaskForReferralManagement`` (whose status the receiving partner
moves). Source: HL7 SDOH Clinical Care IG STU 2.2,
http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement
and SDOHCC-ServiceRequest; Task.status codes from FHIR R4 ``task-status``
(http://hl7.org/fhir/R4/valueset-task-status.html).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from nowrongdoor.care.enums import ReferralStatus

__all__ = [
    "SERVICE_REQUEST_STATUS",
    "STATUS_TO_TASK",
    "TASK_TO_STATUS",
    "referral_status_of_task",
    "service_request_status",
    "task_status_of",
]

S = ReferralStatus

#: Referral status -> FHIR Task.status (one to one, both directions).
STATUS_TO_TASK: Final = MappingProxyType(
    {
        S.DRAFT: "draft",
        S.SENT: "requested",
        S.RECEIVED: "received",
        S.ACCEPTED: "accepted",
        S.IN_PROGRESS: "in-progress",
        S.COMPLETED: "completed",
        S.DECLINED: "rejected",
        S.CANCELLED: "cancelled",
    }
)

#: FHIR Task.status -> referral status (the inverse of :data:`STATUS_TO_TASK`).
#: Task codes with no referral equivalent (ready, on-hold, failed,
#: entered-in-error) are absent: an update to one of them is refused.
TASK_TO_STATUS: Final = MappingProxyType({v: k for k, v in STATUS_TO_TASK.items()})

#: Referral status -> ServiceRequest.status (FHIR R4 ``request-status``): the
#: request is active while the partner holds it, revoked when it was declined
#: or cancelled.
SERVICE_REQUEST_STATUS: Final = MappingProxyType(
    {
        S.DRAFT: "draft",
        S.SENT: "active",
        S.RECEIVED: "active",
        S.ACCEPTED: "active",
        S.IN_PROGRESS: "active",
        S.COMPLETED: "completed",
        S.DECLINED: "revoked",
        S.CANCELLED: "revoked",
    }
)


def task_status_of(status: str) -> str:
    """The FHIR Task.status of a referral status.

    Raises:
        ValueError: ``status`` is not a referral status.
    """
    return STATUS_TO_TASK[ReferralStatus(status)]


def referral_status_of_task(code: str) -> ReferralStatus | None:
    """The referral status a FHIR Task.status code stands for, or ``None``."""
    return TASK_TO_STATUS.get(code)


def service_request_status(status: str) -> str:
    """The FHIR ServiceRequest.status of a referral status."""
    return SERVICE_REQUEST_STATUS[ReferralStatus(status)]
