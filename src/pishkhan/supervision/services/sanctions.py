"""Writes of sanction cases (ADR 0010): one due process for every sanction, on licensing's
``Proceeding`` (hearing track), which enforces the measure.

notice (in the application, by SMS from the worker) → remedy window (the holder answers, may claim the
ground remedied) → hearing scheduled (after the window; never in the past) → heard (minutes) →
decided (a measure on the ladder; the appeal window opens) → appealed → appeal decided → enforced;
or closed without a measure (remedied, dropped, appeal accepted). A step out of turn is a 409
(``SANCTION_TRANSITIONS``, then licensing's own checks). Each step is one transaction: the case and
its proceeding move together, each audited with the legal basis.

The ladder: the measure proposed at the notice is the fine table's line for the ground and the
offence's rank — one more than the office's cases on the same ground decided with a measure within
``PISHKHAN_SANCTION_REPEAT_YEARS``. A fine set as a share is counted on the office's fees of the last
twelve months (``transactions.selectors.office_fees_charged_between``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import audit_record
from pishkhan.audit.transitions import transition_apply
from pishkhan.common.calendar import format_jalali_datetime
from pishkhan.common.errors import ConflictError, NotFoundError, ValidationError
from pishkhan.common.identifiers import mobile_mask
from pishkhan.licensing.errors import AppealWindowClosedError, AppealWindowOpenError, RemedyWindowOpenError
from pishkhan.licensing.selectors import licence_in_force_for_office
from pishkhan.licensing.services import (
    insert_numbered,
    number_prefix,
    proceeding_appeal_decide,
    proceeding_appeal_lodge,
    proceeding_decide,
    proceeding_drop,
    proceeding_enforce,
    proceeding_hearing_hold,
    proceeding_hearing_schedule,
    proceeding_open,
    text_clean,
)
from pishkhan.licensing.states import IN_FORCE_STATES, LicenceStatus, ProceedingMeasure, ProceedingTrack
from pishkhan.notifications.services import message_enqueue
from pishkhan.offices.selectors import office_get, operator_mobile
from pishkhan.supervision.errors import NoLicenceInForceError, RemedyWindowClosedError
from pishkhan.supervision.models import SOURCE_PATTERN, FineRule, SanctionCase, SanctionGround
from pishkhan.supervision.models.sanctions import BASIS_POINTS_MAX
from pishkhan.supervision.states import DECIDED_SANCTION_STATES, SANCTION_TRANSITIONS, SanctionStatus
from pishkhan.transactions.selectors import office_fees_charged_between

logger = logging.getLogger("pishkhan.supervision")

SANCTION_LETTER = "S"
NOTICE_BATCH = 200
HEARING_PLACE_MAX = 300
# A fine set as a share of revenue is never below this (an office with little revenue still pays).
SHARE_FINE_MINIMUM_RIALS = 10_000_000
# The ground a source's kind suggests (the form prefills it).
SOURCE_GROUNDS = {
    "complaint": SanctionGround.COMPLAINT_UPHELD,
    "inspection": SanctionGround.INSPECTION_FAILURE,
    "alert": SanctionGround.ALERT,
}
_SOURCE = re.compile(SOURCE_PATTERN)


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, fields={field: message})


def source_clean(source: str) -> str:
    """A source reference (``complaint:C-23-1405-00007``, ``inspection:12``, ``alert:40``) or ""."""
    source = (source or "").strip()
    if source and not _SOURCE.match(source):
        raise _invalid(
            "source", _("A source looks like complaint:C-23-1405-00007, inspection:12 or alert:40.")
        )
    return source


def ground_for_source(source: str) -> str:
    """The ground a source suggests ("" when none does)."""
    kind = (source or "").partition(":")[0]
    return str(SOURCE_GROUNDS.get(kind, ""))


# --- The ladder ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """The measure the fine table proposes for an office's offence on a ground."""

    offence: int
    measure: str
    fine_rials: int | None
    suspension_days: int | None
    basis: str


