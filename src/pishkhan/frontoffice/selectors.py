"""The front office's reads: an office's ratings in aggregate (its public page, its monthly score);
its queue now and its usual wait at an hour (its public page); the daily wait figures (the KPIs) and
the hourly ones per office (supervision's comparison with the province's offices)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, QuerySet, Sum
from django.utils import timezone

from pishkhan.common.calendar import to_tehran
from pishkhan.frontoffice.models import Rating, Ticket, WaitDay, WaitHour
from pishkhan.frontoffice.states import TicketState

# The days the "usual" wait at an hour is taken from, and how many of them must have figures.
USUAL_DAYS = 28
USUAL_MIN_DAYS = 3


@dataclass(frozen=True)
class RatingSummary:
    """An office's ratings in aggregate: how many, and their mean (None without any)."""

    count: int
    mean: float | None


def office_rating_summary(*, office_id: int) -> RatingSummary:
    """All the ratings of an office, in aggregate (no comment, nothing of any citizen)."""
    row = Rating.objects.filter(office_id=office_id).aggregate(count=Count("id"), mean=Avg("stars"))
    return RatingSummary(count=row["count"], mean=float(row["mean"]) if row["mean"] is not None else None)


def ratings_for_score(*, start: dt.datetime, end: dt.datetime) -> dict[int, float]:
    """Per office id, the mean stars (1–5) of the ratings given in ``[start, end)`` (the score's
    ``ratings`` component)."""
    rows = (
        Rating.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("office_id")
        .annotate(mean=Avg("stars"))
    )
    return {row["office_id"]: float(row["mean"]) for row in rows}


def office_queue_length(*, office_id: int, now: dt.datetime | None = None) -> int:
    """How many tickets of the office wait now (today's, not yet called)."""
    today = timezone.localdate(now or timezone.now())
    return Ticket.objects.filter(office_id=office_id, day=today, state=TicketState.WAITING).count()


def office_wait_usual(*, office_id: int, now: dt.datetime | None = None) -> int | None:
    """The office's usual wait, in whole minutes, for a ticket issued at this hour (Tehran): the
    median, over the last ``USUAL_DAYS`` days with tickets called at this hour, of each day's mean
    wait at this hour (a bad day does not make the figure). None with fewer than ``USUAL_MIN_DAYS``
    such days."""
    local = to_tehran(now or timezone.now())
    rows = WaitHour.objects.filter(
        office_id=office_id,
        hour=local.hour,
        day__gte=local.date() - dt.timedelta(days=USUAL_DAYS),
        day__lte=local.date(),
        called__gt=0,
    ).values_list("called", "wait_seconds")
    means = [seconds / called for called, seconds in rows]
    if len(means) < USUAL_MIN_DAYS:
        return None
    return round(statistics.median(means) / 60)


def wait_days_in(*, first: dt.date, last: dt.date, **filters: int) -> QuerySet[WaitDay]:
    """The daily wait figures of the Tehran days [first, last], filtered by the grouping keys
    (``province_id``, ``county_id``, ``office_id``, ``agency_id``, ``service_id``): the KPIs group
    these rows as they group the counter's rollups."""
    return WaitDay.objects.filter(day__gte=first, day__lte=last, **filters)


def office_hour_waits(*, first: dt.date, last: dt.date) -> dict[int, dict[str, Any]]:
    """Per office of the days [first, last]: its province and, per hour of issue (Tehran), the
    tickets called and the sum of their waits in seconds: ``{office_id: {"province_id": …, "hours":
    {hour: (called, wait_seconds)}}}``. One GROUP BY over the hourly figures."""
    rows = (
        WaitHour.objects.filter(day__gte=first, day__lte=last)
        .values("office_id", "province_id", "hour")
        .annotate(called=Sum("called"), wait=Sum("wait_seconds"))
        .order_by()
    )
    found: dict[int, dict[str, Any]] = defaultdict(lambda: {"province_id": None, "hours": {}})
    for row in rows:
        office = found[row["office_id"]]
        office["province_id"] = row["province_id"]
        office["hours"][row["hour"]] = (row["called"], row["wait"])
    return dict(found)
