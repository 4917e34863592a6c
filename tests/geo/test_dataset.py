"""The shipped geography as read from its files, before any database (pure)."""

import pytest

from pishkhan.geo import dataset


@pytest.fixture(scope="module")
def places():
    return dataset.places()


def test_provinces_sum_to_the_2016_census_total():
    # given the shipped province file
    provinces = dataset.provinces()

    # then the 31 provinces hold Iran's 2016 population and each has its boundary
    assert len(provinces) == 31
    assert sum(row["population_2016"] for row in provinces) == 79_926_270
    assert all(row["boundary"]["type"] in {"Polygon", "MultiPolygon"} for row in provinces)


def test_counties_created_after_2016_have_no_census_figure_but_a_parent():
    counties = dataset.counties()

    without_figure = [row for row in counties if row["population_2016"] is None]

    assert len(counties) == 483
    assert len(without_figure) == 54
    assert all(row["parent_code_2016"] for row in without_figure)
    assert sum(row["boundary"] is None for row in counties) == 5


def test_districts_are_padded_to_six_digits_under_their_county():
    districts = dataset.districts()

    assert len(districts) == 1_099
    assert len({row["code"] for row in districts}) == 1_099
    assert all(len(row["code"]) == 6 and row["code"].startswith(row["county_code"]) for row in districts)
    # int 62101 in django-iranian-cities is Khuzestan (06), county 21, district 01
    assert {"code": "062101", "county_code": "0621", "name_fa": "آبژدان"} in districts


def test_every_village_is_one_row_with_a_sixteen_digit_code(places):
    villages = [row for row in places if row["kind"] == "village"]

    assert len(villages) == 98_100
    assert len({row["code"] for row in villages}) == 98_100
    assert all(len(row["code"]) == 16 for row in villages)
    assert all(row["code"].startswith(row["district_code"]) for row in villages)
    assert all(row["district_code"].startswith(row["county_code"]) for row in villages)


def test_villages_with_geonames_points_keep_their_coordinates(places):
    villages = {row["code"]: row for row in places if row["kind"] == "village"}

    located = [row for row in villages.values() if row["lat"] is not None]
    aman_abad = villages["0001020001000266"]

    assert len(located) == 1_250
    assert (aman_abad["name_fa"], aman_abad["name_en"]) == ("امان آباد", "Amānābād")
    assert (aman_abad["lat"], aman_abad["lon"], aman_abad["coord_source"]) == (34.00784, 49.91456, "geonames")
    assert aman_abad["population_geonames"] == 2135


def test_every_city_has_a_city_code_and_new_cities_no_official_code(places):
    cities = [row for row in places if row["kind"] == "city"]

    assert len(cities) == 1_451
    assert len({row["city_code"] for row in cities}) == 1_451
    assert sum(row["code"] is None for row in cities) == 96
    assert all(row["district_code"] is None for row in cities if row["code"] is None)


def test_names_are_stored_normalised(places):
    # given a village whose official name has a space before its ZWNJ («آب ‌شباندر»)
    village = next(row for row in places if row["code"] == "1503020002218668")

    # then the stored name joins the parts with the ZWNJ alone
    assert village["name_fa"] == "آب\u200cشباندر"
