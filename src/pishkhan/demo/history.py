"""The demo's transaction history: days of counter traffic over the whole network, built from a seed.

Shape, so that dashboards and supervision have something true-looking to find:
- **volume**: a national year is about 100 million transactions (``NATIONAL_YEAR``; ``scale`` takes
  a share of it). Offices were placed by population, so equal rates per counter follow population;
  each office's rate goes with its counters and a fixed popularity of its own;
- **the week and the day**: arrivals fall within each office's opening hours (mornings ~7:30–14:30,
  an afternoon shift in many city offices, Thursday short, Friday closed), busiest mid-morning;
- **the year**: closed on Iran's official holidays (``holidays.py``), quiet from Nowruz until Sizdah
  Bedar, busy in Esfand before the new year;
- **misconduct and mishaps**: ``OVERCHARGE_SHARE`` of fees above the tariff, ``FAILED_SHARE`` of
  deliveries that failed, ``REJECTED_SHARE`` rejected by the agency.

Everything is written through ``transactions_history_import`` (the same checks as any import), in
batches of ``BATCH_ROWS``, so memory stays flat for a year of the whole network. Each day draws from
its own generator seeded by (seed, day): the same seed gives the same history, whichever days were
built before. Tracking codes are the exception: they come from the OS's CSPRNG, as every tracking
code does (a guessable code would reveal other citizens' transactions).

An office of a kind the regulator licenses has history only on the days its licence let it transact:
from the licence's activation until the day before it ended (revoked, expired, surrendered). An
office whose licence is suspended has none (an import records when a suspension ends, not when it
began, so the history cannot tell the days before it), nor one whose licence was never activated.

The history ends today, at the present moment (a transaction recorded in the last minute or two is
left for the live counter), so an operator's counter shows today's work on a fresh ``pishkhan up``.
A day that already has demo history (its office references ``H-<Jalali date>-…`` exist) is skipped,
so ``pishkhan demo --days 365`` after ``pishkhan up`` adds the missing days only.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import jdatetime
from django.utils import timezone

from pishkhan.catalogue.models import Service
from pishkhan.catalogue.selectors import services_deliverable_by, tariff_history
from pishkhan.common.bulk import IN_BATCH
from pishkhan.common.calendar import TEHRAN
from pishkhan.demo import names
from pishkhan.demo.catalogue_seed import AGENCIES
from pishkhan.demo.holidays import NOWRUZ_QUIET_UNTIL, iranian_weekday, is_official_holiday
from pishkhan.licensing.models import LICENSED_KINDS, Licence
from pishkhan.licensing.states import LicenceStatus
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import office_list
from pishkhan.offices.states import OfficeStatus
from pishkhan.transactions.models import CounterTransaction
from pishkhan.transactions.services import HistoryRow, transactions_history_import
from pishkhan.transactions.states import TransactionState

NATIONAL_YEAR = 100_000_000  # counter transactions a year over the whole network, at scale 1
NATIONAL_OFFICES = 13_000  # the network that serves them (``network.DEFAULT_OFFICES``)
OVERCHARGE_SHARE = 0.03
FAILED_SHARE = 0.01
REJECTED_SHARE = 0.025
BATCH_ROWS = 20_000  # rows per import call: one transaction, a few tens of MB at most

# What `pishkhan up` builds: the last week at 3% of the national volume (~60,000 transactions with
# ~180,000 events, 7–8 s on SQLite), which keeps a fresh `up` at about half its 60 s budget
# (benchmarks/README.md). `pishkhan demo --days N --scale F` builds longer and fuller histories.
UP_DAYS = 7
UP_SCALE = 0.03

# A transaction recorded this close to now is left out: its delivery would still be under way.
SETTLING = dt.timedelta(minutes=2)
# The licence states whose activation-to-end span the office transacted in (a suspension: see above).
_TRANSACTED_UNDER = frozenset(
    {LicenceStatus.ACTIVE, LicenceStatus.REVOKED, LicenceStatus.EXPIRED, LicenceStatus.SURRENDERED}
)

# Citizens are drawn from a pool, so that some come back: the pool holds this many per transaction.
CITIZENS_PER_TRANSACTION = 0.4
CITIZENS_MIN, CITIZENS_MAX = 2_000, 500_000  # the pool's memory: ~90 MB at most
AFTERNOON = 15 * 60  # minutes: ranges opening later are an afternoon shift, quieter than mornings
AFTERNOON_WEIGHT = 0.6
ESFAND_WEIGHT = 1.15
NOWRUZ_WEIGHT = 0.35

REJECTION_REASONS = (
    "مدارک بارگذاری‌شده ناقص است.",
    "اطلاعات متقاضی با سامانه ثبت احوال مطابقت ندارد.",
    "پرونده متقاضی در دستگاه تکراری است.",
    "متقاضی واجد شرایط دریافت این خدمت نیست.",
)
FAILURE_DETAIL = "ارسال به سامانه دستگاه پس از چند تلاش ناموفق ماند."


@dataclass
class HistoryReport:
    """What the history build wrote, over how many days, and how fast."""

    transactions: int = 0
    events: int = 0
    days: int = 0
    days_skipped: int = 0
    seconds: float = 0.0
    seconds_writing: float = 0.0  # of ``seconds``, inside the import service (checks and writes)
    states: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Rows written: transactions and their events."""
        return self.transactions + self.events

    def __str__(self) -> str:
        rate = self.transactions / self.seconds if self.seconds else 0.0
        rows = self.rows / self.seconds if self.seconds else 0.0
        skipped = f" ({self.days_skipped} already built)" if self.days_skipped else ""
        return (
            f"{self.transactions:,} transactions with {self.events:,} events over {self.days} days{skipped} "
            f"in {self.seconds:.1f} s ({rate:,.0f} transactions/s, {rows:,.0f} rows/s)"
        )


