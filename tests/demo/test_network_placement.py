"""Where the demo network's offices stand: uneven growth across provinces, real villages, towns'
built-up areas, the provinces' own telephone area codes and postal codes (demo/network.py)."""

import math
import random
import statistics
from collections import Counter, defaultdict

import numpy as np
import pytest

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.identifiers import postal_code_clean
from pishkhan.demo import names
from pishkhan.demo.network import (
    CITY_RADIUS_MAX_KM,
    COUNTY_SPREAD,
    KIND_SPREAD,
    PROVINCE_SPREAD,
    city_radius_km,
    is_settlement,
    plan_offices,
    spread_draw,
)
from pishkhan.geo.dataset import province_numbering
from pishkhan.geo.models import County, Place, PlaceKind, Province
from pishkhan.offices.locations import haversine_km, points_in_county
from pishkhan.offices.models import OfficeSetting

_PLANS: dict[int, list] = {}


def _plan(seed: int = 1405) -> list:
    # The drafts are plain data computed from the (read-only) geography: plan once per seed.
    if seed not in _PLANS:
        _PLANS[seed] = plan_offices(total=13_000, rng=random.Random(seed))
    return _PLANS[seed]


def test_non_settlements_of_the_village_list_are_recognised_by_name():
    not_settlements = (
        "مزرعه حسن آباد", "قهوه خانه بین راه", "فرودگاه", "کافه رستوران سنتی", "مرغداری نمونه",
        "چاه عمیق کشاورزی", "شرکت کشت و صنعت", "ایستگاه راه آهن", "/شرکت تولیدی جبال بافق /",
    )  # fmt: skip
    for name in not_settlements:
        assert not is_settlement(name), name
    for name in ("قلعه نو", "حسن آباد", "آذرخواران(حبیب آباد)", "کلاته ملا"):
        assert is_settlement(name), name


@pytest.mark.slow
def test_the_growth_multipliers_stay_within_their_documented_bounds(geo_loaded):
    provinces = list(Province.objects.order_by("code"))
    counties = list(County.objects.order_by("code"))
    spread = spread_draw(random.Random(1405), provinces, counties)
    other = spread_draw(random.Random(1406), provinces, counties)

    for values, (_sigma, low, high) in (
        (spread.province.values(), PROVINCE_SPREAD),
        (spread.kind.values(), KIND_SPREAD),
        (spread.county.values(), COUNTY_SPREAD),
    ):
        assert all(low <= value <= high for value in values)
        assert statistics.pstdev(values) > 0.05  # they differ
    assert len(spread.province) == 31
    assert len(spread.county) == len(counties)
    assert spread.province != other.province


@pytest.mark.slow
def test_provinces_differ_in_offices_per_100k_people(geo_loaded):
    drafts = _plan()
    people = dict(Province.objects.values_list("code", "population_2016"))
    offices = Counter(draft.province for draft in drafts)
    national = len(drafts) / sum(people.values())
    ratio = {code: offices[code] / people[code] / national for code in people}

    assert max(ratio.values()) / min(ratio.values()) >= 1.5  # some over-served, some under-served
    assert all(0.4 <= value <= 2.5 for value in ratio.values())
    # The kind mix differs too: Pishkhan offices' share of the province's offices.
    shares = [
        sum(1 for d in drafts if d.province == code and d.kind == OfficeKind.PISHKHAN) / offices[code]
        for code in people
    ]
    assert max(shares) - min(shares) >= 0.15


@pytest.mark.slow
def test_rural_offices_stand_in_real_villages_only(geo_loaded):
    rural = [draft for draft in _plan() if draft.setting == OfficeSetting.RURAL]
    places = {
        code: (kind, population, name)
        for code, kind, population, name in Place.objects.filter(
            code__in={draft.place for draft in rural}
        ).values_list("code", "kind", "population_geonames", "name_fa")
    }

    assert rural
    assert all(draft.kind == OfficeKind.ICT for draft in rural)
    with_people = 0
    for draft in rural:
        kind, population, name = places[draft.place]
        assert kind == PlaceKind.VILLAGE
        if population:
            with_people += 1
            assert draft.lat is not None  # at the village's own point
        else:
            assert is_settlement(name), name  # no farm, café, well or airport
            assert draft.lat is None  # the registry draws an estimated point inside the county
    # Villages with a recorded population are taken first: nearly all of them hold an office.
    assert with_people >= 1_100


