"""The public office pages: "find an office near me" and each office's rate board, open to anyone."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone, translation

from pishkhan.common.calendar import format_jalali_date
from pishkhan.offices.services import office_set_status
from pishkhan.offices.templatetags.offices import distance
from tests.offices.pages_data import network_build, result_codes


@pytest.fixture
def network(geo_loaded):
    return network_build()


# --- Public: find an office -------------------------------------------------------------------------


def test_find_lists_the_nearest_offices_delivering_the_service_nearest_first(anon_client, network):
    # Near Damavand city: Damavand's office, then Rudehen's (15 km), then Tehran's (58 km), Ardestan last.
    response = anon_client.get("/find/", {"service": "sabt.birth-copy", "lat": "35.72", "lon": "52.07"})

    assert response.status_code == 200
    assert result_codes(response) == ["P23-0002", "P23-0003", "P23-0001", "P10-0001"]
    distances = [float(d) for d in re.findall(r'data-distance="([0-9.]+)"', response.content.decode())]
    assert distances == sorted(distances)
    assert distances[0] < 1.0
    assert 55 < distances[2] < 62
    assert 'href="/offices/P23-0002/rates/"' in response.content.decode()


def test_find_shows_metres_under_a_kilometre_and_a_tenth_of_a_kilometre_above(anon_client, network):
    response = anon_client.get("/find/", {"service": "sabt.birth-copy", "lat": "35.72", "lon": "52.07"})

    shown = re.findall(r'<span class="distance">([^<]+)</span>', response.content.decode())
    assert re.fullmatch(r"[۱-۹][۰-۹]{1,2}۰ متر", shown[0])  # Damavand's office, a few hundred metres away
    assert all(re.fullmatch(r"[۰-۹]+٫[۰-۹] کیلومتر", text) for text in shown[1:])
    assert "۰٫۱ کیلومتر" not in shown


def test_find_draws_the_results_on_a_map_around_the_point_numbered_as_in_the_list(anon_client, network):
    response = anon_client.get("/find/", {"service": "sabt.birth-copy", "lat": "35.72", "lon": "52.07"})

    html = response.content.decode()
    start = html.index('<svg class="results-map"')
    svg = html[start : html.index("</svg>", start)]
    assert re.findall(r'data-numbers="([0-9,]+)"', svg) == ["1", "2", "3", "4"]
    assert "<title>۱. دفتر دماوند</title>" in svg
    assert ">۴</text>" in svg
    assert "data-centre>" in svg  # the point searched
    assert 'class="results-map__outlines"' in svg
    assert "<path d=" in svg[svg.index("results-map__outlines") :]  # the results' counties, for bearings
    assert re.search(r">[۰-۹]+ کیلومتر</text>", svg)  # the scale bar, a round distance
    assert "https://" not in svg  # drawn here: no tiles, nothing fetched


def test_find_by_county_draws_the_map_around_the_county_seat(anon_client, network):
    response = anon_client.get("/find/", {"service": "sabt.birth-copy", "province": "23", "county": "2302"})

    html = response.content.decode()
    assert '<svg class="results-map"' in html
    assert "<title>مرکز شهرستان</title>" in html


def test_find_with_nothing_found_draws_no_map(anon_client, network):
    office_set_status(office=network["ardestan"], status="suspended", actor=None)

    response = anon_client.get("/find/", {"service": "sabt.birth-copy", "province": "10", "county": "1001"})

    assert response.status_code == 200
    assert "results-map" not in response.content.decode()


def test_find_leaves_out_offices_of_kinds_that_may_not_deliver_the_service(anon_client, network):
    response = anon_client.get("/find/", {"service": "tamin.pension", "lat": "35.69", "lon": "51.42"})

    codes = result_codes(response)
    assert codes[:2] == ["P23-0001", "S23-0001"] or codes[:2] == ["S23-0001", "P23-0001"]
    assert set(codes) == {"P23-0001", "S23-0001", "P23-0002", "P23-0003", "P10-0001"}


def test_find_by_county_lists_the_countys_offices(anon_client, network):
    response = anon_client.get("/find/", {"service": "sabt.birth-copy", "province": "23", "county": "2302"})

    assert result_codes(response) == ["P23-0002", "P23-0003"]


def test_find_can_keep_only_the_offices_open_now(anon_client, network):
    response = anon_client.get("/find/", {"service": "sabt.birth-copy", "county": "2302", "open_now": "on"})

    assert result_codes(response) == ["P23-0003"]


def test_find_reads_persian_digits_and_decimal_separator(anon_client, network):
    response = anon_client.get("/find/", {"service": "sabt.birth-copy", "lat": "۳۵٫۷۲", "lon": "۵۲٫۰۷"})

    assert result_codes(response)[0] == "P23-0002"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"service": "sabt.birth-copy", "lat": "48.85", "lon": "2.35"}, "lat"),  # Paris
        ({"service": "sabt.birth-copy", "lat": "35.7"}, "lon"),
        ({"service": "sabt.birth-copy", "lat": "north", "lon": "52"}, "lat"),
        ({"service": "sabt.birth-copy", "lat": "135", "lon": "52"}, "lat"),
        ({"service": "sabt.passport", "lat": "35.7", "lon": "52"}, "service"),  # prohibited: not offered
        ({"service": "nope.nothing", "county": "2302"}, "service"),
        ({"service": "sabt.birth-copy", "county": "9999"}, "county"),
        ({"service": "sabt.birth-copy", "province": "10", "county": "2302"}, "county"),
    ],
)
def test_bad_search_input_is_a_form_error_never_a_failure(anon_client, network, query, field):
    response = anon_client.get("/find/", query)

    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert result_codes(response) == []


def test_find_without_a_place_asks_for_one(anon_client, network):
    response = anon_client.get("/find/", {"service": "sabt.birth-copy"})

    assert response.status_code == 200
    assert 'class="notice notice--error" role="alert"' in response.content.decode()


def test_find_offers_no_prohibited_service(anon_client, network):
    html = anon_client.get("/find/").content.decode()

    assert 'value="sabt.birth-copy"' in html
    assert 'value="sabt.passport"' not in html


def test_the_county_select_is_refreshed_with_the_provinces_counties(anon_client, network):
    response = anon_client.get("/find/counties/", {"province": "10"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert 'value="1001"' in html
    assert 'value="2301"' not in html
    assert "<optgroup" not in html


def test_the_find_page_has_a_use_my_location_button_that_waits_for_javascript(anon_client, network):
    html = anon_client.get("/find/").content.decode()

    assert re.search(r"<button[^>]*data-locate hidden", html)
    assert "offices/offices.js" in html


@pytest.mark.parametrize(
    ("km", "language", "shown"),
    [
        (0.0, "fa", "۱۰ متر"),
        (0.456, "fa", "۴۶۰ متر"),
        (0.994, "fa", "۹۹۰ متر"),
        (0.996, "fa", "۱٫۰ کیلومتر"),
        (14.94, "fa", "۱۴٫۹ کیلومتر"),
        (0.456, "en", "460 m"),
        (58.27, "en", "58.3 km"),
    ],
)
def test_a_distance_is_shown_in_metres_under_a_kilometre(km, language, shown):
    with translation.override(language):
        assert distance(km) == shown


# --- Public: rate board -----------------------------------------------------------------------------


def test_the_rate_board_shows_the_tariff_in_force_and_its_total(anon_client, network):
    response = anon_client.get("/offices/P23-0001/rates/")

    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r'<tr data-service="sabt.birth-copy">.*?</tr>', html, re.S).group(0)
    fees = dict(re.findall(r'data-fee="(\w+)" data-rials="(\d+)"', row))
    assert fees == {"government": "150000", "office": "85000", "total": "235000"}
    assert "۲۳۵٬۰۰۰ ریال" in row
    assert 'data-service="sabt.passport"' not in html  # prohibited from the offices
    assert 'data-service="tamin.pension"' in html
    assert format_jalali_date(timezone.localdate(), long=True, persian=True) in html


def test_the_rate_board_has_a_qr_code_of_its_address_and_a_print_stylesheet(anon_client, network):
    html = anon_client.get("/offices/P23-0001/rates/").content.decode()

    assert re.search(r'<svg[^>]*class="qr"', html)
    assert "http://testserver/offices/P23-0001/rates/" in html
    assert re.search(r'<link rel="stylesheet" href="[^"]*offices/rate-board-print\.css" media="print">', html)
    with open(finders.find("offices/rate-board-print.css"), encoding="utf-8") as css:
        print_css = css.read()
    assert "size: A4" in print_css
    assert ".site-header" in print_css


def test_a_social_security_office_board_lists_only_what_its_kind_delivers(anon_client, network):
    html = anon_client.get("/offices/S23-0001/rates/").content.decode()

    assert 'data-service="tamin.pension"' in html
    assert 'data-service="sabt.birth-copy"' not in html


def test_a_closed_offices_board_says_it_is_closed(anon_client, network):
    office_set_status(office=network["damavand"], status="closed", actor=None)

    html = anon_client.get("/offices/P23-0002/rates/").content.decode()

    assert "rate-board__closed" in html


def test_an_unknown_offices_board_is_not_found(anon_client, network):
    assert anon_client.get("/offices/P23-9999/rates/").status_code == 404
    assert anon_client.get("/offices/garbage/rates/").status_code == 404


def test_the_rate_board_in_english(network):
    english = Client()
    english.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = english.get("/offices/P23-0001/rates/").content.decode()

    assert 'lang="en"' in html
    assert 'dir="ltr"' in html
    assert "235,000 rials" in html
    assert "Service sabt.birth-copy" in html
