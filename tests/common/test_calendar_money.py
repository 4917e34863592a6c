import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from pishkhan.common import calendar, money
from pishkhan.common.errors import ValidationError


def test_nowruz_1405_is_the_first_of_farvardin():
    assert calendar.format_jalali_date(dt.date(2026, 3, 21), persian=False) == "1405/01/01"


def test_an_instant_late_in_the_utc_day_is_already_the_next_day_in_tehran():
    # 21:00 UTC is 00:30 the next day in Tehran (UTC+03:30).
    instant = dt.datetime(2026, 11, 27, 21, 0, tzinfo=dt.UTC)
    assert calendar.format_jalali_datetime(instant, persian=False) == "1405/09/07 00:30"


def test_long_format_names_the_month_in_both_languages():
    day = dt.date(2026, 11, 28)
    assert calendar.format_jalali_date(day, long=True) == "۷ آذر ۱۴۰۵"
    assert calendar.format_jalali_date(day, long=True, persian=False) == "7 Azar 1405"


def test_jalali_year_changes_at_nowruz():
    assert calendar.jalali_year(dt.date(2026, 3, 20)) == 1404
    assert calendar.jalali_year(dt.date(2026, 3, 21)) == 1405


@pytest.mark.parametrize(
    ("typed", "day", "which"),
    [
        ("1405/09/14", dt.date(2026, 12, 5), "jalali"),
        ("۱۴۰۵/۰۹/۱۴", dt.date(2026, 12, 5), "jalali"),
        ("1405-9-14", dt.date(2026, 12, 5), "jalali"),
        ("2026-12-05", dt.date(2026, 12, 5), "gregorian"),  # not the Jalali year 2026
        ("۲۰۲۶/۱۲/۰۵", dt.date(2026, 12, 5), "gregorian"),
        ("1403/12/30", dt.date(2025, 3, 20), "jalali"),  # 1403 is a leap year
        ("1300/01/01", dt.date(1921, 3, 21), "jalali"),
        ("1499/12/29", dt.date(2121, 3, 20), "jalali"),
    ],
)
def test_a_typed_date_is_read_in_the_calendar_its_year_belongs_to(typed, day, which):
    parsed = calendar.date_parse(typed)

    assert parsed.day == day
    assert parsed.calendar == which


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("0001/01/01", "The year 1 is out of range"),
        ("1299/12/29", "The year 1299 is out of range"),
        ("1700-01-01", "The year 1700 is out of range"),
        ("9999/99/99", "out of range"),
        ("1404/12/30", "no day 30 of month 12 in the Jalali year 1404"),
        ("2026-02-29", "no day 29 of month 2 in the Gregorian year 2026"),
        ("1405/13/01", "no day 1 of month 13"),
        ("yesterday", "year/month/day"),
        ("14050914", "year/month/day"),
    ],
)
def test_a_date_out_of_range_or_that_does_not_exist_is_refused_saying_why(typed, words):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        calendar.date_parse(typed)

    assert words in refused.value.detail


def test_the_refusal_is_in_persian_with_persian_digits():
    with translation.override("fa"), pytest.raises(ValidationError) as refused:
        calendar.date_parse("0001/01/01")

    assert "سال ۱ بیرون از بازه است" in refused.value.detail
    assert "۱۳۰۰" in refused.value.detail


@given(
    st.text(max_size=40)
    | st.tuples(st.integers(-10, 10**6), st.integers(-5, 99), st.integers(-5, 99)).map(
        lambda parts: "/".join(str(part) for part in parts)
    )
)
def test_reading_a_date_is_total_a_date_or_a_refusal_never_another_error(typed):
    try:
        parsed = calendar.date_parse(typed)
    except ValidationError:
        return
    assert calendar.FIRST_DAY.replace(month=1, day=1) <= parsed.day <= dt.date(2121, 12, 31)


def test_rials_are_grouped_with_persian_separators():
    assert money.format_rials(12_500_000) == "۱۲٬۵۰۰٬۰۰۰"
    assert money.format_rials(12_500_000, persian=False) == "12,500,000"


@pytest.mark.parametrize("value", [-1, 1.5, "100", True, 10**16])
def test_rials_check_refuses_what_is_not_a_plausible_amount(value):
    with pytest.raises(ValidationError):
        money.rials_check(value, field="fee")


def test_rials_check_accepts_whole_amounts():
    assert money.rials_check(250_000, field="fee") == 250_000


def test_template_filters_follow_the_active_language():
    template = Template("{{ when|jdate }} {{ fee|rials }} {{ n|number }}")
    context = Context({"when": dt.date(2026, 11, 28), "fee": 1_250_000, "n": 79926270})
    with translation.override("fa"):
        assert template.render(context) == "۱۴۰۵/۰۹/۰۷ ۱٬۲۵۰٬۰۰۰ ریال ۷۹٬۹۲۶٬۲۷۰"
    with translation.override("en"):
        assert template.render(context) == "1405/09/07 1,250,000 rials 79,926,270"
