"""While the database is unreachable: ``503 Service Unavailable`` with ``Retry-After``, not 500.

A PostgreSQL restart, a failover or a network cut makes every query fail for a few seconds. That is
not a bug of the request: the API answers ``503`` ``application/problem+json`` with ``Retry-After``
(offices' systems retry on it, with the same ``Idempotency-Key``, so a post that was committed before
its answer was lost is recognised), and pages answer a friendly 503 page (``web.views``).

Only connection-level failures count (:func:`database_unreachable`): a query's own error (a lock
timeout, a serialisation failure, a constraint) stays what it is. Django drops the broken
connection at the end of the request (``close_if_unusable_or_obsolete``: an error occurred and the
connection no longer answers), so the next request connects afresh — the server and the worker
need no restart when the database is back (docs/operations.md, "Database outages").

Where the answer is made: ``web.middleware.DatabaseOutageMiddleware`` (an exception of a view),
``web.views.server_error`` (one raised by a middleware), the API's exception handlers
(``api.problems``) and the counter's fast lane (``transactions.lane``), all from here.
"""

from __future__ import annotations

import json

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse

# How long a client is asked to wait: a PostgreSQL restart takes a few seconds.
RETRY_AFTER_SECONDS = 5
PROBLEM_CONTENT_TYPE = "application/problem+json"

# PostgreSQL's connection exceptions (class 08), and the server shutting down or starting up
# (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
_SHUTTING_DOWN = frozenset({"57P01", "57P02", "57P03"})
_SQLITE_CANTOPEN = 14

OUTAGE_PROBLEM = {
    "type": "urn:pishkhan:problem:database-unavailable",
    "title": "Service temporarily unavailable",
    "status": 503,
    "detail": (
        f"The database cannot be reached for a moment. Try again after {RETRY_AFTER_SECONDS} seconds "
        "with the same Idempotency-Key: what was recorded before is recognised, not recorded twice."
    ),
    "errors": {},
}
OUTAGE_BODY = json.dumps(OUTAGE_PROBLEM, ensure_ascii=False).encode()


def database_unreachable(exc: BaseException | None) -> bool:
    """Whether ``exc`` is the database being unreachable (its connection refused, cut or shutting down),
    rather than an error of the statement itself."""
    if isinstance(exc, InterfaceError):
        return True  # the connection object is closed or broken
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlite_code = getattr(cause, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF == _SQLITE_CANTOPEN
    if not hasattr(cause, "sqlstate"):
        return False
    state = cause.sqlstate  # psycopg: None when the client lost or never had the connection
    return state is None or state.startswith("08") or state in _SHUTTING_DOWN


def outage_headers() -> dict[str, str]:
    """The headers every outage answer carries besides its content type."""
    return {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}


def outage_problem() -> HttpResponse:
    """The API's answer while the database is unreachable: a 503 problem with ``Retry-After``."""
    response = HttpResponse(OUTAGE_BODY, status=503, content_type=PROBLEM_CONTENT_TYPE)
    return outage_mark(response)


def outage_mark(response: HttpResponse) -> HttpResponse:
    """``response`` with the outage's headers, and marked as logged: Django logs every 5xx answer as
    an error (``django.request``), and an outage is the database's, logged once where it is seen."""
    for name, value in outage_headers().items():
        response[name] = value
    response._has_been_logged = True  # type: ignore[attr-defined] (django.utils.log.log_response)
    return response