def day_weight(day: dt.date) -> float:
    """How busy the offices are on ``day`` compared with an ordinary working day (0: closed)."""
    if is_official_holiday(day):
        return 0.0
    jalali = jdatetime.date.fromgregorian(date=day)
    if jalali.month == 1 and jalali.day <= NOWRUZ_QUIET_UNTIL:
        return NOWRUZ_WEIGHT
    if jalali.month == 12:
        return ESFAND_WEIGHT
    return 1.0


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


Span = tuple[dt.date, dt.date | None]  # first and last day (None: still running)
_ALWAYS: tuple[Span, ...] = ((dt.date.min, None),)


def licensed_spans(offices: list[Office]) -> dict[int, tuple[Span, ...]]:
    """Per office, the spans of days its licences let it transact (every day for a kind that needs no
    licence; none for a licensed office without an activated licence)."""
    spans: dict[int, list[Span]] = {}
    licensed = [office.pk for office in offices if office.kind in LICENSED_KINDS]
    for start in range(0, len(licensed), IN_BATCH):
        rows = Licence.objects.filter(
            office_id__in=licensed[start : start + IN_BATCH],
            status__in=_TRANSACTED_UNDER,
            activated_at__isnull=False,
        ).values_list("office_id", "activated_at", "ended_at")
        for office_id, activated_at, ended_at in rows:
            last = timezone.localdate(ended_at) - dt.timedelta(days=1) if ended_at else None
            spans.setdefault(office_id, []).append((timezone.localdate(activated_at), last))
    return {
        office.pk: _ALWAYS if office.kind not in LICENSED_KINDS else tuple(spans.get(office.pk, ()))
        for office in offices
    }


def _within(spans: tuple[Span, ...], day: dt.date) -> bool:
    return any(first <= day and (last is None or day <= last) for first, last in spans)


