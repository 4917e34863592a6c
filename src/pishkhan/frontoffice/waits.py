"""The queue's wait and service times, kept as daily figures by the worker (``frontoffice.waits``).

A ticket carries its own record: issued, called, ended. Its **waiting time** is issued → called, its
**service time** called → served (a no-show has a wait and no service time). The figures are kept
in two small tables, one row per Tehran day of issue and office and:
- service (``WaitDay``, with the office's province and county and the service's agency copied in):
  what the KPIs group by county, province, agency or service;
- hour of issue, Tehran time (``WaitHour``): what the office's public page ("usually 12 minutes at
  this hour") and supervision's comparison with the province's offices read.
Not the cross product (office × service × hour × day): at national volume (~13,000 offices, ~1M
tickets a day) that is nearly a row per ticket, and nobody reads it.

**Upkeep** (``waits_update``). A round reads which (day, office) cells had a ticket called or ended
since its cursor (two range reads on the tickets' ``called_at`` and ``ended_at`` indexes),
recomputes those cells exactly from their tickets (one GROUP BY each way over an office-day's
tickets, about 80 rows) and moves the cursor, in one database transaction: a failure leaves the
cursor where it was and the round is done again, to the same result. The ticket's path does nothing
more for it.

**Why a time cursor, and the settle.** Tickets change after they are inserted (called, ended), so no
growing id follows them. The cursor is a moment: a round takes the tickets called or ended in
``(through, now − SETTLE]`` and moves ``through`` to the window's end. A ticket's step stamps its
time just before its transaction commits (a single-row update), so a step stamped before
``now − SETTLE`` has long committed when the round reads it. A transfer (which takes a called ticket
back to waiting) stamps nothing: its office-day is corrected at the next call or end there.

**Rebuild** (``waits_rebuild``, and the first round on a database): every cell of a period
recomputed by the same GROUP BY over the days' tickets, the cursor moved to ``now − SETTLE``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone

from pishkhan.catalogue.selectors import service_groupings
from pishkhan.common.calendar import TEHRAN
from pishkhan.frontoffice.models import Ticket, WaitCursor, WaitDay, WaitHour
from pishkhan.frontoffice.states import TicketState
from pishkhan.offices.selectors import office_places

CURSOR = "tickets"
# A ticket's step is read once this long has passed since it was stamped (see the module's doc).
SETTLE = dt.timedelta(seconds=30)
# The most time one round covers: at the national peak about 70 steps a second, ~40,000 steps.
SPAN = dt.timedelta(minutes=10)
# Offices whose day one statement recomputes.
OFFICES_CHUNK = 500

Cell = tuple[dt.date, int]  # (day, office id)

_WAIT = ExpressionWrapper(F("called_at") - F("issued_at"), output_field=DurationField())
_SERVICE = ExpressionWrapper(F("ended_at") - F("called_at"), output_field=DurationField())
_SERVED = Q(state=TicketState.SERVED, called_at__isnull=False)
_FIGURES = {
    "called": Count("pk", filter=Q(called_at__isnull=False)),
    "wait": Sum(_WAIT, filter=Q(called_at__isnull=False)),
    "served": Count("pk", filter=_SERVED),
    "service": Sum(_SERVICE, filter=_SERVED),
}


def _seconds(value: dt.timedelta | None) -> int:
    return round(value.total_seconds()) if value is not None else 0


def _keys(office_ids: Iterable[int], service_ids: Iterable[int]) -> tuple[dict, dict]:
    agencies = {pk: row["agency_id"] for pk, row in service_groupings(service_ids).items()}
    return office_places(office_ids), agencies


def _figures(tickets) -> tuple[list[WaitDay], list[WaitHour]]:
    """The rows of the cells of these tickets (a queryset of whole office-days)."""
    by_service = list(
        tickets.values("day", "office_id", "service_id")
        .annotate(**_FIGURES, no_shows=Count("pk", filter=Q(state=TicketState.NO_SHOW)))
        .order_by()
    )
    by_hour = list(
        tickets.annotate(hour=ExtractHour("issued_at", tzinfo=TEHRAN))
        .values("day", "office_id", "hour")
        .annotate(**_FIGURES)
        .order_by()
    )
    offices, agencies = _keys(
        (row["office_id"] for row in by_service), (row["service_id"] for row in by_service)
    )
    days = [
        WaitDay(
            day=row["day"],
            office_id=row["office_id"],
            service_id=row["service_id"],
            province_id=offices[row["office_id"]]["province_id"],
            county_id=offices[row["office_id"]]["county_id"],
            agency_id=agencies[row["service_id"]],
            called=row["called"],
            wait_seconds=_seconds(row["wait"]),
            served=row["served"],
            service_seconds=_seconds(row["service"]),
            no_shows=row["no_shows"],
        )
        for row in by_service
        if row["called"]  # a service whose tickets all still wait has no figure yet
    ]
    hours = [
        WaitHour(
            day=row["day"],
            office_id=row["office_id"],
            hour=row["hour"],
            province_id=offices[row["office_id"]]["province_id"],
            called=row["called"],
            wait_seconds=_seconds(row["wait"]),
            served=row["served"],
            service_seconds=_seconds(row["service"]),
        )
        for row in by_hour
        if row["called"]
    ]
    return days, hours


def cells_recompute(cells: set[Cell]) -> int:
    """Recompute these (day, office) cells exactly from their tickets: their rows deleted and written
    again; how many rows were written. Call it inside the caller's transaction."""
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for day, office_id in cells:
        by_day[day].append(office_id)
    written = 0
    for day, office_ids in by_day.items():
        for first in range(0, len(office_ids), OFFICES_CHUNK):
            chunk = office_ids[first : first + OFFICES_CHUNK]
            WaitDay.objects.filter(day=day, office_id__in=chunk).delete()
            WaitHour.objects.filter(day=day, office_id__in=chunk).delete()
            days, hours = _figures(Ticket.objects.filter(day=day, office_id__in=chunk))
            WaitDay.objects.bulk_create(days)
            WaitHour.objects.bulk_create(hours)
            written += len(days) + len(hours)
    return written