@pytest.mark.slow
def test_town_offices_spread_over_the_town_and_stay_in_its_county(geo_loaded):
    drafts = _plan()
    tehran = Place.objects.get(kind=PlaceKind.CITY, admin_role="province_capital", county__code="2301")
    offices = [d for d in drafts if d.place in (tehran.code, tehran.city_code) and d.lat is not None]
    points = {(d.lat, d.lon) for d in offices}
    km = [haversine_km(tehran.lat, tehran.lon, lat, lon) for lat, lon in points]

    assert len(offices) >= 500
    assert len(points) >= 0.95 * len(offices)  # not stacked on one point
    assert 2.0 <= statistics.median(km) <= CITY_RADIUS_MAX_KM
    assert max(km) <= CITY_RADIUS_MAX_KM + 0.1
    assert points_in_county("2301", np.array([p[0] for p in points]), np.array([p[1] for p in points])).all()
    # Pairwise distances are those of a spread over a city, not of a point.
    sample = sorted(points)[:200]
    pairs = [haversine_km(*a, *b) for i, a in enumerate(sample) for b in sample[i + 1 :]]
    assert statistics.median(pairs) >= 3.0

    # Every town's offices lie within its radius and inside the county (or at the town's point).
    towns = {}
    for code, city_code, lat, lon, p2016, pgn in Place.objects.filter(kind=PlaceKind.CITY).values_list(
        "code", "city_code", "lat", "lon", "population_2016", "population_geonames"
    ):
        towns[code or city_code] = (lat, lon, float(p2016 or pgn or 3_000))
    by_county = defaultdict(list)
    for draft in drafts:
        if draft.setting == OfficeSetting.URBAN and draft.lat is not None:
            lat, lon, people = towns[draft.place]
            assert haversine_km(lat, lon, draft.lat, draft.lon) <= city_radius_km(people) + 0.05
            if (draft.lat, draft.lon) != (lat, lon):
                by_county[draft.county].append((draft.lat, draft.lon))
    for county, located in by_county.items():
        lats, lons = np.array([p[0] for p in located]), np.array([p[1] for p in located])
        assert points_in_county(county, lats, lons).all(), county


@pytest.mark.slow
def test_phones_and_postal_codes_are_the_provinces_own(geo_loaded):
    numbering = province_numbering()
    drafts = _plan()
    for draft in drafts:
        facts = numbering[draft.province]
        assert draft.phone.startswith(facts.area_code)
        assert len(draft.phone) == 11
        assert draft.phone.isdigit()
        assert postal_code_clean(draft.postal_code) == draft.postal_code
        assert draft.postal_code[:2] in facts.postal_prefixes
    assert len({draft.phone for draft in drafts}) >= 0.99 * len(drafts)
    assert {d.phone[:3] for d in drafts if d.province == "23"} == {"021"}
    assert {d.phone[:3] for d in drafts if d.province == "10"} == {"031"}


def test_every_province_has_an_area_code_and_postal_prefixes():
    numbering = province_numbering()

    assert len(numbering) == 31
    assert numbering["23"].area_code == "021"
    assert numbering["09"].area_code == "051"
    assert len({facts.area_code for facts in numbering.values()}) == 31
    for facts in numbering.values():
        assert len(facts.area_code) == 3
        assert facts.area_code[0] == "0"
        assert facts.postal_prefixes
        assert all(len(p) == 2 and not set(p) & {"0", "2"} for p in facts.postal_prefixes)


def test_street_addresses_vary_and_follow_the_seed():
    rng = random.Random(5)
    addresses = [names.street_address(rng, "تهران") for _ in range(300)]
    again = random.Random(5)

    assert addresses == [names.street_address(again, "تهران") for _ in range(300)]
    assert len(set(addresses)) >= 295
    assert len({a.split("، ")[1] for a in addresses}) >= 40  # many streets, not six
    assert all(a.startswith("تهران، ") and "پلاک" in a for a in addresses)
    assert names.village_address(random.Random(1), "قلعه نو").startswith("روستای قلعه نو، ")


def test_a_town_radius_grows_with_its_population_up_to_a_cap():
    assert city_radius_km(1_000) < city_radius_km(100_000) < city_radius_km(1_000_000)
    assert city_radius_km(8_700_000) == CITY_RADIUS_MAX_KM
    assert math.isclose(city_radius_km(100_000), 2.5)
