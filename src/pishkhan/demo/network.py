"""The synthetic national network: 13,000 offices placed in real cities and villages, built from a seed.

Everything is written through the domains' services (catalogue seed, ``office_register_many``,
``users_create_many``, ``staff_add_many``, ``conversions_create_many``), so the demo passes the same checks
as real data. The same seed gives the same network on every run and on every database.

The network looks like the product of years of uneven growth that planning has to correct:

* **Kinds follow their people.** The national total is split by kind (``KIND_SHARES``). Pishkhan offices
  and the parallel networks (e-city, social security, health insurance) follow the provinces' and
  counties' 2016 *urban* population; rural ICT offices follow the *rural* population.
* **Uneven growth** (seeded, all multipliers lognormal with median 1, clipped): each province gets a
  multiplier of how well served it is (``PROVINCE_SPREAD``: σ 0.25, within 0.65–1.5), each province
  and kind one for its mix of kinds (``KIND_SPREAD``: σ 0.15, within 0.8–1.25), and each county one
  within its province (``COUNTY_SPREAD``: σ 0.35, within 0.5–2). A kind's national total goes to the
  provinces by population × province × kind multiplier, then to the counties by population × county
  multiplier (largest remainders). With seed 1405 provinces range from about 9.5 to 25 offices per
  100,000 people (the nation 16.3), so coverage shows under- and over-served provinces and counties.
* **Towns**: inside a county, offices go to its towns by their population (census figure, GeoNames',
  or ``SMALL_TOWN``), towns with coordinates only (unless the county has none). A town's offices spread
  over its built-up area: offset from the town's point by a normal draw of σ = radius / 2, redrawn
  beyond the radius or outside the county's outline, radius = ``CITY_RADIUS_KM`` (2.5 km) ×
  √(population / 100,000), between 0.6 and 12 km (Tehran: 12 km, a town of 100,000: 2.5 km). A town
  whose point lies outside its county's outline (a few coastal towns) keeps its offices at its point.
* **Villages**: rural ICT offices stand only in villages. First the villages with a recorded
  population (the 1,250 GeoNames villages, each at its own point), in a random order weighted by size,
  one office each and one more per ``VILLAGE_PEOPLE_PER_OFFICE`` people; then, when a county needs
  more, other villages of the official list drawn at random — never an entry that is no settlement
  by its name (farms, wells, cafés, factories, stations, an airport: ``NOT_A_SETTLEMENT``). The data
  has no population for those; the registry gives each a point drawn inside its county, marked as an
  estimated location.
* **Contacts**: a landline with the province's area code and an 8-digit local number, a postal code
  starting with one of the province's prefixes (both from ``geo/data/province_numbering.csv``), and a
  street address from ``names.street_address`` (streets, alleys, landmarks, a plate number).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils import timezone

from pishkhan.accounts.models import HolderKind
from pishkhan.accounts.roles import Role
from pishkhan.accounts.services import UserRow, apikeys_create_many, users_create_many
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.demo import names
from pishkhan.demo.allocation import allocate
from pishkhan.demo.catalogue_seed import catalogue_seed, visit_reports_seed
from pishkhan.demo.complaints import complaints_build
from pishkhan.demo.heartbeats import heartbeats_history_build
from pishkhan.demo.history import UP_DAYS, UP_SCALE, history_build
from pishkhan.demo.licences import licences_build
from pishkhan.demo.sanctions import demo_sanctions_build
from pishkhan.demo.services import DEMO_JURISDICTIONS
from pishkhan.demo.workgroups import working_groups_build
from pishkhan.geo.dataset import ProvinceNumbering, province_numbering
from pishkhan.geo.models import County, Place, PlaceKind, Province
from pishkhan.offices.locations import KM_PER_DEGREE, locations_prepare, points_in_county
from pishkhan.offices.models import Office, OfficeSetting, StaffPosition
from pishkhan.offices.services import (
    ConversionDraft,
    OfficeDraft,
    OperatorDraft,
    StaffDraft,
    conversions_create_many,
    office_register_many,
    staff_add_many,
)
from pishkhan.offices.states import ConversionState
from pishkhan.planning.coverage import coverage_compute
from pishkhan.planning.demand import demand_build
from pishkhan.supervision.scores import JalaliMonth
from pishkhan.supervision.services import scores_compute

DEFAULT_OFFICES = 13_000
EQUIPPED_KEY_NAME = "demo network: the office system's key"
DEFAULT_SEED = 1405

# Shares of the network by kind. About 13,000 Pishkhan and rural ICT offices exist; the parallel
# networks that are to be converted are a few hundred to a thousand offices each.
KIND_SHARES: dict[str, float] = {
    OfficeKind.PISHKHAN: 0.47,
    OfficeKind.ICT: 0.40,
    OfficeKind.E_CITY: 0.06,
    OfficeKind.SOCIAL_SECURITY: 0.04,
    OfficeKind.HEALTH_INSURANCE: 0.03,
}
# The organisation that runs each parallel network (agency codes of the catalogue seed).
ORGANISATION_OF_KIND: dict[str, str] = {
    OfficeKind.ICT: "ict",
    OfficeKind.E_CITY: "shahrdari",
    OfficeKind.SOCIAL_SECURITY: "tamin",
    OfficeKind.HEALTH_INSURANCE: "salamat",
}
KIND_TITLES: dict[str, str] = {
    OfficeKind.PISHKHAN: "دفتر پیشخوان خدمات دولت",
    OfficeKind.ICT: "دفتر ICT روستایی",
    OfficeKind.E_CITY: "دفتر خدمات الکترونیک شهر",
    OfficeKind.SOCIAL_SECURITY: "دفتر خدمات بیمه تأمین اجتماعی",
    OfficeKind.HEALTH_INSURANCE: "دفتر بیمه سلامت",
}
# Of the offices of each convertible kind, the share with a conversion case, and how the cases stand.
CONVERSION_SHARE = 0.45
CONVERSION_STATES: dict[str, float] = {
    ConversionState.CONVERTED: 0.40,
    ConversionState.REQUESTED: 0.12,
    ConversionState.UNDER_REVIEW: 0.18,
    ConversionState.OVERDUE: 0.20,
    ConversionState.REFUSED: 0.10,
}

# Working hours, by the Iranian week (0 = Saturday … 6 = Friday).
_WORKDAYS = range(5)
HOURS_CITY = {
    **{str(d): [["07:30", "14:30"], ["16:00", "19:00"]] for d in _WORKDAYS},
    "5": [["08:00", "12:30"]],
}
HOURS_CITY_SHORT = {**{str(d): [["07:30", "15:00"]] for d in _WORKDAYS}, "5": [["08:00", "12:00"]]}
HOURS_VILLAGE = {str(d): [["08:00", "14:00"]] for d in _WORKDAYS}
# A few city Pishkhan offices work round the clock (beside a hospital, a terminal): the network board
# then has offices open at night and on Fridays too.
HOURS_ROUND_THE_CLOCK = {str(d): [["00:00", "24:00"]] for d in range(7)}
ROUND_THE_CLOCK_SHARE = 0.02

# Fallback size of a town GeoNames has no population for (small towns mostly).
SMALL_TOWN = 3_000

# Uneven growth (see the module's docstring): multipliers drawn from a lognormal distribution of median
# 1 and the given sigma, clipped to [low, high]. One per province (how well served it is overall), one
# per province and kind (its mix of kinds), one per county (how well served it is within its province).
PROVINCE_SPREAD = (0.25, 0.65, 1.5)  # sigma, low, high
KIND_SPREAD = (0.15, 0.8, 1.25)
COUNTY_SPREAD = (0.35, 0.5, 2.0)

# A town's offices spread over its built-up area: a radius of CITY_RADIUS_KM × √(population / 100,000),
# between CITY_RADIUS_MIN_KM and CITY_RADIUS_MAX_KM; each office at a normally distributed offset from
# the town's point (σ = radius / 2), redrawn if beyond the radius or outside the county's outline.
CITY_RADIUS_KM = 2.5
CITY_RADIUS_MIN_KM = 0.6
CITY_RADIUS_MAX_KM = 12.0
_SPREAD_ROUNDS = 8

# A village with a recorded population takes one rural office, and one more per this many people.
VILLAGE_PEOPLE_PER_OFFICE = 5_000

# Entries of the official village list (every «آبادی») that are no settlements: farms, wells, cafés,
# factories, stations, camps, an airport — and names that are codes (digits, slashes).
NOT_A_SETTLEMENT = re.compile(
    "|".join(
        (
            "مزرعه", "کافه", "قهوه", "رستوران", "هتل", "فرودگاه", "پاسگاه", "ایستگاه", "پایگاه",
            "قرارگاه", "پادگان", "اردوگاه", "شرکت", "معدن", "دامداری", "مرغداری", "گاوداری",
            "دامپروری", "پرورش", "کشتارگاه", "کارخانه", "کارگاه", "کشت و صنعت", "شهرک صنعتی",
            "آجرپزی", "گلخانه", "سردخانه", "پمپ", "جایگاه", "تعمیرگاه", "تلمبه", "موتور", "چاه عمیق",
            "مجتمع", "زندان", "آسایشگاه", r"[0-9۰-۹٠-٩/\]\[]",
        )
    )
)  # fmt: skip


def is_settlement(name: str) -> bool:
    """Whether an entry of the official village list is a settlement by its name (see NOT_A_SETTLEMENT)."""
    return NOT_A_SETTLEMENT.search(name) is None


@dataclass
class NetworkReport:
    """What the demo built, and how long each part took."""

    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        counts = ", ".join(f"{value:,} {name}" for name, value in self.counts.items())
        total = sum(self.seconds.values())
        return f"{counts} in {total:.1f} s"


@dataclass(frozen=True)
class Spread:
    """The seeded multipliers of uneven growth: by province code, (province code, kind), county code."""

    province: dict[str, float]
    kind: dict[tuple[str, str], float]
    county: dict[str, float]


def spread_draw(rng: random.Random, provinces: list[Province], counties: list[County]) -> Spread:
    """The multipliers, drawn from ``rng`` (provinces and counties in code order)."""
    generator = np.random.default_rng(rng.getrandbits(64))

    def factors(n: int, spec: tuple[float, float, float]) -> list[float]:
        sigma, low, high = spec
        return [float(x) for x in np.clip(generator.lognormal(0.0, sigma, n), low, high)]

    codes = [province.code for province in provinces]
    kinds = list(KIND_SHARES)
    by_kind = factors(len(codes) * len(kinds), KIND_SPREAD)
    return Spread(
        province=dict(zip(codes, factors(len(codes), PROVINCE_SPREAD), strict=True)),
        kind={
            (code, kind): by_kind[i * len(kinds) + j]
            for i, code in enumerate(codes)
            for j, kind in enumerate(kinds)
        },
        county=dict(zip([c.code for c in counties], factors(len(counties), COUNTY_SPREAD), strict=True)),
    )


@dataclass(frozen=True)
class _Site:
    county: str
    place: str  # official code, or a city's SCI city code
    name: str
    lat: float | None
    lon: float | None
    weight: float  # people: recorded, or SMALL_TOWN for a town without a figure, 0 for a village without


@dataclass
class _Sites:
    """A province's places that can hold offices, by county code."""

    towns: dict[str, list[_Site]] = field(default_factory=lambda: defaultdict(list))
    villages: dict[str, list[_Site]] = field(default_factory=lambda: defaultdict(list))  # with people
    unrecorded: dict[str, list[_Place]] = field(default_factory=lambda: defaultdict(list))  # the others

    def has_towns(self, county: str) -> bool:
        return bool(self.towns.get(county))

    def rural(self, county: str) -> bool:
        return bool(self.villages.get(county)) or any(
            is_settlement(place.name_fa) for place in self.unrecorded.get(county, ())
        )

    def hamlets(self, county: str) -> list[_Place]:
        """The county's villages without a recorded population whose names are settlements'."""
        return [place for place in self.unrecorded.get(county, ()) if is_settlement(place.name_fa)]


