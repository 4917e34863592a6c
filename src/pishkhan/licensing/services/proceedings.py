"""Proceedings against a licence: the due process owed before a measure is taken.

Two tracks (``ProceedingTrack``). The notice track (inactivity campaigns, ADR 0008) is described
below. The hearing track (sanctions, ADR 0010) follows ``HEARING_PROCEEDING_TRANSITIONS``: notice and
remedy window (``respond_by``) → hearing scheduled once the window has closed, then held with its
minutes (``proceeding_hearing_hold``) → decision naming the measure on the ladder (warning, fine,
suspension, revocation) and opening the appeal window (``proceeding_decide``) → appeal within it
→ the regulator's decision on it → enforcement (``proceeding_enforce``: a suspension through
``licence_suspend`` with its end date, a revocation through ``licence_revoke``, a warning or a fine
recorded). A step asked for before its turn is a 409.

The notice track:

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
from pishkhan.licensing.errors import (
    AppealPendingError,
    AppealWindowClosedError,
    AppealWindowOpenError,
    HearingNotHeldError,
    RemedyWindowOpenError,
    ResponseWindowClosedError,
    ResponseWindowOpenError,
)
from pishkhan.licensing.models import Licence, Proceeding
from pishkhan.licensing.services.inputs import text_clean
from pishkhan.licensing.services.licences import licence_revoke, licence_suspend
from pishkhan.licensing.states import (
    IN_FORCE_STATES,
    PROCEEDING_TRANSITIONS,
    ProceedingMeasure,
    ProceedingStatus,
    ProceedingTrack,
    proceeding_transitions,
)
from pishkhan.licensing.terms import today

REFERENCE_MAX = 64
HEARING_PLACE_MAX = 300
# A suspension decided on the hearing track lasts at most a year; an appeal window at most 90 days.
MAX_SUSPENSION_DAYS = 365
MAX_APPEAL_DAYS = 90


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
    """Change a proceeding's status (and ``fields``) as its track's table (then ``check``) allows, with
    its audit entry; returns it as saved."""
    return transition_apply(
        proceeding,
        table=proceeding_transitions(proceeding.track),
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
    track: str = ProceedingTrack.NOTICE,
    now: dt.datetime | None = None,
) -> Proceeding:
    """Serve a notice on a licence in force: the measure proposed, its ground, and the response window
    (on the hearing track: the remedy window).

    ``respond_by`` may be now (a window of zero days, for demonstrations) but not earlier. 409 for a
    licence no longer in force or one that already has an open proceeding.
    """
    if track not in ProceedingTrack.values:
        message = _("Unknown due process.")
        raise ValidationError(message, fields={"track": message})
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
            track=track,
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
                "track": track,
                "status": proceeding.status,
                "noticed_at": now,
                "respond_by": respond_by,
                "reference": reference,
            },
            reason=ground,
        )
    return proceeding


def proceeding_hearing_schedule(
    *,
    proceeding: Proceeding,
    at: dt.datetime,
    place: str,
    actor: Actor,
    basis: str = "",
    now: dt.datetime | None = None,
) -> Proceeding:
    """Set (or move) the hearing of an open proceeding: when and where the holder is heard.

    A time in the past is refused (422). On the hearing track the hearing follows the remedy window
    (409 ``remedy-window-open`` before it closes) and is set only until it is held.
    """
    now = now or timezone.now()
    at = _aware(at, "at")
    if at < now:
        message = _("A hearing cannot be set in the past.")
        raise ValidationError(message, fields={"at": message})
    place = text_clean(place, "place", required=True)[:HEARING_PLACE_MAX]
    basis = text_clean(basis, "basis")
    with transaction.atomic():
        proceeding = _locked(proceeding)
        if not proceeding.is_open:
            raise ConflictError(_("The proceeding is closed."))
        if proceeding.track == ProceedingTrack.HEARING:
            if proceeding.status != ProceedingStatus.NOTICED:
                raise ConflictError(_("The hearing of this proceeding has been held already."))
            if now < proceeding.respond_by:
                raise RemedyWindowOpenError(_("The holder's remedy window is still open."))
        before = {"hearing_at": proceeding.hearing_at, "hearing_place": proceeding.hearing_place}
        proceeding.hearing_at, proceeding.hearing_place = at, place
        proceeding.save(update_fields=["hearing_at", "hearing_place"])
        audit_record(
            actor=actor,
            action="proceeding.hearing",
            target=proceeding,
            before=before,
            after={"hearing_at": at, "hearing_place": place},
            basis=basis,
        )
    return proceeding


def _hearing_track(proceeding: Proceeding) -> None:
    if proceeding.track != ProceedingTrack.HEARING:
        raise ConflictError(_("This proceeding has no hearing and decision: its measure follows the notice."))


def proceeding_hearing_hold(
    *, proceeding: Proceeding, minutes: str, actor: Actor, basis: str = "", now: dt.datetime | None = None
) -> Proceeding:
    """Record the hearing's minutes (hearing track): the holder has been heard.

    409 ``hearing-not-held`` when no hearing was set or its time has not come; the table refuses a
    proceeding already heard or closed.
    """
    now = now or timezone.now()
    minutes = text_clean(minutes, "minutes", required=True)
    basis = text_clean(basis, "basis")

    def held(locked: Proceeding) -> None:
        _hearing_track(locked)
        if locked.hearing_at is None or now < locked.hearing_at:
            raise HearingNotHeldError(_("The hearing has not taken place yet."))

    return _move(
        proceeding,
        ProceedingStatus.HEARD,
        actor=actor,
        action="proceeding.heard",
        basis=basis,
        check=held,
        heard_at=now,
        minutes=minutes,
    )


def proceeding_decide(
    *,
    proceeding: Proceeding,
    measure: str,
    reason: str,
    basis: str,
    appeal_days: int,
    actor: Actor,
    fine_rials: int | None = None,
    suspension_days: int | None = None,
    now: dt.datetime | None = None,
) -> Proceeding:
    """Decide the measure after the hearing (hearing track), with its reason and legal basis (required).

    A fine names its amount in rials, a suspension its days (1 to 365); the decision opens the appeal
    window of ``appeal_days`` (0 to 90). 409 before the hearing was held (the table: ``heard`` only).
    """
    now = now or timezone.now()
    reason = text_clean(reason, "reason", required=True)
    basis = text_clean(basis, "basis", required=True)
    if measure not in ProceedingMeasure.values:
        message = _("Choose the measure.")
        raise ValidationError(message, fields={"measure": message})
    fine = _whole(fine_rials, "fine_rials", 1, None) if measure == ProceedingMeasure.FINE else None
    days = (
        _whole(suspension_days, "suspension_days", 1, MAX_SUSPENSION_DAYS)
        if measure == ProceedingMeasure.SUSPENSION
        else None
    )
    appeal_days = _whole(appeal_days, "appeal_days", 0, MAX_APPEAL_DAYS)

    def heard(locked: Proceeding) -> None:
        _hearing_track(locked)

    return _move(
        proceeding,
        ProceedingStatus.DECIDED,
        actor=actor,
        action="proceeding.decide",
        reason=reason,
        basis=basis,
        check=heard,
        measure=measure,
        fine_rials=fine,
        suspension_days=days,
        ruled_at=now,
        ruled_by=actor_label(actor),
        ruling_reason=reason,
        ruling_basis=basis,
        appeal_by=now + dt.timedelta(days=appeal_days),
    )


def _whole(value: Any, name: str, low: int, high: int | None) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        message = (
            _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
            if high is not None
            else _("Give a whole number of at least %(low)s.") % {"low": low}
        )
        raise ValidationError(message, fields={name: message})
    return value


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
        if locked.track == ProceedingTrack.HEARING:  # after the decision, within the appeal window
            if locked.appeal_by is not None and now > locked.appeal_by:
                raise AppealWindowClosedError(_("The appeal window of this decision has closed."))
            return
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
        if proceeding.track == ProceedingTrack.HEARING and proceeding.status != ProceedingStatus.APPEALED:
            raise ConflictError(_("No appeal of this proceeding awaits a decision."))
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
        if proceeding.track == ProceedingTrack.HEARING:
            return _measure_take(proceeding, reason=reason, basis=basis, actor=actor, now=now)
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


def _measure_take(
    proceeding: Proceeding, *, reason: str, basis: str, actor: Actor, now: dt.datetime
) -> Proceeding:
    """Enforce a decided measure (hearing track, the proceeding locked): once the appeal window has
    closed or the appeal was refused. A suspension runs from today for its days (the hourly
    ``licensing.reinstate`` job ends it), a revocation revokes; a warning or a fine is recorded."""
    proceeding_transitions(proceeding.track).check(proceeding.status, ProceedingStatus.ENFORCED)
    if proceeding.status == ProceedingStatus.DECIDED and proceeding.appeal_by and now <= proceeding.appeal_by:
        raise AppealWindowOpenError(_("The holder may still appeal this decision."))
    if proceeding.measure == ProceedingMeasure.REVOCATION:
        licence_revoke(licence=proceeding.licence, reason=reason, basis=basis, actor=actor, now=now)
    elif proceeding.measure == ProceedingMeasure.SUSPENSION:
        until = today(now) + dt.timedelta(days=proceeding.suspension_days or 1)
        licence_suspend(
            licence=proceeding.licence, until=until, reason=reason, basis=basis, actor=actor, now=now
        )
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
