"""Proceedings against a licence: the due process owed before a measure (revocation) is taken.

A proceeding opens with a notice and a response window (``respond_by``). Within the window the holder
may appeal; the regulator decides the appeal (accepted: the proceeding is dropped, the licence kept).
A hearing may be scheduled. Once the window has closed, with no appeal awaiting its decision, the
measure is taken (``proceeding_enforce`` revokes through ``licence_revoke``) or the proceeding is
dropped (the office showed activity, the licence ended otherwise). Each step locks the row, checks
``PROCEEDING_TRANSITIONS`` and is audited with the proceeding as its target, in the caller's
transaction if it has one. Who may take a step (the holder appeals, the regulator decides) is the
entry point's question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import audit_record
from pishkhan.audit.transitions import transition_apply
from pishkhan.common.errors import ConflictError, NotFoundError, ValidationError
from pishkhan.licensing.errors import AppealPendingError, ResponseWindowClosedError, ResponseWindowOpenError
from pishkhan.licensing.models import Licence, Proceeding
from pishkhan.licensing.services.inputs import text_clean
from pishkhan.licensing.services.licences import licence_revoke
from pishkhan.licensing.states import (
    IN_FORCE_STATES,
    PROCEEDING_TRANSITIONS,
    ProceedingMeasure,
    ProceedingStatus,
)

REFERENCE_MAX = 64
HEARING_PLACE_MAX = 300


def _locked(proceeding: Proceeding | int) -> Proceeding:
    pk = proceeding if isinstance(proceeding, int) else proceeding.pk
    found = Proceeding.objects.select_for_update(of=("self",)).select_related("licence").filter(pk=pk).first()
    if found is None:
        raise NotFoundError(_("No such proceeding."))
    return found


def _aware(value: Any, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        message = _("Give a date and time.")
        raise ValidationError(message, fields={name: message})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _move(
    proceeding: Proceeding,
    target: str,
    *,
    actor: Actor,
    action: str,
    reason: str = "",
    basis: str = "",
    check: Callable[[Proceeding], None] | None = None,
    **fields: Any,
) -> Proceeding:
    """Change a proceeding's status (and ``fields``) as ``PROCEEDING_TRANSITIONS`` (then ``check``)
    allows, with its audit entry; returns it as saved."""
    return transition_apply(
        proceeding,
        table=PROCEEDING_TRANSITIONS,
        to=target,
        rows=Proceeding.objects.select_related("licence"),
        missing=_("No such proceeding."),
        check=check,
        fields=fields,
        actor=actor,
        action=action,
        reason=reason,
        basis=basis,
    )


def proceeding_open(
    *,
    licence: Licence,
    ground: str,
    respond_by: dt.datetime,
    actor: Actor,
    measure: str = ProceedingMeasure.REVOCATION,
    reference: str = "",
    now: dt.datetime | None = None,
) -> Proceeding:
    """Serve a notice on a licence in force: the measure proposed, its ground, and the response window.

    ``respond_by`` may be now (a window of zero days, for demonstrations) but not earlier. 409 for a
    licence no longer in force or one that already has an open proceeding.
    """
    now = now or timezone.now()
    ground = text_clean(ground, "ground", required=True)
    reference = text_clean(reference, "reference")[:REFERENCE_MAX]
    respond_by = _aware(respond_by, "respond_by")
    if respond_by < now:
        message = _("The response window cannot end before the notice is served.")
        raise ValidationError(message, fields={"respond_by": message})
    if measure not in ProceedingMeasure.values:
        message = _("Unknown measure.")
        raise ValidationError(message, fields={"measure": message})
    with transaction.atomic():
        locked = Licence.objects.select_for_update(of=("self",)).filter(pk=licence.pk).first()
        if locked is None:
            raise NotFoundError(_("No such licence."))
        if locked.status not in IN_FORCE_STATES:
            raise ConflictError(_("Licence %(number)s is no longer in force.") % {"number": locked.number})
        proceeding = Proceeding(
            licence=locked,
            measure=measure,
            status=ProceedingStatus.NOTICED,
            ground=ground,
            reference=reference,
            noticed_at=now,
            noticed_by=actor_label(actor),
            respond_by=respond_by,
        )
        try:
            with transaction.atomic():
                proceeding.save(force_insert=True)
        except IntegrityError:
            raise ConflictError(
                _("Licence %(number)s already has an open proceeding.") % {"number": locked.number}
            ) from None
        audit_record(
            actor=actor,
            action="proceeding.open",
            target=proceeding,
            after={
                "licence": locked.number,
                "measure": measure,
                "status": proceeding.status,
                "noticed_at": now,
                "respond_by": respond_by,
                "reference": reference,
            },
            reason=ground,
        )
    return proceeding


def proceeding_hearing_schedule(
    *, proceeding: Proceeding, at: dt.datetime, place: str, actor: Actor
) -> Proceeding:
    """Set (or move) the hearing of an open proceeding: when and where the holder is heard."""
    at = _aware(at, "at")
    place = text_clean(place, "place", required=True)[:HEARING_PLACE_MAX]
    with transaction.atomic():
        proceeding = _locked(proceeding)
        if not proceeding.is_open:
            raise ConflictError(_("The proceeding is closed."))
        before = {"hearing_at": proceeding.hearing_at, "hearing_place": proceeding.hearing_place}
        proceeding.hearing_at, proceeding.hearing_place = at, place
        proceeding.save(update_fields=["hearing_at", "hearing_place"])
        audit_record(
            actor=actor,
            action="proceeding.hearing",
            target=proceeding,
            before=before,
            after={"hearing_at": at, "hearing_place": place},
        )
    return proceeding


def proceeding_appeal_lodge(
    *, proceeding: Proceeding, statement: str, actor: Actor, now: dt.datetime | None = None
) -> Proceeding:
    """The holder's appeal against the proposed measure, within the response window.

    409 ``response-window-closed`` after it, and for a proceeding not awaiting one (already appealed
    or closed). The entry point checks that the caller is the holder or the office's operator.
    """
    now = now or timezone.now()
    statement = text_clean(statement, "statement", required=True)

    def within_window(locked: Proceeding) -> None:
        if now > locked.respond_by:
            raise ResponseWindowClosedError(_("The response window of this proceeding has closed."))

    return _move(
        proceeding,
        ProceedingStatus.APPEALED,
        actor=actor,
        action="proceeding.appeal",
        reason=statement,
        check=within_window,
        appeal_lodged_at=now,
        appeal_statement=statement,
    )


def proceeding_appeal_decide(
    *,
    proceeding: Proceeding,
    accepted: bool,
    reason: str,
    actor: Actor,
    basis: str = "",
    now: dt.datetime | None = None,
) -> Proceeding:
    """The regulator's decision on the holder's appeal, with its reason (required).

    Accepted: the proceeding is dropped and the licence keeps its state. Refused: the measure may be
    taken once the window has closed. An appeal that reached the regulator otherwise (a letter, the
    hearing) is decided from a proceeding still ``noticed``. 409 once decided.
    """
    now = now or timezone.now()
    reason = text_clean(reason, "reason", required=True)
    basis = text_clean(basis, "basis")
    if not isinstance(accepted, bool):
        message = _("Say whether the appeal is accepted.")
        raise ValidationError(message, fields={"accepted": message})
    with transaction.atomic():
        # The table would let an appeal_refused proceeding be dropped: refused here, and said so.
        proceeding = _locked(proceeding)
        if proceeding.status not in (ProceedingStatus.NOTICED, ProceedingStatus.APPEALED):
            raise ConflictError(_("The appeal of this proceeding has been decided already."))
        fields: dict[str, Any] = {
            "appeal_decided_at": now,
            "appeal_decided_by": actor_label(actor),
            "appeal_accepted": accepted,
            "appeal_reason": reason,
        }
        if accepted:
            fields |= {
                "decided_at": now,
                "decided_by": actor_label(actor),
                "decision_reason": reason,
                "decision_basis": basis,
            }
        return _move(
            proceeding,
            ProceedingStatus.DROPPED if accepted else ProceedingStatus.APPEAL_REFUSED,
            actor=actor,
            action="proceeding.appeal_decide",
            reason=reason,
            basis=basis,
            **fields,
        )


def proceeding_drop(
    *, proceeding: Proceeding, reason: str, actor: Actor, basis: str = "", now: dt.datetime | None = None
) -> Proceeding:
    """Close an open proceeding without the measure (the ground fell away), with the reason."""
    now = now or timezone.now()
    reason = text_clean(reason, "reason", required=True)
    basis = text_clean(basis, "basis")
    return _move(
        proceeding,
        ProceedingStatus.DROPPED,
        actor=actor,
        action="proceeding.drop",
        reason=reason,
        basis=basis,
        decided_at=now,
        decided_by=actor_label(actor),
        decision_reason=reason,
        decision_basis=basis,
    )


def proceeding_enforce(
    *, proceeding: Proceeding, reason: str, basis: str, actor: Actor, now: dt.datetime | None = None
) -> Proceeding:
    """Take the proposed measure: revoke the licence (``licence_revoke``) and close the proceeding.

    Refused (409) while the response window is open (``response-window-open``) or an appeal awaits
    its decision (``appeal-pending``); the licence's own transition table refuses one no longer in
    force. The revocation and the decision are one change: neither is recorded without the other.
    """
    now = now or timezone.now()
    reason = text_clean(reason, "reason", required=True)
    basis = text_clean(basis, "basis", required=True)
    with transaction.atomic():
        proceeding = _locked(proceeding)
        if proceeding.status == ProceedingStatus.APPEALED:  # (the table refuses it too; say why)
            raise AppealPendingError(_("The holder's appeal awaits its decision."))
        # Checked before the licence is revoked (its entry comes first), and again by the move.
        PROCEEDING_TRANSITIONS.check(proceeding.status, ProceedingStatus.ENFORCED)
        if now < proceeding.respond_by:
            raise ResponseWindowOpenError(_("The holder's response window is still open."))
        licence_revoke(licence=proceeding.licence, reason=reason, basis=basis, actor=actor, now=now)
        return _move(
            proceeding,
            ProceedingStatus.ENFORCED,
            actor=actor,
            action="proceeding.enforce",
            reason=reason,
            basis=basis,
            decided_at=now,
            decided_by=actor_label(actor),
            decision_reason=reason,
            decision_basis=basis,
        )
