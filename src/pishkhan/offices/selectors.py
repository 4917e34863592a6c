"""Reads of the office registry: offices, the public "near me" search, rate boards, conversions, staff.

A list narrows to a jurisdiction given as ``scope``, a ``Principal.scope`` dict: ``{}`` or None for
the whole country, ``{"province": "23"}``, ``{"office": "P23-0001"}``, or ``{"agency": "tamin"}``
(the offices the agency runs). Whether the caller may read at all is the entry point's question.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.catalogue.kinds import CONVERTIBLE_KINDS, OfficeKind
from pishkhan.catalogue.models import Agency, OutsourcingStatus, Service, Tariff
from pishkhan.catalogue.selectors import service_get, services_deliverable_by, tariffs_in_force
from pishkhan.common.bulk import IN_BATCH
from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.common.persian import search_key, to_latin_digits
from pishkhan.common.sealing import unseal
from pishkhan.geo.models import County
from pishkhan.offices.hours import is_open, is_open_at, week_minute
from pishkhan.offices.locations import bounding_box, haversine_km, in_iran_frame
from pishkhan.offices.models import (
    OFFICE_CODE_PATTERN,
    Conversion,
    CounterService,
    Office,
    Operator,
    StaffMember,
    StaffPosition,
)
from pishkhan.offices.states import (
    OPEN_CONVERSION_STATES,
    PENDING_CONVERSION_STATES,
    ConversionState,
    OfficeStatus,
)

Scope = dict[str, str] | None

_CODE = re.compile(OFFICE_CODE_PATTERN)
_PROVINCE = re.compile(r"^[0-9]{2}$")
_COUNTY = re.compile(r"^[0-9]{4}$")
_AGENCY = re.compile(r"^[a-z][a-z0-9-]{0,15}$")
NEAR_MAX_LIMIT = 50
# The near-me search widens its box from here, doubling, up to the whole country (Iran spans about
# 2,300 km corner to corner).
NEAR_START_KM = 8.0
NEAR_MAX_KM = 3000.0
QUERY_MAX_LENGTH = 100

_BOUNDARIES = ("province__boundary", "county__boundary")


def _scoped(queryset: QuerySet, scope: Scope, *, prefix: str = "") -> QuerySet:
    """Narrow a queryset of offices (or of rows with an office at ``prefix``) to a jurisdiction."""
    if not scope:
        return queryset
    lookups = {
        "province": f"{prefix}province__code",
        "office": f"{prefix}code",
        "agency": f"{prefix}organisation__code",
    }
    for kind, code in scope.items():
        if kind not in lookups:
            return queryset.none()  # deny by default: a jurisdiction we do not know reaches nothing
        queryset = queryset.filter(**{lookups[kind]: code})
    return queryset


def _province_code_clean(code: str) -> str:
    code = to_latin_digits(code.strip())
    if not _PROVINCE.match(code):
        raise ValidationError(_("A province code is two digits."), fields={"province": "malformed"})
    return code


def _county_code_clean(code: str) -> str:
    code = to_latin_digits((code or "").strip())
    if not _COUNTY.match(code):
        raise ValidationError(_("A county code is four digits."), fields={"county": "malformed"})
    return code


def _agency_code_clean(code: str) -> str:
    code = code.strip().lower()
    if not _AGENCY.match(code):
        raise ValidationError(
            _("An agency code is a short Latin slug."), fields={"organisation": "malformed"}
        )
    return code


def office_code_clean(code: str) -> str:
    """An office code as stored (Latin digits, upper case), or ``ValidationError`` if malformed."""
    text = to_latin_digits(str(code or "").strip()).upper()
    if not _CODE.match(text):
        message = _("An office code looks like P23-0001.")
        raise ValidationError(message, fields={"code": message})
    return text


def office_code_exists(code: str, /) -> bool:
    """Whether an office has this code (the jurisdiction resolver of accounts)."""
    return Office.objects.filter(code=code).exists()


def office_codes_existing(codes: Collection[str]) -> set[str]:
    """Those of ``codes`` that name an office (the jurisdiction resolver of accounts)."""
    codes, found = list(codes), set()
    for start in range(0, len(codes), IN_BATCH):
        chunk = codes[start : start + IN_BATCH]
        found.update(Office.objects.filter(code__in=chunk).values_list("code", flat=True))
    return found


def _offices() -> QuerySet[Office]:
    return Office.objects.select_related("province", "county", "place", "organisation", "operator").defer(
        *_BOUNDARIES
    )


def office_get(*, code: str, scope: Scope = None) -> Office:
    """The office with this code, with its places, organisation and operator.

    ``ValidationError`` for a malformed code; ``NotFoundError`` for an unknown one or one outside
    ``scope`` (a directorate cannot tell another province's office from a missing one).
    """
    office = _scoped(_offices(), scope).filter(code=office_code_clean(code)).first()
    if office is None:
        raise NotFoundError(_("No office has the code %(code)s.") % {"code": code})
    return office


def office_for_counter(*, code: str) -> Office:
    """The office with this code, read narrowly for the counter's hot path: identity, kind, status.

    Every counter request reads its office; the full ``office_get`` joins six tables to show a page.
    Other fields load on first use. ``ValidationError``/``NotFoundError`` as ``office_get``.
    """
    office = (
        Office.objects.only("id", "code", "kind", "status", "province_id", "county_id")
        .filter(code=office_code_clean(code))
        .first()
    )
    if office is None:
        raise NotFoundError(_("No office has the code %(code)s.") % {"code": code})
    return office


class OfficeCounterSql(NamedTuple):
    """An office as the counter's hot path reads it in its own SQL (``transactions.selectors``): each
    piece names the office's row by the alias given to :func:`office_counter_sql`."""

    table: str  # the table with its alias, for a FROM or JOIN
    columns: str  # id, code, kind, status: :func:`office_counter_row` makes them an Office
    id: str  # the office's id, for a join on it
    code: str  # the office's code, for a join on it
    open: str  # may serve as read: open in the registry and still of its kind (params: office_open_params)


@functools.cache
def office_counter_sql(*, office: str) -> OfficeCounterSql:
    """The pieces of SQL by which the counter's hot path reads an office (alias ``office``) beside its
    key and licence in one statement; the office registry's table and columns stay named here."""
    meta = Office._meta
    column = {name: f"{office}.{meta.get_field(name).column}" for name in _COUNTER_FIELDS}
    return OfficeCounterSql(
        table=f"{connection.ops.quote_name(meta.db_table)} {office}",
        columns=", ".join(column[name] for name in _COUNTER_FIELDS),
        id=column["id"],
        code=column["code"],
        open=f"{column['status']} = %s AND {column['kind']} = %s",
    )


_COUNTER_FIELDS = ("id", "code", "kind", "status")


def office_open_params(*, kind: str) -> list[Any]:
    """The parameters of ``office_counter_sql(...).open``: the office open, and still of ``kind``
    (a conversion changes it)."""
    return [OfficeStatus.ACTIVE, kind]


def office_counter_row(values: Sequence[Any]) -> Office:
    """The office read by ``office_counter_sql(...).columns`` (those fields loaded, the rest on use)."""
    return Office.from_db(None, list(_COUNTER_FIELDS), values)


def office_list(
    *,
    scope: Scope = None,
    province: str | None = None,
    county: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> QuerySet[Office]:
    """Offices by code, with their places, organisation and operator, narrowed to ``scope`` and filters.

    ``q`` matches the name or the code however it was typed (Arabic ي/ك, ZWNJ, any digits). A
    malformed province or county code or an unknown kind or status is a ``ValidationError``.
    """
    offices = _scoped(_offices(), scope)
    if province:
        offices = offices.filter(province__code=_province_code_clean(province))
    if county:
        offices = offices.filter(county__code=_county_code_clean(county))
    if kind:
        if kind not in OfficeKind.values:
            raise ValidationError(_("Unknown office kind."), fields={"kind": "unknown"})
        offices = offices.filter(kind=kind)
    if status:
        if status not in OfficeStatus.values:
            raise ValidationError(_("Unknown office status."), fields={"status": "unknown"})
        offices = offices.filter(status=status)
    if q:
        for word in (search_key(word) for word in q[:QUERY_MAX_LENGTH].split()):
            if word:
                offices = offices.filter(search_key__contains=word)
    return offices.order_by("code")


def office_points(*, scope: Scope = None, province: str | None = None, kind: str | None = None,
                  status: str | None = None) -> list[tuple[str, str, str, float, float]]:  # fmt: skip
    """(code, kind, status, lat, lon) of every office in scope, light enough to draw 13,000 on a map."""
    offices = office_list(scope=scope, province=province, kind=kind, status=status)
    return list(offices.values_list("code", "kind", "status", "lat", "lon"))


def office_counts_by_province(*, scope: Scope = None, kind: str | None = None,
                              status: str | None = None) -> dict[str, int]:  # fmt: skip
    """How many offices each province has (province code → count), for maps and summaries."""
    offices = office_list(scope=scope, kind=kind, status=status).order_by()
    return dict(
        offices.values_list("province__code").annotate(n=Count("pk")).values_list("province__code", "n")
    )


# --- Near me --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NearOffice:
    """An office found for a citizen: how far it is and whether it is open now."""

    office: Office
    distance_km: float
    open_now: bool


def _delivering_kinds(service: Service) -> list[str]:
    """The kinds of office that may deliver a service now: none if it is inactive or prohibited.

    The same rule as ``catalogue.selectors.services_deliverable_by``.
    """
    if not service.active or not service.agency.active or service.outsourcing == OutsourcingStatus.PROHIBITED:
        return []
    return [kind for kind in service.office_kinds if kind in OfficeKind.values]


def _coordinates_clean(lat: float, lon: float) -> None:
    if not in_iran_frame(lat, lon):
        message = _("These coordinates are outside Iran.")
        raise ValidationError(message, fields={"lat": message, "lon": message})


def offices_near(
    *,
    service_code: str,
    lat: float,
    lon: float,
    limit: int = 10,
    now: dt.datetime | None = None,
    open_only: bool = False,
) -> list[NearOffice]:
    """The nearest serving offices that may deliver a service, nearest first, with distance and hours.

    Serving: active in the registry and, for a kind that needs a licence, its licence active
    (``Office.serving_hold`` blank). A service prohibited from the offices (or inactive) has none.
    ``open_only`` keeps the offices open at ``now``. Looks in a box around the point (the indexed
    lat/lon), doubling it until enough offices lie within the box's radius, then measures
    great-circle distances.
    ``NotFoundError`` for an unknown service, ``ValidationError`` for a point outside Iran.
    """
    _coordinates_clean(lat, lon)
    limit = max(1, min(int(limit), NEAR_MAX_LIMIT))
    now = now or timezone.now()
    kinds = _delivering_kinds(service_get(code=service_code))
    if not kinds:
        return []
    candidates = Office.objects.filter(status=OfficeStatus.ACTIVE, serving_hold="", kind__in=kinds)
    if open_only:
        # Timetables are read as text and each distinct one decoded once (a network shares a handful).
        candidates = candidates.annotate(hours=Cast("opening_hours", TextField()))
        weekday, minute = week_minute(now)
        open_by_text: dict[str, bool] = {}

        def is_open_now(text: str) -> bool:
            if text not in open_by_text:
                open_by_text[text] = is_open_at(json.loads(text), weekday, minute)
            return open_by_text[text]

        # At night (or on Friday) often no timetable is open: answer without scanning the country.
        timetables = candidates.order_by().values_list("hours", flat=True).distinct()
        if not any(is_open_now(text) for text in timetables):
            return []

    radius = NEAR_START_KM
    while True:
        south, north, west, east = bounding_box(lat, lon, radius)
        in_box = candidates.filter(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east)
        rows = (
            in_box.values_list("pk", "lat", "lon", "hours")
            if open_only
            else in_box.values_list("pk", "lat", "lon")
        )
        found = sorted(
            (distance, row[0])
            for row in rows
            if ((distance := haversine_km(lat, lon, row[1], row[2])) <= radius or radius >= NEAR_MAX_KM)
            and (not open_only or is_open_now(row[3]))
        )
        # Every office outside the box is farther than ``radius``: these are the nearest for sure.
        if len(found) >= limit or radius >= NEAR_MAX_KM:
            break
        radius *= 2
    nearest = found[:limit]
    offices = _offices().in_bulk([pk for _distance, pk in nearest])
    return [
        NearOffice(
            office=offices[pk],
            distance_km=round(distance, 2),
            open_now=is_open(offices[pk].opening_hours, now),
        )
        for distance, pk in nearest
    ]


def offices_in_county(
    *, service_code: str, county_code: str, now: dt.datetime | None = None
) -> list[NearOffice]:
    """The serving offices of a county that may deliver a service, nearest to the county seat first."""
    county_code = _county_code_clean(county_code)
    now = now or timezone.now()
    service = service_get(code=service_code)
    county = County.objects.defer("boundary").filter(code=county_code).first()
    if county is None:
        raise NotFoundError(_("No county has the code %(code)s.") % {"code": county_code})
    kinds = _delivering_kinds(service)
    if not kinds:
        return []
    offices = _offices().filter(county=county, status=OfficeStatus.ACTIVE, serving_hold="", kind__in=kinds)
    found = [
        NearOffice(
            office=office,
            distance_km=round(haversine_km(county.lat, county.lon, office.lat, office.lon), 2),
            open_now=is_open(office.opening_hours, now),
        )
        for office in offices
    ]
    return sorted(found, key=lambda near: (near.distance_km, near.office.code))


# --- Rate board -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLine:
    """One service on an office's rate board, with the tariff in force (None when there is none)."""

    service: Service
    tariff: Tariff | None

    @property
    def government_fee(self) -> int | None:
        """The agency's fee, in rials."""
        return self.tariff.government_fee if self.tariff else None

    @property
    def office_fee(self) -> int | None:
        """The office's share, in rials."""
        return self.tariff.office_fee if self.tariff else None

    @property
    def total(self) -> int | None:
        """What the citizen pays, in rials."""
        return self.tariff.total if self.tariff else None


@dataclass(frozen=True)
class RateBoard:
    """What an office may charge on a day: every service it may deliver with its tariff in force."""

    office: Office
    on: dt.date
    lines: list[RateLine]


def office_rate_board(*, office: Office, on: dt.date) -> RateBoard:
    """The services an office may deliver, by agency and code, with the tariff in force on ``on``.

    Two queries whatever the number of services: the services, then their tariffs in force.
    """
    services = list(services_deliverable_by(kind=office.kind))
    tariffs = tariffs_in_force(services=services, on=on)
    return RateBoard(
        office=office, on=on, lines=[RateLine(service=s, tariff=tariffs.get(s.pk)) for s in services]
    )


# --- Staff ----------------------------------------------------------------------------------------


def staff_list(*, office: Office, include_former: bool = False) -> QuerySet[StaffMember]:
    """An office's staff with their logins: operator, deputy, then clerks."""
    staff = StaffMember.objects.filter(office=office).select_related("user")
    if not include_former:
        staff = staff.filter(active=True)
    return staff.order_by("-active", "position", "added_at", "pk")


def staff_acting_operator(*, office: Office) -> StaffMember | None:
    """Who runs the counter now: the operator, or the deputy standing in when there is no operator."""
    members = {
        member.position: member
        for member in StaffMember.objects.filter(
            office=office, active=True, position__in=[StaffPosition.OPERATOR, StaffPosition.DEPUTY]
        ).select_related("user")
    }
    return members.get(StaffPosition.OPERATOR) or members.get(StaffPosition.DEPUTY)


# --- Conversions ----------------------------------------------------------------------------------


def conversion_list(
    *,
    scope: Scope = None,
    state: str | None = None,
    kind: str | None = None,
    organisation: str | None = None,
    office: str | None = None,
    province: str | None = None,
) -> QuerySet[Conversion]:
    """Conversions with their office and its organisation, the newest request first.

    ``kind`` is the kind converted from; ``organisation`` an agency code; ``office`` an office code.
    """
    conversions = _scoped(
        Conversion.objects.select_related("office__province", "office__county", "office__organisation").defer(
            "office__province__boundary", "office__county__boundary"
        ),
        scope,
        prefix="office__",
    )
    if state:
        if state not in ConversionState.values:
            raise ValidationError(_("Unknown conversion state."), fields={"state": "unknown"})
        conversions = conversions.filter(state=state)
    if kind:
        if kind not in OfficeKind.values:
            raise ValidationError(_("Unknown office kind."), fields={"kind": "unknown"})
        conversions = conversions.filter(from_kind=kind)
    if organisation:
        conversions = conversions.filter(office__organisation__code=_agency_code_clean(organisation))
    if office:
        conversions = conversions.filter(office__code=office_code_clean(office))
    if province:
        conversions = conversions.filter(office__province__code=_province_code_clean(province))
    return conversions.order_by("-requested_at", "-pk")


def conversion_get(*, pk: int, scope: Scope = None) -> Conversion:
    """One conversion; ``NotFoundError`` when it does not exist or lies outside ``scope``."""
    conversion = conversion_list(scope=scope).filter(pk=pk).first()
    if conversion is None:
        raise NotFoundError(_("No such conversion."))
    return conversion


@dataclass(frozen=True)
class ConversionBoardRow:
    """One organisation's network of one kind: how far its conversion into Pishkhan offices has come.

    ``remaining`` counts its offices still of that kind (not closed); ``pending`` the open cases
    within their deadline; ``overdue`` the open cases past it (marked or not yet).
    """

    organisation_code: str
    organisation_name_fa: str
    organisation_name_en: str
    kind: str
    remaining: int
    converted: int
    pending: int
    overdue: int
    refused: int

    @property
    def total_cases(self) -> int:
        """Every conversion case of this network, decided or not."""
        return self.converted + self.pending + self.overdue + self.refused


def conversion_board(*, scope: Scope = None, now: dt.datetime) -> list[ConversionBoardRow]:
    """Per organisation and kind of office: remaining parallel offices and conversions by outcome.

    An open case past its deadline counts as overdue even before ``conversions_mark_overdue`` ran.
    Offices with no organisation are grouped under an empty code.
    """
    late = Q(state=ConversionState.OVERDUE) | Q(state__in=PENDING_CONVERSION_STATES, deadline__lt=now)
    cases = (
        _scoped(Conversion.objects.all(), scope, prefix="office__")
        .order_by()
        .values("office__organisation__code", "from_kind")
        .annotate(
            converted=Count("pk", filter=Q(state=ConversionState.CONVERTED)),
            refused=Count("pk", filter=Q(state=ConversionState.REFUSED)),
            overdue=Count("pk", filter=late),
            pending=Count("pk", filter=Q(state__in=PENDING_CONVERSION_STATES, deadline__gte=now)),
        )
    )
    remaining = (
        _scoped(Office.objects.all(), scope)
        .filter(kind__in=CONVERTIBLE_KINDS)
        .exclude(status=OfficeStatus.CLOSED)
        .order_by()
        .values("organisation__code", "kind")
        .annotate(n=Count("pk"))
    )
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"remaining": 0, "converted": 0, "pending": 0, "overdue": 0, "refused": 0}
    )
    for row in cases:
        key = (row["office__organisation__code"] or "", row["from_kind"])
        for name in ("converted", "refused", "overdue", "pending"):
            counts[key][name] = row[name]
    for row in remaining:
        counts[(row["organisation__code"] or "", row["kind"])]["remaining"] = row["n"]
    names = {code: (fa, en) for code, fa, en in Agency.objects.values_list("code", "name_fa", "name_en")}
    return [
        ConversionBoardRow(
            organisation_code=code,
            organisation_name_fa=names.get(code, ("", ""))[0],
            organisation_name_en=names.get(code, ("", ""))[1],
            kind=kind,
            **counts[(code, kind)],
        )
        for code, kind in sorted(counts)
    ]


