"""Staff accounts managed by the regulator and the provincial directorates (docs/accounts.md).

A holder of ``accounts.manage_users`` manages the accounts whose role it may grant (``roles.ROLE_GRANTS``)
inside its own jurisdiction: the regulator everyone's staff, a directorate its province's directorate
staff, working-group members and inspectors. It creates them, changes their role, deactivates and
reactivates them and resets their password; each act is audited. Nobody manages a superuser or their
own account here. An account out of reach is answered as missing (404), as elsewhere.
"""

from __future__ import annotations

import secrets
import string

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from pishkhan.accounts.jurisdictions import role_jurisdiction_clean
from pishkhan.accounts.models import User
from pishkhan.accounts.permissions import Principal, has_perm
from pishkhan.accounts.roles import Role, role_grants
from pishkhan.audit.services import audit_record
from pishkhan.common.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from pishkhan.common.identifiers import mobile_clean, mobile_mask
from pishkhan.common.sealing import seal
from pishkhan.common.writes import insert_or_conflict

MANAGE = "accounts.manage_users"
_TEMPORARY_ALPHABET = string.ascii_letters + string.digits
TEMPORARY_PASSWORD_LENGTH = 14


def temporary_password() -> str:
    """A random password a manager hands over once; its holder must change it at first sign-in."""
    return "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(TEMPORARY_PASSWORD_LENGTH))


def staff_roles_grantable(principal: Principal | None) -> list[Role]:
    """The roles ``principal`` may give, in the order of ``Role``; none without ``accounts.manage_users``."""
    if principal is None or not has_perm(principal, MANAGE):
        return []
    grants = role_grants(principal.role)
    return [role for role in Role if role in grants]


def _reaches(principal: Principal, kind: str, code: str) -> bool:
    """Whether a jurisdiction lies in the principal's: a national one only in a national principal's."""
    if principal.is_national:
        return True
    return kind == principal.jurisdiction_kind and code == principal.jurisdiction_code


def staff_queryset(principal: Principal | None) -> QuerySet[User]:
    """The accounts ``principal`` manages: of the roles it grants (a national manager also those
    without a role yet), in its jurisdiction; never superusers, never its own."""
    roles = staff_roles_grantable(principal)
    if not roles:
        return User.objects.none()
    rows = User.objects.filter(is_superuser=False)
    if principal.is_national:
        rows = rows.filter(Q(role__in=roles) | Q(role=""))
    else:
        rows = rows.filter(
            role__in=roles,
            jurisdiction_kind=principal.jurisdiction_kind,
            jurisdiction_code=principal.jurisdiction_code,
        )
    if principal.user is not None:
        rows = rows.exclude(pk=principal.user.pk)
    return rows


def staff_may_manage(principal: Principal | None, user: User) -> bool:
    """Whether ``principal`` manages this account (``staff_queryset`` for one row, without a query)."""
    roles = staff_roles_grantable(principal)
    if not roles or user.is_superuser or (principal.user is not None and principal.user.pk == user.pk):
        return False
    if not user.role:
        return principal.is_national
    return user.role in roles and _reaches(principal, user.jurisdiction_kind, user.jurisdiction_code)


def _grant_clean(principal: Principal, role: str, jurisdiction_code: str) -> tuple[str, str, str]:
    """The role and jurisdiction a manager gives, checked: a role it grants, a jurisdiction it reaches
    (a directorate's own province when it names none)."""
    if not principal.is_national and not (jurisdiction_code or "").strip():
        jurisdiction_code = principal.jurisdiction_code
    if role not in staff_roles_grantable(principal):
        message = _("You may not give this role.")
        raise PermissionDeniedError(message, fields={"role": message})
    role, kind, code = role_jurisdiction_clean(role, jurisdiction_code)
    if not _reaches(principal, kind, code):
        message = _("This jurisdiction is outside yours.")
        raise PermissionDeniedError(message, fields={"jurisdiction_code": message})
    return role, kind, code


