"""An office as given to the registry (a draft), and the one check every draft goes through.

:func:`pishkhan.offices.services.office_register` (a page, the API),
:func:`~pishkhan.offices.services.office_register_many` (the demo network, an import) and
:func:`~pishkhan.offices.services.office_update` all pass their rows through ``_RowChecker.clean``:
the county lies in the province, the place in the county, the point inside the county's outline, the
code has the office's kind letter and province and is free, identifiers carry their check digits.
The reference data a batch needs is read once per batch, so 13,000 rows are checked in about a second.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.catalogue.models import Agency
from pishkhan.common.bulk import IN_BATCH
from pishkhan.common.errors import ApplicationError, ConflictError, ValidationError
from pishkhan.common.identifiers import mobile_clean, national_id_clean, postal_code_clean
from pishkhan.common.persian import as_written, has_control_characters, search_key, to_latin_digits
from pishkhan.geo.models import County, Place, PlaceKind, Province
from pishkhan.offices.hours import DEFAULT_OPENING_HOURS, opening_hours_clean
from pishkhan.offices.locations import (
    in_iran_frame,
    locations_prepare,
    point_in_county,
    random_point_in_county,
)
from pishkhan.offices.models import (
    KIND_LETTERS,
    MAX_COUNTERS,
    MIN_COUNTERS,
    OFFICE_CODE_PATTERN,
    Office,
    OfficeSetting,
    Operator,
    OperatorKind,
    operator_identity,
)
from pishkhan.offices.states import OfficeStatus, unlicensed_hold

_CODE = re.compile(OFFICE_CODE_PATTERN)
_COMPANY_ID = re.compile(r"^[0-9]{11}$")
_PHONE = re.compile(r"^[0-9+()\- ]{0,32}$")
_PLACE = re.compile(r"^[0-9]{4,16}$")  # a 4-digit city code or an official 10- or 16-digit code
MAX_CODE_NUMBER = 9999

# Read once: a TextChoices' ``values`` is rebuilt on every access, which 13,000 rows notice.
_KINDS = frozenset(OfficeKind.values)
_STATUSES = frozenset(OfficeStatus.values)
_SETTINGS = frozenset(OfficeSetting.values)
_OPERATOR_KINDS = frozenset(OperatorKind.values)

NAME_MAX_LENGTH = 200
ADDRESS_MAX_LENGTH = 300


@dataclass(frozen=True)
class OperatorDraft:
    """Who holds the office: a person (with a national ID) or a company (with its 11-digit ID)."""

    kind: str
    name: str
    mobile: str
    national_id: str = ""
    company_id: str = ""


@dataclass(frozen=True)
class OfficeDraft:
    """One office as given to the registry, before it is checked. Places are named by their codes.

    ``place`` is a place's official code or a city's 4-digit SCI city code. Without coordinates the
    office stands at its place's point, or, for a village without one, at a point drawn inside the
    county (``location_estimated``), seeded by the office code so it is the same on every run.
    ``code`` None takes the next free number for the kind and province. ``organisation`` is an
    agency code.
    """

    name: str
    kind: str
    province: str
    county: str
    operator: OperatorDraft
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    location_estimated: bool = False
    setting: str | None = None
    address: str = ""
    postal_code: str = ""
    counters: int = 1
    opening_hours: Mapping[str, Any] | None = None
    phone: str = ""
    organisation: str | None = None
    code: str | None = None
    status: str = OfficeStatus.ACTIVE
    created_at: dt.datetime | None = None


@dataclass
class RowCheck:
    """A checked row: the office and operator to write."""

    office: Office
    operator: Operator


@dataclass
class _PlaceFacts:
    pk: int
    county_code: str
    kind: str
    lat: float | None
    lon: float | None


@dataclass
class _RowChecker:
    """The reference data a batch of rows is checked against, read once for the whole batch."""

    provinces: dict[str, int] = field(default_factory=dict)
    counties: dict[str, tuple[int, str]] = field(default_factory=dict)  # code → (pk, province code)
    places: dict[str, _PlaceFacts] = field(default_factory=dict)  # code or city code → facts
    agencies: dict[str, int] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # codes in use, including earlier rows of the batch
    last_number: dict[str, int] = field(default_factory=dict)  # "P23" → highest number in use
    hours_seen: dict[str, dict[str, list[list[str]]]] = field(default_factory=dict)

    @classmethod
    def load(cls, drafts: Sequence[OfficeDraft]) -> _RowChecker:
        checker = cls()
        checker.provinces = dict(Province.objects.values_list("code", "pk"))
        checker.counties = {
            code: (pk, province_code)
            for code, pk, province_code in County.objects.values_list("code", "pk", "province__code")
        }
        checker.agencies = dict(Agency.objects.values_list("code", "pk"))
        wanted = sorted({_text(draft.place) for draft in drafts if _PLACE.match(_text(draft.place))})
        # Two lists of codes per query (official codes and city codes): half a batch each.
        for start in range(0, len(wanted), IN_BATCH // 2):
            chunk = wanted[start : start + IN_BATCH // 2]
            rows = Place.objects.filter(Q(code__in=chunk) | Q(city_code__in=chunk)).values_list(
                "pk", "code", "city_code", "county__code", "kind", "lat", "lon"
            )
            for pk, code, city_code, county_code, kind, lat, lon in rows:
                facts = _PlaceFacts(pk, county_code, kind, lat, lon)
                for key in (code, city_code):
                    if key:
                        checker.places[key] = facts
        prefixes = {f"{KIND_LETTERS.get(draft.kind, '?')}{_text(draft.province)}" for draft in drafts} | {
            _text(draft.code).upper()[:3] for draft in drafts if draft.code
        }
        if prefixes:
            in_use = Office.objects.filter(
                reduce(or_, (Q(code__startswith=prefix + "-") for prefix in sorted(prefixes)))
            ).values_list("code", flat=True)
            for code in in_use:
                checker._take(code)
        locations_prepare(
            {_text(draft.county) for draft in drafts if _text(draft.county) in checker.counties}
        )
        return checker

    def _hours(self, given: Mapping[str, Any] | None) -> dict[str, list[list[str]]]:
        # A network shares a handful of weekly timetables: check each distinct one once.
        key = "" if given is None else json.dumps(given, sort_keys=True, default=str)
        if key not in self.hours_seen:
            self.hours_seen[key] = opening_hours_clean(DEFAULT_OPENING_HOURS if given is None else given)
        return {day: [list(pair) for pair in ranges] for day, ranges in self.hours_seen[key].items()}

    def _take(self, code: str) -> None:
        self.taken.add(code)
        prefix, number = code[:3], int(code[4:])
        self.last_number[prefix] = max(self.last_number.get(prefix, 0), number)

    def clean(self, draft: OfficeDraft, *, existing_code: str | None = None) -> RowCheck:
        """Check one row against the rules and the batch so far; raise the first error found.

        ``existing_code`` re-checks an office already registered under that code (which stays).
        """
        kind = _choice(draft.kind, _KINDS, "kind", gettext_lazy("Unknown office kind."))
        status = _choice(draft.status, _STATUSES, "status", gettext_lazy("Unknown office status."))
        name = _name(draft.name, "name")
        province_code, county_code = _text(draft.province), _text(draft.county)
        if province_code not in self.provinces:
            _refuse("province", _("No province has the code %(code)s.") % {"code": province_code})
        if county_code not in self.counties:
            _refuse("county", _("No county has the code %(code)s.") % {"code": county_code})
        county_pk, county_province = self.counties[county_code]
        if county_province != province_code:
            _refuse(
                "county",
                _("County %(county)s is in province %(actual)s, not in province %(given)s.")
                % {"county": county_code, "actual": county_province, "given": province_code},
            )
        place = None
        if draft.place not in (None, ""):
            place = self.places.get(_text(draft.place))
            if place is None:
                _refuse("place", _("No city or village has the code %(code)s.") % {"code": draft.place})
            if place.county_code != county_code:
                _refuse(
                    "place",
                    _("This place is in county %(actual)s, not in county %(given)s.")
                    % {"actual": place.county_code, "given": county_code},
                )
        code = existing_code or self._code(draft.code, kind, province_code)
        lat, lon, estimated = self._location(draft, county_code, place, code)
        setting = draft.setting or (
            OfficeSetting.RURAL
            if place is not None and place.kind == PlaceKind.VILLAGE
            else OfficeSetting.URBAN
        )
        setting = _choice(setting, _SETTINGS, "setting", gettext_lazy("The setting is urban or rural."))
        organisation = None
        if draft.organisation not in (None, ""):
            organisation = self.agencies.get(_text(draft.organisation).lower())
            if organisation is None:
                _refuse("organisation", _("No agency has the code %(code)s.") % {"code": draft.organisation})
        counters = draft.counters
        if (
            isinstance(counters, bool)
            or not isinstance(counters, int)
            or not MIN_COUNTERS <= counters <= MAX_COUNTERS
        ):
            _refuse(
                "counters",
                _("An office has %(min)s to %(max)s counters.") % {"min": MIN_COUNTERS, "max": MAX_COUNTERS},
            )
        hours = self._hours(draft.opening_hours)
        postal_code = postal_code_clean(draft.postal_code) if _text(draft.postal_code) else ""
        address = _plain(draft.address or "", "address")
        if len(address) > ADDRESS_MAX_LENGTH:
            _refuse("address", _("The address is too long."))
        phone = to_latin_digits((draft.phone or "").strip())
        if not _PHONE.match(phone):
            _refuse("phone", _("A phone number has digits, spaces, '+', '-' and brackets only."))
        operator = operator_clean(draft.operator)
        if existing_code is None:
            self._take(code)
        office = Office(
            code=code,
            name=name,
            kind=kind,
            status=status,
            province_id=self.provinces[province_code],
            county_id=county_pk,
            place_id=place.pk if place else None,
            lat=lat,
            lon=lon,
            location_estimated=estimated,
            setting=setting,
            address=address,
            postal_code=postal_code,
            counters=counters,
            opening_hours=hours,
            phone=phone,
            organisation_id=organisation,
            created_at=draft.created_at or timezone.now(),
            search_key=office_search_key(name, code),
            # Registered, not yet licensed: a kind the regulator licenses serves only once licensing
            # says so (``services.serving``). An update re-checks the row but never writes this.
            serving_hold=unlicensed_hold(kind),
        )
        return RowCheck(office=office, operator=operator)

    def _code(self, given: str | None, kind: str, province_code: str) -> str:
        prefix = KIND_LETTERS[kind] + province_code
        if given in (None, ""):
            number = self.last_number.get(prefix, 0) + 1
            if number > MAX_CODE_NUMBER:
                raise ConflictError(
                    _("No office code is left for %(prefix)s.") % {"prefix": prefix},
                    fields={"code": "exhausted"},
                )
            return f"{prefix}-{number:04d}"
        code = to_latin_digits(str(given).strip()).upper()
        if not _CODE.match(code):
            _refuse("code", _("An office code looks like P23-0001: a kind letter, the province, a number."))
        if code[:3] != prefix:
            _refuse(
                "code",
                _("The code of a %(kind)s office in province %(province)s starts with %(prefix)s.")
                % {"kind": OfficeKind(kind).label, "province": province_code, "prefix": prefix},
            )
        if code in self.taken:
            message = _("Office code %(code)s is taken.") % {"code": code}
            raise ConflictError(message, fields={"code": message})
        return code

    def _location(
        self, draft: OfficeDraft, county_code: str, place: _PlaceFacts | None, code: str
    ) -> tuple[float, float, bool]:
        if draft.lat is None and draft.lon is None:
            if place is not None and place.lat is not None:
                lat, lon, estimated = place.lat, place.lon, False
            else:
                # Seeded by the code, so the same office gets the same point on every run.
                lat, lon = random_point_in_county(county_code, random.Random(code))  # noqa: S311 (a map point, not a secret)
                return lat, lon, True
        elif draft.lat is None or draft.lon is None:
            _refuse("lat", _("Give both latitude and longitude, or neither."))
        else:
            lat, lon, estimated = (
                _coordinate(draft.lat, "lat"),
                _coordinate(draft.lon, "lon"),
                draft.location_estimated,
            )
        if not in_iran_frame(lat, lon):
            message = _("These coordinates are outside Iran.")
            raise ValidationError(message, fields={"lat": message, "lon": message})
        if not point_in_county(county_code, lat, lon):
            message = _("These coordinates are not inside county %(county)s.") % {"county": county_code}
            raise ValidationError(message, fields={"lat": message, "lon": message})
        return lat, lon, bool(estimated)


def _text(value: object) -> str:
    return to_latin_digits(str(value).strip()) if value is not None else ""


def _refuse(name: str, message: str) -> None:
    raise ValidationError(message, fields={name: message})


def _choice(value: object, allowed: Iterable[str], name: str, message: Any) -> str:
    if not isinstance(value, str) or value not in allowed:
        _refuse(name, str(message))
    return value  # type: ignore[return-value]


def _plain(value: object, name: str) -> str:
    """Text as written, on one line; control characters (a NUL breaks PostgreSQL) refused."""
    if not isinstance(value, str):
        return ""
    if has_control_characters(value):
        _refuse(name, _("Control characters are not allowed."))
    return as_written(value)


def _name(value: object, name: str) -> str:
    text = _plain(value, name)
    if not text:
        _refuse(name, _("A name is required."))
    if len(text) > NAME_MAX_LENGTH:
        _refuse(name, _("The name is too long."))
    return text


def _coordinate(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        _refuse(name, _("A coordinate is a number of degrees."))
    return round(float(value), 6)  # type: ignore[arg-type]


def office_search_key(name: str, code: str) -> str:
    """The stored search key of an office: its name and its code, folded (``P23-0001`` → ``p230001``)."""
    # The code is Latin letters, digits and a dash, so folding it is just this (and 13,000 rows notice).
    return " ".join(key for key in (search_key(name), code.replace("-", "").lower()) if key)


def operator_clean(draft: OperatorDraft) -> Operator:
    """The operator row for a draft (not saved, no office yet), with its identifiers checked."""
    if not isinstance(draft, OperatorDraft):
        _refuse("operator", _("An office needs its operator."))
    kind = _choice(
        draft.kind, _OPERATOR_KINDS, "operator.kind", gettext_lazy("An operator is a person or a company.")
    )
    name = _name(draft.name, "operator.name")
    mobile = mobile_clean(draft.mobile, field="operator.mobile")
    if kind == OperatorKind.PERSON:
        if _text(draft.company_id):
            _refuse("operator.company_id", _("A person has a national ID, not a company ID."))
        national_id = national_id_clean(draft.national_id, field="operator.national_id")
        return Operator(
            office_id=None,
            kind=kind,
            name=name,
            **operator_identity(kind=kind, identifier=national_id, mobile=mobile),
        )
    company_id = _text(draft.company_id).replace("-", "").replace(" ", "")
    if not _COMPANY_ID.match(company_id):
        _refuse("operator.company_id", _("A company's national ID is eleven digits."))
    if _text(draft.national_id):
        _refuse("operator.national_id", _("A company has a company ID, not a national ID."))
    return Operator(
        office_id=None,
        kind=kind,
        name=name,
        **operator_identity(kind=kind, identifier=company_id, mobile=mobile),
    )


def clean_all(drafts: Sequence[OfficeDraft], *, numbered: bool) -> list[RowCheck]:
    checker = _RowChecker.load(drafts)
    cleaned = []
    for index, draft in enumerate(drafts):
        try:
            cleaned.append(checker.clean(draft))
        except ApplicationError as error:
            if not numbered:
                raise
            # A batch names the row, so whoever built it can find the culprit among thousands.
            raise type(error)(
                _("Row %(row)s: %(detail)s") % {"row": index + 1, "detail": error.detail},
                fields={f"rows[{index}].{name}": messages for name, messages in error.fields.items()},
            ) from None
    return cleaned


def office_draft_of(office: Office) -> OfficeDraft:
    """The draft that describes an office as it is (to change some fields and check it again)."""
    operator = office.operator
    return OfficeDraft(
        name=office.name,
        kind=office.kind,
        province=office.province.code,
        county=office.county.code,
        operator=OperatorDraft(
            kind=operator.kind,
            name=operator.name,
            mobile=operator.mobile,
            national_id=operator.national_id,
            company_id=operator.company_id,
        ),
        place=(office.place.code or office.place.city_code) if office.place_id else None,
        lat=office.lat,
        lon=office.lon,
        location_estimated=office.location_estimated,
        setting=office.setting,
        address=office.address,
        postal_code=office.postal_code,
        counters=office.counters,
        opening_hours=office.opening_hours,
        phone=office.phone,
        organisation=office.organisation.code if office.organisation_id else None,
        status=office.status,
        created_at=office.created_at,
    )


def office_draft_recheck(draft: OfficeDraft, *, code: str) -> RowCheck:
    """Check a changed draft of an existing office (whose code stays) like a new registration."""
    return _RowChecker.load([draft]).clean(draft, existing_code=code)