def conversion_open_for(*, office: Office) -> Conversion | None:
    """The office's open conversion (requested, under review or overdue), if any."""
    return Conversion.objects.filter(office=office, state__in=OPEN_CONVERSION_STATES).first()


# --- The offices supervision watches ----------------------------------------------------------------


def office_list_serving(
    *, scope: Scope = None, province: str | None = None, county: str | None = None
) -> QuerySet[Office]:
    """Offices that serve citizens now (active, and their licence in force if they need one), narrowed
    like :func:`office_list`; the network whose liveness supervision's board shows."""
    return office_list(scope=scope, province=province, county=county, status=OfficeStatus.ACTIVE).filter(
        serving_hold=""
    )


def operator_mobile(*, office_id: int) -> str:
    """The full mobile of the office's operator, unsealed, for a notice to the holder ("" when none)."""
    sealed = Operator.objects.filter(office_id=office_id).values_list("mobile_sealed", flat=True).first()
    return unseal(sealed) if sealed else ""


# --- Counters' services -----------------------------------------------------------------------------


def counter_services(*, office: Office) -> dict[int, list[str]]:
    """The service codes each counter of the office is set to serve; a counter absent serves all."""
    found: dict[int, list[str]] = {}
    rows = CounterService.objects.filter(office=office, counter__lte=office.counters).order_by(
        "counter", "service__code"
    )
    for counter, code in rows.values_list("counter", "service__code"):
        found.setdefault(counter, []).append(code)
    return found


def counter_service_codes(*, office: Office, counter: int) -> list[str]:
    """The service codes one counter serves; empty when it serves every service of the office."""
    return list(
        CounterService.objects.filter(office=office, counter=counter)
        .order_by("service__code")
        .values_list("service__code", flat=True)
    )


def office_places(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Where each of these offices stands, by id: ``{"pk", "province_id", "county_id", "kind"}`` (the
    keys the KPI rollups and the waits' figures copy, so that they group without joining offices)."""
    rows = Office.objects.filter(pk__in=set(ids)).values("pk", "province_id", "county_id", "kind")
    return {row["pk"]: row for row in rows}
