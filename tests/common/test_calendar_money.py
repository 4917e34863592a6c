import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

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
