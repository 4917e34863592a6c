"""Registering offices, one at a time or by the thousand, each row checked the same way (``drafts``).

A batch is refused whole if one row is wrong, naming the row: nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import AuditItem, audit_record, audit_record_many
from pishkhan.common.bulk import IN_BATCH, insert_objects
from pishkhan.common.errors import ConflictError
from pishkhan.offices.models import Office, Operator
from pishkhan.offices.services.drafts import OfficeDraft, OperatorDraft, RowCheck, clean_all


def office_facts(office: Office, operator: Operator) -> dict[str, Any]:
    """What the audit log keeps of a registered office (the operator's national ID masked)."""
    return {
        "code": office.code,
        "name": office.name,
        "kind": office.kind,
        "status": office.status,
        "county_id": office.county_id,
        "place_id": office.place_id,
        "lat": office.lat,
        "lon": office.lon,
        "location_estimated": office.location_estimated,
        "organisation_id": office.organisation_id,
        "operator": {
            "kind": operator.kind,
            "name": operator.name,
            "id": operator.identifier_masked,
        },
    }


def _write(cleaned: list[RowCheck]) -> list[Office]:
    offices = [row.office for row in cleaned]
    try:
        with transaction.atomic():
            if len(offices) == 1:
                offices[0].save(force_insert=True)
            else:
                insert_objects(Office, offices)
    except IntegrityError:  # a code taken by a concurrent registration since the check
        raise ConflictError(
            _("An office code was taken meanwhile; please try again."), fields={"code": "taken"}
        ) from None
    if len(offices) > 1:
        codes = [office.code for office in offices]
        ids: dict[str, int] = {}
        for start in range(0, len(codes), IN_BATCH):
            ids.update(
                Office.objects.filter(code__in=codes[start : start + IN_BATCH]).values_list("code", "pk")
            )
        for office in offices:
            office.pk = ids[office.code]
            office._state.adding, office._state.db = False, connection.alias
    operators = []
    for row in cleaned:
        row.operator.office = row.office
        operators.append(row.operator)
    if len(operators) == 1:
        operators[0].save(force_insert=True)
        return offices
    insert_objects(Operator, operators)
    by_office = {operator.office_id: operator for operator in operators}
    office_ids = list(by_office)
    for start in range(0, len(office_ids), IN_BATCH):
        chunk = office_ids[start : start + IN_BATCH]
        for office_id, pk in Operator.objects.filter(office_id__in=chunk).values_list("office_id", "pk"):
            operator = by_office[office_id]
            operator.pk = pk
            operator._state.adding, operator._state.db = False, connection.alias
    return offices


def office_register(
    *,
    name: str,
    kind: str,
    province: str,
    county: str,
    operator: OperatorDraft,
    place: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    setting: str | None = None,
    address: str = "",
    postal_code: str = "",
    counters: int = 1,
    opening_hours: Mapping[str, Any] | None = None,
    phone: str = "",
    organisation: str | None = None,
    code: str | None = None,
    actor: Actor,
) -> Office:
    """Register an office with its operator; the code is the next free one unless given.

    Refusals: ``ValidationError`` (422) for a county of another province, a place outside the
    county, coordinates outside Iran or the county, a malformed identifier or unknown code;
    ``ConflictError`` (409) for a code in use.
    """
    draft = OfficeDraft(
        name=name,
        kind=kind,
        province=province,
        county=county,
        operator=operator,
        place=place,
        lat=lat,
        lon=lon,
        setting=setting,
        address=address,
        postal_code=postal_code,
        counters=counters,
        opening_hours=opening_hours,
        phone=phone,
        organisation=organisation,
        code=code,
    )
    with transaction.atomic():
        (row,) = clean_all([draft], numbered=False)
        (office,) = _write([row])
        audit_record(
            actor=actor, action="office.register", target=office, after=office_facts(office, row.operator)
        )
    return office


def office_register_many(*, rows: Sequence[OfficeDraft], actor: Actor) -> list[Office]:
    """Register many offices in one transaction, each row checked exactly as :func:`office_register`.

    One bad row refuses the whole batch (its error names the row: ``rows[17].county``). Writes with
    ``bulk_create`` and one audit entry per office; 13,000 rows take a few seconds on SQLite.
    """
    if not rows:
        return []
    with transaction.atomic():
        cleaned = clean_all(rows, numbered=True)
        offices = _write(cleaned)
        audit_record_many(
            actor=actor,
            action="office.register",
            items=[
                AuditItem(target=row.office, after=office_facts(row.office, row.operator)) for row in cleaned
            ],
        )
    return offices
