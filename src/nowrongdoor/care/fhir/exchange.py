"""``POST /fhir``: a partner system sends us a referral as a transaction Bundle.

Only partner systems (OAuth2 clients, :mod:`nowrongdoor.care.fhir.clients`)
post here; the referring organisation is the client's. See
:mod:`nowrongdoor.care.fhir.inbound` for what the Bundle must hold.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from nowrongdoor.care.errors import Forbidden
from nowrongdoor.care.fhir._call import FhirCallDep, fhir_answer, fhir_router
from nowrongdoor.care.fhir.inbound import receive_transaction

__all__ = ["router"]

router = fhir_router()


@router.post("", summary="Receive a referral (transaction Bundle)")
async def transaction(call: FhirCallDep) -> JSONResponse:
    """Create the referral a transaction Bundle carries (or find it again)."""
    raw = await call.request.body()

    def run() -> JSONResponse:
        if getattr(call.request.state, "fhir_client", None) is None:
            raise Forbidden("only a partner system's client may send referrals here")
        got = receive_transaction(call.session, sender=call.viewer, raw=raw)
        call.audit.commit_on(
            "create Task" if got.created else "create Task (exists)", got.referral
        )
        return fhir_answer(got.response)

    return await run_in_threadpool(run)
