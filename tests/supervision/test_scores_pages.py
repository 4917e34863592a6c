"""The score pages and API: a province's offices ranked, the provinces side by side, an office's score
with what lowered it, the weights; each reader within their jurisdiction."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from pishkhan.supervision.models import ScoreWeight
from pishkhan.supervision.services import scores_compute
from tests.licensing.factories import UserFactory, directorate, regulator
from tests.offices.factories import (
    ARDESTAN_CITY,
    ARDESTAN_COUNTY,
    ISFAHAN_PROVINCE,
    make_agency,
    make_offices,
    make_service,
    office_draft,
)
from tests.supervision.conftest import SERVICE, office_key, priced
from tests.supervision.test_scores import AFTER, MONTH, REGISTERED, TARIFF, _transactions


@pytest.fixture
def scored(geo_loaded):
    """Three Tehran offices (one overcharging twice) and one in Isfahan, scored for Aban 1405."""
    priced(make_service(make_agency("tamin"), SERVICE, kinds=("pishkhan",)))
    tehran = make_offices([office_draft(n, created_at=REGISTERED) for n in (1, 2, 3)])
    isfahan = make_offices(
        [
            office_draft(
                9,
                province=ISFAHAN_PROVINCE,
                county=ARDESTAN_COUNTY,
                place=ARDESTAN_CITY,
                created_at=REGISTERED,
            )
        ]
    )
    _transactions(tehran[1], TARIFF + 1, TARIFF + 2)
    scores_compute(month=MONTH, actor="cra", now=AFTER)
    return {"tehran": tehran, "isfahan": isfahan[0]}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _codes(response, table: str) -> list[str]:
    html = response.content.decode()
    found = re.search(rf'<table[^>]*id="{table}".*?</table>', html, re.S)
    return re.findall(r'<tr data-code="([^"]+)"', found.group(0)) if found else []


def test_the_regulator_sees_the_provinces_side_by_side_and_exports_them(scored):
    client = _client(regulator())

    page = client.get("/supervision/scores/", {"month": "1405-08"})
    csv = client.get("/supervision/scores/", {"month": "1405-08", "export": "csv"})

    assert page.status_code == 200
    assert _codes(page, "province-scores") == ["23", "10"]  # Tehran's mean is lower: worst first
    assert "آبان ۱۴۰۵" in page.content.decode()
    body = b"".join(csv.streaming_content).decode()
    assert csv["Content-Type"].startswith("text/csv")
    assert "23" in body
    assert "10" in body


def test_a_province_without_scores_says_so(scored):
    page = _client(regulator()).get("/supervision/scores/", {"month": "1405-08", "province": "01"})

    assert page.status_code == 200
    assert 'id="no-province-scores"' in page.content.decode()


def test_a_directorate_sees_its_province_ranked_with_pager_and_exports(scored):
    client = _client(directorate("23"))

    page = client.get("/supervision/scores/", {"month": "1405-08", "province": "10"})  # not theirs: ignored
    xlsx = client.get("/supervision/scores/", {"month": "1405-08", "export": "xlsx"})

    assert page.status_code == 200
    overcharging = scored["tehran"][1].code
    assert _codes(page, "office-scores")[-1] == overcharging
    assert scored["isfahan"].code not in _codes(page, "office-scores")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_office_page_shows_what_lowered_the_score_and_its_months(scored):
    client = _client(directorate("23"))
    office = scored["tehran"][1]

    page = client.get(f"/supervision/scores/offices/{office.code}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'data-component="overcharges" data-status="scored"', html)
    assert 'data-component="ratings" data-status="no_data"' in html  # no citizen has rated it yet
    assert 'data-month="1405-08"' in html
    assert "۳" in re.search(r'id="rank">([^<]+)<', html).group(1)


def test_an_office_operator_sees_only_their_own_office(scored):
    own, other = scored["tehran"][0], scored["tehran"][1]
    operator = _client(UserFactory(role="office_operator", jurisdiction_code=own.code))

    listing = operator.get("/supervision/scores/")
    mine = operator.get(f"/supervision/scores/offices/{own.code}/")
    theirs = operator.get(f"/supervision/scores/offices/{other.code}/")

    assert listing.status_code == 302
    assert listing["Location"] == f"/supervision/scores/offices/{own.code}/"
    assert mine.status_code == 200
    assert theirs.status_code == 404


def test_another_provinces_office_is_a_404_and_a_bad_month_a_422(scored):
    client = _client(directorate("23"))

    assert client.get(f"/supervision/scores/offices/{scored['isfahan'].code}/").status_code == 404
    assert client.get("/supervision/scores/", {"month": "1405-14"}).status_code == 422
    office = scored["tehran"][0].code
    assert client.get(f"/supervision/scores/offices/{office}/", {"month": "soon"}).status_code == 422
    assert client.get(f"/supervision/scores/offices/{office}/", {"month": "1404-01"}).status_code == 404


def test_the_regulator_edits_the_weights_and_out_of_range_is_a_form_error(scored):
    client = _client(regulator())
    form = {
        f"{row.component}-{name}": getattr(row, name)
        for row in ScoreWeight.objects.all()
        for name in ("weight", "method", "per_unit", "cap")
    }

    refused = client.post(
        "/supervision/scores/weights/", form | {"alerts-weight": "150", "overcharges-weight": "50"}
    )
    saved = client.post("/supervision/scores/weights/", form | {"overcharges-weight": "50"})

    assert refused.status_code == 422
    assert "errorlist" in refused.content.decode()
    assert saved.status_code == 302
    assert ScoreWeight.objects.get(component="overcharges").weight == 50
    assert ScoreWeight.objects.get(component="alerts").weight == 15
    assert _client(directorate("23")).get("/supervision/scores/weights/").status_code == 403


def test_the_api_lists_a_months_scores_in_scope_and_one_offices_detail(scored):
    client = _client(directorate("23"))

    listed = client.get("/api/v1/scores", {"month": "1405-08"})
    detail = client.get(f"/api/v1/scores/{scored['tehran'][1].code}")
    elsewhere = client.get(f"/api/v1/scores/{scored['isfahan'].code}")
    bad = client.get("/api/v1/scores", {"month": "soon"})

    assert listed.status_code == 200
    assert [row["office"] for row in listed.json()["items"]][-1] == scored["tehran"][1].code
    assert {row["province"] for row in listed.json()["items"]} == {"23"}
    body = detail.json()
    assert body["month"] == "1405-08"
    assert body["rank"] == 3
    # What cost most first: no heartbeat all month (availability), then the two overcharges.
    assert [line["component"] for line in body["components"]][:2] == ["availability", "overcharges"]
    assert body["components"][0]["lost"] > 0
    assert [month["month"] for month in body["trend"]] == ["1405-08"]
    assert elsewhere.status_code == 404
    assert bad.status_code == 422


def test_an_office_system_reads_its_own_score_with_its_key(scored):
    own, other = scored["tehran"][0], scored["tehran"][2]
    key = office_key(own)
    client = Client(headers={"Authorization": f"Bearer {key}"})

    mine = client.get(f"/api/v1/scores/{own.code}")
    listed = client.get("/api/v1/scores", {"month": "1405-08"})

    assert mine.status_code == 200
    assert mine.json()["office"] == own.code
    assert [row["office"] for row in listed.json()["items"]] == [own.code]
    assert client.get(f"/api/v1/scores/{other.code}").status_code == 404


def test_scores_are_closed_to_strangers(scored, client):
    assert client.get("/supervision/scores/").status_code == 302
    assert client.get("/api/v1/scores").status_code == 401
