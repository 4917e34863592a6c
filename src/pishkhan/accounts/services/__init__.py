"""Changing accounts: users and API keys. Every change is audited in the same transaction.

Services check domain rules (a role's allowed jurisdiction, a code that exists, a strong password);
whether the *caller* may make the change is the entry point's question (``permissions.require``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.jurisdictions import (
    jurisdiction_code_clean,
    jurisdiction_codes_clean,
    role_jurisdiction_clean,
    role_jurisdictions_clean,
)
from pishkhan.accounts.keys import key_new, key_text, secret_hash
from pishkhan.accounts.models import ApiKey, HolderKind, User
from pishkhan.audit.actors import Actor, actor_user
from pishkhan.audit.services import AuditItem, audit_record, audit_record_many
from pishkhan.common.bulk import insert_objects, rows_matching
from pishkhan.common.errors import ConflictError, ValidationError
from pishkhan.common.writes import UNSET, insert_or_conflict

# Recording every request's use would put a write on every API call; a few minutes' precision is
# all "last used" needs.
LAST_USED_PRECISION = dt.timedelta(minutes=5)
_PREFIX_ATTEMPTS = 5


def _user_facts(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "email": user.email,
        "role": user.role,
        "jurisdiction_kind": user.jurisdiction_kind,
        "jurisdiction_code": user.jurisdiction_code,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


def user_create(
    *,
    username: str,
    password: str,
    role: str,
    jurisdiction_code: str = "",
    email: str = "",
    actor: Actor,
) -> User:
    """Create a user with a role in a jurisdiction (national when the code is empty and the role allows).

    The password must pass the configured validators; it is never written to the audit log.
    """
    username = (username or "").strip()
    try:
        User.username_validator(username)
    except DjangoValidationError as exc:
        raise ValidationError(exc.messages[0], fields={"username": exc.messages}) from None
    role, kind, code = role_jurisdiction_clean(role, jurisdiction_code)
    user = User(
        username=username,
        email=User.objects.normalize_email(email or ""),
        role=role,
        jurisdiction_kind=kind,
        jurisdiction_code=code,
    )
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationError(exc.messages[0], fields={"password": exc.messages}) from None
    user.set_password(password)
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            message = _("This user name is taken.")
            raise ConflictError(message, fields={"username": message})
        insert_or_conflict(user, message=_("This user name is taken."), field="username")
        audit_record(actor=actor, action="user.create", target=user, after=_user_facts(user))
    return user


@dataclass(frozen=True)
class UserRow:
    """One user of a bulk creation: staff who will set their own password."""

    username: str
    role: str
    jurisdiction_code: str = ""
    first_name: str = ""
    last_name: str = ""


def _unusable_password() -> str:
    """What ``set_unusable_password`` stores (Django's prefix and a random suffix of its length), drawn
    from the OS's CSPRNG at once instead of a character at a time: for the demo's 20,825 logins,
    Django's way took 1.4 s of a fresh ``up``."""
    suffix = secrets.token_urlsafe(UNUSABLE_PASSWORD_SUFFIX_LENGTH)[:UNUSABLE_PASSWORD_SUFFIX_LENGTH]
    return UNUSABLE_PASSWORD_PREFIX + suffix


def users_create_many(*, rows: Sequence[UserRow], actor: Actor, batch_size: int = 2000) -> list[User]:
    """Create many users at once (an office network's clerks), each checked as ``user_create`` does.

    The users get no usable password: each sets one through a password reset before signing in.
    A taken or repeated user name refuses the whole batch; nothing is written then. Whether a name is
    taken is the unique key's to say (looked up only when the insert fails): asking first for all of a
    network's names cost 1.4 s of a fresh ``up``.
    """
    # Every distinct (role, code) is checked once, and each kind's codes in one question.
    checked = role_jurisdictions_clean({(row.role, row.jurisdiction_code) for row in rows})
    users, seen = [], set()
    for row in rows:
        username = (row.username or "").strip()
        try:
            User.username_validator(username)
        except DjangoValidationError as exc:
            raise ValidationError(
                f"{username!r}: {exc.messages[0]}", fields={"username": exc.messages}
            ) from None
        if username in seen:
            message = _("This user name is taken.")
            raise ConflictError(f"{username}: {message}", fields={"username": message})
        seen.add(username)
        role, kind, code = checked[(row.role, row.jurisdiction_code)]
        user = User(
            username=username,
            role=role,
            jurisdiction_kind=kind,
            jurisdiction_code=code,
            first_name=row.first_name[:150],
            last_name=row.last_name[:150],
        )
        user.password = _unusable_password()
        users.append(user)
    try:
        with transaction.atomic():
            User.objects.bulk_create(users, batch_size=batch_size)
            if not all(user.pk for user in users):  # backends that return no ids on bulk insert
                by_name = dict(User.objects.filter(username__in=seen).values_list("username", "pk"))
                for user in users:
                    user.pk = by_name[user.username]
            audit_record_many(
                actor=actor,
                action="user.create",
                items=[AuditItem(target=user, after=_user_facts(user)) for user in users],
            )
    except IntegrityError:
        taken = User.objects.filter(username__in=seen).values_list("username", flat=True).first()
        if taken is None:
            raise
        message = _("This user name is taken.")
        raise ConflictError(f"{taken}: {message}", fields={"username": message}) from None
    return users


def user_update(
    *,
    user: User,
    actor: Actor,
    role: str = UNSET,
    jurisdiction_code: str = UNSET,
    email: str = UNSET,
    first_name: str = UNSET,
    last_name: str = UNSET,
    is_active: bool = UNSET,
    is_staff: bool = UNSET,
    is_superuser: bool = UNSET,
    reason: str = "",
) -> User:
    """Change a user's role, jurisdiction, contact details or standing; only what is passed changes.

    A new role or code is checked against the roles table like at creation. The audit entry holds
    the changed fields before and after.
    """
    given = {
        name: value
        for name, value in {
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
            "is_active": is_active,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
        }.items()
        if value is not UNSET
    }
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before_all = _user_facts(user) | {"first_name": user.first_name, "last_name": user.last_name}
        if role is not UNSET or jurisdiction_code is not UNSET:
            new_role = user.role if role is UNSET else role
            new_code = user.jurisdiction_code if jurisdiction_code is UNSET else jurisdiction_code
            given["role"], given["jurisdiction_kind"], given["jurisdiction_code"] = role_jurisdiction_clean(
                new_role, new_code
            )
        if "email" in given:
            given["email"] = User.objects.normalize_email(given["email"] or "")
        changed = {name: value for name, value in given.items() if before_all[name] != value}
        if not changed:
            return user
        for name, value in changed.items():
            setattr(user, name, value)
        user.save(update_fields=list(changed))
        audit_record(
            actor=actor,
            action="user.update",
            target=user,
            before={name: before_all[name] for name in changed},
            after=changed,
            reason=reason,
        )
    return user


def user_password_set(*, user: User, password: str, actor: Actor) -> User:
    """Give a user a new password (checked by the configured validators).

    The audit entry says that the password changed, never what it is (not even its hash).
    """
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationError(exc.messages[0], fields={"password": exc.messages}) from None
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=actor, action="user.password_set", target=user)
    return user