def _cursor() -> WaitCursor | None:
    """The upkeep's cursor, locked; None when there is none yet."""
    return WaitCursor.objects.select_for_update().filter(name=CURSOR).first()


def _touched(start: dt.datetime, end: dt.datetime) -> set[Cell]:
    """The (day, office) cells with a ticket called or ended in ``(start, end]``."""
    cells: set[Cell] = set()
    for stamp in ("called_at", "ended_at"):
        rows = (
            Ticket.objects.filter(**{f"{stamp}__gt": start, f"{stamp}__lte": end})
            .values_list("day", "office_id")
            .distinct()
            .order_by()
        )
        cells.update(rows)
    return cells


def waits_update(*, now: dt.datetime | None = None, settle: dt.timedelta = SETTLE) -> int:
    """One round of the waits' upkeep: the cells with a ticket called or ended since the cursor (and
    ``settle`` ago at the latest) recomputed, the cursor moved, in one database transaction; how many
    cells were recomputed (the first round ever: a full rebuild, and how many rows it wrote)."""
    now = now or timezone.now()
    if not WaitCursor.objects.filter(name=CURSOR).exists():
        return waits_rebuild(now=now)
    with transaction.atomic():
        cursor = _cursor()
        if cursor is None:  # pragma: no cover - deleted between the two statements
            return 0
        end = min(now - settle, cursor.through + SPAN)
        if end <= cursor.through:
            return 0
        cells = _touched(cursor.through, end)
        if cells:
            cells_recompute(cells)
        cursor.through = end
        cursor.save(update_fields=["through"])
    return len(cells)


def waits_behind(*, now: dt.datetime | None = None) -> bool:
    """Whether the upkeep is more than a round's span behind (a worker that was down): the job then
    runs again at once rather than waiting its interval."""
    now = now or timezone.now()
    through = WaitCursor.objects.filter(name=CURSOR).values_list("through", flat=True).first()
    return through is not None and through < now - SETTLE - SPAN


def waits_rebuild(
    *, first: dt.date | None = None, last: dt.date | None = None, now: dt.datetime | None = None
) -> int:
    """Recompute the figures of the days of issue [first, last] (both None: every day) exactly from
    the tickets; without a period the cursor moves to ``now − SETTLE`` (every step before it is in
    the rebuilt rows). How many rows were written."""
    now = now or timezone.now()
    with transaction.atomic():
        cursor = _cursor()
        if cursor is None:
            first = last = None  # no figures yet: all of them, whatever was asked
            try:
                with transaction.atomic():
                    WaitCursor.objects.create(name=CURSOR, through=now - SETTLE)
            except IntegrityError:
                pass  # another worker made it meanwhile
            cursor = WaitCursor.objects.select_for_update().get(name=CURSOR)
        whole = first is None and last is None
        tickets = Ticket.objects.all()
        stale: dict[str, Any] = {}
        if first is not None:
            tickets, stale = tickets.filter(day__gte=first), {"day__gte": first}
        if last is not None:
            tickets, stale = tickets.filter(day__lte=last), stale | {"day__lte": last}
        WaitDay.objects.filter(**stale).delete()
        WaitHour.objects.filter(**stale).delete()
        days, hours = _figures(tickets)
        WaitDay.objects.bulk_create(days, batch_size=2000)
        WaitHour.objects.bulk_create(hours, batch_size=2000)
        if whole:
            cursor.through = now - SETTLE
            cursor.save(update_fields=["through"])
    return len(days) + len(hours)