@dataclass(frozen=True)
class _OfficePlan:
    """An office's traffic: its weighted opening ranges per weekday and its share of the volume."""

    office: Office
    ranges: tuple[tuple[tuple[int, int, float], ...], ...]  # per weekday: (open, close, weight) minutes
    day_capacity: tuple[float, ...]  # per weekday: counters × popularity × weighted open hours
    clerks: tuple[str, ...]
    spans: tuple[Span, ...] = _ALWAYS  # the days it may transact (its licences)


def _office_plans(
    offices: list[Office], rng: random.Random, spans: dict[int, tuple[Span, ...]]
) -> list[_OfficePlan]:
    plans = []
    for office in offices:
        popularity = rng.lognormvariate(0, 0.3)
        clerks = tuple(" ".join(names.person_name(rng)) for _ in range(min(office.counters, 3)))
        ranges, capacity = [], []
        for weekday in range(7):
            day = []
            for opens, closes in (office.opening_hours or {}).get(str(weekday), []):
                start, stop = _minutes(opens), _minutes(closes)
                day.append((start, stop, AFTERNOON_WEIGHT if start >= AFTERNOON else 1.0))
            ranges.append(tuple(day))
            hours = sum((stop - start) * weight for start, stop, weight in day) / 60
            capacity.append(office.counters * popularity * hours)
        plans.append(_OfficePlan(office, tuple(ranges), tuple(capacity), clerks, spans[office.pk]))
    return plans


