"""FHIR R4 interface of the care service: closed-loop referrals as Gravity
SDOH Clinical Care ``ServiceRequest`` + ``Task``, partner-system credentials and
the ``/fhir`` routes.

Submodules: :mod:`~nowrongdoor.care.fhir.mapping` (referral <-> FHIR),
:mod:`~nowrongdoor.care.fhir.clients` (OAuth2 client credentials) and
:mod:`~nowrongdoor.care.fhir.routes` (the REST API).
"""

from __future__ import annotations

__all__: list[str] = []