def apikey_create(*, holder_kind: str, holder_code: str, name: str = "", actor: Actor) -> tuple[ApiKey, str]:
    """Issue an API key for an office, an agency or a user (``holder_code`` is then the user name).

    Returns the key and its plaintext. The plaintext exists only in this return value: show it to
    the holder once; the database keeps its hash.
    """
    if holder_kind not in HolderKind.values:
        message = _("A key is held by an office, an agency or a user.")
        raise ValidationError(message, fields={"holder_kind": message})
    name = (name or "").strip()
    if len(name) > ApiKey._meta.get_field("name").max_length:
        message = _("The name is too long.")
        raise ValidationError(message, fields={"name": message})
    user = None
    if holder_kind == HolderKind.USER:
        user = User.objects.filter(username=(holder_code or "").strip()).first()
        if user is None or not user.is_active:
            message = _("No active user is called %(username)s.") % {"username": holder_code}
            raise ValidationError(message, fields={"holder_code": message})
        holder_code = ""
    else:
        holder_code = jurisdiction_code_clean(holder_kind, holder_code, field="holder_code")

    with transaction.atomic():
        for attempt in range(_PREFIX_ATTEMPTS):
            prefix, secret = key_new()
            key = ApiKey(
                prefix=prefix,
                secret_hash=secret_hash(secret),
                name=name,
                holder_kind=holder_kind,
                holder_code=holder_code,
                user=user,
                created_by=actor_user(actor),
            )
            try:
                with transaction.atomic():
                    key.save(force_insert=True)
                break
            except IntegrityError:  # a prefix already taken: 1 in 4 billion, try another
                if attempt == _PREFIX_ATTEMPTS - 1:
                    raise
        audit_record(
            actor=actor,
            action="apikey.create",
            target=key,
            after={
                "prefix": key.prefix,
                "holder_kind": key.holder_kind,
                "holder_code": key.holder_code,
                "user": user.username if user else None,
                "name": key.name,
            },
        )
    return key, key_text(prefix, secret)


