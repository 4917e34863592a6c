"""Reads of counter transactions and of offices' liveness.

A list narrows to a jurisdiction given as ``scope``, a ``Principal.scope`` dict: ``{}`` or None for
the whole country, ``{"province": "23"}`` or ``{"office": "P23-0001"}``; any other kind of
jurisdiction (an agency) sees no office's counter. Whether the caller may read at all is the entry
point's question.

The table grows by about 100 million rows a year, so every list is read along an index: an office's
or a service's (each with ``received_at``), the tracking code's, or the primary key, whose order is
the order of arrival.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate, TruncHour
from django.utils.translation import gettext as _

from pishkhan.accounts.selectors import (
    OfficeKeySql,
    office_key_by_prefix_params,
    office_key_live_params,
    office_key_sql,
)
from pishkhan.catalogue.models import Service
from pishkhan.common import prepared
from pishkhan.common.calendar import TEHRAN
from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.common.identifiers import tracking_code_clean
from pishkhan.common.persian import to_latin_digits
from pishkhan.geo.models import Province
from pishkhan.licensing.selectors import (
    LicenceInForceSql,
    licence_in_force_params,
    licence_in_force_sql,
    licence_permits_params,
    licence_permits_sql,
)
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import (
    OfficeCounterSql,
    office_code_clean,
    office_counter_row,
    office_counter_sql,
    office_open_params,
)
from pishkhan.transactions.models import CounterTransaction, Heartbeat, OfficeLiveness, TransactionEvent
from pishkhan.transactions.services import citizen_key
from pishkhan.transactions.services.checks import CLOCK_SKEW
from pishkhan.transactions.states import TransactionState

Scope = dict[str, str] | None

# The longest period one search may span.
SEARCH_MAX_DAYS = 366
_FEE_DIFFERS = Q(fee_tariff__isnull=False) & ~Q(fee_charged=F("fee_tariff"))


def _province_id(code: str) -> int | None:
    return Province.objects.filter(code=code).values_list("pk", flat=True).first()


def transaction_list_for_scope(*, scope: Scope = None) -> QuerySet[CounterTransaction]:
    """Transactions inside a jurisdiction (``{}``/None: all), newest first, with office and service.

    A province is filtered by its id, not by a join on its code: the planner then knows how many
    offices the province has (Tehran has many more than the average) and reads the right index.
    """
    transactions = CounterTransaction.objects.select_related("office", "service__agency")
    for kind, code in (scope or {}).items():
        if kind == "office":
            transactions = transactions.filter(office__code=code)
        elif kind == "province":
            transactions = transactions.filter(office__province_id=_province_id(code))
        else:
            return transactions.none()  # deny by default: an agency sees no office's counter
    return transactions


def transaction_get(*, tracking_code: str, scope: Scope = None) -> CounterTransaction:
    """One transaction by tracking code, with its history; ``NotFoundError`` if unknown or outside scope."""
    code = tracking_code_clean(tracking_code)
    found = (
        transaction_list_for_scope(scope=scope)
        .select_related("office__province")
        .prefetch_related(Prefetch("events", queryset=TransactionEvent.objects.order_by("at", "pk")))
        .filter(tracking_code=code)
        .first()
    )
    if found is None:
        raise NotFoundError(_("No transaction has the tracking code %(code)s.") % {"code": code})
    return found


def tehran_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants a day in Tehran starts and ends (the end excluded): ``[start, end)``."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=TEHRAN)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=TEHRAN)


def _period_check(received_from: dt.date | None, received_to: dt.date | None) -> None:
    if not (received_from and received_to):
        return
    if received_to < received_from:
        message = _("The period ends before it starts.")
        raise ValidationError(message, fields={"received_to": message})
    if (received_to - received_from).days >= SEARCH_MAX_DAYS:
        message = _("Search at most %(days)d days at a time.") % {"days": SEARCH_MAX_DAYS}
        raise ValidationError(message, fields={"received_to": message})


def transaction_search(
    *,
    scope: Scope = None,
    tracking_code: str = "",
    office: str = "",
    service: str = "",
    province: str = "",
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    state: str = "",
    fee_differs: bool = False,
) -> QuerySet[CounterTransaction]:
    """Transactions inside ``scope`` that match every filter given, newest first.

    ``received_from``/``received_to`` are days in Tehran, both included. A malformed tracking code,
    office code or province code, an unknown state, or a period that ends before it starts or spans
    more than ``SEARCH_MAX_DAYS`` is a ``ValidationError``; an unknown office or service matches
    nothing.

    Every list is read along an index in ``received_at`` order: given an office or a service, that
    column's (the office and service are looked up first, so the filter is on the indexed id, not on
    a join); otherwise ``received_at``'s own. So no list sorts the whole table to show its first page,
    and a period of any age is a range of that index.
    """
    _period_check(received_from, received_to)
    transactions = transaction_list_for_scope(scope=scope)
    if tracking_code:
        transactions = transactions.filter(tracking_code=tracking_code_clean(tracking_code))
    if province:
        code = to_latin_digits(province.strip())
        if not (len(code) == 2 and code.isdigit()):
            raise ValidationError(_("A province code is two digits."), fields={"province": "malformed"})
        transactions = transactions.filter(office__province_id=_province_id(code))
    if state:
        if state not in TransactionState.values:
            message = _("Unknown transaction state.")
            raise ValidationError(message, fields={"state": message})
        transactions = transactions.filter(state=state)
    if fee_differs:
        transactions = transactions.filter(_FEE_DIFFERS)
    if received_from:
        transactions = transactions.filter(received_at__gte=tehran_day_bounds(received_from)[0])
    if received_to:
        transactions = transactions.filter(received_at__lt=tehran_day_bounds(received_to)[1])
    if office:
        try:
            code = office_code_clean(office)
        except ValidationError as error:
            raise ValidationError(error.detail, fields={"office": error.detail}) from None
        office_id = Office.objects.filter(code=code).values_list("pk", flat=True).first()
        if office_id is None:
            return transactions.none()
        transactions = transactions.filter(office_id=office_id)
    if service:
        service_id = Service.objects.filter(code=service.strip().lower()).values_list("pk", flat=True).first()
        if service_id is None:
            return transactions.none()
        transactions = transactions.filter(service_id=service_id)
    # Every filter combination has an index led by received_at (alone, or after office or service).
    return transactions.order_by("-received_at", "-pk")


@dataclass(frozen=True)
class CounterDay:
    """An office's counter on one day in Tehran: how many transactions in each state, and the fees."""

    day: dt.date
    total: int
    by_state: dict[str, int]  # every state, in the order of ``TransactionState``, zero included
    fees_total: int
    fee_differs: int


