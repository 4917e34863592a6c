"""``pishkhan simulate``: live counter traffic from many demo offices, through the real HTTP API.

Each simulated office is an office's system: it holds its own API key (issued for this run through
the accounts services and revoked at its end; the plaintext never leaves this process), sends a
heartbeat when it starts and about once a minute, and posts each transaction as it happens with a
fresh ``Idempotency-Key``. Some requests are deliberately sent twice with the same key, as a
system does when an answer is lost: the second answer must carry the first one's tracking code.
"Offline" offices (rural ICT offices first) keep their transactions, with the times they were
recorded, and send them as a batch every ``batch_every`` seconds and once more at the end, as a
store-and-forward system does when its link returns; sometimes a batch is resent, and its items
must come back as duplicates.

Each online office also runs its queue through the ticket API: citizens arrive (``tickets_rate`` a
second across the offices) and take a ticket (``POST /tickets``), and the office's counter 1 calls
the oldest waiting (``/tickets/{id}/call``) and, after a few seconds at the counter, serves it
(``/tickets/{id}/serve``), as an office's queue system would.

Only the standard library talks HTTP: one keep-alive ``http.client`` connection per worker thread,
fed by one dispatcher that keeps an open-loop schedule (arrivals at random, ``rate`` a second on
average), so a slow server shows as a lower achieved rate and longer latencies, not as a polite
client waiting its turn.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import queue
import random
import secrets
import statistics
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone

from pishkhan.accounts.selectors import apikey_list
from pishkhan.accounts.services import apikey_create, apikey_revoke
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.catalogue.selectors import services_deliverable_by, tariffs_in_force
from pishkhan.demo import names
from pishkhan.licensing.selectors import office_may_transact
from pishkhan.offices.selectors import office_list
from pishkhan.offices.states import OfficeStatus

HEARTBEAT_EVERY = 60.0  # seconds, as office systems are told to
KEY_NAME = "pishkhan simulate"
SOFTWARE_VERSION = "pishkhan-simulate/1"
OVERCHARGE_SHARE = 0.03
TIMEOUT = 30.0
# Seconds a simulated citizen spends at the counter, and how often the counters look at their line.
SERVICE_SECONDS = (0.5, 2.5)
COUNTER_TICK = 0.5


@dataclass(frozen=True)
class SimulatedOffice:
    """One office's system: its code, its key, what it offers and at what fee, and whether it is offline."""

    code: str
    key: str
    menu: tuple[tuple[str, int], ...]  # (service code, tariff total)
    offline: bool


@dataclass
class Latencies:
    """Response times of one kind of request, in seconds."""

    samples: list[float] = field(default_factory=list)

    def quantile(self, q: float) -> float:
        """The q-quantile in milliseconds (nearest rank), 0 without samples."""
        if not self.samples:
            return 0.0
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000


