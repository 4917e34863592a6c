"""Writes of the gateway: enqueue a submission, deliver what is due, apply an agency's result once,
replay a dead request, and rotate an agency's shared secret.

Delivery runs in three steps so that no database lock is held while the network is slow: *claim*
(one short transaction moves due rows to ``in_flight`` with a lease), *call* the adapter outside any
transaction, *settle* (one short transaction per row records the attempt and the answer). A worker
that dies between claim and settle leaves a lease that runs out, and the row is claimed again.

What happens to a request is told to the submitting domain through one hook, the handler it
registered with ``gateway.events`` when Django started (called as
``handler(request=..., event=..., result=...)`` inside the transaction that records the event) — the
gateway sits below the domains that submit to it and knows none of them. The events:
``delivered`` (the agency took the request), ``result`` (its final answer: at most once per request,
``result_applied_at`` is checked and set under the row's lock) and ``dead`` (delivery gave up; a replay
may still bring a result later). If the handler fails, the event is not recorded either, and comes again.

The payload is sealed at rest and erased once the agency has taken the request; a dead request keeps
it for a replay.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import random
import secrets
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.catalogue.models import Agency
from pishkhan.common.bulk import Ready, insert_ready, objects_update, rows_ready
from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.common.sealing import seal, seal_json
from pishkhan.gateway import backoff
from pishkhan.gateway.adapters import Adapter, Answer, DeliveryFailed, Envelope, adapter_named
from pishkhan.gateway.events import DEAD, DELIVERED, RESULT, event_tell, events_tell
from pishkhan.gateway.models import (
    ERROR_LENGTH,
    IDEMPOTENCY_KEY_LENGTH,
    AgencyCredential,
    DeliveryAttempt,
    OutboundRequest,
)
from pishkhan.gateway.states import (
    FINAL_ANSWERS,
    OUTBOUND_TRANSITIONS,
    AttemptOutcome,
    OutboundState,
)

# A worker holds a claimed row this much longer than the agency's own timeout before another worker
# may take it over; generous, because delivering twice costs more than waiting.
LEASE_MARGIN_SECONDS = 60
DELIVER_LIMIT_MAX = 1000
# Rows one worker claims at once: large enough that a busy outbox costs a few statements per batch,
# small enough that a batch settles in well under a second.
DELIVER_BATCH = 200
# Agency calls over the network one worker makes at once (PISHKHAN_GATEWAY_CALL_THREADS).
CALL_THREADS = 16
SECRET_BYTES = 32

_system_rng = random.SystemRandom()
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryReport:
    """What one run of :func:`outbox_deliver_due` did."""

    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    reclaimed: int = 0


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def max_attempts() -> int:
    """How many attempts a request gets before it is dead (``PISHKHAN_GATEWAY_MAX_ATTEMPTS``)."""
    return int(_setting("PISHKHAN_GATEWAY_MAX_ATTEMPTS", backoff.MAX_ATTEMPTS))


def _retry_delay(attempt: int, rng: random.Random) -> dt.timedelta:
    base = float(_setting("PISHKHAN_GATEWAY_BACKOFF_BASE_SECONDS", backoff.BACKOFF_BASE_SECONDS))
    cap = float(_setting("PISHKHAN_GATEWAY_BACKOFF_CAP_SECONDS", backoff.BACKOFF_CAP_SECONDS))
    return dt.timedelta(seconds=backoff.backoff_delay(attempt, rng=rng, base=base, cap=cap))


# --- Enqueue --------------------------------------------------------------------------------------


def _key_clean(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > IDEMPOTENCY_KEY_LENGTH:
        raise ValidationError(
            "The idempotency key must be 1 to 64 characters.", fields={"idempotency_key": "invalid"}
        )
    return key


def _payload_check(payload: Any) -> None:
    if not isinstance(payload, Mapping):
        raise ValidationError("The payload must be a JSON object.", fields={"payload": "invalid"})


def _row_new(agency_id: int, key: str, payload: Mapping[str, Any], now: dt.datetime) -> dict[str, Any]:
    """A new submission's outbox row, its payload sealed: due at once, no attempt yet."""
    return {
        "agency_id": agency_id,
        "idempotency_key": key,
        "payload_sealed": seal_json(dict(payload)),
        "state": OutboundState.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
    }


