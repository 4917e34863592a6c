"""Offices' monthly scores in the API: ``scores`` (a month's, ranked) and ``scores/{office_code}``.

Readers hold ``supervision.scores`` and see their jurisdiction (``selectors.score_scope``): the
regulator every province, a directorate or inspector their province, an office's operator only
their own office; any other office is a 404.

No ``from __future__ import annotations`` here: ninja's ``@paginate`` wraps a view, and the wrapper
cannot resolve string annotations against this module.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, require
from pishkhan.common.errors import PermissionDeniedError
from pishkhan.common.pagination import Pagination
from pishkhan.supervision import selectors
from pishkhan.supervision.models import OfficeScore
from pishkhan.supervision.schemas import (
    OfficeScoreDetailOut,
    OfficeScoreOut,
    ScoreListIn,
)
from pishkhan.supervision.scores import JalaliMonth

router = Router(auth=api_auth)

PAGE_SIZE = 100


def _scope(request: HttpRequest) -> dict[str, str]:
    principal: Principal = request.auth  # type: ignore[attr-defined]
    require(principal, "supervision.scores")
    scope = selectors.score_scope(principal)
    if scope is None:
        raise PermissionDeniedError(_("You may not see offices' scores."))
    return scope


@router.get("/scores", response=list[OfficeScoreOut], summary="Offices' scores for a month, ranked")
@paginate(Pagination, page_size=PAGE_SIZE)
def score_list(request: HttpRequest, filters: Query[ScoreListIn]):
    """A Jalali month's scores (by default the latest scored) in your jurisdiction, by province and
    rank (best first), each with its breakdown. 422 for a malformed month or province."""
    scope = _scope(request)
    month = JalaliMonth.parse(filters.month) if filters.month else selectors.score_month_latest()
    if month is None:
        return OfficeScore.objects.none()
    return selectors.office_score_list(scope=scope, month=month, province=filters.province)


@router.get("/scores/{office_code}", response=OfficeScoreDetailOut, summary="One office's score and trend")
def score_detail(request: HttpRequest, office_code: str, month: str | None = None) -> OfficeScore:
    """An office's score for a month (``?month=1405-09``; by default its latest), what lowered it,
    and its last twelve months. 404 for an office without a score or outside your jurisdiction."""
    scope = _scope(request)
    score = selectors.office_score_get(
        code=office_code, scope=scope, month=JalaliMonth.parse(month) if month else None
    )
    return score
