"""The daily rollups stay true: after every kind of write the counter knows — single posts, an offline
office's late batch for past days, the history import, state changes to completed, rejected and
failed — every rollup row equals the same aggregate computed here, independently, from the raw rows;
and ``kpis_rebuild`` reproduces them exactly."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from io import StringIO

import jdatetime
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from pishkhan.catalogue.services import service_update
from pishkhan.common.calendar import TEHRAN
from pishkhan.kpis import services
from pishkhan.kpis.models import DailyRollup, RollupCursor
from pishkhan.kpis.services import CellFigures, rollups_rebuild, rollups_update
from pishkhan.transactions.models import CounterTransaction
from pishkhan.transactions.services import (
    HistoryRow,
    transaction_advance,
    transactions_history_import,
    transactions_record_batch,
)
from tests.offices.factories import make_service, make_tariff_since, national_id
from tests.transactions.conftest import TARIFF
from tests.transactions.factories import make_transaction

SERVICE = "tamin.pension-statement"
FIGURES = (
    "total", "received", "submitted", "completed", "rejected", "failed", "fees_charged", "fees_tariff",
    "overcharges", "overcharged", "trips_saved", "delivery_seconds",
)  # fmt: skip


def expected_from_raw() -> dict[tuple, dict]:
    """Every cell's figures computed in Python from the raw rows, as docs/kpis.md defines them."""
    cells: dict[tuple, dict] = defaultdict(
        lambda: dict.fromkeys(FIGURES, 0) | {"keys": None, "delivery": 0.0}
    )
    for t in CounterTransaction.objects.select_related("office", "service"):
        cell = cells[(t.recorded_at.astimezone(TEHRAN).date(), t.office_id, t.service_id)]
        cell["keys"] = (t.office.province_id, t.office.county_id, t.service.agency_id, t.office.kind)
        cell["total"] += 1
        cell[t.state] += 1
        cell["fees_charged"] += t.fee_charged
        cell["fees_tariff"] += t.fee_tariff or 0
        if t.fee_tariff is not None and t.fee_charged > t.fee_tariff:
            cell["overcharges"] += 1
            cell["overcharged"] += t.fee_charged - t.fee_tariff
        if t.state == "completed":
            cell["trips_saved"] += t.service.trips_saved
            cell["delivery"] += (t.finished_at - t.recorded_at).total_seconds()
    for cell in cells.values():
        cell["delivery_seconds"] = int(cell.pop("delivery"))
    return dict(cells)


def rollups() -> dict[tuple, dict]:
    found = {}
    for r in DailyRollup.objects.all():
        found[(r.day, r.office_id, r.service_id)] = {name: getattr(r, name) for name in FIGURES} | {
            "keys": (r.province_id, r.county_id, r.agency_id, r.office_kind)
        }
    return found


def catch_up() -> None:
    while rollups_update(limit=7):  # small rounds: several batches, cursor moves between them
        pass


def _item(reference: str, recorded: dt.datetime, fee: int = TARIFF) -> dict:
    return {
        "service": SERVICE,
        "national_id": national_id(11),
        "mobile": "09121234567",
        "fee_charged": fee,
        "clerk": "Maryam",
        "office_reference": reference,
        "recorded_at": recorded.isoformat(),
    }


def test_rollups_equal_the_raw_aggregate_after_posts_late_batches_and_state_changes(counter):
    office, other, isfahan = counter["office"], counter["other"], counter["isfahan"]
    assert rollups_update() == 0  # the first round: nothing to rebuild; every later write is an event
    second = service_update(
        service=make_service(counter["agency"], "insurance-record"), trips_saved=3, actor=None
    )
    make_tariff_since(second, days=60, government_fee=100_000, office_fee=20_000)
    # Single posts today, one overcharged.
    posted = [make_transaction(office) for _ in range(3)]
    posted.append(make_transaction(other, fee_charged=TARIFF + 70_000))
    posted.append(make_transaction(isfahan, service_code="tamin.insurance-record", fee_charged=120_000))
    catch_up()
    assert rollups() == expected_from_raw()

    # State changes: completed, rejected, failed (each writes an event the upkeep follows).
    for t, end in zip(posted, ["completed", "rejected", "failed", "completed", "completed"], strict=True):
        t = transaction_advance(transaction=t, to_state="submitted", actor=None)
        if end == "failed":
            transaction_advance(transaction=t, to_state="failed", actor=None)
        else:
            transaction_advance(transaction=t, to_state=end, actor=None)
    catch_up()
    assert rollups() == expected_from_raw()
    assert sum(r.completed for r in DailyRollup.objects.all()) == 3

    # An office back online sends what it recorded over the last days, late: it lands on those days.
    now = timezone.now()
    late = [
        _item("OFF-1", now - dt.timedelta(days=3, hours=1)),
        _item("OFF-2", now - dt.timedelta(days=3, hours=2), fee=TARIFF + 1),
        _item("OFF-3", now - dt.timedelta(days=9)),
    ]
    results = transactions_record_batch(office=other, items=late, actor=None)
    assert all(result.tracking_code for result in results)
    catch_up()
    assert rollups() == expected_from_raw()
    days = {r.day for r in DailyRollup.objects.filter(office=other)}
    assert (now - dt.timedelta(days=9)).astimezone(TEHRAN).date() in days

    # The history import (the demo's and a migration's bulk path) is followed the same way.
    recorded = now.replace(microsecond=0) - dt.timedelta(days=20)
    transactions_history_import(
        rows=[
            HistoryRow(
                office=isfahan,
                service=SERVICE,
                national_id=national_id(12),
                mobile="09121234567",
                fee_charged=TARIFF,
                office_reference=f"H-{n}",
                state=state,
                recorded_at=recorded,
                received_at=recorded + dt.timedelta(seconds=2),
                submitted_at=None if state == "failed" else recorded + dt.timedelta(seconds=20),
                finished_at=recorded + dt.timedelta(minutes=15 + n),
                clerk="c",
            )
            for n, state in enumerate(["completed", "completed", "rejected", "failed"])
        ],
        actor=None,
    )
    catch_up()
    expected = expected_from_raw()
    assert rollups() == expected
    history_cell = expected[(recorded.astimezone(TEHRAN).date(), isfahan.pk, counter["service"].pk)]
    assert history_cell["delivery_seconds"] == 15 * 60 + 16 * 60
    assert history_cell["trips_saved"] == 2 * counter["service"].trips_saved