@dataclass(frozen=True)
class _Menu:
    """The services one kind of office delivers, with cumulative popularity for a quick weighted pick."""

    services: tuple[Service, ...]
    cumulative: tuple[float, ...]

    def pick(self, rng: random.Random) -> Service:
        return self.services[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _menus(kinds: set[str]) -> dict[str, _Menu]:
    """Per office kind, its deliverable services weighted by their agency's in-person demand."""
    demand = {agency.code: agency.visits_per_capita for agency in AGENCIES}
    usual = sorted(demand.values())[len(demand) // 2]
    menus = {}
    for kind in kinds:
        services = list(services_deliverable_by(kind=kind))
        if not services:
            continue
        per_agency: dict[int, int] = {}
        for service in services:
            per_agency[service.agency_id] = per_agency.get(service.agency_id, 0) + 1
        weights = [demand.get(s.agency.code, usual) / per_agency[s.agency_id] for s in services]
        menus[kind] = _Menu(tuple(services), tuple(itertools.accumulate(weights)))
    return menus


class _Tariffs:
    """The total fee in force per service and day, from each service's tariff history read once."""

    def __init__(self, services: list[Service]) -> None:
        self.history = {
            service.pk: sorted(tariff_history(service=service), key=lambda tariff: tariff.effective_from)
            for service in services
        }
        self.cache: dict[tuple[int, dt.date], int | None] = {}

    def on(self, service: Service, day: dt.date) -> int | None:
        """The total in force on ``day``; None before the service's first tariff (the counter, and
        so the history import, refuses a service without one)."""
        key = (service.pk, day)
        if key not in self.cache:
            history = self.history.get(service.pk) or []
            starts = [tariff.effective_from for tariff in history]
            index = bisect.bisect_right(starts, day) - 1
            self.cache[key] = history[index].total if index >= 0 else None
        return self.cache[key]


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:  # the normal approximation is close enough here, and fast
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _citizens(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(national ID, mobile) pairs with valid check digits."""
    pool = []
    for _ in range(count):
        while True:
            body = f"{rng.randrange(10**9):09d}"
            remainder = sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
            national_id = body + str(remainder if remainder < 2 else 11 - remainder)
            if len(set(national_id)) > 1:
                break
        pool.append((national_id, names.mobile(rng)))
    return pool


@dataclass
class _Day:
    """Everything one day's rows are drawn from."""

    day: dt.date
    weight: float
    per_capacity: float  # expected transactions per unit of an office's capacity on this day
    reference_prefix: str = ""

    def __post_init__(self) -> None:
        jalali = jdatetime.date.fromgregorian(date=self.day)
        self.reference_prefix = f"H-{jalali.year}{jalali.month:02d}{jalali.day:02d}-"


class _Generator:
    """Draws the rows of one day for every office."""

    def __init__(
        self,
        *,
        plans: list[_OfficePlan],
        menus: dict[str, _Menu],
        tariffs: _Tariffs,
        citizens: list[tuple[str, str]],
        seed: int,
        now: dt.datetime,
    ) -> None:
        self.plans, self.menus, self.tariffs, self.citizens = plans, menus, tariffs, citizens
        self.seed, self.now = seed, now

    def rows(self, day: _Day) -> Iterator[HistoryRow]:
        rng = random.Random(f"{self.seed}:{day.day.isoformat()}")
        weekday = iranian_weekday(day.day)
        midnight = dt.datetime(day.day.year, day.day.month, day.day.day, tzinfo=TEHRAN)
        latest = self.now - dt.timedelta(seconds=1)
        settled = self.now - SETTLING
        citizens, seconds = self.citizens, dt.timedelta(seconds=1)
        for plan in self.plans:
            ranges = plan.ranges[weekday]
            menu = self.menus.get(plan.office.kind)
            if not ranges or menu is None or not _within(plan.spans, day.day):
                continue
            count = _poisson(rng, plan.day_capacity[weekday] * day.per_capacity)
            if not count:
                continue
            range_weights = [(stop - start) * weight for start, stop, weight in ranges]
            for number in range(1, count + 1):
                start, stop, _ = ranges[0] if len(ranges) == 1 else rng.choices(ranges, range_weights)[0]
                minute = rng.triangular(start, stop, start + (stop - start) * 0.35)
                recorded = midnight + seconds * int(minute * 60)
                service = menu.pick(rng)
                tariff = self.tariffs.on(service, day.day)
                if tariff is None:
                    continue  # not yet priced that day: no office could have recorded it
                fee = tariff
                if rng.random() < OVERCHARGE_SHARE:
                    fee = tariff + max(10_000, int(round(tariff * rng.uniform(0.1, 0.5), -4)))
                national_id, mobile = citizens[rng.randrange(len(citizens))]
                draw = rng.random()
                received = recorded + seconds * rng.randint(0, 3)
                if draw < FAILED_SHARE:
                    # The gateway retried for hours and gave up: never submitted.
                    state, submitted, detail = TransactionState.FAILED, None, FAILURE_DETAIL
                    finished = received + seconds * rng.randint(3600, 12 * 3600)
                else:
                    submitted = received + seconds * rng.randint(1, 40)
                    if draw < FAILED_SHARE + REJECTED_SHARE:
                        state, detail = TransactionState.REJECTED, rng.choice(REJECTION_REASONS)
                    else:
                        state, detail = TransactionState.COMPLETED, ""
                    finished = submitted + seconds * int(service.target_minutes * 60 * rng.uniform(0.1, 1.3))
                if recorded > settled:
                    continue  # later today: drawn all the same, so the rows before it stay the same
                yield HistoryRow(
                    office=plan.office,
                    service=service.code,
                    national_id=national_id,
                    mobile=mobile,
                    fee_charged=fee,
                    office_reference=f"{day.reference_prefix}{number:04d}",
                    state=state,
                    recorded_at=recorded,
                    received_at=received,
                    submitted_at=submitted,
                    finished_at=min(finished, latest),
                    clerk=plan.clerks[number % len(plan.clerks)],
                    detail=detail,
                )


def _already_built(first: HistoryRow) -> bool:
    """Whether the day of this (first) row was built before: its office holds its reference."""
    return CounterTransaction.objects.filter(
        office_id=first.office.pk, office_reference=first.office_reference
    ).exists()


def history_build(
    *,
    days: int,
    scale: float,
    seed: int,
    end: dt.date | None = None,
    offices: list[Office] | None = None,
    actor: object = None,
    progress: Callable[[str], None] | None = None,
    batch_rows: int = BATCH_ROWS,
    now: dt.datetime | None = None,
) -> HistoryReport:
    """Build ``days`` days of history ending ``end`` (today, up to now) at ``scale`` × the national volume.

    ``offices`` defaults to every office of the registry that is not closed; each has history only on
    the days its licence let it transact (see above). ``now`` (the present by default) is where
    the history stops. Volume is calibrated on the year ending
    ``end``: at scale 1, ``NATIONAL_OFFICES`` offices like these would serve ``NATIONAL_YEAR``
    transactions in those 365 days (a smaller network serves proportionally fewer).
    """
    started = time.perf_counter()
    report = HistoryReport()
    now = now or timezone.now()
    end = end or timezone.localdate(now)
    if offices is None:
        offices = list(
            office_list()
            .select_related(None)
            .exclude(status=OfficeStatus.CLOSED)
            .only("id", "code", "kind", "counters", "opening_hours")
        )
    if days <= 0 or not offices:
        return report
    # By code: each office draws the same popularity and clerks whoever listed the offices.
    offices = sorted(offices, key=lambda office: office.code)
    plans = _office_plans(offices, random.Random(f"{seed}:offices"), licensed_spans(offices))
    menus = _menus({office.kind for office in offices})
    tariffs = _Tariffs([s for menu in menus.values() for s in menu.services])

    # Calibrate: the capacity-weighted busy days of the year ending `end`, of a national network of
    # offices like these, share NATIONAL_YEAR × scale.
    per_weekday = [sum(plan.day_capacity[weekday] for plan in plans) for weekday in range(7)]
    year = [end - dt.timedelta(days=offset) for offset in range(365)]
    weights = {day: day_weight(day) for day in year}
    annual = sum(weights[day] * per_weekday[iranian_weekday(day)] for day in year)
    national = annual * NATIONAL_OFFICES / len(plans)
    per_capacity = NATIONAL_YEAR * scale / national if national else 0.0

    expected = NATIONAL_YEAR * scale * days / 365 * len(plans) / NATIONAL_OFFICES
    citizens = _citizens(
        random.Random(f"{seed}:citizens"),
        min(CITIZENS_MAX, max(CITIZENS_MIN, int(expected * CITIZENS_PER_TRANSACTION))),
    )
    generator = _Generator(plans=plans, menus=menus, tariffs=tariffs, citizens=citizens, seed=seed, now=now)

    batch: list[HistoryRow] = []

    def flush() -> None:
        writing = time.perf_counter()
        imported = transactions_history_import(rows=batch, actor=actor, now=now)
        report.seconds_writing += time.perf_counter() - writing
        report.transactions += imported.transactions
        report.events += imported.events
        for row in batch:
            report.states[row.state] = report.states.get(row.state, 0) + 1
        batch.clear()

    for offset in range(days - 1, -1, -1):
        day = end - dt.timedelta(days=offset)
        weight = weights[day] if day in weights else day_weight(day)
        report.days += 1
        if not weight:
            continue
        rows = generator.rows(_Day(day=day, weight=weight, per_capacity=per_capacity * weight))
        first = next(rows, None)
        if first is None:
            continue
        if _already_built(first):
            report.days_skipped += 1
            continue
        for row in itertools.chain((first,), rows):
            batch.append(row)
            if len(batch) >= batch_rows:
                flush()
        if progress and offset % 30 == 0:
            so_far, elapsed = report.transactions + len(batch), time.perf_counter() - started
            progress(
                f"  history to {day.isoformat()}: {so_far:,} transactions in {elapsed:.0f} s "
                f"({so_far / elapsed:,.0f}/s)"
            )
    if batch:
        flush()
    report.seconds = time.perf_counter() - started
    return report
