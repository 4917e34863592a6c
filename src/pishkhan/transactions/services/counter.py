"""Every write of counter transactions: recording one or a batch, advancing a state, heartbeats.

Audit: a counter transaction is deliberately *not* written to the audit chain. Every audit entry
locks the chain's single head row, so one entry per transaction would serialise every office of the
country on that row; each transaction's history is its own ``TransactionEvent`` rows instead. Only
exceptional events (a correction by an official, say) belong in the audit chain.

Idempotency: a request's first successful answer is stored under (office, ``Idempotency-Key``) and
returned again for a retry with the same body; refusals are not stored (nothing was created, and a
retry is checked afresh, so it succeeds once the office is reopened, for instance).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections
from django.db import transaction as db_transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from pishkhan.audit.selectors import audit_entry_list_for_target
from pishkhan.catalogue.models import Agency, OutsourcingStatus, Service, Tariff
from pishkhan.catalogue.selectors import service_get, tariff_in_force
from pishkhan.common import prepared
from pishkhan.common.bulk import moment_adapter
from pishkhan.common.calendar import to_tehran
from pishkhan.common.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from pishkhan.common.identifiers import (
    mobile_clean,
    mobile_mask,
    national_id_clean,
    national_id_mask,
    tracking_code_new,
)
from pishkhan.common.money import rials_check
from pishkhan.common.sealing import seal
from pishkhan.common.writes import writer_turn
from pishkhan.gateway.models import OutboundRequest
from pishkhan.gateway.services import submission_row
from pishkhan.licensing.selectors import office_may_transact
from pishkhan.licensing.services import licence_signal
from pishkhan.offices.models import Office
from pishkhan.offices.states import OfficeStatus
from pishkhan.transactions.models import (
    CLERK_MAX,
    IDEMPOTENCY_KEY_MAX,
    OFFICE_REFERENCE_MAX,
    SOFTWARE_VERSION_MAX,
    TERMINAL_ID_MAX,
    CounterTransaction,
    Heartbeat,
    OfficeLiveness,
    TransactionEvent,
    fees_differ,
)
from pishkhan.transactions.services.delivery import state_change, submission_payload
from pishkhan.transactions.states import TransactionState

# Offices' clocks drift; a few minutes ahead is a clock, more is a mistake.
CLOCK_SKEW = dt.timedelta(minutes=5)
# Store-and-forward covers a link down for days, not a backlog of months.
RECORDED_MAX_AGE = dt.timedelta(days=30)
# The named derivation of the citizen-key's HMAC key from SECRET_KEY (Django's salted_hmac); rotating
# SECRET_KEY makes old keys unmatchable, so rotate it with a re-keying, never alone.
CITIZEN_KEY_SALT = "pishkhan.transactions.citizen_key"
TRACKING_ATTEMPTS = 5


def citizen_key(national_id: str) -> str:
    """The keyed hash of a (clean) national ID: equal IDs match, the ID cannot be read back.

    Django's ``salted_hmac(CITIZEN_KEY_SALT, national_id, algorithm="sha256")``, with the key it derives
    from the salt and ``SECRET_KEY`` kept, keyed once, instead of derived and keyed again for every
    transaction.
    """
    keyed = _citizen_hmac(settings.SECRET_KEY).copy()
    keyed.update(national_id.encode())
    return keyed.hexdigest()


@functools.cache
def _citizen_hmac(secret_key: str) -> hmac.HMAC:
    """An HMAC-SHA256 keyed for citizen keys and fed nothing: each key is computed on a copy."""
    key = hashlib.sha256((CITIZEN_KEY_SALT + secret_key).encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def request_fingerprint(body: Any) -> str:
    """sha256 of a request body as canonical JSON (sorted keys, no spaces), to tell a retry from a reuse."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class NewTransaction(NamedTuple):
    """A transaction about to be written (``row_new``): its fields by the model's names, its office and
    service as read. Not a model instance, which would cost more than the rest of the row on the
    counter's hot path; ``transaction_answer`` and ``submission_payload`` read either."""

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


