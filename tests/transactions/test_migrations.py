"""Migration 0004: the idempotency keys stored beside transactions move onto the transactions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.transactions.conftest import TARIFF

BEFORE = [("transactions", "0003_received_index")]
AFTER = [("transactions", "0004_idempotency_on_transaction")]


@pytest.mark.django_db(transaction=True)
def test_stored_keys_and_fingerprints_move_onto_their_transactions(counter):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    transaction_model = apps.get_model("transactions", "CounterTransaction")
    record_model = apps.get_model("transactions", "IdempotencyRecord")
    now = timezone.now()
    rows = {}
    for n, key in enumerate(["key-a", "key-b", None]):
        rows[key] = transaction_model.objects.create(
            tracking_code=f"1000000000{n}",
            office_id=counter["office"].pk,
            service_id=counter["service"].pk,
            office_reference=f"R-{n}",
            citizen_key="k",
            citizen_masked="m",
            fee_charged=TARIFF,
            recorded_at=now,
        )
        if key:
            record_model.objects.create(
                office_id=counter["office"].pk, key=key, fingerprint=key * 8, status_code=201,
                response={}, transaction=rows[key],
            )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    moved = executor.loader.project_state(AFTER).apps.get_model("transactions", "CounterTransaction")

    got = dict(moved.objects.values_list("office_reference", "idempotency_key"))
    assert got == {"R-0": "key-a", "R-1": "key-b", "R-2": ""}
    assert moved.objects.get(office_reference="R-1").request_fingerprint == "key-b" * 8
    executor.loader.build_graph()
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
