"""Importing finished transactions of the past: an office network's history (the demo, a migration).

History is not live traffic. Its transactions are already completed, rejected or failed, so they
never go through the gateway, carry no idempotency key and no sealed identifiers (the agency needs
nothing more from them); each arrives with its whole timed path of events (received → submitted →
final). Like every ``*_many`` service (ADR 0005) it checks every row first, refuses the whole batch
on the first bad row (``rows[17].fee_charged``), and writes with ``pishkhan.common.bulk``: COPY on
PostgreSQL, ``executemany`` on SQLite, through the counter's one writer (``writer.rows_write``). One
audit entry records each import, not each transaction (see ``counter.py`` on why transactions are
not audited one by one).

Speed is the point (a national year is about 100 million transactions), so the per-row check is
plain comparisons with what it needs read once per batch: the services, the tariff in force per
service and day, the citizen keys per national ID. Rows get their primary keys reserved up front so
their events can point at them without reading thousands of rows back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.catalogue.models import Service
from pishkhan.catalogue.selectors import service_list, service_undeliverable_why, tariff_in_force
from pishkhan.common.bulk import ids_reserve, rows_matching
from pishkhan.common.errors import ConflictError, ValidationError
from pishkhan.common.identifiers import mobile_mask, national_id_is_valid, national_id_mask, tracking_code_new
from pishkhan.common.money import MAX_RIALS
from pishkhan.offices.models import Office
from pishkhan.transactions.models import CLERK_MAX, OFFICE_REFERENCE_MAX, CounterTransaction
from pishkhan.transactions.services.checks import no_tariff_message
from pishkhan.transactions.services.citizens import citizen_key
from pishkhan.transactions.services.writer import Event, Rows, row_defaults, rows_ready, rows_write
from pishkhan.transactions.states import FINAL_STATES, TRANSACTION_TRANSITIONS, TransactionState

# Transactions written per COPY / executemany round, with their events: a few MB of rows at a time.
WRITE_CHUNK = 5000
DETAIL_MAX = 500
_MOBILE = re.compile(r"09[0-9]{9}")
_RECEIVED, _SUBMITTED = str(TransactionState.RECEIVED), str(TransactionState.SUBMITTED)
# The paths a finished transaction may have taken, from the transition table: with or without a
# submission to the agency (a delivery that never got through fails straight from "received").
_PATHS: frozenset[tuple[bool, str]] = frozenset(
    {(True, str(s)) for s in FINAL_STATES if TRANSACTION_TRANSITIONS.allows(_SUBMITTED, s)}
    | {(False, str(s)) for s in FINAL_STATES if TRANSACTION_TRANSITIONS.allows(_RECEIVED, s)}
)
_TRACKING_ROUNDS = 10
TRACKING_CODE_SPACE = 9 * 10**10  # 11 digits, the first not 0 (``tracking_code_new``)
# Expected clashes per chunk above which its codes are looked up before writing it.
_LOOKUP_ABOVE = 0.02


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One finished transaction of the past, as an office's records hold it.

    ``national_id`` and ``mobile`` are in their canonical form (ten digits; ``09`` and nine digits):
    history comes from systems that stored them so, not from someone typing. ``submitted_at`` is
    None for a delivery that failed before reaching the agency; ``received_at`` None means it
    reached Pishkhan when the office recorded it; ``detail`` says why it was rejected or failed.
    """

    office: Office
    service: str
    national_id: str
    mobile: str
    fee_charged: int
    office_reference: str
    state: str
    recorded_at: dt.datetime
    finished_at: dt.datetime
    submitted_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    clerk: str = ""
    detail: str = ""


@dataclass(frozen=True)
class HistoryImported:
    """What an import wrote: transactions, their events, and tracking codes drawn again after a clash."""

    transactions: int
    events: int
    codes_redrawn: int = 0


class _RowError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