def submission_enqueue(
    *, agency: Agency | str, idempotency_key: str, payload: Mapping[str, Any], actor: Actor
) -> OutboundRequest:
    """Store a submission for delivery to an agency (the row, or its code); the same key returns the row
    stored first.

    Call it inside the caller's own transaction, so the submission exists exactly when the caller's
    record does. Due at once: the next :func:`outbox_deliver_due` picks it up. ``actor`` is accepted
    for the uniform service signature; enqueueing is not audited (the caller audits its own record,
    and the delivery attempts are the gateway's log).
    """
    key = _key_clean(idempotency_key)
    _payload_check(payload)
    if isinstance(agency, str):
        code = agency
        agency = Agency.objects.filter(code=(code or "").strip().lower(), active=True).first()
        if agency is None:
            raise NotFoundError(f"There is no active agency {code!r}.")
    elif not agency.active:
        raise NotFoundError(f"There is no active agency {agency.code!r}.")
    request = OutboundRequest(
        agency=agency,
        idempotency_key=key,
        payload_sealed=seal_json(dict(payload)),
        next_attempt_at=timezone.now(),
    )
    try:
        # Insert first (the common case: a new key), in a savepoint so a key stored before leaves the
        # caller's transaction usable; then the row stored first is the answer.
        with transaction.atomic():
            request.save(force_insert=True)
    except IntegrityError:
        request = OutboundRequest.objects.get(idempotency_key=key)
    return request


def submission_row(
    *, agency: Agency, idempotency_key: str, payload: Mapping[str, Any], now: dt.datetime
) -> dict[str, Any]:
    """A new submission's outbox row (column: value, in the order of ``SUBMISSION_COLUMNS``), for a
    caller that has the gateway write it in its own statement or in bulk.

    The counter stores its transactions and these rows without the ORM (a single POST in one statement,
    a batch in bulk): :func:`submission_insert_sql` and :func:`submissions_insert` are the gateway's
    writes of such rows. The checks are :func:`submission_enqueue`'s, the payload sealed the same way;
    a key stored before is the caller's ``IntegrityError``.
    """
    key = _key_clean(idempotency_key)
    _payload_check(payload)
    if not agency.active:
        raise NotFoundError(f"There is no active agency {agency.code!r}.")
    return _row_new(agency.pk, key, payload, now)


# The columns of a ready row (:func:`submission_row`), in its order: the order of the parameters of
# :func:`submission_insert_sql`.
SUBMISSION_COLUMNS = (
    "agency_id", "idempotency_key", "payload_sealed", "state", "attempts", "next_attempt_at",
    "last_error", "created_at",
)  # fmt: skip


@functools.cache
def submission_insert_sql(*, rows_from: str = "") -> str:
    """The gateway's INSERT of one ready row (:func:`submission_row`; its values, in order, are the
    parameters), for a caller's own statement: its table and columns stay the gateway's to name.

    ``rows_from``: the name of a relation of the caller's statement (a CTE on PostgreSQL): the row is
    written once for each of its rows, so not at all when it yields none (a guard that refused).
    Built once per process.
    """
    quote = connection.ops.quote_name
    table = quote(OutboundRequest._meta.db_table)
    names = ", ".join(quote(OutboundRequest._meta.get_field(name).column) for name in SUBMISSION_COLUMNS)
    holders = ", ".join(["%s"] * len(SUBMISSION_COLUMNS))
    if rows_from:
        return f"INSERT INTO {table} ({names}) SELECT {holders} FROM {rows_from}"  # noqa: S608
    return f"INSERT INTO {table} ({names}) VALUES ({holders})"  # noqa: S608


def submissions_ready(rows: Sequence[Mapping[str, Any]]) -> Ready:
    """Ready rows (:func:`submission_row`) made ready for :func:`submissions_insert` ahead of the
    caller's write transaction (``common.bulk.rows_ready``)."""
    return rows_ready(OutboundRequest, rows)


def submissions_insert(ready: Ready) -> None:
    """Write submissions made ready by :func:`submissions_ready`, in bulk (COPY on PostgreSQL), inside
    the caller's transaction; a key stored before is the caller's ``IntegrityError``."""
    if ready.model is not OutboundRequest:
        raise ValueError("not the gateway's submissions")
    insert_ready(ready)


