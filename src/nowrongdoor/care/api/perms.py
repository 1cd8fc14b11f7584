"""``Annotated`` route-context aliases that check one permission each.

``ctx: CaseRead`` in a route signature means "the request's context
(:class:`~nowrongdoor.care.api.deps.RouteCtx`) of the signed-in user, whose role
grants ``case:read``" (401 if not signed in, 403 if the role does not);
``ctx: SignedIn`` asks for a signed-in user of any role.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from nowrongdoor.care.api.deps import RouteCtx, require_permission, signed_in

__all__ = [
    "AuditRead",
    "CaseRead",
    "CaseWrite",
    "ConsentRead",
    "ConsentWrite",
    "IntakeRead",
    "IntakeWrite",
    "NoteRead",
    "NoteWrite",
    "PartnerImport",
    "PartnerRead",
    "PersonRead",
    "PersonWrite",
    "ReferralRead",
    "ReferralWrite",
    "RiskFlagRead",
    "ScreeningRead",
    "ScreeningWrite",
    "SignedIn",
    "TaskRead",
    "TaskWrite",
    "UserManage",
    "UserRead",
    "WorklistImport",
]

AuditRead = Annotated[RouteCtx, Depends(require_permission("audit:read"))]
CaseRead = Annotated[RouteCtx, Depends(require_permission("case:read"))]
CaseWrite = Annotated[RouteCtx, Depends(require_permission("case:write"))]
ConsentRead = Annotated[RouteCtx, Depends(require_permission("consent:read"))]
ConsentWrite = Annotated[RouteCtx, Depends(require_permission("consent:write"))]
IntakeRead = Annotated[RouteCtx, Depends(require_permission("intake:read"))]
IntakeWrite = Annotated[RouteCtx, Depends(require_permission("intake:write"))]
NoteRead = Annotated[RouteCtx, Depends(require_permission("note:read"))]
NoteWrite = Annotated[RouteCtx, Depends(require_permission("note:write"))]
PartnerImport = Annotated[RouteCtx, Depends(require_permission("partner:import"))]
PartnerRead = Annotated[RouteCtx, Depends(require_permission("partner:read"))]
PersonRead = Annotated[RouteCtx, Depends(require_permission("person:read"))]
PersonWrite = Annotated[RouteCtx, Depends(require_permission("person:write"))]
ReferralRead = Annotated[RouteCtx, Depends(require_permission("referral:read"))]
ReferralWrite = Annotated[RouteCtx, Depends(require_permission("referral:write"))]
RiskFlagRead = Annotated[RouteCtx, Depends(require_permission("riskflag:read"))]
ScreeningRead = Annotated[RouteCtx, Depends(require_permission("screening:read"))]
ScreeningWrite = Annotated[RouteCtx, Depends(require_permission("screening:write"))]
TaskRead = Annotated[RouteCtx, Depends(require_permission("task:read"))]
TaskWrite = Annotated[RouteCtx, Depends(require_permission("task:write"))]
UserManage = Annotated[RouteCtx, Depends(require_permission("user:manage"))]
UserRead = Annotated[RouteCtx, Depends(require_permission("user:read"))]
WorklistImport = Annotated[RouteCtx, Depends(require_permission("worklist:import"))]
SignedIn = Annotated[RouteCtx, Depends(signed_in)]
