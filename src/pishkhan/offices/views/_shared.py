"""What the office pages share: sizes, names of weekdays, the caller, choices of places."""

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from pishkhan.accounts.permissions import Principal, has_perm
from pishkhan.accounts.permissions import principal_of as principal_of
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.errors import ApplicationError
from pishkhan.common.languages import in_language
from pishkhan.common.persian import to_latin_digits
from pishkhan.geo.selectors import county_names, province_list
from pishkhan.offices import selectors
from pishkhan.offices.hours import week_minute
from pishkhan.offices.models import Office

PAGE_SIZE = 50
FIND_LIMIT = 10
# The kinds in the order the map draws them (the Pishkhan network last, on top) and the legend lists them.
MAP_KINDS = [
    OfficeKind.ICT,
    OfficeKind.E_CITY,
    OfficeKind.SOCIAL_SECURITY,
    OfficeKind.HEALTH_INSURANCE,
    OfficeKind.PISHKHAN,
]
# The week as offices keep it: Saturday first (0) to Friday (6).
WEEKDAY_NAMES = [
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
]


def latin(value: str | None) -> str:
    return to_latin_digits(value or "").strip()


# --- Choices of places ----------------------------------------------------------------------------


def province_choices(codes: set[str] | None = None) -> list[tuple[str, str]]:
    return [
        (province.code, in_language(province.name_fa, province.name_en))
        for province in province_list()
        if codes is None or province.code in codes
    ]


def county_choices(province: str = "") -> list[tuple[str, Any]]:
    """The counties of a province, or every county grouped under its province when none is chosen."""
    if province:
        return [(code, in_language(fa, en)) for code, fa, en in county_names(province_code=province)]
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, fa, en in county_names():
        groups.setdefault(code[:2], []).append((code, in_language(fa, en)))
    return [(name, groups.get(code, [])) for code, name in province_choices()]


@dataclass(frozen=True)
class Day:
    """One day of an office's week: its name, its opening ranges, and whether it is today."""

    name: str
    ranges: list[list[str]]
    today: bool


def week(hours: dict[str, list[list[str]]]) -> list[Day]:
    today, _minute = week_minute(timezone.now())
    return [
        Day(name=str(WEEKDAY_NAMES[day]), ranges=hours.get(str(day), []), today=day == today)
        for day in range(7)
    ]


def office_or_404(code: str, scope: dict[str, str] | None = None) -> Office:
    try:
        return selectors.office_get(code=code, scope=scope)
    except ApplicationError:  # malformed, unknown, or outside the caller's reach: all look missing
        raise Http404(code) from None


MANAGE_PERMISSIONS = ("offices.edit", "offices.manage_staff", "conversions.request")


def may_manage(principal: Principal, office: Office) -> dict[str, bool]:
    place = {"province": office.province.code, "office": office.code}
    return {perm: has_perm(principal, perm, **place) for perm in MANAGE_PERMISSIONS}
