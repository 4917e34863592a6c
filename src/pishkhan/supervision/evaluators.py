"""The evaluators of supervision's rules: what each rule finds in a batch of new transactions, or
periodically in the network's figures. Each is registered under its rule's code; a rule without an
evaluator is skipped. ``offline_in_hours`` reads the board's liveness (``liveness.offices_offline_in_hours``),
so that the alert and the board agree.

A per-transaction evaluator gets the whole batch (``Batch``, with its offices and services read
once) and answers ``Finding``s, one per alert to raise or fold: never a query per transaction. The
services (``services.alerts``) turn findings into alerts; the evaluators write nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pishkhan.catalogue.models import Service
from pishkhan.catalogue.selectors import service_undeliverable_why
from pishkhan.common.calendar import TEHRAN, to_tehran
from pishkhan.frontoffice.selectors import office_hour_waits
from pishkhan.licensing.models import LICENSED_KINDS, Licence
from pishkhan.licensing.states import LicenceStatus
from pishkhan.offices.hours import iranian_weekday, minutes_of
from pishkhan.offices.models import Office
from pishkhan.supervision.liveness import offices_offline_in_hours
from pishkhan.supervision.models import Rule
from pishkhan.supervision.rulebook import (
    ABNORMAL_VOLUME,
    LICENCE_NOT_IN_FORCE,
    LONG_WAITS,
    OFF_HOURS,
    OFFLINE_IN_HOURS,
    OVERCHARGE,
    REPEAT_CITIZEN,
    UNDELIVERABLE_SERVICE,
    thresholds_default,
    volume_outliers,
    wait_outliers,
)
from pishkhan.transactions.selectors import citizen_day_counts, office_day_counts


@dataclass
class Finding:
    """One alert to raise, or to fold into the live alert of the same rule, office and key."""

    rule: str
    office_id: int
    dedupe_key: str = ""
    tracking_codes: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    count: int = 1
    seen_at: dt.datetime | None = None


@dataclass
class Batch:
    """New transactions (dicts of ``transactions.selectors.SUPERVISED_FIELDS``, by id) with the offices
    and services they name, each read once for the whole batch."""

    rows: list[dict[str, Any]]
    offices: dict[int, Office]
    services: dict[int, Service]

    @classmethod
    def of(cls, rows: list[dict[str, Any]]) -> Batch:
        office_ids = {row["office_id"] for row in rows}
        service_ids = {row["service_id"] for row in rows}
        offices = Office.objects.filter(pk__in=office_ids).only(
            "id", "code", "kind", "opening_hours", "province_id", "county_id"
        )
        services = Service.objects.filter(pk__in=service_ids).only(
            "id", "code", "office_kinds", "outsourcing"
        )
        return cls(
            rows=rows,
            offices={office.pk: office for office in offices},
            services={service.pk: service for service in services},
        )


def thresholds_of(rule: Rule) -> dict[str, Any]:
    """The rule's thresholds, a default for any missing."""
    return thresholds_default(rule.code) | dict(rule.thresholds or {})


def _grouped(findings: Iterable[tuple[int, str, dict[str, Any], dict[str, Any]]], rule: str) -> list[Finding]:
    """One finding per (office, key) from its transactions: their codes, count, last figures."""
    by_key: dict[tuple[int, str], Finding] = {}
    for office_id, key, row, figures in findings:
        finding = by_key.get((office_id, key))
        if finding is None:
            finding = by_key[(office_id, key)] = Finding(
                rule=rule, office_id=office_id, dedupe_key=key, count=0
            )
        finding.count += 1
        finding.tracking_codes.append(row["tracking_code"])
        finding.figures = figures
        finding.seen_at = max(finding.seen_at or row["received_at"], row["received_at"])
    return list(by_key.values())


def overcharge(rule: Rule, batch: Batch) -> list[Finding]:
    """Fees charged above the tariff in force (by more than ``tolerance_rials``), per office."""
    tolerance = thresholds_of(rule)["tolerance_rials"]
    return _grouped(
        (
            (
                row["office_id"],
                "",
                row,
                {"fee_charged": row["fee_charged"], "fee_tariff": row["fee_tariff"],
                 "excess": row["fee_charged"] - row["fee_tariff"]},
            )
            for row in batch.rows
            if row["fee_tariff"] is not None and row["fee_charged"] - row["fee_tariff"] > tolerance
        ),
        OVERCHARGE,
    )  # fmt: skip


def _outside_hours(hours: Mapping[str, list[list[str]]], at: dt.datetime, grace: int) -> bool:
    """Whether ``at`` (in Tehran) is more than ``grace`` minutes outside every range of its day."""
    local = to_tehran(at)
    minute = local.hour * 60 + local.minute
    ranges = hours.get(str(iranian_weekday(local.date())), ())
    return not any(
        minutes_of(opens) - grace <= minute < minutes_of(closes) + grace for opens, closes in ranges
    )


