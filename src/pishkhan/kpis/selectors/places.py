"""Places, the callers' jurisdictions and periods, and the grouped reads of the rollups that every
measure shares."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import Principal
from pishkhan.catalogue.models import Agency, Service
from pishkhan.common.calendar import jalali_date
from pishkhan.common.errors import NotFoundError, PermissionDeniedError, ValidationError
from pishkhan.geo.models import County, Province
from pishkhan.kpis.models import DailyRollup, MonthRollup
from pishkhan.kpis.months import period_split
from pishkhan.offices.models import Office

LEVELS = ("national", "province", "county", "agency", "office")
GROUPS = ("province", "county", "office", "agency", "service", "month", "year")
# What a level is broken down by unless asked otherwise.
DEFAULT_BY = {
    "national": "province",
    "province": "county",
    "county": "office",
    "agency": "service",
    "office": "service",
}
PERIOD_MAX_DAYS = 3 * 366
PARALLEL_KINDS = ("e_city", "social_security", "health_insurance", "ict")
# A month's visit report is on time when made by this day of the following Jalali month.
REPORT_DUE_DAY = 10


# --- Places, jurisdictions and periods --------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The Tehran days [first, last], both included."""

    first: dt.date
    last: dt.date

    @classmethod
    def of(cls, first: dt.date, last: dt.date) -> Period:
        """A period, checked: in order and at most ``PERIOD_MAX_DAYS`` long (422 otherwise)."""
        if last < first:
            raise ValidationError(_("The period ends before it starts."), fields={"to": _("Before 'from'.")})
        if (last - first).days + 1 > PERIOD_MAX_DAYS:
            message = _("A period spans at most %(days)d days.") % {"days": PERIOD_MAX_DAYS}
            raise ValidationError(message, fields={"to": message})
        return cls(first, last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def before(self) -> Period:
        """The period of the same length just before this one: the default comparison."""
        return Period(self.first - dt.timedelta(days=self.days), self.first - dt.timedelta(days=1))


@dataclass(frozen=True)
class Place:
    """Where a measure looks: its level, code, name, and its filter on the rollups."""

    level: str
    code: str
    name: str
    filters: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Jurisdiction:
    """What a caller may read, as filters on the rollups (empty: the nation)."""

    kind: str
    filters: dict[str, int]
    province_id: int | None = None
    agency_id: int | None = None
    office_id: int | None = None


def jurisdiction_of(principal: Principal) -> Jurisdiction:
    """The caller's reach as rollup filters; a jurisdiction whose place no longer exists reaches
    nothing (a filter on id 0)."""
    kind, code = principal.jurisdiction_kind, principal.jurisdiction_code
    if principal.is_national:
        return Jurisdiction("national", {})
    if kind == "province":
        pk = Province.objects.filter(code=code).values_list("pk", flat=True).first() or 0
        return Jurisdiction(kind, {"province_id": pk}, province_id=pk)
    if kind == "agency":
        pk = Agency.objects.filter(code=code).values_list("pk", flat=True).first() or 0
        return Jurisdiction(kind, {"agency_id": pk}, agency_id=pk)
    row = Office.objects.filter(code=code).values("pk", "province_id").first() or {"pk": 0, "province_id": 0}
    return Jurisdiction(
        "office", {"office_id": row["pk"]}, province_id=row["province_id"], office_id=row["pk"]
    )


def place_resolve(*, level: str, code: str, jurisdiction: Jurisdiction) -> Place:
    """The place a caller asks for, checked: an unknown level or a missing code is a 422, an unknown
    place or one outside the caller's jurisdiction a 404, the nation asked by a caller whose
    jurisdiction is a province or an office a 403 (an agency's reach is its services nationwide)."""
    if level not in LEVELS:
        message = _("Choose a level among: %(levels)s.") % {"levels": ", ".join(LEVELS)}
        raise ValidationError(message, fields={"level": message})
    code = (code or "").strip()
    if level == "national":
        if jurisdiction.kind in {"province", "office"}:
            raise PermissionDeniedError(_("You may see your own jurisdiction only."))
        return Place("national", "", _("Iran"))
    if not code:
        message = _("Give the code of the place.")
        raise ValidationError(message, fields={"code": message})
    missing = NotFoundError(_("No such place in your jurisdiction."))
    if level == "province":
        row = Province.objects.filter(code=code).values("pk", "name_fa").first()
        if row is None or jurisdiction.province_id not in (None, row["pk"]) or jurisdiction.office_id:
            raise missing
        return Place(level, code, row["name_fa"], {"province_id": row["pk"]})
    if level == "county":
        row = County.objects.filter(code=code).values("pk", "name_fa", "province_id").first()
        if (
            row is None
            or jurisdiction.province_id not in (None, row["province_id"])
            or jurisdiction.office_id
        ):
            raise missing
        return Place(level, code, row["name_fa"], {"county_id": row["pk"]})
    if level == "agency":
        row = Agency.objects.filter(code=code).values("pk", "name_fa").first()
        if row is None or jurisdiction.agency_id not in (None, row["pk"]) or jurisdiction.office_id:
            raise missing
        return Place(level, code, row["name_fa"], {"agency_id": row["pk"]})
    row = Office.objects.filter(code=code).values("pk", "name", "province_id").first()
    if (
        row is None
        or jurisdiction.province_id not in (None, row["province_id"])
        or jurisdiction.office_id not in (None, row["pk"])
    ):
        raise missing
    return Place(level, code, row["name"], {"office_id": row["pk"]})


def group_check(by: str, place: Place) -> str:
    """The breakdown asked for (or the level's default), checked (422)."""
    by = by or DEFAULT_BY[place.level]
    if by not in GROUPS:
        message = _("Choose a breakdown among: %(groups)s.") % {"groups": ", ".join(GROUPS)}
        raise ValidationError(message, fields={"by": message})
    return by


@dataclass(frozen=True)
class Rollups:
    """The counter's rollups of a place over a period. ``daily``: the daily rows of the period's days
    (what an office's figures, a breakdown by office or by day read). Above the office, ``months``: the
    monthly rows of the whole Jalali months within the period, and ``edges``: the daily rows of the
    days outside them (None when there are none): their sums are the daily rows' sums, from far fewer
    rows."""

    daily: QuerySet[DailyRollup]
    months: QuerySet[MonthRollup] | None = None
    edges: QuerySet[DailyRollup] | None = None

    def parts(self) -> list[QuerySet]:
        """The querysets whose sums together are the period's (disjoint days)."""
        if self.months is None:
            return [self.daily]
        return [self.months] if self.edges is None else [self.months, self.edges]


def rollups_for(filters: dict[str, Any], period: Period) -> Rollups:
    """The rollups of the period under these filters (on the keys both levels share; a filter on an
    office reads the daily rows only)."""
    daily = DailyRollup.objects.filter(day__gte=period.first, day__lte=period.last, **filters)
    if any(name.split("__")[0] in {"office_id", "office", "office_kind"} for name in filters):
        return Rollups(daily)
    whole, edge_days = period_split(period.first, period.last)
    if whole is None:
        return Rollups(daily)
    months = MonthRollup.objects.filter(month__gte=whole[0], month__lte=whole[1], **filters)
    edges = None
    if edge_days:
        days = Q()
        for first, last in edge_days:
            days |= Q(day__gte=first, day__lte=last)
        edges = DailyRollup.objects.filter(days, **filters)
    return Rollups(daily, months, edges)


def rollups_in(place: Place, jurisdiction: Jurisdiction, period: Period) -> Rollups:
    """The rollups of a place within the caller's jurisdiction over the period."""
    return rollups_for({**place.filters, **jurisdiction.filters}, period)


def _summed(parts: Iterable[Iterable[dict[str, Any]]], key: str, sums: dict[str, Any]) -> dict[Any, dict]:
    """Grouped rows of several parts, added up per key."""
    found: dict[Any, dict[str, Any]] = {}
    for rows in parts:
        for row in rows:
            if row[key] not in found:
                found[row[key]] = dict(row)
                continue
            into = found[row[key]]
            for name in sums:
                into[name] = (into[name] or 0) + (row[name] or 0)
    return found


def rollups_by_key(rollups: Rollups | QuerySet, key: str, sums: dict[str, Any]) -> dict[Any, dict]:
    """``{key value: row}``: the rollups summed per value of ``key`` (a column both levels have)."""
    parts = rollups.parts() if isinstance(rollups, Rollups) else [rollups]
    return _summed((part.values(key).annotate(**sums).order_by() for part in parts), key, sums)


_GROUP_KEY = {
    "province": "province_id",
    "county": "county_id",
    "office": "office_id",
    "agency": "agency_id",
    "service": "service_id",
}


def group_names(by: str, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{id: (code, name)}`` of the groups."""
    ids = set(ids)
    if by == "province":
        rows = Province.objects.filter(pk__in=ids).values_list("pk", "code", "name_fa")
    elif by == "county":
        rows = County.objects.filter(pk__in=ids).values_list("pk", "code", "name_fa")
    elif by == "office":
        rows = Office.objects.filter(pk__in=ids).values_list("pk", "code", "name")
    elif by == "agency":
        rows = Agency.objects.filter(pk__in=ids).values_list("pk", "code", "name_fa")
    else:
        rows = Service.objects.filter(pk__in=ids).values_list("pk", "code", "title_fa")
    return {pk: (code, name) for pk, code, name in rows}


def rollups_grouped(
    rollups: Rollups | QuerySet, by: str, sums: dict[str, Any]
) -> list[tuple[str, str, dict]]:
    """The rollups summed per group: ``[(code, name, figures)]``, in code order (months and years in
    the Jalali calendar, coded ``1405-09`` and ``1405``; days, for the dashboards, by ISO date and
    named by their Jalali date ``1405/09/16``). Per office or per day from the daily rows; per place,
    agency, service, month or year from the monthly rows and the edge days' daily rows."""
    if isinstance(rollups, Rollups):
        if by in {"office", "day"} or rollups.months is None:
            rollups = rollups.daily
        else:
            return _grouped_parts(rollups, by, sums)
    if by in _GROUP_KEY:
        key = _GROUP_KEY[by]
        rows = list(rollups.values(key).annotate(**sums).order_by())
        names = group_names(by, (row[key] for row in rows))
        found = [(*names.get(row[key], (str(row[key]), "")), row) for row in rows]
        return sorted(found, key=lambda item: item[0])
    per_day = rollups.values("day").annotate(**sums).order_by()
    if by == "day":
        days = sorted(per_day, key=lambda row: row["day"])
        return [(row["day"].isoformat(), jalali_date(row["day"]).strftime("%Y/%m/%d"), row) for row in days]
    buckets: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(sums, 0))
    for row in per_day:
        day = jalali_date(row["day"])
        label = f"{day.year}-{day.month:02d}" if by == "month" else str(day.year)
        for name in sums:
            buckets[label][name] += row[name] or 0
    return [(label, label, figures) for label, figures in sorted(buckets.items())]


def _grouped_parts(rollups: Rollups, by: str, sums: dict[str, Any]) -> list[tuple[str, str, dict]]:
    """``rollups_grouped`` over the monthly rows and the edge days' daily rows."""
    if by in _GROUP_KEY:
        key = _GROUP_KEY[by]
        found = rollups_by_key(rollups, key, sums)
        names = group_names(by, found)
        return sorted(
            ((*names.get(pk, (str(pk), "")), row) for pk, row in found.items()), key=lambda item: item[0]
        )
    buckets: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(sums, 0))

    def add(moment: dt.date, row: dict[str, Any]) -> None:
        day = jalali_date(moment)
        label = f"{day.year}-{day.month:02d}" if by == "month" else str(day.year)
        for name in sums:
            buckets[label][name] += row[name] or 0

    months = rollups.months if rollups.months is not None else MonthRollup.objects.none()
    for row in months.values("month").annotate(**sums).order_by():
        add(row["month"], row)
    if rollups.edges is not None:
        for row in rollups.edges.values("day").annotate(**sums).order_by():
            add(row["day"], row)
    return [(label, label, figures) for label, figures in sorted(buckets.items())]


def rollups_totals(rollups: Rollups | QuerySet, sums: dict[str, Any]) -> dict[str, int]:
    """The rollups' sums over the whole period (0 where there is nothing)."""
    parts = rollups.parts() if isinstance(rollups, Rollups) else [rollups]
    totals = dict.fromkeys(sums, 0)
    for part in parts:
        for name, value in part.aggregate(**sums).items():
            totals[name] += value or 0
    return totals
