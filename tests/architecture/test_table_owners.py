"""One owner per table: a domain writes only its own tables; what it needs written in another's, it asks
of that domain's services.

The counter's paths are run with every statement watched (``connection.execute_wrapper``, which
``common.prepared`` and ``common.bulk`` honour for the statements they run past Django's cursors):
each INSERT, UPDATE, DELETE or COPY is charged to the innermost module of ``pishkhan`` on the stack
(``common`` is the shared floor, not a domain) and must touch only that domain's tables. The one
composition allowed: a statement of the counter's single write holds the gateway's own INSERT
(``gateway.services.submission_insert_sql``), exactly as the gateway wrote it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core import signals
from django.db import close_old_connections, connection
from django.utils import timezone

from pishkhan.common.jobs import run_once
from pishkhan.config.wsgi import application
from pishkhan.gateway.services import submission_insert_sql
from pishkhan.transactions.services import HistoryRow, transactions_history_import
from tests.transactions.conftest import counter  # noqa: F401 (the counter's fixture)
from tests.transactions.factories import CITIZEN, MOBILE, posted_body

_WRITE = re.compile(r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+"?(\w+)"?', re.IGNORECASE)
_FLOOR = {"common"}  # shared by every domain; charges its statements to its caller


def _owners() -> dict[str, str]:
    """Each table of ours, by name, with the app that owns it."""
    return {
        model._meta.db_table: model._meta.app_label
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("pishkhan.")
    }


def _exported() -> dict[str, set[str]]:
    """The fragments of SQL by which an owner lets another domain's statement write its table."""
    return {
        "gateway_outboundrequest": {submission_insert_sql(), submission_insert_sql(rows_from="guard")},
    }


def _caller() -> str:
    """The domain whose module, innermost on the stack, issued the statement ("" if none did)."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name.startswith("pishkhan."):
            domain = name.split(".")[1]
            if domain not in _FLOOR:
                return domain
        frame = frame.f_back
    return ""


@contextmanager
def _writes_watched() -> Iterator[list[tuple[str, str]]]:
    """Every write statement run inside, with the domain that issued it."""
    writes: list[tuple[str, str]] = []

    def watch(execute, sql, params, many, context):
        if _WRITE.search(sql):
            writes.append((sql, _caller()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield writes


def _violations(writes: list[tuple[str, str]]) -> list[str]:
    """Each write of a domain into a table of another, unless the owner's own fragment wrote it."""
    owners, exported = _owners(), _exported()
    found = []
    for sql, caller in writes:
        for table in _WRITE.findall(sql):
            owner = owners.get(table)
            if owner is None or owner == caller:
                continue  # not a table of ours (Django's cache table), or the owner's own write
            if any(fragment in sql for fragment in exported.get(table, ())):
                continue
            found.append(f"{caller or '?'} wrote {table} (of {owner}): {sql[:160]}")
    return found


def _lane_post(key: str, body: dict, idempotency: str) -> int:
    """A POST through the server's WSGI application (the counter's fast lane in front of Django)."""
    data = json.dumps(body).encode()
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/transactions", "SCRIPT_NAME": "",
        "QUERY_STRING": "", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "testserver", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data), "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(data)),
        "HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_IDEMPOTENCY_KEY": idempotency,
    }  # fmt: skip
    started = []
    # As Django's test client does: the request signals must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        b"".join(application(environ, lambda status, headers: started.append(status)))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return int(started[0].split()[0])


def _api(client, path: str, key: str, body: dict, idempotency: str = "") -> int:
    headers = {"Authorization": f"Bearer {key}"}
    if idempotency:
        headers["Idempotency-Key"] = idempotency
    return client.post(
        path, data=json.dumps(body), content_type="application/json", headers=headers
    ).status_code


@pytest.mark.django_db
def test_the_counters_paths_write_only_their_own_domains_tables(client, counter, settings, tmp_path):  # noqa: F811
    settings.PISHKHAN_SMS_BACKEND = "log"
    settings.PISHKHAN_DATA_DIR = tmp_path
    key = counter["office_key"]
    finished = timezone.now() - dt.timedelta(days=2)
    history = HistoryRow(
        office=counter["other"], service="tamin.pension-statement", national_id=CITIZEN, mobile=MOBILE,
        fee_charged=650_000, office_reference="H-1", state="completed",
        recorded_at=finished - dt.timedelta(hours=1), submitted_at=finished - dt.timedelta(minutes=30),
        finished_at=finished,
    )  # fmt: skip

    with _writes_watched() as writes:
        # the lane (its first request reads the key, its second writes through the guard)
        assert _lane_post(key, posted_body(office_reference="L-1"), "lane-1") == 201
        assert _lane_post(key, posted_body(office_reference="L-2"), "lane-2") == 201
        # the single POST through Django's API, a batch, a heartbeat
        assert _api(client, "/api/v1/transactions", key, posted_body(office_reference="D-1"), "api-1") == 201
        items = [posted_body(office_reference=f"B-{n}") for n in range(3)]
        assert _api(client, "/api/v1/transactions/batch", key, {"items": items}) == 200
        beat = {"terminal_id": "T-1", "software_version": "1.0"}
        assert _api(client, "/api/v1/heartbeats", key, beat) == 201
        # the history import, and the worker's round: delivery to the agency, its events, the SMS
        transactions_history_import(rows=[history], actor=None)
        run_once()
        run_once()

    tables = {table for sql, _caller in writes for table in _WRITE.findall(sql)}
    assert {"transactions_countertransaction", "gateway_outboundrequest", "gateway_deliveryattempt"} <= tables
    composed = [
        sql for sql, caller in writes if caller == "transactions" and "gateway_outboundrequest" in sql
    ]
    assert composed, "the counter's single write was not seen"
    assert _violations(writes) == []


def test_a_domain_writing_another_domains_table_is_caught():
    # given the gateway's table written by transactions with an INSERT of its own, and with the
    # gateway's exported one inside a statement of its own
    own = 'INSERT INTO "gateway_outboundrequest" ("agency_id") VALUES (%s)'
    composed = f"WITH ob AS ({submission_insert_sql()}) SELECT 1"

    # then the first is a violation and the second is not
    assert len(_violations([(own, "transactions")])) == 1
    assert _violations([(composed, "transactions")]) == []
    assert _violations([(own, "gateway")]) == []
