"""``POST /fhir``: a partner system sends us a referral as a transaction Bundle.

Only partner systems (OAuth2 clients, :mod:`nowrongdoor.care.fhir.clients`)
post here; the referring organisation is the client's. See
:mod:`nowrongdoor.care.fhir.inbound` for what the Bundle must hold.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from nowrongdoor.care.api.deps import AuditDep, SessionDep
from nowrongdoor.care.errors import Forbidden
from nowrongdoor.care.fhir.inbound import receive_transaction
from nowrongdoor.care.fhir.routes import FHIR_JSON, FhirRoute, FhirUser

__all__ = ["router"]

router = APIRouter(
    prefix="/fhir", route_class=FhirRoute, tags=["fhir"], include_in_schema=False
)


@router.post("", summary="Receive a referral (transaction Bundle)")
async def transaction(
    request: Request, session: SessionDep, auditor: AuditDep, viewer: FhirUser
) -> JSONResponse:
    """Create the referral a transaction Bundle carries (or find it again)."""
    raw = await request.body()

    def run() -> JSONResponse:
        client = getattr(request.state, "fhir_client", None)
        if client is None:
            raise Forbidden("only a partner system's client may send referrals here")
        got = receive_transaction(session, sender=viewer, raw=raw)
        referral = got.referral
        auditor.commit(
            "fhir:create Task" if got.created else "fhir:create Task (exists)",
            resource_type="referral",
            resource_id=referral.id,
            person_id=referral.person_id,
            detail=f"client={client}",
        )
        return JSONResponse(got.response, media_type=FHIR_JSON)

    return await run_in_threadpool(run)
