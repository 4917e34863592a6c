"""Licences by the thousand: an import of the regulator's existing licences, or the demo network's.

Each row is checked as the single services check a licence (ADR 0005): an open office of a licensed
kind, at most one licence in force per office, dates in order, and a state that the rules could have
produced — active or suspended only with a first sign of life, suspended with its end date, ended
(revoked, expired, surrendered) with its time, revoked with its reason and legal basis. An import
records history that happened elsewhere, so it may write any state directly; each row's audit entry
(``licence.import``) carries the basis "import of existing licences" and the row's own reason and
basis. The holder is the office's operator in the registry. Numbers are allocated here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import AuditItem, audit_record_many
from pishkhan.common.bulk import IN_BATCH, insert_objects
from pishkhan.common.errors import ApplicationError, ConflictError, ValidationError
from pishkhan.common.persian import to_latin_digits
from pishkhan.licensing.models import LICENSED_KINDS, Licence
from pishkhan.licensing.services.holders import holder_of_operator
from pishkhan.licensing.services.inputs import text_clean
from pishkhan.licensing.services.licences import licence_facts, serving_hold_of
from pishkhan.licensing.services.numbers import NumberBlock, number_prefix, office_province_code
from pishkhan.licensing.states import ENDED_STATES, IN_FORCE_STATES, LicenceStatus
from pishkhan.licensing.terms import expiry_for, today
from pishkhan.offices.models import Office
from pishkhan.offices.services import ServingChange, offices_serving_set_many
from pishkhan.offices.states import OfficeStatus

BASIS_IMPORT = gettext_noop("Import of existing licences")

_STATUSES = frozenset(LicenceStatus.values)
_ACTIVATED = frozenset({LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED})
# What a row needs of its office and operator (not the timetable nor the search key, 13,000 times).
_OFFICE_FIELDS = (
    "pk", "code", "kind", "status",
    "operator__kind", "operator__name", "operator__identifier_key", "operator__identifier_masked",
    "operator__identifier_sealed", "operator__mobile_sealed",
)  # fmt: skip


@dataclass(frozen=True)
class LicenceDraft:
    """A licence as an import records it: the office (by code), its state and the dates of its life.

    Defaults: issued today, expiring after the term; an active or suspended licence was activated at
    its first sign of life unless ``activated_at`` says otherwise.
    """

    office: str
    status: str = LicenceStatus.ISSUED
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    first_signal_at: dt.datetime | None = None
    activated_at: dt.datetime | None = None
    suspended_until: dt.date | None = None
    ended_at: dt.datetime | None = None
    reason: str = ""
    basis: str = ""
    applicant_user: Any = None


def _refuse(name: str, message: str, *, conflict: bool = False) -> NoReturn:
    raise (ConflictError if conflict else ValidationError)(message, fields={name: message})


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _moment(value: object, name: str, *, now: dt.datetime, after: dt.date) -> dt.datetime:
    """An aware past moment, on or after the day ``after`` (in Tehran)."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        _refuse(name, _("Give a moment with its time zone."))
    if value > now or timezone.localdate(value) < after:
        _refuse(name, _("This moment must lie between the licence's issue and now."))
    return value


def _licence_of(
    row: LicenceDraft, office: Office | None, *, now: dt.datetime, in_force: set[int]
) -> tuple[Licence, dict[str, str]]:
    """The licence a row describes, after checking it could have come about under the rules; with the
    row's reason and basis (for its audit entry)."""
    if office is None:
        _refuse("office", _("No office has the code %(code)s.") % {"code": row.office})
    if office.kind not in LICENSED_KINDS:
        _refuse("office", _("Offices of this kind hold no licence of the regulator."))
    status = row.status
    if status not in _STATUSES:
        _refuse("status", _("Unknown licence status."))
    on = today(now)
    issued_on = row.issued_on or on
    if not _is_date(issued_on) or issued_on > on:
        _refuse("issued_on", _("The issue date is a day in the past."))
    expires_on = row.expires_on or expiry_for(issued_on)
    if not _is_date(expires_on) or expires_on <= issued_on:
        _refuse("expires_on", _("A licence expires after its issue."))
    if status in IN_FORCE_STATES:
        if office.status == OfficeStatus.CLOSED:
            _refuse("office", _("Office %(code)s is closed.") % {"code": office.code}, conflict=True)
        if expires_on < on:
            _refuse("expires_on", _("A licence past its expiry date is expired."))
        if office.pk in in_force:
            message = _("Office %(code)s already has a licence in force.") % {"code": office.code}
            _refuse("office", message, conflict=True)
        in_force.add(office.pk)
    first_signal_at = row.first_signal_at
    if first_signal_at is not None:
        first_signal_at = _moment(first_signal_at, "first_signal_at", now=now, after=issued_on)
    activated_at = row.activated_at
    if status in _ACTIVATED:
        if first_signal_at is None:
            _refuse("first_signal_at", _("A licence became active only after a first sign of life."))
        activated_at = _moment(activated_at or first_signal_at, "activated_at", now=now, after=issued_on)
        if activated_at < first_signal_at:
            _refuse("activated_at", _("A licence became active only after a first sign of life."))
    elif status == LicenceStatus.ISSUED and activated_at is not None:
        _refuse("activated_at", _("An issued licence has not been activated."))
    elif activated_at is not None:
        activated_at = _moment(activated_at, "activated_at", now=now, after=issued_on)
    suspended_until = row.suspended_until
    if status == LicenceStatus.SUSPENDED:
        if not _is_date(suspended_until) or suspended_until < on:
            _refuse("suspended_until", _("A suspension in force ends today or later."))
    elif suspended_until is not None:
        _refuse("suspended_until", _("Only a suspended licence has a suspension's end."))
    ended_at = row.ended_at
    if status in ENDED_STATES:
        ended_at = _moment(ended_at, "ended_at", now=now, after=issued_on)
        if status == LicenceStatus.EXPIRED and timezone.localdate(ended_at) <= expires_on:
            _refuse("ended_at", _("A licence expires after its expiry date."))
    elif ended_at is not None:
        _refuse("ended_at", _("A licence in force has not ended."))
    words = {
        "reason": text_clean(
            row.reason, "reason", required=status in (LicenceStatus.REVOKED, LicenceStatus.SURRENDERED)
        ),
        "basis": text_clean(row.basis, "basis", required=status == LicenceStatus.REVOKED),
    }
    operator = getattr(office, "operator", None)
    if operator is None:
        _refuse("office", _("Office %(code)s has no operator to hold its licence.") % {"code": office.code})
    holder = holder_of_operator(operator)
    licence = Licence(
        status=status,
        kind=office.kind,
        office=office,
        holder_kind=holder.kind,
        holder_name=holder.name,
        holder_key=holder.key,
        holder_masked=holder.masked,
        applicant_user=row.applicant_user,
        issued_on=issued_on,
        expires_on=expires_on,
        first_signal_at=first_signal_at,
        activated_at=activated_at,
        suspended_until=suspended_until,
        ended_at=ended_at,
        created_at=now,
    )
    return licence, words