class Recorded:
    """What recording a transaction did: the transaction, whether it is new, and the answer to send."""

    __slots__ = ("_transaction", "_written", "answer", "created", "guarded", "status")

    def __init__(
        self,
        transaction: CounterTransaction | NewTransaction,
        created: bool,
        status: int,
        answer: dict[str, Any],
        guarded: tuple[Any, ...] = (),  # the guard's row (see Guard), when the write had one
        *,
        pk: int | None = None,  # for a NewTransaction: its id, and its request's key and fingerprint
        key: str = "",
        fingerprint: str = "",
    ) -> None:
        self.created, self.status, self.answer, self.guarded = created, status, answer, guarded
        self._transaction = transaction if isinstance(transaction, CounterTransaction) else None
        self._written = (transaction, pk, key, fingerprint)

    @property
    def transaction(self) -> CounterTransaction:
        """The transaction as stored (a new one becomes a model instance only when asked for)."""
        if self._transaction is None:
            new, pk, key, fingerprint = cast(tuple[NewTransaction, int, str, str], self._written)
            stored = CounterTransaction(
                pk=pk, idempotency_key=key, request_fingerprint=fingerprint, **new._asdict()
            )
            stored._state.adding = False
            self._transaction = stored
        return self._transaction


@dataclass
class Checked:
    service: Service
    national_id: str
    mobile: str
    fee_charged: int
    fee_tariff: int | None
    clerk: str
    office_reference: str
    recorded_at: dt.datetime


def transaction_answer(transaction: CounterTransaction | NewTransaction) -> dict[str, Any]:
    """The answer an office's system gets for a recorded transaction (identifiers masked), in the
    API's JSON form and field order, so that it is stored, replayed and sent as the same bytes."""
    return {
        "tracking_code": transaction.tracking_code,
        "state": transaction.state,
        "office": transaction.office.code,
        "service": transaction.service.code,
        "office_reference": transaction.office_reference,
        "clerk": transaction.clerk,
        "citizen": transaction.citizen_masked,
        "mobile": transaction.mobile_masked,
        "fee_charged": transaction.fee_charged,
        "fee_tariff": transaction.fee_tariff,
        "fee_differs": transaction.fee_differs,
        "recorded_at": _json_time(transaction.recorded_at),
        "received_at": _json_time(transaction.received_at),
    }


_json_time = DjangoJSONEncoder().default  # the API's form of a time (milliseconds, "Z" for UTC)


def office_operational_check(office: Office) -> None:
    """Raise ``PermissionDeniedError`` (with the reason) unless the office may serve now.

    The office must be open in the registry and, for the kinds the regulator licenses, hold an active
    licence (suspended, expired, revoked or never activated: refused, saying which).
    """
    if office.status != OfficeStatus.ACTIVE:
        change = audit_entry_list_for_target(target=office).filter(action="office.set_status").last()
        reason = change.reason if change is not None else ""
        if office.status == OfficeStatus.SUSPENDED:
            detail = _("Office %(code)s is suspended and may not record transactions.")
        else:
            detail = _("Office %(code)s is closed and may not record transactions.")
        detail %= {"code": office.code}
        if reason:
            detail += " " + _("Reason: %(reason)s") % {"reason": reason}
        raise PermissionDeniedError(detail)
    may, why = office_may_transact(office=office)
    if not may:
        raise PermissionDeniedError(why)


def _text(values: Mapping[str, Any], name: str, *, max_length: int, required: bool) -> str:
    value = values.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("%(field)s must be text.") % {"field": name}, fields={name: _("not text")})
    value = value.strip()
    if required and not value:
        raise ValidationError(_("%(field)s is required.") % {"field": name}, fields={name: _("required")})
    if len(value) > max_length:
        message = _("At most %(count)d characters.") % {"count": max_length}
        raise ValidationError(message, fields={name: message})
    return value


