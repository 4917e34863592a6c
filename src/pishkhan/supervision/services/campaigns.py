"""Writes of the inactivity campaigns: starting a campaign, serving its notices, concluding its cases.

Licences and their proceedings change only through licensing's services (``proceeding_open``,
``proceeding_drop``, ``proceeding_appeal_*``, ``proceeding_enforce``, which revokes through
``licence_revoke``); this module writes its own rows and audits them. Design: ADR 0008.

- ``campaign_start`` freezes today's candidates into cases and serves each licence its notice (a
  proceeding with the grace period as its response window), all in one transaction: a campaign
  exists with all its notices or not at all. The SMS go out after, from the worker (durable: a case
  keeps ``notice_sent_at`` empty until its message went).
- ``campaign_conclude`` decides each case in its own transaction once the grace period is over: kept
  when the office showed activity after the notice, kept when the appeal was accepted, otherwise
  revoked. A case whose notice has not gone out, or whose appeal awaits its decision, waits. Run it
  again and it changes nothing it decided before; the campaign closes when no case is left.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import audit_record
from pishkhan.audit.transitions import transition_apply
from pishkhan.common.calendar import format_jalali_date, format_jalali_datetime, jalali_year
from pishkhan.common.errors import ApplicationError, ConflictError, NotFoundError, ValidationError
from pishkhan.common.identifiers import mobile_mask
from pishkhan.geo.selectors import province_get
from pishkhan.licensing.models import Licence
from pishkhan.licensing.services import (
    proceeding_appeal_decide,
    proceeding_appeal_lodge,
    proceeding_drop,
    proceeding_enforce,
    proceeding_open,
    text_clean,
)
from pishkhan.licensing.states import IN_FORCE_STATES, LicenceStatus, ProceedingStatus
from pishkhan.notifications.selectors import message_sent
from pishkhan.notifications.services import message_enqueue, messages_send_now
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import operator_mobile
from pishkhan.supervision.criteria import MAX_GRACE_DAYS, InactivityCriteria, days_clean
from pishkhan.supervision.errors import CampaignOpenError, GracePeriodRunningError, NoCandidatesError
from pishkhan.supervision.models import CampaignCase, InactivityCampaign
from pishkhan.supervision.selectors import InactivityCandidate, inactive_licence_candidates
from pishkhan.supervision.states import CAMPAIGN_TRANSITIONS, CASE_TRANSITIONS, CampaignStatus, CaseOutcome
from pishkhan.transactions.selectors import office_last_received_at, office_last_seen

logger = logging.getLogger("pishkhan.supervision")

BASIS_DEFAULT = gettext_noop(
    "The licence's conditions of continuous service, verified through the regulator's online "
    "supervision of the offices' equipped systems."
)
# Notices sent per round of the worker; it runs again at once while it finds more.
NOTICE_BATCH = 200


def _day(value: dt.date | dt.datetime | None) -> str:
    """A date or time as a stored sentence writes it: ISO, so it reads the same in any language."""
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _ground(candidate: InactivityCandidate, criteria: InactivityCriteria) -> str:
    """Why the licence is noticed, with its evidence: the text of its proceeding's ground."""
    beat = _day(candidate.last_heartbeat_at)
    if candidate.status == LicenceStatus.ISSUED:
        return (
            f"Issued on {_day(candidate.issued_on)} and never activated: {candidate.days_idle} days since "
            f"issue (the criterion: {criteria.never_activated_days} days). Last heartbeat: {beat}."
        )
    since = _day(candidate.last_transaction_at or candidate.activated_at)
    what = "the last transaction" if candidate.last_transaction_at else "activation, with no transaction"
    return (
        f"No counter transaction for {candidate.days_idle} days, since {what} on {since} (the criterion: "
        f"{criteria.idle_days} days). Last heartbeat: {beat}."
    )