def counter_day(*, office: Office, day: dt.date) -> CounterDay:
    """The day's figures of an office's counter, in one query along its (office, received_at) index."""
    start, end = tehran_day_bounds(day)
    rows = (
        CounterTransaction.objects.filter(office=office, received_at__gte=start, received_at__lt=end)
        .values("state")
        .annotate(count=Count("pk"), fees=Sum("fee_charged"), differs=Count("pk", filter=_FEE_DIFFERS))
        .order_by()
    )
    by_state = dict.fromkeys(TransactionState.values, 0)
    fees_total = differs = 0
    for row in rows:
        by_state[row["state"]] = row["count"]
        fees_total += row["fees"] or 0
        differs += row["differs"]
    return CounterDay(
        day=day, total=sum(by_state.values()), by_state=by_state, fees_total=fees_total, fee_differs=differs
    )


@dataclass(frozen=True)
class TrackedTransaction:
    """All the public tracking page may tell of a transaction: its state, since when, what and where."""

    tracking_code: str
    state: str
    changed_at: dt.datetime
    service_title_fa: str
    service_title_en: str
    office_name: str
    transaction_id: int = 0
    office_id: int = 0
    received_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None

    @property
    def steps(self) -> list[tuple[str, dt.datetime]]:
        """The steps the citizen is told of by SMS, each with its time: received, sent to the agency,
        then the outcome (the same as the messages, ``services/notices.py``)."""
        steps = [(str(TransactionState.RECEIVED.label), self.received_at)]
        if self.submitted_at is not None:
            steps.append((str(TransactionState.SUBMITTED.label), self.submitted_at))
        if self.finished_at is not None:
            steps.append((str(TransactionState(self.state).label), self.finished_at))
        return [(label, at) for label, at in steps if at is not None]

    @property
    def state_label(self) -> str:
        """The state's human name (translated)."""
        return str(TransactionState(self.state).label)


