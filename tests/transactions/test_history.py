"""Importing finished transactions of the past: rows checked, all or nothing, never through the gateway."""

from __future__ import annotations

import datetime as dt

import jdatetime
import pytest
from django.utils import timezone

from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import ConflictError, ValidationError
from pishkhan.common.identifiers import tracking_code_is_valid
from pishkhan.common.money import MAX_RIALS
from pishkhan.gateway.models import OutboundRequest
from pishkhan.transactions.models import CounterTransaction, TransactionEvent
from pishkhan.transactions.services import HistoryRow, citizen_key, transactions_history_import
from pishkhan.transactions.services.history import _codes_free
from tests.offices.factories import make_service, make_tariff, national_id
from tests.transactions.conftest import TARIFF

SERVICE = "tamin.pension-statement"
CITIZEN = national_id(4242)


def row(office, n: int = 1, **overrides) -> HistoryRow:
    """A transaction completed yesterday morning at ``office``, as its records hold it."""
    recorded = timezone.now().replace(hour=6, minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    values = {
        "office": office,
        "service": SERVICE,
        "national_id": CITIZEN,
        "mobile": "09121234567",
        "fee_charged": TARIFF,
        "office_reference": f"H-{n}",
        "state": "completed",
        "recorded_at": recorded,
        "received_at": recorded + dt.timedelta(seconds=2),
        "submitted_at": recorded + dt.timedelta(seconds=20),
        "finished_at": recorded + dt.timedelta(minutes=15),
        "clerk": "مریم رضایی",
    }
    return HistoryRow(**(values | overrides))


def test_history_is_written_with_its_timed_events_and_never_reaches_the_gateway(counter):
    office = counter["office"]
    completed = row(office, 1)
    rejected = row(office, 2, state="rejected", detail="مدارک ناقص است.", fee_charged=TARIFF + 50_000)
    failed = row(office, 3, state="failed", submitted_at=None, detail="ارسال ناموفق")

    imported = transactions_history_import(rows=[completed, rejected, failed], actor=None)

    assert (imported.transactions, imported.events) == (3, 8)
    stored = {t.office_reference: t for t in CounterTransaction.objects.all()}
    assert {t.state for t in stored.values()} == {"completed", "rejected", "failed"}
    first = stored["H-1"]
    assert tracking_code_is_valid(first.tracking_code)
    assert len({t.tracking_code for t in stored.values()}) == 3
    assert first.citizen_key == citizen_key(CITIZEN)
    assert first.citizen_masked == CITIZEN[:3] + "*****" + CITIZEN[-2:]
    assert first.mobile_masked == "0912***4567"
    assert first.fee_tariff == TARIFF
    assert not first.fee_differs
    assert stored["H-2"].fee_differs
    assert (first.recorded_at, first.received_at, first.submitted_at, first.finished_at) == (
        completed.recorded_at,
        completed.received_at,
        completed.submitted_at,
        completed.finished_at,
    )
    path = [(e.from_state, e.to_state, e.at) for e in first.events.all()]
    assert path == [
        ("", "received", completed.received_at),
        ("received", "submitted", completed.submitted_at),
        ("submitted", "completed", completed.finished_at),
    ]
    assert list(stored["H-3"].events.values_list("from_state", "to_state", "detail")) == [
        ("", "received", ""),
        ("received", "failed", "ارسال ناموفق"),
    ]
    assert stored["H-2"].events.last().detail == "مدارک ناقص است."
    assert not OutboundRequest.objects.exists()
    entry = AuditEntry.objects.get(action="transactions.history_import")
    assert entry.after["transactions"] == 3
    assert entry.after["events"] == 8


def _on(office, n: int, day: jdatetime.date) -> HistoryRow:
    recorded = timezone.make_aware(dt.datetime.combine(day.togregorian(), dt.time(9, 30)))
    return row(
        office,
        n,
        service="tamin.statement",
        recorded_at=recorded,
        received_at=recorded,
        submitted_at=recorded,
        finished_at=recorded + dt.timedelta(minutes=5),
    )


def test_the_fee_is_stored_beside_the_tariff_in_force_on_the_day_it_was_recorded(counter):
    service = make_service(counter["agency"], "statement")
    # 1405's tariff takes effect a month after Nowruz: until then 1404's is in force.
    make_tariff(
        service, year=1404, effective_from=jdatetime.date(1404, 1, 1).togregorian(),
        government_fee=400_000, office_fee=100_000,
    )  # fmt: skip
    make_tariff(
        service, year=1405, effective_from=jdatetime.date(1405, 2, 1).togregorian(),
        government_fee=800_000, office_fee=200_000,
    )  # fmt: skip
    office = counter["office"]
    rows = [
        _on(office, 1, jdatetime.date(1404, 12, 1)),
        _on(office, 2, jdatetime.date(1405, 1, 15)),
        _on(office, 3, jdatetime.date(1405, 3, 1)),
    ]

    transactions_history_import(rows=rows, actor=None)

    tariffs = dict(CounterTransaction.objects.values_list("office_reference", "fee_tariff"))
    assert tariffs == {"H-1": 500_000, "H-2": 500_000, "H-3": 1_000_000}


def _bad_rows(counter):
    office, isfahan = counter["office"], counter["isfahan"]
    make_service(counter["agency"], "forbidden", outsourcing="prohibited")
    make_service(counter["agency"], "rural-only", kinds=("ict",))
    make_service(counter["agency"], "untariffed")
    good = row(office, 1)
    future = timezone.now() + dt.timedelta(minutes=5)
    return {
        "unknown service": (row(office, 2, service="tamin.nothing"), "service"),
        "prohibited service": (row(office, 2, service="tamin.forbidden"), "service"),
        "service not for the office's kind": (row(isfahan, 2, service="tamin.rural-only"), "service"),
        "service without a tariff in force": (row(office, 2, service="tamin.untariffed"), "service"),
        "negative fee": (row(office, 2, fee_charged=-1), "fee_charged"),
        "absurd fee": (row(office, 2, fee_charged=MAX_RIALS + 1), "fee_charged"),
        "fee not whole rials": (row(office, 2, fee_charged=1000.5), "fee_charged"),
        "finished in the future": (row(office, 2, finished_at=future), "finished_at"),
        "submitted before received": (
            row(office, 2, submitted_at=good.received_at - dt.timedelta(seconds=1)),
            "submitted_at",
        ),
        "finished before submitted": (
            row(office, 2, finished_at=good.submitted_at - dt.timedelta(seconds=1)),
            "finished_at",
        ),
        "received before recorded": (
            row(office, 2, received_at=good.recorded_at - dt.timedelta(seconds=1)),
            "received_at",
        ),
        "not final": (row(office, 2, state="submitted"), "state"),
        "rejected unsubmitted": (row(office, 2, state="rejected", submitted_at=None), "submitted_at"),
        "bad national ID": (row(office, 2, national_id="0012345678"), "national_id"),
        "bad mobile": (row(office, 2, mobile="+989121234567"), "mobile"),
        "reference repeated in the batch": (row(office, 1), "office_reference"),
        "no reference": (row(office, 2, office_reference=" "), "office_reference"),
        "not an office": (row(None, 2), "office"),
    }


BAD_ROWS = [
    "unknown service",
    "prohibited service",
    "service not for the office's kind",
    "service without a tariff in force",
    "negative fee",
    "absurd fee",
    "fee not whole rials",
    "finished in the future",
    "submitted before received",
    "finished before submitted",
    "received before recorded",
    "not final",
    "rejected unsubmitted",
    "bad national ID",
    "bad mobile",
    "reference repeated in the batch",
    "no reference",
    "not an office",
]


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_bad_row_refuses_the_whole_batch_naming_it(counter, case):
    bad, field = _bad_rows(counter)[case]
    rows = [row(counter["office"], 1), bad, row(counter["office"], 3)]

    with pytest.raises(ValidationError) as refused:
        transactions_history_import(rows=rows, actor=None)

    assert list(refused.value.fields) == [f"rows[1].{field}"]
    assert refused.value.detail.startswith("Row 2:")
    assert not CounterTransaction.objects.exists()
    assert not TransactionEvent.objects.exists()
    assert not AuditEntry.objects.filter(action="transactions.history_import").exists()


def test_a_reference_the_office_recorded_before_is_a_conflict_and_nothing_is_written(counter):
    office = counter["office"]
    transactions_history_import(rows=[row(office, 1)], actor=None)

    with pytest.raises(ConflictError) as refused:
        transactions_history_import(rows=[row(office, 2), row(office, 1), row(office, 3)], actor=None)

    assert list(refused.value.fields) == ["rows[1].office_reference"]
    assert list(CounterTransaction.objects.values_list("office_reference", flat=True)) == ["H-1"]
    assert TransactionEvent.objects.count() == 3


def test_a_tracking_code_already_stored_is_drawn_again(counter):
    transactions_history_import(rows=[row(counter["office"], 1)], actor=None)
    stored = CounterTransaction.objects.get().tracking_code
    codes, drawn = [stored, "123456789018"], {stored, "123456789018"}

    redrawn = _codes_free(codes, drawn)

    assert redrawn == 1
    assert codes[0] != stored
    assert tracking_code_is_valid(codes[0])
    assert codes[1] == "123456789018"


def test_many_rows_are_written_in_chunks_with_unique_codes(counter):
    office = counter["office"]
    rows = [row(office, n) for n in range(1, 12_002)]  # over two write chunks

    imported = transactions_history_import(rows=rows, actor=None)

    assert imported.transactions == CounterTransaction.objects.count() == 12_001
    assert CounterTransaction.objects.values("tracking_code").distinct().count() == 12_001
    assert TransactionEvent.objects.count() == imported.events == 3 * 12_001
