"""Pages of offices' monthly scores: a province's offices ranked, the provinces side by side (the
regulator), an office's score with what lowered it and its trend, and the weights (the regulator).

Who sees what (``selectors.score_scope``, permission ``supervision.scores``): the regulator every
province (it picks one to see its ranking); a directorate or an inspector their province; an office's
operator only their own office's page (the list sends them there; any other office is a 404). Both
lists export to CSV and XLSX with the page's filters.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import Principal, has_perm, permission_required, principal_from_request
from pishkhan.common.errors import ApplicationError, ValidationError
from pishkhan.common.exports import Column, export_format, export_response
from pishkhan.common.forms import errors_onto
from pishkhan.geo.selectors import province_list
from pishkhan.supervision import selectors, services
from pishkhan.supervision.forms import ScoreWeightsForm
from pishkhan.supervision.models import ScoreWeight
from pishkhan.supervision.scores import JalaliMonth

PAGE_SIZE = 50
TREND_MONTHS = 12


def _principal(request: HttpRequest) -> Principal:
    principal = principal_from_request(request)
    if principal is None:  # permission_required lets no stranger through; this guards a misuse
        raise PermissionDenied
    return principal


def _scope(principal: Principal) -> dict[str, str]:
    scope = selectors.score_scope(principal)
    if scope is None:
        raise PermissionDenied(_("You may not see offices' scores."))
    return scope


def _persian() -> bool:
    return (translation.get_language() or "").startswith("fa")


def _month_asked(request: HttpRequest) -> JalaliMonth | None:
    """The month in ``?month=1405-09`` (None when not given); a malformed one is a ValidationError."""
    text = request.GET.get("month", "").strip()
    return JalaliMonth.parse(text) if text else None


def _month_choices() -> list[tuple[str, str]]:
    persian = _persian()
    return [
        (JalaliMonth(row.year, row.month).code, JalaliMonth(row.year, row.month).name(persian=persian))
        for row in selectors.score_months()[:36]
    ]


def _ranking_columns() -> list[Column]:
    return [
        Column(_("Rank"), lambda s: s.rank),
        Column(_("Office code"), lambda s: s.office.code),
        Column(_("Office"), lambda s: s.office.name),
        Column(_("County"), lambda s: s.county.name_fa if _persian() else s.county.name_en),
        Column(_("Score"), lambda s: s.score),
        Column(_("Final"), lambda s: s.final),
    ]


def _provinces_columns() -> list[Column]:
    return [
        Column(_("Province code"), lambda p: p.province_code),
        Column(_("Province"), lambda p: p.province_name_fa if _persian() else p.province_name_en),
        Column(_("Offices scored"), lambda p: p.count),
        Column(_("Mean"), lambda p: p.mean),
        Column(_("Median"), lambda p: p.median),
        Column(_("Worst decile"), lambda p: p.worst_decile),
    ]


@permission_required("supervision.scores")
def score_list(request: HttpRequest) -> HttpResponse:
    """A month's ranking of a province's offices; for the regulator without a province, the provinces
    side by side. An office's operator is sent to their office's page."""
    scope = _scope(_principal(request))
    if "office" in scope:
        return redirect("supervision:score_office", code=scope["office"])
    try:
        wanted = export_format(request)
        month = _month_asked(request) or selectors.score_month_latest()
        province = scope.get("province") or request.GET.get("province", "").strip()
        rows = (
            None
            if month is None or not province
            else selectors.office_score_list(scope=scope, month=month, province=province)
        )
    except ValidationError as refused:
        return render(
            request,
            "supervision/scores_list.html",
            {"error": refused.detail, "months": _month_choices(), "provinces": province_list()},
            status=422,
        )
    national = "province" not in scope
    context = {
        "month": month,
        "month_name": month.name(persian=_persian()) if month else "",
        "months": _month_choices(),
        "national": national,
        "provinces": province_list() if national else [],
        "province": province,
        "may_configure": has_perm(_principal(request), "supervision.configure"),
    }
    if month is not None and rows is None:
        spreads = selectors.province_score_spreads(scope=scope, month=month)
        if wanted:
            return export_response(
                rows=spreads,
                columns=_provinces_columns(),
                filename=f"province-scores-{month.code}",
                format=wanted,
            )
        context["spreads"] = spreads
    elif rows is not None:
        if wanted:
            return export_response(
                rows=rows.iterator(),
                columns=_ranking_columns(),
                filename=f"office-scores-{province}-{month.code}",
                format=wanted,
            )
        context["page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context["province_name"] = next(
            (p.name_fa if _persian() else p.name_en for p in province_list() if p.code == province), province
        )
    return render(request, "supervision/scores_list.html", context)


@permission_required("supervision.scores")
def score_office(request: HttpRequest, code: str) -> HttpResponse:
    """An office's score for a month (its latest by default): its rank, what lowered it, its trend."""
    scope = _scope(_principal(request))
    try:
        month = _month_asked(request)
    except ValidationError as refused:
        return render(
            request,
            "supervision/scores_list.html",
            {"error": refused.detail, "months": _month_choices(), "national": False},
            status=422,
        )
    try:
        score = selectors.office_score_get(code=code, scope=scope, month=month)
    except ApplicationError:
        raise Http404(code) from None
    trend = selectors.office_score_trend(office_id=score.office_id, months=TREND_MONTHS)
    persian = _persian()
    return render(
        request,
        "supervision/scores_office.html",
        {
            "score": score,
            "month_name": JalaliMonth(score.year, score.month).name(persian=persian),
            "lines": selectors.score_breakdown(score),
            "trend": [
                (JalaliMonth(s.year, s.month), JalaliMonth(s.year, s.month).name(persian=persian), s)
                for s in trend
            ],
            "province_size": selectors.province_score_count(score=score),
        },
    )


@permission_required("supervision.configure")
def score_weights(request: HttpRequest) -> HttpResponse:
    """The score's weights (the regulator); POST saves them all, or none when one is out of range."""
    principal = _principal(request)
    weights = list(ScoreWeight.objects.order_by("id"))
    status = 200
    if request.method == "POST":
        form = ScoreWeightsForm(request.POST, weights=weights)
        if form.is_valid():
            try:
                services.score_weights_set(changes=form.changes(), actor=principal)
            except ApplicationError as exc:
                errors_onto(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, _("The score's weights are saved. They count from the next computation.")
                )
                return redirect("supervision:score_weights")
        else:
            status = 422
    else:
        form = ScoreWeightsForm(weights=weights)
    return render(request, "supervision/scores_weights.html", {"form": form}, status=status)
