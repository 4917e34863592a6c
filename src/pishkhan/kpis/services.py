"""Writes of the KPI rollups: the worker's incremental upkeep and the exact rebuild.

**Upkeep** (``rollups_update``, the worker's ``kpis.rollups`` job). The counter's hot path does no
extra work: every change of a transaction's state — its creation by the single POST, a batch (a late
offline batch included) or the history import, and each move to submitted, completed, rejected or
failed — writes a ``TransactionEvent`` already. A round reads the events after its cursor in a bounded
batch, finds the (day, office, service) cells they touched and reads exactly those cells' aggregates
from the counter's rows (``transactions.selectors.transaction_cell_aggregates``), outside any write
transaction; then, in one short database transaction, upserts them (deleting a cell left empty) and
moves the cursor: a failure leaves the cursor where it was and the round is done again, to the same
result. Exact by construction, idempotent (``rollups_update`` says why reading first stays exact).

**The months** (``MonthRollup``: Jalali month × county × service, for every place above the office).
In the same database transaction, after the daily cells are recomputed, the (Jalali month, county,
service) cells they belong to — under the counties the daily rows named before and after, should an
office have moved — are recomputed from the daily rows: one GROUP BY over that month's daily rows of
those counties × services. A rebuild recomputes the whole months its period touches.

**The day** is the Tehran day on which the office *recorded* the transaction (``recorded_at``, the
office's clock, checked by the counter to lie no later than a few minutes ahead of the server's), not
the day the server received it: a batch an office sends when it comes back online lands on the days
its work was done.

**Rebuild** (``rollups_rebuild``, ``pishkhan kpis_rebuild``): the cells of a period recomputed by one
GROUP BY per month; without a period, every cell, and the cursor moved to the newest event. The
upkeep's first round on a database (no cursor yet) is such a full rebuild: a database upgraded with
years of history, or the demo's bulk-imported week, is rolled up at once, off ``pishkhan up``'s path.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone

from pishkhan.catalogue.selectors import service_groupings
from pishkhan.common.bulk import insert_dicts
from pishkhan.common.calendar import TEHRAN, to_tehran
from pishkhan.common.cursors import pending_after
from pishkhan.kpis.models import DailyRollup, MonthRollup, RollupCursor, RollupFigures
from pishkhan.kpis.months import month_first, month_next, months_between
from pishkhan.offices.selectors import office_places
from pishkhan.transactions.selectors import (
    transaction_cell_aggregates,
    transaction_day_aggregates,
    transaction_event_last_id,
    transaction_events_after,
    transaction_events_by_ids,
    transaction_recorded_span,
)

CURSOR = "events"
# Events one round reads; the worker runs the job again at once while it finds work.
BATCH = 5000
# Rows a rebuild writes per statement.
WRITE_CHUNK = 2000

# The additive figures of a cell, at either level: the fields of ``RollupFigures``.
FIGURES = tuple(field.name for field in RollupFigures._meta.fields)
KEYS = ("province_id", "county_id", "agency_id", "office_kind")

Cell = tuple[dt.date, int, int]  # (day, office id, service id)
MonthCell = tuple[dt.date, int, int]  # (the Jalali month's first day, county id, service id)
# Cells one statement of the month upkeep names (an OR of pairs).
PAIRS_CHUNK = 400


def day_start(day: dt.date) -> dt.datetime:
    """The first moment of a Tehran day."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=TEHRAN)


def tehran_day(moment: dt.datetime) -> dt.date:
    """The Tehran day of a moment."""
    return to_tehran(moment).date()