def _site(county: str, place: _Place) -> _Site:
    return _Site(
        county=county,
        place=place.code or place.city_code,
        name=place.name_fa,
        lat=place.lat,
        lon=place.lon,
        weight=float(
            place.population_2016
            or place.population_geonames
            or (SMALL_TOWN if place.kind == PlaceKind.CITY else 0)
        ),
    )


def _sites(counties: list[County], places: dict[int, list[_Place]]) -> _Sites:
    """The towns and villages of a province that can hold an office, grouped by county.

    Towns: those with coordinates (all of a county's towns if none has any). Villages: those with a
    recorded population (GeoNames, all located), then the other settlements of the official list.
    """
    sites = _Sites()
    for county in counties:
        unlocated = []
        for place in places.get(county.pk, ()):
            if place.kind == PlaceKind.CITY:
                (sites.towns[county.code] if place.lat is not None else unlocated).append(
                    _site(county.code, place)
                )
            elif place.population_geonames and place.lat is not None:
                sites.villages[county.code].append(_site(county.code, place))
            else:
                sites.unrecorded[county.code].append(place)
        if unlocated and not sites.towns.get(county.code):
            sites.towns[county.code] = unlocated
    return sites


def _county_weights(
    counties: list[County], attribute: str, usable: Callable[[str], bool], spread: Spread
) -> list[tuple[County, float]]:
    """Counties that have sites of the needed kind, weighted by their 2016 population of that kind ×
    their multiplier. Counties created after 2016 have no census figure: they get the province's median
    county."""
    known = [getattr(county, attribute) for county in counties if getattr(county, attribute)]
    median = sorted(known)[len(known) // 2] if known else 1
    return [
        (county, float(getattr(county, attribute) or median) * spread.county[county.code])
        for county in counties
        if usable(county.code)
    ]


def city_radius_km(people: float) -> float:
    """The radius of a town's built-up area the demo spreads its offices over (see CITY_RADIUS_KM)."""
    return min(CITY_RADIUS_MAX_KM, max(CITY_RADIUS_MIN_KM, CITY_RADIUS_KM * math.sqrt(people / 100_000)))


def _spread_points(generator: np.random.Generator, site: _Site, n: int) -> list[tuple[float, float]]:
    """``n`` points over a town's built-up area, inside its county (the town's point if none fits)."""
    if site.lat is None or site.lon is None:
        return [(None, None)] * n  # the registry draws a point inside the county (estimated)
    radius = city_radius_km(site.weight)
    km_lon = KM_PER_DEGREE * math.cos(math.radians(site.lat))
    points: list[tuple[float, float]] = []
    for _round in range(_SPREAD_ROUNDS):
        size = 2 * (n - len(points)) + 4
        dy, dx = generator.normal(0.0, radius / 2, size), generator.normal(0.0, radius / 2, size)
        lat = np.round(site.lat + dy / KM_PER_DEGREE, 5)
        lon = np.round(site.lon + dx / km_lon, 5)
        keep = (np.hypot(dx, dy) <= radius) & points_in_county(site.county, lat, lon)
        points += [(float(a), float(b)) for a, b in zip(lat[keep], lon[keep], strict=True)]
        if len(points) >= n:
            return points[:n]
    # A town whose point lies outside its county's outline (a few coastal towns): at the town's point.
    return points + [(site.lat, site.lon)] * (n - len(points))


def _villages_chosen(rng: random.Random, sites: _Sites, county: str, n: int) -> list[_Site]:
    """``n`` villages of a county for rural offices: villages with people first, in a random order
    weighted by their size (one office each, one more per VILLAGE_PEOPLE_PER_OFFICE people), then other
    settlements of the official list (their points estimated by the registry)."""
    villages = sites.villages.get(county, [])
    order = sorted(villages, key=lambda site: -(rng.random() ** (1.0 / site.weight)))
    extra = [site for site in order for _ in range(int(site.weight // VILLAGE_PEOPLE_PER_OFFICE))]
    chosen = (order + extra)[:n]
    if len(chosen) < n:
        hamlets = sites.hamlets(county)
        picked = rng.sample(hamlets, min(n - len(chosen), len(hamlets)))
        chosen += [_site(county, place) for place in picked]
    if len(chosen) < n:  # more offices than settlements: some share one
        chosen += rng.choices(chosen, k=n - len(chosen))
    return chosen


def _operator(rng: random.Random, place: str) -> OperatorDraft:
    if rng.random() < 0.2:
        company_id = "1" + "".join(str(rng.randrange(10)) for _ in range(10))
        return OperatorDraft(
            kind="company",
            name=names.company_name(rng, place),
            mobile=names.mobile(rng),
            company_id=company_id,
        )
    given, family = names.person_name(rng)
    return OperatorDraft(
        kind="person", name=f"{given} {family}", mobile=names.mobile(rng), national_id=names.national_id(rng)
    )


def plan_offices(*, total: int, rng: random.Random) -> list[OfficeDraft]:
    """The drafts of the whole network (see the module's docstring for where offices go)."""
    provinces = list(Province.objects.order_by("code"))
    counties: dict[int, list[County]] = defaultdict(list)
    for county in County.objects.order_by("code"):
        counties[county.province_id].append(county)
    return _plan(total=total, rng=rng, provinces=provinces, counties=counties)


@dataclass(frozen=True)
class _Place:
    county_id: int
    kind: str
    code: str | None
    city_code: str | None
    name_fa: str
    lat: float | None
    lon: float | None
    population_2016: int | None
    population_geonames: int | None


def _places_by_county() -> dict[int, list[_Place]]:
    """Every place, as plain rows (100,000 model instances would cost seconds), by county id."""
    places: dict[int, list[_Place]] = defaultdict(list)
    fields = [f.name for f in dataclasses.fields(_Place)]
    for row in Place.objects.order_by("id").values_list(*fields):
        places[row[0]].append(_Place(*row))
    return places


def _plan(*, total: int, rng: random.Random, provinces: list[Province], counties: dict) -> list[OfficeDraft]:
    numbering = province_numbering()
    spread = spread_draw(rng, provinces, [c for p in provinces for c in counties[p.pk]])
    generator = np.random.default_rng(rng.getrandbits(64))  # the points inside towns
    kinds = list(KIND_SHARES)
    national = dict(zip(kinds, allocate(total, list(KIND_SHARES.values())), strict=True))
    per_province: dict[str, list[int]] = {}
    for kind in kinds:
        people = [p.rural_2016 if kind == OfficeKind.ICT else p.urban_2016 for p in provinces]
        weights = [
            n * spread.province[p.code] * spread.kind[p.code, kind]
            for n, p in zip(people, provinces, strict=True)
        ]
        per_province[kind] = allocate(national[kind], weights)
    locations_prepare([c.code for p in provinces for c in counties[p.pk]])
    places = _places_by_county()
    drafts: list[OfficeDraft] = []
    for index, province in enumerate(provinces):
        province_counties = counties[province.pk]
        sites = _sites(province_counties, places)
        facts = numbering[province.code]
        for kind in kinds:
            rural = kind == OfficeKind.ICT
            if rural and any(sites.rural(c.code) for c in province_counties):
                weighted = _county_weights(province_counties, "rural_2016", sites.rural, spread)
            else:  # a province without villages in the data: its ICT offices go to small towns
                rural = False
                weighted = _county_weights(province_counties, "urban_2016", sites.has_towns, spread)
            per_county = allocate(per_province[kind][index], [weight for _, weight in weighted])
            for (county, _), count in zip(weighted, per_county, strict=True):
                if not count:
                    continue
                if rural:
                    for site in _villages_chosen(rng, sites, county.code, count):
                        drafts.append(_draft(kind=kind, province=province, site=site, rural=True,
                                             point=(site.lat, site.lon), facts=facts, rng=rng))  # fmt: skip
                    continue
                towns = sites.towns[county.code]
                chosen = Counter(rng.choices(range(len(towns)), weights=[t.weight for t in towns], k=count))
                for town_index, n in sorted(chosen.items()):
                    site = towns[town_index]
                    for point in _spread_points(generator, site, n):
                        drafts.append(_draft(kind=kind, province=province, site=site, rural=False,
                                             point=point, facts=facts, rng=rng))  # fmt: skip
    return drafts


def _draft(
    *,
    kind: str,
    province: Province,
    site: _Site,
    rural: bool,
    point: tuple[float | None, float | None],
    facts: ProvinceNumbering,
    rng: random.Random,
) -> OfficeDraft:
    if rural:
        hours, counters = HOURS_VILLAGE, 1
    else:
        hours = HOURS_CITY if kind == OfficeKind.PISHKHAN and rng.random() < 0.6 else HOURS_CITY_SHORT
        counters = rng.randint(2, 8) if kind == OfficeKind.PISHKHAN else rng.randint(1, 4)
    lat, lon = point
    return OfficeDraft(
        name=f"{KIND_TITLES[kind]} {site.name}",
        kind=kind,
        province=province.code,
        county=site.county,
        place=site.place,
        lat=lat,
        lon=lon,
        setting=OfficeSetting.RURAL if rural else OfficeSetting.URBAN,
        address=names.village_address(rng, site.name) if rural else names.street_address(rng, site.name),
        postal_code=names.postal_code(rng, facts.postal_prefixes),
        counters=counters,
        opening_hours=hours,
        phone=names.phone(rng, facts.area_code),
        organisation=ORGANISATION_OF_KIND.get(kind),
        operator=_operator(rng, site.name),
    )


def _staff(offices: list[Office], rng: random.Random) -> tuple[list[UserRow], list[StaffDraft]]:
    users, staff = [], []
    for office in offices:
        clerks = 1 if office.setting == OfficeSetting.RURAL else rng.randint(1, 3)
        for number in range(1, clerks + 1):
            username = f"{office.code.lower()}-{number}"
            given, family = names.person_name(rng)
            users.append(
                UserRow(
                    username=username,
                    role="office_operator",
                    jurisdiction_code=office.code,
                    first_name=given,
                    last_name=family,
                )
            )
            position = StaffPosition.DEPUTY if number == 2 else StaffPosition.CLERK
            staff.append(StaffDraft(office=office.code, username=username, position=position))
    return users, staff


def _conversions(offices: list[Office], rng: random.Random, now: dt.datetime) -> list[ConversionDraft]:
    states, weights = list(CONVERSION_STATES), list(CONVERSION_STATES.values())
    drafts = []
    for office in offices:
        if office.kind == OfficeKind.PISHKHAN or rng.random() >= CONVERSION_SHARE:
            continue
        state = rng.choices(states, weights=weights)[0]
        if state == ConversionState.OVERDUE:
            requested = now - dt.timedelta(days=rng.randint(200, 900))
        elif state in (ConversionState.REQUESTED, ConversionState.UNDER_REVIEW):
            requested = now - dt.timedelta(days=rng.randint(5, 150))
        else:
            requested = now - dt.timedelta(days=rng.randint(60, 1200))
        reviewed = None
        if state != ConversionState.REQUESTED:
            reviewed = min(now, requested + dt.timedelta(days=rng.randint(1, 15)))
        decided = None
        if state in (ConversionState.CONVERTED, ConversionState.REFUSED):
            decided = min(now, max(reviewed, requested + dt.timedelta(days=rng.randint(20, 170))))
        reason = ""
        if state == ConversionState.REFUSED:
            reason = rng.choice(
                (
                    "فضای دفتر با ضوابط دفاتر پیشخوان سازگار نیست.",
                    "متقاضی مدارک لازم را در مهلت مقرر ارائه نکرد.",
                    "دفتر پیشخوان دیگری در همان محدوده نیاز را پوشش می‌دهد.",
                )
            )
        drafts.append(
            ConversionDraft(
                office=office.code,
                state=state,
                requested_at=requested,
                reviewed_at=reviewed,
                decided_at=decided,
                reason=reason,
                basis="قانون مدیریت خدمات کشوری و مصوبات شورای عالی فضای مجازی درباره دفاتر پیشخوان",
            )
        )
    return drafts


def _round_the_clock(drafts: list[OfficeDraft], rng: random.Random) -> list[OfficeDraft]:
    """Some city Pishkhan offices open round the clock, drawn from their own stream of the seed (so the
    rest of the network is drawn as before)."""
    return [
        dataclasses.replace(draft, opening_hours=HOURS_ROUND_THE_CLOCK)
        if draft.kind == OfficeKind.PISHKHAN
        and draft.setting == OfficeSetting.URBAN
        and rng.random() < ROUND_THE_CLOCK_SHARE
        else draft
        for draft in drafts
    ]


def network_is_built() -> bool:
    """Whether the demo network (or any office registry) is already there."""
    return Office.objects.exists()


def network_build(
    *,
    offices: int = DEFAULT_OFFICES,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    history_days: int = UP_DAYS,
    history_scale: float = UP_SCALE,
    actor: object = None,
    progress: Callable[[str], None] | None = None,
) -> NetworkReport:
    """Build the catalogue, the office network and its recent history from ``seed``; refuses if
    offices already exist.

    ``history_days`` days of transactions ending now, at ``history_scale`` × the national
    volume (``demo/history.py``); the default is what keeps a fresh ``pishkhan up`` inside its budget.
    """
    now = timezone.now()
    today = today or timezone.localdate(now)
    rng = random.Random(seed)
    report = NetworkReport()

    def step(name: str, started: float) -> None:
        report.seconds[name] = time.perf_counter() - started
        if progress:
            progress(f"  {name}: {report.seconds[name]:.1f} s")

    started = time.perf_counter()
    seeded = catalogue_seed(actor=actor, today=today)
    report.counts.update({"agencies": seeded.agencies, "services": seeded.services})
    step("catalogue", started)

    started = time.perf_counter()
    drafts = _round_the_clock(plan_offices(total=offices, rng=rng), random.Random(f"{seed}:round-the-clock"))
    step("plan", started)

    started = time.perf_counter()
    with transaction.atomic():
        built = office_register_many(rows=drafts, actor=actor)
    report.counts["offices"] = len(built)
    step("offices", started)

    started = time.perf_counter()
    user_rows, staff_rows = _staff(built, rng)
    with transaction.atomic():
        users_create_many(rows=user_rows, actor=actor)
        staff_add_many(rows=staff_rows, actor=actor)
    report.counts["staff"] = len(staff_rows)
    step("staff", started)

    started = time.perf_counter()
    conversions = conversions_create_many(rows=_conversions(built, rng, now), actor=actor, now=now)
    report.counts["conversions"] = len(conversions)
    # A converted office is a Pishkhan office now: it gets its licence below with the others (else the
    # worker issued hundreds after `up` had counted the licences) and delivers Pishkhan services.
    converted = {c.office_id for c in conversions if c.state == ConversionState.CONVERTED}
    for office in built:
        if office.pk in converted:
            office.kind = OfficeKind.PISHKHAN
    step("conversions", started)

    started = time.perf_counter()
    visits = visit_reports_seed(
        rng=rng, today=today, provinces=list(Province.objects.order_by("code")), actor=actor
    )
    report.counts["visit reports"] = visits.rows
    step("visit reports", started)

    started = time.perf_counter()
    licences = licences_build(
        offices=built,
        rng=rng,
        today=today,
        now=now,
        actor=actor,
        always_active=[DEMO_JURISDICTIONS[Role.OFFICE_OPERATOR]],
    )
    report.counts["licences"] = len(licences)
    # An office whose licence was ever activated has its system equipped: an API key (whose
    # plaintext nobody holds; `pishkhan keys_create` gives an office one to use).
    equipped = sorted({licence.office.code for licence in licences if licence.first_signal_at})
    report.counts["API keys"] = apikeys_create_many(
        holder_kind=HolderKind.OFFICE, holder_codes=equipped, name=EQUIPPED_KEY_NAME, actor=actor
    )
    step("licences", started)

    # Each office has history on the days its licence let it transact (demo/history.py).
    started = time.perf_counter()
    history = history_build(
        days=history_days,
        scale=history_scale,
        seed=seed,
        end=today,
        offices=built,
        actor=actor,
        progress=progress,
    )
    report.counts["transactions"] = history.transactions
    step("history", started)

    # A few citizens' complaints in the demo province, in every state (demo/complaints.py).
    started = time.perf_counter()
    report.counts["complaints"] = complaints_build(now=now)
    step("complaints", started)
    # A few sanction cases in the demo province at different steps of their due process.
    started = time.perf_counter()
    report.counts["sanction cases"] = demo_sanctions_build(now=now)
    step("sanctions", started)
    # Signs of life for the network board: most offices alive, some flaky, a few hundred dark.
    started = time.perf_counter()
    report.counts["heartbeats"] = heartbeats_history_build(seed=seed, days=history_days, now=timezone.now())
    step("heartbeats", started)
    # The month's provisional scores, so that a fresh `up` ranks its offices (the worker recomputes
    # them daily and closes the month).
    started = time.perf_counter()
    scored = scores_compute(month=JalaliMonth.of(now), actor=actor, now=timezone.now())
    report.counts["office scores"] = scored.offices
    step("scores", started)
    # Demand, coverage and a proposed plan per province (planning/), so that a fresh `up` shows each
    # province's coverage and its under-served counties; the worker recomputes them daily.
    started = time.perf_counter()
    report.counts["demand points"] = demand_build(seed=seed, now=timezone.now())
    report.counts["plans"] = coverage_compute(now=timezone.now()).plans.count()
    step("coverage", started)
    report.counts["working group agenda items"] = working_groups_build(actor=actor)  # planning's groups
    return report