def off_hours(rule: Rule, batch: Batch) -> list[Finding]:
    """Transactions recorded outside the office's opening hours (Tehran time), beyond a grace; an
    office whose hours are unknown (none recorded) is not judged."""
    grace = thresholds_of(rule)["grace_minutes"]
    found = []
    for row in batch.rows:
        office = batch.offices.get(row["office_id"])
        if office is None or not office.opening_hours:
            continue
        if _outside_hours(office.opening_hours, row["recorded_at"], grace):
            local = to_tehran(row["recorded_at"])
            found.append((office.pk, "", row, {"recorded_at": local.strftime("%Y-%m-%d %H:%M")}))
    return _grouped(found, OFF_HOURS)


def _tehran_day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=TEHRAN)


def repeat_citizen(rule: Rule, batch: Batch) -> list[Finding]:
    """A citizen served ``per_day`` times or more in a Tehran day at one office: one alert per office,
    citizen and day (the citizen shown masked, never the key); one query for the whole batch."""
    per_day = thresholds_of(rule)["per_day"]
    if not batch.rows:
        return []
    days = [to_tehran(row["recorded_at"]).date() for row in batch.rows]
    counts = citizen_day_counts(
        office_ids={row["office_id"] for row in batch.rows},
        citizen_keys={row["citizen_key"] for row in batch.rows},
        start=_tehran_day_start(min(days)),
        end=_tehran_day_start(max(days) + dt.timedelta(days=1)),
    )
    found = []
    for row, day in zip(batch.rows, days, strict=True):
        total = counts.get((row["office_id"], row["citizen_key"], day), 0)
        if total >= per_day:
            key = f"{day.isoformat()}:{row['citizen_key'][:16]}"
            figures = {"citizen": row["citizen_masked"], "day": day.isoformat(), "transactions": total}
            found.append((row["office_id"], key, row, figures))
    return _grouped(found, REPEAT_CITIZEN)


def undeliverable_service(rule: Rule, batch: Batch) -> list[Finding]:
    """Transactions of a service the office may not deliver (prohibited, or not for its kind): the
    counter refuses them, so one comes only through an import. One alert per office and service."""
    found = []
    for row in batch.rows:
        office, service = batch.offices.get(row["office_id"]), batch.services.get(row["service_id"])
        if office is None or service is None:
            continue
        why = service_undeliverable_why(service=service, office_kind=office.kind)
        if why:
            found.append((office.pk, service.code, row, {"service": service.code, "why": str(why)}))
    return _grouped(found, UNDELIVERABLE_SERVICE)


def _in_force_at(licence: dict[str, Any], at: dt.datetime) -> bool:
    """Whether this licence let its office transact at ``at``, as far as its row tells: activated by
    then, not yet ended, within its term, not suspended that day."""
    day = to_tehran(at).date()
    activated = licence["activated_at"]
    if activated is None:
        if licence["status"] != LicenceStatus.ACTIVE:
            return False
    elif activated > at:
        return False
    if licence["ended_at"] is not None and licence["ended_at"] <= at:
        return False
    if licence["issued_on"] > day or licence["expires_on"] < day:
        return False
    suspended = licence["status"] == LicenceStatus.SUSPENDED
    return not (suspended and (licence["suspended_until"] is None or licence["suspended_until"] >= day))


def licence_not_in_force(rule: Rule, batch: Batch) -> list[Finding]:
    """Transactions of an office of a licensed kind recorded when none of its licences was in force;
    the licences of the batch's offices are read in one query."""
    licensed = {pk for pk, office in batch.offices.items() if office.kind in LICENSED_KINDS}
    if not licensed:
        return []
    licences: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for licence in Licence.objects.filter(office_id__in=licensed).values(
        "office_id", "status", "issued_on", "expires_on", "activated_at", "suspended_until", "ended_at"
    ):
        licences[licence["office_id"]].append(licence)
    found = []
    for row in batch.rows:
        if row["office_id"] not in licensed:
            continue
        if not any(_in_force_at(licence, row["recorded_at"]) for licence in licences[row["office_id"]]):
            local = to_tehran(row["recorded_at"]).strftime("%Y-%m-%d %H:%M")
            found.append((row["office_id"], "", row, {"recorded_at": local}))
    return _grouped(found, LICENCE_NOT_IN_FORCE)


# --- Periodic rules -------------------------------------------------------------------------------


