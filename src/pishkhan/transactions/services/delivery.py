"""A transaction's way to the agency and back: handing it to the gateway, following what the gateway
reports, and telling the citizen the outcome by SMS.

The gateway knows nothing of transactions (it sits below them): a transaction is submitted under its
tracking code as the gateway's idempotency key, and :func:`gateway_event` — named in
registered with the gateway in ``transactions/apps.py`` — moves the transaction when the gateway reports
``delivered`` (→ submitted), ``result`` (→ completed or rejected) or ``dead`` (→ failed). It runs
inside the gateway's own transaction, so the two never disagree; the gateway calls it once per event.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction as db_transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pishkhan.common.sealing import UnsealError, unseal
from pishkhan.common.sms import SmsError, sms_send
from pishkhan.gateway.models import OutboundRequest
from pishkhan.gateway.services import DEAD, DELIVERED, RESULT, submission_enqueue
from pishkhan.transactions.models import AGENCY_REFERENCE_MAX, CounterTransaction, TransactionEvent
from pishkhan.transactions.states import FINAL_STATES, TRANSACTION_TRANSITIONS, TransactionState

if TYPE_CHECKING:
    from pishkhan.transactions.services.counter import NewTransaction

logger = logging.getLogger(__name__)

NOTIFY_BATCH = 100
# A failed transaction's sealed mobile waits this long for a late answer (a replay), then is erased.
FAILED_MOBILE_KEPT = dt.timedelta(days=14)


def submission_payload(
    transaction: CounterTransaction | NewTransaction, *, national_id: str, mobile: str
) -> dict[str, Any]:
    """What the agency's back-end receives for a transaction (stored, or about to be written): the
    work to do and for whom."""
    return {
        "tracking_code": transaction.tracking_code,
        "service": transaction.service.code,
        "office": transaction.office.code,
        "office_reference": transaction.office_reference,
        "national_id": national_id,
        "mobile": mobile,
        "fee_charged": transaction.fee_charged,
        "recorded_at": transaction.recorded_at.isoformat(),
    }


def transaction_submit(
    *, transaction: CounterTransaction, national_id: str, mobile: str, actor: Any
) -> OutboundRequest:
    """Hand a just-recorded transaction to its agency's gateway (call it in the recording transaction)."""
    return submission_enqueue(
        agency=transaction.service.agency,
        idempotency_key=transaction.tracking_code,
        payload=submission_payload(transaction, national_id=national_id, mobile=mobile),
        actor=actor,
    )


def state_change(
    locked: CounterTransaction, to_state: str, *, now: dt.datetime, detail: str = ""
) -> list[str]:
    """Change a locked transaction's state in memory and record the event; the fields changed."""
    TRANSACTION_TRANSITIONS.check(locked.state, to_state)
    before, locked.state = locked.state, to_state
    fields = ["state"]
    if to_state == TransactionState.SUBMITTED:
        locked.submitted_at = now
        fields.append("submitted_at")
    if to_state in FINAL_STATES:
        locked.finished_at = now
        fields.append("finished_at")
    TransactionEvent.objects.create(
        transaction=locked, from_state=before, to_state=to_state, at=now, detail=(detail or "")[:500]
    )
    return fields


def gateway_event(*, request: OutboundRequest, event: str, result: Mapping[str, Any] | None) -> None:
    """Follow what the gateway reports of a transaction's submission (the gateway's event handler)."""
    locked = (
        CounterTransaction.objects.select_for_update().filter(tracking_code=request.idempotency_key).first()
    )
    if locked is None:
        return  # not a counter transaction's submission
    now = timezone.now()
    fields: list[str] = []
    if event == DELIVERED and locked.state == TransactionState.RECEIVED:
        fields += state_change(locked, TransactionState.SUBMITTED, now=now)
    elif event == RESULT and result is not None:
        if locked.state == TransactionState.RECEIVED:
            fields += state_change(locked, TransactionState.SUBMITTED, now=now)
        status = str(result.get("status", ""))
        target = TransactionState.COMPLETED if status == "completed" else TransactionState.REJECTED
        detail = str(result.get("reason") or result.get("reference") or "")
        fields += state_change(locked, target, now=now, detail=detail)
        locked.agency_reference = str(result.get("reference") or "")[:AGENCY_REFERENCE_MAX]
        fields.append("agency_reference")
    elif event == DEAD and locked.state in {TransactionState.RECEIVED, TransactionState.SUBMITTED}:
        fields += state_change(locked, TransactionState.FAILED, now=now, detail=request.last_error)
    if fields:
        locked.save(update_fields=sorted(set(fields)))


def _message(transaction: CounterTransaction) -> str:
    """The citizen's SMS, in Persian (the citizen's language), digits as they are (SMS readers differ)."""
    with translation.override("fa"):
        values = {"service": transaction.service.title_fa, "code": transaction.tracking_code}
        if transaction.state == TransactionState.COMPLETED:
            return _("Pishkhan: your request “%(service)s” (tracking code %(code)s) is done.") % values
        return (
            _(
                "Pishkhan: your request “%(service)s” (tracking code %(code)s) was not accepted; "
                "ask the office for the reason."
            )
            % values
        )


def notifications_send_due(*, now: dt.datetime, limit: int = NOTIFY_BATCH) -> int:
    """Text the citizens whose transactions were completed or rejected; how many were sent.

    Each sent message erases the sealed mobile, so it is sent once; a provider that fails leaves it
    for the next round. Failed transactions keep the mobile a while for a late answer, then lose it.
    """
    sent = 0
    with db_transaction.atomic():
        rows: Sequence[CounterTransaction] = list(
            CounterTransaction.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("service")
            .exclude(mobile_sealed="")
            .filter(state__in=[TransactionState.COMPLETED, TransactionState.REJECTED])
            .order_by("finished_at")[:limit]
        )
        for row in rows:
            try:
                sms_send(to=unseal(row.mobile_sealed), text=_message(row))
            except SmsError as error:
                logger.warning("SMS for %s not sent: %s", row.tracking_code, error)
                continue
            except UnsealError:
                logger.error("the sealed mobile of %s cannot be opened; erased", row.tracking_code)
            else:
                sent += 1
                row.notified_at = now
            row.mobile_sealed = ""
            row.save(update_fields=["mobile_sealed", "notified_at"])
        CounterTransaction.objects.exclude(mobile_sealed="").filter(
            state=TransactionState.FAILED, finished_at__lt=now - FAILED_MOBILE_KEPT
        ).update(mobile_sealed="")
    return sent
