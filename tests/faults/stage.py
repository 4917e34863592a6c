"""The fault suite's work inside Django, run as its own process on the suite's database:

    python -m tests.faults.stage prepare AGENCY_URL SECRET OFFICES   → JSON: the offices' keys, the service
    python -m tests.faults.stage check ACKS_FILE SMS_LOG             → JSON: what the database holds

(The suite's own process never opens that database through Django: PostgreSQL is restarted under it.)
``prepare`` migrates a fresh database and builds, through the domain services as the counter's tests
do, an agency reached over HTTP at the reference agency server, a service with a tariff in force and
``OFFICES`` licensed offices each with an office's key. ``check`` compares what the simulated offices
were acknowledged with what was stored, delivered and texted.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path


def prepare(agency_url: str, secret: str, offices: int) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from pishkhan.accounts.services import apikey_create
    from pishkhan.catalogue.models import Agency
    from pishkhan.gateway.services import agency_secret_set
    from pishkhan.geo.selectors import geo_is_loaded
    from pishkhan.geo.services import geo_load
    from tests.licensing.factories import imported
    from tests.offices.factories import make_agency, make_office, make_service, make_tariff_since

    if not geo_is_loaded():
        geo_load()
    agency = make_agency()
    Agency.objects.filter(pk=agency.pk).update(adapter="http", base_url=agency_url, timeout_seconds=5)
    agency.refresh_from_db()
    agency_secret_set(agency=agency, secret=secret, actor=None)
    service = make_service(agency, "pension-statement")
    government, office_fee = 500_000, 150_000
    make_tariff_since(service, days=60, government_fee=government, office_fee=office_fee)
    keys = {}
    for n in range(1, offices + 1):
        office = make_office(n)
        imported(office, status="active")
        keys[office.code] = apikey_create(holder_kind="office", holder_code=office.code, actor=None)[1]
    return {"service": service.code, "fee": government + office_fee, "keys": keys}


def check(acks_file: str, sms_log: str) -> dict:
    """What was stored against what was acknowledged (``acks_file``: [office, reference, tracking code])."""
    from django.db.models import Count

    from pishkhan.gateway.models import DeliveryAttempt, OutboundRequest
    from pishkhan.gateway.states import AttemptOutcome, OutboundState
    from pishkhan.notifications.models import Message, MessageStatus
    from pishkhan.transactions.models import CounterTransaction, TransactionEvent
    from pishkhan.transactions.states import FINAL_STATES, TransactionState

    acks = json.loads(Path(acks_file).read_text())
    stored: dict[tuple[str, str], list[str]] = {}
    for office, reference, code in CounterTransaction.objects.values_list(
        "office__code", "office_reference", "tracking_code"
    ):
        stored.setdefault((office, reference), []).append(code)
    lost, duplicated, other_code = [], [], []
    for office, reference, code in acks:
        found = stored.get((office, reference), [])
        if not found:
            lost.append(reference)
        elif len(found) > 1:
            duplicated.append(reference)
        elif found[0] != code:
            other_code.append(reference)
    states = Counter(CounterTransaction.objects.values_list("state", flat=True))
    stuck = sum(count for state, count in states.items() if state not in FINAL_STATES)

    outbox = Counter(OutboundRequest.objects.values_list("state", flat=True))
    per_transaction = Counter(OutboundRequest.objects.values_list("idempotency_key", flat=True))
    # Delivered once: one row per transaction, its result applied once (one final event each).
    finals = Counter(
        TransactionEvent.objects.filter(to_state__in=[TransactionState.COMPLETED, TransactionState.REJECTED])
        .values("transaction_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    answered = Counter(
        DeliveryAttempt.objects.filter(outcome=AttemptOutcome.ANSWERED)
        .values("request_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    abandoned = DeliveryAttempt.objects.filter(outcome=AttemptOutcome.ABANDONED).count()

    lines: Counter = Counter()
    log = Path(sms_log)
    if log.exists():
        for raw in log.read_text(encoding="utf-8").splitlines():
            try:
                key = json.loads(raw).get("key")
            except ValueError:
                continue
            if key:
                lines[key] += 1
    messages = dict(Message.objects.values_list("key", "status"))
    sent = [key for key, status in messages.items() if status == MessageStatus.SENT]
    return {
        "acknowledged": len(acks),
        "stored": sum(len(codes) for codes in stored.values()),
        "lost": lost,
        "duplicated": duplicated,
        "other_code": other_code,
        "states": dict(states),
        "stuck": stuck,
        "outbox": dict(outbox),
        "outbox_not_final": sum(
            n for state, n in outbox.items() if state not in (OutboundState.DELIVERED, OutboundState.DEAD)
        ),
        "outbox_rows_per_transaction_max": max(per_transaction.values(), default=0),
        "results_applied_more_than_once": sum(n for times, n in finals.items() if times > 1),
        "answered_attempts_per_row": {str(times): n for times, n in sorted(answered.items())},
        "abandoned_attempts": abandoned,
        "messages": dict(Counter(messages.values())),
        "messages_sent": len(sent),
        "sms_lines": sum(lines.values()),
        "sms_twice": sorted(key for key, n in lines.items() if n > 1),
        "sms_sent_not_in_log": sorted(key for key in sent if key not in lines),
        "sms_in_log_not_sent": sorted(key for key in lines if messages.get(key) != MessageStatus.SENT),
    }


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.test")
    import django

    django.setup()
    if argv[0] == "prepare":
        result = prepare(argv[1], argv[2], int(argv[3]))
    elif argv[0] == "check":
        result = check(argv[1], argv[2])
    else:
        raise SystemExit(f"unknown stage {argv[0]!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
