"""Issue 21 §1 in common: the text no input needs, dates within the Jalali range, strict money, bounded
pages, and Jalali display that never fails on a date stored before the bounds."""

from __future__ import annotations

import datetime as dt

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pishkhan.common.calendar import (
    FIRST_DAY,
    LAST_DAY,
    Day,
    Instant,
    format_jalali_date,
    format_jalali_datetime,
)
from pishkhan.common.money import Rials
from pishkhan.common.pagination import Pagination
from pishkhan.common.persian import ZWNJ, as_written, text_refusal


@pytest.mark.parametrize(
    "text", ["\ud800", "a\x00b", "a\x1bb", "\x85", "\u202eexe.gnp", "a\u202ab", "\u2066x\u2069", "a\u200bb",
             "a\u2060b", "\ufeffa"],
)  # fmt: skip
def test_text_with_a_surrogate_control_override_or_zero_width_is_refused(text):
    assert text_refusal(text)


@pytest.mark.parametrize("text", ["می\u200cکنند", "a\u200db", "Tehran \u200fتهران", "line\nbreak\ttab", ""])
def test_persian_joiners_marks_and_whitespace_are_taken(text):
    assert text_refusal(text) is None


def test_what_a_page_stores_loses_overrides_and_zero_widths_but_keeps_zwnj():
    assert as_written("\u202eدفتر\u200b پیشخوان\u2069") == "دفتر پیشخوان"
    assert as_written(f"می{ZWNJ}کنند") == f"می{ZWNJ}کنند"


class Dated(pydantic.BaseModel):
    day: Day
    at: Instant | None = None
    fee: Rials = 0


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1900-01-01", "2200-01-01", "2121-03-21"])
def test_a_day_outside_the_jalali_range_is_refused(day):
    with pytest.raises(pydantic.ValidationError):
        Dated(day=day)


def test_the_first_and_last_days_are_taken():
    assert Dated(day=FIRST_DAY.isoformat()).day == FIRST_DAY
    assert Dated(day=LAST_DAY.isoformat(), at="2121-03-20T20:00:00Z").day == LAST_DAY
    with pytest.raises(pydantic.ValidationError):
        Dated(day=LAST_DAY, at="9999-12-31T23:59:59Z")


@pytest.mark.parametrize("fee", [True, "1100000", 1.0, -1, 10**15 + 1])
def test_money_is_a_strict_bounded_integer(fee):
    with pytest.raises(pydantic.ValidationError):
        Dated(day=FIRST_DAY, fee=fee)


def test_the_page_and_its_size_are_bounded():
    Input = Pagination.Input
    assert Input(page=1_000_000, page_size=200).page == 1_000_000
    for bad in ({"page": 1_000_001}, {"page": 0}, {"page_size": 201}, {"page": 184467440737095518}):
        with pytest.raises(pydantic.ValidationError):
            Input(**bad)


@given(st.dates(), st.booleans())
def test_a_jalali_date_is_shown_for_any_date(day, persian):
    assert format_jalali_date(day, persian=persian)
    assert format_jalali_date(day, long=True, persian=persian)


@given(st.datetimes(timezones=st.just(dt.UTC)))
def test_a_jalali_date_and_time_is_shown_for_any_instant(at):
    assert format_jalali_datetime(at)
