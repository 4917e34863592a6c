"""The rules a counter transaction is checked by before it is written, and whether its office may
serve: shared by the single POST (the API's and the fast lane's), the batch and the web counter.

A refusal is a ``ValidationError`` naming every bad field at once (``PermissionDeniedError`` for an
office that may not serve); nothing is written before these pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from pishkhan.audit.selectors import audit_entry_list_for_target
from pishkhan.catalogue.lookups import Lookups
from pishkhan.catalogue.models import Service
from pishkhan.common.calendar import to_tehran
from pishkhan.common.errors import NotFoundError, PermissionDeniedError, ValidationError
from pishkhan.common.identifiers import mobile_clean, national_id_clean
from pishkhan.common.money import rials_check
from pishkhan.common.persian import text_refusal
from pishkhan.licensing.selectors import office_may_transact
from pishkhan.offices.models import Office
from pishkhan.offices.states import OfficeStatus
from pishkhan.transactions.models import CLERK_MAX, OFFICE_REFERENCE_MAX

# Offices' clocks drift; a few minutes ahead is a clock, more is a mistake.
CLOCK_SKEW = dt.timedelta(minutes=5)
# Store-and-forward covers a link down for days, not a backlog of months.
RECORDED_MAX_AGE = dt.timedelta(days=30)


class Posted(TypedDict, total=False):
    """A transaction as an office posts it (the API's ``TransactionRecordIn``, an item of a batch, the
    web counter's form), before any check: each value may be missing or of the wrong type, which
    :func:`transaction_check` refuses by name."""

    service: str
    national_id: str
    mobile: str
    fee_charged: int
    clerk: str
    office_reference: str
    recorded_at: dt.datetime | str | None


@dataclass
class Checked:
    """A transaction whose every rule holds, its values clean; ``fee_tariff``: the total of the tariff
    in force on the day the office recorded it."""

    service: Service
    national_id: str
    mobile: str
    fee_charged: int
    fee_tariff: int
    clerk: str
    office_reference: str
    recorded_at: dt.datetime


def office_operational_check(office: Office) -> None:
    """Raise ``PermissionDeniedError`` (with the reason) unless the office may serve now.

    The office must be open in the registry and, for the kinds the regulator licenses, hold an active
    licence (suspended, expired, revoked or never activated: refused, saying which).
    """
    if office.status != OfficeStatus.ACTIVE:
        change = audit_entry_list_for_target(target=office).filter(action="office.set_status").last()
        reason = change.reason if change is not None else ""
        if office.status == OfficeStatus.SUSPENDED:
            detail = _("Office %(code)s is suspended and may not record transactions.")
        else:
            detail = _("Office %(code)s is closed and may not record transactions.")
        detail %= {"code": office.code}
        if reason:
            detail += " " + _("Reason: %(reason)s") % {"reason": reason}
        raise PermissionDeniedError(detail)
    may, why = office_may_transact(office=office)
    if not may:
        raise PermissionDeniedError(why)


def text_clean(value: Any, name: str, *, max_length: int, required: bool) -> str:
    """A text field, stripped: refused when not text, missing but required, too long, or holding what no
    text needs (a lone surrogate, a control character, a bidi override: ``persian.text_refusal``)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("%(field)s must be text.") % {"field": name}, fields={name: _("not text")})
    refusal = text_refusal(value)
    if refusal is not None:
        message = _("%(field)s %(refusal)s.") % {"field": name, "refusal": _(refusal)}
        raise ValidationError(message, fields={name: message})
    value = value.strip()
    if required and not value:
        raise ValidationError(_("%(field)s is required.") % {"field": name}, fields={name: _("required")})
    if len(value) > max_length:
        message = _("At most %(count)d characters.") % {"count": max_length}
        raise ValidationError(message, fields={name: message})
    return value


def _service_clean(office: Office, code: Any, lookups: Lookups) -> Service:
    if not isinstance(code, str) or not code.strip():
        raise ValidationError(_("The service is required."), fields={"service": _("required")})
    try:
        service = lookups.service(code)
    except NotFoundError as error:
        raise ValidationError(error.detail, fields={"service": _("unknown service")}) from None
    if not service.active:
        message = _("This service is no longer offered.")
        raise ValidationError(message, fields={"service": message})
    why = lookups.undeliverable_why(service, office.kind)
    if why:
        raise ValidationError(why, fields={"service": why})
    return service


