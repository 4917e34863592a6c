"""The accounts API (mounted at ``/api/v1/accounts``): who am I."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal
from pishkhan.accounts.schemas import PrincipalOut

# Named explicitly rather than inherited from the NinjaAPI, so the router is never open by accident.
router = Router(auth=api_auth, tags=["accounts"])


@router.get("/me", response=PrincipalOut, summary="Who am I")
def me(request: HttpRequest) -> PrincipalOut:
    """The calling key or user: its role, jurisdiction and permissions."""
    principal: Principal = request.auth  # type: ignore[attr-defined]
    return PrincipalOut(
        label=principal.label,
        role=principal.role,
        jurisdiction_kind=principal.jurisdiction_kind,
        jurisdiction_code=principal.jurisdiction_code,
        permissions=sorted(principal.permissions),
    )
