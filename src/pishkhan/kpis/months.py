"""Jalali months as spans of Tehran days, and a period split into whole months and edge days: the
calendar of the monthly rollups (``MonthRollup``), shared by their upkeep and their readers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import jdatetime

from pishkhan.common.calendar import jalali_date


def month_first(day: dt.date) -> dt.date:
    """The first day (Gregorian) of the Jalali month ``day`` lies in."""
    return day - dt.timedelta(days=jalali_date(day).day - 1)


def month_next(day: dt.date) -> dt.date:
    """The first day (Gregorian) of the Jalali month after the one ``day`` lies in."""
    j = jalali_date(day)
    year, month = (j.year + 1, 1) if j.month == 12 else (j.year, j.month + 1)
    return jdatetime.date(year, month, 1).togregorian()


def months_between(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """The first days of the Jalali months that the days [first, last] touch."""
    month = month_first(first)
    while month <= last:
        yield month
        month = month_next(month)


def period_split(
    first: dt.date, last: dt.date
) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
    """The days [first, last] as the whole Jalali months within them (the first days of the first and
    of the last whole month, or None) and the edge days outside them (a list of [first, last] spans:
    at most one before the months and one after; the whole period if it holds no whole month)."""
    start = first if month_first(first) == first else month_next(first)
    end = month_first(last + dt.timedelta(days=1))  # the day after the last whole month
    if start >= end:
        return None, [(first, last)]
    edges = []
    if first < start:
        edges.append((first, start - dt.timedelta(days=1)))
    if end <= last:
        edges.append((end, last))
    return (start, month_first(end - dt.timedelta(days=1))), edges
