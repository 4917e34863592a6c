"""Pages of the directory: the list of offices with its map, and one office's page."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import (
    Principal,
    permission_required,
)
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.errors import ApplicationError
from pishkhan.common.forms import errors_onto
from pishkhan.geo.selectors import geo_is_loaded, province_map
from pishkhan.offices import map as office_map
from pishkhan.offices import selectors
from pishkhan.offices.forms import (
    OfficeFilterForm,
)
from pishkhan.offices.hours import is_open
from pishkhan.offices.views._shared import (
    MAP_KINDS,
    PAGE_SIZE,
    county_choices,
    in_language,
    latin,
    may_manage,
    office_or_404,
    principal_of,
    province_choices,
    week,
)

# --- The map --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outline:
    """A province's outline on an office map, named in the page's language."""

    code: str
    name: str
    d: str
    focus: bool


@dataclass(frozen=True)
class OfficeMap:
    """What an office map draws: the view box, the provinces, and a layer of dots per kind."""

    view_box: str
    outlines: list[Outline]
    layers: list[tuple[office_map.DotLayer, str]]  # with the kind's label
    total: int
    zoomed: bool


def _office_map(
    points: list[tuple[str, float, float]], *, province: str = "", zoom: bool = False
) -> OfficeMap:
    drawing = province_map()
    layers = office_map.dot_layers(points, MAP_KINDS)
    view_box = drawing.view_box
    bounds = None
    if province:
        shape = next((shape for shape in drawing.provinces if shape.code == province), None)
        bounds = office_map.path_bounds(shape.d) if shape else None
    elif zoom:
        bounds = office_map.path_bounds("".join(layer.d for layer in layers))
    if bounds is not None:
        view_box = office_map.view_box_around(bounds)
    return OfficeMap(
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
        layers=[(layer, OfficeKind(layer.kind).label) for layer in layers],
        total=len(points),
        zoomed=bounds is not None,
    )


# --- The directory --------------------------------------------------------------------------------


def _refuse_places_outside(principal: Principal, province: str, county: str) -> None:
    """403 when a directorate's filter names a province (or a county of one) that is not its own."""
    own = principal.scope.get("province")
    if own is None:
        return
    if (province and province != own) or (county and county[:2] != own):
        raise PermissionDenied(_("You may see only the offices of your own province."))


@permission_required("offices.view")
def office_list(request: HttpRequest) -> HttpResponse:
    """The office directory: the offices in the caller's reach, filtered, in a table and on a map."""
    principal = principal_of(request)
    scope = principal.scope
    asked_province, asked_county = latin(request.GET.get("province")), latin(request.GET.get("county"))
    _refuse_places_outside(principal, asked_province, asked_county)
    own_province = scope.get("province", "")
    if own_province:
        provinces = province_choices({own_province})
    else:
        provinces = [("", _("All provinces")), *province_choices()]
    shown_province = own_province or asked_province or asked_county[:2]
    form = OfficeFilterForm(
        request.GET or None,
        provinces=provinces,
        counties=county_choices(shown_province if shown_province.isdigit() else ""),
    )
    filters: dict[str, str] = {}
    found = selectors.office_list(scope=scope)
    if form.is_bound:
        if form.is_valid():
            filters = {name: value for name, value in form.cleaned_data.items() if value}
            try:
                found = selectors.office_list(scope=scope, **filters)
            except ApplicationError as exc:
                errors_onto(form, exc)
                found = found.none()
        else:
            found = found.none()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    focus = filters.get("province") or filters.get("county", "")[:2] or own_province
    points = list(found.values_list("kind", "lat", "lon").order_by())
    return render(
        request,
        "offices/office_list.html",
        {
            "form": form,
            "page": page,
            "map": _office_map(points, province=focus, zoom=bool(scope)) if geo_is_loaded() else None,
        },
    )


# --- An office ------------------------------------------------------------------------------------


@permission_required("offices.view")
def office_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An office: where it is, who holds and staffs it, when it opens, and its conversion if any."""
    principal = principal_of(request)
    office = office_or_404(code, principal.scope)
    conversions = list(selectors.conversion_list(scope=principal.scope, office=office.code))
    return render(
        request,
        "offices/office_detail.html",
        {
            "office": office,
            "staff": list(selectors.staff_list(office=office)),
            "acting": selectors.staff_acting_operator(office=office),
            "week": week(office.opening_hours),
            "open_now": is_open(office.opening_hours, timezone.now()),
            "conversions": conversions,
            "now": timezone.now(),
            "map": _office_map([(office.kind, office.lat, office.lon)], province=office.province.code),
            "may_manage": any(may_manage(principal, office).values()),
        },
    )
