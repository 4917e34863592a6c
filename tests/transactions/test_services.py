"""Recording counter transactions through the services: every rule, idempotency, batches, heartbeats."""

from __future__ import annotations

import datetime as dt

import jdatetime
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.crypto import salted_hmac

from pishkhan.audit.models import AuditEntry
from pishkhan.catalogue.lookups import Lookups
from pishkhan.common.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from pishkhan.common.identifiers import tracking_code_is_valid
from pishkhan.common.money import MAX_RIALS
from pishkhan.gateway.models import OutboundRequest
from pishkhan.offices.services import office_set_status
from pishkhan.transactions.models import (
    CounterTransaction,
    Heartbeat,
    OfficeLiveness,
    TransactionEvent,
)
from pishkhan.transactions.selectors import office_last_seen, transaction_get
from pishkhan.transactions.services import (
    BATCH_MAX,
    CITIZEN_KEY_SALT,
    citizen_key,
    heartbeat_record,
    request_fingerprint,
    transaction_advance,
    transaction_check,
    transaction_record,
    transactions_record_batch,
)
from tests.offices.factories import make_service, make_tariff, national_id
from tests.transactions.conftest import TARIFF
from tests.transactions.factories import posted_body

SERVICE = "tamin.pension-statement"
CITIZEN = national_id(4242)


def values(**overrides):
    """A valid transaction as an office's system would send it."""
    return {
        "service_code": SERVICE,
        "national_id": CITIZEN,
        "mobile": "09121234567",
        "fee_charged": TARIFF,
        "clerk": "مریم رضایی",
        "office_reference": "REF-1",
    } | overrides


def record(office, *, key="key-1", **overrides):
    """Record through the service, with a fingerprint of exactly what was sent."""
    given = values(**overrides)
    return transaction_record(
        office=office,
        idempotency_key=key,
        request_fingerprint=request_fingerprint({k: str(v) for k, v in given.items()}),
        actor=None,
        **given,
    )


def test_record_stores_the_transaction_and_answers_its_tracking_code_and_tariff(counter):
    # when an office records a transaction
    recorded = record(counter["office"])

    # then it is new, received, with a valid tracking code and the tariff in force
    transaction = recorded.transaction
    assert recorded.created is True
    assert recorded.status == 201
    assert tracking_code_is_valid(transaction.tracking_code)
    assert transaction.state == "received"
    assert (transaction.fee_charged, transaction.fee_tariff) == (TARIFF, TARIFF)
    assert recorded.answer["tracking_code"] == transaction.tracking_code
    assert recorded.answer["fee_tariff"] == TARIFF
    assert recorded.answer["fee_differs"] is False
    # and its first event is timed
    event = TransactionEvent.objects.get(transaction=transaction)
    assert (event.from_state, event.to_state, event.at) == ("", "received", transaction.received_at)


def test_the_new_transaction_handed_back_is_the_row_as_stored(counter):
    # The write goes without the ORM; the transaction handed back is made from what was written.
    recorded = record(counter["office"], clerk="Clerk 9", fee_charged=TARIFF + 5)

    handed = recorded.transaction
    stored = CounterTransaction.objects.get(pk=handed.pk)
    fields = [f.attname for f in CounterTransaction._meta.concrete_fields]
    assert {name: getattr(handed, name) for name in fields} == {
        name: getattr(stored, name) for name in fields
    }
    assert handed._state.adding is False
    assert recorded.transaction is handed  # made once


def test_citizen_is_kept_hashed_and_masked_only(counter):
    transaction = record(counter["office"]).transaction

    assert transaction.citizen_key == citizen_key(CITIZEN)
    assert len(transaction.citizen_key) == 64
    assert CITIZEN not in transaction.citizen_key
    assert transaction.citizen_masked == CITIZEN[:3] + "*****" + CITIZEN[-2:]
    assert transaction.mobile_masked == "0912***4567"
    row = CounterTransaction.objects.filter(pk=transaction.pk).values().get()
    assert not any(CITIZEN in str(value) for value in row.values())
    assert not any("09121234567" in str(value) for value in row.values())


def test_citizen_key_is_keyed_and_deterministic(settings):
    first = citizen_key(CITIZEN)
    assert citizen_key(CITIZEN) == first
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789-abcdefghijkl"
    assert citizen_key(CITIZEN) != first


def test_citizen_key_is_djangos_salted_hmac_so_stored_keys_still_match(settings):
    expected = salted_hmac(CITIZEN_KEY_SALT, CITIZEN, algorithm="sha256").hexdigest()
    assert citizen_key(CITIZEN) == expected


