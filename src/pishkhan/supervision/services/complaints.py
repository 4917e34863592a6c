"""Writes of citizens' complaints about offices: receiving one, taking it under review, answering it,
closing it with its outcome (and, for an upheld overcharge, a refund order the office confirms), and
the worker's rounds: texting answers, escalating unanswered complaints to the regulator, flagging
refunds the office has not confirmed in time.

A complaint comes from the public page that a licence's verification links to (or the public API);
the office is named by its code, and the complaint is the directorate of the office's province's to
answer within ``PISHKHAN_COMPLAINT_ANSWER_DAYS``. The citizen stays anonymous: an optional mobile for
the reply is checked, then kept only masked, sealed, and as a keyed hash for tracking. Each change is
audited (the submission under the system's name: a citizen is not an account); no audit entry holds
the description or the mobile.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import audit_record
from pishkhan.audit.transitions import transition_apply
from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.common.identifiers import mobile_clean, mobile_mask
from pishkhan.common.persian import as_written, has_control_characters, to_latin_digits
from pishkhan.common.sealing import UnsealError, seal, unseal
from pishkhan.licensing.services import insert_numbered, number_prefix, text_clean
from pishkhan.notifications.services import message_enqueue
from pishkhan.offices.selectors import office_get
from pishkhan.supervision.mobile_keys import mobile_key
from pishkhan.supervision.models import COMPLAINT_TEXT_MAX, REFERENCE_MAX, Complaint, ComplaintCategory
from pishkhan.supervision.states import (
    COMPLAINT_AWAITING_ANSWER,
    COMPLAINT_TRANSITIONS,
    REFUND_TRANSITIONS,
    REFUNDING_OUTCOMES,
    ComplaintOutcome,
    ComplaintStatus,
    RefundStatus,
)

logger = logging.getLogger(__name__)

COMPLAINT_LETTER = "C"
# Complaints one worker round handles per kind of work; the worker runs again while it finds work.
COMPLAINT_BATCH = 200
# The answer as texted: an SMS of a few parts; the whole answer is on the tracking page.
SMS_ANSWER_MAX = 300


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, fields={field: message})


def _description_clean(value: str) -> str:
    if not isinstance(value, str) or has_control_characters(value or ""):
        raise _invalid("description", _("Control characters are not allowed."))
    text = as_written(value or "", lines=True)
    if not text:
        raise _invalid("description", _("Describe what happened."))
    if len(text) > COMPLAINT_TEXT_MAX:
        raise _invalid(
            "description",
            _("Keep the description within %(limit)s characters.") % {"limit": COMPLAINT_TEXT_MAX},
        )
    return text


def _answer_clean(value: object) -> str:
    if not isinstance(value, str) or has_control_characters(value):
        raise _invalid("answer", _("Control characters are not allowed."))
    text = as_written(value, lines=True)
    if not text:
        raise _invalid("answer", _("Write the answer the citizen will be sent."))
    if len(text) > COMPLAINT_TEXT_MAX:
        raise _invalid(
            "answer", _("Keep the answer within %(limit)s characters.") % {"limit": COMPLAINT_TEXT_MAX}
        )
    return text


def _mobile_clean(value: str) -> str:
    """The mobile in its national form, or "" when none was given."""
    if not (value or "").strip():
        return ""
    try:
        return mobile_clean(value)
    except ValidationError as error:
        raise _invalid("mobile", error.detail) from None


def answer_days() -> int:
    """How many days the directorate has to answer a complaint (``PISHKHAN_COMPLAINT_ANSWER_DAYS``)."""
    return int(settings.PISHKHAN_COMPLAINT_ANSWER_DAYS)


def complaint_submit(
    *,
    office_code: str,
    category: str,
    description: str,
    mobile: str = "",
    actor: Actor = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """Receive a citizen's complaint about the office with this code; returns it with its number.

    Its answer is due ``PISHKHAN_COMPLAINT_ANSWER_DAYS`` after ``now`` (the moment it is received;
    the demo passes an earlier one). ``ValidationError`` (naming the field) for a malformed or unknown
    office, an unknown category, an empty or overlong description, or a mobile that is not one;
    nothing is stored then.
    """
    try:
        office = office_get(code=office_code)
    except ValidationError:
        raise _invalid("office", _("An office code looks like P23-0001.")) from None
    except NotFoundError:
        raise _invalid("office", _("No office has this code.")) from None
    if not isinstance(office_code, str):
        raise _invalid("office", _("An office code looks like P23-0001."))
    if category not in ComplaintCategory.values:
        raise _invalid("category", _("Choose what the complaint is about."))
    text = _description_clean(description)
    number = _mobile_clean(mobile if isinstance(mobile, str) else "")
    now = now or timezone.now()
    complaint = Complaint(
        office=office,
        category=category,
        description=text,
        mobile_masked=mobile_mask(number) if number else "",
        mobile_sealed=seal(number) if number else "",
        mobile_key=mobile_key(number),
        created_at=now,
        answer_due_at=now + dt.timedelta(days=answer_days()),
    )
    with transaction.atomic():
        insert_numbered(complaint, prefix=number_prefix(COMPLAINT_LETTER, office.province.code, now))
        audit_record(actor=actor, action="complaint.submit", target=complaint, after=complaint.status)
        _tell(complaint, "received", {"number": complaint.number})
    return complaint


def _tell(complaint: Complaint, step: str, params: dict[str, Any]) -> bool:
    """Put the complainant's message of a step in the outbox (once per step), if they gave a mobile."""
    if not complaint.mobile_sealed:
        return False
    try:
        mobile = unseal(complaint.mobile_sealed)
    except UnsealError:
        logger.error("the sealed mobile of complaint %s cannot be opened", complaint.number)
        return False
    return message_enqueue(
        key=f"complaint:{complaint.number}:{step}", mobile=mobile, template=f"complaint_{step}", params=params
    )


