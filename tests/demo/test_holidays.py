"""Iran's official holidays and the Iranian week, as the demo's history uses them (pure: no database)."""

import datetime as dt

import jdatetime
import pytest

from pishkhan.demo.holidays import hijri_date, iranian_weekday, is_official_holiday


def _jalali(year: int, month: int, day: int) -> dt.date:
    return jdatetime.date(year, month, day).togregorian()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(622, 7, 19), (1, 1, 1)),  # the epoch
        (dt.date(2025, 7, 6), (1447, 1, 10)),  # Ashura 1447, observed in Iran on 15 Tir 1404
        (dt.date(2025, 3, 31), (1446, 10, 1)),  # Eid al-Fitr 1446, observed on 11 Farvardin 1404
    ],
)
def test_the_arithmetic_hijri_calendar_lands_on_observed_days(day, expected):
    assert hijri_date(day) == expected


def test_a_hijri_year_runs_month_by_month_without_gaps():
    day, seen = dt.date(2025, 6, 27), []  # 1 Muharram 1447 in the arithmetic calendar
    while hijri_date(day)[0] == 1447:
        seen.append(hijri_date(day))
        day += dt.timedelta(days=1)
    assert seen[0] == (1447, 1, 1)
    assert [m for _, m, d in seen if d == 1] == list(range(1, 13))
    assert len(seen) in (354, 355)
    assert hijri_date(day) == (1448, 1, 1)


@pytest.mark.parametrize("jalali", [(1405, 1, 1), (1405, 1, 4), (1405, 1, 13), (1404, 11, 22), (1404, 3, 14)])
def test_solar_holidays_are_holidays(jalali):
    assert is_official_holiday(_jalali(*jalali))


def test_ordinary_days_are_not_holidays():
    assert not is_official_holiday(_jalali(1405, 1, 5))  # Nowruz is over, Sizdah Bedar not yet
    assert not is_official_holiday(_jalali(1404, 9, 10))
    assert not is_official_holiday(dt.date(2025, 7, 8))  # 12 Muharram


def test_the_iranian_week_starts_on_saturday():
    assert iranian_weekday(dt.date(2026, 11, 28)) == 0  # a Saturday
    assert iranian_weekday(dt.date(2026, 11, 26)) == 5  # Thursday
    assert iranian_weekday(dt.date(2026, 11, 27)) == 6  # Friday
