"""Authentication for the API (django-ninja): an API key, or a signed-in browser session.

Both answer with a ``Principal`` (ninja puts it in ``request.auth``; we also set
``request.principal``, which ``permissions.principal_from_request`` reads). Returning None makes
ninja try the next method and finally answer 401 with a problem body.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer

from pishkhan.accounts.permissions import Principal, principal_for_apikey, principal_for_user
from pishkhan.accounts.selectors import apikey_authenticate
from pishkhan.accounts.services import apikey_touch
from pishkhan.accounts.throttle import apikey_throttle, client_address
from pishkhan.common.errors import ThrottledError

# Addresses this server process has seen go over the failed-key limit, and until when: a key sent from
# one is refused without reading anything (the count itself is read only when a key fails).
BLOCKED_MAX = 10_000
_blocked: dict[str, float] = {}


@receiver(setting_changed)
def _limits_changed(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("PISHKHAN_APIKEY_ADDRESS_"):
        _blocked.clear()


def _refuse_throttled(address: str, wait: int) -> None:
    raise ThrottledError(
        _("Too many requests with a wrong API key from this address; try again in %(seconds)d seconds.")
        % {"seconds": wait},
        retry_after=wait,
    )


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer pk_<prefix>_<secret>``: office systems, agency back-ends, scripts.

    Failed keys are counted per client address (``accounts.throttle``); past the limit, the address
    gets 429 with Retry-After, even for a right key, until its window ends.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        address = client_address(request)
        until = _blocked.get(address)
        if until is not None:
            if until > time.time():
                _refuse_throttled(address, int(until - time.time()) + 1)
            _blocked.pop(address, None)
        key = apikey_authenticate(plaintext=token)
        if key is None:
            throttle = apikey_throttle()
            throttle.failed(address)
            wait = throttle.retry_after(address)
            if wait:
                if len(_blocked) < BLOCKED_MAX:
                    _blocked[address] = time.time() + wait
                _refuse_throttled(address, wait)
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