def test_a_fee_unlike_the_tariff_is_stored_as_charged(counter):
    transaction = record(counter["office"], fee_charged=TARIFF + 100_000).transaction

    assert (transaction.fee_charged, transaction.fee_tariff, transaction.fee_differs) == (
        TARIFF + 100_000,
        TARIFF,
        True,
    )


def test_a_service_without_a_tariff_in_force_is_refused_naming_the_service(counter):
    # given a service the agency has published no tariff for
    make_service(counter["agency"], "untariffed")

    # when an office records it, then it is refused, naming the service, and nothing is stored
    with pytest.raises(ValidationError) as refused:
        record(counter["office"], service_code="tamin.untariffed")
    assert refused.value.fields["service"] == [
        "This service has no tariff in force on the day the office recorded it."
    ]
    assert not CounterTransaction.objects.exists()
    assert not OutboundRequest.objects.exists()


def test_persian_digits_are_accepted(counter):
    persian = CITIZEN.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    transaction = record(counter["office"], national_id=persian, mobile="۰۹۱۲۱۲۳۴۵۶۷").transaction
    assert transaction.citizen_key == citizen_key(CITIZEN)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service_code": "tamin.nothing"}, "service"),
        ({"service_code": ""}, "service"),
        ({"national_id": "0012345678"}, "national_id"),
        ({"national_id": "1111111111"}, "national_id"),
        ({"mobile": "0212345678"}, "mobile"),
        ({"fee_charged": -1}, "fee_charged"),
        ({"fee_charged": MAX_RIALS + 1}, "fee_charged"),
        ({"fee_charged": "650000"}, "fee_charged"),
        ({"office_reference": "  "}, "office_reference"),
        ({"office_reference": "x" * 65}, "office_reference"),
        ({"clerk": "x" * 101}, "clerk"),
        ({"recorded_at": "yesterday"}, "recorded_at"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_stores_nothing(counter, overrides, field):
    with pytest.raises(ValidationError) as refused:
        record(counter["office"], **overrides)

    assert field in refused.value.fields
    assert refused.value.status == 422
    assert CounterTransaction.objects.count() == 0
    assert not CounterTransaction.objects.exclude(idempotency_key="").exists()


def test_every_bad_field_is_named_at_once(counter):
    with pytest.raises(ValidationError) as refused:
        record(counter["office"], national_id="123", mobile="1", fee_charged=-5)
    assert set(refused.value.fields) == {"national_id", "mobile", "fee_charged"}


def test_recorded_at_in_the_future_is_refused_but_clock_skew_is_allowed(counter):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        record(counter["office"], recorded_at=now + dt.timedelta(minutes=10))
    assert "recorded_at" in refused.value.fields

    skewed = record(counter["office"], recorded_at=now + dt.timedelta(minutes=2)).transaction
    assert skewed.recorded_at == now + dt.timedelta(minutes=2)


def test_recorded_at_absurdly_old_is_refused(counter):
    with pytest.raises(ValidationError) as refused:
        record(counter["office"], recorded_at=timezone.now() - dt.timedelta(days=31))
    assert "recorded_at" in refused.value.fields


def test_original_recorded_at_is_kept_and_sets_the_tariff_day(counter):
    earlier = timezone.now() - dt.timedelta(days=3)
    transaction = record(counter["office"], recorded_at=earlier).transaction
    assert transaction.recorded_at == earlier
    assert transaction.received_at > earlier
    assert transaction.fee_tariff == TARIFF


def test_a_time_before_the_tariff_took_effect_is_refused_for_want_of_one(counter):
    transaction = record(counter["office"], recorded_at=timezone.now() - dt.timedelta(days=29)).transaction
    assert transaction.fee_tariff == TARIFF  # the tariff took effect 60 days ago
    make_service(counter["agency"], "late")
    # (a service whose only tariff starts tomorrow)

    late = counter["agency"].services.get(code="tamin.late")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    make_tariff(
        late,
        year=jdatetime.date.fromgregorian(date=tomorrow).year,
        effective_from=tomorrow,
        government_fee=1,
        office_fee=1,
    )
    with pytest.raises(ValidationError) as refused:
        record(counter["office"], key="k2", service_code="tamin.late", office_reference="R2")
    assert list(refused.value.fields) == ["service"]


def test_the_tariff_day_is_tehrans_whatever_zone_is_active(counter):
    # 1405's tariff takes effect on 1 Farvardin 1405 (2026-03-21); half past midnight that day in
    # Tehran is still 20 March in UTC.
    service = make_service(counter["agency"], "nowruz")
    for year, gregorian, fee in ((1404, dt.date(2025, 3, 21), 1_000), (1405, dt.date(2026, 3, 21), 2_000)):
        make_tariff(service, year=year, effective_from=gregorian, government_fee=fee, office_fee=0)
    recorded = dt.datetime(2026, 3, 20, 21, 0, tzinfo=dt.UTC)  # 00:30 on 21 March in Tehran
    item = posted_body(service=service.code, fee_charged=2_000, recorded_at=recorded.isoformat())

    with timezone.override("UTC"):  # e.g. a request whose active zone is not Tehran
        checked = transaction_check(counter["office"], item, recorded + dt.timedelta(hours=1), Lookups())

    assert checked.fee_tariff == 2_000


def test_prohibited_service_is_refused(counter):
    make_service(counter["agency"], "forbidden", outsourcing="prohibited")
    with pytest.raises(ValidationError) as refused:
        record(counter["office"], service_code="tamin.forbidden")
    assert "service" in refused.value.fields


def test_service_not_for_this_kind_of_office_is_refused(counter):
    make_service(counter["agency"], "rural-only", kinds=("ict",))
    with pytest.raises(ValidationError) as refused:
        record(counter["office"], service_code="tamin.rural-only")
    assert refused.value.fields["service"] == ["Offices of this kind may not deliver this service."]


def test_suspended_office_is_refused_with_the_reason(counter):
    office = office_set_status(
        office=counter["office"], status="suspended", reason="Unpaid licence fee", actor=None
    )

    with pytest.raises(PermissionDeniedError) as refused:
        record(office)

    assert refused.value.status == 403
    assert "suspended" in refused.value.detail
    assert "Unpaid licence fee" in refused.value.detail
    assert CounterTransaction.objects.count() == 0


def test_same_key_same_body_returns_the_first_answer_and_creates_nothing(counter):
    first = record(counter["office"])
    again = record(counter["office"])

    assert again.created is False
    assert (again.status, again.answer) == (first.status, first.answer)
    assert again.transaction.pk == first.transaction.pk
    assert CounterTransaction.objects.count() == 1
    assert TransactionEvent.objects.count() == 1


def test_replay_answers_as_the_first_time_even_after_the_state_moved(counter):

    first = record(counter["office"])
    transaction_advance(transaction=first.transaction, to_state="submitted", actor=None)
    assert record(counter["office"]).answer["state"] == "received"


def test_a_retry_finds_its_first_answer_through_the_request_key_index(counter):
    # The (office, Idempotency-Key) index is partial (keys not empty). SQLite uses a partial index only
    # for a query that states its condition: without it, a retry read every transaction of its office.
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL proves the index's condition from the key; its plan follows statistics")
    first = record(counter["office"])

    with CaptureQueriesContext(connection) as queries:
        again = record(counter["office"])

    assert again.created is False
    assert again.transaction.pk == first.transaction.pk
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "idempotency_key" in q["sql"]]
    assert reads
    for sql in reads:
        with connection.cursor() as cursor:
            plan = " ".join(str(row) for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
        assert "transactions_request_key_unique" in plan, plan


def test_same_key_different_body_is_a_conflict(counter):
    record(counter["office"])
    with pytest.raises(ConflictError) as refused:
        record(counter["office"], fee_charged=1)
    assert refused.value.status == 409
    assert CounterTransaction.objects.count() == 1


def test_keys_are_per_office(counter):
    record(counter["office"])
    other = record(counter["other"])
    assert other.created is True
    assert CounterTransaction.objects.count() == 2


def test_missing_key_is_refused(counter):
    with pytest.raises(ValidationError) as refused:
        record(counter["office"], key="  ")
    assert "Idempotency-Key" in refused.value.fields


def test_a_refusal_is_not_stored_so_a_corrected_retry_succeeds(counter):
    office = office_set_status(office=counter["office"], status="suspended", actor=None)
    with pytest.raises(PermissionDeniedError):
        record(office)
    office = office_set_status(office=office, status="active", actor=None)
    assert record(office).created is True


def test_reusing_an_office_reference_with_a_new_key_is_a_conflict(counter):
    first = record(counter["office"])
    with pytest.raises(ConflictError) as refused:
        record(counter["office"], key="key-2")
    assert first.transaction.tracking_code in refused.value.detail
    assert "office_reference" in refused.value.fields
    assert CounterTransaction.objects.exclude(idempotency_key="").count() == 1


def test_recording_writes_no_audit_entry(counter):
    before = AuditEntry.objects.count()
    record(counter["office"])
    assert AuditEntry.objects.count() == before


def _item(reference, **overrides):
    return {
        "service": SERVICE,
        "national_id": CITIZEN,
        "mobile": "09121234567",
        "fee_charged": TARIFF,
        "office_reference": reference,
        "recorded_at": (timezone.now() - dt.timedelta(days=2)).isoformat(),
    } | overrides


def test_batch_answers_per_item_and_one_bad_item_loses_nothing_else(counter):
    # given a transaction already recorded online
    online = record(counter["office"], office_reference="B-1").transaction
    items = [
        _item("B-0"),
        _item("B-1"),  # sent again: a duplicate
        _item("B-2", national_id="123"),
        _item("B-3", fee_charged=-1, service="tamin.unknown"),
        "not an object",
        _item("B-4"),
        _item("B-4"),  # twice in the same batch
        _item("B-5", recorded_at=(timezone.now() + dt.timedelta(hours=1)).isoformat()),
    ]

    results = transactions_record_batch(office=counter["office"], items=items, actor=None)

    assert [r.outcome for r in results] == [
        "created",
        "duplicate",
        "error",
        "error",
        "error",
        "created",
        "duplicate",
        "error",
    ]
    assert [r.index for r in results] == list(range(8))
    assert results[1].tracking_code == online.tracking_code
    assert results[6].tracking_code == results[5].tracking_code
    assert set(results[2].error.fields) == {"national_id"}
    assert set(results[3].error.fields) == {"fee_charged", "service"}
    assert set(results[7].error.fields) == {"recorded_at"}
    stored = set(CounterTransaction.objects.values_list("office_reference", flat=True))
    assert stored == {"B-0", "B-1", "B-4"}
    b0 = CounterTransaction.objects.get(office_reference="B-0")
    assert b0.recorded_at.isoformat()[:16] == items[0]["recorded_at"][:16]


def test_batch_of_more_than_the_limit_is_refused_whole(counter):
    items = [_item(f"X-{i}") for i in range(BATCH_MAX + 1)]
    with pytest.raises(ValidationError) as refused:
        transactions_record_batch(office=counter["office"], items=items, actor=None)
    assert "items" in refused.value.fields
    assert CounterTransaction.objects.count() == 0


def test_batch_from_a_suspended_office_is_refused(counter):
    office = office_set_status(office=counter["office"], status="suspended", actor=None)
    with pytest.raises(PermissionDeniedError):
        transactions_record_batch(office=office, items=[_item("S-1")], actor=None)


def test_heartbeat_records_and_moves_last_seen_forward_only(counter):
    office = counter["office"]
    assert office_last_seen(office=office) is None
    now = timezone.now()

    heartbeat_record(office=office, terminal_id="T1", software_version="2.1.0", at=now)
    heartbeat_record(
        office=office, terminal_id="T2", software_version="2.0.9", at=now - dt.timedelta(minutes=5)
    )

    assert office_last_seen(office=office) == now
    liveness = OfficeLiveness.objects.get(office=office)
    assert (liveness.terminal_id, liveness.software_version) == ("T1", "2.1.0")
    assert Heartbeat.objects.filter(office=office).count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"terminal_id": ""}, "terminal_id"), ({"software_version": "v" * 65}, "software_version")],
)
def test_heartbeat_bad_input_is_refused(counter, overrides, field):
    given = {"terminal_id": "T1", "software_version": "1.0"} | overrides
    with pytest.raises(ValidationError) as refused:
        heartbeat_record(office=counter["office"], **given)
    assert field in refused.value.fields
    assert Heartbeat.objects.count() == 0


def test_heartbeat_in_the_future_is_refused(counter):
    with pytest.raises(ValidationError):
        heartbeat_record(
            office=counter["office"],
            terminal_id="T1",
            software_version="1",
            at=timezone.now() + dt.timedelta(hours=1),
        )


def test_heartbeat_from_a_closed_office_is_refused(counter):
    office = office_set_status(office=counter["office"], status="closed", actor=None)
    with pytest.raises(PermissionDeniedError):
        heartbeat_record(office=office, terminal_id="T1", software_version="1")


def test_transaction_get_narrows_to_scope(counter):
    code = record(counter["office"]).transaction.tracking_code
    assert transaction_get(tracking_code=code, scope={"office": counter["office"].code}).tracking_code == code
    assert transaction_get(tracking_code=code, scope={"province": "23"}).tracking_code == code
    assert transaction_get(tracking_code=code, scope=None).tracking_code == code

    for scope in ({"office": counter["other"].code}, {"province": "10"}, {"agency": "tamin"}):
        with pytest.raises(NotFoundError):
            transaction_get(tracking_code=code, scope=scope)