class Lookups:
    """Services and tariffs as read from the catalogue, each once, however many requests name them."""

    def __init__(self) -> None:
        self.services: dict[str, Service] = {}
        self.tariffs: dict[tuple[int, dt.date], int | None] = {}
        self.read_at = time.monotonic()

    def service(self, code: str) -> Service:
        # Only services found are kept: a code unknown now may be published a moment later.
        if code not in self.services:
            self.services[code] = service_get(code=code)
        return self.services[code]

    def tariff_total(self, service: Service, on: dt.date) -> int | None:
        if (service.pk, on) not in self.tariffs:
            tariff = tariff_in_force(service=service, on=on)
            self.tariffs[service.pk, on] = tariff.total if tariff is not None else None
        return self.tariffs[service.pk, on]


# Services and tariffs change a few times a year, and every transaction reads them: each server process
# keeps what it read for a minute. A change made in this process clears it at once (the signals
# below); another process sees it within LOOKUP_SECONDS.
LOOKUP_SECONDS = 60.0
_shared_lookups = Lookups()


def lookups_shared() -> Lookups:
    global _shared_lookups
    if time.monotonic() - _shared_lookups.read_at > LOOKUP_SECONDS:
        _shared_lookups = Lookups()
    return _shared_lookups


@receiver([post_save, post_delete], sender=Service)
@receiver([post_save, post_delete], sender=Tariff)
@receiver([post_save, post_delete], sender=Agency)
def _catalogue_changed(**kwargs: Any) -> None:
    global _shared_lookups
    _shared_lookups = Lookups()


def _service_clean(office: Office, code: Any, lookups: Lookups) -> Service:
    if not isinstance(code, str) or not code.strip():
        raise ValidationError(_("The service is required."), fields={"service": _("required")})
    try:
        service = lookups.service(code)
    except NotFoundError as error:
        raise ValidationError(error.detail, fields={"service": _("unknown service")}) from None
    if not service.active:
        message = _("This service is no longer offered.")
        raise ValidationError(message, fields={"service": message})
    if service.outsourcing == OutsourcingStatus.PROHIBITED:
        message = _("The law does not allow this service to be delivered by offices.")
        raise ValidationError(message, fields={"service": message})
    if office.kind not in service.office_kinds:
        message = _("Offices of this kind may not deliver this service.")
        raise ValidationError(message, fields={"service": message})
    return service


def _recorded_at_clean(value: Any, now: dt.datetime) -> dt.datetime:
    if value is None or value == "":
        return now
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            message = _("Not a date and time (ISO 8601).")
            raise ValidationError(message, fields={"recorded_at": message})
        value = parsed
    if not isinstance(value, dt.datetime):
        message = _("Not a date and time (ISO 8601).")
        raise ValidationError(message, fields={"recorded_at": message})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)  # the office's wall clock: Tehran time
    if value > now + CLOCK_SKEW:
        message = _("The time the office recorded lies in the future.")
        raise ValidationError(message, fields={"recorded_at": message})
    if value < now - RECORDED_MAX_AGE:
        message = _("The time the office recorded is more than %(days)d days old.") % {
            "days": RECORDED_MAX_AGE.days
        }
        raise ValidationError(message, fields={"recorded_at": message})
    return value


def transaction_check(
    office: Office, values: Mapping[str, Any], now: dt.datetime, lookups: Lookups
) -> Checked:
    """Every rule of one transaction; a ``ValidationError`` naming every bad field at once.

    Each field is checked in turn, its refusal noted and the next checked anyway (straight calls, no
    closure per field: a batch checks a thousand items).
    """
    errors: dict[str, list[str]] = {}
    service = _field(errors, "service", _service_clean, office, values.get("service"), lookups)
    national_id = _field(errors, "national_id", _national_id_field, values)
    mobile = _field(errors, "mobile", _mobile_field, values)
    fee_charged = _field(errors, "fee_charged", rials_check, values.get("fee_charged"), field="fee_charged")
    clerk = _field(errors, "clerk", _text, values, "clerk", max_length=CLERK_MAX, required=False)
    office_reference = _field(
        errors, "office_reference", _text, values, "office_reference",
        max_length=OFFICE_REFERENCE_MAX, required=True,
    )  # fmt: skip
    recorded_at = _field(errors, "recorded_at", _recorded_at_clean, values.get("recorded_at"), now)
    if errors:
        raise ValidationError(_("The transaction is not valid; see errors."), fields=errors)
    # The tariff in force on the day the office recorded it, in Tehran (whatever the request's zone).
    fee_tariff = lookups.tariff_total(service, to_tehran(recorded_at).date())
    return Checked(
        service=service,
        national_id=national_id,
        mobile=mobile,
        fee_charged=fee_charged,
        fee_tariff=fee_tariff,
        clerk=clerk,
        office_reference=office_reference,
        recorded_at=recorded_at,
    )


