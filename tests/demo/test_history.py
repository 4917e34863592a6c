"""The demo's transaction history: shaped by the week, working hours, Nowruz and population; seeded.

Statistical assertions on a seeded run of a few hundred offices, with tolerances wide enough that
they hold for any seed, narrow enough that a broken shape fails them.
"""

import datetime as dt
from collections import Counter

import jdatetime
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from pishkhan.common.calendar import TEHRAN
from pishkhan.demo.history import (
    FAILED_SHARE,
    NATIONAL_YEAR,
    OVERCHARGE_SHARE,
    REJECTED_SHARE,
    SETTLING,
    day_weight,
    history_build,
)
from pishkhan.demo.holidays import iranian_weekday, is_official_holiday
from pishkhan.demo.network import HOURS_ROUND_THE_CLOCK, network_build
from pishkhan.geo.models import Province
from pishkhan.offices.models import Office
from pishkhan.transactions.models import CounterTransaction, TransactionEvent
from tests.demo.test_network import _spearman

# Esfand 1404 into Farvardin 1405: ordinary weeks, the last busy weeks of the year, Nowruz.
SPRING_END = jdatetime.date(1405, 1, 19).togregorian()
SPRING_DAYS = 35


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(TEHRAN)


@pytest.fixture
def spring(geo_loaded):
    """200 offices and five weeks of their history around Nowruz 1405 at a tenth of the national rate."""
    network_build(offices=200, seed=11, history_days=0)
    report = history_build(days=SPRING_DAYS, scale=0.1, seed=11, end=SPRING_END)
    rows = list(
        CounterTransaction.objects.values_list(
            "recorded_at", "fee_charged", "fee_tariff", "state", "office__province__code", "office__code"
        )
    )
    return report, rows


def test_the_history_follows_the_week_hours_nowruz_and_population_with_some_misconduct(spring):
    """One build, checked for every shape (a build of 200 offices costs seconds)."""
    report, rows = spring
    assert report.transactions == len(rows) > 5_000
    # The week, holidays and hours are those of the offices that keep them: a few work round the
    # clock (demo/network.py), every day of the year.
    round_the_clock = set(
        Office.objects.filter(opening_hours=HOURS_ROUND_THE_CLOCK).values_list("code", flat=True)
    )
    per_day = Counter(
        _local(recorded).date() for recorded, *_, office in rows if office not in round_the_clock
    )

    days = [SPRING_END - dt.timedelta(days=n) for n in range(SPRING_DAYS)]
    fridays = [day for day in days if iranian_weekday(day) == 6]
    assert all(per_day[day] == 0 for day in fridays)
    closed = [day for day in days if is_official_holiday(day)]
    assert jdatetime.date(1405, 1, 1).togregorian() in closed
    assert all(per_day[day] == 0 for day in closed)

    def mean(selected):
        return sum(per_day[day] for day in selected) / len(selected)

    ordinary = [day for day in days if day_weight(day) == 1.0 and iranian_weekday(day) < 5]
    esfand = [day for day in days if day_weight(day) > 1.0 and iranian_weekday(day) < 5]
    thursdays = [day for day in days if iranian_weekday(day) == 5 and day_weight(day) >= 1.0]
    quiet = [day for day in days if 0 < day_weight(day) < 1.0 and iranian_weekday(day) < 5]
    assert ordinary
    assert quiet
    assert mean(thursdays) < 0.7 * mean(esfand)
    assert mean(quiet) < 0.5 * mean(ordinary)
    assert mean(esfand) > mean(ordinary)

    minutes = [
        _local(recorded).hour * 60 + _local(recorded).minute
        for recorded, *_, office in rows
        if office not in round_the_clock
    ]
    assert min(minutes) >= 7 * 60 + 30
    assert max(minutes) < 19 * 60
    assert sum(1 for m in minutes if m < 14 * 60 + 30) / len(minutes) > 0.75

    # Misconduct and mishaps.
    count = len(rows)
    overcharged = sum(1 for _, charged, tariff, *_ in rows if tariff is not None and charged > tariff)
    undercharged = sum(1 for _, charged, tariff, *_ in rows if tariff is not None and charged < tariff)
    states = Counter(state for _, _, _, state, *_ in rows)

    assert undercharged == 0
    assert OVERCHARGE_SHARE / 2 < overcharged / count < OVERCHARGE_SHARE * 1.6
    assert FAILED_SHARE / 2 < states["failed"] / count < FAILED_SHARE * 2
    assert REJECTED_SHARE / 2 < states["rejected"] / count < REJECTED_SHARE * 1.6
    assert set(states) == {"completed", "rejected", "failed"}
    assert TransactionEvent.objects.count() == 3 * count - states["failed"]

    # Population, and the national rate: 200 offices of 13,000 at a tenth of it.
    per_province = Counter(code for *_, code, _office in rows)
    provinces = list(Province.objects.order_by("code"))
    rho = _spearman([per_province[p.code] for p in provinces], [p.population_2016 for p in provinces])
    # The network follows population with a seeded spread between provinces (demo/network.py), and
    # 200 offices are few: the order of provinces still follows their population closely.
    assert rho >= 0.75

    open_days = sum(day_weight(SPRING_END - dt.timedelta(days=n)) > 0 for n in range(SPRING_DAYS))
    expected = NATIONAL_YEAR * 0.1 * 200 / 13_000 * open_days / 300
    assert 0.5 * expected < report.transactions < 2 * expected


