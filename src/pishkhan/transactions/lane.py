"""The counter's fast lane: ``POST /api/v1/transactions`` from an office's key, served beside Django.

Every office system of the country posts here, so this one request is what the platform's capacity
is measured by (issue 4: at least half the rate of a bare INSERT endpoint). Django's request cycle
(the middleware stack, URL resolution, ninja's operation, three queries to authenticate the key and
read the office and its licence) costs several times the work itself; the lane does only the work:

1. the key's office, read once per server process (``selectors.counter_caller``, with the same
   checks as authentication, the permission ``transactions.record``, the registry and licensing;
   see ``_callers``);
2. the body parsed by the API's own schema and fingerprinted the same way, and
   ``services.transaction_check``;
3. the API's own write (``services.transaction_record_checked``), guarded: on PostgreSQL one
   statement that re-checks the key, the office and its licence (``selectors.counter_guard``) and
   writes only if they still hold.

It answers only what it is sure of: a new transaction (201). Anything else — a retry (replayed by
the API), no bearer key, another kind of key, a refusal of any kind, a host not allowed, a body
larger than a transaction — goes on to Django untouched, whose API answers it as always, with its
problem bodies. So the lane never has an error answer of its own to keep in step with the API's.

Installed by ``config.wsgi`` around Django's WSGI application. The database connection is Django's
own, and the lane ends each request as Django's ``request_finished`` signal ends it for that connection
(``_finished``), so persistent connections are kept, aged and closed as for any request.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any, cast

import pydantic
from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import DEFAULT_DB_ALIAS, connections
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from pishkhan.accounts.keys import key_split, secret_hash, secret_matches
from pishkhan.accounts.models import ApiKey, HolderKind
from pishkhan.accounts.permissions import has_perm, principal_for_apikey
from pishkhan.accounts.services import apikey_touch, apikey_touch_due
from pishkhan.catalogue.lookups import lookups_shared
from pishkhan.common.calendar import to_tehran
from pishkhan.common.errors import ApplicationError
from pishkhan.common.headers import no_store_apply, policy_apply
from pishkhan.common.languages import api_language
from pishkhan.common.outage import OUTAGE_BODY, PROBLEM_CONTENT_TYPE, database_unreachable, outage_headers
from pishkhan.licensing.selectors import licence_permits
from pishkhan.offices.states import OfficeStatus
from pishkhan.transactions import services
from pishkhan.transactions.api import posted_fingerprint
from pishkhan.transactions.schemas import TransactionRecordIn
from pishkhan.transactions.selectors import CounterCaller, counter_caller, counter_guard

logger = logging.getLogger(__name__)

PATH = "/api/v1/transactions"
# A transaction's body is well under a kilobyte; anything larger is left to Django's limits.
BODY_MAX = 16 * 1024
# As django-ninja's JSON renderer answers.
CONTENT_TYPE = "application/json; charset=utf-8"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def counter_lane(application: WSGIApp) -> WSGIApp:
    """``application`` (Django's WSGI handler) with the counter's fast lane in front of it."""

    def lane(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != PATH:
            return application(environ, start_response)
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        length = environ.get("CONTENT_LENGTH") or ""
        if not authorization.startswith("Bearer ") or not length.isdigit() or int(length) > BODY_MAX:
            return application(environ, start_response)
        content_type = environ.get("CONTENT_TYPE", "")
        if content_type != "application/json" and not content_type.lower().startswith("application/json;"):
            return application(environ, start_response)  # Django's API refuses it (415)
        body = environ["wsgi.input"].read(int(length))
        try:
            answered = _record(environ, authorization[7:], body)
        except Exception as exc:
            if database_unreachable(exc):
                # The database is unreachable (restarting, say): the API's 503 with Retry-After
                # (common.outage), not a failure of the lane's. The office's system retries with the
                # same key, and a transaction committed before the connection broke is found by it.
                start_response("503 Service Unavailable", _outage_headers(environ))
                return [OUTAGE_BODY]
            # Unforeseen: Django's path answers, with its problem body. Safe to try again there: a
            # transaction written before the failure is found by its key.
            logger.exception("The counter's fast lane failed; answering through Django")
            answered = None
        finally:
            _finished()
        if answered is None:
            # The long way, with the body as it came.
            environ["wsgi.input"] = io.BytesIO(body)
            return application(environ, start_response)
        secure, language, content = answered
        headers = [
            *_headers(secure),
            ("Content-Length", str(len(content))),
            ("Content-Language", language),
        ]
        start_response("201 Created", headers)
        return [content]

    return lane


# Of ``request_finished``'s receivers, what concerns the lane: Django's ``close_old_connections``. Its
# others close caches and reset the URLconf, neither of which the lane touches; sending the signal
# cost a twentieth of a request (tests/transactions/test_lane.py holds the list of its receivers).
def _finished() -> None:
    """End a request as Django ends it for the lane's one connection: dropped if it broke or aged out.

    (Django's start signal only repeats that check, and resets the query log kept in DEBUG.) A
    connection inside an atomic block is someone's transaction, a test's: left alone, as Django's test
    client leaves it.
    """
    db = connections[DEFAULT_DB_ALIAS]
    if not db.in_atomic_block:
        db.close_if_unusable_or_obsolete()


# Each server process remembers the office keys it has served: the key's office (its id and code never
# change) and the office's kind as last read. What may change since (the key revoked, the office
# closed or converted, the licence suspended) every write re-checks in its own statement
# (``selectors.counter_guard``); when it finds a change, the key is forgotten and Django answers.
CALLERS_MAX = 100_000
_callers: dict[str, CounterCaller] = {}


def _caller(prefix: str, secret: str, on: dt.date) -> CounterCaller | None:
    caller = _callers.get(prefix)
    if caller is not None:
        return caller
    caller = counter_caller(prefix=prefix)
    if caller is None or caller.revoked or not secret_matches(secret, caller.secret_hash):
        return None
    office = caller.office
    # The key's principal as the API's authentication makes it, asked as the API asks it
    # (``api._office_of``): an office key's role may lose the permission one day.
    principal = principal_for_apikey(
        ApiKey(pk=caller.key_id, prefix=prefix, holder_kind=HolderKind.OFFICE, holder_code=office.code)
    )
    permitted = (
        has_perm(principal, "transactions.record", office=office.code)
        and office.status == OfficeStatus.ACTIVE
        and licence_permits(
            office_kind=office.kind,
            status=caller.licence_status,
            expires_on=caller.licence_expires_on,
            suspended_until=caller.licence_suspended_until,
            on=on,
        )
    )
    if not permitted:
        return None
    if len(_callers) < CALLERS_MAX:
        _callers[prefix] = caller
    return caller


@functools.cache
def _headers(secure: bool) -> tuple[tuple[str, str], ...]:
    """The headers of a 201 answer as Django's middleware makes them (security, framing, language's
    Vary), worked out once per process by running those middlewares on a sample answer.

    The lane runs no other middleware: tests/transactions/test_lane.py holds every entry of
    ``settings.MIDDLEWARE`` with what the lane does about it, and fails on a new one.
    """

    class Sample(HttpRequest):
        def is_secure(self) -> bool:
            return secure

    request, response = Sample(), HttpResponse(status=201, content_type=CONTENT_TYPE)
    SecurityMiddleware(lambda request: response).process_response(request, response)
    XFrameOptionsMiddleware(lambda request: response).process_response(request, response)
    policy_apply(response)
    no_store_apply(response)  # an API answer: the headers module's rule, a constant here
    patch_vary_headers(response, ("Accept-Language",))
    return tuple(response.items())


def _outage_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The headers of the lane's 503 while the database is unreachable: those of its 201 (security,
    policy, no-store), the problem's type, its length and ``Retry-After``."""
    try:
        secure = _origin(environ)[1]
    except Exception:
        secure = False
    headers = {name: value for name, value in _headers(secure) if name != "Content-Type"}
    headers.update(outage_headers())
    headers["Content-Type"] = PROBLEM_CONTENT_TYPE
    headers["Content-Length"] = str(len(OUTAGE_BODY))
    return list(headers.items())


# What decides a request's host and scheme (Django's ``get_host`` and ``is_secure``) besides settings.
_ORIGIN_KEYS = (
    "HTTP_HOST", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT", "SERVER_NAME", "SERVER_PORT",
    "wsgi.url_scheme",
)  # fmt: skip
ORIGINS_MAX = 256
_origins: dict[tuple[Any, ...], tuple[bool, bool]] = {}


def _origin(environ: dict[str, Any]) -> tuple[bool, bool]:
    """(the host is allowed, the request came over HTTPS), as Django decides them; each server process
    works them out once per distinct host and scheme (a few in practice; unknown hosts are not kept
    beyond ``ORIGINS_MAX``)."""
    proxy = settings.SECURE_PROXY_SSL_HEADER
    key = (*(environ.get(name) for name in _ORIGIN_KEYS), environ.get(proxy[0]) if proxy else None)
    found = _origins.get(key)
    if found is None:
        request = WSGIRequest(environ)
        try:
            request.get_host()  # ALLOWED_HOSTS, as Django checks it
            allowed = True
        except DisallowedHost:
            allowed = False
        found = (allowed, request.is_secure())
        if len(_origins) < ORIGINS_MAX:
            _origins[key] = found
    return found


@receiver(signals.setting_changed)
def _settings_changed(**kwargs: Any) -> None:
    _origins.clear()
    _headers.cache_clear()


def _record(environ: dict[str, Any], token: str, body: bytes) -> tuple[bool, str, bytes] | None:
    """A new transaction the lane recorded: (over HTTPS, the answer's language, the answer's JSON);
    else None (Django answers)."""
    allowed, secure = _origin(environ)
    if not allowed or (settings.SECURE_SSL_REDIRECT and not secure):
        return None
    parts = key_split(token)
    if parts is None:
        return None
    prefix, secret = parts
    now = timezone.now()
    # Today in Tehran, as the tariff's day is taken (``to_tehran``; nothing in Pishkhan activates another
    # zone), without looking up the active one.
    today = to_tehran(now).date()
    caller = _caller(prefix, secret, today)
    if caller is None:
        return None
    try:
        payload = TransactionRecordIn.model_validate_json(body)
    except pydantic.ValidationError:
        return None
    language = api_language(environ.get("HTTP_ACCEPT_LANGUAGE", ""))
    guard = services.Guard(*counter_guard(caller=caller, secret_hash=secret_hash(secret), on=today))
    # No language is activated: a refusal's message is never shown from here (Django answers it).
    try:
        key = services.idempotency_key_clean(environ.get("HTTP_IDEMPOTENCY_KEY", ""))
        posted = cast(services.Posted, payload.model_dump())
        checked = services.transaction_check(caller.office, posted, now, lookups_shared())
        recorded = services.transaction_record_checked(
            office=caller.office,
            checked=checked,
            key=key,
            fingerprint=posted_fingerprint(payload),
            now=now,
            guard=guard,
        )
    except services.GuardRefused:
        _callers.pop(prefix, None)
        return None
    except ApplicationError:
        return None
    if not recorded.created:
        return None  # a retry: Django's API replays the first answer, in its own rendering
    if recorded.guarded:
        last_used_at = recorded.guarded[0]
        if last_used_at is not None and timezone.is_naive(last_used_at):
            last_used_at = last_used_at.replace(tzinfo=dt.UTC)  # SQLite keeps UTC without its zone
        if apikey_touch_due(last_used_at=last_used_at, now=now):  # checked first: no model instance
            apikey_touch(key=ApiKey(pk=caller.key_id, last_used_at=last_used_at))
    # The answer's JSON as the API sends it (``services.transaction_answer``): the same bytes.
    return secure, language, json.dumps(recorded.answer).encode()
