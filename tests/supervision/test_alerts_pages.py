"""The alerts and rules pages: the list with its filters and exports, an alert with its evidence and
the actions (dismissal asked twice), the rules page where the regulator edits a rule (a threshold
out of range comes back onto its field, nothing stored), and each page's reach."""

from __future__ import annotations

from django.test import Client

from pishkhan.supervision.models import Alert, Rule
from tests.accounts.factories import UserFactory
from tests.licensing.factories import directorate, licensee, regulator
from tests.supervision.alerts_fixtures import TARIFF, evaluate, post


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _raised(shop):
    tehran = post(shop.key, fee=TARIFF + 30_000)
    post(shop.isfahan_key, fee=TARIFF + 30_000)
    evaluate()
    return Alert.objects.get(office=shop.office), Alert.objects.get(office=shop.isfahan), tehran


def test_the_list_shows_the_jurisdiction_and_exports_it(shop):
    tehran_alert, isfahan_alert, _posted = _raised(shop)

    page = _client(directorate("23")).get("/supervision/alerts/")
    assert page.status_code == 200
    assert f'data-alert="{tehran_alert.pk}"' in page.text
    assert f'data-alert="{isfahan_alert.pk}"' not in page.text

    everyone = _client(regulator())
    assert f'data-alert="{isfahan_alert.pk}"' in everyone.get("/supervision/alerts/").text
    filtered = everyone.get("/supervision/alerts/", {"province": "10"})
    assert f'data-alert="{tehran_alert.pk}"' not in filtered.text
    bad = everyone.get("/supervision/alerts/", {"severity": "dire"})
    assert bad.status_code == 422

    csv = everyone.get("/supervision/alerts/", {"export": "csv", "office": shop.office.code})
    assert csv.status_code == 200
    body = b"".join(csv.streaming_content).decode()
    assert shop.office.code in body
    assert shop.isfahan.code not in body
    xlsx = everyone.get("/supervision/alerts/", {"export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


def test_the_alert_page_shows_its_evidence_and_the_sanction_link(shop):
    tehran_alert, isfahan_alert, posted = _raised(shop)

    page = _client(directorate("23")).get(f"/supervision/alerts/{tehran_alert.pk}/")

    assert page.status_code == 200
    assert f"/counter/{posted['tracking_code']}/" in page.text
    assert (
        f"/supervision/sanctions/new/?office={shop.office.code}&amp;source=alert:{tehran_alert.pk}"
        in page.text
    )
    assert 'id="acknowledge"' in page.text
    assert _client(directorate("23")).get(f"/supervision/alerts/{isfahan_alert.pk}/").status_code == 404

    inspector = _client(UserFactory(role="inspector", jurisdiction_code="23")).get(
        f"/supervision/alerts/{tehran_alert.pk}/"
    )
    assert inspector.status_code == 200
    assert 'id="acknowledge"' not in inspector.text
    assert "/supervision/sanctions/new/" not in inspector.text
    assert _client(licensee()).get(f"/supervision/alerts/{tehran_alert.pk}/").status_code == 403


def test_acknowledge_resolve_with_a_note(shop):
    alert, _other, _posted = _raised(shop)
    client = _client(directorate("23"))

    assert client.post(f"/supervision/alerts/{alert.pk}/acknowledge/").status_code == 302
    empty = client.post(f"/supervision/alerts/{alert.pk}/resolve/", {"note": ""})
    assert empty.status_code == 422
    assert Alert.objects.get(pk=alert.pk).status == "acknowledged"
    done = client.post(
        f"/supervision/alerts/{alert.pk}/resolve/", {"note": "The office refunded the citizen."}
    )
    assert done.status_code == 302
    resolved = Alert.objects.get(pk=alert.pk)
    assert (resolved.status, resolved.close_note) == ("resolved", "The office refunded the citizen.")
    inspector = _client(UserFactory(role="inspector", jurisdiction_code="23"))
    assert inspector.post(f"/supervision/alerts/{alert.pk}/acknowledge/").status_code == 403


def test_a_dismissal_is_asked_twice(shop):
    alert, _other, _posted = _raised(shop)
    client = _client(regulator())

    asked = client.post(f"/supervision/alerts/{alert.pk}/dismiss/", {"reason": "A test transaction."})
    assert asked.status_code == 200
    assert 'name="confirmed"' in asked.text
    assert Alert.objects.get(pk=alert.pk).status == "open"

    done = client.post(
        f"/supervision/alerts/{alert.pk}/dismiss/", {"reason": "A test transaction.", "confirmed": "yes"}
    )
    assert done.status_code == 302
    assert Alert.objects.get(pk=alert.pk).status == "dismissed"


def test_the_regulator_edits_a_rule_and_an_out_of_range_value_is_refused(shop):
    client = _client(regulator())
    page = client.get("/supervision/rules/")
    assert page.status_code == 200
    assert 'id="rule-abnormal_volume"' in page.text
    assert 'name="abnormal_volume-z_own"' in page.text

    form = {
        "repeat_citizen-enabled": "on",
        "repeat_citizen-severity": "critical",
        "repeat_citizen-per_day": "500",
    }
    refused = client.post("/supervision/rules/repeat_citizen/", form)
    assert refused.status_code == 422
    assert "repeat_citizen-per_day_error" in refused.text
    rule = Rule.objects.get(code="repeat_citizen")
    assert (rule.severity, rule.thresholds, rule.enabled) == ("warning", {"per_day": 5}, True)

    saved = client.post("/supervision/rules/repeat_citizen/", form | {"repeat_citizen-per_day": "8"})
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert (rule.severity, rule.thresholds, rule.enabled) == ("critical", {"per_day": 8}, True)

    read_only = _client(directorate("23"))
    assert 'name="abnormal_volume-z_own"' not in read_only.get("/supervision/rules/").text
    assert read_only.post("/supervision/rules/repeat_citizen/", form).status_code == 403


def test_the_board_lists_the_open_alerts_of_its_scope_as_it_refreshes(shop):
    board = _client(directorate("23"))
    assert 'data-count="alerts">۰<' in board.get("/supervision/board/live/").text

    tehran_alert, isfahan_alert, _posted = _raised(shop)
    live = board.get("/supervision/board/live/").text

    assert f'data-alert="{tehran_alert.pk}"' in live
    assert f'data-alert="{isfahan_alert.pk}"' not in live  # another province's
    assert 'data-count="alerts">۱<' in live
    assert f'data-alert="{isfahan_alert.pk}"' in _client(regulator()).get("/supervision/board/live/").text