# --- Deliver --------------------------------------------------------------------------------------


def _claim(*, now: dt.datetime, limit: int) -> tuple[list[tuple[OutboundRequest, DeliveryAttempt]], int]:
    """Move up to ``limit`` due rows to ``in_flight`` under a lease, in one short transaction; each
    with its new attempt row. A handful of statements whatever the batch's size."""
    due = Q(state=OutboundState.PENDING) | Q(state=OutboundState.IN_FLIGHT)
    claimed: list[tuple[OutboundRequest, DeliveryAttempt]] = []
    with transaction.atomic():
        # PostgreSQL: rows another worker holds are skipped, not waited for, so workers share the
        # queue. SQLite ignores the clause: its IMMEDIATE transactions let one writer in at a time.
        rows = list(
            OutboundRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(due, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:limit]
        )
        if not rows:
            return [], 0
        agencies = Agency.objects.in_bulk({row.agency_id for row in rows})
        started = timezone.now()
        ids = [row.pk for row in rows]
        # The worker that held an in-flight row is gone (its lease ran out): its attempt never ended.
        stale = [row.pk for row in rows if row.state == OutboundState.IN_FLIGHT]
        if stale:
            DeliveryAttempt.objects.filter(request_id__in=stale, outcome=AttemptOutcome.RUNNING).update(
                outcome=AttemptOutcome.ABANDONED, finished_at=started, error="lease expired"
            )
        # Numbered over the request's whole life: ``attempts`` restarts at a replay, the log does not.
        numbered = dict(
            DeliveryAttempt.objects.filter(request_id__in=ids)
            .values("request_id")
            .annotate(last=Max("number"))
            .values_list("request_id", "last")
        )
        by_lease: dict[dt.datetime, list[int]] = {}
        for row in rows:
            row.agency = agencies[row.agency_id]
            OUTBOUND_TRANSITIONS.check(row.state, OutboundState.IN_FLIGHT)
            row.state = OutboundState.IN_FLIGHT
            row.attempts += 1
            lease = now + dt.timedelta(seconds=row.agency.timeout_seconds + LEASE_MARGIN_SECONDS)
            row.next_attempt_at = lease
            by_lease.setdefault(lease, []).append(row.pk)
        for lease, pks in by_lease.items():  # one UPDATE per agency timeout, not one per row
            OutboundRequest.objects.filter(pk__in=pks).update(
                state=OutboundState.IN_FLIGHT, attempts=F("attempts") + 1, next_attempt_at=lease
            )
        attempts = DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(request=row, number=numbered.get(row.pk, 0) + 1, started_at=started)
            for row in rows
        )
        claimed = list(zip(rows, attempts, strict=True))
    return claimed, len(stale)


def _envelopes(rows: Sequence[OutboundRequest]) -> list[Envelope]:
    """What each claimed row sends: its payload unsealed and its agency's secret (read once a batch)."""
    secrets_by_agency = {
        credential.agency_id: credential.secret
        for credential in AgencyCredential.objects.filter(agency_id__in={row.agency_id for row in rows})
    }
    return [
        Envelope(
            agency_code=row.agency.code,
            request_id=row.idempotency_key,
            payload=row.payload or {},
            base_url=row.agency.base_url,
            timeout_seconds=float(row.agency.timeout_seconds),
            secret=secrets_by_agency.get(row.agency_id, ""),
        )
        for row in rows
    ]


Outcome = tuple[Answer | None, DeliveryFailed | None]


def _call(adapter: Adapter, envelope: Envelope) -> Outcome:
    try:
        return adapter(envelope), None
    except DeliveryFailed as error:
        return None, error


def call_threads() -> int:
    """How many agency calls one worker makes at once (``PISHKHAN_GATEWAY_CALL_THREADS``)."""
    return max(1, int(_setting("PISHKHAN_GATEWAY_CALL_THREADS", CALL_THREADS)))


