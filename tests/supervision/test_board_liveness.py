"""Offices' liveness: the state of one office decided pair by pair (pure), a scope classified from one
query, the offline-in-hours list the alert rule reads, and availability for the monthly score."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pishkhan.common.calendar import TEHRAN
from pishkhan.supervision.liveness import (
    LivenessState,
    Thresholds,
    availability_for_score,
    counts_by_area,
    liveness_rows,
    liveness_state,
    offices_offline_in_hours,
    opened_at,
    versions_in_use,
)
from pishkhan.transactions.services import heartbeat_record
from tests.licensing.factories import imported
from tests.offices.factories import (
    ARDESTAN_CITY,
    ARDESTAN_COUNTY,
    ISFAHAN_PROVINCE,
    TEHRAN_PROVINCE,
    make_agency,
    make_office,
    make_service,
)
from tests.supervision.conftest import past_transaction, priced

T = Thresholds(quiet=dt.timedelta(minutes=10), offline=dt.timedelta(minutes=30))
# A Sunday (weekday 1 of the Iranian week), 10:00 in Tehran: offices with the usual hours are open.
NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=TEHRAN)
OPENED = NOW.replace(hour=8)
HOURS = {str(day): [["08:00", "16:00"]] for day in range(5)}


def minutes_ago(minutes: float) -> dt.datetime:
    return NOW - dt.timedelta(minutes=minutes)


# --- One office, pair by pair ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("open_since", "last_heard", "expected"),
    [
        (None, minutes_ago(1), LivenessState.CLOSED),  # outside its hours, whatever it sends
        (None, None, LivenessState.CLOSED),
        (OPENED, minutes_ago(0), LivenessState.ONLINE),
        (OPENED, minutes_ago(9.9), LivenessState.ONLINE),
        (OPENED, minutes_ago(10), LivenessState.QUIET),  # the quiet threshold is reached
        (OPENED, minutes_ago(29.9), LivenessState.QUIET),
        (OPENED, minutes_ago(30), LivenessState.OFFLINE),  # the offline threshold is reached
        (OPENED, None, LivenessState.OFFLINE),  # never heard, open two hours
        (OPENED, minutes_ago(60 * 20), LivenessState.OFFLINE),  # silent since yesterday
        # Opened five minutes ago, silent since last night: not heard yet, not offline yet.
        (minutes_ago(5), minutes_ago(60 * 14), LivenessState.QUIET),
        (minutes_ago(5), None, LivenessState.QUIET),
        # Opened 31 minutes ago, silent since last night: offline (silence counted in its hours).
        (minutes_ago(31), minutes_ago(60 * 14), LivenessState.OFFLINE),
    ],
)
def test_state_of_one_office(open_since, last_heard, expected):
    assert liveness_state(now=NOW, open_since=open_since, last_heard=last_heard, thresholds=T) == expected


def test_opened_at_is_the_start_of_the_period_holding_the_instant():
    hours = {"1": [["08:00", "12:00"], ["13:30", "16:00"]]}

    assert opened_at(hours, NOW) == OPENED
    assert opened_at(hours, NOW.replace(hour=14)) == NOW.replace(hour=13, minute=30)
    assert opened_at(hours, NOW.replace(hour=12, minute=30)) is None  # the lunch break
    assert opened_at(hours, NOW.replace(hour=16)) is None  # closes at 16:00
    assert opened_at(hours, NOW + dt.timedelta(days=5)) is None  # Friday


def test_a_period_open_across_midnight_began_the_day_before():
    # Open 18:00 to midnight on one day and from midnight to 02:00 on the next: one evening shift.
    day = NOW.date()
    weekday = str((NOW.weekday() + 2) % 7)  # the Iranian weekday of NOW (Saturday is 0)
    next_day = str((int(weekday) + 1) % 7)
    hours = {weekday: [["18:00", "24:00"]], next_day: [["00:00", "02:00"]]}
    after_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 40), tzinfo=NOW.tzinfo)

    assert opened_at(hours, after_midnight) == dt.datetime.combine(day, dt.time(18), tzinfo=NOW.tzinfo)


def test_an_office_open_round_the_clock_does_not_open_anew_each_midnight():
    always = {str(day): [["00:00", "24:00"]] for day in range(7)}
    just_after_midnight = dt.datetime.combine(NOW.date(), dt.time(0, 20), tzinfo=NOW.tzinfo)

    assert opened_at(always, just_after_midnight) <= just_after_midnight - dt.timedelta(days=6)


# --- A scope at once -------------------------------------------------------------------------------


@pytest.fixture
def offices(geo_loaded):
    """Five Tehran offices open on weekdays 08:00–16:00 and one in Isfahan open 14:00–20:00."""
    made = {name: make_office(n, opening_hours=HOURS) for n, name in enumerate(
        ["online", "quiet", "offline", "never", "other"], start=1
    )}  # fmt: skip
    made["isfahan"] = make_office(
        6,
        province=ISFAHAN_PROVINCE,
        county=ARDESTAN_COUNTY,
        place=ARDESTAN_CITY,
        opening_hours={"1": [["14:00", "20:00"]]},
    )
    return made


def _beat(office, at, version="1.4.0", terminal="T1"):
    heartbeat_record(office=office, terminal_id=terminal, software_version=version, at=at)


def test_a_scope_is_classified_from_one_query(offices):
    _beat(offices["online"], minutes_ago(2), version="2.0.1")
    _beat(offices["quiet"], minutes_ago(15))
    _beat(offices["offline"], minutes_ago(45))
    _beat(offices["other"], minutes_ago(1), version="2.0.1")

    with CaptureQueriesContext(connection) as queries:
        rows = liveness_rows(now=NOW)

    assert len(queries) == 1
    states = {row.code: row.state for row in rows}
    assert states == {
        offices["online"].code: LivenessState.ONLINE,
        offices["quiet"].code: LivenessState.QUIET,
        offices["offline"].code: LivenessState.OFFLINE,
        offices["never"].code: LivenessState.OFFLINE,
        offices["other"].code: LivenessState.ONLINE,
        offices["isfahan"].code: LivenessState.CLOSED,  # opens at 14:00
    }
    by_code = {row.code: row for row in rows}
    assert by_code[offices["offline"].code].silent_since == minutes_ago(45)
    assert by_code[offices["never"].code].silent_since == OPENED
    assert by_code[offices["online"].code].software_version == "2.0.1"
    assert versions_in_use(rows) == [("1.4.0", 2), ("2.0.1", 2)]


def test_a_transaction_is_a_sign_of_life(offices):
    service = make_service(make_agency(), "pension-statement")
    priced(service)
    imported(offices["never"], status="active")
    past_transaction(offices["never"], minutes_ago(3), "H-1")

    row = next(row for row in liveness_rows(now=NOW) if row.code == offices["never"].code)

    assert row.last_heard == minutes_ago(3)
    assert row.state == LivenessState.ONLINE


def test_counts_per_province_and_per_county(offices):
    _beat(offices["online"], minutes_ago(2))

    provinces = counts_by_area(liveness_rows(now=NOW), by="province")
    counties = counts_by_area(liveness_rows(now=NOW, province=TEHRAN_PROVINCE), by="county")

    tehran = next(area for area in provinces if area.code == TEHRAN_PROVINCE)
    isfahan = next(area for area in provinces if area.code == ISFAHAN_PROVINCE)
    assert (tehran.online, tehran.quiet, tehran.offline, tehran.closed) == (1, 0, 4, 0)
    assert (isfahan.online, isfahan.closed, isfahan.total) == (0, 1, 1)
    assert [area.code for area in counties] == ["2301"]
    assert counties[0].total == 5


def test_a_directorate_scope_sees_its_province_only(offices):
    rows = liveness_rows(now=NOW, scope={"province": ISFAHAN_PROVINCE})

    assert [row.code for row in rows] == [offices["isfahan"].code]


def test_offline_in_hours_for_the_alert_rule(offices):
    _beat(offices["online"], minutes_ago(2))
    _beat(offices["quiet"], minutes_ago(15))
    _beat(offices["offline"], minutes_ago(45))
    _beat(offices["other"], minutes_ago(90))

    found = offices_offline_in_hours(now=NOW, minutes=40)

    # Silent the longest first: never heard (since 08:00), then 90 and 45 minutes.
    assert found == [
        (offices["never"].pk, OPENED),
        (offices["other"].pk, minutes_ago(90)),
        (offices["offline"].pk, minutes_ago(45)),
    ]
    assert offices_offline_in_hours(now=NOW, minutes=100) == [(offices["never"].pk, OPENED)]
    assert offices_offline_in_hours(now=NOW, minutes=40, province=ISFAHAN_PROVINCE) == []


def test_availability_is_the_share_of_opening_hours_heard_in(offices):
    # Sunday 08:00–16:00 is eight opening hours; the online office is heard in six of them.
    day = NOW.replace(hour=0)
    for hour in (8, 9, 10, 11, 12, 13):
        _beat(offices["online"], day.replace(hour=hour, minute=20))
    _beat(offices["online"], day.replace(hour=19, minute=5))  # outside its hours: does not count
    _beat(offices["isfahan"], day.replace(hour=15, minute=0))  # one of its six hours (14–20)

    shares = availability_for_score(start=day, end=day + dt.timedelta(days=1))

    assert shares[offices["online"].pk] == pytest.approx(6 / 8)
    assert shares[offices["quiet"].pk] == 0.0
    assert shares[offices["isfahan"].pk] == pytest.approx(1 / 6)


def test_availability_counts_only_the_hours_inside_the_period(offices):
    day = NOW.replace(hour=0)
    _beat(offices["online"], day.replace(hour=8, minute=50))

    shares = availability_for_score(start=day.replace(hour=8, minute=30), end=day.replace(hour=9, minute=30))

    # 30 open minutes from 08:30 and 30 from 09:00; the first half-hour was heard.
    assert shares[offices["online"].pk] == pytest.approx(0.5)