def _campaign_number(now: dt.datetime) -> str:
    prefix = f"IC-{jalali_year(now):04d}-"
    last = (
        InactivityCampaign.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{int(last[len(prefix) :]) + 1 if last else 1:03d}"


def _province_of(criteria: InactivityCriteria) -> Any:
    if not criteria.province:
        return None
    try:
        return province_get(code=criteria.province)
    except (NotFoundError, ValidationError):
        message = _("No province has the code %(code)s.") % {"code": criteria.province}
        raise ValidationError(message, fields={"province": message}) from None


def campaign_start(
    *,
    criteria: InactivityCriteria,
    grace_days: int,
    actor: Actor,
    basis: str = "",
    now: dt.datetime | None = None,
) -> InactivityCampaign:
    """Start a campaign: freeze today's candidates into cases and serve each licence its notice.

    Each case's licence gets a proceeding proposing revocation, its ground the evidence and its
    response window the grace period (``grace_days`` may be 0, for demonstrations: the campaign may
    then be concluded at once). The SMS follow from the worker (``campaign_notices_send``). Refusals,
    with nothing written: 409 ``campaign-open`` while another campaign is open (also when two start
    at once: the database keeps one open), 409 ``no-candidates``, 422 for a bad criterion or period.
    """
    now = now or timezone.now()
    criteria = InactivityCriteria.of(
        never_activated_days=criteria.never_activated_days,
        idle_days=criteria.idle_days,
        province=criteria.province,
    )
    grace_days = days_clean(grace_days, "grace_days", maximum=MAX_GRACE_DAYS)
    basis = text_clean(basis, "basis") or BASIS_DEFAULT
    province = _province_of(criteria)
    open_message = _("Inactivity campaign %(number)s is still open: conclude it first.")
    with transaction.atomic():
        running = InactivityCampaign.objects.filter(status=CampaignStatus.NOTICED).first()
        if running is not None:
            raise CampaignOpenError(open_message % {"number": running.number})
        campaign = InactivityCampaign(
            number=_campaign_number(now),
            status=CampaignStatus.NOTICED,
            never_activated_days=criteria.never_activated_days,
            idle_days=criteria.idle_days,
            province=province,
            grace_days=grace_days,
            basis=basis,
            started_at=now,
            started_by=actor_label(actor),
            respond_by=now + dt.timedelta(days=grace_days),
        )
        try:
            with transaction.atomic():
                campaign.save(force_insert=True)
        except IntegrityError:
            # Another start won the race (its campaign is open, or took the number): one only.
            raise CampaignOpenError(_("Another inactivity campaign was started meanwhile.")) from None
        candidates = inactive_licence_candidates(criteria=criteria, scope={}, now=now)
        if not candidates:
            raise NoCandidatesError(_("No licence meets these criteria today."))
        cases = []
        for candidate in candidates:
            proceeding = proceeding_open(
                licence=Licence(pk=candidate.licence_id),
                ground=_ground(candidate, criteria),
                respond_by=campaign.respond_by,
                reference=campaign.number,
                actor=actor,
                now=now,
            )
            cases.append(
                CampaignCase(
                    campaign=campaign,
                    licence_id=candidate.licence_id,
                    proceeding=proceeding,
                    office_id=candidate.office_id,
                    province_id=candidate.province_id,
                    county_id=candidate.county_id,
                    criterion=candidate.criterion,
                    licence_status=candidate.status,
                    issued_on=candidate.issued_on,
                    activated_at=candidate.activated_at,
                    last_transaction_at=candidate.last_transaction_at,
                    last_heartbeat_at=candidate.last_heartbeat_at,
                    days_idle=candidate.days_idle,
                )
            )
        CampaignCase.objects.bulk_create(cases)
        by_province: dict[str, int] = {}
        for candidate in candidates:
            by_province[candidate.province_code] = by_province.get(candidate.province_code, 0) + 1
        audit_record(
            actor=actor,
            action="inactivity_campaign.start",
            target=campaign,
            after={
                "number": campaign.number,
                "never_activated_days": campaign.never_activated_days,
                "idle_days": campaign.idle_days,
                "province": criteria.province,
                "grace_days": grace_days,
                "respond_by": campaign.respond_by,
                "cases": len(cases),
                "by_province": by_province,
            },
            basis=basis,
        )
    return campaign


def _notice_params(case: CampaignCase) -> dict[str, str]:
    """What the holder's notice (template ``campaign_notice``) says; digits as they are."""
    with translation.override("fa"):
        return {
            "number": case.licence.number,
            "office": case.office.code,
            "campaign": case.campaign.number,
            "date": format_jalali_datetime(case.campaign.respond_by, persian=False),
        }


def _notice_key(case: CampaignCase) -> str:
    """The outbox key of the case's notice."""
    return f"campaign:{case.campaign.number}:{case.pk}:notice"


def _operator_mobile(office_id: int) -> str:
    """The mobile of the office's holder as the registry keeps it ("" when none is on record)."""
    return operator_mobile(office_id=office_id)


def campaign_notices_send(
    *, now: dt.datetime, campaign: InactivityCampaign | None = None, limit: int | None = NOTICE_BATCH
) -> int:
    """Text the holders of open campaigns' cases whose notice has not gone out yet; how many were served.

    The number is the office holder's mobile in the registry, read at sending and kept here only
    masked. A case without one is served in the application alone (its proceeding) and marked so.
    Each case is its own transaction, its row locked (``SKIP LOCKED`` on PostgreSQL, so several
    workers may run); a provider that refuses leaves the case for the next round.
    """
    due = CampaignCase.objects.filter(notice_sent_at__isnull=True, campaign__status=CampaignStatus.NOTICED)
    if campaign is not None:
        due = due.filter(campaign=campaign)
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    if limit is not None:
        ids = ids[:limit]
    served = 0
    for pk in ids:
        with transaction.atomic():
            rows = CampaignCase.objects.filter(pk=pk, notice_sent_at__isnull=True)
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True, of=("self",))
            else:
                rows = rows.select_for_update(of=("self",))
            case = rows.select_related("campaign", "licence", "office").first()
            if case is None:
                continue  # another worker holds it, or sent it meanwhile
            mobile = _operator_mobile(case.office_id)
            if mobile:
                message_enqueue(
                    key=_notice_key(case),
                    mobile=mobile,
                    template="campaign_notice",
                    params=_notice_params(case),
                )
            case.notice_sent_at, case.notice_to = now, mobile_mask(mobile) if mobile else ""
            case.save(update_fields=["notice_sent_at", "notice_to"])
            served += 1
    return served