def _import_facts(licence: Licence, words: dict[str, str]) -> dict[str, Any]:
    facts = licence_facts(licence)
    facts.update(
        first_signal_at=licence.first_signal_at,
        activated_at=licence.activated_at,
        suspended_until=licence.suspended_until,
        ended_at=licence.ended_at,
        **words,
    )
    return facts


def licences_issue_many(
    *, rows: Sequence[LicenceDraft], actor: Actor, now: dt.datetime | None = None
) -> list[Licence]:
    """Record many licences at once, each row checked as described above; one transaction.

    A bad row refuses the whole batch, naming it (``rows[17].first_signal_at``). Written with
    ``common.bulk`` and one audit entry per licence (``licence.import``); 13,000 rows take seconds.
    """
    if not rows:
        return []
    now = now or timezone.now()
    codes = sorted({to_latin_digits(str(row.office).strip()).upper() for row in rows})
    with transaction.atomic():
        offices: dict[str, Office] = {}
        for start in range(0, len(codes), IN_BATCH):
            chunk = codes[start : start + IN_BATCH]
            offices.update(
                (office.code, office)
                for office in Office.objects.select_related("operator")
                .only(*_OFFICE_FIELDS)
                .filter(code__in=chunk)
            )
        office_ids = [office.pk for office in offices.values()]
        in_force: set[int] = set()
        for start in range(0, len(office_ids), IN_BATCH):
            in_force.update(
                Licence.objects.filter(
                    office_id__in=office_ids[start : start + IN_BATCH], status__in=IN_FORCE_STATES
                ).values_list("office_id", flat=True)
            )
        held_before = frozenset(in_force)
        licences, words = [], []
        for index, row in enumerate(rows):
            office = offices.get(to_latin_digits(str(row.office).strip()).upper())
            try:
                licence, said = _licence_of(row, office, now=now, in_force=in_force)
                licences.append(licence)
                words.append(said)
            except ApplicationError as error:
                # A batch names the row, so whoever built it can find the culprit among thousands.
                raise type(error)(
                    _("Row %(row)s: %(detail)s") % {"row": index + 1, "detail": error.detail},
                    fields={f"rows[{index}].{name}": messages for name, messages in error.fields.items()},
                ) from None
        prefixes = [
            number_prefix("L", office_province_code(lic.office.code), lic.issued_on) for lic in licences
        ]
        block = NumberBlock(Licence, prefixes)
        for licence, prefix in zip(licences, prefixes, strict=True):
            licence.number = block.next(prefix)
        try:
            with transaction.atomic():
                insert_objects(Licence, licences)
        except IntegrityError:
            raise ConflictError(
                _("A licence was issued meanwhile for one of these offices; please try again.")
            ) from None
        ids: dict[str, int] = {}
        numbers = [licence.number for licence in licences]
        for start in range(0, len(numbers), IN_BATCH):
            ids.update(
                Licence.objects.filter(number__in=numbers[start : start + IN_BATCH]).values_list(
                    "number", "pk"
                )
            )
        for licence in licences:
            licence.pk = ids[licence.number]
            licence._state.adding, licence._state.db = False, connection.alias
        audit_record_many(
            actor=actor,
            action="licence.import",
            items=[
                AuditItem(target=licence, after=_import_facts(licence, said))
                for licence, said in zip(licences, words, strict=True)
            ],
            basis=BASIS_IMPORT,
        )
        offices_serving_set_many(changes=_serving_changes(licences, held_before), actor=actor)
    return licences


def _serving_changes(licences: Sequence[Licence], held_before: frozenset[int]) -> list[ServingChange]:
    """What the registry shows of each office the import gave a licence: its licence in force decides,
    else the last one that ended. An office that already held a licence in force keeps what it shows."""
    deciding: dict[int, Licence] = {}
    for licence in licences:
        office_id = licence.office.pk
        if office_id in held_before:
            continue
        other = deciding.get(office_id)
        if other is None or licence.in_force or (not other.in_force and licence.ended_at > other.ended_at):
            deciding[office_id] = licence
    return [ServingChange(office_id, *serving_hold_of(licence)) for office_id, licence in deciding.items()]
