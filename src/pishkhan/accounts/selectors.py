"""Reading accounts: users, API keys, and finding the key a request presents."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Q, QuerySet

from pishkhan.accounts.identity import national_id_key
from pishkhan.accounts.keys import key_split, secret_matches
from pishkhan.accounts.models import ApiKey, HolderKind, User
from pishkhan.common.identifiers import national_id_is_valid
from pishkhan.common.persian import to_latin_digits
from pishkhan.common.sealing import UnsealError, unseal


def user_get(*, pk: int) -> User | None:
    """The user with this id, or None."""
    return User.objects.filter(pk=pk).first()


def user_get_by_username(*, username: str) -> User | None:
    """The user with this user name, or None."""
    return User.objects.filter(username=username).first()


def user_for_login(*, identifier: str) -> User | None:
    """The active account a forgotten-password request names: by user name, or by the verified
    national ID it is bound to; None when none is."""
    identifier = to_latin_digits((identifier or "").strip())
    if not identifier:
        return None
    found = User.objects.filter(username=identifier, is_active=True).first()
    if found is None and national_id_is_valid(identifier):
        found = User.objects.filter(national_id_key=national_id_key(identifier), is_active=True).first()
    return found


def user_mobile(*, user: User) -> str:
    """The account's mobile, unsealed, that reset codes go to; "" when it has none (or cannot be read)."""
    if not user.mobile_sealed:
        return ""
    try:
        return unseal(user.mobile_sealed)
    except UnsealError:
        return ""


def user_national_id(*, user: User) -> str:
    """The account's verified national ID, unsealed (to apply under it); "" when it has none."""
    if not user.national_id_sealed:
        return ""
    try:
        return unseal(user.national_id_sealed)
    except UnsealError:
        return ""


def staff_list(*, rows: QuerySet[User], search: str = "", role: str = "") -> QuerySet[User]:
    """Managed accounts (``services.staff_queryset``) by user name, narrowed by a search of user name
    or name and by role."""
    search = (search or "").strip()
    if search:
        rows = rows.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
        )
    if role:
        rows = rows.filter(role=role)
    return rows.order_by("username", "pk")


def apikey_get(*, prefix: str) -> ApiKey | None:
    """The key with this prefix (revoked or not), or None."""
    return ApiKey.objects.select_related("user").filter(prefix=prefix.strip().lower()).first()


def apikey_list() -> QuerySet[ApiKey]:
    """Every key, newest first, with its user and creator."""
    return ApiKey.objects.select_related("user", "created_by").order_by("-created_at", "-id")


def apikey_list_for_user(*, user: User) -> QuerySet[ApiKey]:
    """The personal keys of one user (``keys_create --user``), newest first."""
    return ApiKey.objects.filter(user=user).order_by("-created_at", "-id")


def apikey_authenticate(*, plaintext: str) -> ApiKey | None:
    """The live key whose plaintext this is, or None (unknown, wrong secret, revoked, user inactive)."""
    parts = key_split(plaintext)
    if parts is None:
        return None
    prefix, secret = parts
    key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    if key is None or not secret_matches(secret, key.secret_hash) or key.is_revoked:
        return None
    if key.holder_kind == HolderKind.USER and not key.user.is_active:
        return None
    return key


def apikey_exists_for_office(*, office_code: str) -> bool:
    """Whether the office's system holds a live (unrevoked) API key: it is equipped to connect."""
    return ApiKey.objects.filter(
        holder_kind=HolderKind.OFFICE, holder_code=office_code, revoked_at__isnull=True
    ).exists()


class OfficeKeySql(NamedTuple):
    """An office's API key as the counter's hot path reads it in its own SQL (``transactions.selectors``):
    each piece names the key's row by the alias given to :func:`office_key_sql`."""

    table: str  # the table with its alias, for a FROM
    columns: str  # id, secret hash, revoked at
    by_prefix: str  # the office's key with this prefix (params: office_key_by_prefix_params)
    live: str  # this key, this secret, not revoked, the office's (params: office_key_live_params)
    last_used_at: str


@functools.cache
def office_key_sql(*, key: str, holder_code: str) -> OfficeKeySql:
    """The pieces of SQL by which the counter's hot path reads an office's key (alias ``key``) beside
    its office, whose code is the SQL expression ``holder_code``; the keys' table and columns stay
    named here."""
    meta = ApiKey._meta
    names = ("id", "prefix", "secret_hash", "revoked_at", "holder_kind", "holder_code", "last_used_at")
    column = {name: f"{key}.{meta.get_field(name).column}" for name in names}
    held = f"{column['holder_kind']} = %s AND {column['holder_code']} = {holder_code}"
    return OfficeKeySql(
        table=f"{connection.ops.quote_name(meta.db_table)} {key}",
        columns=f"{column['id']}, {column['secret_hash']}, {column['revoked_at']}",
        by_prefix=f"{column['prefix']} = %s AND {held}",
        live=f"{column['id']} = %s AND {column['secret_hash']} = %s "
        f"AND {column['revoked_at']} IS NULL AND {held}",
        last_used_at=column["last_used_at"],
    )


def office_key_by_prefix_params(*, prefix: str) -> list[Any]:
    """The parameters of ``office_key_sql(...).by_prefix``."""
    return [prefix, HolderKind.OFFICE]


def office_key_live_params(*, key_id: int, secret_hash: str) -> list[Any]:
    """The parameters of ``office_key_sql(...).live``: the key read before, its secret's hash as
    presented now."""
    return [key_id, secret_hash, HolderKind.OFFICE]
