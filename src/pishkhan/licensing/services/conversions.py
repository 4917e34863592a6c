"""A converted office ends with a Pishkhan licence: issued here once its conversion is decided.

The conversion itself belongs to the office registry (a layer below), which cannot call licensing;
so the worker's job (``tasks.conversions_licence_due``) finds converted offices still lacking their
Pishkhan licence, and a page or service above may call :func:`licence_issue_for_conversion` at once.
An ICT licence the office held ends, surrendered for the new one (ADR 0007).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pishkhan.audit.actors import Actor
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.errors import ConflictError
from pishkhan.licensing.models import Licence
from pishkhan.licensing.services.holders import holder_of_operator
from pishkhan.licensing.services.licences import JOB_BATCH, _locked, _move, licence_issue
from pishkhan.licensing.states import IN_FORCE_STATES, LicenceStatus
from pishkhan.offices.models import Conversion, Office
from pishkhan.offices.states import ConversionState, OfficeStatus

BASIS_CONVERSION = gettext_noop(
    "Conversion of parallel and rural ICT offices into Pishkhan offices (a legal duty since 1388)."
)
REASON_CONVERTED = gettext_noop("The office was converted into a Pishkhan office.")
REASON_REPLACED = gettext_noop("Replaced by the Pishkhan licence issued after the office's conversion.")


def _pishkhan_licence_after(conversion_pk: Any, office_pk: Any, decided_at: Any) -> Q:
    """Licences that already answer a conversion: linked to it, or a Pishkhan licence of the office in
    force or recorded since the decision (one revoked since stays revoked: no new one is issued)."""
    return Q(conversion_id=conversion_pk) | Q(
        Q(office_id=office_pk, kind=OfficeKind.PISHKHAN)
        & (Q(status__in=IN_FORCE_STATES) | Q(created_at__gte=decided_at))
    )


def licence_issue_for_conversion(
    *, conversion: Conversion, actor: Actor, now: dt.datetime | None = None
) -> Licence:
    """Issue the Pishkhan licence of an office whose conversion is decided ``converted``.

    The holder is the office's operator; the licence starts issued and becomes active at the office
    system's next sign of life. An ICT licence still in force is surrendered for it (audited). 409
    when the conversion is not converted, the office is closed or is not (yet) a Pishkhan office, or
    the conversion already has its licence.
    """
    now = now or timezone.now()
    with transaction.atomic():
        conversion = Conversion.objects.select_for_update().get(pk=conversion.pk)
        office = (
            Office.objects.select_for_update(of=("self",))
            .select_related("operator")
            .get(pk=conversion.office_id)
        )
        if conversion.state != ConversionState.CONVERTED:
            raise ConflictError(
                _("The conversion of office %(code)s is not decided converted.") % {"code": office.code}
            )
        if office.status == OfficeStatus.CLOSED or office.kind != OfficeKind.PISHKHAN:
            raise ConflictError(
                _("Office %(code)s is closed or not a Pishkhan office.") % {"code": office.code}
            )
        if Licence.objects.filter(
            _pishkhan_licence_after(conversion.pk, office.pk, conversion.decided_at)
        ).exists():
            raise ConflictError(
                _("Office %(code)s already has its Pishkhan licence.") % {"code": office.code}
            )
        previous = (
            Licence.objects.filter(office=office, status__in=IN_FORCE_STATES)
            .values_list("pk", flat=True)
            .first()
        )
        if previous is not None:
            _move(
                _locked(previous),
                LicenceStatus.SURRENDERED,
                actor=actor,
                action="licence.surrender",
                reason=REASON_REPLACED,
                basis=BASIS_CONVERSION,
                suspended_until=None,
                ended_at=now,
            )
        return licence_issue(
            office=office,
            holder=holder_of_operator(office.operator),
            actor=actor,
            reason=REASON_CONVERTED,
            basis=BASIS_CONVERSION,
            conversion=conversion,
            now=now,
        )


def conversions_awaiting_licence() -> Any:
    """Converted conversions of open Pishkhan offices whose licence has not been issued, oldest first."""
    answered = Licence.objects.filter(
        _pishkhan_licence_after(OuterRef("pk"), OuterRef("office_id"), OuterRef("decided_at"))
    )
    return (
        Conversion.objects.filter(state=ConversionState.CONVERTED, office__kind=OfficeKind.PISHKHAN)
        .exclude(office__status=OfficeStatus.CLOSED)
        .filter(~Exists(answered))
        .order_by("decided_at", "pk")
    )


def licences_issue_for_conversions(*, now: dt.datetime, actor: Actor) -> int:
    """Issue the Pishkhan licences of converted offices still lacking one (a batch); returns how many."""
    done = 0
    for conversion in list(conversions_awaiting_licence()[:JOB_BATCH]):
        try:
            licence_issue_for_conversion(conversion=conversion, actor=actor, now=now)
        except ConflictError:
            continue  # changed meanwhile (another worker issued it, the office closed): nothing to do
        done += 1
    return done