def offence_rank(*, office_id: int, ground: str, now: dt.datetime, exclude: int | None = None) -> int:
    """This offence's rank: one more than the office's cases on the ground decided with a measure
    (and not annulled on appeal) within the repeat period."""
    since = now - dt.timedelta(days=365 * settings.PISHKHAN_SANCTION_REPEAT_YEARS)
    prior = SanctionCase.objects.filter(
        office_id=office_id, ground=ground, status__in=DECIDED_SANCTION_STATES, decided_at__gte=since
    )
    if exclude is not None:
        prior = prior.exclude(pk=exclude)
    return prior.count() + 1


def sanction_proposal(*, office_id: int, ground: str, now: dt.datetime | None = None) -> Proposal:
    """The fine table's measure for the office's next offence on ``ground`` (422 for no line)."""
    now = now or timezone.now()
    offence = offence_rank(office_id=office_id, ground=ground, now=now)
    rule = FineRule.objects.filter(ground=ground, offence__lte=offence).order_by("-offence").first()
    if rule is None:
        raise _invalid("ground", _("The fine table has no line for this ground."))
    fine = rule.fine_rials
    if rule.measure == ProceedingMeasure.FINE and rule.fine_share_bp:
        revenue = office_fees_charged_between(
            office_id=office_id, since=now - dt.timedelta(days=365), until=now
        )
        fine = max(revenue * rule.fine_share_bp // 10_000, SHARE_FINE_MINIMUM_RIALS)
    return Proposal(
        offence=offence,
        measure=rule.measure,
        fine_rials=fine,
        suspension_days=rule.suspension_days,
        basis=rule.basis,
    )


def fine_rule_set(
    *,
    ground: str,
    offence: int,
    measure: str,
    basis: str,
    actor: Actor,
    fine_rials: int | None = None,
    fine_share_bp: int | None = None,
    suspension_days: int | None = None,
) -> FineRule:
    """Write one line of the fine table (``supervision.configure``): the measure of the ``offence``-th
    offence on ``ground``, with its size and legal basis; audited with the line before and after.

    A fine has a fixed amount or a share (basis points, 1 to 10,000), not both; a suspension its days
    (1 to 365); a warning or revocation neither. 422 naming the field otherwise.
    """
    if ground not in SanctionGround.values:
        raise _invalid("ground", _("Choose the ground."))
    if isinstance(offence, bool) or not isinstance(offence, int) or not 1 <= offence <= 20:
        raise _invalid("offence", _("Give a whole number from %(low)s to %(high)s.") % {"low": 1, "high": 20})
    if measure not in ProceedingMeasure.values:
        raise _invalid("measure", _("Choose the measure."))
    basis = text_clean(basis, "basis", required=True)
    sizes = {"fine_rials": fine_rials, "fine_share_bp": fine_share_bp, "suspension_days": suspension_days}
    wanted = {
        ProceedingMeasure.FINE: {"fine_rials", "fine_share_bp"},
        ProceedingMeasure.SUSPENSION: {"suspension_days"},
    }.get(measure, set())
    given = {name for name, value in sizes.items() if value is not None}
    limits = {"fine_rials": None, "fine_share_bp": BASIS_POINTS_MAX, "suspension_days": 365}
    for name in given:
        value = sizes[name]
        high = limits[name]
        if (
            name not in wanted
            or isinstance(value, bool)
            or not isinstance(value, int)
            or value < 1
            or (high is not None and value > high)
        ):
            raise _invalid(name, _("Not a size of this measure."))
    if wanted and len(given) != 1:
        field = "suspension_days" if measure == ProceedingMeasure.SUSPENSION else "fine_rials"
        raise _invalid(field, _("Give the measure's size: a fine's amount or share, a suspension's days."))
    with transaction.atomic():
        rule = FineRule.objects.select_for_update().filter(ground=ground, offence=offence).first()
        before = (
            {"measure": rule.measure, **{name: getattr(rule, name) for name in sizes}, "basis": rule.basis}
            if rule
            else None
        )
        rule = rule or FineRule(ground=ground, offence=offence)
        rule.measure, rule.basis = measure, basis
        for name, value in sizes.items():
            setattr(rule, name, value)
        rule.save()
        audit_record(
            actor=actor,
            action="fine_rule.set",
            target=rule,
            before=before,
            after={"ground": ground, "offence": offence, "measure": measure, **sizes, "basis": basis},
            basis=basis,
        )
    return rule


# --- Opening and the notice ---------------------------------------------------------------------


def _cases() -> QuerySet[SanctionCase]:
    return SanctionCase.objects.select_related("office", "licence", "province", "proceeding")


def _locked(case: SanctionCase | int) -> SanctionCase:
    pk = case if isinstance(case, int) else case.pk
    found = _cases().select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(_("No such sanction case."))
    return found


def remedy_hours(ground: str) -> int:
    """The remedy window of a ground, in hours (``PISHKHAN_SANCTION_REMEDY_HOURS``)."""
    return int(settings.PISHKHAN_SANCTION_REMEDY_HOURS.get(ground, 168))


def sanction_open(
    *,
    office_code: str,
    ground: str,
    facts: str,
    actor: Actor,
    evidence: str = "",
    source: str = "",
    now: dt.datetime | None = None,
) -> SanctionCase:
    """Open a case against the office with this code: serve the notice (the licence's proceeding,
    hearing track, its response window the ground's remedy window) and propose the ladder's measure.

    422 naming the field for an unknown office, ground or malformed source, or no facts; 409
    ``no-licence-in-force`` for an office without a licence in force, and when the licence already has
    an open proceeding. The SMS follows from the worker (``sanction_notices_send``).
    """
    now = now or timezone.now()
    try:
        office = office_get(code=(office_code or "").strip().upper())
    except ValidationError:
        raise _invalid("office", _("An office code looks like P23-0001.")) from None
    except NotFoundError:
        raise _invalid("office", _("No office has this code.")) from None
    if ground not in SanctionGround.values:
        raise _invalid("ground", _("Choose the ground."))
    facts = text_clean(facts, "facts", required=True)
    evidence = text_clean(evidence, "evidence")
    source = source_clean(source)
    licence = licence_in_force_for_office(office=office)
    if licence is None:
        raise NoLicenceInForceError(_("Office %(code)s holds no licence in force.") % {"code": office.code})
    proposal = sanction_proposal(office_id=office.pk, ground=ground, now=now)
    remedy_by = now + dt.timedelta(hours=remedy_hours(ground))
    case = SanctionCase(
        office=office,
        licence=licence,
        province_id=office.province_id,
        ground=ground,
        facts=facts,
        evidence=evidence,
        source=source,
        basis=proposal.basis,
        opened_at=now,
        opened_by=actor_label(actor),
        offence=proposal.offence,
        proposed_measure=proposal.measure,
        proposed_fine_rials=proposal.fine_rials,
        proposed_suspension_days=proposal.suspension_days,
        remedy_by=remedy_by,
    )
    with transaction.atomic():
        insert_numbered(case, prefix=number_prefix(SANCTION_LETTER, office.province.code, now))
        case.proceeding = proceeding_open(
            licence=licence,
            ground=f"{SanctionGround(ground).label}: {facts}",
            respond_by=remedy_by,
            measure=proposal.measure,
            reference=case.number,
            track=ProceedingTrack.HEARING,
            actor=actor,
            now=now,
        )
        case.save(update_fields=["proceeding"])
        audit_record(
            actor=actor,
            action="sanction.open",
            target=case,
            after={
                "number": case.number,
                "office": office.code,
                "licence": licence.number,
                "ground": ground,
                "source": source,
                "offence": proposal.offence,
                "proposed_measure": proposal.measure,
                "proposed_fine_rials": proposal.fine_rials,
                "proposed_suspension_days": proposal.suspension_days,
                "remedy_by": remedy_by,
                "status": case.status,
            },
            reason=facts,
            basis=case.basis,
        )
    return case


def _notice_params(case: SanctionCase) -> dict[str, str]:
    """What the holder's notice (template ``sanction_notice``) says; digits as they are."""
    with translation.override("fa"):
        return {
            "number": case.number,
            "office": case.office.code,
            "ground": str(SanctionGround(case.ground).label),
            "date": format_jalali_datetime(case.remedy_by, persian=False),
        }


def sanction_notices_send(*, now: dt.datetime, limit: int | None = NOTICE_BATCH) -> int:
    """Text the holders of cases whose notice has not gone out; how many were served.

    To the office holder's mobile in the registry, read at sending and kept only masked; a case with
    none is served in the application alone. One case per transaction, its row locked (``SKIP
    LOCKED``); a provider's refusal leaves the case for the next round.
    """
    ids = list(
        SanctionCase.objects.filter(notice_sent_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    if limit is not None:
        ids = ids[:limit]
    served = 0
    for pk in ids:
        with transaction.atomic():
            rows = SanctionCase.objects.filter(pk=pk, notice_sent_at__isnull=True)
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True, of=("self",))
            else:
                rows = rows.select_for_update(of=("self",))
            case = rows.select_related("office").first()
            if case is None:
                continue
            mobile = operator_mobile(office_id=case.office_id)
            if mobile:
                message_enqueue(
                    key=f"sanction:{case.number}:notice",
                    mobile=mobile,
                    template="sanction_notice",
                    params=_notice_params(case),
                )
            case.notice_sent_at, case.notice_to = now, mobile_mask(mobile) if mobile else ""
            case.save(update_fields=["notice_sent_at", "notice_to"])
            served += 1
    return served


# --- The steps ----------------------------------------------------------------------------------


def _step(
    case: SanctionCase,
    to: str,
    *,
    actor: Actor,
    action: str,
    reason: str = "",
    basis: str = "",
    **fields: Any,
) -> SanctionCase:
    """Move the case as ``SANCTION_TRANSITIONS`` allows, audited with the legal basis (the case's when
    none is given); returns it as saved."""
    return transition_apply(
        case,
        table=SANCTION_TRANSITIONS,
        to=to,
        rows=_cases(),
        missing=_("No such sanction case."),
        fields=fields,
        context={"number": case.number, "office": case.office.code},
        actor=actor,
        action=action,
        reason=reason,
        basis=basis or case.basis,
    )


def _turn(case: SanctionCase, to: str) -> SanctionCase:
    """The case locked, refused (409) unless ``to`` is its next step."""
    locked = _locked(case)
    SANCTION_TRANSITIONS.check(locked.status, to)
    return locked


def sanction_answer(
    *, case: SanctionCase, statement: str, remedied: bool, actor: Actor, now: dt.datetime | None = None
) -> SanctionCase:
    """The holder's answer to the notice within the remedy window: a statement, and whether the ground
    is remedied (the refund made, the fee corrected). 409 after the window or once answered."""
    now = now or timezone.now()
    statement = text_clean(statement, "statement", required=True)
    if not isinstance(remedied, bool):
        raise _invalid("remedied", _("Say whether the ground is remedied."))
    with transaction.atomic():
        locked = _turn(case, SanctionStatus.ANSWERED)
        if now > locked.remedy_by:
            raise RemedyWindowClosedError(_("The remedy window of this case has closed."))
        return _step(
            locked,
            SanctionStatus.ANSWERED,
            actor=actor,
            action="sanction.answer",
            reason=statement,
            answered_at=now,
            answer=statement,
            remedied_claimed=remedied,
        )


def sanction_hearing_schedule(
    *, case: SanctionCase, at: dt.datetime, place: str, actor: Actor, now: dt.datetime | None = None
) -> SanctionCase:
    """Set the hearing once the remedy window has closed (409 ``remedy-window-open`` before), never in
    the past (422). Set again before it is held, it moves."""
    now = now or timezone.now()
    if not isinstance(at, dt.datetime):
        raise _invalid("at", _("Give a date and time."))
    at = at if timezone.is_aware(at) else timezone.make_aware(at)
    if at < now:
        raise _invalid("at", _("A hearing cannot be set in the past."))
    place = text_clean(place, "place", required=True)[:HEARING_PLACE_MAX]
    with transaction.atomic():
        locked = _locked(case)
        if locked.status != SanctionStatus.HEARING_SCHEDULED:
            SANCTION_TRANSITIONS.check(locked.status, SanctionStatus.HEARING_SCHEDULED)
        if now < locked.remedy_by:
            raise RemedyWindowOpenError(_("The holder's remedy window is still open."))
        proceeding_hearing_schedule(
            proceeding=locked.proceeding, at=at, place=place, actor=actor, basis=locked.basis, now=now
        )
        if locked.status == SanctionStatus.HEARING_SCHEDULED:  # moved: no change of state
            before = {"hearing_at": locked.hearing_at, "hearing_place": locked.hearing_place}
            locked.hearing_at, locked.hearing_place = at, place
            locked.save(update_fields=["hearing_at", "hearing_place"])
            audit_record(
                actor=actor,
                action="sanction.hearing",
                target=locked,
                before=before,
                after={"hearing_at": at, "hearing_place": place},
                basis=locked.basis,
            )
            return locked
        return _step(
            locked,
            SanctionStatus.HEARING_SCHEDULED,
            actor=actor,
            action="sanction.hearing",
            hearing_at=at,
            hearing_place=place,
        )


def sanction_minutes_record(
    *, case: SanctionCase, minutes: str, actor: Actor, now: dt.datetime | None = None
) -> SanctionCase:
    """Record the hearing's minutes once its time has come (409 ``hearing-not-held`` before)."""
    now = now or timezone.now()
    minutes = text_clean(minutes, "minutes", required=True)
    with transaction.atomic():
        locked = _turn(case, SanctionStatus.HEARD)
        proceeding_hearing_hold(
            proceeding=locked.proceeding, minutes=minutes, actor=actor, basis=locked.basis, now=now
        )
        return _step(
            locked, SanctionStatus.HEARD, actor=actor, action="sanction.heard", heard_at=now, minutes=minutes
        )


def sanction_decide(
    *,
    case: SanctionCase,
    measure: str,
    reason: str,
    actor: Actor,
    basis: str = "",
    fine_rials: int | None = None,
    suspension_days: int | None = None,
    now: dt.datetime | None = None,
) -> SanctionCase:
    """Decide the measure after the hearing (409 before it): a rung of the ladder, by default the
    proposal's size (a fine's amount, a suspension's days). Opens the appeal window
    (``PISHKHAN_SANCTION_APPEAL_DAYS``)."""
    now = now or timezone.now()
    reason = text_clean(reason, "reason", required=True)
    basis = text_clean(basis, "basis")
    if measure not in ProceedingMeasure.values:
        raise _invalid("measure", _("Choose the measure."))
    with transaction.atomic():
        locked = _turn(case, SanctionStatus.DECIDED)
        if measure == ProceedingMeasure.SUSPENSION and locked.licence.status != LicenceStatus.ACTIVE:
            raise _invalid("measure", _("Only an active licence is suspended; choose another measure."))
        basis = basis or locked.basis
        if measure == ProceedingMeasure.FINE and fine_rials is None:
            fine_rials = locked.proposed_fine_rials
            if fine_rials is None:
                raise _invalid("fine_rials", _("Give the fine's amount."))
        if measure == ProceedingMeasure.SUSPENSION and suspension_days is None:
            suspension_days = locked.proposed_suspension_days
            if suspension_days is None:
                raise _invalid("suspension_days", _("Give the suspension's days."))
        proceeding = proceeding_decide(
            proceeding=locked.proceeding,
            measure=measure,
            reason=reason,
            basis=basis,
            appeal_days=settings.PISHKHAN_SANCTION_APPEAL_DAYS,
            fine_rials=fine_rials if measure == ProceedingMeasure.FINE else None,
            suspension_days=suspension_days if measure == ProceedingMeasure.SUSPENSION else None,
            actor=actor,
            now=now,
        )
        return _step(
            locked,
            SanctionStatus.DECIDED,
            actor=actor,
            action="sanction.decide",
            reason=reason,
            basis=basis,
            measure=measure,
            fine_rials=proceeding.fine_rials,
            suspension_days=proceeding.suspension_days,
            decided_at=now,
            decided_by=actor_label(actor),
            decision_reason=reason,
            appeal_by=proceeding.appeal_by,
        )


def sanction_appeal_lodge(
    *, case: SanctionCase, statement: str, actor: Actor, now: dt.datetime | None = None
) -> SanctionCase:
    """The holder's appeal to the regulator, after the decision and within the appeal window (409
    before the decision, and ``appeal-window-closed`` after the window)."""
    now = now or timezone.now()
    statement = text_clean(statement, "statement", required=True)
    with transaction.atomic():
        locked = _turn(case, SanctionStatus.APPEALED)
        if locked.appeal_by is not None and now > locked.appeal_by:
            raise AppealWindowClosedError(_("The appeal window of this decision has closed."))
        proceeding_appeal_lodge(proceeding=locked.proceeding, statement=statement, actor=actor, now=now)
        return _step(
            locked,
            SanctionStatus.APPEALED,
            actor=actor,
            action="sanction.appeal",
            reason=statement,
            appealed_at=now,
            appeal_statement=statement,
        )


def sanction_appeal_decide(
    *, case: SanctionCase, accepted: bool, reason: str, actor: Actor, now: dt.datetime | None = None
) -> SanctionCase:
    """The regulator's decision on the appeal: accepted, the case closes without the measure; refused,
    the measure may be enforced. 409 with no appeal lodged."""
    now = now or timezone.now()
    reason = text_clean(reason, "reason", required=True)
    if not isinstance(accepted, bool):
        raise _invalid("accepted", _("Say whether the appeal is accepted."))
    target = SanctionStatus.CLOSED if accepted else SanctionStatus.APPEAL_DECIDED
    with transaction.atomic():
        locked = _turn(case, target)
        proceeding_appeal_decide(
            proceeding=locked.proceeding,
            accepted=accepted,
            reason=reason,
            actor=actor,
            basis=locked.basis,
            now=now,
        )
        fields: dict[str, Any] = {
            "appeal_decided_at": now,
            "appeal_decided_by": actor_label(actor),
            "appeal_accepted": accepted,
            "appeal_reason": reason,
        }
        if accepted:
            fields |= {"closed_at": now, "close_reason": reason}
        return _step(locked, target, actor=actor, action="sanction.appeal_decide", reason=reason, **fields)


def sanction_enforce(
    *, case: SanctionCase, actor: Actor, reason: str = "", now: dt.datetime | None = None
) -> SanctionCase:
    """Enforce the decided measure through licensing (a suspension suspends the licence until its end
    date, a revocation revokes it; a warning or fine is recorded): once the appeal window has closed
    (409 ``appeal-window-open`` before) or the appeal was refused; 409 with an appeal pending."""
    now = now or timezone.now()
    reason = text_clean(reason, "reason")
    with transaction.atomic():
        locked = _turn(case, SanctionStatus.ENFORCED)
        if locked.status == SanctionStatus.DECIDED and locked.appeal_by and now <= locked.appeal_by:
            raise AppealWindowOpenError(_("The holder may still appeal this decision."))
        reason = reason or f"Sanction case {locked.number}: {locked.decision_reason}"
        proceeding_enforce(
            proceeding=locked.proceeding, reason=reason, basis=locked.basis, actor=actor, now=now
        )
        return _step(
            locked,
            SanctionStatus.ENFORCED,
            actor=actor,
            action="sanction.enforce",
            reason=reason,
            enforced_at=now,
            enforced_by=actor_label(actor),
        )


def sanction_close(
    *, case: SanctionCase, reason: str, actor: Actor, now: dt.datetime | None = None
) -> SanctionCase:
    """Close a case without a measure before its decision: the ground remedied, or dropped (the
    reason says which). Once decided, only when the licence has ended otherwise (surrendered,
    expired, revoked): the measure is then moot. 409 otherwise, and while an appeal is pending."""
    now = now or timezone.now()
    reason = text_clean(reason, "reason", required=True)
    with transaction.atomic():
        locked = _turn(case, SanctionStatus.CLOSED)
        if locked.status == SanctionStatus.APPEALED:
            raise ConflictError(_("The appeal is the regulator's to decide."))
        if locked.status in DECIDED_SANCTION_STATES and locked.licence.status in IN_FORCE_STATES:
            raise ConflictError(_("The measure is decided: it is enforced, or annulled on appeal."))
        proceeding_drop(proceeding=locked.proceeding, reason=reason, actor=actor, basis=locked.basis, now=now)
        return _step(
            locked,
            SanctionStatus.CLOSED,
            actor=actor,
            action="sanction.close",
            reason=reason,
            closed_at=now,
            close_reason=reason,
        )
