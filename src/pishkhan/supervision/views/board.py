"""The network board: offices online, quiet, offline and closed now, per province (the regulator) or
per county (a province), the offices offline in their hours, a map coloured by state and the software
versions their terminals run; and one office's terminals.

The live part (``_board_live.html``) is the page's own fragment: the page includes it, and htmx asks
``board_live`` for it again every ``PISHKHAN_BOARD_REFRESH_SECONDS`` with the page's filters. A
directorate or an inspector sees its province; a province outside it is refused (403), an office
outside it is a 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pishkhan.accounts.permissions import Principal, permission_required, principal_from_request
from pishkhan.common.errors import ApplicationError
from pishkhan.common.exports import Column, export_format, export_response
from pishkhan.common.languages import in_language
from pishkhan.common.persian import to_latin_digits
from pishkhan.geo.selectors import province_map
from pishkhan.offices import map as office_map
from pishkhan.offices.selectors import office_get
from pishkhan.supervision import liveness
from pishkhan.supervision.liveness import LivenessState, OfficeLive
from pishkhan.supervision.selectors import alert_list, alert_scope
from pishkhan.supervision.states import AlertStatus
from pishkhan.transactions.selectors import office_terminals

PAGE_SIZE = 50
VERSIONS_SHOWN = 12
ALERTS_SHOWN = 8
TERMINALS_DAYS = 7


def _principal(request: HttpRequest) -> Principal:
    principal = principal_from_request(request)
    if principal is None:  # permission_required lets no stranger through; this guards a misuse
        raise PermissionDenied
    return principal


def _scope(principal: Principal) -> dict[str, str]:
    scope = principal.scope
    if set(scope) - {"province"}:
        raise PermissionDenied(_("You may not see the network board."))
    return scope


def _province_asked(request: HttpRequest, scope: dict[str, str]) -> str:
    """The province the board shows: the caller's own, or the one asked for (the regulator)."""
    asked = to_latin_digits(request.GET.get("province", "")).strip()[:2]
    own = scope.get("province", "")
    if own and asked and asked != own:
        raise PermissionDenied(_("You may see only the offices of your own province."))
    return own or asked


@dataclass(frozen=True)
class Outline:
    """A province's outline on the board's map."""

    code: str
    name: str
    d: str
    focus: bool


@dataclass(frozen=True)
class BoardMap:
    """The board's map: its view box, the provinces, and one layer of dots per state."""

    view_box: str
    outlines: list[Outline]
    layers: list[tuple[office_map.DotLayer, str]]
    total: int


def _board_map(rows: list[OfficeLive], province: str) -> BoardMap:
    drawing = province_map()
    # Drawn in this order, so an offline office is never hidden under an online one.
    order = [LivenessState.CLOSED, LivenessState.ONLINE, LivenessState.QUIET, LivenessState.OFFLINE]
    layers = office_map.dot_layers(
        ((row.state.value, row.lat, row.lon) for row in rows), [s.value for s in order]
    )
    view_box = drawing.view_box
    if province:
        shape = next((shape for shape in drawing.provinces if shape.code == province), None)
        bounds = office_map.path_bounds(shape.d) if shape else None
        if bounds is not None:
            view_box = office_map.view_box_around(bounds)
    return BoardMap(
        view_box=view_box,
        outlines=[
            Outline(
                code=shape.code,
                name=in_language(shape.name_fa, shape.name_en),
                d=shape.d,
                focus=shape.code == province,
            )
            for shape in drawing.provinces
        ],
        layers=[(layer, LivenessState(layer.kind).label) for layer in layers],
        total=len(rows),
    )