def _prefixes_free(count: int) -> list[str]:
    """``count`` key prefixes, distinct and not stored yet.

    A prefix is 8 hex digits: one key rarely meets a taken one, but among the demo's 11,000 keys drawn
    at once two alike come up about once in seventy runs (the birthday bound), and a stored one about
    as often. So the batch draws until its prefixes differ, and draws again those already stored.
    """
    drawn: set[str] = set()
    while len(drawn) < count:
        drawn.update(key_new()[0] for _ in range(count - len(drawn)))
        taken = rows_matching(ApiKey, columns=["prefix"], field="prefix", values=sorted(drawn))
        drawn -= {prefix for (prefix,) in taken}
    return list(drawn)


def apikeys_create_many(
    *, holder_kind: str, holder_codes: Sequence[str], name: str = "", actor: Actor
) -> int:
    """Issue one API key to each of many offices or agencies at once (a network equipped before it
    was registered here); each code checked as ``apikey_create`` checks one. Returns how many.

    The plaintexts are not returned: nobody holds them, so these keys only record that the holders'
    systems are equipped. A holder whose system must call the API gets its own key from
    ``apikey_create``. One audit entry per key.
    """
    if holder_kind not in (HolderKind.OFFICE, HolderKind.AGENCY):
        message = _("Keys are issued in bulk to offices or agencies.")
        raise ValidationError(message, fields={"holder_kind": message})
    name = (name or "").strip()
    if len(name) > ApiKey._meta.get_field("name").max_length:
        message = _("The name is too long.")
        raise ValidationError(message, fields={"name": message})
    codes = jurisdiction_codes_clean(holder_kind, holder_codes, field="holder_codes")
    creator = actor_user(actor)
    keys = []
    for code, prefix in zip(codes, _prefixes_free(len(codes)), strict=True):
        keys.append(
            ApiKey(
                prefix=prefix,
                secret_hash=secret_hash(key_new()[1]),
                name=name,
                holder_kind=holder_kind,
                holder_code=code,
                created_by=creator,
            )
        )
    with transaction.atomic():
        # common.bulk, not bulk_create: its per-value preparation took 2.8 s of the demo's 11,000 keys.
        insert_objects(ApiKey, keys)
        stored = rows_matching(
            ApiKey, columns=["prefix", "id"], field="prefix", values=[k.prefix for k in keys]
        )
        ids = dict(stored)
        for key in keys:
            key.pk = ids[key.prefix]
            key._state.adding, key._state.db = False, connection.alias
        audit_record_many(
            actor=actor,
            action="apikey.create",
            items=[
                AuditItem(
                    target=key,
                    after={
                        "prefix": key.prefix,
                        "holder_kind": key.holder_kind,
                        "holder_code": key.holder_code,
                        "user": None,
                        "name": key.name,
                    },
                )
                for key in keys
            ],
        )
    return len(keys)


def apikey_revoke(*, key: ApiKey, actor: Actor, reason: str = "") -> ApiKey:
    """Revoke a key: from now on it authenticates nothing. Revoking twice is refused."""
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.is_revoked:
            raise ConflictError(_("This key is already revoked."))
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="apikey.revoke",
            target=key,
            before={"revoked_at": None},
            after={"revoked_at": key.revoked_at},
            reason=reason,
        )
    return key


def apikey_touch_due(*, last_used_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a key last used at ``last_used_at`` should be noted as used again at ``now``."""
    return last_used_at is None or now - last_used_at >= LAST_USED_PRECISION


def apikey_touch(*, key: ApiKey) -> None:
    """Note that a key was just used, at most once per ``LAST_USED_PRECISION``.

    Bookkeeping, not a domain event: not audited.
    """
    now = timezone.now()
    if not apikey_touch_due(last_used_at=key.last_used_at, now=now):
        return
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now


# Self-service and staff management (split by concept; imported here so callers name one module).
from pishkhan.accounts.services.identity import (  # noqa: E402
    licensee_sign_up,
    signup_mobile,
    user_identity_bind,
    user_password_change,
    user_password_reset,
)
from pishkhan.accounts.services.staff import (  # noqa: E402
    staff_active_set,
    staff_create,
    staff_may_manage,
    staff_password_reset,
    staff_queryset,
    staff_role_set,
    staff_roles_grantable,
)

__all__ = [
    "UserRow",
    "apikey_create",
    "apikey_revoke",
    "apikey_touch",
    "apikey_touch_due",
    "apikeys_create_many",
    "licensee_sign_up",
    "signup_mobile",
    "staff_active_set",
    "staff_create",
    "staff_may_manage",
    "staff_password_reset",
    "staff_queryset",
    "staff_role_set",
    "staff_roles_grantable",
    "user_create",
    "user_identity_bind",
    "user_password_change",
    "user_password_reset",
    "user_password_set",
    "user_update",
    "users_create_many",
]
