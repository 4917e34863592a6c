"""Reading the geography: provinces, counties, place search and the province map."""

import pytest

from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.geo.maps import IRAN
from pishkhan.geo.search import SEPARATOR, query_key
from pishkhan.geo.selectors import county_list, place_search, province_get, province_list, province_map


def _match_rank(place, q):
    """0 exact, 1 prefix, 2 contains — the order place_search promises."""
    key, names = query_key(q), place.search_key.split(SEPARATOR)
    if key in names:
        return 0
    return 1 if any(name.startswith(key) for name in names) else 2


def test_province_list_gives_population_in_one_query(geo_loaded, django_assert_num_queries):
    with django_assert_num_queries(1):
        provinces = list(province_list())

    assert [p.code for p in provinces][:3] == ["00", "01", "02"]
    tehran = next(p for p in provinces if p.code == "23")
    assert (tehran.name_en, tehran.population_2016, tehran.capital_fa) == ("Tehran", 13_267_637, "تهران")


def test_province_get_accepts_persian_digits(geo_loaded):
    assert province_get(code="۲۳").name_en == "Tehran"
    assert province_get(code=" 05 ").name_en == "Kermanshah"


@pytest.mark.parametrize("code", ["", "2", "233", "ab", "2٣x", "23; --"])
def test_province_get_refuses_a_malformed_code(geo_loaded, code):
    with pytest.raises(ValidationError) as refused:
        province_get(code=code)

    assert "province" in refused.value.fields


def test_province_get_reports_an_unknown_code_as_not_found(geo_loaded):
    with pytest.raises(NotFoundError, match="99"):
        province_get(code="99")


def test_county_list_of_tehran(geo_loaded, django_assert_num_queries):
    with django_assert_num_queries(2):  # the province, then its counties with it joined
        counties = list(county_list(province_code="23"))

    assert len(counties) == 16
    assert counties[0].code == "2301"
    assert counties[0].name_fa == "تهران"
    assert {county.province.code for county in counties} == {"23"}


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("كرمانشاه", "0502041258"),  # Arabic kaf
        ("ياسوج", "1701031512"),  # Arabic yeh
        ("Kermanshah", "0502041258"),
        ("arak", "0001021101"),  # GeoNames writes «Arāk»
        ("اسلام‌شهر", "2310021581"),  # typed with a ZWNJ, stored without
        ("اسلام شهر", "2310021581"),  # typed with a space
    ],
)
def test_place_search_finds_the_city_first(geo_loaded, q, code):
    results = place_search(q=q)

    assert results[0].code == code
    assert results[0].kind == "city"


@pytest.mark.parametrize("q", ["آهنگرانبالا", "آهنگران بالا", "آهنگران\u200cبالا", "آهنگران\u200c بالا"])
def test_place_search_ignores_zwnj_space_or_nothing(geo_loaded, q):
    # given the village stored as «آهنگران‌بالا» (with a ZWNJ)
    results = place_search(q=q)

    # then it comes first, before a village that merely contains the name
    assert [(place.code, place.name_fa) for place in results] == [
        ("1504010002221755", "آهنگران\u200cبالا"),
        ("0934010002541697", "کلاته اهنگران بالا"),
    ]


@pytest.mark.parametrize(("q", "code"), [("آبکلایه ۱", "1404050002214828"), ("آبکلایه ٢", "1404050002214829"),
                                         ("آبکلایه2", "1404050002214829")])  # fmt: skip
def test_place_search_reads_any_digits(geo_loaded, q, code):
    # given the villages «آبکلایه 1» and «آبکلایه 2» (Latin digits in the official list)
    assert [place.code for place in place_search(q=q)] == [code]


def test_place_search_ranks_exact_then_prefix_then_contains_and_cities_first(geo_loaded):
    results = place_search(q="نور", limit=50)

    ranks = [(_match_rank(place, "نور"), place.kind != "city") for place in results]
    assert ranks == sorted(ranks)
    assert (results[0].city_code, results[1].kind) == ("1189", "village")  # Nur city, then Nur village


def test_place_search_puts_bigger_cities_first_within_a_rank(geo_loaded):
    results = [place for place in place_search(q="آباد", limit=50) if place.kind == "city"]

    sizes = [place.population_2016 or place.population_geonames or 0 for place in results]
    contains = [size for place, size in zip(results, sizes, strict=True) if _match_rank(place, "آباد") == 2]
    assert len(contains) > 5
    assert contains == sorted(contains, reverse=True)


def test_place_search_takes_one_query_and_honours_the_limit(geo_loaded, django_assert_num_queries):
    with django_assert_num_queries(1):
        results = place_search(q="آباد", limit=7)
        names = [(place.name_fa, place.county.name_fa, place.county.province.name_fa) for place in results]

    assert len(names) == 7


@pytest.mark.parametrize("q", ["", "   ", "%", "_", "'; --", "<>"])
def test_place_search_with_nothing_searchable_finds_nothing(geo_loaded, q):
    assert place_search(q=q) == []


def test_province_map_draws_every_province_in_the_view_box(geo_loaded):
    drawn = province_map()

    assert drawn.view_box == IRAN.view_box
    assert len(drawn.provinces) == 31
    assert sum(shape.population_2016 for shape in drawn.provinces) == 79_926_270
    assert sum(len(shape.d) for shape in drawn.provinces) < 200_000
    assert all(
        0 < shape.label_x < drawn.width and 0 < shape.label_y < drawn.height for shape in drawn.provinces
    )
    tehran = next(shape for shape in drawn.provinces if shape.code == "23")
    east_azerbaijan = next(shape for shape in drawn.provinces if shape.code == "03")
    assert tehran.d.startswith("M")
    assert east_azerbaijan.label_y < tehran.label_y  # north is up


def test_province_map_projects_once(geo_loaded, django_assert_num_queries):
    province_map()

    with django_assert_num_queries(1):
        drawn = province_map()

    assert len(drawn.provinces) == 31


def test_county_names_lists_every_county_or_one_provinces(geo_loaded):
    from pishkhan.geo.selectors import county_names

    everywhere = list(county_names())
    tehran = list(county_names(province_code="23"))

    assert len(everywhere) == 483
    assert ("2301", "تهران", "Tehran") in tehran
    assert all(code.startswith("23") for code, _, _ in tehran)
