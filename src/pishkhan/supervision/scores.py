"""The components of an office's monthly score, as a registry: each a function giving a figure per
office for a Jalali month, registered by whatever computes it.

``fn(*, start, end) -> dict[int, float]``: the figure of each office (by id) for the month
``[start, end)`` (Tehran midnights). One is built in: ``overcharges`` (transactions charged above the
tariff, read through ``transactions.selectors``); ``apps.py`` registers it and the rest, from their
parts of supervision: complaints closed as upheld
(``selectors.complaints_for_score``), alerts weighted by severity (``selectors.alerts_for_score``), the
mean inspection score (``selectors.inspections_for_score``), the share of opening hours heard from
(``liveness.availability_for_score``); the mean rating once citizens rate transactions. A component
not registered, or without a figure for an office, is left out of that office's score and its weight
shared among the others (``scoring.office_score``); the breakdown says so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import jdatetime
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.common.calendar import MONTHS_EN, MONTHS_FA, TEHRAN
from pishkhan.common.errors import ValidationError
from pishkhan.common.persian import to_latin_digits, to_persian_digits
from pishkhan.supervision.models import ScoreComponent
from pishkhan.transactions.selectors import overcharges_by_office

ComponentFn = Callable[..., dict[int, float]]

_components: dict[str, ComponentFn] = {}


def score_component_register(code: str, fn: ComponentFn) -> None:
    """Register (or replace) the function giving a component's figure per office for a month."""
    if code not in ScoreComponent.values:
        raise ValueError(f"unknown score component {code!r}")
    _components[code] = fn


def score_component_unregister(code: str) -> None:
    """Forget a component's function (its weight then goes to the others); for tests and rollbacks."""
    _components.pop(code, None)


def score_components() -> dict[str, ComponentFn]:
    """The registered components' functions, by code."""
    return dict(_components)


# --- Jalali months --------------------------------------------------------------------------------

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class JalaliMonth:
    """A Jalali month: ``1405-09`` is Azar 1405."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str, *, field: str = "month") -> JalaliMonth:
        """``1405-09`` or ``۱۴۰۵/۹``; a ``ValidationError`` naming ``field`` for anything else."""
        found = _MONTH.match(to_latin_digits(text or ""))
        if found is None or not 1 <= int(found.group(2)) <= 12 or not 1300 <= int(found.group(1)) < 1500:
            message = _("Give a Jalali month as year-month, e.g. 1405-09.")
            raise ValidationError(message, fields={field: message})
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def of(cls, moment: dt.datetime) -> JalaliMonth:
        """The month a moment falls in, in Tehran."""
        day = jdatetime.date.fromgregorian(date=timezone.localtime(moment, TEHRAN).date())
        return cls(day.year, day.month)

    @property
    def start(self) -> dt.datetime:
        """Its first midnight in Tehran."""
        day = jdatetime.date(self.year, self.month, 1).togregorian()
        return dt.datetime.combine(day, dt.time.min, tzinfo=TEHRAN)

    @property
    def end(self) -> dt.datetime:
        """The next month's first midnight in Tehran."""
        return self.next().start

    def next(self) -> JalaliMonth:
        return JalaliMonth(self.year + 1, 1) if self.month == 12 else JalaliMonth(self.year, self.month + 1)

    def previous(self) -> JalaliMonth:
        return JalaliMonth(self.year - 1, 12) if self.month == 1 else JalaliMonth(self.year, self.month - 1)

    @property
    def code(self) -> str:
        """``1405-09``."""
        return f"{self.year:04d}-{self.month:02d}"

    def name(self, *, persian: bool = True) -> str:
        """``Azar 1405`` or ``آذر ۱۴۰۵``."""
        if persian:
            return f"{MONTHS_FA[self.month - 1]} {to_persian_digits(str(self.year))}"
        return f"{MONTHS_EN[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return self.code


# --- The built-in components ----------------------------------------------------------------------


def overcharges_for_score(*, start: dt.datetime, end: dt.datetime) -> dict[int, float]:
    """Transactions charged above the tariff in force, per office, in the month."""
    return {
        office_id: float(count) for office_id, count in overcharges_by_office(start=start, end=end).items()
    }


# What an alert of each severity weighs in the ``alerts`` component (a critical one as three warnings).
SEVERITY_WEIGHTS = {"critical": 3.0, "warning": 1.0, "info": 0.25}
# What a complaint closed with each outcome weighs in ``complaints_upheld``.
OUTCOME_WEIGHTS = {"upheld": 1.0, "partly_upheld": 0.5}


def alerts_weighted(counts: dict[int, dict[str, int]]) -> dict[int, float]:
    """Per office, its alerts (counts by severity) as one figure, each weighed by its severity."""
    return {
        office_id: sum(SEVERITY_WEIGHTS.get(severity, 1.0) * count for severity, count in by_severity.items())
        for office_id, by_severity in counts.items()
    }


def complaints_upheld_weighted(figures: dict[int, dict[str, int]]) -> dict[int, float]:
    """Per office, its complaints closed as upheld (whole) or partly upheld (half) as one figure."""
    return {
        office_id: sum(weight * by_outcome.get(outcome, 0) for outcome, weight in OUTCOME_WEIGHTS.items())
        for office_id, by_outcome in figures.items()
    }


def score_components_builtin_register() -> None:
    """Register the components supervision computes today (``apps.py``)."""
    score_component_register(ScoreComponent.OVERCHARGES, overcharges_for_score)
