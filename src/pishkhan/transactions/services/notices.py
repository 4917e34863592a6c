"""The citizen's messages of a transaction's steps, put in the notifications outbox after the fact.

The counter's path (``lane``, ``writer``) does no work for them: this job reads the transactions whose
citizen gave a mobile and whose state moved past the last step told (``notified_state``), and enqueues
one message per step reached — received (with the tracking code), sent to the agency, completed (with
the rating link) or rejected (with the agency's reason and what to bring) — under the key
``txn:<tracking code>:<step>``, so a step is told once however often the job runs. Once the final
message is in the outbox the transaction's sealed mobile is erased (the outbox keeps its own sealed
copy until it has sent it). A failed transaction keeps the mobile a while for a late answer (a replay).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db import transaction as db_transaction
from django.db.models import F
from django.utils import timezone

from pishkhan.common.errors import NotFoundError
from pishkhan.common.links import site_link
from pishkhan.common.sealing import UnsealError, unseal
from pishkhan.gateway.selectors import outbound_request_get
from pishkhan.notifications.services import message_enqueue
from pishkhan.transactions.models import CounterTransaction
from pishkhan.transactions.states import TransactionState

NOTIFY_BATCH = 200
# A failed transaction's sealed mobile waits this long for a late answer (a replay), then is erased.
FAILED_MOBILE_KEPT = dt.timedelta(days=14)
# The steps a citizen is told of; after the final ones the mobile is erased. A failure is not told:
# the gateway's operators replay it, and the citizen then hears the outcome.
FINAL = {TransactionState.COMPLETED, TransactionState.REJECTED}
TOLD_STEPS = {TransactionState.RECEIVED, TransactionState.SUBMITTED, *FINAL}


def _agency_answer(code: str) -> dict:
    try:
        return outbound_request_get(idempotency_key=code).result or {}
    except NotFoundError:  # no submission (an imported transaction): no answer to quote
        return {}


def _params(row: CounterTransaction, step: str) -> tuple[str, dict[str, str]]:
    params = {"service": row.service.title_fa, "code": row.tracking_code}
    if step == TransactionState.COMPLETED:
        return "txn_completed", params | {"link": site_link(f"/rate/?code={row.tracking_code}")}
    if step == TransactionState.REJECTED:
        answer = _agency_answer(row.tracking_code)
        params["reason"] = str(answer.get("reason") or "—")[:120]
        bring = answer.get("bring") or answer.get("documents") or ""
        if isinstance(bring, list):
            bring = "، ".join(str(item) for item in bring)
        if bring:
            return "txn_rejected_bring", params | {"bring": str(bring)[:120]}
        return "txn_rejected", params
    return f"txn_{step}", params


def notifications_enqueue_due(*, now: dt.datetime, limit: int = NOTIFY_BATCH) -> int:
    """Enqueue the messages of the steps the citizens have not been told yet; how many.

    Rows are claimed ``SKIP LOCKED`` (several workers may run); each message is keyed, so a round
    that runs twice enqueues nothing twice.
    """
    enqueued = 0
    with db_transaction.atomic():
        rows = (
            CounterTransaction.objects.exclude(mobile_sealed="")
            .exclude(state=F("notified_state"))
            .select_related("service")
            .prefetch_related("events")
            .order_by("received_at")
        )
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        for row in rows[:limit]:
            fields = ["notified_state"]
            try:
                mobile = unseal(row.mobile_sealed)
            except UnsealError:
                mobile = ""
            # Every step the transaction went through (a failed one that a replay finished was never
            # submitted): the keys make a step told before a no-op.
            steps = [event.to_state for event in row.events.all() if event.to_state in TOLD_STEPS]
            for step in steps if mobile else []:
                template, params = _params(row, step)
                enqueued += message_enqueue(
                    key=f"txn:{row.tracking_code}:{step}", mobile=mobile, template=template, params=params
                )
            row.notified_state = row.state
            if row.state in FINAL or not mobile:
                row.mobile_sealed, row.notified_at = "", timezone.now()
                fields += ["mobile_sealed", "notified_at"]
            row.save(update_fields=fields)
        CounterTransaction.objects.exclude(mobile_sealed="").filter(
            state=TransactionState.FAILED, finished_at__lt=now - FAILED_MOBILE_KEPT
        ).update(mobile_sealed="")
    return enqueued
