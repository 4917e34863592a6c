"""A transaction's way to the agency and back: following what the gateway reports, moving a
transaction along its states (the citizen's messages: ``notices``).

The gateway knows nothing of transactions (it sits below them): a transaction is submitted under its
tracking code as the gateway's idempotency key (written with it: ``writer``), and
:func:`gateway_event` — registered with the gateway in ``transactions/apps.py`` — moves the
transaction when the gateway reports ``delivered`` (→ submitted), ``result`` (→ completed or
rejected) or ``dead`` (→ failed). It runs inside the gateway's own transaction, so the two never
disagree; the gateway calls it once per event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction as db_transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.common.errors import ValidationError
from pishkhan.gateway.models import OutboundRequest
from pishkhan.gateway.services import DEAD, DELIVERED, RESULT
from pishkhan.transactions.models import AGENCY_REFERENCE_MAX, CounterTransaction, TransactionEvent
from pishkhan.transactions.states import FINAL_STATES, TRANSACTION_TRANSITIONS, TransactionState


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


def transaction_advance(
    *, transaction: CounterTransaction, to_state: str, detail: str = "", actor: Actor
) -> CounterTransaction:
    """Move a transaction to its next state, as the transition table allows, and time the change."""
    if to_state not in TransactionState.values:
        message = _("Unknown transaction state.")
        raise ValidationError(message, fields={"to_state": message})
    with db_transaction.atomic():
        locked = CounterTransaction.objects.select_for_update().get(pk=transaction.pk)
        fields = state_change(locked, to_state, now=timezone.now(), detail=detail)
        locked.save(update_fields=fields)
    return locked


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
