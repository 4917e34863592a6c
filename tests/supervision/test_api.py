"""The campaigns API through its real URLs: the dry run, starting and concluding, cases, appeals;
permissions (403), reach (404 or fewer rows outside one's jurisdiction), problems."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from pishkhan.supervision.models import CampaignCase
from tests.licensing.factories import directorate, licensee, regulator
from tests.supervision.conftest import office_key

PROBLEM = "application/problem+json"
BASE = "/api/v1/inactivity-campaigns"

pytestmark = pytest.mark.usefixtures("sms_log")


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(client, url, body=None, **headers):
    return client.post(url, json.dumps(body or {}), content_type="application/json", headers=headers)


def _start(client, **body):
    return _post(client, BASE, {"grace_days": 0} | body)


def test_the_dry_run_lists_candidates_with_evidence_per_province(network):
    answer = _client(regulator()).get(f"{BASE}/candidates")

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["never_activated_days"], body["idle_days"], body["total"]) == (90, 180, 4)
    assert [(p["province"], p["counts"], p["total"]) for p in body["provinces"]] == [
        ("10", {"never_activated": 1}, 1),
        ("23", {"idle": 2, "never_activated": 1}, 3),
    ]
    by_office = {c["office"]: c for c in body["candidates"]}
    assert set(by_office) == set(network.candidates)
    idle = by_office[network.idle.code]
    assert (idle["criterion"], idle["status"], idle["county"]) == ("idle", "active", "2301")
    assert idle["last_transaction_at"]
    assert idle["last_heartbeat_at"]
    assert idle["days_idle"] >= 199


def test_the_dry_run_narrows_to_a_directorate_and_refuses_others(network):
    assert _client(directorate("23")).get(f"{BASE}/candidates").json()["total"] == 3
    assert _client(directorate("10")).get(f"{BASE}/candidates?idle_days=0").json()["total"] == 1
    refused = _client(licensee()).get(f"{BASE}/candidates")
    assert refused.status_code == 403
    assert refused["Content-Type"] == PROBLEM
    bad = _client(regulator()).get(f"{BASE}/candidates?idle_days=0&never_activated_days=0")
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"never_activated_days", "idle_days"}
    malformed = _client(regulator()).get(f"{BASE}/candidates?idle_days=-4")
    assert malformed.status_code == 422


def test_the_regulator_starts_a_campaign_once_and_concludes_it(network):
    client = _client(regulator())

    started = _start(client)
    again = _start(client)

    assert started.status_code == 201, started.content
    number = started.json()["number"]
    assert started.json()["report"]["outcomes"]["pending"] == 4
    assert again.status_code == 409
    assert again["Content-Type"] == PROBLEM
    assert again.json()["type"].endswith("campaign-open")
    assert [c["number"] for c in client.get(BASE).json()] == [number]

    concluded = _post(client, f"{BASE}/{number}/conclude")

    assert concluded.status_code == 200, concluded.content
    body = concluded.json()
    assert body["status"] == "closed"
    assert body["report"]["outcomes"]["revoked"] == body["report"]["total"] == 4
    assert _post(client, f"{BASE}/{number}/conclude").json() == body  # a second time changes nothing


def test_starting_and_concluding_are_the_regulators(network):
    directorate_client = _client(directorate("23"))
    assert _start(directorate_client).status_code == 403
    number = _start(_client(regulator()), grace_days=10).json()["number"]

    assert _post(directorate_client, f"{BASE}/{number}/conclude").status_code == 403
    early = _post(_client(regulator()), f"{BASE}/{number}/conclude")
    assert early.status_code == 409
    assert early.json()["type"].endswith("grace-period-running")


def test_a_directorate_reads_its_provinces_part_of_a_campaign(network):
    number = _start(_client(regulator())).json()["number"]
    client = _client(directorate("10"))

    report = client.get(f"{BASE}/{number}").json()["report"]
    cases = client.get(f"{BASE}/{number}/cases").json()

    assert report["total"] == 1
    assert [p["province"] for p in report["provinces"]] == ["10"]
    assert [case["office"] for case in cases["items"]] == [network.isfahan.code]
    tehran_case = CampaignCase.objects.get(office=network.silent)
    assert client.get(f"{BASE}/{number}/cases/{tehran_case.pk}").status_code == 404
    assert client.get(f"{BASE}/IC-0000-999").status_code == 404
    assert client.get(f"{BASE}/nonsense").status_code == 422


def test_the_office_appeals_and_the_regulator_decides(network):
    number = _start(_client(regulator()), grace_days=5).json()["number"]
    case = CampaignCase.objects.get(office=network.silent)
    own, other = office_key(network.silent), office_key(network.idle)
    url = f"{BASE}/{number}/cases/{case.pk}"

    mine = _client().get(f"{BASE}/{number}/cases", headers={"Authorization": f"Bearer {own}"}).json()
    lodged = _post(_client(), f"{url}/appeal", {"statement": "دفتر فعال است"}, Authorization=f"Bearer {own}")
    stranger = _post(_client(), f"{url}/appeal", {"statement": "x"}, Authorization=f"Bearer {other}")
    by_directorate = _post(
        _client(directorate("23")), f"{url}/appeal-decision", {"accepted": True, "reason": "r"}
    )
    decided = _post(
        _client(regulator()), f"{url}/appeal-decision", {"accepted": True, "reason": "پذیرفته شد"}
    )

    assert [c["office"] for c in mine["items"]] == [network.silent.code]
    assert lodged.status_code == 200, lodged.content
    assert lodged.json()["proceeding_status"] == "appealed"
    assert lodged.json()["appeal_lodged_at"]
    assert stranger.status_code == 404
    assert by_directorate.status_code == 403
    assert decided.status_code == 200, decided.content
    assert (decided.json()["outcome"], decided.json()["appeal_accepted"]) == ("kept_appeal", True)
    twice = _post(_client(regulator()), f"{url}/appeal-decision", {"accepted": False, "reason": "r"})
    assert twice.status_code == 409


def test_a_holder_sees_only_the_cases_of_their_own_licence(network):
    number = _start(_client(regulator())).json()["number"]

    someone = _client(licensee()).get(f"{BASE}/{number}/cases")

    assert someone.status_code == 200
    assert someone.json()["items"] == []
    assert _client(licensee()).get(f"{BASE}/{number}").status_code == 403  # the report is supervisors'
