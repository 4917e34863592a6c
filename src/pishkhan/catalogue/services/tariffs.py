"""Publishing a service's tariff for a Jalali year."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.catalogue.models import Service, Tariff
from pishkhan.catalogue.services.checks import (
    JALALI_YEAR_MAX,
    JALALI_YEAR_MIN,
    Problems,
    jalali_text,
    whole_clean,
)
from pishkhan.common import calendar
from pishkhan.common.errors import ConflictError, ValidationError
from pishkhan.common.money import rials_check
from pishkhan.common.writes import insert_or_conflict


def tariff_set(
    *,
    service: Service,
    jalali_year: int,
    government_fee: int,
    office_fee: int,
    effective_from: dt.date,
    actor: Actor,
) -> Tariff:
    """Publish a service's tariff for a Jalali year, in force from ``effective_from`` (a day of that year).

    A year has one tariff: a second one for the same year is refused (``ConflictError``) rather than
    rewriting fees citizens have already been charged. It stays in force until the next year's
    tariff takes effect.
    """
    problems = Problems()
    year = whole_clean(problems, "jalali_year", jalali_year, low=JALALI_YEAR_MIN, high=JALALI_YEAR_MAX)
    fees = {}
    for field, value in (("government_fee", government_fee), ("office_fee", office_fee)):
        try:
            fees[field] = rials_check(value, field=field)
        except ValidationError as exc:
            for message in exc.fields.get(field, [exc.detail]):
                problems.add(field, message)
    if not isinstance(effective_from, dt.date) or isinstance(effective_from, dt.datetime):
        problems.add("effective_from", _("Give a date."))
    elif "jalali_year" not in problems.fields and calendar.jalali_year(effective_from) != year:
        # Farvardin 1 (Nowruz, at the March equinox) starts a Jalali year.
        problems.add(
            "effective_from",
            _("A tariff for %(year)d must take effect within %(year)d; %(date)s is in %(other)d.")
            % {
                "year": year,
                "date": jalali_text(effective_from),
                "other": calendar.jalali_year(effective_from),
            },
        )
    problems.raise_if_any()
    with transaction.atomic():
        existing = Tariff.objects.filter(service=service, jalali_year=year).first()
        if existing is not None:
            message = _(
                "%(code)s already has a tariff for %(year)d (in force from %(date)s); a year has one "
                "tariff, which is not rewritten."
            ) % {"code": service.code, "year": year, "date": jalali_text(existing.effective_from)}
            raise ConflictError(message, fields={"jalali_year": message})
        tariff = Tariff(service=service, jalali_year=year, effective_from=effective_from, **fees)
        taken = _("%(code)s already has a tariff for %(year)d.") % {"code": service.code, "year": year}
        insert_or_conflict(tariff, message=taken, field="jalali_year")
        audit_record(
            actor=actor,
            action="tariff.set",
            target=tariff,
            after={
                "service": service.code,
                "jalali_year": year,
                "government_fee": tariff.government_fee,
                "office_fee": tariff.office_fee,
                "effective_from": effective_from,
            },
        )
    return tariff