@dataclass
class _Keys:
    """The grouping keys the rollups copy from offices and services, read once per round."""

    offices: dict[int, dict[str, Any]]
    services: dict[int, dict[str, Any]]

    @classmethod
    def of(cls, office_ids: Iterable[int], service_ids: Iterable[int]) -> _Keys:
        return cls(office_places(office_ids), service_groupings(service_ids))

    def values(self, row: dict[str, Any]) -> dict[str, Any]:
        """A rollup row's columns (by attribute name) from a cell's aggregate."""
        office, service = self.offices[row["office_id"]], self.services[row["service_id"]]
        return {
            "day": row["day"],
            "office_id": row["office_id"],
            "service_id": row["service_id"],
            "province_id": office["province_id"],
            "county_id": office["county_id"],
            "office_kind": office["kind"],
            "agency_id": service["agency_id"],
            "total": row["total"],
            "received": row["received"],
            "submitted": row["submitted"],
            "completed": row["completed"],
            "rejected": row["rejected"],
            "failed": row["failed"],
            "fees_charged": row["fees_charged"] or 0,
            "fees_tariff": row["fees_tariff"],
            "overcharges": row["overcharges"],
            "overcharged": row["overcharged"],
            "trips_saved": row["completed"] * service["trips_saved"],
            "delivery_seconds": int(row["delivery"].total_seconds()),
        }

    def rollup(self, row: dict[str, Any]) -> DailyRollup:
        """A rollup row (unsaved) from a cell's aggregate."""
        return DailyRollup(**self.values(row))


def _upsert(rollups: list[DailyRollup]) -> None:
    for first in range(0, len(rollups), WRITE_CHUNK):
        DailyRollup.objects.bulk_create(
            rollups[first : first + WRITE_CHUNK],
            update_conflicts=True,
            unique_fields=["day", "office", "service"],
            update_fields=[*FIGURES, *KEYS],
        )


def _month_sums(rows: Any) -> Any:
    """Daily rows summed per month cell (with the keys the month rows copy)."""
    return (
        rows.values("county_id", "service_id", "province_id", "agency_id")
        .annotate(**{name: Sum(name) for name in FIGURES})
        .order_by()
    )


def months_recompute(cells: set[MonthCell]) -> int:
    """Recompute these (Jalali month, county, service) cells exactly from the daily rollups: their rows
    deleted and written again from the sums of the month's daily rows; how many rows were written.
    Call it inside the caller's transaction, after the daily cells."""
    by_month: dict[dt.date, list[tuple[int, int]]] = defaultdict(list)
    for month, county, service in cells:
        by_month[month].append((county, service))
    written = 0
    for month, pairs in by_month.items():
        end = month_next(month)
        pairs.sort()
        for first in range(0, len(pairs), PAIRS_CHUNK):
            chunk = pairs[first : first + PAIRS_CHUNK]
            named = Q()
            for county, service in chunk:
                named |= Q(county_id=county, service_id=service)
            MonthRollup.objects.filter(named, month=month).delete()
            daily = DailyRollup.objects.filter(named, day__gte=month, day__lt=end)
            rows = [MonthRollup(month=month, **row) for row in _month_sums(daily)]
            MonthRollup.objects.bulk_create(rows, batch_size=WRITE_CHUNK)
            written += len(rows)
    return written


def _month_cells(rows: Iterable[tuple[dt.date, int, int]], months: dict[dt.date, dt.date]) -> set[MonthCell]:
    """The month cells of (day, county id, service id) rows (``months``: a cache day → month)."""
    cells = set()
    for day, county, service in rows:
        if day not in months:
            months[day] = month_first(day)
        cells.add((months[day], county, service))
    return cells


def _by_day(cells: Iterable[Cell]) -> dict[dt.date, set[Cell]]:
    by_day: dict[dt.date, set[Cell]] = defaultdict(set)
    for cell in cells:
        by_day[cell[0]].add(cell)
    return by_day


