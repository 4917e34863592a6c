"""Opening hours: their shape, and whether an office is open at an instant (Tehran time, Iranian week)."""

import datetime as dt

import pytest

from pishkhan.common.errors import ValidationError
from pishkhan.offices.hours import (
    DEFAULT_OPENING_HOURS,
    iranian_weekday,
    is_open,
    opening_hours_clean,
    time_of_day_clean,
)

UTC = dt.UTC
# Saturday 1 June 2024 (the first day of the Iranian week); Tehran is UTC+3:30 all year since 2022.
SATURDAY = dt.date(2024, 6, 1)


def test_saturday_is_day_zero_and_friday_day_six():
    assert iranian_weekday(SATURDAY) == 0
    assert iranian_weekday(SATURDAY + dt.timedelta(days=6)) == 6


def test_hours_are_cleaned_sorted_and_persian_digits_read():
    cleaned = opening_hours_clean({1: [["۱۶:۰۰", "۱۹:۰۰"], ["08:00", "12:30"]], "۰": [], "5": []})

    assert cleaned == {"1": [["08:00", "12:30"], ["16:00", "19:00"]]}


@pytest.mark.parametrize(
    "hours",
    [
        [],
        {"7": [["08:00", "16:00"]]},
        {"-1": [["08:00", "16:00"]]},
        {"x": [["08:00", "16:00"]]},
        {"0": [["16:00", "08:00"]]},
        {"0": [["08:00", "08:00"]]},
        {"0": [["8:00", "16:00"]]},
        {"0": [["08:00", "24:30"]]},
        {"0": [["08:00", "16:00", "18:00"]]},
        {"0": [["08:00", "12:00"], ["11:00", "14:00"]]},
        {"0": "08:00-16:00"},
        {"0": [[8, 16]]},
        {"0": [["08:00", "09:00"]] * 5},
    ],
)
def test_malformed_hours_are_refused(hours):
    with pytest.raises(ValidationError) as refused:
        opening_hours_clean(hours)

    assert list(refused.value.fields) == ["opening_hours"]


def test_open_inside_a_range_in_tehran_time():
    hours = {"0": [["08:00", "16:00"]]}
    # 04:30 UTC is 08:00 in Tehran: opening minute; 12:30 UTC is 16:00: closed again.
    opening = dt.datetime.combine(SATURDAY, dt.time(4, 30), tzinfo=UTC)
    closing = dt.datetime.combine(SATURDAY, dt.time(12, 30), tzinfo=UTC)

    assert is_open(hours, opening) is True
    assert is_open(hours, opening - dt.timedelta(minutes=1)) is False
    assert is_open(hours, closing - dt.timedelta(minutes=1)) is True
    assert is_open(hours, closing) is False


def test_the_default_week_closes_on_friday_and_thursday_afternoon():
    friday_noon = dt.datetime.combine(SATURDAY + dt.timedelta(days=6), dt.time(8, 30), tzinfo=UTC)
    thursday_afternoon = dt.datetime.combine(SATURDAY + dt.timedelta(days=5), dt.time(10, 30), tzinfo=UTC)
    wednesday_noon = dt.datetime.combine(SATURDAY + dt.timedelta(days=4), dt.time(8, 30), tzinfo=UTC)

    assert is_open(DEFAULT_OPENING_HOURS, friday_noon) is False
    assert is_open(DEFAULT_OPENING_HOURS, thursday_afternoon) is False
    assert is_open(DEFAULT_OPENING_HOURS, wednesday_noon) is True


def test_a_day_until_midnight():
    hours = {"0": [["20:00", "24:00"]]}
    late = dt.datetime.combine(SATURDAY, dt.time(20, 29), tzinfo=UTC)  # 23:59 in Tehran

    assert is_open(hours, late) is True


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("08:30", "08:30"), ("8:30", "08:30"), ("۸", "08:00"), ("۱۶:۰۰", "16:00"), (" 24:00 ", "24:00")],
)
def test_a_typed_time_of_day_is_read_on_the_24_hour_clock(typed, stored):
    assert time_of_day_clean(typed) == stored


@pytest.mark.parametrize("typed", ["8am", "24:30", "25:00", "12:60", "4 pm", "", "1:2", "16:00-08:00"])
def test_what_is_not_a_time_on_the_24_hour_clock_is_refused(typed):
    assert time_of_day_clean(typed) is None
