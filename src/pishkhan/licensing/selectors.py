"""Reads of licensing: applications, documents, licences and their timelines, quotas, and the counter's check.

A list narrows to a ``scope`` made by :func:`licensing_scope` from the caller: ``{}`` (national),
``{"province": "23"}``, ``{"office": "P23-0001"}``, or ``{"applicant": "<user id>"}`` for a licence
applicant or holder, who sees only their own. One object outside the scope is a ``NotFoundError``
(a directorate cannot tell another province's licence from a missing one).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import Principal, has_perm
from pishkhan.accounts.roles import JurisdictionKind
from pishkhan.accounts.selectors import user_mobile
from pishkhan.audit.models import AuditEntry
from pishkhan.audit.selectors import audit_entry_list_for_target
from pishkhan.catalogue.selectors import services_deliverable_by
from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.common.persian import to_latin_digits
from pishkhan.licensing.models import (
    APPLICATION_NUMBER_PATTERN,
    LICENCE_NUMBER_PATTERN,
    LICENSED_KINDS,
    ApplicationDocument,
    CountyQuota,
    Licence,
    LicenceApplication,
    Proceeding,
)
from pishkhan.licensing.states import (
    IN_FORCE_STATES,
    OPEN_PROCEEDING_STATES,
    ApplicationStatus,
    LicenceStatus,
)
from pishkhan.licensing.terms import date_shown
from pishkhan.offices.models import Office

Scope = dict[str, str]

_APPLICATION_NUMBER = re.compile(APPLICATION_NUMBER_PATTERN)
_LICENCE_NUMBER = re.compile(LICENCE_NUMBER_PATTERN)
_PROVINCE = re.compile(r"^[0-9]{2}$")
_COUNTY = re.compile(r"^[0-9]{4}$")


def licensing_scope(principal: Principal | None) -> Scope | None:
    """Where a caller may read applications and licences, as selector filters; None where nowhere.

    Whoever holds ``licensing.view`` reads within its jurisdiction (the whole country, a province, its
    office); a licence applicant or holder (``licensing.view_own``) reads only its own.
    """
    if principal is None:
        return None
    if has_perm(principal, "licensing.view"):
        return principal.scope
    if has_perm(principal, "licensing.view_own") and principal.user is not None:
        return {"applicant": str(principal.user.pk)}
    return None


def _scoped(queryset: QuerySet, scope: Scope | None, lookups: dict[str, str | tuple[str, ...]]) -> QuerySet:
    if scope is None:
        return queryset.none()
    for kind, code in scope.items():
        lookup = lookups.get(kind)
        if lookup is None:
            return queryset.none()  # deny by default: a jurisdiction we do not know reaches nothing
        if isinstance(lookup, tuple):  # any of several paths (an application's office, or its licence's)
            condition = Q()
            for path in lookup:
                condition |= Q(**{path: code})
            queryset = queryset.filter(condition)
        else:
            queryset = queryset.filter(**{lookup: code})
    return queryset


_APPLICATION_SCOPES: dict[str, str | tuple[str, ...]] = {
    "province": "province__code",
    "office": ("office__code", "licence__office__code"),
    "applicant": "applicant_user_id",
}
_LICENCE_SCOPES: dict[str, str | tuple[str, ...]] = {
    "province": "office__province__code",
    "office": "office__code",
    "applicant": "applicant_user_id",
}


def _code(value: str, pattern: re.Pattern[str], name: str, message: str) -> str:
    text = to_latin_digits(str(value or "").strip()).upper()
    if not pattern.match(text):
        raise ValidationError(message, fields={name: message})
    return text


def _filters_clean(province: str | None, county: str | None) -> tuple[str | None, str | None]:
    if province:
        province = _code(province, _PROVINCE, "province", _("A province code is two digits."))
    if county:
        county = _code(county, _COUNTY, "county", _("A county code is four digits."))
    return province or None, county or None


# --- Applications ---------------------------------------------------------------------------------


def _applications() -> QuerySet[LicenceApplication]:
    return (
        LicenceApplication.objects.select_related(
            "province", "county", "place", "office", "applicant_user", "licence"
        )
        .defer("province__boundary", "county__boundary", "identity_sealed")
        .prefetch_related("documents")
    )


def application_list(
    *,
    scope: Scope | None,
    status: str | None = None,
    province: str | None = None,
    county: str | None = None,
) -> QuerySet[LicenceApplication]:
    """Applications in scope, newest first, filtered by status, province and county codes."""
    applications = _scoped(_applications(), scope, _APPLICATION_SCOPES)
    province, county = _filters_clean(province, county)
    if status:
        if status not in ApplicationStatus.values:
            raise ValidationError(_("Unknown application status."), fields={"status": "unknown"})
        applications = applications.filter(status=status)
    if province:
        applications = applications.filter(province__code=province)
    if county:
        applications = applications.filter(county__code=county)
    return applications.order_by("-submitted_at", "-id")


def application_get(*, number: str, scope: Scope | None) -> LicenceApplication:
    """The application with this number, if in scope; ``NotFoundError`` otherwise."""
    clean = _code(
        number, _APPLICATION_NUMBER, "number", _("An application number looks like A-23-1405-00001.")
    )
    found = _scoped(_applications(), scope, _APPLICATION_SCOPES).filter(number=clean).first()
    if found is None:
        raise NotFoundError(_("No application has the number %(number)s.") % {"number": number})
    return found


def application_document_list(*, application: LicenceApplication) -> QuerySet[ApplicationDocument]:
    """An application's documents, in the order they came."""
    return ApplicationDocument.objects.filter(application=application).order_by("uploaded_at", "id")