def _calls(rows: Sequence[OutboundRequest], pick: Callable[[Agency], Adapter]) -> list[Outcome]:
    """Call the agencies, outside any transaction: the in-process adapters one after another, the
    others (over the network) on a pool of threads, so a slow agency holds up one thread, not the batch.

    The threads touch no database: an adapter sees plain data only.
    """
    envelopes = _envelopes(rows)
    outcomes: list[Outcome | None] = [None] * len(rows)
    remote: list[tuple[int, Adapter]] = []
    for index, row in enumerate(rows):
        try:
            adapter = pick(row.agency)
        except DeliveryFailed as error:
            outcomes[index] = (None, error)
            continue
        if getattr(adapter, "in_process", False) or len(rows) == 1:
            outcomes[index] = _call(adapter, envelopes[index])
        else:
            remote.append((index, adapter))
    if remote:
        with ThreadPoolExecutor(max_workers=min(call_threads(), len(remote))) as pool:
            futures = {pool.submit(_call, adapter, envelopes[index]): index for index, adapter in remote}
            for future, index in futures.items():
                outcomes[index] = future.result()
    return [outcome for outcome in outcomes if outcome is not None]


@dataclass
class _Settling:
    """One claimed row on its way to being settled: what changed, to be written with the batch's own."""

    request: OutboundRequest
    attempt: DeliveryAttempt
    request_fields: set[str] = field(default_factory=set)
    attempt_fields: set[str] = field(default_factory=set)
    events: list[tuple[OutboundRequest, str, dict[str, Any] | None]] = field(default_factory=list)


def _settle_one(
    settling: _Settling,
    *,
    answer: Answer | None,
    failure: DeliveryFailed | None,
    now: dt.datetime,
    finished: dt.datetime,
    rng: random.Random,
) -> str:
    """Record in memory how an attempt ended and move its locked row on; the new state.

    What to tell the submitting domain is noted in ``settling.events``; the caller tells it and writes
    the rows' changes, for the whole batch at once, inside its transaction.
    """
    request, attempt = settling.request, settling.attempt
    if attempt.outcome != AttemptOutcome.RUNNING or request.state != OutboundState.IN_FLIGHT:
        # Another worker took the row over (our lease ran out) or a callback settled it first:
        # theirs is the record; ours only notes that it finished late.
        if attempt.outcome == AttemptOutcome.RUNNING:
            attempt.outcome, attempt.finished_at = AttemptOutcome.ABANDONED, finished
            attempt.error = "settled by someone else meanwhile"
            settling.attempt_fields |= {"outcome", "finished_at", "error"}
        return request.state
    attempt.finished_at = finished
    settling.attempt_fields.add("finished_at")
    if answer is not None:
        attempt.outcome, attempt.status_code = AttemptOutcome.ANSWERED, answer.status_code
        settling.attempt_fields |= {"outcome", "status_code"}
        OUTBOUND_TRANSITIONS.check(request.state, OutboundState.DELIVERED)
        request.state, request.delivered_at, request.next_attempt_at = (
            OutboundState.DELIVERED,
            finished,
            None,
        )
        request.last_error, request.payload_sealed = "", ""
        settling.request_fields |= {
            "state", "delivered_at", "next_attempt_at", "last_error", "payload_sealed"
        }  # fmt: skip
        settling.events.append((request, DELIVERED, None))
        if answer.status in FINAL_ANSWERS and request.result_applied_at is None:
            request.result, request.result_applied_at = answer.result, timezone.now()
            settling.request_fields |= {"result", "result_applied_at"}
            settling.events.append((request, RESULT, answer.result))
        return request.state
    if failure is None:
        raise RuntimeError("an attempt ends with an answer or a failure")
    error = failure.error[:ERROR_LENGTH]
    attempt.status_code, attempt.error = failure.status_code, error
    if failure.retryable and request.attempts < max_attempts():
        attempt.outcome = AttemptOutcome.RETRY
        target, next_at = OutboundState.PENDING, now + _retry_delay(request.attempts, rng)
    else:
        attempt.outcome = AttemptOutcome.FAILED
        target, next_at = OutboundState.DEAD, None
    settling.attempt_fields |= {"outcome", "status_code", "error"}
    OUTBOUND_TRANSITIONS.check(request.state, target)
    request.state, request.next_attempt_at, request.last_error = target, next_at, error
    settling.request_fields |= {"state", "next_attempt_at", "last_error"}
    if target == OutboundState.DEAD:
        settling.events.append((request, DEAD, None))
    return request.state