def _field(
    errors: dict[str, list[str]], name: str, check: Callable[..., Any], *args: Any, **kwargs: Any
) -> Any:
    """``check(*args, **kwargs)``, or its refusal noted in ``errors`` (under the fields it names, else
    ``name``) and ``None``."""
    try:
        return check(*args, **kwargs)
    except ValidationError as error:
        for field_name, messages in (error.fields or {name: [error.detail]}).items():
            errors.setdefault(field_name, []).extend(messages)
        return None


def _national_id_field(values: Mapping[str, Any]) -> str:
    return national_id_clean(_text(values, "national_id", max_length=40, required=True))


def _mobile_field(values: Mapping[str, Any]) -> str:
    return mobile_clean(_text(values, "mobile", max_length=40, required=True))


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


def recorded_as(office: Office, reference: str) -> str | None:
    """The tracking code of the office's transaction with this reference, if it recorded one."""
    return (
        CounterTransaction.objects.filter(office=office, office_reference=reference)
        .values_list("tracking_code", flat=True)
        .first()
    )


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


# The columns the counter's single write fills, in the order of its parameters. The rows that point at
# the transaction take "transaction_id" from its INSERT.
_TRANSACTION_COLUMNS = (
    "tracking_code", "office_id", "service_id", "clerk", "office_reference", "citizen_key",
    "citizen_masked", "mobile_masked", "mobile_sealed", "fee_charged", "fee_tariff", "state",
    "recorded_at", "received_at", "agency_reference", "idempotency_key", "request_fingerprint",
)  # fmt: skip
_EVENT_COLUMNS = ("transaction_id", "from_state", "to_state", "at", "detail")


@functools.cache
def _write_statements(vendor: str, submission_columns: tuple[str, ...], guard: str) -> tuple[str, ...]:
    """The SQL of :func:`_write`, built once per process: names from our models, values as parameters.

    PostgreSQL: one statement, each row a data-modifying CTE (one statement is atomic by itself); with
    a guard, the transaction and its submission are inserted only for the guard's row. Elsewhere:
    the guard's SELECT (if any), then three INSERTs, the first returning the transaction's id.
    """
    quote = connection.ops.quote_name

    def insert(model: type[Model], columns: tuple[str, ...], *, linked: bool = False) -> str:
        names = ", ".join(quote(column) for column in columns)
        holders = ", ".join(["%s"] * (len(columns) - linked))
        table = quote(model._meta.db_table)
        if linked and vendor == "postgresql":
            return f"INSERT INTO {table} ({names}) SELECT id, {holders} FROM tx"  # noqa: S608
        if linked:
            return f"INSERT INTO {table} ({names}) VALUES (%s, {holders})"  # noqa: S608
        if guard and vendor == "postgresql":
            return f"INSERT INTO {table} ({names}) SELECT {holders} FROM guard"  # noqa: S608
        return f"INSERT INTO {table} ({names}) VALUES ({holders})"  # noqa: S608

    transaction = insert(CounterTransaction, _TRANSACTION_COLUMNS)
    submission = insert(OutboundRequest, submission_columns)
    event = insert(TransactionEvent, _EVENT_COLUMNS, linked=True)
    if vendor == "postgresql":
        ctes = f"tx AS ({transaction} RETURNING id), ob AS ({submission}), ev AS ({event})"
        if guard:
            return (f"WITH guard AS ({guard}), {ctes} SELECT tx.id, guard.* FROM tx, guard",)  # noqa: S608
        return (f"WITH {ctes} SELECT id FROM tx",)  # noqa: S608
    return (guard, f"{transaction} RETURNING id", submission, event)


