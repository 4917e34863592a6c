"""The one writer of counter transactions: the single POST (the API's and the fast lane's), the
batch and the history import all write their rows here.

- :func:`transaction_write`: one new transaction with its first event and its gateway submission.
  The hot path of every counter request, so written without the ORM: on PostgreSQL one prepared
  statement (``common.prepared``) whose rows are data-modifying CTEs, optionally re-checking its
  caller first (:class:`Guard`); elsewhere the guard's SELECT and three INSERTs in one transaction.
- :func:`rows_ready` and :func:`rows_write`: many transactions with their events (and, for live
  ones, their submissions) in bulk (COPY on PostgreSQL), made ready before the write transaction
  opens and given their keys inside it (``common.bulk``), so that their events need no read-back.

Each table is written by its owner: the gateway's outbox rows by the gateway's own INSERT
(``gateway.services.submission_insert_sql``, composed into the statement; ``submissions_insert``
in bulk); this module names only the transactions' tables.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db import transaction as db_transaction
from django.db.models import Model

from pishkhan.catalogue.models import Service
from pishkhan.common import prepared
from pishkhan.common.bulk import Ready, ids_reserve, insert_ready, moment_adapter
from pishkhan.common.bulk import rows_ready as bulk_rows_ready
from pishkhan.common.identifiers import mobile_mask, national_id_mask, tracking_code_new
from pishkhan.common.sealing import seal
from pishkhan.common.writes import writer_turn
from pishkhan.gateway.services import (
    SUBMISSION_COLUMNS,
    submission_insert_sql,
    submission_row,
    submissions_insert,
    submissions_ready,
)
from pishkhan.offices.models import Office
from pishkhan.transactions.models import CounterTransaction, TransactionEvent, fees_differ
from pishkhan.transactions.services.checks import Checked
from pishkhan.transactions.services.citizens import citizen_key
from pishkhan.transactions.states import TransactionState


class NewTransaction(NamedTuple):
    """A transaction about to be written (``row_new``): its fields by the model's names, its office and
    service as read. Not a model instance, which would cost more than the rest of the row on the
    counter's hot path; ``answers.transaction_answer`` and :func:`submission_payload` read either."""

    tracking_code: str
    office: Office
    service: Service
    clerk: str
    office_reference: str
    citizen_key: str
    citizen_masked: str
    mobile_masked: str
    mobile_sealed: str
    fee_charged: int
    fee_tariff: int | None
    state: str
    recorded_at: dt.datetime
    received_at: dt.datetime

    @property
    def fee_differs(self) -> bool:
        return fees_differ(self.fee_charged, self.fee_tariff)

    def row(self) -> dict[str, Any]:
        """The values of its row, by column (the rest take the model's defaults)."""
        values = self._asdict()
        values["office_id"] = values.pop("office").pk
        values["service_id"] = values.pop("service").pk
        return values


def row_new(office: Office, checked: Checked, now: dt.datetime) -> NewTransaction:
    """A new transaction (unwritten) as checked: the citizen hashed, masked, the mobile sealed."""
    return NewTransaction(
        tracking_code=tracking_code_new(),
        office=office,
        service=checked.service,
        clerk=checked.clerk,
        office_reference=checked.office_reference,
        citizen_key=citizen_key(checked.national_id),
        citizen_masked=national_id_mask(checked.national_id),
        mobile_masked=mobile_mask(checked.mobile),
        mobile_sealed=seal(checked.mobile),
        fee_charged=checked.fee_charged,
        fee_tariff=checked.fee_tariff,
        state=TransactionState.RECEIVED,
        recorded_at=checked.recorded_at,
        received_at=now,
    )


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


def submission_new(created: NewTransaction, *, national_id: str, mobile: str) -> dict[str, Any]:
    """The gateway's row of a new transaction's submission: to its service's agency, under its
    tracking code, sealed (``gateway.services.submission_row``)."""
    return submission_row(
        agency=created.service.agency,
        idempotency_key=created.tracking_code,
        payload=submission_payload(created, national_id=national_id, mobile=mobile),
        now=created.received_at,
    )