def abnormal_volume(rule: Rule, *, now: dt.datetime) -> list[Finding]:
    """Offices whose day so far is far above their own past days (to the same time of day) and above
    the other offices of their county today: robust z-scores (``rulebook.volume_outliers``). Two
    aggregate queries along the received_at index; one alert per office and day."""
    limits = thresholds_of(rule)
    local = to_tehran(now)
    today = local.date()
    midnight = _tehran_day_start(today)
    start = midnight - dt.timedelta(days=int(limits["history_days"]))
    until = local.time().replace(microsecond=0)
    past = office_day_counts(start=start, end=midnight, until=until)
    current = office_day_counts(start=midnight, end=now + dt.timedelta(seconds=1))
    today_counts = {office_id: n for (office_id, _day), n in current.items()}
    history: dict[int, list[int]] = defaultdict(list)
    for (office_id, _day), n in past.items():
        history[office_id].append(n)
    county_of = dict(
        Office.objects.filter(pk__in=set(today_counts) | set(history)).values_list("pk", "county_id")
    )
    findings = volume_outliers(
        today=today_counts,
        history=history,
        county_of=county_of,
        z_own=float(limits["z_own"]),
        z_peers=float(limits["z_peers"]),
        min_transactions=int(limits["min_transactions"]),
    )
    return [
        Finding(
            rule=ABNORMAL_VOLUME,
            office_id=found.office_id,
            dedupe_key=today.isoformat(),
            figures={
                "day": today.isoformat(),
                "transactions": found.count,
                "own_median": found.own_median,
                "own_z": found.own_z,
                "peers_median": found.peers_median,
                "peers_z": found.peers_z,
            },
            seen_at=now,
        )
        for found in findings
    ]


def long_waits(rule: Rule, *, now: dt.datetime) -> list[Finding]:
    """Offices whose queue waited far longer than their province's offices at the same hours over
    the last days (``rulebook.wait_outliers``), read from the front office's hourly wait figures in
    one GROUP BY; one alert per office and day."""
    limits = thresholds_of(rule)
    today = to_tehran(now).date()
    rows = office_hour_waits(first=today - dt.timedelta(days=int(limits["days"]) - 1), last=today)
    findings = wait_outliers(
        offices={office_id: (row["province_id"], row["hours"]) for office_id, row in rows.items()},
        ratio=float(limits["ratio"]),
        min_tickets=int(limits["min_tickets"]),
        min_minutes=float(limits["min_minutes"]),
    )
    return [
        Finding(
            rule=LONG_WAITS,
            office_id=found.office_id,
            dedupe_key=today.isoformat(),
            figures={
                "days": int(limits["days"]),
                "tickets": found.tickets,
                "mean_wait_minutes": found.mean_minutes,
                "province_wait_minutes": found.peers_minutes,
                "ratio": found.ratio,
            },
            seen_at=now,
        )
        for found in findings
    ]


OfflineLister = Callable[..., list[tuple[int, dt.datetime]]]


def offline_in_hours_from(offline: OfflineLister) -> Callable[..., list[Finding]]:
    """The evaluator of ``offline_in_hours`` over a lister of offices offline in their hours
    (``offline(now=, minutes=) -> [(office_id, since)]``, the board's liveness): one alert per office
    and episode (its key is when it went offline)."""

    def evaluate(rule: Rule, *, now: dt.datetime) -> list[Finding]:
        minutes = int(thresholds_of(rule)["minutes"])
        return [
            Finding(
                rule=rule.code,
                office_id=office_id,
                dedupe_key=to_tehran(since).strftime("%Y-%m-%dT%H:%M"),
                figures={"offline_since": to_tehran(since).strftime("%Y-%m-%d %H:%M"),
                         "minutes": int((now - since).total_seconds() // 60)},
                seen_at=now,
            )
            for office_id, since in offline(now=now, minutes=minutes)
        ]  # fmt: skip

    return evaluate


TransactionEvaluator = Callable[[Rule, Batch], list[Finding]]
PeriodicEvaluator = Callable[..., list[Finding]]

# Rule code → what it finds in each batch of new transactions (the near-real-time job).
TRANSACTION_EVALUATORS: dict[str, TransactionEvaluator] = {
    OVERCHARGE: overcharge,
    OFF_HOURS: off_hours,
    REPEAT_CITIZEN: repeat_citizen,
    UNDELIVERABLE_SERVICE: undeliverable_service,
    LICENCE_NOT_IN_FORCE: licence_not_in_force,
}
# Rule code → what it finds in the network's figures, called as ``evaluate(rule, now=now)`` (the
# periodic job).
PERIODIC_EVALUATORS: dict[str, PeriodicEvaluator] = {
    ABNORMAL_VOLUME: abnormal_volume,
    OFFLINE_IN_HOURS: offline_in_hours_from(offices_offline_in_hours),
    LONG_WAITS: long_waits,
}
