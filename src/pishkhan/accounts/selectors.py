"""Reading accounts: users, API keys, and finding the key a request presents."""

from __future__ import annotations

from django.db.models import QuerySet

from pishkhan.accounts.keys import key_split, secret_matches
from pishkhan.accounts.models import ApiKey, HolderKind, User


def user_get_by_username(*, username: str) -> User | None:
    """The user with this user name, or None."""
    return User.objects.filter(username=username).first()


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
