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
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction as db_transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.common.bulk import objects_update
from pishkhan.common.errors import ValidationError
from pishkhan.gateway.models import OutboundRequest
from pishkhan.gateway.services import DEAD, DELIVERED, RESULT
from pishkhan.transactions.models import AGENCY_REFERENCE_MAX, CounterTransaction, TransactionEvent
from pishkhan.transactions.states import FINAL_STATES, TRANSACTION_TRANSITIONS, TransactionState


def state_change(
    locked: CounterTransaction,
    to_state: str,
    *,
    now: dt.datetime,
    detail: str = "",
    events: list[TransactionEvent] | None = None,
) -> list[str]:
    """Change a locked transaction's state in memory and record the event; the fields changed.

    ``events``: a list the event is added to, for the caller to write with others in bulk; without
    it, the event is written at once."""
    TRANSACTION_TRANSITIONS.check(locked.state, to_state)
    before, locked.state = locked.state, to_state
    fields = ["state"]
    if to_state == TransactionState.SUBMITTED:
        locked.submitted_at = now
        fields.append("submitted_at")
    if to_state in FINAL_STATES:
        locked.finished_at = now
        fields.append("finished_at")
    event = TransactionEvent(
        transaction=locked, from_state=before, to_state=to_state, at=now, detail=(detail or "")[:500]
    )
    if events is None:
        event.save(force_insert=True)
    else:
        events.append(event)
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


GatewayEvent = tuple[OutboundRequest, str, Mapping[str, Any] | None]


def _event_follow(
    locked: CounterTransaction,
    *,
    request: OutboundRequest,
    event: str,
    result: Mapping[str, Any] | None,
    now: dt.datetime,
    events: list[TransactionEvent],
) -> list[str]:
    """Move a locked transaction as one gateway event says, in memory; the fields changed."""
    fields: list[str] = []
    if event == DELIVERED and locked.state == TransactionState.RECEIVED:
        fields += state_change(locked, TransactionState.SUBMITTED, now=now, events=events)
    elif event == RESULT and result is not None:
        if locked.state == TransactionState.RECEIVED:
            fields += state_change(locked, TransactionState.SUBMITTED, now=now, events=events)
        status = str(result.get("status", ""))
        target = TransactionState.COMPLETED if status == "completed" else TransactionState.REJECTED
        detail = str(result.get("reason") or result.get("reference") or "")
        fields += state_change(locked, target, now=now, detail=detail, events=events)
        locked.agency_reference = str(result.get("reference") or "")[:AGENCY_REFERENCE_MAX]
        fields.append("agency_reference")
    elif event == DEAD and locked.state in {TransactionState.RECEIVED, TransactionState.SUBMITTED}:
        fields += state_change(
            locked, TransactionState.FAILED, now=now, detail=request.last_error, events=events
        )
    return fields


def gateway_events(items: Sequence[GatewayEvent]) -> None:
    """Follow what the gateway reports of many submissions at once (its batch of deliveries), in the
    gateway's transaction: the transactions locked in one statement (in id order, as every batch
    locks them), their events written in one, their changes in one."""
    codes = {request.idempotency_key for request, _event, _result in items}
    locked = {
        row.tracking_code: row
        for row in CounterTransaction.objects.select_for_update()
        .filter(tracking_code__in=codes)
        .order_by("pk")
    }
    if not locked:
        return  # not counter transactions' submissions
    now = timezone.now()
    events: list[TransactionEvent] = []
    changed: dict[int, CounterTransaction] = {}
    fields: set[str] = set()
    for request, event, result in items:
        row = locked.get(request.idempotency_key)
        if row is None:
            continue
        moved = _event_follow(row, request=request, event=event, result=result, now=now, events=events)
        if moved:
            changed[row.pk] = row
            fields.update(moved)
    if events:
        TransactionEvent.objects.bulk_create(events)
    if changed:
        # A row changed in fewer fields is written with its own values there: it is locked.
        objects_update(list(changed.values()), fields)


def gateway_event(*, request: OutboundRequest, event: str, result: Mapping[str, Any] | None) -> None:
    """Follow what the gateway reports of a transaction's submission (the gateway's event handler;
    :func:`gateway_events` is its form for a batch)."""
    gateway_events([(request, event, result)])


# The gateway tells a batch's events at once through this (``gateway.events.events_tell``).
gateway_event.many = gateway_events  # type: ignore[attr-defined]