def transaction_track(*, tracking_code: str, national_id: str) -> TrackedTransaction | None:
    """The transaction with this tracking code, if ``national_id`` (clean) is its citizen's; else None.

    A malformed or unknown code and another citizen's national ID all give None, so a caller can
    answer them alike. The keyed hash is computed and compared in constant time in every case.
    """
    key = citizen_key(national_id)
    try:
        code = tracking_code_clean(tracking_code)
    except ValidationError:
        return None
    found = (
        CounterTransaction.objects.filter(tracking_code=code)
        .values(
            "citizen_key",
            "state",
            "received_at",
            "submitted_at",
            "finished_at",
            "service__title_fa",
            "service__title_en",
            "office__name",
            "id",
            "office_id",
        )
        .first()
    )
    stored = found["citizen_key"] if found is not None else "0" * len(key)
    if not hmac.compare_digest(stored.encode(), key.encode()) or found is None:
        return None
    return TrackedTransaction(
        tracking_code=code,
        state=found["state"],
        changed_at=found["finished_at"] or found["submitted_at"] or found["received_at"],
        service_title_fa=found["service__title_fa"],
        service_title_en=found["service__title_en"],
        office_name=found["office__name"],
        transaction_id=found["id"],
        office_id=found["office_id"],
        received_at=found["received_at"],
        submitted_at=found["submitted_at"],
        finished_at=found["finished_at"],
    )


def office_last_seen(*, office: Office) -> dt.datetime | None:
    """When the office's system last sent a heartbeat; None if it never did."""
    return OfficeLiveness.objects.filter(office=office).values_list("last_seen_at", flat=True).first()


@dataclass(frozen=True)
class CounterCaller:
    """An office's API key as the counter's fast lane reads it, with its office and licence in force."""

    key_id: int
    secret_hash: str
    revoked: bool
    office: Office
    licence_status: str | None
    licence_expires_on: dt.date | None
    licence_suspended_until: dt.date | None


def counter_caller(*, prefix: str) -> CounterCaller | None:
    """The office key with this prefix, its office and its licence in force, in one query; else None.

    The counter's fast lane (``transactions.lane``) reads here what authentication, the office
    registry and licensing would read in three queries; anything it does not find here (a user's key,
    an agency's, an unknown prefix) it leaves to the API's usual path. Each domain names its own
    tables and columns (``accounts.selectors.office_key_sql``, ``offices.selectors.office_counter_sql``,
    ``licensing.selectors.licence_in_force_sql``); this joins them.
    """
    params = [*office_key_by_prefix_params(prefix=prefix), *licence_in_force_params()]
    found = prepared.rows(_counter_caller_sql(), params)
    if not found:
        return None
    row = found[0]
    return CounterCaller(
        key_id=row[0],
        secret_hash=row[1],
        revoked=row[2] is not None,
        office=office_counter_row(row[3:7]),
        licence_status=row[7],
        licence_expires_on=row[8],
        licence_suspended_until=row[9],
    )


@functools.cache
def _counter_caller_sql() -> str:
    key, office, licence = _counter_parts()
    return (
        f"SELECT {key.columns}, {office.columns}, {licence.columns} "  # noqa: S608 (every value a parameter)
        f"FROM {key.table} JOIN {office.table} ON {key.by_prefix} {licence.join}"
    )


def _counter_parts() -> tuple[OfficeKeySql, OfficeCounterSql, LicenceInForceSql]:
    """The key (``k``), its office (``o``) and the office's licence in force (``l``), as their domains
    read them."""
    office = office_counter_sql(office="o")
    key = office_key_sql(key="k", holder_code=office.code)
    return key, office, licence_in_force_sql(licence="l", office_id=office.id)


