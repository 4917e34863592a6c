"""The home page: the national picture from geo, in Persian (right to left) or English."""

import re

import pytest

from pishkhan.geo.models import County, District, Place, Province

CENSUS_2016_TOTAL = 79_926_270


def _html_tag(content: bytes) -> str:
    return re.search(r"<html[^>]*>", content.decode()).group(0)


def _populations(html: str, section: str) -> list[int]:
    body = re.search(rf"<{section}>(.*?)</{section}>", html, re.S).group(1)
    return [int(value) for value in re.findall(r'data-population="(\d+)"', body)]


def test_home_is_persian_and_right_to_left_by_default(client, geo_loaded):
    response = client.get("/")

    assert response.status_code == 200
    assert _html_tag(response.content) == '<html lang="fa" dir="rtl">'
    assert "تهران" in response.content.decode()


def test_home_is_english_and_left_to_right_after_switching_language(client, geo_loaded):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.get("/")

    assert switched.status_code == 302
    assert switched["Location"] == "/"
    assert switched.cookies["pishkhan_language"].value == "en"
    assert _html_tag(response.content) == '<html lang="en" dir="ltr">'
    assert '<th scope="row">Tehran</th>' in response.content.decode()


def test_home_switches_back_to_persian(english, geo_loaded):
    english.post("/i18n/setlang/", {"language": "fa", "next": "/"})

    response = english.get("/")

    assert _html_tag(response.content) == '<html lang="fa" dir="rtl">'


def test_language_switch_offers_the_other_language_by_its_own_name(client, english, geo_loaded):
    persian_page = client.get("/").content.decode()
    english_page = english.get("/").content.decode()

    assert re.search(r'name="language" value="en" lang="en"[^>]*>English</button>', persian_page)
    assert re.search(r'name="language" value="fa" lang="fa"[^>]*>فارسی</button>', english_page)


def test_home_map_draws_every_province_with_a_title(client, geo_loaded):
    html = client.get("/").content.decode()

    paths = re.findall(
        r'<path class="province band-(\d)" data-code="(\d\d)" d="M[^"]+"><title>([^<]+)</title>', html
    )

    assert len(paths) == 31
    assert {code for _, code, _ in paths} == set(Province.objects.values_list("code", flat=True))
    titles = {code: title for _, code, title in paths}
    assert titles["23"].startswith("تهران: ۱۳٬۲۶۷٬۶۳۷")  # then "people", in the active language
    assert re.search(r'<svg class="map"[^>]* role="img" aria-labelledby="map-svg-title map-svg-desc"', html)


def test_home_map_shades_the_most_and_least_populous_provinces_apart(client, geo_loaded):
    html = client.get("/").content.decode()

    shades = re.findall(r'class="province band-(\d)" data-code="(\d\d)"', html)
    band = {code: int(shade) for shade, code in shades}

    assert band["23"] == 4  # Tehran, 13.3 million
    assert band["16"] == 0  # Ilam, 0.58 million


def test_home_table_lists_31_provinces_whose_sum_is_the_census_total(client, geo_loaded):
    html = client.get("/").content.decode()

    rows = _populations(html, "tbody")
    total = _populations(html, "tfoot")

    assert len(rows) == 31
    assert rows == sorted(rows, reverse=True)
    assert total == [sum(rows)]
    assert sum(rows) == CENSUS_2016_TOTAL


def test_home_shows_the_total_with_separators_in_the_active_language(client, english, geo_loaded):
    persian = client.get("/").content.decode()
    latin = english.get("/").content.decode()

    assert "۷۹٬۹۲۶٬۲۷۰" in persian
    assert "79,926,270" in latin


def test_home_table_names_capitals_and_urban_share(english, geo_loaded):
    html = english.get("/").content.decode()

    tehran = re.search(r'<tr data-code="23">(.*?)</tr>', html, re.S).group(1)

    assert "Tehran" in tehran
    assert "13,267,637" in tehran
    assert "93.9%" in tehran  # 12,452,230 of 13,267,637 live in cities


def test_home_credits_the_data_under_the_map(english, geo_loaded):
    html = english.get("/").content.decode()

    credits = re.search(r'<ul class="credits"[^>]*>(.*?)</ul>', html, re.S).group(1)

    assert "Boundaries © OpenStreetMap contributors (ODbL)" in credits
    assert "Coordinates: GeoNames (CC BY 4.0)" in credits
    assert "Population: Statistical Centre of Iran, 2016 census" in credits


@pytest.mark.django_db
def test_home_without_geography_says_so_instead_of_failing(english):
    # The session's geography may already be loaded: empty the tables inside this test's transaction.
    for model in (Place, District, County, Province):
        model.objects.all().delete()

    response = english.get("/")

    assert response.status_code == 200
    assert "The geography of Iran has not been loaded yet." in response.content.decode()
    assert 'class="map"' not in response.content.decode()


def test_home_reads_the_database_a_fixed_number_of_times(client, geo_loaded, django_assert_max_num_queries):
    client.get("/")  # the map's outlines are projected once per process

    with django_assert_max_num_queries(4):
        client.get("/")