def _settle(
    claimed: Sequence[tuple[OutboundRequest, DeliveryAttempt]],
    outcomes: Sequence[Outcome],
    *,
    now: dt.datetime,
    rng: random.Random,
) -> list[str]:
    """Record how a batch's attempts ended, in one transaction: the rows locked in one statement, each
    moved on, the submitting domain told of the batch's events at once, the changes written in a few
    statements; the new states."""
    with transaction.atomic():
        ids = [row.pk for row, _attempt in claimed]
        # Locked in id order, as every batch locks them, so two settling workers never deadlock.
        requests = {
            row.pk: row
            for row in OutboundRequest.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        attempts = DeliveryAttempt.objects.select_for_update().in_bulk([a.pk for _row, a in claimed])
        finished = timezone.now()
        states, settled = [], []
        for (row, attempt), (answer, failure) in zip(claimed, outcomes, strict=True):
            request = requests[row.pk]
            request.agency = row.agency
            settling = _Settling(request=request, attempt=attempts[attempt.pk])
            states.append(
                _settle_one(settling, answer=answer, failure=failure, now=now, finished=finished, rng=rng)
            )
            settled.append(settling)
        # The submitting domain hears the batch's events at once, in order (events.events_tell).
        events_tell([told for s in settled for told in s.events])
        _rows_save([s.request for s in settled], set().union(*(s.request_fields for s in settled)))
        _rows_save([s.attempt for s in settled], set().union(*(s.attempt_fields for s in settled)))
    return states


def _rows_save(rows: Sequence[Any], fields: set[str]) -> None:
    """Write the changed fields of a batch's rows in one statement (a row not changed is written as it
    is: it is locked, so nobody else changed it meanwhile)."""
    objects_update(rows, fields)


def _settle_each(
    claimed: Sequence[tuple[OutboundRequest, DeliveryAttempt]],
    outcomes: Sequence[Outcome],
    *,
    now: dt.datetime,
    rng: random.Random,
) -> list[str]:
    """Settle a batch row by row, each in its own transaction, when the batch as a whole failed: a
    row whose handler fails stays in flight until its lease runs out (and comes again); the others
    are settled. The error of the first row that failed is raised once the rest are done."""
    states: list[str] = []
    first_error: Exception | None = None
    for pair, outcome in zip(claimed, outcomes, strict=True):
        try:
            states += _settle([pair], [outcome], now=now, rng=rng)
        except Exception as error:  # one row's failure must not keep the others unsettled
            logger.exception("settling outbound request %s failed", pair[0].pk)
            first_error = first_error or error
    if first_error is not None:
        raise first_error
    return states


def outbox_deliver_due(
    *,
    now: dt.datetime,
    limit: int = DELIVER_BATCH,
    adapter_for: Callable[[Agency], Adapter] | None = None,
    rng: random.Random | None = None,
) -> DeliveryReport:
    """Deliver up to ``limit`` requests due at ``now``; failures are retried later, then dead.

    In three steps, no lock held while agencies answer: *claim* the batch under a lease (one short
    transaction), *call* the agencies (the network ones on threads, :func:`call_threads`), *settle*
    the batch (one short transaction; row by row if it fails as a whole).

    ``adapter_for`` picks the adapter of an agency (by default its ``adapter`` field names it);
    ``rng`` draws the retry jitter (a seeded one makes a test's schedule repeatable). Several workers
    may run this at once: each claims different rows.
    """
    limit = max(1, min(int(limit), DELIVER_LIMIT_MAX))
    rng = rng or _system_rng
    pick = adapter_for or (lambda agency: adapter_named(agency.adapter))
    claimed, reclaimed = _claim(now=now, limit=limit)
    if not claimed:
        return DeliveryReport()
    outcomes = _calls([row for row, _attempt in claimed], pick)
    try:
        states = _settle(claimed, outcomes, now=now, rng=rng)
    except Exception:
        logger.warning("settling a batch of %d failed; settling its rows one by one", len(claimed))
        states = _settle_each(claimed, outcomes, now=now, rng=rng)
    return DeliveryReport(
        claimed=len(claimed),
        delivered=states.count(OutboundState.DELIVERED),
        retrying=states.count(OutboundState.PENDING),
        dead=states.count(OutboundState.DEAD),
        reclaimed=reclaimed,
    )


# --- Results --------------------------------------------------------------------------------------


def _event(*, request: OutboundRequest, event: str, result: dict[str, Any] | None = None) -> None:
    """Tell the registered handler what happened to a request, inside the caller's transaction."""
    event_tell(request=request, event=event, result=result)


def _result_apply(*, request: OutboundRequest, result: dict[str, Any]) -> bool:
    """Store the result and tell the handler, unless a result was applied before; whether it was now.

    The caller holds the row's lock (``select_for_update``) inside its transaction.
    """
    if request.result_applied_at is not None:
        return False
    request.result, request.result_applied_at = result, timezone.now()
    request.save(update_fields=["result", "result_applied_at"])
    _event(request=request, event=RESULT, result=result)
    return True


def callback_result_apply(
    *, agency: Agency, request_id: str, result: Mapping[str, Any], actor: Actor
) -> bool:
    """Apply a result an agency sent by callback; ``False`` when one was applied already (no change).

    The signature is checked by the caller. A callback settles the request whatever our own delivery
    thought of it — even pending or dead: the agency did the work.
    """
    if result.get("status") not in FINAL_ANSWERS:
        raise ValidationError("The status must be completed or rejected.", fields={"status": "invalid"})
    with transaction.atomic():
        request = (
            OutboundRequest.objects.select_for_update()
            .filter(agency=agency, idempotency_key=str(request_id or ""))
            .first()
        )
        if request is None:
            raise NotFoundError("There is no such request for this agency.")
        if request.result_applied_at is not None:
            return False
        if request.state != OutboundState.DELIVERED:
            OUTBOUND_TRANSITIONS.check(request.state, OutboundState.DELIVERED)
            request.state, request.delivered_at, request.next_attempt_at = (
                OutboundState.DELIVERED,
                timezone.now(),
                None,
            )
            request.payload_sealed = ""
            request.save(update_fields=["state", "delivered_at", "next_attempt_at", "payload_sealed"])
            _event(request=request, event=DELIVERED)
            # An attempt still running is settled by this callback; its own answer will be ignored.
            DeliveryAttempt.objects.filter(request=request, outcome=AttemptOutcome.RUNNING).update(
                outcome=AttemptOutcome.ANSWERED, finished_at=timezone.now(), error="answered by callback"
            )
        return _result_apply(request=request, result=dict(result))


# --- Replay and secrets ---------------------------------------------------------------------------


def outbox_replay(*, request: OutboundRequest, actor: Actor) -> OutboundRequest:
    """Give a dead request a fresh set of attempts, due at once."""
    with transaction.atomic():
        request = OutboundRequest.objects.select_for_update().get(pk=request.pk)
        OUTBOUND_TRANSITIONS.check(request.state, OutboundState.PENDING)
        before = request.state
        # The attempt counter restarts (the attempt rows stay): a replay is a new chance after a human
        # fixed the cause, and it deserves the whole retry schedule.
        request.state, request.attempts, request.next_attempt_at = OutboundState.PENDING, 0, timezone.now()
        request.save(update_fields=["state", "attempts", "next_attempt_at"])
        audit_record(actor=actor, action="gateway.replay", target=request, before=before, after=request.state)
    return request


def agency_secret_rotate(*, agency: Agency, actor: Actor) -> str:
    """Give an agency a new random shared secret and return it; the old one stops working at once."""
    secret = secrets.token_hex(SECRET_BYTES)
    with transaction.atomic():
        AgencyCredential.objects.update_or_create(
            agency=agency, defaults={"secret_sealed": seal(secret), "rotated_at": timezone.now()}
        )
        # The secret itself never enters the audit log.
        audit_record(actor=actor, action="gateway.secret_rotate", target=agency)
    return secret


def agency_secret_set(*, agency: Agency, secret: str, actor: Actor) -> None:
    """Store a shared secret agreed with the agency by other means (at least 32 characters)."""
    if len(secret or "") < 32 or len(secret) > 128:
        raise ValidationError("A shared secret must be 32 to 128 characters.", fields={"secret": "invalid"})
    with transaction.atomic():
        AgencyCredential.objects.update_or_create(
            agency=agency, defaults={"secret_sealed": seal(secret), "rotated_at": timezone.now()}
        )
        audit_record(actor=actor, action="gateway.secret_set", target=agency)
