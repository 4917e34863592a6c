"""Loading the geography into the database."""

from django.core.management import call_command
from django.db.models import Sum

from pishkhan.geo.models import County, District, Place, PlaceKind, Province
from pishkhan.geo.selectors import geo_is_loaded, province_code_exists
from pishkhan.geo.services import geo_load


def test_loaded_geography_matches_the_census(geo_loaded):
    assert Province.objects.count() == 31
    assert Province.objects.aggregate(total=Sum("population_2016"))["total"] == 79_926_270
    assert County.objects.count() == 483
    assert County.objects.filter(population_2016__isnull=True).count() == 54
    assert District.objects.count() == 1_099
    assert Place.objects.filter(kind=PlaceKind.CITY).count() == 1_451
    assert Place.objects.filter(kind=PlaceKind.VILLAGE).count() == 98_100
    assert Place.objects.filter(kind=PlaceKind.VILLAGE, lat__isnull=False).count() == 1_250


def test_places_hang_under_their_county_and_district(geo_loaded):
    # a city whose code predates its current county: Tehran city is in Tehran county either way
    tehran = Place.objects.select_related("county__province", "district").get(city_code="1576")
    village = Place.objects.select_related("county", "district").get(code="0001020001000266")

    assert (tehran.county.code, tehran.county.province.code, tehran.district.code) == ("2301", "23", "230102")
    assert tehran.admin_role == "province_capital"
    assert (village.county.code, village.district.code, village.lat) == ("0001", "000102", 34.00784)


def test_loading_again_is_skipped_when_loaded(geo_loaded):
    report = geo_load()

    assert report.skipped
    assert report.tables["places"].total == 99_551
    assert str(report).startswith(
        "already loaded (31 provinces, 483 counties, 1,099 districts, 99,551 places"
    )


def test_forced_load_of_loaded_data_changes_nothing(geo_loaded):
    ids_before = list(Place.objects.order_by("code", "city_code").values_list("pk", flat=True)[:100])

    report = geo_load(force=True)

    assert not report.skipped
    assert {name: (load.created, load.updated) for name, load in report.tables.items()} == {
        "provinces": (0, 0),
        "counties": (0, 0),
        "districts": (0, 0),
        "places": (0, 0),
    }
    assert report.tables["places"].total == 99_551
    assert list(Place.objects.order_by("code", "city_code").values_list("pk", flat=True)[:100]) == ids_before


def test_forced_load_repairs_edited_and_deleted_rows(geo_loaded):
    # given a province renamed by hand and a village deleted
    Province.objects.filter(code="23").update(name_fa="تهرون", population_2016=13_000_000)
    Place.objects.filter(code="0001020001000266").delete()

    # when the shipped data is loaded with force
    report = geo_load(force=True)

    # then both are as shipped again, and nothing else was written
    tehran = Province.objects.get(code="23")
    assert (tehran.name_fa, tehran.population_2016, tehran.search_key) == (
        "تهران",
        13_267_637,
        "تهران tehran",
    )
    assert Place.objects.get(code="0001020001000266").name_fa == "امان آباد"
    assert (report.tables["provinces"].updated, report.tables["places"].created) == (1, 1)
    assert sum(load.created + load.updated for load in report.tables.values()) == 2


def test_the_command_prints_the_counts(geo_loaded, capsys):
    call_command("geo_load")

    out = capsys.readouterr().out
    assert "places      99,551 (0 created, 0 updated)" in out
    assert "Already loaded" in out


def test_geo_is_loaded_only_with_rows(geo_loaded):
    assert geo_is_loaded()

    Place.objects.all().delete()

    assert not geo_is_loaded()


def test_province_codes_resolve_for_jurisdictions(geo_loaded):
    assert province_code_exists("23")
    assert province_code_exists("00")
    assert not province_code_exists("31")
    assert not province_code_exists("")