def application_document_get(*, application: LicenceApplication, document_id: int) -> ApplicationDocument:
    """One document of an application; ``NotFoundError`` if it belongs to another."""
    found = ApplicationDocument.objects.filter(application=application, pk=document_id).first()
    if found is None:
        raise NotFoundError(_("No such document."))
    return found


# --- Licences -------------------------------------------------------------------------------------


def _licences() -> QuerySet[Licence]:
    return Licence.objects.select_related(
        "office", "office__province", "office__county", "office__place", "application", "applicant_user"
    ).defer("office__province__boundary", "office__county__boundary", "office__search_key")


def licence_list(
    *,
    scope: Scope | None,
    status: str | None = None,
    province: str | None = None,
    county: str | None = None,
    kind: str | None = None,
    office: str | None = None,
) -> QuerySet[Licence]:
    """Licences in scope by number, filtered by status, province, county, kind and office code."""
    licences = _scoped(_licences(), scope, _LICENCE_SCOPES)
    province, county = _filters_clean(province, county)
    if status:
        if status not in LicenceStatus.values:
            raise ValidationError(_("Unknown licence status."), fields={"status": "unknown"})
        licences = licences.filter(status=status)
    if kind:
        if kind not in LICENSED_KINDS:
            raise ValidationError(_("Unknown office kind."), fields={"kind": "unknown"})
        licences = licences.filter(kind=kind)
    if province:
        licences = licences.filter(office__province__code=province)
    if county:
        licences = licences.filter(office__county__code=county)
    if office:
        licences = licences.filter(office__code=to_latin_digits(office.strip()).upper())
    return licences.order_by("number")


def licence_get(*, number: str, scope: Scope | None) -> Licence:
    """The licence with this number, if in scope; ``NotFoundError`` otherwise."""
    clean = _code(number, _LICENCE_NUMBER, "number", _("A licence number looks like L-23-1405-00001."))
    found = _scoped(_licences(), scope, _LICENCE_SCOPES).filter(number=clean).first()
    if found is None:
        raise NotFoundError(_("No licence has the number %(number)s.") % {"number": number})
    return found


def applicant_known(*, user: Any) -> dict[str, str]:
    """What an account already tells of an applicant, to fill a new application's form with.

    The account's own name; the province of its jurisdiction if it has one; and, when it holds a
    licence, the holder the regulator verified at approval (the licence's office's operator): the
    kind, the name, the national or company ID and the mobile, and that office's province. Only what
    is known is given; the applicant may change any of it.
    """
    known: dict[str, str] = {}
    name = user.get_full_name().strip()
    if name:
        known["applicant_name"] = name
    held = (
        Licence.objects.filter(applicant_user=user, office__operator__isnull=False)
        .select_related("office__operator", "office__province")
        .order_by("-issued_on", "-pk")
        .first()
    )
    if held is not None:
        operator = held.office.operator
        known |= {"applicant_kind": operator.kind, "applicant_name": operator.name, "mobile": operator.mobile}
        known |= {"national_id": operator.national_id} if operator.national_id else {}
        known |= {"company_id": operator.company_id} if operator.company_id else {}
    if "mobile" not in known:
        mobile = user_mobile(user=user)  # the one registered to the account's verified national ID
        known |= {"mobile": mobile} if mobile else {}
    if user.jurisdiction_kind == JurisdictionKind.PROVINCE:
        known["province"] = user.jurisdiction_code
    elif held is not None:
        known["province"] = held.office.province.code  # a holder most often applies at home again
    return known