@dataclass(frozen=True)
class Concluded:
    """What a conclusion round did: the campaign, the cases it decided, the cases still waiting."""

    campaign: InactivityCampaign
    decided: int
    waiting: int


def _activity_since(case: CampaignCase, licence: Licence, since: dt.datetime) -> str:
    """The office's first sign of activity after the notice, as a sentence; "" when there was none."""
    activity = []
    if licence.activated_at is not None and licence.activated_at > since:
        activity.append(f"licence activated at {_day(licence.activated_at)}")
    beat = office_last_seen(office=Office(pk=case.office_id))
    if beat is not None and beat > since:
        activity.append(f"heartbeat at {_day(beat)}")
    received = office_last_received_at(office_id=case.office_id)
    if received is not None and received > since:
        activity.append(f"transaction received at {_day(received)}")
    return "; ".join(activity)


def _cases() -> QuerySet[CampaignCase]:
    """Cases as this module reads them: with their campaign, licence, proceeding and office."""
    return CampaignCase.objects.select_related("campaign", "licence", "proceeding", "office")


def _outcome_set(
    case: CampaignCase, outcome: str, note: str, *, actor: Actor, now: dt.datetime
) -> CampaignCase:
    """Record a case's outcome, as the table allows, with its audit entry; returns the case as saved."""
    return transition_apply(
        case,
        table=CASE_TRANSITIONS,
        to=outcome,
        state="outcome",
        rows=_cases(),
        fields={"outcome_at": now, "outcome_note": note},
        audited=(),
        context={
            "campaign": case.campaign.number,
            "licence": case.licence.number,
            "office": case.office.code,
        },
        actor=actor,
        action="inactivity_case.outcome",
        reason=note,
    )


