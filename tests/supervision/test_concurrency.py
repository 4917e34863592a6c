"""Two regulators starting a campaign at the same moment (PostgreSQL: real concurrent sessions): one
campaign is started with all its notices, the other request gets 409 and leaves nothing behind."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from pishkhan.licensing.models import Proceeding
from pishkhan.supervision.models import CampaignCase, InactivityCampaign
from tests.licensing.factories import regulator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("_postgresql_only", "sms_log")]


@pytest.fixture
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time; concurrency is tested on PostgreSQL")


def _all_at_once(users, url, body):
    start = threading.Barrier(len(users))

    def send(user):
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            response = client.post(url, json.dumps(body), content_type="application/json")
            return response.status_code, response.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        return list(pool.map(send, users))


def test_two_campaigns_started_at_once_make_one(network):
    answers = _all_at_once([regulator(), regulator(), regulator()], "/api/v1/inactivity-campaigns", {})

    assert sorted(status for status, _body in answers) == [201, 409, 409]
    assert {body["type"] for status, body in answers if status == 409} == {
        "urn:pishkhan:problem:campaign-open"
    }
    campaign = InactivityCampaign.objects.get()
    assert CampaignCase.objects.filter(campaign=campaign).count() == Proceeding.objects.count() == 4
