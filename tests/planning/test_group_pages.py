"""The working groups' pages: who may do what where, bad input re-rendered with nothing stored, the
session report and its XLSX."""

from __future__ import annotations

import datetime as dt

import jdatetime
import pytest
from django.test import Client
from django.utils import timezone

from pishkhan.accounts.models import User
from pishkhan.licensing.models import CountyQuota
from pishkhan.planning.models import AgendaItem, Session, Vote, WorkingGroup
from pishkhan.planning.states import ItemStatus
from tests.offices.pages_data import signed_in
from tests.planning.test_groups import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.usefixtures("world")


def _day(days: int) -> str:
    return jdatetime.date.fromgregorian(date=timezone.localdate() + dt.timedelta(days=days)).strftime(
        "%Y/%m/%d"
    )


def _schedule(client, days=3):
    return client.post(
        "/planning/working-groups/23/",
        {"action": "schedule", "day": _day(days), "time": "10:30", "place": "استانداری"},
    )


def _as(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _chair() -> Client:
    return _as("dg23")


def test_the_chair_schedules_a_session_with_its_agenda():
    client = _chair()
    response = _schedule(client)
    assert response.status_code == 302
    session = Session.objects.get()
    assert response["Location"] == f"/planning/working-groups/23/sessions/{session.number}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="agenda"' in html
    assert 'id="item-1"' in html
    assert 'id="attendance-form"' in html


@pytest.mark.parametrize(
    "form",
    [
        {"day": "1300/01/01", "time": "10:00"},
        {"day": "", "time": "10:00"},
        {"day": "tomorrow", "time": "10:00"},
        {"time": "25:00"},
    ],
)
def test_a_bad_or_past_day_is_refused_and_nothing_scheduled(form):
    form = {"action": "schedule", "day": _day(3)} | form
    response = _chair().post("/planning/working-groups/23/", form)
    assert response.status_code == 422
    assert 'id="group-error"' in response.content.decode()
    assert not Session.objects.exists()


def test_a_member_may_read_and_vote_but_not_manage():
    _schedule(_chair())
    member = signed_in("wg-reader", "working_group", "23")
    assert member.get("/planning/working-groups/").status_code == 302
    assert member.get("/planning/working-groups/23/").status_code == 200
    assert _schedule(member).status_code == 403
    assert (
        member.post("/planning/working-groups/23/sessions/1/", {"action": "decide", "item": "1"}).status_code
        == 403
    )
    assert Session.objects.count() == 1


def test_another_province_is_404_and_unknown_sessions_too():
    _schedule(_chair())
    isfahan = signed_in("dir10", "directorate", "10")
    assert isfahan.get("/planning/working-groups/23/").status_code == 404
    assert isfahan.get("/planning/working-groups/23/sessions/1/").status_code == 404
    assert isfahan.post("/planning/working-groups/23/sessions/1/", {"action": "open"}).status_code == 404
    assert isfahan.get("/planning/working-groups/23/sessions/1/report/").status_code == 404
    assert _chair().get("/planning/working-groups/23/sessions/99/").status_code == 404
    assert (
        _chair().post("/planning/working-groups/23/sessions/1/", {"action": "vote", "item": "x"}).status_code
        == 404
    )


def test_a_session_held_through_the_pages(world):  # noqa: F811
    chair = _chair()
    _schedule(chair)
    url = "/planning/working-groups/23/sessions/1/"
    item = AgendaItem.objects.get(session__number=1, county__code="2301")
    members = world["members"]
    # Deciding before the session opens is refused; so is an unknown action.
    assert chair.post(url, {"action": "decide", "item": item.number}).status_code == 409
    assert chair.post(url, {"action": "dance"}).status_code == 422
    response = chair.post(
        url, {"action": "item_edit", "item": item.number, "title": item.title, "pishkhan_quota": "-4"}
    )
    assert response.status_code == 422
    assert AgendaItem.objects.get(pk=item.pk).pishkhan_quota == item.pishkhan_quota
    chair.post(url, {"action": "item_edit", "item": item.number, "title": item.title, "pishkhan_quota": "2"})
    chair.post(url, {"action": "open", "present": [members["chair"].pk, members["gov"].pk]})
    chair.post(url, {"action": "vote", "item": item.number, "choice": "yes"})
    gov = _as("gov23")
    gov.post(url, {"action": "vote", "item": item.number, "choice": "yes"})
    emp = _as("emp23")
    refused = emp.post(url, {"action": "vote", "item": item.number, "choice": "yes"})
    assert refused.status_code == 409  # not present
    assert Vote.objects.filter(item=item).count() == 2
    assert chair.post(url, {"action": "decide", "item": item.number}).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).status == ItemStatus.CARRIED
    assert CountyQuota.objects.get(county__code="2301", office_kind="pishkhan").maximum == 2
    assert chair.post(url, {"action": "decide", "item": item.number}).status_code == 409
    # The regulator sees it awaiting review; returning needs a reason.
    regulator = signed_in("cra", "regulator")
    assert 'id="awaiting-review"' in regulator.get("/planning/working-groups/").content.decode()
    response = regulator.post(url, {"action": "return", "item": item.number, "reason": ""})
    assert response.status_code == 422
    assert AgendaItem.objects.get(pk=item.pk).status == ItemStatus.CARRIED
    assert chair.post(url, {"action": "confirm", "item": item.number}).status_code == 403
    assert regulator.post(url, {"action": "confirm", "item": item.number}).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).status == ItemStatus.CONFIRMED
    assert regulator.post(url, {"action": "return", "item": item.number, "reason": "دیر"}).status_code == 409
    assert chair.post(url, {"action": "close", "minutes": "صورتجلسه"}).status_code == 302
    # The report, printable, with the map and the decisions; and its XLSX.
    report = chair.get(url + "report/")
    html = report.content.decode()
    assert report.status_code == 200
    assert 'id="coverage-map"' in html
    assert 'id="report-items"' in html
    assert "صورتجلسه" in html
    assert "style=" not in html.split('id="session-report"')[1]
    xlsx = chair.get(url + "report/?export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert WorkingGroup.objects.count() == 1


def test_the_api_gives_the_sessions_in_jurisdiction_only(world):  # noqa: F811
    _schedule(_chair())
    body = signed_in("cra", "regulator").get("/api/v1/planning/working-groups/23/sessions").json()
    assert body["province"] == "23"
    assert {m["role"] for m in body["members"]} == {"chair", "governorate", "employment"}
    assert body["sessions"][0]["number"] == 1
    assert body["sessions"][0]["items"][0]["votes"] == {"yes": 0, "no": 0, "abstain": 0}
    isfahan = signed_in("dir10", "directorate", "10")
    assert isfahan.get("/api/v1/planning/working-groups/23/sessions").status_code == 404
    assert isfahan.get("/api/v1/planning/working-groups/10/sessions").json()["sessions"] == []
    assert signed_in("op", "licensee").get("/api/v1/planning/working-groups/23/sessions").status_code == 403
