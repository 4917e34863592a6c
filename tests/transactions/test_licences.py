"""The counter obeys licensing: only an office with an active licence records transactions, and the
first heartbeat of an equipped office is what activates its issued licence."""

from __future__ import annotations

import json

import pytest

from pishkhan.accounts.services import apikey_create
from pishkhan.licensing.models import Licence
from pishkhan.licensing.states import LicenceStatus
from pishkhan.transactions.models import CounterTransaction
from tests.licensing.factories import imported
from tests.offices.factories import make_office
from tests.transactions.test_services import CITIZEN, SERVICE


def _post(client, key, path, body, **headers):
    return client.post(
        f"/api/v1/{path}",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"} | headers,
    )


def _transaction(client, key, reference="NEW-1"):
    body = {
        "service": SERVICE,
        "national_id": CITIZEN,
        "mobile": "09121234567",
        "fee_charged": 650_000,
        "office_reference": reference,
    }
    return _post(client, key, "transactions", body, **{"Idempotency-Key": reference})


@pytest.fixture
def newcomer(counter):
    """A newly licensed office: its licence issued, its system not yet heard from."""
    office = make_office(9)
    imported(office, status="issued")
    return office


def test_an_issued_licence_refuses_transactions_until_the_first_heartbeat_activates_it(client, newcomer):
    _, key = apikey_create(holder_kind="office", holder_code=newcomer.code, actor=None)

    refused = _transaction(client, key)
    assert refused.status_code == 403
    assert "not active yet" in refused.json()["detail"]

    beat = _post(client, key, "heartbeats", {"terminal_id": "T-1", "software_version": "2.4.0"})
    assert beat.status_code == 201, beat.content

    licence = Licence.objects.get(office=newcomer)
    assert licence.status == LicenceStatus.ACTIVE
    assert licence.first_signal_at is not None
    accepted = _transaction(client, key)
    assert accepted.status_code == 201, accepted.content
    assert CounterTransaction.objects.filter(office=newcomer).count() == 1


@pytest.mark.parametrize(
    ("status", "words"), [("suspended", "suspended until"), ("revoked", "no active licence")]
)
def test_an_office_whose_licence_is_not_in_force_is_refused_with_the_reason(client, counter, status, words):
    office = make_office(8)
    imported(office, status=status)
    _, key = apikey_create(holder_kind="office", holder_code=office.code, actor=None)

    refused = _transaction(client, key)
    batch = _post(client, key, "transactions/batch", {"items": []})

    assert refused.status_code == 403
    assert words in refused.json()["detail"]
    assert batch.status_code == 403
    assert not CounterTransaction.objects.filter(office=office).exists()
