"""Converting parallel and rural ICT offices into Pishkhan offices: request, review, decision, deadline.

The conversion of the parallel networks (e-city, Social Security, Health Insurance offices) and of the
rural ICT offices into Pishkhan offices is a legal duty since 1388 (2009), resisted by some of the
organisations that run them; each conversion is tracked against a deadline so that resistance shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import AuditItem, audit_record, audit_record_many
from pishkhan.audit.transitions import transition_apply, transitions_apply_many
from pishkhan.catalogue.kinds import CONVERTIBLE_KINDS, OfficeKind
from pishkhan.common.bulk import IN_BATCH
from pishkhan.common.errors import ApplicationError, ConflictError, NotFoundError, ValidationError
from pishkhan.common.persian import as_written, has_control_characters, to_latin_digits
from pishkhan.offices.models import Conversion, Office
from pishkhan.offices.services.serving import ServingChange, office_serving_set, offices_serving_set_many
from pishkhan.offices.states import (
    CONVERSION_TRANSITIONS,
    DECIDED_CONVERSION_STATES,
    OPEN_CONVERSION_STATES,
    ConversionState,
    OfficeStatus,
    ServingHold,
    unlicensed_hold,
)

# POLICY VALUE, not a law's wording: the time an organisation has to decide a conversion request,
# counted from the request. Change it here when the regulator sets another; the stored deadline of a
# conversion already requested does not move.
CONVERSION_DEADLINE = dt.timedelta(days=180)
TEXT_MAX_LENGTH = 2000


def _text(value: str, name: str, *, required: bool = False) -> str:
    if isinstance(value, str) and has_control_characters(value):
        message = _("Control characters are not allowed.")
        raise ValidationError(message, fields={name: message})
    text = as_written(value or "", lines=True) if isinstance(value, str) else ""
    if required and not text:
        message = _("Give the reason.") if name == "reason" else _("This is required.")
        raise ValidationError(message, fields={name: message})
    if len(text) > TEXT_MAX_LENGTH:
        message = _("This text is too long.")
        raise ValidationError(message, fields={name: message})
    return text


def _convertible(office: Office) -> None:
    if office.kind == OfficeKind.PISHKHAN:
        message = _("Office %(code)s is already a Pishkhan office.") % {"code": office.code}
        raise ConflictError(message, fields={"office": message})
    if office.kind not in CONVERTIBLE_KINDS:
        message = _("Offices of this kind are not converted.")
        raise ValidationError(message, fields={"office": message})
    if office.status == OfficeStatus.CLOSED:
        message = _("Office %(code)s is closed.") % {"code": office.code}
        raise ConflictError(message, fields={"office": message})


def conversion_request(
    *, office: Office, actor: Actor, reason: str = "", basis: str = "", now: dt.datetime | None = None
) -> Conversion:
    """Ask for an office to be converted into a Pishkhan office; the legal deadline starts now.

    Refused (409) for an office that is already a Pishkhan office, is closed, or has a conversion
    open (requested, under review or overdue).
    """
    now = now or timezone.now()
    reason, basis = _text(reason, "reason"), _text(basis, "basis")
    with transaction.atomic():
        office = Office.objects.select_for_update().get(pk=office.pk)
        _convertible(office)
        if Conversion.objects.filter(office=office, state__in=OPEN_CONVERSION_STATES).exists():
            message = _("Office %(code)s already has a conversion open.") % {"code": office.code}
            raise ConflictError(message, fields={"office": message})
        try:
            with transaction.atomic():
                conversion = Conversion.objects.create(
                    office=office,
                    from_kind=office.kind,
                    to_kind=OfficeKind.PISHKHAN,
                    state=ConversionState.REQUESTED,
                    requested_at=now,
                    requested_by=actor_label(actor),
                    deadline=now + CONVERSION_DEADLINE,
                    reason=reason,
                    basis=basis,
                )
        except IntegrityError:  # a concurrent request won
            raise ConflictError(
                _("Office %(code)s already has a conversion open.") % {"code": office.code}
            ) from None
        audit_record(
            actor=actor,
            action="conversion.request",
            target=conversion,
            after={"office": office.code, "from_kind": office.kind, "deadline": conversion.deadline},
            reason=reason,
            basis=basis,
        )
    return conversion


def _locked(conversion: Conversion) -> Conversion:
    found = Conversion.objects.select_for_update().filter(pk=conversion.pk).first()
    if found is None:
        raise NotFoundError(_("No such conversion."))
    return found


def _move(
    conversion: Conversion,
    target: str,
    *,
    actor: Actor,
    action: str,
    fields: dict[str, object],
    reason: str = "",
    basis: str = "",
) -> Conversion:
    """Change a conversion's state (and ``fields``) as ``CONVERSION_TRANSITIONS`` allows; its audit
    entry holds the state before and after."""
    return transition_apply(
        conversion,
        table=CONVERSION_TRANSITIONS,
        to=target,
        state="state",
        missing=_("No such conversion."),
        fields=fields,
        record="state",
        actor=actor,
        action=action,
        reason=reason,
        basis=basis,
    )


def conversion_review(*, conversion: Conversion, actor: Actor, now: dt.datetime | None = None) -> Conversion:
    """Start reviewing a requested conversion (the decision follows with :func:`conversion_decide`)."""
    now = now or timezone.now()
    return _move(
        conversion,
        ConversionState.UNDER_REVIEW,
        actor=actor,
        action="conversion.review",
        fields={"reviewed_at": now},
    )


def conversion_decide(
    *,
    conversion: Conversion,
    outcome: str,
    actor: Actor,
    reason: str = "",
    basis: str = "",
    now: dt.datetime | None = None,
) -> Conversion:
    """Decide a conversion: ``converted`` makes the office a Pishkhan office, ``refused`` closes the case.

    The office keeps its code (codes never change; its letter tells the kind it was registered as).
    A refusal needs a reason. Of two concurrent decisions the second finds the case decided: 409.
    """
    if outcome not in DECIDED_CONVERSION_STATES:
        message = _("The outcome is converted or refused.")
        raise ValidationError(message, fields={"outcome": message})
    now = now or timezone.now()
    reason = _text(reason, "reason", required=outcome == ConversionState.REFUSED)
    basis = _text(basis, "basis")
    with transaction.atomic():
        # Read first: a decision without its own reason or basis keeps the request's.
        conversion = _locked(conversion)
        conversion = _move(
            conversion,
            outcome,
            actor=actor,
            action="conversion.decide",
            reason=reason,
            basis=basis,
            fields={
                "decided_at": now,
                "decided_by": actor_label(actor),
                "reason": reason or conversion.reason,
                "basis": basis or conversion.basis,
            },
        )
        if outcome == ConversionState.CONVERTED:
            office = Office.objects.select_for_update().get(pk=conversion.office_id)
            if office.status == OfficeStatus.CLOSED:
                raise ConflictError(_("Office %(code)s closed meanwhile.") % {"code": office.code})
            office_kind_before, office.kind = office.kind, OfficeKind.PISHKHAN
            office.save(update_fields=["kind"])
            audit_record(
                actor=actor,
                action="office.convert",
                target=office,
                before=office_kind_before,
                after=office.kind,
                basis=basis,
            )
            if unlicensed_hold(office.kind) and not unlicensed_hold(office_kind_before):
                # Now of a kind the regulator licenses, holding no licence yet: not offered to
                # citizens until licensing issues its Pishkhan licence (an ICT office keeps its
                # ICT licence's state until then).
                office_serving_set(office=office, hold=ServingHold.UNLICENSED, actor=actor)
    return conversion


def conversions_mark_overdue(*, now: dt.datetime, actor: Actor) -> int:
    """Mark every conversion still undecided past its legal deadline as overdue; returns how many."""
    due = Conversion.objects.filter(
        state__in=[ConversionState.REQUESTED, ConversionState.UNDER_REVIEW], deadline__lt=now
    ).order_by("pk")
    marked = transitions_apply_many(
        due,
        table=CONVERSION_TRANSITIONS,
        to=ConversionState.OVERDUE,
        state="state",
        record="state",
        actor=actor,
        action="conversion.mark_overdue",
    )
    return len(marked)


@dataclass(frozen=True)
class ConversionDraft:
    """A conversion as the demo (or an import of history) records it: which office, where it stands, when.

    ``reviewed_at`` defaults to ``requested_at`` for a case that was reviewed; ``decided_at`` is
    required for a decided case.
    """

    office: str  # office code
    state: str
    requested_at: dt.datetime
    reviewed_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    reason: str = ""
    basis: str = ""


def _reachable(state: str) -> bool:
    """Whether ``state`` can be reached from ``requested`` through the transition table."""
    seen, frontier = {ConversionState.REQUESTED.value}, [ConversionState.REQUESTED.value]
    while frontier:
        for target in CONVERSION_TRANSITIONS.moves.get(frontier.pop(), ()):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return state in seen


def _draft_refuse(name: str, message: str, *, conflict: bool = False) -> None:
    error = ConflictError if conflict else ValidationError
    raise error(message, fields={name: message})


def _conversion_of(
    row: ConversionDraft, office: Office | None, *, open_offices: set[int], now: dt.datetime, label: str
) -> Conversion:
    """The conversion a draft describes, after checking it could have happened under the rules."""
    if office is None:
        _draft_refuse("office", _("No office has the code %(code)s.") % {"code": row.office})
    if office.kind == OfficeKind.PISHKHAN:
        message = _("Office %(code)s is already a Pishkhan office.") % {"code": office.code}
        _draft_refuse("office", message, conflict=True)
    if office.kind not in CONVERTIBLE_KINDS or office.status == OfficeStatus.CLOSED:
        _draft_refuse(
            "office", _("Office %(code)s cannot be converted.") % {"code": office.code}, conflict=True
        )
    if row.state not in ConversionState.values or not _reachable(row.state):
        _draft_refuse("state", _("Unknown conversion state."))
    requested_at = row.requested_at
    if not isinstance(requested_at, dt.datetime) or requested_at.tzinfo is None or requested_at > now:
        _draft_refuse(
            "requested_at", _("The request time must be a moment in the past (with its time zone).")
        )
    deadline = requested_at + CONVERSION_DEADLINE
    if row.state == ConversionState.OVERDUE and deadline > now:
        _draft_refuse("state", _("A conversion is overdue only after its deadline."))
    reviewed_at = row.reviewed_at
    if row.state in (ConversionState.UNDER_REVIEW, ConversionState.CONVERTED) and reviewed_at is None:
        reviewed_at = requested_at
    decided_at = row.decided_at if row.state in DECIDED_CONVERSION_STATES else None
    if row.state in DECIDED_CONVERSION_STATES and decided_at is None:
        _draft_refuse("decided_at", _("A decided conversion needs its decision time."))
    for moment, name in ((reviewed_at, "reviewed_at"), (decided_at, "decided_at")):
        if moment is not None and (
            not isinstance(moment, dt.datetime) or moment.tzinfo is None or not requested_at <= moment <= now
        ):
            _draft_refuse(name, _("Times must follow the request and not lie in the future."))
    if reviewed_at is not None and decided_at is not None and reviewed_at > decided_at:
        _draft_refuse("reviewed_at", _("A review cannot start after the decision."))
    reason = _text(row.reason, "reason", required=row.state == ConversionState.REFUSED)
    if row.state in OPEN_CONVERSION_STATES:
        if office.pk in open_offices:
            message = _("Office %(code)s already has a conversion open.") % {"code": office.code}
            _draft_refuse("office", message, conflict=True)
        open_offices.add(office.pk)
    return Conversion(
        office=office,
        from_kind=office.kind,
        to_kind=OfficeKind.PISHKHAN,
        state=row.state,
        requested_at=requested_at,
        requested_by=label,
        deadline=deadline,
        reviewed_at=reviewed_at,
        decided_at=decided_at,
        decided_by=label if decided_at else "",
        reason=reason,
        basis=_text(row.basis, "basis"),
    )


def conversions_create_many(
    *, rows: Sequence[ConversionDraft], actor: Actor, now: dt.datetime | None = None
) -> list[Conversion]:
    """Record many conversions with their history at once (the demo): every row checked, one transaction.

    Each row must describe a case the rules could have produced: a convertible office with no other
    open case, a state reachable from ``requested``, times in order, overdue only past the deadline,
    a reason for a refusal. Converted cases make their offices Pishkhan offices, as a decision does.
    A bad row refuses the batch, naming it (``rows[3].state``).
    """
    now = now or timezone.now()
    if not rows:
        return []
    codes = sorted({to_latin_digits(str(row.office).strip()).upper() for row in rows})
    with transaction.atomic():
        offices: dict[str, Office] = {}
        for start in range(0, len(codes), IN_BATCH):
            chunk = codes[start : start + IN_BATCH]
            offices.update(
                (office.code, office) for office in Office.objects.select_for_update().filter(code__in=chunk)
            )
        open_offices = set(
            Conversion.objects.filter(
                office__in=list(offices.values()), state__in=OPEN_CONVERSION_STATES
            ).values_list("office_id", flat=True)
        )
        label = actor_label(actor)
        conversions, converted = [], []
        for index, row in enumerate(rows):
            office = offices.get(to_latin_digits(str(row.office).strip()).upper())
            try:
                conversion = _conversion_of(row, office, open_offices=open_offices, now=now, label=label)
            except ApplicationError as error:
                # A batch names the row, so whoever built it can find the culprit.
                raise type(error)(
                    _("Row %(row)s: %(detail)s") % {"row": index + 1, "detail": error.detail},
                    fields={f"rows[{index}].{name}": messages for name, messages in error.fields.items()},
                ) from None
            conversions.append(conversion)
            if conversion.state == ConversionState.CONVERTED:
                office.kind = OfficeKind.PISHKHAN  # type: ignore[union-attr]  # later rows see it converted
                converted.append(office)
        Conversion.objects.bulk_create(conversions, batch_size=IN_BATCH)
        Office.objects.bulk_update(converted, ["kind"], batch_size=IN_BATCH)
        # Offices now of a kind the regulator licenses, holding no licence yet, serve no citizen until
        # licensing issues one (as conversion_decide); an ICT office keeps its ICT licence's state.
        offices_serving_set_many(
            changes=[
                ServingChange(c.office_id, ServingHold.UNLICENSED)
                for c in conversions
                if c.state == ConversionState.CONVERTED and not unlicensed_hold(c.from_kind)
            ],
            actor=actor,
        )
        audit_record_many(
            actor=actor,
            action="conversion.record",
            items=[
                AuditItem(
                    target=c, after={"office": c.office.code, "from_kind": c.from_kind, "state": c.state}
                )
                for c in conversions
            ],
        )
        audit_record_many(
            actor=actor,
            action="office.convert",
            items=[AuditItem(target=office, after=OfficeKind.PISHKHAN) for office in converted],
        )
    return conversions
