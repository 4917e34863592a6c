"""Offices' liveness: online, quiet, offline or closed, from their heartbeats, transactions and hours.

An office open by its hours (``offices.hours``, Tehran time) is **online** when it was heard from (a
heartbeat or a transaction) in the last ``PISHKHAN_LIVENESS_QUIET_MINUTES``; **offline** when it has
been silent for ``PISHKHAN_LIVENESS_OFFLINE_MINUTES`` of its opening hours; **quiet** in between
(including an office that opened a few minutes ago and has not been heard yet). Outside its hours it
is **closed**, whatever it sends. Silence is counted from the later of its last sign of life and the
start of its present opening period: an office silent since last night is offline half an hour after
it opens, not at once.

:func:`liveness_state` decides one office (pure, tested pair by pair); :func:`liveness_rows`
classifies a whole scope from one query (13,000 offices: one row each, their last heartbeat by a join
and their last transaction by one index probe; each distinct timetable decoded once). The board, the
API, the "offline in its hours" alert rule (:func:`offices_offline_in_hours`) and the monthly score
(:func:`availability_for_score`) all read here, so they agree.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import pgettext_lazy

from pishkhan.common.calendar import TEHRAN, to_tehran
from pishkhan.offices.hours import iranian_weekday, minutes_of
from pishkhan.offices.selectors import office_list_serving
from pishkhan.transactions.selectors import heartbeat_hours, office_heard_annotations

Scope = dict[str, str] | None


class LivenessState(models.TextChoices):
    """What the board says of an office now."""

    ONLINE = "online", pgettext_lazy("liveness", "online")
    QUIET = "quiet", pgettext_lazy("liveness", "quiet")
    OFFLINE = "offline", pgettext_lazy("liveness", "offline")
    CLOSED = "closed", pgettext_lazy("liveness", "closed")


STATES = tuple(LivenessState)


@dataclass(frozen=True)
class Thresholds:
    """How long a silence makes an open office quiet, and how long (in its hours) offline."""

    quiet: dt.timedelta
    offline: dt.timedelta

    @classmethod
    def configured(cls) -> Thresholds:
        """The thresholds of the settings."""
        return cls(
            quiet=dt.timedelta(minutes=settings.PISHKHAN_LIVENESS_QUIET_MINUTES),
            offline=dt.timedelta(minutes=settings.PISHKHAN_LIVENESS_OFFLINE_MINUTES),
        )


# --- One office (pure) ----------------------------------------------------------------------------


def opened_at(hours: Mapping[str, list[list[str]]], at: dt.datetime) -> dt.datetime | None:
    """When the opening period that holds the instant ``at`` began (aware); None when the hours have
    the office closed at ``at``."""
    local = to_tehran(at)
    minute = local.hour * 60 + local.minute
    day = local.date()
    for opens, closes in hours.get(str(iranian_weekday(day)), ()):
        start = minutes_of(opens)
        if start <= minute < minutes_of(closes):
            # A period that opens at midnight goes on from the day before when that day was open to
            # its end: an office open round the clock does not open anew every midnight.
            for _ in range(7):
                if start != 0 or not _open_to_midnight(hours, day - dt.timedelta(days=1)):
                    break
                day -= dt.timedelta(days=1)
                start = min(minutes_of(o) for o, c in hours[str(iranian_weekday(day))] if c == "24:00")
            midnight = dt.datetime.combine(day, dt.time(), tzinfo=TEHRAN)
            return midnight + dt.timedelta(minutes=start)
    return None


def _open_to_midnight(hours: Mapping[str, list[list[str]]], day: dt.date) -> bool:
    """Whether the hours keep the office open until the end of ``day`` (a period closing at 24:00)."""
    return any(closes == "24:00" for _, closes in hours.get(str(iranian_weekday(day)), ()))


def silent_since(*, open_since: dt.datetime, last_heard: dt.datetime | None) -> dt.datetime:
    """Since when an open office has been silent in its hours: its last sign of life, or the start of
    its opening period if that is later (or it was never heard)."""
    return open_since if last_heard is None else max(last_heard, open_since)


def liveness_state(
    *,
    now: dt.datetime,
    open_since: dt.datetime | None,
    last_heard: dt.datetime | None,
    thresholds: Thresholds,
) -> LivenessState:
    """The state of one office at ``now``: closed when ``open_since`` is None (outside its hours),
    online when heard within the quiet threshold, offline after the offline threshold of silence in
    its hours, quiet otherwise."""
    if open_since is None:
        return LivenessState.CLOSED
    if last_heard is not None and now - last_heard < thresholds.quiet:
        return LivenessState.ONLINE
    if now - silent_since(open_since=open_since, last_heard=last_heard) >= thresholds.offline:
        return LivenessState.OFFLINE
    return LivenessState.QUIET


def last_heard_of(beat_at: dt.datetime | None, received_at: dt.datetime | None) -> dt.datetime | None:
    """The later of an office's last heartbeat and its last transaction; None if neither."""
    if beat_at is None or received_at is None:
        return beat_at or received_at
    return max(beat_at, received_at)