def licence_timeline(*, licence: Licence) -> QuerySet[AuditEntry]:
    """The licence's history, oldest first: exactly its audit entries, so a page and the log agree."""
    return audit_entry_list_for_target(target=licence)


def licence_in_force_for_office(*, office: Office) -> Licence | None:
    """The office's licence in force (issued, active or suspended), or None. One indexed read."""
    return Licence.objects.filter(office_id=office.pk, status__in=IN_FORCE_STATES).first()


def licence_permits(
    *,
    office_kind: str,
    status: str | None,
    expires_on: dt.date | None,
    suspended_until: dt.date | None,
    on: dt.date,
) -> bool:
    """Whether an office of this kind, whose licence in force is in this state (None: none), may
    transact on ``on``: the rule :func:`office_may_transact` explains when it refuses.

    For callers that read the licence with something else in one query (the counter's fast lane).
    """
    if office_kind not in LICENSED_KINDS:
        return True
    if status is None or expires_on is None or expires_on < on:
        return False
    if status == LicenceStatus.ACTIVE:
        return True
    return status == LicenceStatus.SUSPENDED and suspended_until is not None and suspended_until < on


def licence_permits_sql(*, office: str, licence: str) -> str:
    """:func:`licence_permits` as a SQL condition (its parameters: :func:`licence_permits_params`):
    ``office`` names a row of offices, ``licence`` its licence in force, LEFT JOINed
    (``status IN IN_FORCE_STATES``).

    For a write that re-checks its caller in the same statement (the counter's fast lane); a test
    holds the two to the same answers.
    """
    kinds = ", ".join(["%s"] * len(LICENSED_KINDS))
    return (
        f"({office}.kind NOT IN ({kinds}) OR ({licence}.expires_on >= %s AND "
        f"({licence}.status = %s OR ({licence}.status = %s AND {licence}.suspended_until < %s))))"
    )


class LicenceInForceSql(NamedTuple):
    """An office's licence in force as the counter's hot path reads it in its own SQL
    (``transactions.selectors``), LEFT JOINed to the office: see :func:`licence_in_force_sql`."""

    join: str  # "LEFT JOIN ... ON ...": its parameters are licence_in_force_params()
    columns: str  # status, expires_on, suspended_until (NULLs: none in force)


@functools.cache
def licence_in_force_sql(*, licence: str, office_id: str) -> LicenceInForceSql:
    """The licence in force (alias ``licence``) of the office whose id is the SQL expression
    ``office_id``, LEFT JOINed (at most one: a partial unique index), with the columns
    :func:`licence_permits` needs; the licences' table and columns stay named here."""
    meta = Licence._meta
    column = {
        name: f"{licence}.{meta.get_field(name).column}"
        for name in ("office", "status", "expires_on", "suspended_until")
    }
    states = ", ".join(["%s"] * len(IN_FORCE_STATES))
    table = connection.ops.quote_name(meta.db_table)
    return LicenceInForceSql(
        join=f"LEFT JOIN {table} {licence} ON {column['office']} = {office_id} "
        f"AND {column['status']} IN ({states})",
        columns=f"{column['status']}, {column['expires_on']}, {column['suspended_until']}",
    )


def licence_in_force_params() -> tuple[Any, ...]:
    """The parameters of ``licence_in_force_sql(...).join``."""
    return _IN_FORCE_PARAMS


_IN_FORCE_PARAMS = tuple(sorted(IN_FORCE_STATES))


def licence_permits_params(*, on: dt.date) -> list[Any]:
    """The parameters of :func:`licence_permits_sql` on the day ``on``."""
    return [*sorted(LICENSED_KINDS), on, LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED, on]


def office_may_transact(*, office: Office, now: dt.datetime | None = None) -> tuple[bool, str]:
    """Whether an office may post transactions now, and if not, why (a translated sentence).

    Offices of the parallel networks hold no CRA licence and are not held back here. A licensed kind
    needs an active licence within its dates: a suspension whose end date has passed, or a term that
    has run out, count as such before the worker records them.
    """
    if office.kind not in LICENSED_KINDS:
        return True, ""
    licence = licence_in_force_for_office(office=office)
    on = timezone.localdate(now or timezone.now())
    if licence is not None and licence_permits(
        office_kind=office.kind,
        status=licence.status,
        expires_on=licence.expires_on,
        suspended_until=licence.suspended_until,
        on=on,
    ):
        return True, ""
    if licence is None:
        return False, _("Office %(code)s has no active licence.") % {"code": office.code}
    if licence.expires_on < on:
        return False, _("The licence of office %(code)s expired on %(date)s.") % {
            "code": office.code,
            "date": date_shown(licence.expires_on),
        }
    if licence.status == LicenceStatus.SUSPENDED:
        return False, _("The licence of office %(code)s is suspended until %(date)s.") % {
            "code": office.code,
            "date": date_shown(licence.suspended_until),
        }
    return False, _(
        "The licence of office %(code)s is not active yet: its system must be equipped and connected."
    ) % {"code": office.code}


