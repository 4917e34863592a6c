"""An office's standing: its month's score and rank in its province, and its citizens' ratings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg
from django.utils.translation import gettext as _

from pishkhan.common.calendar import TEHRAN, jalali_date
from pishkhan.common.errors import ValidationError
from pishkhan.frontoffice.models import Rating
from pishkhan.frontoffice.selectors import office_rating_summary
from pishkhan.kpis.selectors.places import Jurisdiction, Period, Place
from pishkhan.supervision.models import OfficeScore


@dataclass(frozen=True)
class OfficeStanding:
    """How an office stands: the score (0–100) of the period's last Jalali month and its rank among
    the province's offices (None before the month is scored), its ratings in the period and ever."""

    score: float | None
    rank: int | None
    ranked: int  # offices scored in the province that month
    final: bool
    score_year: int
    score_month: int
    ratings_mean: float | None  # in the period
    ratings_count: int  # ever
    ratings_mean_ever: float | None


def office_standing(*, place: Place, jurisdiction: Jurisdiction, period: Period) -> OfficeStanding:
    """The office's score and rank for the Jalali month of the period's last day, and its ratings."""
    if place.level != "office":
        message = _("Ask for an office.")
        raise ValidationError(message, fields={"level": message})
    office_id = place.filters["office_id"]
    month = jalali_date(period.last)
    scores = OfficeScore.objects.filter(year=month.year, month=month.month)
    own = scores.filter(office_id=office_id).values("score", "rank", "final", "province_id").first()
    ranked = scores.filter(province_id=own["province_id"]).count() if own else 0
    start = dt.datetime.combine(period.first, dt.time.min, tzinfo=TEHRAN)
    end = dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time.min, tzinfo=TEHRAN)
    ever = office_rating_summary(office_id=office_id)
    mean = Rating.objects.filter(office_id=office_id, created_at__gte=start, created_at__lt=end).aggregate(
        mean=Avg("stars")
    )["mean"]
    return OfficeStanding(
        score=own["score"] if own else None,
        rank=own["rank"] if own else None,
        ranked=ranked,
        final=bool(own and own["final"]),
        score_year=month.year,
        score_month=month.month,
        ratings_mean=float(mean) if mean is not None else None,
        ratings_count=ever.count,
        ratings_mean_ever=ever.mean,
    )