# --- A scope at once --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeLive:
    """An office on the board: where it is, its state now, and what it was last heard from."""

    office_id: int
    code: str
    name: str
    province_code: str
    province_name_fa: str
    province_name_en: str
    county_code: str
    county_name_fa: str
    county_name_en: str
    lat: float
    lon: float
    state: LivenessState
    last_heard: dt.datetime | None
    silent_since: dt.datetime | None  # when open and not online: since when it is silent in its hours
    terminal_id: str
    software_version: str


_FIELDS = (
    "pk",
    "code",
    "name",
    "province__code",
    "province__name_fa",
    "province__name_en",
    "county__code",
    "county__name_fa",
    "county__name_en",
    "lat",
    "lon",
    "hours_text",
    "heard_beat_at",
    "heard_received_at",
    "heard_terminal",
    "heard_version",
)


def liveness_rows(
    *,
    now: dt.datetime,
    scope: Scope = None,
    province: str | None = None,
    county: str | None = None,
    thresholds: Thresholds | None = None,
) -> list[OfficeLive]:
    """Every serving office in ``scope`` (and ``province``/``county``) with its state at ``now``, by code.

    One query; a malformed province or county code is a ``ValidationError`` (``offices.selectors``).
    """
    thresholds = thresholds or Thresholds.configured()
    offices = (
        office_list_serving(scope=scope, province=province, county=county)
        .select_related(None)
        .annotate(hours_text=Cast("opening_hours", TextField()), **office_heard_annotations())
        .order_by("code")
        .values_list(*_FIELDS)
    )
    # A network shares a handful of timetables: each is decoded and placed against `now` once.
    open_since_by_text: dict[str, dt.datetime | None] = {}
    rows = []
    for (
        pk, code, name, p_code, p_fa, p_en, c_code, c_fa, c_en, lat, lon, text, beat_at, received_at,
        terminal, version,
    ) in offices:  # fmt: skip
        if text not in open_since_by_text:
            hours = json.loads(text) if text else {}
            open_since_by_text[text] = opened_at(hours if isinstance(hours, dict) else {}, now)
        open_since = open_since_by_text[text]
        heard = last_heard_of(beat_at, received_at)
        state = liveness_state(now=now, open_since=open_since, last_heard=heard, thresholds=thresholds)
        silent = (
            silent_since(open_since=open_since, last_heard=heard)
            if open_since is not None and state != LivenessState.ONLINE
            else None
        )
        rows.append(
            OfficeLive(
                office_id=pk,
                code=code,
                name=name,
                province_code=p_code,
                province_name_fa=p_fa,
                province_name_en=p_en,
                county_code=c_code,
                county_name_fa=c_fa,
                county_name_en=c_en,
                lat=lat,
                lon=lon,
                state=state,
                last_heard=heard,
                silent_since=silent,
                terminal_id=terminal or "",
                software_version=version or "",
            )
        )
    return rows


@dataclass
class StateCounts:
    """How many offices of an area are in each state."""

    code: str
    name_fa: str
    name_en: str
    online: int = 0
    quiet: int = 0
    offline: int = 0
    closed: int = 0

    @property
    def total(self) -> int:
        return self.online + self.quiet + self.offline + self.closed

    def add(self, state: LivenessState) -> None:
        setattr(self, state.value, getattr(self, state.value) + 1)


def counts_by_area(rows: Iterable[OfficeLive], *, by: str) -> list[StateCounts]:
    """The rows counted per province (``by="province"``) or county (``by="county"``), by code."""
    areas: dict[str, StateCounts] = {}
    for row in rows:
        if by == "province":
            key, fa, en = row.province_code, row.province_name_fa, row.province_name_en
        else:
            key, fa, en = row.county_code, row.county_name_fa, row.county_name_en
        area = areas.get(key)
        if area is None:
            area = areas[key] = StateCounts(code=key, name_fa=fa, name_en=en)
        area.add(row.state)
    return [areas[key] for key in sorted(areas)]