def _write(
    created: NewTransaction,
    checked: Checked,
    *,
    key: str,
    fingerprint: str,
    guard: Guard | None = None,
) -> tuple[int, tuple[Any, ...]]:
    """Store a new transaction (with its request's idempotency key), its first event and its gateway
    submission; the transaction's id and the guard's row.

    The hot path of every counter request, so written without the ORM, in one prepared statement on
    PostgreSQL (``common.prepared``). ``IntegrityError`` (nothing stored) when the office's reference,
    the key or the tracking code is taken. With a ``guard``: ``GuardRefused`` (nothing stored) when it
    yields no row.
    """
    db = connections[DEFAULT_DB_ALIAS]  # looked up once, not through the proxy at every use
    moment = moment_adapter(db)  # most of the row's times are `now`: adapted once

    def db_value(value: Any) -> Any:
        return moment(value) if isinstance(value, dt.datetime) else value

    now = moment(created.received_at)
    submission = submission_row(
        agency=checked.service.agency,
        idempotency_key=created.tracking_code,
        payload=submission_payload(created, national_id=checked.national_id, mobile=checked.mobile),
        now=created.received_at,
    )
    row = created.row() | {"agency_reference": "", "idempotency_key": key, "request_fingerprint": fingerprint}
    transaction = [db_value(row[column]) for column in _TRANSACTION_COLUMNS]
    outbox = [db_value(value) for value in submission.values()]
    event = ["", TransactionState.RECEIVED, now, ""]
    statements = _write_statements(db.vendor, tuple(submission), guard.sql if guard else "")
    guard_params = guard.params if guard else []
    if len(statements) == 1:
        # One statement is atomic; inside a caller's transaction, a savepoint keeps a clash from
        # spoiling it.
        with db_transaction.atomic() if db.in_atomic_block else nullcontext():
            found = prepared.rows(statements[0], [*guard_params, *transaction, *outbox, *event], db=db)
        if not found:
            raise GuardRefused
        return found[0][0], found[0][1:]
    select_guard, insert_transaction, insert_submission, insert_event = statements
    with writer_turn(db), prepared.transaction(db):
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