def _move(
    complaint: Complaint, target: str, *, actor: Actor, action: str, reason: str = "", **fields: Any
) -> Complaint:
    """Change a complaint's status (and ``fields``) as ``COMPLAINT_TRANSITIONS`` allows; its audit entry
    holds the status before and after (never the description)."""
    return transition_apply(
        complaint,
        table=COMPLAINT_TRANSITIONS,
        to=target,
        rows=Complaint.objects.select_related("office"),
        fields=fields,
        record="state",
        actor=actor,
        action=action,
        reason=reason,
    )


def complaint_review(*, complaint: Complaint, actor: Actor) -> Complaint:
    """Take a received complaint under review (``TransitionError`` from any other state)."""
    return _move(
        complaint,
        ComplaintStatus.UNDER_REVIEW,
        actor=actor,
        action="complaint.review",
        reviewed_at=timezone.now(),
        reviewed_by=actor_label(actor),
    )


def complaint_answer(*, complaint: Complaint, answer: str, actor: Actor) -> Complaint:
    """Answer a complaint under review: the text the citizen is told (on the tracking page, and by
    SMS from the worker when they gave a mobile). ``ValidationError`` for an empty or overlong answer,
    ``TransitionError`` (409) unless the complaint is under review (a closed one keeps its answer)."""
    text = _answer_clean(answer)
    return _move(
        complaint,
        ComplaintStatus.ANSWERED,
        actor=actor,
        action="complaint.answer",
        reason=text,
        answer=text,
        answered_at=timezone.now(),
        answered_by=actor_label(actor),
    )


def _outcome_clean(value: object) -> str:
    if value not in ComplaintOutcome.values:
        raise _invalid("outcome", _("Choose the outcome: upheld, partly upheld or not upheld."))
    return str(value)


def refund_max() -> int:
    """The largest refund that may be ordered, in rials (``PISHKHAN_COMPLAINT_REFUND_MAX``)."""
    return int(settings.PISHKHAN_COMPLAINT_REFUND_MAX)


