"""Planning's pages: the provinces' coverage side by side (``/planning/``) and a province's map,
counties and proposed plans (``/planning/provinces/<code>/``), both exportable to CSV and XLSX.

Who sees what (``selectors.planning_scope``, permission ``planning.view``): the regulator and a
national inspector every province; a directorate, a working group or a provincial inspector their
province (any other is a 404). A province's page takes a POST with a budget of new offices to propose
its plans again; a budget out of range is refused (422) and the stored plans stay as they were.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from shapely.geometry import shape

from pishkhan.accounts.permissions import Principal, permission_required, principal_from_request
from pishkhan.common.errors import ApplicationError, ValidationError
from pishkhan.common.exports import Column, export_format, export_response
from pishkhan.geo.maps import Frame, path_d
from pishkhan.geo.selectors import county_list
from pishkhan.offices.map import dots_d
from pishkhan.planning import selectors
from pishkhan.planning.coverage import offices_in_force, plan_propose
from pishkhan.planning.models import Setting

MAP_WIDTH = 800


def _scope(request: HttpRequest) -> dict[str, str]:
    principal: Principal | None = principal_from_request(request)
    scope = selectors.planning_scope(principal)
    if scope is None:
        raise PermissionDenied(_("You may not see planning."))
    return scope


def _persian() -> bool:
    return (translation.get_language() or "").startswith("fa")


def _province_columns() -> list[Column]:
    return [
        Column(_("Province code"), lambda p: p.code),
        Column(_("Province"), lambda p: p.name_fa if _persian() else p.name_en),
        Column(_("Population"), lambda p: p.population),
        Column(_("Share of urban people covered"), lambda p: p.urban_share),
        Column(_("Share of rural people covered"), lambda p: p.rural_share),
        Column(_("Offices in force"), lambda p: p.offices),
        Column(_("Offices per 100,000 people"), lambda p: p.per_100k),
        Column(_("Under-served counties"), lambda p: p.underserved),
        Column(_("Over-served counties"), lambda p: p.overserved),
    ]


def _county_columns() -> list[Column]:
    return [
        Column(_("County code"), lambda c: c.county.code),
        Column(_("County"), lambda c: c.county.name_fa if _persian() else c.county.name_en),
        Column(_("Urban population"), lambda c: c.urban_population),
        Column(_("Urban covered"), lambda c: c.urban_covered),
        Column(_("Rural population"), lambda c: c.rural_population),
        Column(_("Rural covered"), lambda c: c.rural_covered),
        Column(_("Pishkhan offices"), lambda c: c.pishkhan_offices),
        Column(_("Rural ICT offices"), lambda c: c.ict_offices),
        Column(_("Demand (transactions a year)"), lambda c: round(c.demand)),
        Column(_("Capacity (transactions a year)"), lambda c: round(c.capacity)),
        Column(_("Served"), lambda c: c.get_served_display()),
    ]


@permission_required("planning.view")
def planning_home(request: HttpRequest) -> HttpResponse:
    """The provinces in scope side by side; a provincial user is sent to their province."""
    scope = _scope(request)
    if "province" in scope:
        return redirect("planning:province", code=scope["province"])
    try:
        wanted = export_format(request)
    except ValidationError as refused:
        return render(request, "planning/home.html", {"error": refused.detail}, status=400)
    run = selectors.coverage_run_latest()
    rows = selectors.province_coverages(run=run, scope=scope) if run else []
    if wanted:
        return export_response(
            rows=rows, columns=_province_columns(), filename="coverage-provinces", format=wanted
        )
    return render(request, "planning/home.html", {"run": run, "rows": rows})


@dataclass
class MapDot:
    x: float
    y: float
    covered: bool
    estimated: bool
    name: str
    r: float


@dataclass
class ProvinceMap:
    view_box: str
    counties: list[tuple[str, str]]  # (name, d)
    points: list[MapDot]
    pishkhan_d: str
    ict_d: str
    proposed: list[MapDot]


def _province_map(province: object, points: list, plans: list) -> ProvinceMap | None:
    counties = [c for c in county_list(province_code=province.code) if c.boundary]  # type: ignore[attr-defined]
    if not counties:
        return None
    west, south, east, north = 180.0, 90.0, -180.0, -90.0
    for county in counties:
        w, s, e, n = shape(county.boundary).bounds
        west, south, east, north = min(west, w), min(south, s), max(east, e), max(north, n)
    pad = 0.05 * max(east - west, north - south)
    frame = Frame(west=west - pad, south=south - pad, east=east + pad, north=north + pad, width=MAP_WIDTH)
    offices = offices_in_force(province_id=province.pk)  # type: ignore[attr-defined]

    def dot(lat: float, lon: float, **kw: object) -> MapDot:
        x, y = frame.point(lon, lat)
        return MapDot(x=round(x, 1), y=round(y, 1), **kw)  # type: ignore[arg-type]

    top = max((p.population for p in points), default=1)
    return ProvinceMap(
        view_box=frame.view_box,
        counties=[(c.name_fa, path_d(c.boundary, frame)) for c in counties],
        points=[
            dot(
                p.lat,
                p.lon,
                covered=p.covered,
                estimated=p.estimated,
                name=p.name,
                r=round(2 + 8 * math.sqrt(p.population / top), 1),
            )
            for p in points
        ],
        pishkhan_d=dots_d(((o[3], o[4]) for o in offices if o[2] == "pishkhan"), frame)[0],
        ict_d=dots_d(((o[3], o[4]) for o in offices if o[2] == "ict"), frame)[0],
        proposed=[
            dot(site["lat"], site["lon"], covered=False, estimated=site["estimated"], name=site["name"], r=6)
            for plan in plans
            for site in plan.chosen
        ],
    )


def _budget(request: HttpRequest) -> int:
    text = request.POST.get("budget", "").strip()
    limit = settings.PISHKHAN_PLAN_BUDGET_MAX
    message = _("Give a budget of 1 to %(max)s new offices.") % {"max": limit}
    try:
        budget = int(text)
    except ValueError:
        raise ValidationError(message, fields={"budget": message}) from None
    if not 1 <= budget <= limit:
        raise ValidationError(message, fields={"budget": message})
    return budget


@permission_required("planning.view")
def planning_province(request: HttpRequest, code: str) -> HttpResponse:
    """A province: its coverage, the map, its counties and the proposed plans (POST: propose again)."""
    scope = _scope(request)
    try:
        province = selectors.province_get_scoped(code=code, scope=scope)
    except ApplicationError:
        raise Http404(code) from None
    run = selectors.coverage_run_latest()
    error, status = "", 200
    if request.method == "POST":
        try:
            budget = _budget(request)
        except ValidationError as refused:
            error, status = refused.detail, 422
        else:
            for setting in Setting:
                plan_propose(province_id=province.pk, setting=setting.value, budget=budget, run=run)
            return redirect("planning:province", code=province.code)
    try:
        wanted = export_format(request)
    except ValidationError as refused:
        error, status, wanted = refused.detail, 400, None
    counties = list(selectors.county_coverages(run=run, province=province)) if run else []
    if wanted:
        return export_response(
            rows=counties, columns=_county_columns(), filename=f"coverage-{province.code}", format=wanted
        )
    plans = selectors.plans_of(province=province)
    points = list(selectors.demand_points(province=province))
    context = {
        "province": province,
        "run": run,
        "summary": selectors.province_coverage(run=run, province=province) if run else None,
        "counties": counties,
        "plans": plans,
        "map": _province_map(province, points, plans),
        "national": "province" not in scope,
        "error": error,
        "budget": request.POST.get("budget", settings.PISHKHAN_PLAN_BUDGET),
        "budget_max": settings.PISHKHAN_PLAN_BUDGET_MAX,
        "estimated_points": sum(p.estimated for p in points),
        "all_points": len(points),
    }
    return render(request, "planning/province.html", context, status=status)