def _locked_case(pk: int) -> CampaignCase | None:
    return _cases().select_for_update(of=("self",)).filter(pk=pk).first()


def _case_conclude(pk: int, *, actor: Actor, now: dt.datetime) -> bool:
    """Decide one pending case in its own transaction; whether it was decided (else it waits)."""
    with transaction.atomic():
        case = _locked_case(pk)
        if case is None or case.outcome != CaseOutcome.PENDING or case.notice_sent_at is None:
            return False
        if case.notice_to and not message_sent(key=_notice_key(case)):
            return False  # the notice waits in the outbox (the provider is down): not served yet
        campaign, licence, proceeding = case.campaign, case.licence, case.proceeding
        if proceeding.status == ProceedingStatus.APPEALED:
            return False  # the appeal awaits its decision
        if proceeding.status == ProceedingStatus.ENFORCED:  # decided through licensing directly
            _outcome_set(case, CaseOutcome.REVOKED, proceeding.decision_reason, actor=actor, now=now)
            return True
        if proceeding.status == ProceedingStatus.DROPPED:
            outcome = CaseOutcome.KEPT_APPEAL if proceeding.appeal_accepted else CaseOutcome.KEPT_ACTIVITY
            _outcome_set(case, outcome, proceeding.decision_reason, actor=actor, now=now)
            return True
        if licence.status not in IN_FORCE_STATES:
            note = f"The licence was {licence.status} meanwhile."
            proceeding_drop(proceeding=proceeding, reason=note, actor=actor, now=now)
            _outcome_set(case, CaseOutcome.ENDED, note, actor=actor, now=now)
            return True
        activity = _activity_since(case, licence, proceeding.noticed_at)
        if activity:
            note = f"Inactivity campaign {campaign.number}: activity shown after the notice ({activity})."
            proceeding_drop(proceeding=proceeding, reason=note, actor=actor, now=now)
            _outcome_set(case, CaseOutcome.KEPT_ACTIVITY, note, actor=actor, now=now)
            return True
        note = f"Inactivity campaign {campaign.number}: no activity within the grace period."
        proceeding_enforce(proceeding=proceeding, reason=note, basis=campaign.basis, actor=actor, now=now)
        _outcome_set(case, CaseOutcome.REVOKED, note, actor=actor, now=now)
        return True