class _Checker:
    """The per-batch memory of the row check: services, tariffs and citizen keys read once each."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.zone = timezone.get_current_timezone()
        self.services: dict[str, Service] = {s.code: s for s in service_list(include_inactive=True)}
        self.allowed: dict[tuple[str, str], str] = {}  # (kind, service) → "" or why not
        self.tariffs: dict[tuple[int, dt.date], int | None] = {}
        self.citizens: dict[str, tuple[str, str]] = {}  # national ID → (key, mask)
        self.references: set[tuple[int, str]] = set()

    def service(self, office: Office, code: str) -> Service:
        service = self.services.get(code)
        if service is None:
            raise _RowError("service", _("No service has the code %(code)s.") % {"code": code})
        why = self.allowed.get((office.kind, code))
        if why is None:
            why = self.allowed[(office.kind, code)] = service_undeliverable_why(
                service=service, office_kind=office.kind
            )
        if why:
            raise _RowError("service", why)
        return service

    def tariff(self, service: Service, day: dt.date) -> int | None:
        # Per service and day, not per Jalali year: a year's tariff may take effect after Nowruz.
        key = (service.pk, day)
        if key not in self.tariffs:
            tariff = tariff_in_force(service=service, on=day)
            self.tariffs[key] = tariff.total if tariff is not None else None
        return self.tariffs[key]

    def citizen(self, national_id: str) -> tuple[str, str]:
        known = self.citizens.get(national_id)
        if known is None:
            if not isinstance(national_id, str) or not national_id_is_valid(national_id):
                raise _RowError(
                    "national_id", _("Not a valid national ID (ten digits with a correct check digit).")
                )
            known = self.citizens[national_id] = (citizen_key(national_id), national_id_mask(national_id))
        return known

    def moment(self, field: str, value: Any) -> dt.datetime:
        if not isinstance(value, dt.datetime):
            raise _RowError(field, _("Not a date and time."))
        if value.tzinfo is None:
            value = timezone.make_aware(value, self.zone)  # an office's wall clock: Tehran time
        return value

    def text(self, field: str, value: Any, max_length: int, *, required: bool) -> str:
        if not isinstance(value, str):
            raise _RowError(field, _("Must be text."))
        if required and not value.strip():
            raise _RowError(field, _("Required."))
        if len(value) > max_length:
            raise _RowError(field, _("At most %(count)d characters.") % {"count": max_length})
        return value

    def check(self, row: HistoryRow) -> tuple[dict[str, Any], list[Event]]:
        """The transaction's column values (without id and tracking code) and its events."""
        office = row.office
        if not isinstance(office, Office) or office.pk is None:
            raise _RowError("office", _("Not an office of the registry."))
        service = self.service(office, row.service)
        key, masked = self.citizen(row.national_id)
        if not isinstance(row.mobile, str) or not _MOBILE.fullmatch(row.mobile):
            raise _RowError("mobile", _("Not an Iranian mobile number (09 followed by nine digits)."))
        fee = row.fee_charged
        if type(fee) is not int or not 0 <= fee <= MAX_RIALS:
            raise _RowError(
                "fee_charged", _("A whole number of rials, from 0 to %(max)d.") % {"max": MAX_RIALS}
            )
        reference = self.text("office_reference", row.office_reference, OFFICE_REFERENCE_MAX, required=True)
        if (office.pk, reference) in self.references:
            raise _RowError("office_reference", _("The office's reference appears twice in the batch."))
        self.references.add((office.pk, reference))
        clerk = self.text("clerk", row.clerk, CLERK_MAX, required=False)
        detail = self.text("detail", row.detail, DETAIL_MAX, required=False)

        state = row.state
        if state not in FINAL_STATES:
            raise _RowError("state", _("History holds finished transactions: completed, rejected or failed."))
        recorded = self.moment("recorded_at", row.recorded_at)
        received = recorded if row.received_at is None else self.moment("received_at", row.received_at)
        submitted = None if row.submitted_at is None else self.moment("submitted_at", row.submitted_at)
        finished = self.moment("finished_at", row.finished_at)
        if (submitted is not None, state) not in _PATHS:
            raise _RowError("submitted_at", _("Only a failed delivery may lack the time of its submission."))
        if received < recorded:
            raise _RowError("received_at", _("Received before the office recorded it."))
        if submitted is not None and submitted < received:
            raise _RowError("submitted_at", _("Submitted before it was received."))
        if finished < (submitted or received):
            raise _RowError("finished_at", _("Finished before it was submitted."))
        if finished > self.now:
            raise _RowError("finished_at", _("The time lies in the future."))
        tariff = self.tariff(service, recorded.astimezone(self.zone).date())
        if tariff is None:
            raise _RowError("service", no_tariff_message())

        values = {
            "office_id": office.pk,
            "service_id": service.pk,
            "clerk": clerk,
            "office_reference": reference,
            "citizen_key": key,
            "citizen_masked": masked,
            "mobile_masked": mobile_mask(row.mobile),
            "fee_charged": fee,
            "fee_tariff": tariff,
            "state": str(state),
            "recorded_at": recorded,
            "received_at": received,
            "submitted_at": submitted,
            "finished_at": finished,
        }
        events = [("", _RECEIVED, received, "")]
        if submitted is not None:
            events.append((_RECEIVED, _SUBMITTED, submitted, ""))
        events.append((_SUBMITTED if submitted is not None else _RECEIVED, str(state), finished, detail))
        return values, events


