"""Authentication for the API (django-ninja): an API key, or a signed-in browser session.

Both answer with a ``Principal`` (ninja puts it in ``request.auth``; we also set
``request.principal``, which ``permissions.principal_from_request`` reads). Returning None makes
ninja try the next method and finally answer 401 with a problem body.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from pishkhan.accounts.permissions import Principal, principal_for_apikey, principal_for_user
from pishkhan.accounts.selectors import apikey_authenticate
from pishkhan.accounts.services import apikey_touch


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer pk_<prefix>_<secret>``: office systems, agency back-ends, scripts."""

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        key = apikey_authenticate(plaintext=token)
        if key is None:
            return None
        apikey_touch(key=key)
        request.principal = principal_for_apikey(key)  # type: ignore[attr-defined]
        return request.principal  # type: ignore[attr-defined]


class SessionPrincipalAuth(APIKeyCookie):
    """The browser's session cookie, with Django's CSRF check on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is nothing a forged request could ride on: skip the CSRF
        # check so a client that simply forgot its key gets 401, not a confusing CSRF 403.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = getattr(request, "user", None)
        if key is None or user is None or not user.is_authenticated or not user.is_active:
            return None
        request.principal = principal_for_user(user)  # type: ignore[attr-defined]
        return request.principal  # type: ignore[attr-defined]


api_auth = [ApiKeyAuth(), SessionPrincipalAuth()]