def _signature():
    return sorted(
        CounterTransaction.objects.values_list(
            "office__code", "office_reference", "service__code", "fee_charged", "recorded_at", "state"
        )
    )


def test_the_same_seed_builds_the_same_history(geo_loaded):
    network_build(offices=20, seed=5, history_days=0)
    end = timezone.localdate() - dt.timedelta(days=1)

    history_build(days=6, scale=0.3, seed=5, end=end)
    first = _signature()
    CounterTransaction.objects.all().delete()
    history_build(days=6, scale=0.3, seed=5, end=end)
    second = _signature()
    CounterTransaction.objects.all().delete()
    history_build(days=6, scale=0.3, seed=6, end=end)
    other = _signature()

    assert first
    assert first == second
    assert first != other


def test_days_already_built_are_skipped(geo_loaded):
    network_build(offices=20, seed=5, history_days=0)
    end = timezone.localdate() - dt.timedelta(days=1)
    recent = history_build(days=3, scale=0.3, seed=5, end=end)

    longer = history_build(days=8, scale=0.3, seed=5, end=end)

    built_days = {_local(r).date() for r in CounterTransaction.objects.values_list("recorded_at", flat=True)}
    recent_days = {end - dt.timedelta(days=n) for n in range(3)} & built_days
    assert longer.days == 8
    assert longer.days_skipped == len(recent_days)
    assert longer.transactions > 0
    assert CounterTransaction.objects.count() == recent.transactions + longer.transactions


def test_the_demo_command_builds_a_network_with_history_then_adds_missing_days(geo_loaded):
    call_command("demo", "--offices", "25", "--days", "2", "--scale", "0.3", "--seed", "9")
    assert Office.objects.count() == 25
    first = CounterTransaction.objects.count()
    assert first > 0

    call_command("demo", "--days", "5", "--scale", "0.3", "--seed", "9")

    assert CounterTransaction.objects.count() > first
    newest = CounterTransaction.objects.order_by("-recorded_at").first().recorded_at
    assert newest <= timezone.now() - SETTLING  # the history reaches the present, not past it


def test_the_demo_command_refuses_silly_history(geo_loaded):
    with pytest.raises(CommandError, match="--days must be between"):
        call_command("demo", "--offices", "5", "--days", "-1")
    with pytest.raises(CommandError, match="--scale must be"):
        call_command("demo", "--offices", "5", "--scale", "0")