def _codes_taken(codes: Sequence[str]) -> set[str]:
    """Which of ``codes`` the database holds already."""
    found = rows_matching(CounterTransaction, columns=["tracking_code"], field="tracking_code", values=codes)
    return {code for (code,) in found}


def _code_new(drawn: set[str]) -> str:
    code = tracking_code_new()
    while code in drawn:
        code = tracking_code_new()
    drawn.add(code)
    return code


def _codes_free(codes: list[str], drawn: set[str]) -> int:
    """Replace those of ``codes`` the database holds already; returns how many were drawn again."""
    redrawn, pending = 0, list(range(len(codes)))
    for _round in range(_TRACKING_ROUNDS):
        taken = _codes_taken([codes[i] for i in pending])
        if not taken:
            return redrawn
        pending = [i for i in pending if codes[i] in taken]
        for i in pending:
            codes[i] = _code_new(drawn)
        redrawn += len(pending)
    raise RuntimeError("no free tracking codes after several draws")  # 10^11 codes: never in practice


def _references_taken(rows: list[dict[str, Any]]) -> set[tuple[int, str]]:
    """Which (office, office's reference) pairs of ``rows`` the database holds already."""
    wanted: dict[int, list[str]] = {}
    for values in rows:
        wanted.setdefault(values["office_id"], []).append(values["office_reference"])
    taken: set[tuple[int, str]] = set()
    for office_id, references in wanted.items():
        found = rows_matching(
            CounterTransaction,
            columns=["office_reference"],
            field="office_reference",
            values=references,
            where={"office_id": office_id},
        )
        taken.update((office_id, reference) for (reference,) in found)
    return taken


