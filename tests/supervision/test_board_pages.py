"""The network board's pages: counts per province and county, the offices offline in their hours with
their export, the map, the live fragment htmx polls, one office's terminals; who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pishkhan.transactions.services import heartbeat_record
from tests.accounts.factories import UserFactory
from tests.licensing.factories import directorate, regulator
from tests.offices.factories import (
    ARDESTAN_CITY,
    ARDESTAN_COUNTY,
    ISFAHAN_PROVINCE,
    TEHRAN_PROVINCE,
    make_office,
)

BOARD = "/supervision/board/"
LIVE = "/supervision/board/live/"
ALWAYS_OPEN = {str(day): [["00:00", "24:00"]] for day in range(7)}


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def offices(geo_loaded):
    """Two Tehran offices (one heard a minute ago, one never) and one in Isfahan, all always open."""
    heard = make_office(1, opening_hours=ALWAYS_OPEN)
    silent = make_office(2, opening_hours=ALWAYS_OPEN)
    isfahan = make_office(
        3, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=ARDESTAN_CITY, opening_hours=ALWAYS_OPEN
    )
    heartbeat_record(
        office=heard,
        terminal_id="desk-1",
        software_version="3.2.0",
        at=timezone.now() - dt.timedelta(minutes=1),
    )
    heartbeat_record(
        office=isfahan,
        terminal_id="desk-9",
        software_version="2.9.9",
        at=timezone.now() - dt.timedelta(hours=3),
    )
    return {"heard": heard, "silent": silent, "isfahan": isfahan}


def _count(html: str, state: str) -> str:
    marker = f'data-count="{state}">'
    return html.split(marker, 1)[1].split("<", 1)[0]


def test_the_regulator_sees_every_province_counted_and_the_offline_offices(offices):
    page = _client(regulator()).get(BOARD)

    assert page.status_code == 200
    html = page.content.decode()
    assert _count(html, "online") == "۱"
    assert _count(html, "offline") == "۲"
    assert f'data-area="{TEHRAN_PROVINCE}"' in html
    assert f'data-area="{ISFAHAN_PROVINCE}"' in html
    assert f'data-office="{offices["silent"].code}"' in html
    assert f'data-office="{offices["isfahan"].code}"' in html
    assert f'data-office="{offices["heard"].code}"' not in html
    assert 'data-state="online"' in html
    assert 'data-state="offline"' in html
    assert 'data-version="3.2.0"' in html
    assert 'data-version="2.9.9"' in html
    assert f'hx-get="{LIVE}"' in html
    assert 'hx-trigger="every 10s"' in html


def test_a_province_is_counted_per_county(offices):
    page = _client(regulator()).get(BOARD, {"province": TEHRAN_PROVINCE})

    html = page.content.decode()
    assert 'data-area="2301"' in html
    assert f'data-area="{ISFAHAN_PROVINCE}"' not in html
    assert f'data-office="{offices["isfahan"].code}"' not in html
    assert f"{LIVE}?province={TEHRAN_PROVINCE}" in html  # the poll keeps the filter


def test_a_directorate_sees_its_own_province_only(offices):
    client = _client(directorate(ISFAHAN_PROVINCE))

    page = client.get(BOARD)

    html = page.content.decode()
    assert f'data-office="{offices["isfahan"].code}"' in html
    assert f'data-office="{offices["silent"].code}"' not in html
    assert client.get(BOARD, {"province": TEHRAN_PROVINCE}).status_code == 403
    assert client.get(f"{BOARD}offices/{offices['silent'].code}/").status_code == 404


def test_the_live_fragment_follows_a_new_heartbeat(offices):
    client = _client(regulator())
    before = client.get(LIVE).content.decode()

    heartbeat_record(office=offices["silent"], terminal_id="desk-2", software_version="3.2.0")
    after = client.get(LIVE).content.decode()

    assert _count(before, "online") == "۱"
    assert _count(after, "online") == "۲"
    assert 'id="board-outlines"' in after
    assert '<path class="outline' not in after  # the page keeps the outlines it has (hx-preserve)
    assert after.lstrip().startswith("<div")
    assert "<html" not in after


def test_the_offline_offices_export_as_csv_and_xlsx(offices):
    client = _client(regulator())

    csv = client.get(BOARD, {"export": "csv"})
    xlsx = client.get(BOARD, {"export": "xlsx"})

    body = b"".join(csv.streaming_content).decode()
    assert offices["silent"].code in body
    assert offices["isfahan"].code in body
    assert offices["heard"].code not in body
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(BOARD, {"export": "pdf"}).status_code == 400


def test_an_office_page_lists_its_terminals(offices):
    heartbeat_record(office=offices["heard"], terminal_id="desk-2", software_version="3.1.0")

    page = _client(regulator()).get(f"{BOARD}offices/{offices['heard'].code}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-terminal="desk-1"' in html
    assert 'data-terminal="desk-2"' in html
    assert "3.1.0" in html
    assert 'data-state="online"' in html


def test_unknown_office_and_malformed_province_are_404(offices):
    client = _client(regulator())

    assert client.get(f"{BOARD}offices/P99-9999/").status_code == 404
    assert client.get(BOARD, {"province": "x"}).status_code == 404


@pytest.mark.parametrize("role", ["office_operator", "licensee"])
def test_others_may_not_see_the_board(offices, role):
    user = UserFactory(
        role=role, jurisdiction_code=offices["heard"].code if role == "office_operator" else ""
    )

    assert _client(user).get(BOARD).status_code == 403
    assert _client().get(BOARD).status_code in (302, 403)
