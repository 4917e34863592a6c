"""The synthetic national network: 13,000 offices placed in real cities and villages, built from a seed.

Everything is written through the domains' services (catalogue seed, ``office_register_many``,
``users_create_many``, ``staff_add_many``, ``conversions_create_many``), so the demo passes the same checks
as real data. The same seed gives the same network on every run and on every database.

Where the offices go: each province gets a share of the network in proportion to its 2016
population; within a province, offices serving towns (Pishkhan and the parallel networks) follow the
counties' urban population and, inside a county, the towns' sizes; rural ICT offices follow the
counties' rural population and stand in villages. Villages without coordinates in the data get a
point drawn inside their county (marked as an estimated location).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

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
from pishkhan.geo.models import County, Place, PlaceKind, Province
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
class _Site:
    county: str
    place: str  # official code, or a city's SCI city code
    name: str
    lat: float | None
    lon: float | None
    weight: float


def _sites(province: Province, counties: list[County], places: list[Place]) -> tuple[dict, dict]:
    """The towns and villages of a province, grouped by county, with their weights."""
    towns: dict[str, list[_Site]] = defaultdict(list)
    villages: dict[str, list[_Site]] = defaultdict(list)
    county_codes = {county.pk: county.code for county in counties}
    for place in places:
        county = county_codes.get(place.county_id)
        if county is None:
            continue
        site = _Site(
            county=county,
            place=place.code or place.city_code,
            name=place.name_fa,
            lat=place.lat,
            lon=place.lon,
            weight=float(place.population_2016 or place.population_geonames or SMALL_TOWN),
        )
        (towns if place.kind == PlaceKind.CITY else villages)[county].append(site)
    return towns, villages


def _county_weights(counties: list[County], attribute: str, usable: dict) -> list[tuple[County, float]]:
    """Counties that have sites of the needed kind, weighted by their 2016 population of that kind.

    Counties created after 2016 have no census figure: they get the province's median county.
    """
    known = [getattr(county, attribute) for county in counties if getattr(county, attribute)]
    median = sorted(known)[len(known) // 2] if known else 1
    return [
        (county, float(getattr(county, attribute) or median))
        for county in counties
        if usable.get(county.code)
    ]


def _jitter(rng: random.Random, lat: float, lon: float) -> tuple[float, float]:
    # Offices of one town spread over its streets (±1 km) instead of stacking on one point.
    return round(lat + rng.uniform(-0.009, 0.009), 5), round(lon + rng.uniform(-0.011, 0.011), 5)


def _postal_code(rng: random.Random) -> str:
    head = "".join(rng.choice("13456789") for _ in range(5))
    return head + "".join(str(rng.randrange(10)) for _ in range(5))


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


def _places_of(province: Province) -> list[Place]:
    return list(
        Place.objects.filter(county__province=province)
        .only(
            "kind",
            "code",
            "city_code",
            "name_fa",
            "lat",
            "lon",
            "population_2016",
            "population_geonames",
            "county_id",
        )
        .order_by("id")
    )


def _plan(*, total: int, rng: random.Random, provinces: list[Province], counties: dict) -> list[OfficeDraft]:
    per_province = allocate(total, [province.population_2016 for province in provinces])
    drafts: list[OfficeDraft] = []
    for province, share in zip(provinces, per_province, strict=True):
        province_counties = counties[province.pk]
        towns, villages = _sites(province, province_counties, _places_of(province))
        kinds = list(KIND_SHARES)
        per_kind = dict(zip(kinds, allocate(share, list(KIND_SHARES.values())), strict=True))
        for kind in kinds:
            rural = kind == OfficeKind.ICT
            pool = villages if rural else towns
            weighted = _county_weights(province_counties, "rural_2016" if rural else "urban_2016", pool)
            if not weighted:  # a province without villages in the data: ICT offices go to small towns
                pool, weighted = towns, _county_weights(province_counties, "urban_2016", towns)
            per_county = allocate(per_kind[kind], [weight for _, weight in weighted])
            for (county, _), count in zip(weighted, per_county, strict=True):
                sites = pool[county.code]
                if rural:
                    chosen = rng.sample(sites, count) if count <= len(sites) else rng.choices(sites, k=count)
                else:
                    chosen = rng.choices(sites, weights=[site.weight for site in sites], k=count)
                for site in chosen:
                    drafts.append(_draft(kind=kind, province=province, site=site, rural=rural, rng=rng))
    return drafts


def _draft(*, kind: str, province: Province, site: _Site, rural: bool, rng: random.Random) -> OfficeDraft:
    lat = lon = None
    if site.lat is not None and site.lon is not None:
        lat, lon = (site.lat, site.lon) if rural else _jitter(rng, site.lat, site.lon)
    if rural:
        hours, counters = HOURS_VILLAGE, 1
    else:
        hours = HOURS_CITY if kind == OfficeKind.PISHKHAN and rng.random() < 0.6 else HOURS_CITY_SHORT
        counters = rng.randint(2, 8) if kind == OfficeKind.PISHKHAN else rng.randint(1, 4)
    title = KIND_TITLES[kind]
    street = rng.choice(
        ("خیابان امام", "خیابان انقلاب", "بلوار آزادی", "خیابان شهدا", "میدان اصلی", "خیابان بهار")
    )
    return OfficeDraft(
        name=f"{title} {site.name}",
        kind=kind,
        province=province.code,
        county=site.county,
        place=site.place,
        lat=lat,
        lon=lon,
        setting=OfficeSetting.RURAL if rural else OfficeSetting.URBAN,
        address=f"{site.name}، {street}، پلاک {rng.randint(1, 400)}" if not rural else f"روستای {site.name}",
        postal_code=_postal_code(rng),
        counters=counters,
        opening_hours=hours,
        phone="0" + "".join(str(rng.randrange(10)) for _ in range(10)),
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
    return report
