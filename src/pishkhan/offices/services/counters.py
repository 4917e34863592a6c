"""Which services each counter of an office serves (empty: every service the office's kind may deliver)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.catalogue.selectors import services_deliverable_by
from pishkhan.common.errors import ValidationError
from pishkhan.offices.models import CounterService, Office


def counter_services_set(
    *, office: Office, counter: object, service_codes: Iterable[str], actor: Actor
) -> list[str]:
    """Set the services a counter serves, each one the office's kind may deliver; an empty list lets
    the counter serve them all. The codes now set, sorted."""
    try:
        number = int(str(counter))
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= office.counters:
        message = _("The office has counters 1 to %(n)d.") % {"n": office.counters}
        raise ValidationError(message, fields={"counter": message})
    codes = sorted({str(code).strip() for code in service_codes if str(code).strip()})
    deliverable = {service.code: service for service in services_deliverable_by(kind=office.kind)}
    unknown = [code for code in codes if code not in deliverable]
    if unknown:
        message = _("This office does not deliver the service %(code)s.") % {"code": ", ".join(unknown)}
        raise ValidationError(message, fields={"services": message})
    with transaction.atomic():
        current = CounterService.objects.filter(office=office, counter=number)
        before = sorted(current.values_list("service__code", flat=True))
        if before == codes:
            return codes
        current.delete()
        CounterService.objects.bulk_create(
            CounterService(office=office, counter=number, service=deliverable[code]) for code in codes
        )
        audit_record(
            actor=actor,
            action="office.set_counter_services",
            target=office,
            before={"counter": number, "services": before},
            after={"counter": number, "services": codes},
        )
    return codes