def _refund_clean(value: object, *, category: str, outcome: str) -> int | None:
    """The refund to order, in rials: required on an overcharge upheld in whole or in part, refused on
    anything else; a whole number of rials from 1 to ``PISHKHAN_COMPLAINT_REFUND_MAX``."""
    refunding = category == ComplaintCategory.OVERCHARGING and outcome in REFUNDING_OUTCOMES
    if value is None or value == "":
        if refunding:
            raise _invalid(
                "refund_amount", _("An upheld overcharge orders a refund: give its amount in rials.")
            )
        return None
    if not refunding:
        raise _invalid("refund_amount", _("A refund is ordered only on an overcharge that is upheld."))
    if isinstance(value, str):
        value = to_latin_digits(value.strip()).replace(",", "")
        if not value.isdigit():
            raise _invalid("refund_amount", _("Give the refund as a whole number of rials."))
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid("refund_amount", _("Give the refund as a whole number of rials."))
    if value <= 0:
        raise _invalid("refund_amount", _("A refund is more than zero rials."))
    if value > refund_max():
        raise _invalid(
            "refund_amount",
            _("A refund is at most %(max)s rials; check the amount.") % {"max": f"{refund_max():,}"},
        )
    return value


def complaint_close_check(
    *, complaint: Complaint, reason: str, outcome: str | None, refund_amount: int | str | None = None
) -> None:
    """Refuse as :func:`complaint_close` would (``ValidationError``, ``TransitionError``), changing
    nothing: a page asks for a confirmation only of a closing that will be accepted."""
    text_clean(reason, "reason", required=True)
    _refund_clean(refund_amount, category=complaint.category, outcome=_outcome_clean(outcome))
    COMPLAINT_TRANSITIONS.check(complaint.status, ComplaintStatus.CLOSED)


def complaint_close(
    *,
    complaint: Complaint,
    reason: str,
    actor: Actor,
    outcome: str | None = None,
    refund_amount: int | str | None = None,
) -> Complaint:
    """Close a complaint under review or answered, with its outcome (required) and reason (required):
    what was found and what was done. An overcharge upheld in whole or in part orders a refund of
    ``refund_amount`` rials, which the office must confirm within ``PISHKHAN_COMPLAINT_REFUND_HOURS``.

    ``ValidationError`` (naming the field) for a missing outcome or reason, or a refund that is
    missing, not allowed, not positive or above ``PISHKHAN_COMPLAINT_REFUND_MAX``; ``TransitionError``
    (409) from any other state. Nothing changes on a refusal.
    """
    reason = text_clean(reason, "reason", required=True)
    outcome = _outcome_clean(outcome)
    amount = _refund_clean(refund_amount, category=complaint.category, outcome=outcome)
    now = timezone.now()
    with transaction.atomic():
        closed = _move(
            complaint,
            ComplaintStatus.CLOSED,
            actor=actor,
            action="complaint.close",
            reason=reason,
            close_reason=reason,
            closed_at=now,
            closed_by=actor_label(actor),
            outcome=outcome,
        )
        if amount is not None:
            closed = transition_apply(
                closed,
                table=REFUND_TRANSITIONS,
                to=RefundStatus.ORDERED,
                state="refund_status",
                fields={
                    "refund_amount": amount,
                    "refund_ordered_at": now,
                    "refund_due_at": now + dt.timedelta(hours=int(settings.PISHKHAN_COMPLAINT_REFUND_HOURS)),
                },
                audited=["refund_amount", "refund_due_at"],
                actor=actor,
                action="complaint.refund_order",
            )
            _tell(closed, "refund_ordered", {"number": closed.number, "amount": f"{amount:,}"})
        _tell(closed, "closed", {"number": closed.number})
    return closed


def _reference_clean(value: object) -> str:
    if not isinstance(value, str) or has_control_characters(value):
        raise _invalid("reference", _("Control characters are not allowed."))
    text = as_written(value)
    if not text:
        raise _invalid("reference", _("Give the refund's reference (a receipt or transfer number)."))
    if len(text) > REFERENCE_MAX:
        raise _invalid(
            "reference", _("Keep the reference within %(limit)s characters.") % {"limit": REFERENCE_MAX}
        )
    return text


def complaint_refund_confirm(*, complaint: Complaint, reference: str, actor: Actor) -> Complaint:
    """The office confirms it refunded the citizen, with the reference of the refund (a receipt or a
    transfer number). Late confirmations are accepted (the overdue flag stays on the record).
    ``ValidationError`` without a reference; ``TransitionError`` (409) without an order or twice."""
    text = _reference_clean(reference)
    return transition_apply(
        complaint,
        table=REFUND_TRANSITIONS,
        to=RefundStatus.CONFIRMED,
        state="refund_status",
        rows=Complaint.objects.select_related("office"),
        fields={
            "refund_reference": text,
            "refund_confirmed_at": timezone.now(),
            "refund_confirmed_by": actor_label(actor),
        },
        audited=["refund_reference"],
        actor=actor,
        action="complaint.refund_confirm",
    )