def _live_context(
    request: HttpRequest,
    province: str,
    rows: list[OfficeLive],
    now: dt.datetime,
    *,
    national: bool,
    polled: bool = False,
) -> dict:
    offline = liveness.offline_in_hours(rows)
    # A caller who reads no alerts has the scope None, which lists none.
    scope = alert_scope(_principal(request))
    open_alerts = alert_list(scope=scope, province=province or None, status=AlertStatus.OPEN)
    query = request.GET.copy()
    query.pop("export", None)
    return {
        "now": now,
        "province": province,
        "by": "county" if province else "province",
        "total": liveness.counts_total(rows),
        "areas": liveness.counts_by_area(rows, by="county" if province else "province"),
        "page": Paginator(offline, PAGE_SIZE).get_page(request.GET.get("page")),
        "offline_count": len(offline),
        "versions": liveness.versions_in_use(rows)[:VERSIONS_SHOWN],
        "map": _board_map(rows, province),
        "refresh_seconds": settings.PISHKHAN_BOARD_REFRESH_SECONDS,
        "query": query.urlencode(),
        "quiet_minutes": settings.PISHKHAN_LIVENESS_QUIET_MINUTES,
        "offline_minutes": settings.PISHKHAN_LIVENESS_OFFLINE_MINUTES,
        "national": national,
        # The newest open alerts of the scope, refreshed with the rest: a rule's alert shows here
        # within seconds of the transaction that raised it.
        "alerts": list(open_alerts[:ALERTS_SHOWN]),
        "alerts_open": open_alerts.count(),
        "polled": polled,  # a poll leaves out what never changes (the map's outlines)
    }


def _rows(request: HttpRequest, now: dt.datetime) -> tuple[str, list[OfficeLive], bool]:
    """The province shown, its offices' liveness, and whether the caller sees the whole country."""
    scope = _scope(_principal(request))
    province = _province_asked(request, scope)
    try:
        rows = liveness.liveness_rows(now=now, scope=scope, province=province or None)
    except ApplicationError:
        raise Http404(province) from None  # a malformed province code names no province
    return province, rows, not scope


_COLUMNS = [
    Column(gettext_lazy("Code"), lambda row: row.code),
    Column(gettext_lazy("Office"), lambda row: row.name),
    Column(gettext_lazy("Province"), lambda row: in_language(row.province_name_fa, row.province_name_en)),
    Column(gettext_lazy("County"), lambda row: in_language(row.county_name_fa, row.county_name_en)),
    Column(gettext_lazy("Silent since"), lambda row: row.silent_since),
    Column(gettext_lazy("Last heard"), lambda row: row.last_heard),
    Column(gettext_lazy("Terminal"), lambda row: row.terminal_id),
    Column(gettext_lazy("Software version"), lambda row: row.software_version),
]


@permission_required("supervision.board")
def board(request: HttpRequest) -> HttpResponse:
    """The network board of the caller's jurisdiction (``?province=`` narrows the regulator's to one
    province, counted per county); ``?export=csv|xlsx`` exports the offices offline in their hours."""
    try:
        wanted = export_format(request)
    except ApplicationError as exc:
        return HttpResponseBadRequest(exc.detail)
    now = timezone.now()
    province, rows, national = _rows(request, now)
    if wanted:
        return export_response(
            rows=liveness.offline_in_hours(rows), columns=_COLUMNS, filename="offline-offices", format=wanted
        )
    context = _live_context(request, province, rows, now, national=national)
    return render(request, "supervision/board.html", context)


@permission_required("supervision.board")
def board_live(request: HttpRequest) -> HttpResponse:
    """The board's live part alone, for htmx to swap in every few seconds."""
    now = timezone.now()
    province, rows, national = _rows(request, now)
    context = _live_context(request, province, rows, now, national=national, polled=True)
    response = render(request, "supervision/_board_live.html", context)
    response["Cache-Control"] = "no-store"
    return response


@permission_required("supervision.board")
def board_office(request: HttpRequest, code: str) -> HttpResponse:
    """One office on the board: its state now and the terminals that sent it heartbeats lately."""
    scope = _scope(_principal(request))
    try:
        office = office_get(code=code, scope=scope)
    except ApplicationError:
        raise Http404(code) from None
    now = timezone.now()
    rows = liveness.liveness_rows(now=now, scope={"office": office.code})
    return render(
        request,
        "supervision/board_office.html",
        {
            "office": office,
            "live": rows[0] if rows else None,
            "terminals": office_terminals(office_id=office.pk, since=now - dt.timedelta(days=TERMINALS_DAYS)),
            "terminals_days": TERMINALS_DAYS,
            "now": now,
        },
    )
