"""The queue's waits as KPIs (``GET /api/v1/kpis/waits``): per office, county and province, equal to
the figures computed from the tickets, each caller within its jurisdiction."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from pishkhan.frontoffice.waits import waits_rebuild
from tests.frontoffice.test_waits import _ticket
from tests.offices.factories import ISFAHAN_PROVINCE, TEHRAN_PROVINCE
from tests.offices.pages_data import signed_in
from tests.transactions.conftest import counter  # noqa: F401  (the counter's fixture)

pytestmark = pytest.mark.django_db
WAITS = "/api/v1/kpis/waits"


@pytest.fixture
def queued(counter):  # noqa: F811  (the fixture imported above)
    """Yesterday's tickets: Tehran's office waited 10 and 20 minutes (served in 2 and 4), its other
    office 6 (a no-show); Isfahan's 30 (still at the counter). Figured."""
    office, other, isfahan, service = (
        counter["office"],
        counter["other"],
        counter["isfahan"],
        counter["service"],
    )
    yesterday = timezone.now() - dt.timedelta(days=1)
    _ticket(office, service, 1, yesterday, 600, 120)
    _ticket(office, service, 2, yesterday, 1200, 240)
    _ticket(other, service, 1, yesterday, 360, state="no_show")
    _ticket(isfahan, service, 1, yesterday, 1800)
    _ticket(isfahan, service, 2, yesterday)  # never called: no wait yet
    waits_rebuild()
    return counter


def _by(body):
    return {
        row["code"]: (row["called"], row["wait_minutes"], row["served"], row["service_minutes"])
        for row in body["by"]
    }


def test_the_regulator_sees_the_waits_by_province_and_by_office(queued):
    client = signed_in("cra", "regulator")

    nation = client.get(WAITS, {"level": "national"}).json()
    county = client.get(WAITS, {"level": "province", "code": TEHRAN_PROVINCE, "by": "office"}).json()

    assert (nation["called"], nation["served"], nation["no_shows"]) == (4, 2, 1)
    assert nation["wait_minutes"] == round((10 + 20 + 6 + 30) / 4, 1)
    assert nation["service_minutes"] == 3.0
    assert _by(nation) == {TEHRAN_PROVINCE: (3, 12.0, 2, 3.0), ISFAHAN_PROVINCE: (1, 30.0, 0, None)}
    assert _by(county) == {
        queued["office"].code: (2, 15.0, 2, 3.0),
        queued["other"].code: (1, 6.0, 0, None),
    }


def test_a_directorate_sees_its_province_only(queued):
    client = signed_in("tehran-ict", "directorate", TEHRAN_PROVINCE)

    own = client.get(WAITS, {"level": "province", "code": TEHRAN_PROVINCE})
    other = client.get(WAITS, {"level": "province", "code": ISFAHAN_PROVINCE})
    nation = client.get(WAITS, {"level": "national"})

    assert own.status_code == 200
    assert own.json()["called"] == 3
    assert other.status_code == 404
    assert nation.status_code == 403


def test_bad_input_is_a_problem(queued):
    client = signed_in("cra", "regulator")

    assert client.get(WAITS, {"level": "planet"}).status_code == 422
    assert client.get(WAITS, {"level": "national", "by": "colour"}).status_code == 422
    assert client.get(WAITS, {"from": "2026-02-01", "to": "2026-01-01"}).status_code == 422


def test_the_dashboard_shows_the_waits_by_province_in_persian(queued):
    client = signed_in("cra", "regulator")

    page = client.get("/kpis/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()

    table = page.split('id="kpi-waits"', 1)[1].split("</table>", 1)[0]
    rows = dict(re.findall(r'<tr data-code="([^"]+)">.*?data-value="([\d.]+)"', table, flags=re.S))
    assert rows == {TEHRAN_PROVINCE: "12.0", ISFAHAN_PROVINCE: "30.0"}
    assert "۱۲٫۰" in table or "۱۲.۰" in table