@dataclass
class CellFigures:
    """The figures of a set of daily cells, read from the counter's rows: ``found`` the cells with
    transactions (their aggregates), the others are empty; ``keys`` what their rows copy."""

    cells: set[Cell]
    found: list[dict[str, Any]]
    keys: _Keys

    @classmethod
    def read(cls, cells: set[Cell]) -> CellFigures:
        """Read the cells' aggregates: one GROUP BY per day over the offices × services they name."""
        found: list[dict[str, Any]] = []
        for day, day_cells in _by_day(cells).items():
            rows = transaction_cell_aggregates(
                day=day,
                office_ids={office for _day, office, _service in day_cells},
                service_ids={service for _day, _office, service in day_cells},
            )
            found += [row for row in rows if (day, row["office_id"], row["service_id"]) in day_cells]
        keys = _Keys.of((row["office_id"] for row in found), (row["service_id"] for row in found))
        return cls(cells, found, keys)

    def write(self) -> int:
        """Write the cells: upsert those with transactions, delete those without; then recompute the
        month cells they belong to (under their counties before and after); how many daily cells were
        written. Call it inside the caller's transaction."""
        months: dict[dt.date, dt.date] = {}
        # The counties the daily rows name now: an office that moved leaves its former county's months.
        touched: set[MonthCell] = set()
        for day, day_cells in _by_day(self.cells).items():
            before = DailyRollup.objects.filter(
                day=day,
                office_id__in={office for _day, office, _service in day_cells},
                service_id__in={service for _day, _office, service in day_cells},
            ).values_list("day", "office_id", "service_id", "county_id")
            touched |= _month_cells(
                (
                    (d, county, service)
                    for d, office, service, county in before
                    if (d, office, service) in day_cells
                ),
                months,
            )
        _upsert([self.keys.rollup(row) for row in self.found])
        gone = self.cells - {(row["day"], row["office_id"], row["service_id"]) for row in self.found}
        if gone:
            empty = Q()
            for day, office, service in gone:
                empty |= Q(day=day, office_id=office, service_id=service)
            DailyRollup.objects.filter(empty).delete()
        offices = self.keys.offices
        touched |= _month_cells(
            ((row["day"], offices[row["office_id"]]["county_id"], row["service_id"]) for row in self.found),
            months,
        )
        months_recompute(touched)
        return len(self.found)


def _cursor(now: dt.datetime) -> RollupCursor:
    """The upkeep's cursor, locked; made at 0 if missing (the rebuild then moves it)."""
    cursor = RollupCursor.objects.select_for_update().filter(name=CURSOR).first()
    if cursor is not None:
        return cursor
    try:
        with transaction.atomic():
            RollupCursor.objects.create(name=CURSOR, last_id=0, updated_at=now)
    except IntegrityError:
        pass  # another worker made it meanwhile
    return RollupCursor.objects.select_for_update().get(name=CURSOR)


def rollups_update(*, now: dt.datetime | None = None, limit: int = BATCH) -> int:
    """One round of the rollups' upkeep: the events after the cursor (and any it skipped that have
    committed since), the cells they touched recomputed, the cursor moved. How many events were read
    (the first round ever: a full rebuild, and how many cells it wrote; a round that found the cursor
    moved by another meanwhile: 0, its work left to the next).

    Two steps, so that the counter's writers are not held up by the reading: the events and the
    touched cells' aggregates are read first, outside any write transaction (SQLite's single writer
    is free meanwhile; on PostgreSQL no lock is taken); then, in one short database transaction with
    the cursor locked and checked unchanged since it was read, the cells and their months are
    written and the cursor moved. Any change to a transaction after its cell was read writes an event
    the cursor has not passed (a newer id, or an older one not yet committed, which ``pending``
    keeps), so the next round recomputes that cell: exact once the events are read, as before."""
    now = now or timezone.now()
    seen = RollupCursor.objects.filter(name=CURSOR).first()
    if seen is None:
        # The first round on this database: whatever history it holds (an upgrade, the demo's bulk
        # import) is rolled up at once, and the cursor starts after its newest event.
        return rollups_rebuild().cells
    rows = transaction_events_after(after_id=seen.last_id, limit=limit)
    awaited = [pk for pk, _since in seen.pending]
    late = transaction_events_by_ids(ids=awaited) if awaited else []
    if not rows and not late and not awaited:
        return 0
    touched = {(tehran_day(row["recorded_at"]), row["office_id"], row["service_id"]) for row in late + rows}
    figures = CellFigures.read(touched) if touched else None
    with transaction.atomic():
        cursor = _cursor(now)
        if (cursor.last_id, cursor.pending, cursor.updated_at) != (
            seen.last_id,
            seen.pending,
            seen.updated_at,
        ):
            return 0  # another worker's round or a rebuild moved it meanwhile: read again next round
        if figures is not None:
            figures.write()
        cursor.pending = pending_after(
            last_id=cursor.last_id,
            pending=cursor.pending,
            read_ids=[row["id"] for row in rows],
            found_late={row["id"] for row in late},
            now=now,
        )
        if rows:
            cursor.last_id = rows[-1]["id"]
        cursor.updated_at = now
        cursor.save(update_fields=["last_id", "pending", "updated_at"])
    return len(rows) + len(late)


