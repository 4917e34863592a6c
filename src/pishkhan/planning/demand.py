"""Demand: where people live and how many transactions a year they bring to the counter.

Each county's 2016 census population is split between its cities and its countryside. Cities have
real coordinates; a city's share of its county's urban population follows its own population (the
census figure where the data has one, GeoNames' otherwise, a small town's default else). Villages
mostly lack coordinates: the 1,250 that have GeoNames points take their GeoNames population (at most
half of the county's rural population, scaled down past that), and the rest of the rural population
is spread over points drawn at random (seeded) inside the county's boundary — marked as estimates.

Counties created after the 2016 census have no population of their own: they are counted with the
2016 county they were carved from (``parent_code_2016``), whose people are spread over both.

Demand per point = population × the use rate: transactions per person a year, by province and
setting, measured from the counter's history (``use_rates``), or ``PISHKHAN_DEMAND_FALLBACK_RATE``
while the history is shorter than ``MIN_HISTORY_DAYS`` or empty.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from shapely import prepared
from shapely.geometry import Point, shape

from pishkhan.geo.models import PlaceKind
from pishkhan.geo.selectors import county_rows, place_points, province_list
from pishkhan.planning.models import DemandMethod, DemandPoint, Setting
from pishkhan.transactions.selectors import transaction_counts_by_province_setting, transaction_records_start

MIN_HISTORY_DAYS = 7
# A city without any population figure counts as a small town of this many people (share weight).
CITY_DEFAULT_POPULATION = 5_000
# The located villages take at most this share of their county's rural population.
VILLAGE_SHARE_MAX = 0.5


@dataclass(frozen=True)
class UseRates:
    """Transactions per person a year by (province code, setting), and where they come from."""

    rates: dict[tuple[str, str], float]
    source: str  # "history" or "fallback"
    days: float

    def rate(self, province: str, setting: str) -> float:
        fallback = settings.PISHKHAN_DEMAND_FALLBACK_RATE[setting]
        return self.rates.get((province, setting), fallback)


def use_rates(*, now: dt.datetime | None = None) -> UseRates:
    """The counter's use per person a year over the last year of history (or all of it, if shorter)."""
    now = now or timezone.now()
    start = transaction_records_start()
    fallback = {
        (p.code, s): float(settings.PISHKHAN_DEMAND_FALLBACK_RATE[s])
        for p in province_list()
        for s in Setting
    }
    if start is None:
        return UseRates(fallback, "fallback", 0.0)
    start = max(start, now - dt.timedelta(days=365))
    days = (now - start).total_seconds() / 86400
    if days < MIN_HISTORY_DAYS:
        return UseRates(fallback, "fallback", days)
    counts = transaction_counts_by_province_setting(start=start, end=now)
    if not counts:
        return UseRates(fallback, "fallback", days)
    years = days / 365.0
    rates = dict(fallback)
    for province in province_list():
        for setting, people in ((Setting.URBAN, province.urban_2016), (Setting.RURAL, province.rural_2016)):
            n = counts.get((province.code, setting.value), 0)
            if people and n:
                rates[(province.code, setting.value)] = n / years / people
    return UseRates(rates, "history", days)


def _unit_of(counties: list[dict]) -> dict[str, str]:
    """Each county's census unit: itself if it has a 2016 population, else the 2016 county it was
    carved from (followed until one with a population)."""
    by_code = {c["code"]: c for c in counties}
    unit = {}
    for county in counties:
        code, seen = county["code"], 0
        while by_code.get(code) and by_code[code]["population_2016"] is None and seen < 5:
            code, seen = by_code[code]["parent_code_2016"], seen + 1
        unit[county["code"]] = code if code in by_code and by_code[code]["population_2016"] else ""
    return unit


