"""Rules and alerts through the real API: an overcharge posted by an office's system is listed after
one round of the worker's job, the same overcharge again folds into it; the actions; the rules and a
threshold out of range; jurisdiction (403, 404, fewer rows)."""

from __future__ import annotations

import json

from django.test import Client

from pishkhan.supervision.models import Alert, Rule
from tests.accounts.factories import UserFactory
from tests.licensing.factories import directorate, licensee, regulator
from tests.supervision.alerts_fixtures import TARIFF, evaluate, post

PROBLEM = "application/problem+json"


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def _alerts(client, **query):
    answer = client.get("/api/v1/alerts", query)
    assert answer.status_code == 200, answer.content
    return answer.json()["items"]


def test_a_posted_overcharge_is_listed_after_one_round_and_its_repeat_folds_into_it(shop):
    first = post(shop.key, fee=TARIFF + 50_000)
    post(shop.key, fee=TARIFF)  # at the tariff: nothing to say

    assert evaluate() == 2
    client = _client(regulator())
    listed = _alerts(client, office=shop.office.code)

    assert [(a["rule"], a["office"], a["count"], a["status"]) for a in listed] == [
        ("overcharge", shop.office.code, 1, "open")
    ]
    assert listed[0]["transactions"] == [first["tracking_code"]]
    assert listed[0]["figures"]["excess"] == 50_000
    assert listed[0]["severity"] == "critical"

    second = post(shop.key, fee=TARIFF + 50_000)
    assert evaluate() == 1
    assert evaluate() == 0  # nothing new: the cursor moved

    again = _alerts(client, office=shop.office.code)
    assert [(a["id"], a["count"]) for a in again] == [(listed[0]["id"], 2)]
    assert again[0]["transactions"] == [first["tracking_code"], second["tracking_code"]]
    assert Alert.objects.count() == 1


def test_a_resolved_alert_is_final_and_the_next_overcharge_raises_a_new_one(shop):
    post(shop.key, fee=TARIFF + 10_000)
    evaluate()
    client = _client(regulator())
    alert = _alerts(client)[0]

    acknowledged = _post(client, f"/api/v1/alerts/{alert['id']}/acknowledge")
    no_note = _post(client, f"/api/v1/alerts/{alert['id']}/resolve", {"note": "  "})
    resolved = _post(client, f"/api/v1/alerts/{alert['id']}/resolve", {"note": "Refund ordered."})
    twice = _post(client, f"/api/v1/alerts/{alert['id']}/dismiss", {"reason": "late"})

    assert acknowledged.status_code == 200, acknowledged.content
    assert acknowledged.json()["status"] == "acknowledged"
    assert no_note.status_code == 422
    assert "note" in no_note.json()["errors"]
    assert resolved.status_code == 200
    assert (resolved.json()["status"], resolved.json()["note"]) == ("resolved", "Refund ordered.")
    assert twice.status_code == 409
    assert twice["Content-Type"] == PROBLEM

    post(shop.key, fee=TARIFF + 10_000)
    evaluate()
    statuses = sorted((a["status"], a["count"]) for a in _alerts(client, rule="overcharge"))
    assert statuses == [("open", 1), ("resolved", 1)]


def test_a_dismissal_needs_its_reason(shop):
    post(shop.key, fee=TARIFF + 10_000)
    evaluate()
    client = _client(regulator())
    alert_id = _alerts(client)[0]["id"]

    refused = _post(client, f"/api/v1/alerts/{alert_id}/dismiss", {"reason": ""})
    dismissed = _post(
        client, f"/api/v1/alerts/{alert_id}/dismiss", {"reason": "The tariff changed that day."}
    )

    assert refused.status_code == 422
    assert Alert.objects.get(pk=alert_id).status == "dismissed"
    assert dismissed.json()["note"] == "The tariff changed that day."