def _months(first: dt.date, last: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    """[first, last] in spans of at most a month, each as (first day, day after its last)."""
    start = first
    while start <= last:
        following = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        end = min(following, last + dt.timedelta(days=1))
        yield start, end
        start = end


@dataclass(frozen=True)
class RebuildReport:
    """What a rebuild did."""

    first: dt.date | None
    last: dt.date | None
    cells: int
    deleted: int


def rollups_rebuild(*, first: dt.date | None = None, last: dt.date | None = None) -> RebuildReport:
    """Recompute the rollups of the days [first, last] (Tehran days of recording; both None: every
    day) exactly from the counter's rows, in one database transaction with the upkeep's cursor locked
    (so the worker waits). Without a period the cursor moves to the newest event: every event so far
    is in the rebuilt rows."""
    now = timezone.now()
    with transaction.atomic():
        cursor = _cursor(now)
        whole = first is None and last is None
        newest_event = transaction_event_last_id()
        if whole:
            span = transaction_day_span()
            if span is None:
                deleted = DailyRollup.objects.all().delete()[0]
                MonthRollup.objects.all().delete()
                cursor.last_id, cursor.pending, cursor.updated_at = newest_event, [], now
                cursor.save(update_fields=["last_id", "pending", "updated_at"])
                return RebuildReport(None, None, 0, deleted)
            first, last = span
        first = first or dt.date(1921, 3, 21)
        last = last or tehran_day(now) + dt.timedelta(days=1)
        stale = (
            DailyRollup.objects.all() if whole else DailyRollup.objects.filter(day__gte=first, day__lte=last)
        )
        deleted = stale.delete()[0]
        cells = 0
        for start, end in _months(first, last):
            rows = list(transaction_day_aggregates(start=day_start(start), end=day_start(end)))
            keys = _Keys.of({row["office_id"] for row in rows}, {row["service_id"] for row in rows})
            # Through the bulk writer (COPY on PostgreSQL), not bulk_create: a year of a national
            # network is millions of cells. The day as ISO text, which both databases read as a date.
            insert_dicts(DailyRollup, [keys.values(row) | {"day": row["day"].isoformat()} for row in rows])
            cells += len(rows)
        month_rollups_rebuild(first, last, whole=whole)
        if whole:
            cursor.last_id, cursor.pending, cursor.updated_at = newest_event, [], now
            cursor.save(update_fields=["last_id", "pending", "updated_at"])
    return RebuildReport(first, last, cells, deleted)


def month_rollups_rebuild(first: dt.date, last: dt.date, *, whole: bool = False) -> int:
    """The month rows of every Jalali month the days [first, last] touch, recomputed whole from the
    daily rows (every month row deleted first, when ``whole``); how many rows were written. Call it
    inside the caller's transaction (``rollups_rebuild`` does, after the daily rows)."""
    (
        MonthRollup.objects.all()
        if whole
        else MonthRollup.objects.filter(month__gte=month_first(first), month__lte=last)
    ).delete()
    span = DailyRollup.objects.filter(day__gte=month_first(first), day__lt=month_next(last)).aggregate(
        first=Min("day"), last=Max("day")
    )
    if span["first"] is None:
        return 0
    written = 0
    for month in months_between(span["first"], span["last"]):
        daily = DailyRollup.objects.filter(day__gte=month, day__lt=month_next(month))
        rows = [row | {"month": month.isoformat()} for row in _month_sums(daily)]
        insert_dicts(MonthRollup, rows)
        written += len(rows)
    return written


def transaction_day_span() -> tuple[dt.date, dt.date] | None:
    """The first and last Tehran days of recording among the counter's transactions; None if none."""
    span = transaction_recorded_span()
    if span is None:
        return None
    return tehran_day(span[0]), tehran_day(span[1])