@dataclass
class SimulationReport:
    """What the simulation sent and what the server answered."""

    url: str = ""
    offices: int = 0
    offline: int = 0
    seconds: float = 0.0
    target_rate: float = 0.0
    sent: Counter = field(default_factory=Counter)  # requests by kind
    created: int = 0  # transactions the server created: single posts and batch items
    replayed: int = 0  # retries answered with the first answer's tracking code
    replay_mismatches: int = 0  # retries answered with another tracking code: a duplicate created
    batch_duplicates: int = 0  # batch items the server recognised as sent before
    item_errors: int = 0  # batch items refused
    heartbeats: int = 0
    tickets_issued: int = 0
    tickets_called: int = 0
    tickets_served: int = 0
    errors: Counter = field(default_factory=Counter)  # status (or "connection") → count
    latency: dict[str, Latencies] = field(default_factory=dict)

    @property
    def transactions_sent(self) -> int:
        """New transactions offered to the server (single posts and batch items, not retries)."""
        return self.sent["transaction"] + self.sent["batch item"]

    def summary(self) -> str:
        """The report as lines for a terminal."""
        achieved = self.transactions_sent / self.seconds if self.seconds else 0.0
        sent, errors = self.sent, self.errors
        lines = [
            f"Simulated {self.seconds:.1f} s against {self.url}: "
            f"{self.offices} offices ({self.offline} offline).",
            f"  sent: {sent['transaction']:,} transactions, {sent['retry']:,} deliberate retries, "
            f"{sent['batch']:,} batches ({sent['batch item']:,} items, {sent['batch resend']:,} resent), "
            f"{sent['heartbeat']:,} heartbeats",
            f"  created: {self.created:,} transactions; duplicates recognised: {self.replayed:,} retries "
            f"answered with the first tracking code, {self.batch_duplicates:,} batch items; "
            f"duplicates created: {self.replay_mismatches:,}",
            f"  heartbeats stored: {self.heartbeats:,}; batch items refused: {self.item_errors:,}",
            f"  queue tickets: {self.tickets_issued:,} issued, {self.tickets_called:,} called, "
            f"{self.tickets_served:,} served",
            "  errors by status: "
            + (", ".join(f"{status}: {count:,}" for status, count in sorted(errors.items())) or "none"),
            f"  achieved: {achieved:,.1f} transactions/s (target {self.target_rate:g})",
        ]
        for kind, latencies in sorted(self.latency.items()):
            if latencies.samples:
                mean, count = statistics.fmean(latencies.samples) * 1000, len(latencies.samples)
                lines.append(
                    f"  latency of {kind}: p50 {latencies.quantile(0.5):.1f} ms, "
                    f"p99 {latencies.quantile(0.99):.1f} ms (mean {mean:.1f} ms, n={count:,})"
                )
        return "\n".join(lines)


def offices_prepare(
    *, count: int, offline_share: float, rng: random.Random, run: str
) -> list[SimulatedOffice]:
    """Choose ``count`` offices that may post now, the offline share among rural ones; issue their keys.

    Keys are issued through ``apikey_create``, named after the run so ``offices_release`` (and an
    administrator) can tell them apart; only their hashes are stored.
    """
    today = timezone.localdate()
    offices = list(office_list(status=OfficeStatus.ACTIVE).select_related(None).only("code", "kind"))
    menus: dict[str, tuple[tuple[str, int], ...]] = {}
    for kind in {office.kind for office in offices}:
        services = list(services_deliverable_by(kind=kind))
        tariffs = tariffs_in_force(services=services, on=today)
        menus[kind] = tuple(
            (service.code, tariffs[service.pk].total) for service in services if service.pk in tariffs
        )
    offices = [office for office in offices if menus.get(office.kind)]
    rng.shuffle(offices)
    # Rural ICT offices are the ones whose links fail: the offline ones are chosen among them.
    want_offline = round(count * offline_share)
    offline: list = []
    online: list = []
    for office in offices:
        if len(offline) + len(online) == count:
            break
        if office.kind == OfficeKind.ICT and len(offline) < want_offline:
            chosen = offline
        elif len(online) < count - want_offline:
            chosen = online
        else:
            continue
        if office_may_transact(office=office)[0]:  # open, and licensed where its kind needs it
            chosen.append(office)
    taken = {office.pk for office in offline + online}
    for office in offices:  # too few rural offices may post: the rest stay online
        if len(offline) + len(online) == count:
            break
        if office.pk not in taken and office_may_transact(office=office)[0]:
            online.append(office)
    prepared = []
    for office in offline + online:
        _key, plaintext = apikey_create(
            holder_kind="office", holder_code=office.code, name=f"{KEY_NAME} {run}", actor=None
        )
        prepared.append(SimulatedOffice(office.code, plaintext, menus[office.kind], office in offline))
    return prepared