def _recorded_at_clean(value: Any, now: dt.datetime) -> dt.datetime:
    if value is None or value == "":
        return now
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value)
        except ValueError:  # well-formed but no such day: 2026-02-30
            parsed = None
        if parsed is None:
            message = _("Not a date and time (ISO 8601).")
            raise ValidationError(message, fields={"recorded_at": message})
        value = parsed
    if not isinstance(value, dt.datetime):
        message = _("Not a date and time (ISO 8601).")
        raise ValidationError(message, fields={"recorded_at": message})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)  # the office's wall clock: Tehran time
    if value > now + CLOCK_SKEW:
        message = _("The time the office recorded lies in the future.")
        raise ValidationError(message, fields={"recorded_at": message})
    if value < now - RECORDED_MAX_AGE:
        message = _("The time the office recorded is more than %(days)d days old.") % {
            "days": RECORDED_MAX_AGE.days
        }
        raise ValidationError(message, fields={"recorded_at": message})
    return value


def no_tariff_message() -> str:
    """The refusal of a service without a tariff in force (the counter's and the history import's)."""
    return _("This service has no tariff in force on the day the office recorded it.")


def transaction_check(office: Office, posted: Posted, now: dt.datetime, lookups: Lookups) -> Checked:
    """Every rule of one transaction; a ``ValidationError`` naming every bad field at once.

    The service must be offered, deliverable by the office's kind (the catalogue's rule) and have a
    tariff in force on the day the office recorded it, in Tehran. Each field is checked in turn, its
    refusal noted and the next checked anyway (straight calls, no closure per field: a batch checks a
    thousand items).
    """
    errors: dict[str, list[str]] = {}
    get = posted.get
    service = _field(errors, "service", _service_clean, office, get("service"), lookups)
    national_id = _field(errors, "national_id", _national_id_clean, get("national_id"))
    mobile = _field(errors, "mobile", _mobile_clean, get("mobile"))
    fee_charged = _field(errors, "fee_charged", rials_check, get("fee_charged"), field="fee_charged")
    clerk = _field(errors, "clerk", text_clean, get("clerk"), "clerk", max_length=CLERK_MAX, required=False)
    office_reference = _field(
        errors, "office_reference", text_clean, get("office_reference"), "office_reference",
        max_length=OFFICE_REFERENCE_MAX, required=True,
    )  # fmt: skip
    recorded_at = _field(errors, "recorded_at", _recorded_at_clean, get("recorded_at"), now)
    fee_tariff = None
    if service is not None and recorded_at is not None:
        # The tariff in force on the day the office recorded it, in Tehran (whatever the request's zone).
        fee_tariff = lookups.tariff_total(service, to_tehran(recorded_at).date())
        if fee_tariff is None:
            errors.setdefault("service", []).append(no_tariff_message())
    if errors:
        raise ValidationError(_("The transaction is not valid; see errors."), fields=errors)
    return Checked(
        service=service,
        national_id=national_id,
        mobile=mobile,
        fee_charged=fee_charged,
        fee_tariff=fee_tariff,
        clerk=clerk,
        office_reference=office_reference,
        recorded_at=recorded_at,
    )


def _field(
    errors: dict[str, list[str]], name: str, check: Callable[..., Any], *args: Any, **kwargs: Any
) -> Any:
    """``check(*args, **kwargs)``, or its refusal noted in ``errors`` (under the fields it names, else
    ``name``) and ``None``."""
    try:
        return check(*args, **kwargs)
    except ValidationError as error:
        for field_name, messages in (error.fields or {name: [error.detail]}).items():
            errors.setdefault(field_name, []).extend(messages)
        return None


def _national_id_clean(value: Any) -> str:
    return national_id_clean(text_clean(value, "national_id", max_length=40, required=True))


def _mobile_clean(value: Any) -> str:
    return mobile_clean(text_clean(value, "mobile", max_length=40, required=True))