def licence_public(*, number: str) -> tuple[Licence, list[str]]:
    """A licence as anyone may see it, and the codes of the services its office may deliver.

    For the public verification: the caller shows the office and the licence's state and dates,
    never the holder.
    """
    licence = licence_get(number=number, scope={})
    codes = list(services_deliverable_by(kind=licence.office.kind).values_list("code", flat=True))
    return licence, codes


# --- Quotas ---------------------------------------------------------------------------------------


def county_quota_list(*, scope: Scope | None, province: str | None = None) -> QuerySet[CountyQuota]:
    """Counties' quotas in scope (a province's directorate: its province), by county and kind."""
    quotas = _scoped(
        CountyQuota.objects.select_related("county", "county__province").defer(
            "county__boundary", "county__province__boundary"
        ),
        scope,
        {"province": "county__province__code"},
    )
    province, _county = _filters_clean(province, None)
    if province:
        quotas = quotas.filter(county__province__code=province)
    return quotas.order_by("county__code", "office_kind")


# --- Proceedings ----------------------------------------------------------------------------------


def proceeding_list(*, scope: Scope | None, open_only: bool = False) -> QuerySet[Proceeding]:
    """Proceedings against licences in scope, newest notice first: the notices a holder or office sees.

    A licence holder's scope (``licensing_scope``) gives their own licences' proceedings, an office
    its own, a directorate its province's.
    """
    proceedings = _scoped(
        Proceeding.objects.select_related("licence", "licence__office").defer(
            "licence__office__search_key", "licence__office__opening_hours"
        ),
        scope,
        {
            "province": "licence__office__province__code",
            "office": "licence__office__code",
            "applicant": "licence__applicant_user_id",
        },
    )
    if open_only:
        proceedings = proceedings.filter(status__in=OPEN_PROCEEDING_STATES)
    return proceedings.order_by("-noticed_at", "-id")


def proceeding_list_for_licence(*, licence: Licence) -> QuerySet[Proceeding]:
    """A licence's proceedings, newest notice first (for its page: the notices served on it)."""
    return Proceeding.objects.filter(licence=licence).order_by("-noticed_at", "-id")


def proceeding_open_for_licence(*, licence: Licence) -> Proceeding | None:
    """The licence's open proceeding (a notice awaiting its outcome), or None. One indexed read."""
    return Proceeding.objects.filter(licence=licence, status__in=OPEN_PROCEEDING_STATES).first()


def proceeding_timeline(*, proceeding: Proceeding) -> QuerySet[AuditEntry]:
    """A proceeding's steps, oldest first: its audit entries."""
    return audit_entry_list_for_target(target=proceeding)


@dataclass(frozen=True)
class QuotaState:
    """A county's quota for a kind of office, beside the licences of that kind in force there."""

    maximum: int
    in_force: int

    @property
    def reached(self) -> bool:
        """Whether one more licence would exceed the quota."""
        return self.in_force + 1 > self.maximum


def licences_in_force_count(*, county_id: int, office_kind: str) -> int:
    """How many licences of a kind are in force (issued, active, suspended) in a county."""
    return Licence.objects.filter(
        office__county_id=county_id, kind=office_kind, status__in=IN_FORCE_STATES
    ).count()


def county_quota_state(*, county_id: int, office_kind: str) -> QuotaState | None:
    """The county's quota for the kind with the licences in force, or None: no quota, no limit."""
    maximum = (
        CountyQuota.objects.filter(county_id=county_id, office_kind=office_kind)
        .values_list("maximum", flat=True)
        .first()
    )
    if maximum is None:
        return None
    return QuotaState(
        maximum=maximum, in_force=licences_in_force_count(county_id=county_id, office_kind=office_kind)
    )


def offices_awaiting_signal(*, office_ids: list[int]) -> set[int]:
    """Those of the offices whose licence in force may still change on a sign of life (its first
    signal unrecorded, or issued and not yet active): the only ones a bulk of heartbeats needs to hand
    to ``services.licence_signal``, which does nothing for the others."""
    return set(
        Licence.objects.filter(office_id__in=office_ids, status__in=IN_FORCE_STATES)
        .filter(Q(first_signal_at__isnull=True) | Q(status=LicenceStatus.ISSUED))
        .values_list("office_id", flat=True)
    )