def _write_chunk(rows: list[dict[str, Any]], ready: Rows, indexes: range, drawn: set[str]) -> tuple[int, int]:
    """Write one chunk of checked rows (``ready``: them with their events) ; returns (events written,
    codes redrawn).

    A tracking code is 11 random digits: once the table holds millions of rows a chunk of thousands
    meets a stored code more often than not (about 5 per 5,000 rows at 100 million), so codes are
    then looked up before the write. While the table is small a clash is rare and the unique index
    alone catches it: the chunk is rolled back to its savepoint and written again with new codes.
    """
    redrawn = 0
    for attempt in range(_TRACKING_ROUNDS):
        ids = ids_reserve(CounterTransaction, len(rows))
        codes = [_code_new(drawn) for _row in rows]
        # The highest id counts the rows ever written: an upper bound of the codes to meet.
        if attempt or len(rows) * ids[-1] / TRACKING_CODE_SPACE > _LOOKUP_ABOVE:
            redrawn += _codes_free(codes, drawn)
        ready.transactions.fill("tracking_code", codes)
        try:
            with db_transaction.atomic():  # a savepoint: a clash loses this attempt, not the batch
                rows_write(ready, ids=ids)
        except IntegrityError:
            taken = _references_taken(rows)
            if taken:
                index, values = next(
                    (index, values)
                    for index, values in zip(indexes, rows, strict=True)
                    if (values["office_id"], values["office_reference"]) in taken
                )
                message = _("This office already recorded the reference %(reference)s.") % {
                    "reference": values["office_reference"]
                }
                raise ConflictError(
                    _("Row %(row)s: %(detail)s") % {"row": index + 1, "detail": message},
                    fields={f"rows[{index}].office_reference": message},
                ) from None
            continue  # a tracking code taken: by an earlier row, or by a live transaction meanwhile
        return len(ready.events.values), redrawn
    raise RuntimeError("the history chunk clashed on every attempt")


def transactions_history_import(
    *, rows: Sequence[HistoryRow], actor: Actor, now: dt.datetime | None = None
) -> HistoryImported:
    """Write finished transactions of the past with their events, each row checked; all or nothing.

    Checks per row: the service exists, offices of the row's kind may deliver it and the law does not
    prohibit it; the national ID's check digit and the mobile's form; the fee is whole rials from 0
    to ``MAX_RIALS``; the office's reference is given, and new for the office; the state is final
    and its path one the transition table allows; the times are in order and none in the future.
    The tariff in force on the day the office recorded it is stored beside the fee, as for live
    transactions. A bad row refuses the whole batch, naming it (``rows[17].fee_charged``). Not sent
    to the gateway: history is already finished.
    """
    if not rows:
        return HistoryImported(transactions=0, events=0)
    now = now or timezone.now()
    checker = _Checker(now)
    checked: list[dict[str, Any]] = []
    paths: list[list[Event]] = []
    check = checker.check
    for index, row in enumerate(rows):
        try:
            values, events = check(row)
        except _RowError as error:
            raise ValidationError(
                _("Row %(row)s: %(detail)s") % {"row": index + 1, "detail": error.message},
                fields={f"rows[{index}].{error.field}": error.message},
            ) from None
        except AttributeError:
            message = _("Not a history row.")
            raise ValidationError(
                _("Row %(row)s: %(detail)s") % {"row": index + 1, "detail": message},
                fields={f"rows[{index}]": message},
            ) from None
        checked.append(values)
        paths.append(events)

    # Columns this service does not set (added since) get their model defaults; the key and the
    # tracking code are filled in at the write.
    defaults = row_defaults() | {"tracking_code": ""}
    events_written = redrawn = 0
    drawn: set[str] = set()
    with db_transaction.atomic():
        for start in range(0, len(checked), WRITE_CHUNK):
            stop = start + WRITE_CHUNK
            chunk = checked[start:stop]
            ready = rows_ready([defaults | values for values in chunk], paths[start:stop])
            written, again = _write_chunk(chunk, ready, range(start, min(stop, len(checked))), drawn)
            events_written += written
            redrawn += again
        first, last = min(v["recorded_at"] for v in checked), max(v["finished_at"] for v in checked)
        audit_record(
            actor=actor,
            action="transactions.history_import",
            after={
                "transactions": len(checked),
                "events": events_written,
                "offices": len({v["office_id"] for v in checked}),
                "from": first,
                "to": last,
            },
        )
    return HistoryImported(transactions=len(checked), events=events_written, codes_redrawn=redrawn)
