"""The campaign pages: the dry run per province with evidence, starting a campaign, its page with the
report and cases, concluding it, deciding an appeal; who may see and do what."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from pishkhan.licensing.models import Licence
from pishkhan.supervision.models import CampaignCase, InactivityCampaign
from pishkhan.supervision.services import complaint_close, complaint_review, complaint_submit
from tests.accounts.factories import UserFactory
from tests.licensing.factories import directorate, licensee, regulator
from tests.offices.factories import make_office

pytestmark = pytest.mark.usefixtures("sms_log")

CANDIDATES = "/supervision/inactive-licences/"
START = "/supervision/campaigns/start/"


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _rows(html: str, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="([^"]+)"', html)


def test_the_regulator_sees_every_candidate_with_its_evidence_per_province(network):
    page = _client(regulator()).get(CANDIDATES)

    assert page.status_code == 200
    html = page.content.decode()
    expected = Licence.objects.filter(office__code__in=network.candidates).values_list("number", flat=True)
    assert sorted(_rows(html, "data-licence")) == sorted(expected)
    assert _rows(html, "data-province") == ["10", "23"]
    assert 'href="/supervision/campaigns/start/?"' in html  # the regulator may start one


def test_a_directorate_sees_its_province_and_may_not_start(network):
    client = _client(directorate("23"))

    html = client.get(CANDIDATES).content.decode()

    assert _rows(html, "data-province") == ["23"]
    assert len(_rows(html, "data-licence")) == 3
    assert START not in html
    assert client.get(START).status_code == 403


def test_the_criteria_form_narrows_and_refuses_bad_input(network):
    client = _client(regulator())

    narrowed = client.get(CANDIDATES, {"never_activated_days": 90, "idle_days": 0, "province": "10"})
    refused = client.get(CANDIDATES, {"never_activated_days": 0, "idle_days": 0})
    malformed = client.get(CANDIDATES, {"never_activated_days": -3, "idle_days": 180})

    assert len(_rows(narrowed.content.decode(), "data-licence")) == 1
    assert refused.status_code == 422
    assert _rows(refused.content.decode(), "data-licence") == []
    assert malformed.status_code == 422


@pytest.mark.parametrize("role", ["licensee", "office_operator", "agency_staff"])
def test_others_may_not_see_the_pages(network, role):
    user = (
        licensee()
        if role == "licensee"
        else UserFactory(
            role=role,
            jurisdiction_code={"office_operator": network.never.code, "agency_staff": "tamin"}[role],
        )
    )
    assert _client(user).get(CANDIDATES).status_code == 403
    assert _client(user).get("/supervision/campaigns/").status_code == 403


def test_the_regulator_starts_a_campaign_and_concludes_it_from_the_pages(network):
    client = _client(regulator())

    preview = client.get(START, {"never_activated_days": 90, "idle_days": 180, "grace_days": 0})
    started = client.post(START, {"never_activated_days": 90, "idle_days": 180, "grace_days": 0, "basis": ""})

    assert preview.status_code == 200
    assert _rows(preview.content.decode(), "data-province") == ["10", "23"]
    campaign = InactivityCampaign.objects.get()
    assert started.status_code == 302
    assert started["Location"] == f"/supervision/campaigns/{campaign.number}/"
    again = client.post(START, {"never_activated_days": 90, "idle_days": 180, "grace_days": 0})
    assert again.status_code == 409
    assert InactivityCampaign.objects.count() == 1

    concluded = client.post(f"/supervision/campaigns/{campaign.number}/conclude/")
    page = client.get(f"/supervision/campaigns/{campaign.number}/")

    assert concluded.status_code == 302
    html = page.content.decode()
    assert sorted(_rows(html, "data-outcome")) == ["revoked"] * 4
    assert 'data-count="revoked">۴<' in html  # the key figure, in Persian digits
    assert client.get("/supervision/campaigns/").status_code == 200


def test_conclude_is_a_post_of_the_regulator(network):
    client = _client(regulator())
    client.post(START, {"never_activated_days": 90, "idle_days": 180, "grace_days": 0})
    number = InactivityCampaign.objects.get().number

    assert client.get(f"/supervision/campaigns/{number}/conclude/").status_code == 405
    assert _client(directorate("23")).post(f"/supervision/campaigns/{number}/conclude/").status_code == 403
    assert InactivityCampaign.objects.get().status == "noticed"


def test_the_regulator_decides_an_appeal_on_the_case_page(network):
    client = _client(regulator())
    client.post(START, {"never_activated_days": 90, "idle_days": 180, "grace_days": 5})
    campaign = InactivityCampaign.objects.get()
    case = CampaignCase.objects.get(office=network.silent)
    url = f"/supervision/campaigns/{campaign.number}/cases/{case.pk}/"

    shown = client.get(url)
    missing_reason = client.post(url, {"decision": "accept", "reason": ""})
    decided = client.post(url, {"decision": "accept", "reason": "مدارک پذیرفته شد"})

    assert shown.status_code == 200
    assert 'name="decision"' in shown.content.decode()
    assert missing_reason.status_code == 422
    assert decided.status_code == 302
    case.refresh_from_db()
    assert case.outcome == "kept_appeal"
    # a directorate reads the case but may not decide; another province's directorate does not find it
    assert _client(directorate("23")).post(url, {"decision": "refuse", "reason": "x"}).status_code == 403
    assert _client(directorate("10")).get(url).status_code == 404


def test_the_start_page_previews_the_criteria_it_is_linked_with(network):
    client = _client(regulator())

    preview = client.get(START, {"never_activated_days": 90, "idle_days": 0})
    wrong = client.get(START, {"idle_days": -1})

    assert preview.status_code == 200
    assert 'data-count="total">۲<' in preview.content.decode()  # the two never-activated licences
    assert 'name="grace_days" value="30"' in preview.content.decode()
    assert wrong.status_code == 422
    assert not InactivityCampaign.objects.exists()


def test_every_page_of_the_candidates_keeps_the_criteria(network, monkeypatch):
    monkeypatch.setattr("pishkhan.supervision.views.campaigns.PAGE_SIZE", 2)
    client = _client(regulator())
    expected = Licence.objects.filter(office__code__in=network.candidates).values_list("number", flat=True)

    # The menu's link carries no criteria: its page 2 is the default criteria's second page.
    first = client.get(CANDIDATES)
    second = client.get(CANDIDATES, {"page": "2"})
    asked = client.get(CANDIDATES, {"never_activated_days": 90, "idle_days": 180, "province": "23"})
    asked_second = client.get(
        CANDIDATES, {"never_activated_days": 90, "idle_days": 180, "province": "23", "page": "۲"}
    )

    assert second.status_code == 200
    shown = _rows(first.content.decode(), "data-licence") + _rows(second.content.decode(), "data-licence")
    assert sorted(shown) == sorted(expected)
    assert 'rel="next" href="?page=2"' in first.content.decode()
    html = asked.content.decode()
    assert 'rel="next" href="?never_activated_days=90&amp;idle_days=180&amp;province=23&amp;page=2"' in html
    assert asked_second.status_code == 200
    assert len(_rows(asked_second.content.decode(), "data-licence")) == 1  # three in Tehran, two a page


def test_a_closed_complaint_reads_as_a_settled_case_not_a_shut_office(geo_loaded):
    office = make_office(1)
    complaint = complaint_submit(office_code=office.code, category="conduct", description="بی‌احترامی")
    complaint_review(complaint=complaint, actor=None)
    complaint_close(complaint=complaint, reason="تذکر داده شد", outcome="upheld", actor=None)
    client = _client(regulator())

    listed = client.get("/supervision/complaints/").content.decode()
    shown = client.get(f"/supervision/complaints/{complaint.number}/").content.decode()

    state = re.search(rf'data-complaint="{complaint.number}".*?</tr>', listed, re.S).group(0)
    assert "بسته‌شده" in state
    assert "تعطیل" not in state
    assert "تعطیل" not in shown
    assert "<dt>بسته‌شده</dt>" in shown