def offices_release(*, run: str) -> int:
    """Revoke the keys this run issued; returns how many."""
    keys = list(apikey_list().filter(name=f"{KEY_NAME} {run}", revoked_at__isnull=True))
    for key in keys:
        apikey_revoke(key=key, actor=None, reason="pishkhan simulate finished")
    return len(keys)


class _Client:
    """One worker's keep-alive connection; reconnects after any failure."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port
        self.prefix = parts.path.rstrip("/")
        self.connection: http.client.HTTPConnection | None = None

    def post(self, path: str, body: Any, headers: dict[str, str]) -> tuple[int | str, Any, float]:
        """(status or "connection", parsed JSON body or None, seconds)."""
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json", **headers}
        started = time.perf_counter()
        try:
            if self.connection is None:
                kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
                self.connection = kind(self.host, self.port, timeout=TIMEOUT)
            self.connection.request("POST", self.prefix + path, body=data, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
            status: int | str = response.status
            if response.getheader("Connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException):
            self.close()
            return "connection", None, time.perf_counter() - started
        seconds = time.perf_counter() - started
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return status, parsed, seconds

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _transaction(office: SimulatedOffice, rng: random.Random, run: str, number: int) -> dict[str, Any]:
    service, tariff = rng.choice(office.menu)
    fee = tariff
    if rng.random() < OVERCHARGE_SHARE:
        fee += max(10_000, int(round(tariff * rng.uniform(0.1, 0.5), -4)))
    given, family = names.person_name(rng)
    return {
        "service": service,
        "national_id": names.national_id(rng),
        "mobile": names.mobile(rng),
        "fee_charged": fee,
        "office_reference": f"SIM-{run}-{number}",
        "clerk": f"{given} {family}",
        "recorded_at": timezone.now().isoformat(),
    }


class _Run:
    """The shared state of one simulation: the report under a lock, the work queue, the schedule."""

    def __init__(self, *, url: str, offices: list[SimulatedOffice], retry_share: float, seed: int) -> None:
        self.url, self.offices, self.retry_share = url, offices, retry_share
        self.report = SimulationReport(url=url, offices=len(offices), offline=sum(o.offline for o in offices))
        self.lock = threading.Lock()
        self.seed = seed
        # Each online office's queue: the tickets issued and not yet called, and its counter 1:
        # None (idle), ("calling", id), ("at", id, since, seconds) or ("serving", id).
        self.waiting: dict[str, deque[int]] = {o.code: deque() for o in offices if not o.offline}
        self.counter: dict[str, tuple | None] = dict.fromkeys(self.waiting)

    def record(self, kind: str, status: int | str, seconds: float) -> None:
        with self.lock:
            self.report.sent[kind] += 1
            self.report.latency.setdefault(kind, Latencies()).samples.append(seconds)
            if status == "connection" or not 200 <= int(status) < 300:
                self.report.errors[status] += 1

    def work(self, jobs: queue.Queue, worker: int) -> None:
        client = _Client(self.url)
        rng = random.Random(f"{self.seed}:worker:{worker}")
        try:
            while (job := jobs.get()) is not None:
                try:
                    self._do(client, rng, *job)
                except Exception as error:  # a dead worker would stall the whole run: count it, go on
                    with self.lock:
                        self.report.errors[f"client {type(error).__name__}"] += 1
        finally:
            client.close()

    def _do(self, client: _Client, rng: random.Random, kind: str, office: SimulatedOffice, body: Any) -> None:
        headers = {"Authorization": f"Bearer {office.key}"}
        if kind == "heartbeat":
            status, _answer, seconds = client.post("/api/v1/heartbeats", body, headers)
            self.record("heartbeat", status, seconds)
            if status == 201:
                with self.lock:
                    self.report.heartbeats += 1
        elif kind == "transaction":
            self._single(client, rng, headers, body)
        elif kind in ("ticket", "call", "serve"):
            self._ticket(client, rng, headers, kind, office.code, body)
        else:
            self._batch(client, rng, headers, body)

    def _ticket(
        self, client: _Client, rng: random.Random, headers: dict[str, str], kind: str, code: str, body: Any
    ) -> None:
        """A step of the office's queue: issue a ticket, call one to counter 1, or serve it."""
        if kind == "ticket":
            status, answer, seconds = client.post("/api/v1/tickets", body, headers)
        else:
            payload = {"counter": 1} if kind == "call" else {}
            status, answer, seconds = client.post(f"/api/v1/tickets/{body}/{kind}", payload, headers)
        self.record(kind, status, seconds)
        ok = status in (200, 201) and isinstance(answer, dict)
        with self.lock:
            if kind == "ticket":
                if ok:
                    self.report.tickets_issued += 1
                    self.waiting[code].append(answer["id"])
            elif kind == "call":
                if ok:
                    self.report.tickets_called += 1
                    self.counter[code] = ("at", body, time.monotonic(), rng.uniform(*SERVICE_SECONDS))
                else:
                    self.counter[code] = None
            else:
                self.report.tickets_served += int(ok)
                self.counter[code] = None

    def counters_due(self) -> list[tuple[str, str, int]]:
        """The counters' next steps: ``(kind, office code, ticket id)`` to send, each marked in flight."""
        due, now = [], time.monotonic()
        with self.lock:
            for code, state in self.counter.items():
                if state is None and self.waiting[code]:
                    ticket_id = self.waiting[code].popleft()
                    self.counter[code] = ("calling", ticket_id)
                    due.append(("call", code, ticket_id))
                elif state is not None and state[0] == "at" and now - state[2] >= state[3]:
                    self.counter[code] = ("serving", state[1])
                    due.append(("serve", code, state[1]))
        return due

    def _single(self, client: _Client, rng: random.Random, headers: dict[str, str], body: dict) -> None:
        headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
        status, answer, seconds = client.post("/api/v1/transactions", body, headers)
        self.record("transaction", status, seconds)
        if status != 201 or not isinstance(answer, dict):
            return
        with self.lock:
            self.report.created += 1
        if rng.random() >= self.retry_share:
            return
        # The office's system did not see this answer: it sends the very same request again.
        again, repeated, seconds = client.post("/api/v1/transactions", body, headers)
        self.record("retry", again, seconds)
        if again == 201 and isinstance(repeated, dict):
            with self.lock:
                if repeated.get("tracking_code") == answer.get("tracking_code"):
                    self.report.replayed += 1
                else:
                    self.report.replay_mismatches += 1

    def _batch(self, client: _Client, rng: random.Random, headers: dict[str, str], items: list[dict]) -> None:
        body = {"items": items}
        resend = rng.random() < self.retry_share
        for kind in ("batch", "batch resend") if resend else ("batch",):
            status, answer, seconds = client.post("/api/v1/transactions/batch", body, headers)
            self.record(kind, status, seconds)
            if kind == "batch":
                with self.lock:
                    self.report.sent["batch item"] += len(items)
            if status != 200 or not isinstance(answer, dict):
                continue
            with self.lock:
                self.report.created += answer.get("created", 0)
                self.report.batch_duplicates += answer.get("duplicate", 0)
                self.report.item_errors += answer.get("error", 0)