def recorded_as(office: Office, reference: str) -> str | None:
    """The tracking code of the office's transaction with this reference, if it recorded one."""
    return (
        CounterTransaction.objects.filter(office=office, office_reference=reference)
        .values_list("tracking_code", flat=True)
        .first()
    )


# --- One transaction ------------------------------------------------------------------------------


class Guard(NamedTuple):
    """A condition the write re-checks in the database, in the same statement: a ``SELECT`` that
    yields one row (its first column, the key's ``last_used_at``) while the caller may still write.

    The counter's fast lane knows its caller from an earlier request; the guard re-reads what may have
    changed since (the key revoked, the office closed or converted, its licence suspended).
    """

    sql: str
    params: list[Any]


class GuardRefused(Exception):
    """The guard yielded no row: nothing was written; the caller must take the long way."""


# The columns the single write fills, in the order of its parameters. The event takes
# "transaction_id" from the transaction's INSERT.
_TRANSACTION_COLUMNS = (
    "tracking_code", "office_id", "service_id", "clerk", "office_reference", "citizen_key",
    "citizen_masked", "mobile_masked", "mobile_sealed", "fee_charged", "fee_tariff", "state",
    "recorded_at", "received_at", "agency_reference", "idempotency_key", "request_fingerprint",
)  # fmt: skip
_EVENT_COLUMNS = ("transaction_id", "from_state", "to_state", "at", "detail")


@functools.cache
def _write_statements(vendor: str, guard: str) -> tuple[str, ...]:
    """The SQL of :func:`transaction_write`, built once per process: names from our models (the
    submission's from the gateway), values as parameters.

    PostgreSQL: one statement, each row a data-modifying CTE (one statement is atomic by itself); with
    a guard, the transaction and its submission are inserted only for the guard's row. Elsewhere:
    the guard's SELECT (if any), then three INSERTs, the first returning the transaction's id.
    """
    quote = connection.ops.quote_name
    postgres = vendor == "postgresql"

    def insert(model: type[Model], columns: tuple[str, ...], *, linked: bool = False) -> str:
        names = ", ".join(quote(column) for column in columns)
        holders = ", ".join(["%s"] * (len(columns) - linked))
        table = quote(model._meta.db_table)
        if linked and postgres:
            return f"INSERT INTO {table} ({names}) SELECT id, {holders} FROM tx"  # noqa: S608
        if linked:
            return f"INSERT INTO {table} ({names}) VALUES (%s, {holders})"  # noqa: S608
        if guard and postgres:
            return f"INSERT INTO {table} ({names}) SELECT {holders} FROM guard"  # noqa: S608
        return f"INSERT INTO {table} ({names}) VALUES ({holders})"  # noqa: S608

    transaction = insert(CounterTransaction, _TRANSACTION_COLUMNS)
    submission = submission_insert_sql(rows_from="guard" if guard and postgres else "")
    event = insert(TransactionEvent, _EVENT_COLUMNS, linked=True)
    if postgres:
        ctes = f"tx AS ({transaction} RETURNING id), ob AS ({submission}), ev AS ({event})"
        if guard:
            return (f"WITH guard AS ({guard}), {ctes} SELECT tx.id, guard.* FROM tx, guard",)  # noqa: S608
        return (f"WITH {ctes} SELECT id FROM tx",)  # noqa: S608
    return (guard, f"{transaction} RETURNING id", submission, event)


