"""The one permission layer: who is calling (a ``Principal``) and whether they may do a thing here.

Every page and every API endpoint asks the same two questions through this module:
``has_perm(principal, "geo.view", province="23")`` or ``require(...)``. A principal holds a
permission when its role does (``roles.py``), and may use it only inside its jurisdiction: a
national principal everywhere, a province principal only for that province, an agency or office
principal only for that agency or office. A check that names no place asks only whether the role
holds the permission at all (for list pages, whose selectors then narrow to the jurisdiction).

Pages are deny-by-default: every view is wrapped in ``public`` or ``permission_required(perm)``,
which mark it with ``pishkhan_access`` so the architecture test can sweep every URL.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from pishkhan.accounts.models import ApiKey, HolderKind, User
from pishkhan.accounts.roles import PERMISSIONS, SUPERUSER_ROLE, JurisdictionKind, Role, role_permissions
from pishkhan.common.errors import PermissionDeniedError

PUBLIC = "public"


@dataclass(frozen=True)
class Principal:
    """Whoever is calling: a signed-in user or an API key, with the role and jurisdiction it acts in."""

    label: str  # "user:regulator", "apikey:ab12cd34": how the audit log names it
    role: str  # a Role value, or "" for a user without a role
    jurisdiction_kind: str
    jurisdiction_code: str = ""
    user: User | None = None  # the person behind it (a user, or the holder of a user key)
    api_key_prefix: str = ""

    @property
    def permissions(self) -> frozenset[str]:
        """Every permission the role holds (in its jurisdiction)."""
        return role_permissions(self.role)

    @property
    def role_label(self) -> str:
        """The role's human name (translated), or "" for a user without a role."""
        return str(Role(self.role).label) if self.role else ""

    @property
    def jurisdiction_label(self) -> str:
        """The jurisdiction kind's human name (translated)."""
        return str(JurisdictionKind(self.jurisdiction_kind).label) if self.jurisdiction_kind else ""

    @property
    def scope(self) -> dict[str, str]:
        """Where its powers reach, as selector filters: ``{}`` (national) or e.g. ``{"province": "23"}``."""
        return {} if self.is_national else {self.jurisdiction_kind: self.jurisdiction_code}

    @property
    def is_national(self) -> bool:
        """Whether its powers reach the whole country."""
        return self.jurisdiction_kind == JurisdictionKind.NATIONAL

    @property
    def audit_label(self) -> str:
        """The actor label ``audit_record`` writes."""
        return self.label

    @property
    def audit_user(self) -> User | None:
        """The person ``audit_record`` links the entry to."""
        return self.user


def principal_for_user(user: User) -> Principal:
    """The principal of a signed-in user. A superuser acts as a national regulator."""
    label = f"user:{user.get_username()}"
    if user.is_superuser:
        return Principal(
            label=label, role=SUPERUSER_ROLE, jurisdiction_kind=JurisdictionKind.NATIONAL, user=user
        )
    return Principal(
        label=label,
        role=user.role,
        jurisdiction_kind=user.jurisdiction_kind,
        jurisdiction_code=user.jurisdiction_code,
        user=user,
    )


def principal_for_apikey(key: ApiKey) -> Principal:
    """The principal of an API key: an office's operator, an agency's staff, or its user."""
    if key.holder_kind == HolderKind.USER:
        as_user = principal_for_user(key.user)
        return Principal(
            label=key.label,
            role=as_user.role,
            jurisdiction_kind=as_user.jurisdiction_kind,
            jurisdiction_code=as_user.jurisdiction_code,
            user=key.user,
            api_key_prefix=key.prefix,
        )
    role, kind = {
        HolderKind.OFFICE: (Role.OFFICE_OPERATOR, JurisdictionKind.OFFICE),
        HolderKind.AGENCY: (Role.AGENCY_STAFF, JurisdictionKind.AGENCY),
    }[HolderKind(key.holder_kind)]
    return Principal(
        label=key.label,
        role=role,
        jurisdiction_kind=kind,
        jurisdiction_code=key.holder_code,
        api_key_prefix=key.prefix,
    )


def principal_from_request(request: HttpRequest) -> Principal | None:
    """The caller of a request, or None for a stranger.

    The API's authentication sets ``request.principal`` (an API key or a session); for pages it
    is built from the signed-in user and kept on the request.
    """
    principal = getattr(request, "principal", None)
    if principal is not None:
        return principal
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    request.principal = principal_for_user(user)  # type: ignore[attr-defined]
    return request.principal  # type: ignore[attr-defined]


def principal_of(request: HttpRequest) -> Principal:
    """The caller of a page that ``permission_required`` guards; 403 for a stranger (which the guard
    lets no further: this catches a view that forgot it)."""
    principal = principal_from_request(request)
    if principal is None:
        raise PermissionDenied
    return principal


def _in_jurisdiction(principal: Principal, scope: dict[str, str | None]) -> bool:
    if principal.is_national:
        return True
    if all(value is None for value in scope.values()):
        return True  # a capability check: "may this role do this at all?"
    # Deny by default: a scope that does not name the principal's own kind of place is outside it.
    place = scope.get(principal.jurisdiction_kind)
    return place is not None and str(place) == principal.jurisdiction_code


def has_perm(
    principal: Principal | None,
    perm: str,
    *,
    province: str | None = None,
    agency: str | None = None,
    office: str | None = None,
) -> bool:
    """Whether the principal holds ``perm`` and the place named (if any) lies in its jurisdiction.

    Name every place you know about the object: an office in province 23 is checked with
    ``province="23", office="12345"``, so both its province's directorate and its own operator pass.
    """
    if principal is None or perm not in principal.permissions:
        return False
    return _in_jurisdiction(principal, {"province": province, "agency": agency, "office": office})


def require(principal: Principal | None, perm: str, **scope: str | None) -> None:
    """``has_perm`` or raise ``PermissionDeniedError`` (403 on the API)."""
    if not has_perm(principal, perm, **scope):
        raise PermissionDeniedError(_("You may not do this here."))


def _check_known(perm: str) -> None:
    if perm not in PERMISSIONS:
        raise ImproperlyConfigured(
            f"unknown permission {perm!r}; add it to pishkhan.accounts.roles.PERMISSIONS"
        )


View = Callable[..., HttpResponse]


def public(view: View) -> View:
    """Mark a page as open to everyone, on purpose."""
    view.pishkhan_access = PUBLIC  # type: ignore[attr-defined]
    return view


def permission_required(perm: str) -> Callable[[View], View]:
    """Guard a page: strangers are sent to sign in; a signed-in user without ``perm`` gets 403.

    The check names no place (the view narrows what it shows to the principal's jurisdiction, and
    calls ``require`` with the place of a single object it shows).
    """
    _check_known(perm)

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            principal = principal_from_request(request)
            if principal is None:
                return redirect_to_login(request.get_full_path())
            if not has_perm(principal, perm):
                raise PermissionDenied(_("You may not do this here."))
            return view(request, *args, **kwargs)

        guarded.pishkhan_access = perm  # type: ignore[attr-defined]
        return guarded

    return decorator
