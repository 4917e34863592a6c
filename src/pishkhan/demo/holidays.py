"""Iran's official holidays, for shaping the demo's history: the days government offices are closed.

Pure (no Django). Ten holidays follow the solar (Jalali) calendar and sixteen the lunar (Hijri)
one. Iran fixes lunar months by sighting the new moon, which no formula predicts; the arithmetic
(tabular) Islamic calendar used here lands on the observed day or one day off, which is as close
as synthetic traffic needs.
"""

from __future__ import annotations

import datetime as dt

import jdatetime

# (Jalali month, day): Nowruz (1–4 Farvardin), Islamic Republic Day, Nature Day (Sizdah Bedar), the
# death of Imam Khomeini and the uprising of 15 Khordad, the Revolution's victory, the
# nationalisation of oil.
SOLAR_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(1, 1), (1, 2), (1, 3), (1, 4), (1, 12), (1, 13), (3, 14), (3, 15), (11, 22), (12, 29)}
)
# (Hijri month, day): Tasua and Ashura, Arbaeen, the Prophet's death, Imam Reza's martyrdom (the
# last day of Safar: its 29th in the arithmetic calendar), Imam Hasan Askari's martyrdom, the
# Prophet's birthday, Fatima's martyrdom, Imam Ali's birthday, the Mab'ath, the 15th of Sha'ban,
# Imam Ali's martyrdom, Eid al-Fitr (two days), Imam Sadegh's martyrdom, Eid al-Adha, Eid al-Ghadir.
LUNAR_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {
        (1, 9), (1, 10), (2, 20), (2, 28), (2, 29), (3, 8), (3, 17), (6, 3), (7, 13), (7, 27),
        (8, 15), (9, 21), (10, 1), (10, 2), (10, 25), (12, 10), (12, 18),
    }
)  # fmt: skip
# Nowruz: closed 1–4 Farvardin (above); until Sizdah Bedar (13 Farvardin) people travel and offices
# see little traffic.
NOWRUZ_QUIET_UNTIL = 13

# 1 Muharram of year 1 (16 July 622 in the Julian calendar) as a proleptic Gregorian ordinal.
_HIJRI_EPOCH = dt.date(622, 7, 19).toordinal()
_HIJRI_CYCLE_DAYS = 10631  # 30 lunar years: 19 of 354 days and 11 of 355
_HIJRI_LEAP_YEARS = frozenset({2, 5, 7, 10, 13, 16, 18, 21, 24, 26, 29})


def hijri_date(day: dt.date) -> tuple[int, int, int]:
    """(year, month, day) of a Gregorian date in the arithmetic Islamic calendar.

    Months alternate 30 and 29 days; the twelfth has 30 in the 11 leap years of each 30-year cycle.
    """
    cycles, rest = divmod(day.toordinal() - _HIJRI_EPOCH, _HIJRI_CYCLE_DAYS)
    year = 30 * cycles
    for year_in_cycle in range(1, 31):
        length = 355 if year_in_cycle in _HIJRI_LEAP_YEARS else 354
        if rest < length:
            break
        rest -= length
    year += year_in_cycle
    leap = year_in_cycle in _HIJRI_LEAP_YEARS
    for month in range(1, 13):
        length = 30 if month % 2 or (month == 12 and leap) else 29
        if rest < length:
            return year, month, rest + 1
        rest -= length
    raise AssertionError("a lunar year has twelve months")  # unreachable: the year's days are counted


def is_official_holiday(day: dt.date) -> bool:
    """Whether ``day`` is one of Iran's official holidays (lunar ones possibly a day off)."""
    jalali = jdatetime.date.fromgregorian(date=day)
    if (jalali.month, jalali.day) in SOLAR_HOLIDAYS:
        return True
    _year, month, date = hijri_date(day)
    return (month, date) in LUNAR_HOLIDAYS


def iranian_weekday(day: dt.date) -> int:
    """The weekday of the Iranian week: 0 = Saturday … 6 = Friday (the keys of offices' hours)."""
    return (day.weekday() + 2) % 7
