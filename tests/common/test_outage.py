"""While the database is unreachable: the API answers 503 problem+json with Retry-After, pages a
friendly 503 page, the counter's lane answers the same 503 without logging a failure, and the next
request after the outage connects afresh (common/outage.py).

The outage is real: the default connection is closed and pointed at a port where nothing listens
(PostgreSQL), or its server process is terminated under it. SQLite has no server to lose: there the
classification is tested on a file that cannot be opened.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import sqlite3

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SqliteWrapper
from django.db.utils import DatabaseErrorWrapper

from pishkhan.common.outage import RETRY_AFTER_SECONDS, database_unreachable
from pishkhan.transactions.lane import PATH, counter_lane

# Shaped like a key (accounts.keys), so that looking it up asks the database.
SOME_KEY = "pk_0123abcd_" + "ab" * 32
PROBLEM = "application/problem+json"

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a database server to lose is PostgreSQL's"
)


def _closed_port() -> int:
    """A loopback port where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down(transactional_db):
    """The default database unreachable: its connection closed and its address a closed port."""
    connection.close()
    saved = dict(connection.settings_dict)
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


def _environ(method: str, path: str, body: bytes = b"", **headers: str) -> dict:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE",) else f"HTTP_{key}"] = value
    return environ


def _call(application, environ: dict) -> tuple[int, dict[str, str], bytes]:
    """A request served as a WSGI server serves it: Django's request signals included (the test
    client leaves connections alone; a server closes the broken ones at the end of a request)."""
    answered: dict[str, object] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info=None) -> None:
        answered["status"], answered["headers"] = int(status.split()[0]), dict(headers)

    result = application(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return answered["status"], answered["headers"], body  # type: ignore[return-value]


def _is_outage_problem(status: int, headers: dict[str, str], body: bytes) -> None:
    assert status == 503
    assert headers["Content-Type"] == PROBLEM
    assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    problem = json.loads(body)
    assert problem["status"] == 503
    assert problem["type"] == "urn:pishkhan:problem:database-unavailable"


# --- Which errors are an outage ------------------------------------------------------------------


def _django_error(raising, backend=PostgresWrapper) -> Exception:
    """What Django raises for ``raising``'s driver error (wrapped, the driver's as its cause)."""
    wrapper = backend({"ENGINE": "probe"}, alias="probe")
    try:
        with DatabaseErrorWrapper(wrapper):
            raising()
    except Exception as exc:
        return exc
    raise AssertionError("nothing raised")


def test_a_refused_connection_is_an_outage_and_a_query_error_is_not(tmp_path):
    def refused():
        psycopg.connect(host="127.0.0.1", port=_closed_port(), user="nobody", connect_timeout=2)

    assert database_unreachable(_django_error(refused))

    def cannot_open():
        sqlite3.connect(tmp_path / "no-such-directory" / "db.sqlite3")

    assert database_unreachable(_django_error(cannot_open, SqliteWrapper))

    def locked():
        raise sqlite3.OperationalError("database is locked")

    assert not database_unreachable(_django_error(locked, SqliteWrapper))

    def timed_out():
        raise psycopg.errors.QueryCanceled("canceling statement due to statement timeout")

    assert not database_unreachable(_django_error(timed_out))
    shutting_down = psycopg.errors.AdminShutdown("terminating connection due to administrator command")
    assert database_unreachable(_django_error(lambda: (_ for _ in ()).throw(shutting_down)))
    assert database_unreachable(InterfaceError("connection already closed"))
    assert not database_unreachable(OperationalError("no cause"))
    assert not database_unreachable(ValueError("not the database"))


# --- Answers during an outage (PostgreSQL) -------------------------------------------------------


@postgresql_only
def test_the_api_answers_503_problem_with_retry_after(database_down, client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/api/v1/offices", HTTP_AUTHORIZATION=f"Bearer {SOME_KEY}")
    _is_outage_problem(response.status_code, dict(response.headers), response.content)
    assert "no-store" in response["Cache-Control"]
    # Logged once, as what it is, not as a failure of the request (django.request's error line).
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


@postgresql_only
def test_a_page_answers_the_friendly_503_page(database_down, client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/")
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'dir="rtl"' in page
    assert 'lang="fa"' in page
    assert "به‌زودی برمی‌گردیم" in page  # "Back in a moment", in Persian
    # The policy allows no inline script or style: the page has none.
    assert "<script" not in page
    assert "<style" not in page
    assert "style=" not in page


@postgresql_only
def test_the_counter_lane_answers_503_without_logging_a_failure(database_down, caplog):
    def django(environ, start_response):
        raise AssertionError("the lane answers an outage itself")

    body = json.dumps({"service": "x.y", "office_reference": "R-1"}).encode()
    environ = _environ(
        "POST",
        PATH,
        body,
        authorization=f"Bearer {SOME_KEY}",
        content_type="application/json",
        idempotency_key="k-1",
    )
    with caplog.at_level(logging.INFO):
        status, headers, answer = _call(counter_lane(django), environ)
    _is_outage_problem(status, headers, answer)
    assert "Content-Security-Policy" in headers
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


@postgresql_only
def test_a_broken_connection_is_dropped_and_the_next_request_reconnects(transactional_db):
    application = WSGIHandler()
    request = _environ("GET", "/api/v1/offices", authorization=f"Bearer {SOME_KEY}")
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])
    # The request on the connection the server terminated: 503, and the connection is dropped.
    _is_outage_problem(*_call(application, dict(request, **{"wsgi.input": io.BytesIO()})))
    assert connection.connection is None
    # The next one connects afresh and is answered as usual (the key is unknown: 401).
    status, _headers, _ = _call(application, dict(request, **{"wsgi.input": io.BytesIO()}))
    assert status == 401
    assert connection.connection.info.backend_pid != backend
