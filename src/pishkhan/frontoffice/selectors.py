"""The front office's reads: an office's ratings in aggregate (its public page, its monthly score)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count

from pishkhan.frontoffice.models import Rating


@dataclass(frozen=True)
class RatingSummary:
    """An office's ratings in aggregate: how many, and their mean (None without any)."""

    count: int
    mean: float | None


def office_rating_summary(*, office_id: int) -> RatingSummary:
    """All the ratings of an office, in aggregate (no comment, nothing of any citizen)."""
    row = Rating.objects.filter(office_id=office_id).aggregate(count=Count("id"), mean=Avg("stars"))
    return RatingSummary(count=row["count"], mean=float(row["mean"]) if row["mean"] is not None else None)


def ratings_for_score(*, start: dt.datetime, end: dt.datetime) -> dict[int, float]:
    """Per office id, the mean stars (1–5) of the ratings given in ``[start, end)`` (the score's
    ``ratings`` component)."""
    rows = (
        Rating.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("office_id")
        .annotate(mean=Avg("stars"))
    )
    return {row["office_id"]: float(row["mean"]) for row in rows}
