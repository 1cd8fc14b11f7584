"""``Annotated`` user aliases that check one permission each.

``user: CaseRead`` in a route signature means "the signed-in user, whose role
grants ``case:read``" (401 if not signed in, 403 if the role does not).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from nowrongdoor.care.api.deps import require_permission
from nowrongdoor.care.models import User

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
    "TaskRead",
    "TaskWrite",
    "UserManage",
    "UserRead",
    "WorklistImport",
]

AuditRead = Annotated[User, Depends(require_permission("audit:read"))]
CaseRead = Annotated[User, Depends(require_permission("case:read"))]
CaseWrite = Annotated[User, Depends(require_permission("case:write"))]
ConsentRead = Annotated[User, Depends(require_permission("consent:read"))]
ConsentWrite = Annotated[User, Depends(require_permission("consent:write"))]
IntakeRead = Annotated[User, Depends(require_permission("intake:read"))]
IntakeWrite = Annotated[User, Depends(require_permission("intake:write"))]
NoteRead = Annotated[User, Depends(require_permission("note:read"))]
NoteWrite = Annotated[User, Depends(require_permission("note:write"))]
PartnerImport = Annotated[User, Depends(require_permission("partner:import"))]
PartnerRead = Annotated[User, Depends(require_permission("partner:read"))]
PersonRead = Annotated[User, Depends(require_permission("person:read"))]
PersonWrite = Annotated[User, Depends(require_permission("person:write"))]
ReferralRead = Annotated[User, Depends(require_permission("referral:read"))]
ReferralWrite = Annotated[User, Depends(require_permission("referral:write"))]
RiskFlagRead = Annotated[User, Depends(require_permission("riskflag:read"))]
ScreeningRead = Annotated[User, Depends(require_permission("screening:read"))]
ScreeningWrite = Annotated[User, Depends(require_permission("screening:write"))]
TaskRead = Annotated[User, Depends(require_permission("task:read"))]
TaskWrite = Annotated[User, Depends(require_permission("task:write"))]
UserManage = Annotated[User, Depends(require_permission("user:manage"))]
UserRead = Annotated[User, Depends(require_permission("user:read"))]
WorklistImport = Annotated[User, Depends(require_permission("worklist:import"))]
