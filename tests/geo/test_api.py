"""The public geo API at /api/v1/geo/, through the real URLs."""

import pytest

from pishkhan.geo.models import Place

PROBLEM = "application/problem+json"


def test_provinces_list_with_population(geo_loaded, anon_client):
    response = anon_client.get("/api/v1/geo/provinces")

    assert response.status_code == 200
    provinces = response.json()
    assert len(provinces) == 31
    assert sum(p["population_2016"] for p in provinces) == 79_926_270
    tehran = next(p for p in provinces if p["code"] == "23")
    assert tehran == {
        "code": "23",
        "iso_3166_2": "IR-23",
        "name_fa": "تهران",
        "name_en": "Tehran",
        "population_2016": 13_267_637,
        "urban_2016": 12_452_230,
        "rural_2016": 814_698,
        "unsettled_2016": 709,
        "population_2011": 12_183_391,
        "capital_fa": "تهران",
        "capital_en": "Tehran",
        "lat": 35.69439,
        "lon": 51.42151,
        "area_km2": 13_755,
    }


def test_counties_of_a_province(geo_loaded, anon_client):
    response = anon_client.get("/api/v1/geo/counties", {"province": "23"})

    assert response.status_code == 200
    counties = response.json()
    assert len(counties) == 16
    assert {county["province_code"] for county in counties} == {"23"}
    assert counties[0]["code"] == "2301"
    assert counties[0]["population_2016"] == 8_737_510


def test_counties_created_after_2016_have_null_population(geo_loaded, anon_client):
    # given Alborz (province ۳۰, asked with Persian digits), where Chaharbagh was carved from Savojbolagh
    counties = anon_client.get("/api/v1/geo/counties", {"province": "۳۰"}).json()

    new = [(county["code"], county["population_2016"], county["parent_code_2016"]) for county in counties
           if county["population_2016"] is None]  # fmt: skip
    assert new == [("3007", None, "3002")]


def test_counties_of_an_unknown_province_are_not_found(geo_loaded, anon_client):
    response = anon_client.get("/api/v1/geo/counties", {"province": "99"})

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "urn:pishkhan:problem:not-found"


@pytest.mark.parametrize("province", ["abc", "1", "<b>23</b>", "23' OR '1'='1", "x" * 10_000])
def test_counties_of_a_malformed_province_code_are_refused(geo_loaded, anon_client, province):
    response = anon_client.get("/api/v1/geo/counties", {"province": province})

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert "province" in response.json()["errors"]


def test_counties_need_a_province(geo_loaded, anon_client):
    response = anon_client.get("/api/v1/geo/counties")

    assert response.status_code == 422
    assert "province" in response.json()["errors"]


@pytest.mark.parametrize(("q", "city_code"), [("كرمانشاه", "1258"), ("ياسوج", "1512"), ("Tehran", "1576")])
def test_place_search_finds_cities_typed_any_way(geo_loaded, anon_client, q, city_code):
    response = anon_client.get("/api/v1/geo/places", {"q": q})

    assert response.status_code == 200
    first = response.json()[0]
    assert (first["kind"], first["city_code"]) == ("city", city_code)


def test_place_search_answers_with_county_and_province(geo_loaded, anon_client):
    places = anon_client.get("/api/v1/geo/places", {"q": "آهنگران بالا", "limit": 1}).json()

    assert places == [
        {
            "kind": "village",
            "code": "1504010002221755",
            "city_code": None,
            "name_fa": "آهنگران\u200cبالا",
            "name_en": "",
            "admin_role": "",
            "county_code": "1504",
            "county_name_fa": "دلفان",
            "province_code": "15",
            "province_name_fa": "لرستان",
            "population_2016": None,
            "population_geonames": None,
            "lat": None,
            "lon": None,
        }
    ]


def test_place_search_keeps_to_the_county_or_province_given(geo_loaded, anon_client):
    everywhere = anon_client.get("/api/v1/geo/places", {"q": "آباد", "limit": 50}).json()
    in_tehran = anon_client.get("/api/v1/geo/places", {"q": "آباد", "limit": 50, "province": "23"}).json()
    in_damavand = anon_client.get("/api/v1/geo/places", {"q": "آباد", "limit": 50, "county": "2302"}).json()

    assert {place["province_code"] for place in everywhere} != {"23"}
    assert in_tehran
    assert {place["province_code"] for place in in_tehran} == {"23"}
    assert in_damavand
    assert {place["county_code"] for place in in_damavand} == {"2302"}


@pytest.mark.parametrize(
    "params", [{"province": "2"}, {"province": "23x"}, {"county": "23"}, {"county": "۲۳۰۲x"}]
)
def test_place_search_refuses_a_malformed_scope(geo_loaded, anon_client, params):
    response = anon_client.get("/api/v1/geo/places", {"q": "آباد", **params})

    assert response.status_code == 422
    assert set(params) <= set(response.json()["errors"])


def test_place_search_honours_the_limit(geo_loaded, anon_client):
    assert len(anon_client.get("/api/v1/geo/places", {"q": "آباد", "limit": 50}).json()) == 50
    assert len(anon_client.get("/api/v1/geo/places", {"q": "آباد"}).json()) == 20


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "ت" * 101},
        {"q": "x" * 10_240},
        {"q": "تهران", "limit": 0},
        {"q": "تهران", "limit": 51},
        {"q": "تهران", "limit": "many"},
    ],
)
def test_place_search_refuses_bad_input_with_a_problem(geo_loaded, anon_client, params):
    response = anon_client.get("/api/v1/geo/places", params)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 422
    assert body["errors"]


@pytest.mark.parametrize(
    "q",
    [
        "'; DROP TABLE geo_place; --",
        "' OR '1'='1",
        "%' OR 1=1 --",
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "\x00",
    ],
)
def test_place_search_with_sql_or_html_is_harmless(geo_loaded, anon_client, q):
    response = anon_client.get("/api/v1/geo/places", {"q": q})

    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert all("<" not in place["name_fa"] for place in response.json())
    assert Place.objects.count() == 99_551


def test_geo_endpoints_need_no_login(geo_loaded, anon_client):
    for path in ("/api/v1/geo/provinces", "/api/v1/geo/counties?province=00", "/api/v1/geo/places?q=x"):
        assert anon_client.get(path).status_code == 200, path


def test_openapi_documents_the_geo_endpoints_as_public(anon_client):
    paths = anon_client.get("/api/v1/openapi.json").json()["paths"]

    for path in ("/api/v1/geo/provinces", "/api/v1/geo/counties", "/api/v1/geo/places"):
        assert "security" not in paths[path]["get"], path
