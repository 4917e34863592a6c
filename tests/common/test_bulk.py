"""The bulk path: datetimes adapted as the ORM adapts them, keys reserved before a bulk write, and
"which of these keys are stored" in one statement. On the gateway's outbox rows (any table would do)."""

from __future__ import annotations

import datetime as dt
import warnings
import zoneinfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pishkhan.common import prepared
from pishkhan.common.bulk import IN_BATCH, ids_reserve, insert_dicts, insert_ready, rows_matching, rows_ready
from pishkhan.gateway.models import OutboundRequest
from tests.offices.factories import make_agency

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


def _row(agency, key: str, **values) -> dict:
    return {
        "agency_id": agency.pk,
        "idempotency_key": key,
        "payload_sealed": "",
        "state": "pending",
        "attempts": 0,
        "next_attempt_at": timezone.now(),
        "last_error": "",
        "delivered_at": None,
        "created_at": timezone.now(),
    } | values


@pytest.mark.django_db
def test_datetimes_written_in_bulk_read_back_as_the_orm_writes_them():
    agency = make_agency()
    utc = dt.datetime(2026, 3, 20, 20, 30, 15, 123456, tzinfo=dt.UTC)
    tehran = utc.astimezone(TEHRAN)  # the same instant, another zone
    naive = dt.datetime(2026, 3, 21, 9, 0)  # noqa: DTZ001 (on purpose: the default zone is assumed)
    cases = {"utc": (utc, None), "tehran": (tehran, tehran), "naive": (naive, utc)}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the naive datetime: the ORM warns too
        insert_dicts(
            OutboundRequest,
            [
                _row(agency, f"bulk-{name}", next_attempt_at=at, delivered_at=delivered)
                for name, (at, delivered) in cases.items()
            ],
        )
        for name, (at, delivered) in cases.items():
            OutboundRequest.objects.create(
                agency=agency, idempotency_key=f"orm-{name}", next_attempt_at=at, delivered_at=delivered
            )

    stored = {r.idempotency_key: (r.next_attempt_at, r.delivered_at) for r in OutboundRequest.objects.all()}
    assert stored["bulk-utc"] == (utc, None)
    assert stored["bulk-tehran"] == (utc, utc)
    assert stored["bulk-naive"] == (timezone.make_aware(naive), utc)
    for name in cases:
        assert stored[f"bulk-{name}"] == stored[f"orm-{name}"]


@pytest.mark.django_db
def test_reserved_keys_are_written_and_never_given_again():
    agency = make_agency()
    with transaction.atomic():
        ids = ids_reserve(OutboundRequest, 3)
        insert_dicts(OutboundRequest, [{"id": pk, **_row(agency, f"r-{pk}")} for pk in ids])

    assert len(set(ids)) == 3
    assert set(OutboundRequest.objects.values_list("id", flat=True)) == set(ids)
    later = OutboundRequest.objects.create(
        agency=agency, idempotency_key="later", next_attempt_at=timezone.now()
    )
    assert later.pk > max(ids)
    with transaction.atomic():
        again = ids_reserve(OutboundRequest, 2)
    assert min(again) > later.pk
    assert ids_reserve(OutboundRequest, 0) == []


@pytest.mark.django_db(transaction=True)  # no test-wide transaction: the call is outside any
def test_sqlite_reserves_keys_only_inside_the_writing_transaction():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's sequence gives keys in any transaction")
    with pytest.raises(RuntimeError):
        ids_reserve(OutboundRequest, 1)


@pytest.mark.django_db
def test_rows_matching_reads_thousands_of_keys_in_one_statement_and_only_those():
    agency, other = make_agency(), make_agency("sabt", "Registration Organization")
    stored = [f"k-{n}" for n in range(0, 2 * IN_BATCH, 2)]  # every other key of the ones asked
    insert_dicts(OutboundRequest, [_row(agency, key) for key in stored] + [_row(other, "k-1")])
    asked = [f"k-{n}" for n in range(2 * IN_BATCH)]

    with CaptureQueriesContext(connection) as queries:
        found = rows_matching(
            OutboundRequest,
            columns=["idempotency_key", "agency_id"],
            field="idempotency_key",
            values=asked,
            where={"agency_id": agency.pk},
        )

    assert len(queries) == 1
    assert sorted(found) == sorted((key, agency.pk) for key in stored)  # not k-1: another agency's
    everyone = rows_matching(
        OutboundRequest, columns=["idempotency_key"], field="idempotency_key", values=["k-1", "k-0", "x"]
    )
    assert sorted(everyone) == [("k-0",), ("k-1",)]
    assert rows_matching(OutboundRequest, columns=["id"], field="idempotency_key", values=[]) == []


@pytest.mark.django_db
def test_rows_matching_returns_every_row_of_a_value_once_on_an_integer_field():
    agency, other, third = (
        make_agency(),
        make_agency("sabt", "Registration Organization"),
        make_agency("mcls", "Ministry of Labour"),
    )
    insert_dicts(
        OutboundRequest,
        [_row(agency, "a-1"), _row(agency, "a-2"), _row(other, "o-1"), _row(third, "t-1")],
    )

    found = rows_matching(
        OutboundRequest,
        columns=["agency_id", "idempotency_key"],
        field="agency",
        values=[agency.pk, other.pk, agency.pk],  # a value asked twice still finds its rows once
    )

    assert sorted(found) == sorted([(agency.pk, "a-1"), (agency.pk, "a-2"), (other.pk, "o-1")])


@pytest.mark.django_db
def test_rows_made_ready_beforehand_are_written_with_keys_filled_in_the_write():
    agency = make_agency()
    moment = dt.datetime(2026, 3, 20, 20, 30, 15, tzinfo=dt.UTC)
    ready = rows_ready(
        OutboundRequest, [{"id": None, **_row(agency, f"r-{n}", created_at=moment)} for n in range(3)]
    )

    with transaction.atomic():
        ids = ids_reserve(OutboundRequest, 3)
        ready.fill("id", ids)
        insert_ready(ready)

    stored = OutboundRequest.objects.filter(pk__in=ids).order_by("pk")
    assert [(row.pk, row.idempotency_key, row.created_at) for row in stored] == [
        (pk, f"r-{n}", moment) for n, pk in enumerate(ids)
    ]
    insert_ready(rows_ready(OutboundRequest, []))  # nothing to write: nothing written
    assert OutboundRequest.objects.count() == 3


@pytest.mark.django_db
def test_statements_run_past_djangos_cursors_are_shown_to_whoever_watches_the_queries():
    # given someone watching every statement (as tests/architecture/test_table_owners.py does)
    agency = make_agency()
    seen: list[str] = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    select = "SELECT idempotency_key FROM gateway_outboundrequest WHERE agency_id = %s"

    # when rows are written in bulk (COPY on PostgreSQL) and a hot path's statement runs prepared
    with connection.execute_wrapper(watch):
        insert_dicts(OutboundRequest, [_row(agency, "watched-1")])
        found = prepared.rows(
            "SELECT idempotency_key FROM gateway_outboundrequest WHERE agency_id = %s", [agency.pk]
        )

    # then both were seen, and both did their work
    assert found == [("watched-1",)]
    assert any("gateway_outboundrequest" in sql and ("COPY" in sql or "INSERT" in sql) for sql in seen)
    assert select in seen