def simulation_run(
    *,
    url: str,
    offices: list[SimulatedOffice],
    rate: float,
    duration: float,
    run: str,
    concurrency: int = 16,
    retry_share: float = 0.05,
    batch_every: float = 20.0,
    seed: int = 1405,
    tickets_rate: float = 0.0,
    progress: Callable[[str], None] | None = None,
) -> SimulationReport:
    """Send ``rate`` transactions a second on average for ``duration`` seconds, heartbeats, and
    ``tickets_rate`` queue tickets a second issued, called and served at the online offices; report.

    Transactions arrive at random (exponential gaps) at a random office; an offline office keeps
    them for its next batch. Touches the database not at all: everything goes over HTTP.
    """
    state = _Run(url=url, offices=offices, retry_share=retry_share, seed=seed)
    state.report.target_rate = rate
    rng = random.Random(f"{seed}:schedule")
    jobs: queue.Queue = queue.Queue(maxsize=max(4, 4 * concurrency))
    workers = [
        threading.Thread(target=state.work, args=(jobs, number), daemon=True, name=f"simulate-{number}")
        for number in range(concurrency)
    ]
    for worker in workers:
        worker.start()

    started = time.monotonic()
    end = started + duration
    # An office's system beats when it starts and about once a minute; an offline one cannot, until
    # its link returns with its next batch.
    heartbeat_at = {
        o.code: started + rng.uniform(0, min(1.0, duration / 2)) for o in offices if not o.offline
    }
    batch_at = {o.code: started + rng.uniform(0.3, 1.0) * batch_every for o in offices if o.offline}
    stored: dict[str, list[dict]] = {o.code: [] for o in offices if o.offline}
    by_code = {office.code: office for office in offices}
    next_transaction = started + (rng.expovariate(rate) if rate > 0 else duration + 1)
    next_report, number = started + 10, 0
    online = [office for office in offices if not office.offline]
    next_ticket = started + (rng.expovariate(tickets_rate) if tickets_rate > 0 and online else duration + 1)
    next_counters = started + COUNTER_TICK

    def beat(office: SimulatedOffice) -> dict[str, Any]:
        return {"terminal_id": f"{office.code}-T1", "software_version": SOFTWARE_VERSION}

    while True:
        now = time.monotonic()
        if now >= end:
            break
        due = min(
            next_transaction,
            next_ticket,
            next_counters,
            min(heartbeat_at.values(), default=end),
            min(batch_at.values(), default=end),
        )
        if due > now:
            time.sleep(min(due, end) - now)
            continue
        if next_transaction <= now:
            number += 1
            office = offices[rng.randrange(len(offices))]
            body = _transaction(office, rng, run, number)
            if office.offline:
                stored[office.code].append(body)
            else:
                jobs.put(("transaction", office, body))
            next_transaction += rng.expovariate(rate)
        if next_ticket <= now:
            office = online[rng.randrange(len(online))]
            jobs.put(
                ("ticket", office, {"service": rng.choice(office.menu)[0], "priority": rng.random() < 0.1})
            )
            next_ticket += rng.expovariate(tickets_rate)
        if next_counters <= now:
            for kind, code, ticket_id in state.counters_due():
                jobs.put((kind, by_code[code], ticket_id))
            next_counters = now + COUNTER_TICK
        for code, at in heartbeat_at.items():
            if at <= now:
                jobs.put(("heartbeat", by_code[code], beat(by_code[code])))
                heartbeat_at[code] = at + HEARTBEAT_EVERY * rng.uniform(0.95, 1.05)
        for code, at in batch_at.items():
            if at <= now:
                if stored[code]:
                    jobs.put(("heartbeat", by_code[code], beat(by_code[code])))
                    jobs.put(("batch", by_code[code], stored[code]))
                    stored[code] = []
                batch_at[code] = at + batch_every
        if progress and now >= next_report:
            next_report += 10
            progress(f"  {now - started:.0f} s: {number:,} transactions so far")
    # The links come back: every offline office sends what it still holds.
    for code, items in stored.items():
        if items:
            jobs.put(("heartbeat", by_code[code], beat(by_code[code])))
            jobs.put(("batch", by_code[code], items))
    for _worker in workers:
        jobs.put(None)
    for worker in workers:
        worker.join()
    state.report.seconds = time.monotonic() - started
    return state.report


def run_name() -> str:
    """A short random name for a run: its keys' name and its office references' prefix."""
    return dt.datetime.now(tz=dt.UTC).strftime("%Y%m%d%H%M") + "-" + secrets.token_hex(3)