# --- The worker's rounds --------------------------------------------------------------------------


def _locked_one(rows: QuerySet[Complaint]) -> Complaint | None:
    """The first of ``rows`` locked for this round (skipping those another worker holds)."""
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    else:
        rows = rows.select_for_update(of=("self",))
    return rows.first()


def _answer_sms(complaint: Complaint) -> str:
    """The answer as the SMS carries it: cut to a few parts (the whole answer is on the tracking page)."""
    answer = complaint.answer
    return answer if len(answer) <= SMS_ANSWER_MAX else answer[: SMS_ANSWER_MAX - 1] + "…"


def complaint_answers_send(*, now: dt.datetime, limit: int | None = COMPLAINT_BATCH) -> int:
    """Put each answered complaint's answer in the outbox, to the mobile its citizen gave, once; how many.

    ``answer_sms_sent_at`` records it (the outbox sends it, once: its key). A complaint without a
    mobile is never texted (the tracking page has its answer).
    """
    due = Complaint.objects.filter(answered_at__isnull=False, answer_sms_sent_at__isnull=True).exclude(
        mobile_sealed=""
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:limit])
    sent = 0
    for pk in ids:
        with transaction.atomic():
            complaint = _locked_one(Complaint.objects.filter(pk=pk, answer_sms_sent_at__isnull=True))
            if complaint is None:
                continue
            _tell(complaint, "answered", {"number": complaint.number, "answer": _answer_sms(complaint)})
            complaint.answer_sms_sent_at = now
            complaint.save(update_fields=["answer_sms_sent_at"])
            audit_record(
                actor=None, action="complaint.answer_texted", target=complaint, after=complaint.mobile_masked
            )
            sent += 1
    return sent


def complaints_escalate(*, now: dt.datetime, actor: Actor = None, limit: int | None = COMPLAINT_BATCH) -> int:
    """Escalate to the regulator every complaint still unanswered past its answer deadline; how many.

    The complaint keeps its state (the directorate may still answer it); ``escalated_at`` puts it on
    the regulator's queue, once. Each escalation is audited.
    """
    due = Complaint.objects.filter(
        status__in=COMPLAINT_AWAITING_ANSWER, escalated_at__isnull=True, answer_due_at__lte=now
    )
    ids = list(due.order_by("answer_due_at", "pk").values_list("pk", flat=True)[:limit])
    escalated = 0
    for pk in ids:
        with transaction.atomic():
            complaint = _locked_one(due.filter(pk=pk))
            if complaint is None:
                continue
            complaint.escalated_at = now
            complaint.save(update_fields=["escalated_at"])
            audit_record(
                actor=actor,
                action="complaint.escalate",
                target=complaint,
                before={"answer_due_at": complaint.answer_due_at},
                after={"escalated_at": now},
                reason=_("Not answered within %(days)s days.") % {"days": answer_days()},
            )
            escalated += 1
    return escalated


def complaint_refunds_flag_overdue(
    *, now: dt.datetime, actor: Actor = None, limit: int | None = COMPLAINT_BATCH
) -> int:
    """Flag every refund order the office has not confirmed by its due time; how many were flagged."""
    due = Complaint.objects.filter(
        refund_status=RefundStatus.ORDERED, refund_overdue_at__isnull=True, refund_due_at__lte=now
    )
    ids = list(due.order_by("refund_due_at", "pk").values_list("pk", flat=True)[:limit])
    flagged = 0
    for pk in ids:
        with transaction.atomic():
            complaint = _locked_one(due.filter(pk=pk))
            if complaint is None:
                continue
            complaint.refund_overdue_at = now
            complaint.save(update_fields=["refund_overdue_at"])
            audit_record(
                actor=actor,
                action="complaint.refund_overdue",
                target=complaint,
                before={"refund_due_at": complaint.refund_due_at},
                after={"refund_overdue_at": now},
            )
            flagged += 1
    return flagged