def _decidable(campaign: InactivityCampaign) -> Any:
    """The campaign's pending cases that can be decided now (notice served, no appeal awaiting)."""
    return (
        CampaignCase.objects.filter(
            campaign=campaign, outcome=CaseOutcome.PENDING, notice_sent_at__isnull=False
        )
        .exclude(proceeding__status=ProceedingStatus.APPEALED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _close_if_done(campaign: InactivityCampaign, *, actor: Actor, now: dt.datetime) -> InactivityCampaign:
    with transaction.atomic():
        locked = InactivityCampaign.objects.select_for_update().get(pk=campaign.pk)
        if not locked.is_open or locked.cases.filter(outcome=CaseOutcome.PENDING).exists():
            return locked  # cases still pending: not done yet, nothing to record
        outcomes: dict[str, int] = {}
        for outcome in locked.cases.values_list("outcome", flat=True):
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        return transition_apply(
            locked,
            table=CAMPAIGN_TRANSITIONS,
            to=CampaignStatus.CLOSED,
            fields={"closed_at": now, "closed_by": actor_label(actor)},
            audited=(),
            context={"outcomes": outcomes},
            actor=actor,
            action="inactivity_campaign.close",
        )


def campaign_conclude(
    *, campaign: InactivityCampaign, actor: Actor, now: dt.datetime | None = None, limit: int | None = None
) -> Concluded:
    """Conclude a campaign's cases once its grace period is over, each in its own transaction.

    Notices not yet sent are sent first (no licence is revoked without its notice). Each pending case
    is then kept for activity (a heartbeat, a transaction or the licence's activation after the
    notice), kept on appeal (accepted), closed as "ended" (the licence ended otherwise), or revoked
    through its proceeding with the campaign's legal basis. A case whose appeal awaits its decision,
    or whose SMS could not be sent, waits for the next round; once none is left the campaign closes.
    Concluding a closed campaign changes nothing. 409 ``grace-period-running`` before ``respond_by``.
    ``limit`` bounds the cases of one round (the worker's batches).
    """
    now = now or timezone.now()
    campaign = InactivityCampaign.objects.get(pk=campaign.pk)
    if not campaign.is_open:
        return Concluded(campaign=campaign, decided=0, waiting=0)
    if now < campaign.respond_by:
        raise GracePeriodRunningError(
            _("The grace period of campaign %(number)s runs until %(date)s.")
            % {
                "number": campaign.number,
                "date": format_jalali_date(
                    campaign.respond_by, persian=(translation.get_language() or "").startswith("fa")
                ),
            }
        )
    campaign_notices_send(now=now, campaign=campaign, limit=None)
    # The notices go out now, through the outbox (once each), before any case is decided on them.
    messages_send_now(
        keys=[
            _notice_key(case)
            for case in _cases().filter(campaign=campaign, outcome=CaseOutcome.PENDING).exclude(notice_to="")
        ],
        now=now,
    )
    ids = list(_decidable(campaign)[:limit] if limit is not None else _decidable(campaign))
    decided = 0
    for pk in ids:
        try:
            decided += _case_conclude(pk, actor=actor, now=now)
        except ApplicationError as error:  # the licence moved meanwhile: the next round sees it anew
            logger.warning("case %s of %s not concluded: %s", pk, campaign.number, error.detail)
    campaign = _close_if_done(campaign, actor=actor, now=now)
    waiting = campaign.cases.filter(outcome=CaseOutcome.PENDING).count()
    return Concluded(campaign=campaign, decided=decided, waiting=waiting)


def _case_for_holder_step(case: CampaignCase) -> CampaignCase:
    locked = _locked_case(case.pk)
    if locked is None:
        raise NotFoundError(_("No such case in this campaign."))
    if locked.outcome != CaseOutcome.PENDING:
        raise ConflictError(_("This case has been concluded already."))
    return locked


def case_appeal_lodge(
    *, case: CampaignCase, statement: str, actor: Actor, now: dt.datetime | None = None
) -> CampaignCase:
    """The holder's appeal against a case's proposed revocation, within the grace period.

    Lodged on the case's proceeding (licensing); the case then waits for the regulator's decision.
    409 once the case is concluded or the window has closed.
    """
    with transaction.atomic():
        locked = _case_for_holder_step(case)
        proceeding_appeal_lodge(proceeding=locked.proceeding, statement=statement, actor=actor, now=now)
    locked.proceeding.refresh_from_db()
    return locked


def case_appeal_decide(
    *, case: CampaignCase, accepted: bool, reason: str, actor: Actor, now: dt.datetime | None = None
) -> CampaignCase:
    """The regulator's decision on a case's appeal (lodged in the application or received otherwise).

    Accepted: the proceeding is dropped and the case is kept ("appeal"). Refused: the case is revoked
    at the conclusion unless the office shows activity first. 409 once the case or its appeal is decided.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _case_for_holder_step(case)
        proceeding = proceeding_appeal_decide(
            proceeding=locked.proceeding, accepted=accepted, reason=reason, actor=actor, now=now
        )
        locked.proceeding = proceeding
        if accepted:
            note = (
                f"Inactivity campaign {locked.campaign.number}: appeal accepted. {proceeding.appeal_reason}"
            )
            locked = _outcome_set(locked, CaseOutcome.KEPT_APPEAL, note, actor=actor, now=now)
    return locked