def test_a_round_run_twice_changes_nothing_and_a_rebuild_reproduces_the_rows(counter):
    for _ in range(4):
        make_transaction(counter["office"])
    catch_up()
    before = rollups()
    cursor = RollupCursor.objects.get()
    assert rollups_update() == 0  # nothing new
    # Rewinding the cursor recomputes the same cells to the same figures (idempotent).
    RollupCursor.objects.update(last_id=0)
    catch_up()
    assert rollups() == before
    assert RollupCursor.objects.get().last_id == cursor.last_id

    DailyRollup.objects.update(total=999, completed=5)  # spoilt by hand
    report = rollups_rebuild()
    assert report.cells == len(before)
    assert rollups() == before == expected_from_raw()


def test_the_rebuild_command_takes_a_period_in_either_calendar_and_refuses_bad_dates(counter):
    make_transaction(counter["office"])
    today = timezone.now().astimezone(TEHRAN).date()
    DailyRollup.objects.all().delete()
    out = StringIO()
    call_command("kpis_rebuild", "--from", str(today - dt.timedelta(days=1)), "--to", str(today), stdout=out)
    assert rollups() == expected_from_raw()
    assert "1" in out.getvalue()
    # A Jalali day works too (rebuilding it again changes nothing).
    jalali = jdatetime.date.fromgregorian(date=today).strftime("%Y/%m/%d")
    call_command("kpis_rebuild", "--from", jalali, "--to", jalali, stdout=StringIO())
    assert rollups() == expected_from_raw()
    with pytest.raises(CommandError, match="no day"):
        call_command("kpis_rebuild", "--from", "1403/13/40", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("kpis_rebuild", "--from", str(today), "--to", str(today - dt.timedelta(days=2)))


def test_an_event_committed_after_the_cursor_passed_its_id_is_still_rolled_up(counter):
    """Ids are taken at insert and rows appear at commit: the cursor remembers the ids it skipped and
    reads them once committed; an id never committed (a rolled-back insert) is forgotten in time."""
    make_transaction(counter["office"])
    catch_up()
    late = make_transaction(counter["other"])
    [event_id] = late.events.values_list("pk", flat=True)
    now = timezone.now()
    # As if the cursor had moved past this event's id while its insert was not yet committed.
    RollupCursor.objects.update(
        last_id=event_id + 5, pending=[[event_id, now.timestamp()], [event_id + 3, 0]]
    )
    assert not DailyRollup.objects.filter(office=counter["other"]).exists()

    assert rollups_update(now=now) == 1

    assert rollups() == expected_from_raw()
    # The found id is no longer awaited, nor the one awaited for too long.
    assert RollupCursor.objects.get().pending == []


def test_a_change_made_while_a_round_reads_its_cells_is_rolled_up_by_the_next(counter, monkeypatch):
    """A round reads its cells' aggregates before it takes its write transaction: a transaction that
    changes in between writes an event the cursor has not passed, so the next round reads it again."""
    made = make_transaction(counter["office"])
    catch_up()
    t = transaction_advance(transaction=made, to_state="submitted", actor=None)
    read = CellFigures.read

    def read_then_complete(cells):
        figures = read(cells)
        transaction_advance(transaction=t, to_state="completed", actor=None)  # after the read
        return figures

    monkeypatch.setattr(CellFigures, "read", read_then_complete)
    assert rollups_update() == 1
    monkeypatch.setattr(CellFigures, "read", read)
    assert DailyRollup.objects.get().submitted == 1  # as read: the completion came after
    catch_up()
    assert DailyRollup.objects.get().completed == 1
    assert rollups() == expected_from_raw()


def test_a_round_whose_cursor_moved_meanwhile_writes_nothing(counter, monkeypatch):
    """Another worker's round (or a rebuild) that moves the cursor between a round's read and its
    write wins: the slower round writes nothing (its figures may be older than the rows written)."""
    make_transaction(counter["office"])
    catch_up()
    stale = make_transaction(counter["other"])
    read = CellFigures.read

    def read_then_rebuild(cells):
        figures = read(cells)  # the new transaction as received
        transaction_advance(transaction=stale, to_state="submitted", actor=None)
        rollups_rebuild()  # rolls up the submission and moves the cursor past every event
        return figures

    monkeypatch.setattr(CellFigures, "read", read_then_rebuild)
    assert services.rollups_update() == 0
    monkeypatch.setattr(CellFigures, "read", read)
    # The rebuild's rows stand: had the slower round written its figures ("received"), no later
    # event would correct them.
    assert DailyRollup.objects.get(office=counter["other"]).submitted == 1
    assert rollups_update() == 0
    assert rollups() == expected_from_raw()
