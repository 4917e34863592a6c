"""Changing a registered office: its details, its status, its hours and counters."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.audit.transitions import transition_apply
from pishkhan.common.errors import ValidationError
from pishkhan.common.sealing import reseal
from pishkhan.common.writes import UNSET
from pishkhan.offices.hours import opening_hours_clean
from pishkhan.offices.models import MAX_COUNTERS, MIN_COUNTERS, OPERATOR_IDENTITY_FIELDS, Office, Operator
from pishkhan.offices.services.drafts import (
    OperatorDraft,
    office_draft_of,
    office_draft_recheck,
)
from pishkhan.offices.states import OFFICE_TRANSITIONS, OfficeStatus

# What office_update may change. Never the code (it identifies the office for good), the province
# (the code names it), the kind (only a conversion changes it) or the status (office_set_status).
_DETAILS = (
    "name", "county", "place", "lat", "lon", "setting", "address", "postal_code", "phone", "organisation",
)  # fmt: skip
_OFFICE_COLUMNS = (
    "name", "county_id", "place_id", "lat", "lon", "location_estimated", "setting", "address",
    "postal_code", "phone", "organisation_id", "search_key",
)  # fmt: skip


def _rows() -> QuerySet[Office]:
    """Offices as their services read them: with the places, organisation and operator they name."""
    return Office.objects.select_related("province", "county", "place", "organisation", "operator")


def _locked(office: Office) -> Office:
    return _rows().select_for_update(of=("self",)).get(pk=office.pk)


def _operator_facts(operator: Operator) -> dict[str, str]:
    return {"kind": operator.kind, "name": operator.name, "id": operator.identifier_masked}


def office_update(
    *,
    office: Office,
    actor: Actor,
    name: str = UNSET,
    county: str = UNSET,
    place: str | None = UNSET,
    lat: float | None = UNSET,
    lon: float | None = UNSET,
    setting: str = UNSET,
    address: str = UNSET,
    postal_code: str = UNSET,
    phone: str = UNSET,
    organisation: str | None = UNSET,
    operator: OperatorDraft = UNSET,
    reason: str = "",
) -> Office:
    """Change an office's details; only what is passed changes, checked as at registration.

    Moving to another county or place without new coordinates puts the office at the new place's
    point (or a point estimated inside the county). The audit entry holds each changed field.
    """
    arguments = dict(locals())
    given = {key: arguments[key] for key in _DETAILS if arguments[key] is not UNSET}
    with transaction.atomic():
        office = _locked(office)
        draft = office_draft_of(office)
        moved = ("county" in given and given["county"] != draft.county) or given.get("place") is not None
        if moved and "lat" not in given and "lon" not in given:
            # A new county or place without a point: stand at the new place (or a point estimated in the
            # county). Only dropping the place keeps the point, which is still inside the county.
            given["lat"] = given["lon"] = None
        if "lat" in given or "lon" in given:
            given["location_estimated"] = False
        if operator is not UNSET:
            given["operator"] = operator
        row = office_draft_recheck(dataclasses.replace(draft, **given), code=office.code)
        new = row.office
        before, after = {}, {}
        for column in _OFFICE_COLUMNS:
            old_value, new_value = getattr(office, column), getattr(new, column)
            if old_value != new_value:
                before[column], after[column] = old_value, new_value
                setattr(office, column, new_value)
        if after:
            office.save(update_fields=list(after))
        old_operator = office.operator
        if operator is not UNSET:
            fresh = row.operator
            # Sealed values differ at every sealing: compare what they hold, then store the fresh ones.
            compared = ["kind", "name", "identifier_key", "mobile"]
            fields = ["kind", "name", *OPERATOR_IDENTITY_FIELDS]
            if any(getattr(old_operator, f) != getattr(fresh, f) for f in compared):
                before["operator"], after["operator"] = _operator_facts(old_operator), _operator_facts(fresh)
                for f in fields:
                    setattr(old_operator, f, getattr(fresh, f))
                old_operator.save(update_fields=fields)
        after.pop("search_key", None)
        before.pop("search_key", None)
        if after:
            audit_record(
                actor=actor, action="office.update", target=office, before=before, after=after, reason=reason
            )
    return office


def office_set_status(
    *, office: Office, status: str, actor: Actor, reason: str = "", basis: str = ""
) -> Office:
    """Suspend, reopen or close an office, as the transition table allows (a closed office stays closed)."""
    if status not in OfficeStatus.values:
        message = _("Unknown office status.")
        raise ValidationError(message, fields={"status": message})
    return transition_apply(
        office,
        table=OFFICE_TRANSITIONS,
        to=status,
        rows=_rows(),
        record="state",
        actor=actor,
        action="office.set_status",
        reason=reason,
        basis=basis,
    )


def office_set_hours(*, office: Office, opening_hours: Mapping[str, Any], actor: Actor) -> Office:
    """Set the weekly opening hours (weekday 0 = Saturday … 6 = Friday → [[open, close], …], Tehran time)."""
    hours = opening_hours_clean(opening_hours)
    with transaction.atomic():
        office = _locked(office)
        if office.opening_hours == hours:
            return office
        before, office.opening_hours = office.opening_hours, hours
        office.save(update_fields=["opening_hours"])
        audit_record(actor=actor, action="office.set_hours", target=office, before=before, after=hours)
    return office


def office_set_counters(*, office: Office, counters: int, actor: Actor) -> Office:
    """Set how many counters serve citizens at once (1 to 50)."""
    if (
        isinstance(counters, bool)
        or not isinstance(counters, int)
        or not MIN_COUNTERS <= counters <= MAX_COUNTERS
    ):
        message = _("An office has %(min)s to %(max)s counters.") % {"min": MIN_COUNTERS, "max": MAX_COUNTERS}
        raise ValidationError(message, fields={"counters": message})
    with transaction.atomic():
        office = _locked(office)
        if office.counters == counters:
            return office
        before, office.counters = office.counters, counters
        office.save(update_fields=["counters"])
        audit_record(actor=actor, action="office.set_counters", target=office, before=before, after=counters)
    return office


def operators_reseal(*, actor: Actor = None, chunk: int = 1000) -> int:
    """Seal every operator's identifier and mobile again with the current first sealing key; how many.

    For a key rotation: afterwards the old key may be dropped. Each chunk is its own transaction (a
    crash leaves some resealed, which opens with either key), and one audit entry records the count.
    """
    done, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(Operator.objects.select_for_update().filter(pk__gt=last).order_by("pk")[:chunk])
            if not rows:
                break
            for row in rows:
                row.identifier_sealed, row.mobile_sealed = (
                    reseal(row.identifier_sealed),
                    reseal(row.mobile_sealed),
                )
            Operator.objects.bulk_update(rows, ["identifier_sealed", "mobile_sealed"])
        done, last = done + len(rows), rows[-1].pk
    with transaction.atomic():
        audit_record(actor=actor, action="offices.operators_resealed", after={"operators": done})
    return done