def _managed(principal: Principal, user: User) -> User:
    """The account locked, or 404 when ``principal`` does not manage it."""
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None or not staff_may_manage(principal, locked):
        raise NotFoundError(_("No such account."))
    return locked


def _facts(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "role": user.role,
        "jurisdiction_kind": user.jurisdiction_kind,
        "jurisdiction_code": user.jurisdiction_code,
        "is_active": user.is_active,
        "mobile": user.mobile_masked,
    }


def staff_create(
    *,
    username: str,
    role: str,
    actor: Principal,
    jurisdiction_code: str = "",
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    mobile: str = "",
) -> tuple[User, str]:
    """Open a staff account with a role the manager grants, in its jurisdiction; the account and a
    temporary password, shown to the manager once, which its holder must change at first sign-in.

    A mobile, if given, is kept sealed so that its holder can reset a forgotten password by a code.
    """
    role, kind, code = _grant_clean(actor, role, jurisdiction_code)
    username = (username or "").strip()
    try:
        User.username_validator(username)
    except DjangoValidationError as exc:
        raise ValidationError(exc.messages[0], fields={"username": exc.messages}) from None
    mobile = mobile_clean(mobile) if (mobile or "").strip() else ""
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if len(value or "") > 150:
            message = _("The name is too long.")
            raise ValidationError(message, fields={field: message})
    password = temporary_password()
    user = User(
        username=username,
        email=User.objects.normalize_email(email or ""),
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        role=role,
        jurisdiction_kind=kind,
        jurisdiction_code=code,
        mobile_sealed=seal(mobile) if mobile else "",
        mobile_masked=mobile_mask(mobile) if mobile else "",
        must_change_password=True,
    )
    user.set_password(password)
    taken = _("This user name is taken.")
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ConflictError(taken, fields={"username": taken})
        insert_or_conflict(user, message=taken, field="username")
        audit_record(actor=actor, action="user.create", target=user, after=_facts(user))
    return user, password


def staff_role_set(
    *, user: User, role: str, actor: Principal, jurisdiction_code: str = "", reason: str = ""
) -> User:
    """Give a managed account another role (one the manager grants) or jurisdiction (one it reaches)."""
    role, kind, code = _grant_clean(actor, role, jurisdiction_code)
    with transaction.atomic():
        user = _managed(actor, user)
        before = _facts(user)
        if (user.role, user.jurisdiction_kind, user.jurisdiction_code) == (role, kind, code):
            return user
        user.role, user.jurisdiction_kind, user.jurisdiction_code = role, kind, code
        user.save(update_fields=["role", "jurisdiction_kind", "jurisdiction_code"])
        audit_record(
            actor=actor,
            action="user.role_set",
            target=user,
            before={k: before[k] for k in ("role", "jurisdiction_kind", "jurisdiction_code")},
            after={"role": role, "jurisdiction_kind": kind, "jurisdiction_code": code},
            reason=reason,
        )
    return user


def staff_active_set(*, user: User, active: bool, actor: Principal, reason: str = "") -> User:
    """Deactivate a managed account (it can no longer sign in; its history stays) or reactivate it."""
    with transaction.atomic():
        user = _managed(actor, user)
        if user.is_active == active:
            raise ConflictError(
                _("This account is already active.") if active else _("This account is already inactive.")
            )
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="user.activate" if active else "user.deactivate",
            target=user,
            before={"is_active": not active},
            after={"is_active": active},
            reason=reason,
        )
    return user


def staff_password_reset(*, user: User, actor: Principal, reason: str = "") -> tuple[User, str]:
    """Reset a managed account's password: the account and a temporary password, shown to the manager
    once; its holder must change it at the next sign-in. Audited (never the password)."""
    password = temporary_password()
    with transaction.atomic():
        user = _managed(actor, user)
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        audit_record(
            actor=actor, action="user.password_reset", target=user, after={"by": "manager"}, reason=reason
        )
    return user, password