def transaction_write(
    created: NewTransaction,
    *,
    national_id: str,
    mobile: str,
    key: str,
    fingerprint: str,
    guard: Guard | None = None,
) -> tuple[int, tuple[Any, ...]]:
    """Store a new transaction (with its request's idempotency key and fingerprint), its first event
    and its gateway submission (which carries the citizen's full identifiers, sealed); the
    transaction's id and the guard's row.

    ``IntegrityError`` (nothing stored) when the office's reference, the key or the tracking code is
    taken. With a ``guard``: ``GuardRefused`` (nothing stored) when it yields no row. Inside a caller's
    transaction, a savepoint keeps a clash from spoiling it.
    """
    db = connections[DEFAULT_DB_ALIAS]  # looked up once, not through the proxy at every use
    moment = moment_adapter(db)  # most of the row's times are `now`: adapted once

    def db_value(value: Any) -> Any:
        return moment(value) if isinstance(value, dt.datetime) else value

    now = moment(created.received_at)
    submission = submission_new(created, national_id=national_id, mobile=mobile)
    row = created.row() | {"agency_reference": "", "idempotency_key": key, "request_fingerprint": fingerprint}
    transaction = [db_value(row[column]) for column in _TRANSACTION_COLUMNS]
    outbox = [db_value(submission[column]) for column in SUBMISSION_COLUMNS]
    event = ["", TransactionState.RECEIVED, now, ""]
    statements = _write_statements(db.vendor, guard.sql if guard else "")
    guard_params = guard.params if guard else []
    if len(statements) == 1:
        with db_transaction.atomic() if db.in_atomic_block else nullcontext():
            found = prepared.rows(statements[0], [*guard_params, *transaction, *outbox, *event], db=db)
        if not found:
            raise GuardRefused
        return found[0][0], found[0][1:]
    select_guard, insert_transaction, insert_submission, insert_event = statements
    # A caller inside its own transaction holds the database already: no turn to take (it would wait
    # on writers who wait on it).
    with writer_turn(db) if not db.in_atomic_block else nullcontext(), prepared.transaction(db):
        guarded: tuple[Any, ...] = ()
        if guard is not None:
            found = prepared.rows(select_guard, guard_params, db=db)
            if not found:
                raise GuardRefused
            guarded = found[0]
        pk = prepared.rows(insert_transaction, transaction, db=db)[0][0]
        prepared.rows(insert_submission, outbox, db=db)
        prepared.rows(insert_event, [pk, *event], db=db)
    return pk, guarded


# --- Many transactions ----------------------------------------------------------------------------

# An event of a transaction written in bulk: (from state, to state, at, detail).
Event = tuple[str, str, dt.datetime, str]


class Rows(NamedTuple):
    """Transactions made ready to write in bulk, with their events and their submissions (live
    transactions; none for history), all but the transactions' keys (reserved in the write)."""

    transactions: Ready
    events: Ready
    owners: list[int]  # for each event, the index of its transaction
    submissions: Ready | None


def row_defaults() -> dict[str, Any]:
    """Every column of a transaction row at its model default (the key ``None``), for rows in bulk
    that give only some."""
    return {
        field.attname: None if field.primary_key else field.get_default()
        for field in CounterTransaction._meta.concrete_fields
    }


def rows_ready(
    transactions: Sequence[dict[str, Any]],
    events: Sequence[Sequence[Event]],
    submissions: Sequence[dict[str, Any]] | None = None,
) -> Rows:
    """Transactions (every column, by attribute name, the key ``None``), each with its events and its
    submission's row (``submission_new``), made ready for :func:`rows_write` before the write
    transaction opens: on SQLite, whose writers queue on one lock, the lock is then held only for the
    writes."""
    owners = [index for index, path in enumerate(events) for _event in path]
    event_rows = [
        {"transaction_id": None, "from_state": src, "to_state": dst, "at": at, "detail": detail}
        for path in events
        for src, dst, at, detail in path
    ]
    return Rows(
        bulk_rows_ready(CounterTransaction, transactions),
        bulk_rows_ready(TransactionEvent, event_rows),
        owners,
        submissions_ready(submissions) if submissions is not None else None,
    )


def rows_write(rows: Rows, *, ids: list[int] | None = None) -> list[int]:
    """Write rows made ready by :func:`rows_ready`, their transactions' keys reserved now (or ``ids``,
    reserved by the caller in this transaction); the keys. Call it in the write transaction.
    ``IntegrityError`` when a reference, a tracking code or a submission's key is taken."""
    if ids is None:
        ids = ids_reserve(CounterTransaction, len(rows.transactions.values))
    rows.transactions.fill("id", ids)
    rows.events.fill("transaction_id", [ids[index] for index in rows.owners])
    insert_ready(rows.transactions)
    insert_ready(rows.events)
    if rows.submissions is not None:
        submissions_insert(rows.submissions)
    return ids
