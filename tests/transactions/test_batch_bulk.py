"""The batch's bulk write: its rows are the single path's rows, a reference recorded between the
batch's look-up and its write is a duplicate, not a loss, and a drawn tracking code that clashes loses
nothing either."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from pishkhan.catalogue.services import service_update
from pishkhan.common.identifiers import tracking_code_is_valid
from pishkhan.common.sealing import unseal
from pishkhan.gateway.models import OutboundRequest
from pishkhan.transactions.models import CounterTransaction, TransactionEvent
from pishkhan.transactions.services import transaction_record, transactions_record_batch
from tests.offices.factories import make_service, national_id
from tests.transactions.conftest import TARIFF

SERVICE = "tamin.pension-statement"
RECORDED = (timezone.now() - dt.timedelta(hours=3)).replace(microsecond=0)


def _item(reference: str, n: int = 7) -> dict:
    return {
        "service": SERVICE,
        "national_id": national_id(n),
        "mobile": "09121234567",
        "fee_charged": TARIFF,
        "clerk": "Maryam",
        "office_reference": reference,
        "recorded_at": RECORDED.isoformat(),
    }


def _record_one(office, reference: str) -> CounterTransaction:
    item = _item(reference)
    return transaction_record(
        office=office,
        service_code=item["service"],
        national_id=item["national_id"],
        mobile=item["mobile"],
        fee_charged=item["fee_charged"],
        clerk=item["clerk"],
        office_reference=reference,
        recorded_at=item["recorded_at"],
        idempotency_key=f"key-{reference}",
        request_fingerprint=reference,
        actor=None,
    ).transaction


def test_a_batch_writes_the_rows_the_single_path_writes(counter):
    single = _record_one(counter["office"], "ONE")

    [result] = transactions_record_batch(office=counter["office"], items=[_item("MANY")], actor=None)

    batched = CounterTransaction.objects.get(tracking_code=result.tracking_code)
    assert tracking_code_is_valid(batched.tracking_code)
    differ = {"id", "tracking_code", "office_reference", "mobile_sealed", "received_at"}
    single.refresh_from_db()
    assert {k: v for k, v in model_to_dict(batched).items() if k not in differ} == {
        k: v for k, v in model_to_dict(single).items() if k not in differ
    }
    assert unseal(batched.mobile_sealed) == unseal(single.mobile_sealed) == "09121234567"
    assert batched.recorded_at == RECORDED
    events = [(e.from_state, e.to_state, e.at) for e in TransactionEvent.objects.filter(transaction=batched)]
    assert events == [("", "received", batched.received_at)]
    outbox = {r.idempotency_key: r for r in OutboundRequest.objects.all()}
    payload, single_payload = outbox[batched.tracking_code].payload, outbox[single.tracking_code].payload
    assert payload == single_payload | {"tracking_code": batched.tracking_code, "office_reference": "MANY"}
    assert outbox[batched.tracking_code].agency_id == outbox[single.tracking_code].agency_id
    assert outbox[batched.tracking_code].state == "pending"


def test_a_reference_recorded_between_the_look_up_and_the_write_is_a_duplicate(counter):
    office = counter["office"]
    items = [_item(f"R-{n}", n) for n in range(4)]
    meanwhile: list[CounterTransaction] = []
    fired = []

    def another_request_records_r2(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        # Right after the batch's look-up of stored references, before its write transaction opens,
        # the office's other request records R-2 (same connection: SQLite admits one writer).
        if not fired and "office_reference" in sql and ("json_each" in sql or "unnest(" in sql):
            fired.append(True)
            meanwhile.append(_record_one(office, "R-2"))
        return result

    with connection.execute_wrapper(another_request_records_r2):
        results = transactions_record_batch(office=office, items=items, actor=None)

    assert meanwhile, "the look-up was not seen"
    assert [r.outcome for r in results] == ["created", "created", "duplicate", "created"]
    assert results[2].tracking_code == meanwhile[0].tracking_code
    assert CounterTransaction.objects.filter(office=office).count() == 4
    assert TransactionEvent.objects.count() == 4
    codes = {r.tracking_code for r in results}
    assert set(OutboundRequest.objects.values_list("idempotency_key", flat=True)) == codes


def test_a_whole_batch_sent_again_is_all_duplicates_and_writes_nothing(counter):
    office = counter["office"]
    items = [_item(f"A-{n}", n) for n in range(3)]
    first = transactions_record_batch(office=office, items=items, actor=None)

    again = transactions_record_batch(office=office, items=[*items, _item("A-0")], actor=None)

    assert [r.outcome for r in again] == ["duplicate"] * 4
    assert [r.tracking_code for r in again] == [r.tracking_code for r in first] + [first[0].tracking_code]
    assert CounterTransaction.objects.count() == 3
    assert OutboundRequest.objects.count() == 3


def test_a_drawn_code_already_an_outbox_key_loses_no_item(counter, code_taken):
    # The bulk write does not look up the outbox keys of the codes it has just drawn: the rare code
    # another submission already holds fails the write, and the batch is recorded item by item.
    results = transactions_record_batch(
        office=counter["office"], items=[_item("C-1"), _item("C-2")], actor=None
    )

    assert [r.outcome for r in results] == ["created", "created"]
    assert code_taken not in {r.tracking_code for r in results}
    codes = set(OutboundRequest.objects.values_list("idempotency_key", flat=True))
    assert codes == {code_taken, results[0].tracking_code, results[1].tracking_code}
    assert OutboundRequest.objects.get(idempotency_key=code_taken).payload == {"any": 1}


def test_a_service_withdrawn_between_two_batches_is_refused_in_the_second(counter):
    # Batches read the catalogue as the process keeps it (services.lookups_shared), which a change
    # made in the process clears at once.
    office = counter["office"]
    [first] = transactions_record_batch(office=office, items=[_item("W-1")], actor=None)
    service_update(service=counter["service"], active=False, reason="withdrawn by law", actor=None)

    [second] = transactions_record_batch(office=office, items=[_item("W-2")], actor=None)

    assert first.outcome == "created"
    assert second.outcome == "error"
    assert "service" in second.error.fields
    assert not CounterTransaction.objects.filter(office_reference="W-2").exists()


def test_an_item_of_a_service_without_a_tariff_is_refused_alone(counter):
    # given a batch whose second item names a service the agency has published no tariff for
    make_service(counter["agency"], "untariffed")
    items = [_item("T-1"), _item("T-2") | {"service": "tamin.untariffed"}, _item("T-3")]

    # when it is recorded
    results = transactions_record_batch(office=counter["office"], items=items, actor=None)

    # then that item alone is refused, naming the service; the others are recorded with their submissions
    assert [r.outcome for r in results] == ["created", "error", "created"]
    assert results[1].error.status == 422
    assert list(results[1].error.fields) == ["service"]
    assert set(CounterTransaction.objects.values_list("office_reference", flat=True)) == {"T-1", "T-3"}
    assert OutboundRequest.objects.count() == 2