def test_alerts_are_routed_to_the_office_province(shop):
    post(shop.key, fee=TARIFF + 10_000)
    post(shop.isfahan_key, fee=TARIFF + 10_000)
    evaluate()
    isfahan_alert = Alert.objects.get(office=shop.isfahan)

    tehran = _client(directorate("23"))
    assert {a["office"] for a in _alerts(tehran)} == {shop.office.code}
    assert tehran.get(f"/api/v1/alerts/{isfahan_alert.pk}").status_code == 404
    assert _post(tehran, f"/api/v1/alerts/{isfahan_alert.pk}/acknowledge").status_code == 404
    assert {a["office"] for a in _alerts(_client(regulator()))} == {shop.office.code, shop.isfahan.code}

    inspector = _client(UserFactory(role="inspector", jurisdiction_code="23"))
    assert {a["office"] for a in _alerts(inspector)} == {shop.office.code}
    tehran_alert = Alert.objects.get(office=shop.office)
    assert _post(inspector, f"/api/v1/alerts/{tehran_alert.pk}/acknowledge").status_code == 403
    assert Alert.objects.get(pk=tehran_alert.pk).status == "open"

    refused = _client(licensee()).get("/api/v1/alerts")
    assert refused.status_code == 403
    assert refused["Content-Type"] == PROBLEM
    assert Client().get("/api/v1/alerts").status_code == 401


def test_the_list_filters_and_refuses_a_malformed_filter(shop):
    post(shop.key, fee=TARIFF + 10_000)
    evaluate()
    client = _client(regulator())

    assert len(_alerts(client, severity="critical", status="open", province="23")) == 1
    assert _alerts(client, rule="off_hours") == []
    assert _alerts(client, province="10") == []
    bad = client.get("/api/v1/alerts", {"severity": "dire", "office": "nonsense"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"severity", "office"}


def test_rules_are_listed_with_their_ranges(shop):
    answer = _client(directorate("23")).get("/api/v1/rules")

    assert answer.status_code == 200
    rules = {r["code"]: r for r in answer.json()}
    assert set(rules) == {
        "overcharge",
        "off_hours",
        "abnormal_volume",
        "repeat_citizen",
        "undeliverable_service",
        "offline_in_hours",
        "licence_not_in_force",
        "long_waits",
    }
    assert rules["abnormal_volume"]["thresholds"]["z_own"] == {
        "value": 3.5,
        "minimum": 1.0,
        "maximum": 50.0,
        "integer": False,
    }


def test_the_regulator_changes_a_rule_and_a_threshold_out_of_range_changes_nothing(shop):
    client = _client(regulator())
    before = Rule.objects.get(code="abnormal_volume")

    out_of_range = _patch(
        client, "/api/v1/rules/abnormal_volume", {"severity": "critical", "thresholds": {"z_own": 0.2}}
    )
    unknown = _patch(
        client, "/api/v1/rules/abnormal_volume", {"thresholds": {"nonsense": 1, "history_days": 7.5}}
    )
    changed = _patch(client, "/api/v1/rules/abnormal_volume", {"enabled": False, "thresholds": {"z_own": 5}})

    assert out_of_range.status_code == 422
    assert out_of_range["Content-Type"] == PROBLEM
    assert list(out_of_range.json()["errors"]) == ["thresholds.z_own"]
    assert set(unknown.json()["errors"]) == {"thresholds.nonsense", "thresholds.history_days"}
    assert changed.status_code == 200, changed.content
    after = Rule.objects.get(code="abnormal_volume")
    assert (after.enabled, after.severity) == (False, before.severity)
    assert after.thresholds == before.thresholds | {"z_own": 5.0}
    assert changed.json()["thresholds"]["history_days"]["value"] == 28

    assert (
        _patch(_client(directorate("23")), "/api/v1/rules/overcharge", {"enabled": False}).status_code == 403
    )
    assert _patch(client, "/api/v1/rules/nope", {"enabled": False}).status_code == 404
    assert Rule.objects.get(code="overcharge").enabled


def test_a_disabled_rule_raises_nothing(shop):
    Rule.objects.filter(code="overcharge").update(enabled=False)
    post(shop.key, fee=TARIFF + 10_000)

    assert evaluate() == 1
    assert not Alert.objects.exists()