def counter_guard(*, caller: CounterCaller, secret_hash: str, on: dt.date) -> tuple[str, list[Any]]:
    """The condition under which ``caller`` may still record now, as a ``SELECT`` of one row (the key's
    ``last_used_at``) or none: for a write that re-checks it in the same statement
    (``services.Guard``).

    The same rules as the API's path: the key live and its secret this one, the office open and still
    of the kind the caller was read with (a conversion changes it), its licence permitting
    (``licensing.selectors.licence_permits_sql``).
    """
    params = [
        caller.office.pk,
        *licence_in_force_params(),
        *office_key_live_params(key_id=caller.key_id, secret_hash=secret_hash),
        *office_open_params(kind=caller.office.kind),
        *licence_permits_params(on=on),
    ]
    return _counter_guard_sql(), params


@functools.cache
def _counter_guard_sql() -> str:
    key, office, licence = _counter_parts()
    permits = licence_permits_sql(office="o", licence="l")
    return (
        f"SELECT {key.last_used_at} FROM {key.table} "  # noqa: S608 (every value a parameter)
        f"JOIN {office.table} ON {office.id} = %s {licence.join} "
        f"WHERE {key.live} AND {office.open} AND {permits}"
    )


# --- An office's activity at the counter, for the domains above ----------------------------------
# Supervision finds idle offices here (an import-linter contract keeps the domains above from reading
# the counter's table themselves): each read goes along the (office, received_at) index, one probe
# per office, never a scan of the table.


def transaction_list_for_office_since(
    *, office_id: int | OuterRef, since: dt.datetime
) -> QuerySet[CounterTransaction]:
    """The office's transactions received at or after ``since``.

    ``office_id`` may be an ``OuterRef``, for ``Exists(...)`` on each row of an outer query.
    """
    return CounterTransaction.objects.filter(office_id=office_id, received_at__gte=since)


def office_last_received_expression(*, office_id: OuterRef) -> Subquery:
    """When the office of each row of an outer query last received a transaction, to annotate with."""
    return Subquery(
        CounterTransaction.objects.filter(office_id=office_id)
        .order_by("-received_at")
        .values("received_at")[:1]
    )


def office_last_received_at(*, office_id: int) -> dt.datetime | None:
    """When the office last received a transaction; None if it never did."""
    return (
        CounterTransaction.objects.filter(office_id=office_id)
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    )


def transaction_records_start() -> dt.datetime | None:
    """When the counter's records begin: its earliest transaction; None while it has none."""
    return CounterTransaction.objects.order_by("received_at").values_list("received_at", flat=True).first()


# --- The counter's transactions for supervision's alert rules ------------------------------------
# Supervision's evaluator reads new transactions in the order of arrival (the primary key), in bounded
# batches, and a few aggregates for its rules; each read goes along the primary key, the citizen's
# index or the received_at index.

SUPERVISED_FIELDS = (
    "id",
    "tracking_code",
    "office_id",
    "service_id",
    "citizen_key",
    "citizen_masked",
    "fee_charged",
    "fee_tariff",
    "recorded_at",
    "received_at",
)