def idempotency_key_clean(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX:
        message = _("Send an Idempotency-Key header of 1 to %(count)d characters.") % {
            "count": IDEMPOTENCY_KEY_MAX
        }
        raise ValidationError(message, fields={"Idempotency-Key": message})
    return key


def _replay(office: Office, key: str, fingerprint: str) -> Recorded | None:
    """The first answer to the request with this key, if the office made one; ``ConflictError`` when
    the key came with another body."""
    found = (
        CounterTransaction.objects.select_related("office", "service")
        .filter(office=office, idempotency_key=key)
        # The partial unique index's own condition (``transactions_request_key_unique``), always true of
        # a clean key: SQLite uses a partial index only for a query that states it. Without it, a retry
        # read every transaction of its office.
        .exclude(idempotency_key="")
        .first()
    )
    if found is None:
        return None
    if found.request_fingerprint != fingerprint:
        raise ConflictError(
            _("This Idempotency-Key was already used for a different request; use a new key for a new one.")
        )
    # The answer as first given: every transaction was answered when it was received.
    return Recorded(found, False, 201, transaction_answer(found) | {"state": TransactionState.RECEIVED})


def transaction_record(
    *,
    office: Office,
    service_code: str,
    national_id: str,
    mobile: str,
    fee_charged: int,
    office_reference: str,
    clerk: str = "",
    recorded_at: dt.datetime | str | None = None,
    idempotency_key: str,
    request_fingerprint: str,
    actor: Any,
) -> Recorded:
    """Record one transaction an office performed, once per ``idempotency_key``; returns its answer.

    A retry with the same key and fingerprint returns the first answer and creates nothing; the same
    key with another fingerprint is a ``ConflictError``; an office's reference used before is one too.
    The fee is stored as charged, beside the tariff in force when the office recorded it.
    """
    key = idempotency_key_clean(idempotency_key)
    now = timezone.now()
    values = {
        "service": service_code,
        "national_id": national_id,
        "mobile": mobile,
        "fee_charged": fee_charged,
        "clerk": clerk,
        "office_reference": office_reference,
        "recorded_at": recorded_at,
    }
    try:
        office_operational_check(office)
        checked = transaction_check(office, values, now, lookups_shared())
    except ApplicationError:
        # A retry of a request answered before gets that answer, whatever changed since.
        replayed = _replay(office, key, request_fingerprint)
        if replayed is not None:
            return replayed
        raise
    return transaction_record_checked(
        office=office, checked=checked, key=key, fingerprint=request_fingerprint, now=now
    )


def transaction_record_checked(
    *,
    office: Office,
    checked: Checked,
    key: str,
    fingerprint: str,
    now: dt.datetime,
    guard: Guard | None = None,
) -> Recorded:
    """Write a transaction whose office and content are checked; its answer, or the first answer.

    Insert first and read only on a clash: the unique (office, reference) and (office, key) make a
    concurrent identical request wait for this one's commit, fail, and answer as this one did.
    ``guard``: see :class:`Guard`; ``GuardRefused`` when it refuses (then nothing was written).
    """
    for _attempt in range(TRACKING_ATTEMPTS):
        created = row_new(office, checked, now)
        answer = transaction_answer(created)
        try:
            pk, guarded = _write(created, checked, key=key, fingerprint=fingerprint, guard=guard)
        except IntegrityError:
            replayed = _replay(office, key, fingerprint)  # ConflictError for another body
            if replayed is not None:
                return replayed
            taken = recorded_as(office, checked.office_reference)
            if taken is not None:
                raise ConflictError(
                    _("This office already recorded the reference %(reference)s (tracking code %(code)s).")
                    % {"reference": checked.office_reference, "code": taken},
                    fields={"office_reference": _("already recorded")},
                ) from None
            continue  # the rare clash of a random tracking code: draw another
        return Recorded(created, True, 201, answer, guarded, pk=pk, key=key, fingerprint=fingerprint)
    raise RuntimeError("no free tracking code after several attempts")  # 10^11 codes: never in practice


def transaction_advance(
    *, transaction: CounterTransaction, to_state: str, detail: str = "", actor: Any
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


def heartbeat_record(
    *,
    office: Office,
    terminal_id: str,
    software_version: str,
    at: dt.datetime | None = None,
    actor: Any = None,
) -> Heartbeat:
    """Note that a terminal of an office is alive, and move the office's "last seen" forward.

    A closed office is refused; a suspended one, or one whose licence is not active yet, is still
    heard: a heartbeat shows the office is equipped and connected, which is what activates an issued
    licence (licensing's ``licence_signal``).
    """
    if office.status == OfficeStatus.CLOSED:
        office_operational_check(office)
    values = {"terminal_id": terminal_id, "software_version": software_version}
    terminal_id = _text(values, "terminal_id", max_length=TERMINAL_ID_MAX, required=True)
    software_version = _text(values, "software_version", max_length=SOFTWARE_VERSION_MAX, required=True)
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        message = _("The time lies in the future.")
        raise ValidationError(message, fields={"at": message})
    latest = {"last_seen_at": at, "terminal_id": terminal_id, "software_version": software_version}
    with db_transaction.atomic():
        beat = Heartbeat.objects.create(
            office=office, terminal_id=terminal_id, software_version=software_version, at=at
        )
        # A late heartbeat never moves "last seen" backwards.
        if not OfficeLiveness.objects.filter(office=office, last_seen_at__lt=at).update(**latest):
            try:
                with db_transaction.atomic():
                    OfficeLiveness.objects.get_or_create(office=office, defaults=latest)
            except IntegrityError:
                # A concurrent first heartbeat created the row; ours may still be the later one.
                OfficeLiveness.objects.filter(office=office, last_seen_at__lt=at).update(**latest)
        # The first sign of life of an equipped office activates its issued licence.
        licence_signal(office=office, at=at, actor=actor)
    return beat