def counts_total(rows: Iterable[OfficeLive]) -> StateCounts:
    """The rows counted together."""
    total = StateCounts(code="", name_fa="", name_en="")
    for row in rows:
        total.add(row.state)
    return total


def offline_in_hours(rows: Iterable[OfficeLive]) -> list[OfficeLive]:
    """The offline offices among the rows, silent the longest first."""
    offline = [row for row in rows if row.state == LivenessState.OFFLINE]
    return sorted(offline, key=lambda row: (row.silent_since, row.code))


def versions_in_use(rows: Iterable[OfficeLive]) -> list[tuple[str, int]]:
    """(software version, offices whose last heartbeat came from it), most offices first; offices never
    heard from are left out."""
    counted = Counter(row.software_version for row in rows if row.software_version)
    return sorted(counted.items(), key=lambda item: (-item[1], item[0]))


# --- What other parts of supervision call ----------------------------------------------------------


def offices_offline_in_hours(
    *, now: dt.datetime, minutes: int, province: str | None = None
) -> list[tuple[int, dt.datetime]]:
    """(office id, silent since) of each serving office open at ``now`` that has been silent for at
    least ``minutes`` of its opening hours (quiet or offline), silent the longest first.

    For the alert rule "an office offline in its hours". ``province`` narrows to one province's code.
    """
    limit = dt.timedelta(minutes=minutes)
    found = [
        (row.office_id, row.silent_since)
        for row in liveness_rows(now=now, province=province)
        if row.silent_since is not None and now - row.silent_since >= limit
    ]
    return sorted(found, key=lambda pair: (pair[1], pair[0]))


def _open_minutes_per_hour(
    hours: Mapping[str, list[list[str]]], start: dt.datetime, end: dt.datetime
) -> dict[dt.datetime, int]:
    """Tehran hour (aware) → minutes of it in which the hours have the office open, within [start, end)."""
    first = to_tehran(start).replace(minute=0, second=0, microsecond=0)
    last = to_tehran(end)
    found: dict[dt.datetime, int] = {}
    hour = first
    while hour < last:
        day_ranges = hours.get(str(iranian_weekday(hour.date())), ())
        lower = max(hour, to_tehran(start))
        upper = min(hour + dt.timedelta(hours=1), last)
        minutes = 0
        if day_ranges and lower < upper:
            midnight = dt.datetime.combine(hour.date(), dt.time(), tzinfo=TEHRAN)
            for opens, closes in day_ranges:
                open_at = midnight + dt.timedelta(minutes=minutes_of(opens))
                close_at = midnight + dt.timedelta(minutes=minutes_of(closes))
                overlap = min(upper, close_at) - max(lower, open_at)
                if overlap > dt.timedelta(0):
                    minutes += int(overlap.total_seconds() // 60)
        if minutes:
            found[hour] = minutes
        hour += dt.timedelta(hours=1)
    return found


def availability_for_score(*, start: dt.datetime, end: dt.datetime) -> dict[int, float]:
    """Office id → the share (0..1) of its opening hours in [start, end) in which it was heard from.

    Heartbeats are bucketed per hour of Tehran: an opening hour counts (with the minutes of it the
    office is open) when at least one heartbeat came in it. Serving offices with opening hours in the
    period are listed (0.0 when never heard); for the monthly office score.
    """
    timetables: dict[str, dict[dt.datetime, int]] = {}
    office_hours: dict[int, dict[dt.datetime, int]] = {}
    offices = (
        office_list_serving()
        .select_related(None)
        .annotate(hours_text=Cast("opening_hours", TextField()))
        .order_by()
        .values_list("pk", "hours_text")
    )
    for pk, text in offices:
        if text not in timetables:
            hours = json.loads(text) if text else {}
            timetables[text] = _open_minutes_per_hour(hours if isinstance(hours, dict) else {}, start, end)
        if timetables[text]:
            office_hours[pk] = timetables[text]
    heard: dict[int, int] = defaultdict(int)
    for office_id, hour in heartbeat_hours(start=start, end=end):
        minutes = office_hours.get(office_id, {}).get(to_tehran(hour))
        if minutes:
            heard[office_id] += minutes
    return {pk: heard.get(pk, 0) / sum(per_hour.values()) for pk, per_hour in office_hours.items()}