def transactions_supervised_after(*, after_id: int, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` transactions whose id is above ``after_id``, by id, each as a dict of
    ``SUPERVISED_FIELDS``."""
    rows = CounterTransaction.objects.filter(pk__gt=after_id).order_by("pk").values(*SUPERVISED_FIELDS)
    return list(rows[:limit])


def transactions_supervised_by_ids(*, ids: list[int]) -> list[dict[str, Any]]:
    """The transactions with these ids that exist, by id, as :func:`transactions_supervised_after`."""
    if not ids:
        return []
    return list(CounterTransaction.objects.filter(pk__in=ids).order_by("pk").values(*SUPERVISED_FIELDS))


def transaction_last_id() -> int:
    """The id of the newest transaction; 0 while there is none."""
    return CounterTransaction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def transaction_first_id_received_since(*, since: dt.datetime) -> int | None:
    """The id of the first transaction received at or after ``since``; None when none was."""
    return (
        CounterTransaction.objects.filter(received_at__gte=since)
        .order_by("received_at")
        .values_list("pk", flat=True)
        .first()
    )


def citizen_day_counts(
    *, office_ids: set[int], citizen_keys: set[str], start: dt.datetime, end: dt.datetime
) -> dict[tuple[int, str, dt.date], int]:
    """How many transactions each of these citizens had at each of these offices, per Tehran day of
    recording, for those recorded in [start, end): ``{(office_id, citizen_key, day): count}``. One
    query along the citizens' index."""
    if not office_ids or not citizen_keys:
        return {}
    rows = (
        CounterTransaction.objects.filter(
            citizen_key__in=citizen_keys,
            office_id__in=office_ids,
            recorded_at__gte=start,
            recorded_at__lt=end,
        )
        .annotate(day=TruncDate("recorded_at", tzinfo=TEHRAN))
        .values("office_id", "citizen_key", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["office_id"], row["citizen_key"], row["day"]): row["n"] for row in rows}


def office_day_counts(
    *, start: dt.datetime, end: dt.datetime, until: dt.time | None = None
) -> dict[tuple[int, dt.date], int]:
    """Transactions received in [start, end) per office and Tehran day: ``{(office_id, day): count}``;
    with ``until``, only those received up to that Tehran time of day (to compare a day so far with
    whole past days fairly). Along the received_at index."""
    rows = CounterTransaction.objects.filter(received_at__gte=start, received_at__lt=end)
    if until is not None:
        rows = rows.filter(received_at__time__lte=until)
    rows = (
        rows.annotate(day=TruncDate("received_at", tzinfo=TEHRAN))
        .values("office_id", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["office_id"], row["day"]): row["n"] for row in rows}


# --- Offices' liveness, for supervision's network board --------------------------------------------
# One row per office (``OfficeLiveness``) holds its last heartbeat, so the board reads 13,000 offices
# with one join; the heartbeats themselves are read per office (its terminals) or bucketed per hour.


def office_heard_annotations(*, office: str = "") -> dict[str, Any]:
    """Annotations for a queryset of offices (``office=""``) or of rows with an office at ``office``:
    when it last sent a heartbeat (``heard_beat_at``), from which terminal and software version
    (``heard_terminal``, ``heard_version``), and when it last received a transaction
    (``heard_received_at``, one probe of the counter's (office, received_at) index per row)."""
    prefix = f"{office}__" if office else ""
    return {
        "heard_beat_at": F(f"{prefix}liveness__last_seen_at"),
        "heard_terminal": F(f"{prefix}liveness__terminal_id"),
        "heard_version": F(f"{prefix}liveness__software_version"),
        "heard_received_at": office_last_received_expression(office_id=OuterRef(f"{prefix}pk")),
    }


@dataclass(frozen=True)
class TerminalSeen:
    """One terminal of an office as its heartbeats tell it: its software, first and last beat, how many."""

    terminal_id: str
    software_version: str
    first_at: dt.datetime
    last_at: dt.datetime
    beats: int


def office_terminals(*, office_id: int, since: dt.datetime) -> list[TerminalSeen]:
    """The terminals (and software versions) that sent the office heartbeats since ``since``, the
    most recently heard first; a terminal that changed version is listed once per version."""
    return terminals_by_office(office_ids=[office_id], since=since).get(office_id, [])


def terminals_by_office(*, office_ids: list[int], since: dt.datetime) -> dict[int, list[TerminalSeen]]:
    """Office id → its terminals heard since ``since`` (as :func:`office_terminals`), in one query."""
    rows = (
        Heartbeat.objects.filter(office_id__in=office_ids, at__gte=since)
        .order_by()
        .values("office_id", "terminal_id", "software_version")
        .annotate(first_at=Min("at"), last_at=Max("at"), beats=Count("pk"))
    )
    found: dict[int, list[TerminalSeen]] = {}
    for row in rows:
        found.setdefault(row.pop("office_id"), []).append(TerminalSeen(**row))
    for terminals in found.values():
        terminals.sort(key=lambda terminal: (terminal.last_at, terminal.terminal_id), reverse=True)
    return found


def heartbeat_hours(*, start: dt.datetime, end: dt.datetime) -> Iterator[tuple[int, dt.datetime]]:
    """(office id, hour in Tehran) of every hour in which an office sent a heartbeat in [start, end),
    each once; for availability (share of opening hours an office was heard in)."""
    rows = (
        Heartbeat.objects.filter(at__gte=start, at__lt=end)
        .annotate(hour=TruncHour("at", tzinfo=TEHRAN))
        .order_by()
        .values_list("office_id", "hour")
        .distinct()
    )
    yield from rows.iterator(chunk_size=10_000)


def office_fees_charged_between(*, office_id: int, since: dt.datetime, until: dt.datetime) -> int:
    """The fees an office charged (rials) for its completed transactions received in ``[since, until)``:
    its revenue, which a fine set as a share of it is counted on (supervision's sanctions)."""
    total = CounterTransaction.objects.filter(
        office_id=office_id,
        received_at__gte=since,
        received_at__lt=until,
        state=TransactionState.COMPLETED,
    ).aggregate(total=Sum("fee_charged"))["total"]
    return int(total or 0)


def overcharges_by_office(*, start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """How many transactions each office received in ``[start, end)`` that charged more than the
    tariff in force (``fee_charged > fee_tariff``), by office id; offices with none are absent.

    For a monthly score: one grouped read of the period along the ``received_at`` index, not a
    page's query.
    """
    rows = (
        CounterTransaction.objects.filter(
            received_at__gte=start,
            received_at__lt=end,
            fee_tariff__isnull=False,
            fee_charged__gt=F("fee_tariff"),
        )
        .order_by()
        .values_list("office_id")
        .annotate(count=Count("pk"))
    )
    return dict(rows)


# --- Use of the counter per person, for planning's demand --------------------------------------------


def transaction_counts_by_province_setting(
    *, start: dt.datetime, end: dt.datetime
) -> dict[tuple[str, str], int]:
    """Transactions received in [start, end) per office's province code and setting (urban, rural):
    ``{(province_code, setting): count}``. One grouped query along the received_at index."""
    rows = (
        CounterTransaction.objects.filter(received_at__gte=start, received_at__lt=end)
        .values("office__province__code", "office__setting")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["office__province__code"], row["office__setting"]): row["n"] for row in rows}


# --- What the KPI rollups read (kpis/services.py) ----------------------------------------------------

# The fields of a transaction's event that tell the rollups which (day, office, service) cell it touched.
ROLLUP_EVENT_FIELDS = ("pk", "transaction__office_id", "transaction__service_id", "transaction__recorded_at")


def _event_touches(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": row["pk"],
            "office_id": row["transaction__office_id"],
            "service_id": row["transaction__service_id"],
            "recorded_at": row["transaction__recorded_at"],
        }
        for row in rows
    ]


def transaction_events_after(*, after_id: int, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` transaction events (every change of state, a transaction's creation included)
    whose id is above ``after_id``, by id, each as ``{"id", "office_id", "service_id", "recorded_at"}``
    of its transaction. Along the events' primary key and the transactions' primary key."""
    rows = TransactionEvent.objects.filter(pk__gt=after_id).order_by("pk").values(*ROLLUP_EVENT_FIELDS)
    return _event_touches(rows[:limit])


def transaction_events_by_ids(*, ids: list[int]) -> list[dict[str, Any]]:
    """The events with these ids that exist, as :func:`transaction_events_after`."""
    if not ids:
        return []
    rows = TransactionEvent.objects.filter(pk__in=ids).order_by("pk").values(*ROLLUP_EVENT_FIELDS)
    return _event_touches(rows)


def transaction_event_last_id() -> int:
    """The id of the newest transaction event; 0 while there is none."""
    return TransactionEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _cell_figures() -> dict[str, Any]:
    """The aggregates of a rollup cell's transactions (see :func:`transaction_day_aggregates`)."""
    over = Q(fee_tariff__isnull=False) & Q(fee_charged__gt=F("fee_tariff"))
    completed = Q(state=TransactionState.COMPLETED)
    by_state = {
        state.value: Count("pk", filter=Q(state=state.value))
        for state in (
            TransactionState.RECEIVED,
            TransactionState.SUBMITTED,
            TransactionState.COMPLETED,
            TransactionState.REJECTED,
            TransactionState.FAILED,
        )
    }
    return {
        "total": Count("pk"),
        **by_state,
        "fees_charged": Sum("fee_charged"),
        "fees_tariff": Sum("fee_tariff"),
        "overcharges": Count("pk", filter=over),
        "overcharged": Sum(F("fee_charged") - F("fee_tariff"), filter=over),
        "delivery": Sum(
            ExpressionWrapper(F("finished_at") - F("recorded_at"), output_field=DurationField()),
            filter=completed & Q(finished_at__isnull=False),
        ),
    }


def _recorded_between(start: dt.datetime, end: dt.datetime) -> Any:
    """The transactions recorded in [start, end), read along an index on ``received_at``: none is
    received before the office recorded it less the clock skew the counter allows."""
    return CounterTransaction.objects.filter(
        recorded_at__gte=start, recorded_at__lt=end, received_at__gte=start - CLOCK_SKEW
    )


def _cell_rows(grouped: Any, **fixed: Any) -> Iterator[dict[str, Any]]:
    for row in grouped.iterator(chunk_size=5000):
        row.update(fixed)
        row["fees_tariff"] = row["fees_tariff"] or 0
        row["overcharged"] = row["overcharged"] or 0
        row["delivery"] = row["delivery"] or dt.timedelta(0)
        yield row


def transaction_day_aggregates(*, start: dt.datetime, end: dt.datetime) -> Iterator[dict[str, Any]]:
    """The transactions recorded (at the office) in [start, end), per office, service and Tehran day of
    recording: ``{"office_id", "service_id", "day", "total", "received", "submitted", "completed",
    "rejected", "failed", "fees_charged", "fees_tariff", "overcharges", "overcharged",
    "delivery"}`` (fees in rials; ``overcharges`` counts the fees charged above a known tariff and
    ``overcharged`` sums the excess; ``delivery`` is the sum of recording → finish of the completed
    ones, a ``timedelta``).

    No transaction is received before the office recorded it less the clock skew the counter allows
    (``checks.CLOCK_SKEW``; the history import refuses it outright), so the rows received since
    ``start`` less that skew hold every row of the period, a late offline batch's included: the read
    is bounded so, along the table's index on ``received_at`` (``kpis_rebuild`` of the last days reads
    those days' rows, not the whole table).
    """
    grouped = (
        _recorded_between(start, end)
        .annotate(day=TruncDate("recorded_at", tzinfo=TEHRAN))
        .values("office_id", "service_id", "day")
        .annotate(**_cell_figures())
        .order_by()
    )
    return _cell_rows(grouped)


def transaction_cell_aggregates(
    *, day: dt.date, office_ids: set[int], service_ids: set[int]
) -> Iterator[dict[str, Any]]:
    """As :func:`transaction_day_aggregates` for one Tehran day and these offices and services (the
    rollups' upkeep of the cells a round's events touched): grouped by office and service only, along
    the offices' index on ``received_at``, with no date computed per row (on SQLite that is a Python
    call for each)."""
    start, end = (
        dt.datetime.combine(d, dt.time.min, tzinfo=TEHRAN) for d in (day, day + dt.timedelta(days=1))
    )
    grouped = (
        _recorded_between(start, end)
        .filter(office_id__in=office_ids, service_id__in=service_ids)
        .values("office_id", "service_id")
        .annotate(**_cell_figures())
        .order_by()
    )
    return _cell_rows(grouped, day=day)


def transaction_recorded_span() -> tuple[dt.datetime, dt.datetime] | None:
    """The first and last moments of recording among all transactions; None while there is none. A
    scan of the table (no index on ``recorded_at``): for a full rebuild of the rollups only."""
    span = CounterTransaction.objects.aggregate(first=Min("recorded_at"), last=Max("recorded_at"))
    if span["first"] is None:
        return None
    return span["first"], span["last"]