def _random_points(geometry: dict, n: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """``n`` points (lat, lon) drawn uniformly inside a GeoJSON geometry (rejection sampling)."""
    shp = shape(geometry)
    if shp.is_empty:
        return []
    inside = prepared.prep(shp)
    west, south, east, north = shp.bounds
    points: list[tuple[float, float]] = []
    for _round in range(50):
        lon = rng.uniform(west, east, size=max(4 * n, 16))
        lat = rng.uniform(south, north, size=max(4 * n, 16))
        for x, y in zip(lon, lat, strict=True):
            if inside.contains(Point(x, y)):
                points.append((round(float(y), 5), round(float(x), 5)))
                if len(points) == n:
                    return points
    return points


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` into whole people that sum to it (largest remainders)."""
    if not weights or total <= 0:
        return [0] * len(weights)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum() if w.sum() > 0 else np.full(len(w), 1 / len(w))
    raw = w * total
    out = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - out), kind="stable")[: total - int(out.sum())]:
        out[i] += 1
    return [int(x) for x in out]


@transaction.atomic
def demand_build(*, seed: int | None = None, now: dt.datetime | None = None) -> int:
    """Rebuild every demand point from the geography and the counter's history; how many there are."""
    seed = settings.PISHKHAN_DEMAND_SEED if seed is None else seed
    rates = use_rates(now=now)
    counties = county_rows()
    by_code = {c["code"]: c for c in counties}
    unit_of = _unit_of(counties)
    members: dict[str, list[dict]] = defaultdict(list)
    for county in counties:
        if unit_of[county["code"]]:
            members[unit_of[county["code"]]].append(county)
    places: dict[int, list[dict]] = defaultdict(list)
    for place in place_points():
        places[place["county_id"]].append(place)
    rows: list[DemandPoint] = []

    def add(county: dict, setting: str, method: str, name: str, lat: float, lon: float, people: int,
            place_id: int | None = None) -> None:  # fmt: skip
        if people <= 0:
            return
        rate = rates.rate(county["province__code"], setting)
        rows.append(
            DemandPoint(
                province_id=county["province_id"], county_id=county["id"], place_id=place_id, name=name[:80],
                lat=lat, lon=lon, population=people, setting=setting,
                estimated=method in (DemandMethod.ESTIMATED, DemandMethod.COUNTY_SEAT), method=method,
                rate=rate, demand=people * rate,
            )
        )  # fmt: skip

    for unit_code, group in sorted(members.items()):
        unit = by_code[unit_code]
        county_of = {c["id"]: c for c in group}
        cities = [p for c in group for p in places[c["id"]] if p["kind"] == PlaceKind.CITY]
        villages = [p for c in group for p in places[c["id"]] if p["kind"] == PlaceKind.VILLAGE]
        urban, rural = unit["urban_2016"] or 0, unit["rural_2016"] or 0
        # Cities: the unit's urban population by each city's own size.
        if cities:
            weights = [
                p["population_2016"] or p["population_geonames"] or CITY_DEFAULT_POPULATION for p in cities
            ]
            for place, people in zip(cities, _split(urban, weights), strict=True):
                add(county_of[place["county_id"]], Setting.URBAN, DemandMethod.CITY, place["name_fa"],
                    place["lat"], place["lon"], people, place["id"])  # fmt: skip
        elif urban:
            add(
                unit,
                Setting.URBAN,
                DemandMethod.COUNTY_SEAT,
                unit["name_fa"],
                unit["lat"],
                unit["lon"],
                urban,
            )
        # Villages with real coordinates, then the rest of the countryside at estimated points.
        located = sum(p["population_geonames"] or 0 for p in villages)
        cap = int(rural * VILLAGE_SHARE_MAX)
        scale = min(1.0, cap / located) if located else 0.0
        village_people = [int((p["population_geonames"] or 0) * scale) for p in villages]
        for place, people in zip(villages, village_people, strict=True):
            add(county_of[place["county_id"]], Setting.RURAL, DemandMethod.VILLAGE, place["name_fa"],
                place["lat"], place["lon"], people, place["id"])  # fmt: skip
        rest = rural - sum(village_people)
        if rest <= 0:
            continue
        shaped = [c for c in group if c["boundary"]]
        n_total = int(np.clip(round(rest / settings.PISHKHAN_DEMAND_RURAL_PEOPLE_PER_POINT), 1,
                              settings.PISHKHAN_DEMAND_RURAL_MAX_POINTS))  # fmt: skip
        if not shaped:
            add(
                unit, Setting.RURAL, DemandMethod.COUNTY_SEAT, unit["name_fa"], unit["lat"], unit["lon"], rest
            )
            continue
        areas = [float(c["area_km2"] or 1) for c in shaped]
        rng = np.random.default_rng([seed, int(unit_code)])
        drawn: list[tuple[dict, float, float]] = []
        for county, n in zip(shaped, _split(n_total, areas), strict=True):
            drawn += [(county, lat, lon) for lat, lon in _random_points(county["boundary"], n, rng)]
        if not drawn:
            add(
                unit, Setting.RURAL, DemandMethod.COUNTY_SEAT, unit["name_fa"], unit["lat"], unit["lon"], rest
            )
            continue
        for i, ((county, lat, lon), people) in enumerate(
            zip(drawn, _split(rest, [1.0] * len(drawn)), strict=True), start=1
        ):
            add(county, Setting.RURAL, DemandMethod.ESTIMATED, f"{county['name_fa']} ~{i}", lat, lon, people)

    DemandPoint.objects.all().delete()
    DemandPoint.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
