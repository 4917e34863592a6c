"""The inactivity campaign's candidates query on the national network, beside a grouped scan.

Run by hand on PostgreSQL:  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_inactive \\
                            .venv/bin/python benchmarks/bench_inactive_candidates.py --transactions 3000000
and on SQLite:              .venv/bin/python benchmarks/bench_inactive_candidates.py --transactions 1000000
Prepares the database if needed (migrate, geography, the 13,000-office network without history; a
fresh temporary SQLite directory unless --data-dir or DATABASE_URL says otherwise), then, if they are
missing: a licence for every licensed office (imported through ``licences_issue_many``: about 6% issued
and never activated, the rest active or suspended), --transactions counter transactions spread over the
last year (written with ``common.bulk``: about 8% of the active offices fell silent more than 180 days
ago), and a heartbeat row for most offices. Then it times, as medians of --runs:
1. ``inactive_licence_candidates`` (national, and one province): the selector, with its evidence;
2. the alternative it avoids: one grouped query of every office's last transaction (MAX over the whole
   table), which reads every row of the table instead of one index probe per licence.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time


def _prepare() -> None:
    from django.core.management import call_command

    from pishkhan.demo.network import network_build, network_is_built
    from pishkhan.geo.selectors import geo_is_loaded
    from pishkhan.geo.services import geo_load

    call_command("migrate", verbosity=0)
    if not geo_is_loaded():
        geo_load()
    if not network_is_built():
        started = time.perf_counter()
        try:
            network_build(history_days=0)
        except TypeError:  # a network builder without history
            network_build()
        print(f"network built in {time.perf_counter() - started:.1f} s")


def _licences(rng: random.Random) -> None:
    from django.utils import timezone

    from pishkhan.licensing.models import LICENSED_KINDS, Licence
    from pishkhan.licensing.services import LicenceDraft, licences_issue_many
    from pishkhan.offices.models import Office

    if Licence.objects.exists():
        return
    now = timezone.now()
    today = timezone.localdate(now)
    drafts = []
    for code in (
        Office.objects.filter(kind__in=LICENSED_KINDS).order_by("code").values_list("code", flat=True)
    ):
        issued_on = today - dt.timedelta(days=rng.randint(30, 1500))
        draw = rng.random()
        if draw < 0.06:
            drafts.append(LicenceDraft(office=code, status="issued", issued_on=issued_on))
            continue
        signal = dt.datetime.combine(issued_on, dt.time(10), tzinfo=dt.UTC) + dt.timedelta(
            days=rng.randint(1, 25)
        )
        signal = min(signal, now - dt.timedelta(days=1))
        if draw < 0.08:
            drafts.append(
                LicenceDraft(
                    office=code,
                    status="suspended",
                    issued_on=issued_on,
                    first_signal_at=signal,
                    suspended_until=today + dt.timedelta(days=30),
                )
            )
        else:
            drafts.append(
                LicenceDraft(office=code, status="active", issued_on=issued_on, first_signal_at=signal)
            )
    started = time.perf_counter()
    licences_issue_many(rows=drafts, actor="benchmark")
    print(f"{len(drafts):,} licences imported in {time.perf_counter() - started:.1f} s")


def _transactions(rng: random.Random, target: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from pishkhan.catalogue.models import Service
    from pishkhan.common.bulk import insert_dicts
    from pishkhan.licensing.models import Licence
    from pishkhan.transactions.models import CounterTransaction, OfficeLiveness

    have = CounterTransaction.objects.count()
    if have >= target * 0.95:  # (whole transactions per office: a little under the target)
        print(f"{have:,} transactions already there")
        return
    now = timezone.now()
    offices = list(
        Licence.objects.filter(status__in=["active", "suspended"]).values_list("office_id", "activated_at")
    )
    service_id = Service.objects.values_list("pk", flat=True).first()
    # About 8% of the active offices fell silent 181 to 365 days ago; the others worked until recently.
    silent_since = {
        office: now - dt.timedelta(days=rng.randint(181, 365)) for office, _ in offices if rng.random() < 0.08
    }
    per_office = (target - have) // len(offices)
    started = time.perf_counter()
    code = 10**10 + have
    chunk: list[dict] = []
    written = 0
    with transaction.atomic():
        for office, activated_at in offices:
            latest = silent_since.get(office, now - dt.timedelta(hours=rng.randint(1, 24 * 30)))
            earliest = max(activated_at, now - dt.timedelta(days=365))
            span = max((latest - earliest).total_seconds(), 1)
            for n in range(per_office):
                at = earliest + dt.timedelta(seconds=rng.random() * span)
                code += 1
                chunk.append(
                    {
                        "tracking_code": str(code),
                        "office_id": office,
                        "service_id": service_id,
                        "clerk": "",
                        "office_reference": f"B-{n}",
                        "citizen_key": "0" * 64,
                        "citizen_masked": "001*****00",
                        "mobile_masked": "",
                        "mobile_sealed": "",
                        "fee_charged": 650_000,
                        "fee_tariff": None,
                        "state": "completed",
                        "recorded_at": at,
                        "received_at": at,
                        "submitted_at": at,
                        "finished_at": at,
                        "agency_reference": "",
                        "notified_at": None,
                    }
                )
                if len(chunk) == 50_000:
                    insert_dicts(CounterTransaction, chunk)
                    written += len(chunk)
                    chunk = []
        insert_dicts(CounterTransaction, chunk)
        written += len(chunk)
        if not OfficeLiveness.objects.exists():
            beats = [
                {
                    "office_id": office,
                    "last_seen_at": now - dt.timedelta(minutes=rng.randint(1, 60 * 24 * 400)),
                    "terminal_id": "T-1",
                    "software_version": "1.0",
                }
                for office, _ in offices
                if rng.random() < 0.9
            ]
            insert_dicts(OfficeLiveness, beats)
    with connection.cursor() as cursor:  # what autovacuum does to a table in service
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"{written:,} transactions written in {time.perf_counter() - started:.1f} s")


def _median(func, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=3_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1405)
    parser.add_argument(
        "--data-dir", help="a prepared data directory (SQLite); default: a fresh temporary one"
    )
    options = parser.parse_args()
    os.environ.setdefault("PISHKHAN_DEMO", "1")
    os.environ["PISHKHAN_DATA_DIR"] = options.data_dir or tempfile.mkdtemp(prefix="pishkhan-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max

    from pishkhan.licensing.models import Licence
    from pishkhan.supervision.criteria import InactivityCriteria
    from pishkhan.supervision.selectors import candidates_by_province, inactive_licence_candidates
    from pishkhan.transactions.models import CounterTransaction

    rng = random.Random(options.seed)
    _prepare()
    _licences(rng)
    _transactions(rng, options.transactions)
    criteria = InactivityCriteria()
    print(
        f"{connection.vendor}: {Licence.objects.count():,} licences, "
        f"{CounterTransaction.objects.count():,} transactions"
    )

    national_ms, found = _median(
        lambda: inactive_licence_candidates(criteria=criteria, scope={}), options.runs
    )
    province_ms, in_tehran = _median(
        lambda: inactive_licence_candidates(criteria=criteria, scope={"province": "23"}), options.runs
    )
    grouped_ms, last = _median(
        lambda: dict(CounterTransaction.objects.values_list("office_id").annotate(Max("received_at"))),
        max(1, options.runs // 2),
    )
    never = sum(1 for c in found if c.criterion == "never_activated")
    print(
        f"candidates: {len(found):,} ({never:,} never activated, {len(found) - never:,} idle) "
        f"in {len(candidates_by_province(found))} provinces; Tehran {len(in_tehran):,}"
    )
    print(f"inactive_licence_candidates, national:      {national_ms:8.1f} ms (median of {options.runs})")
    print(f"inactive_licence_candidates, province 23:   {province_ms:8.1f} ms")
    print(f"grouped MAX(received_at) of every office:   {grouped_ms:8.1f} ms ({len(last):,} offices)")
    print(f"the selector is {grouped_ms / national_ms:.1f}x faster than the grouped scan alone")


if __name__ == "__main__":
    main()
