"""Coverage: how far every demand point is from its nearest office in force of the kind that serves
it (Pishkhan offices in cities, rural ICT offices in villages), through a KD-tree (the optimiser's
``nearest_sites``), and the per-county results of a run; then a proposed plan per province.

A person is covered within ``PISHKHAN_COVERAGE_URBAN_KM`` (cities) or ``PISHKHAN_COVERAGE_RURAL_KM``
(villages). A county's capacity is its offices in force × ``PISHKHAN_COVERAGE_OFFICE_CAPACITY``
transactions a year; it is under-served when its capacity-to-demand ratio is below ``UNDER_RATIO`` ×
the nation's (``PISHKHAN_COVERAGE_SERVED_AGAINST = "national"``) or × 1 (``"absolute"``), over-served
above ``OVER_RATIO`` ×.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.offices.selectors import office_list
from pishkhan.offices.states import OfficeStatus
from pishkhan.planning.models import CountyCoverage, CoverageRun, DemandPoint, Plan, Served, Setting
from pishkhan.planning.optimisation import Demand, Instance, Site, solve
from pishkhan.planning.optimisation.geometry import nearest_sites

KIND_OF = {Setting.URBAN: OfficeKind.PISHKHAN, Setting.RURAL: OfficeKind.ICT}


def threshold_km(setting: str) -> float:
    return float(
        settings.PISHKHAN_COVERAGE_URBAN_KM
        if setting == Setting.URBAN
        else settings.PISHKHAN_COVERAGE_RURAL_KM
    )


def offices_in_force(*, province_id: int | None = None) -> list[tuple[int, int, str, float, float]]:
    """(province id, county id, kind, lat, lon) of every Pishkhan and rural ICT office in force
    (active and not held from serving), in one province if given."""
    offices = office_list(status=OfficeStatus.ACTIVE).filter(
        kind__in=[OfficeKind.PISHKHAN, OfficeKind.ICT], serving_hold=""
    )
    if province_id is not None:
        offices = offices.filter(province_id=province_id)
    return list(offices.order_by().values_list("province_id", "county_id", "kind", "lat", "lon"))


def nearest_km(
    lat: np.ndarray, lon: np.ndarray, office_lat: np.ndarray, office_lon: np.ndarray
) -> np.ndarray:
    """Each point's distance to its nearest office (km; infinity when there is none)."""
    if len(lat) == 0:
        return np.zeros(0)
    if len(office_lat) == 0:
        return np.full(len(lat), np.inf)
    _idx, km = nearest_sites(lat, lon, office_lat, office_lon, 1)
    return km[:, 0]


@transaction.atomic
def coverage_compute(*, now: dt.datetime | None = None, plans: bool = True) -> CoverageRun:
    """Measure every demand point against the offices in force, store a run with per-county results,
    and (``plans``) propose a plan per province and setting."""
    started = time.perf_counter()
    now = now or timezone.now()
    offices = offices_in_force()
    points = list(
        DemandPoint.objects.order_by("id").values_list(
            "id", "province_id", "county_id", "setting", "lat", "lon", "population", "demand"
        )
    )
    ids = np.array([p[0] for p in points], dtype=np.int64)
    setting = np.array([p[3] for p in points])
    lat = np.array([p[4] for p in points], dtype=float)
    lon = np.array([p[5] for p in points], dtype=float)
    km = np.full(len(points), np.inf)
    for kind_setting, kind in KIND_OF.items():
        mask = setting == kind_setting.value
        o_lat = np.array([o[3] for o in offices if o[2] == kind], dtype=float)
        o_lon = np.array([o[4] for o in offices if o[2] == kind], dtype=float)
        km[mask] = nearest_km(lat[mask], lon[mask], o_lat, o_lon)
    limit = np.where(setting == Setting.URBAN.value, settings.PISHKHAN_COVERAGE_URBAN_KM,
                     settings.PISHKHAN_COVERAGE_RURAL_KM)  # fmt: skip
    covered = km <= limit
    rows = DemandPoint.objects.in_bulk(ids.tolist())
    for i, pk in enumerate(ids.tolist()):
        rows[pk].nearest_km = None if not np.isfinite(km[i]) else round(float(km[i]), 3)
        rows[pk].covered = bool(covered[i])
    DemandPoint.objects.bulk_update(rows.values(), ["nearest_km", "covered"], batch_size=2000)

    run = CoverageRun.objects.create(
        computed_at=now,
        urban_km=settings.PISHKHAN_COVERAGE_URBAN_KM,
        rural_km=settings.PISHKHAN_COVERAGE_RURAL_KM,
        office_capacity=settings.PISHKHAN_COVERAGE_OFFICE_CAPACITY,
        rate_source="",
        demand_points=len(points),
        seconds=0.0,
    )
    counties: dict[int, CountyCoverage] = {}

    def county(province_id: int, county_id: int) -> CountyCoverage:
        if county_id not in counties:
            counties[county_id] = CountyCoverage(run=run, province_id=province_id, county_id=county_id)
        return counties[county_id]

    for i, (_pk, province_id, county_id, point_setting, _la, _lo, population, demand) in enumerate(points):
        row = county(province_id, county_id)
        row.demand += demand
        if point_setting == Setting.URBAN:
            row.urban_population += population
            row.urban_covered += population if covered[i] else 0
        else:
            row.rural_population += population
            row.rural_covered += population if covered[i] else 0
    for province_id, county_id, kind, _la, _lo in offices:
        row = county(province_id, county_id)
        if kind == OfficeKind.PISHKHAN:
            row.pishkhan_offices += 1
        else:
            row.ict_offices += 1
    for row in counties.values():
        row.capacity = float(row.offices * settings.PISHKHAN_COVERAGE_OFFICE_CAPACITY)
    norm = served_norm(list(counties.values()))
    for row in counties.values():
        row.served = served_of(row.capacity, row.demand, norm=norm)
    CountyCoverage.objects.bulk_create(counties.values())
    run.rate_source = (
        "fallback"
        if not points
        else (
            "history"
            if DemandPoint.objects.exclude(rate__in=list(_fallback_rates())).exists()
            else "fallback"
        )
    )
    if plans:
        plans_propose(run=run, now=now)
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["rate_source", "seconds"])
    return run


def _fallback_rates() -> list[float]:
    return [float(v) for v in settings.PISHKHAN_DEMAND_FALLBACK_RATE.values()]


def served_norm(rows: list[CountyCoverage]) -> float:
    """What a county's capacity-to-demand ratio is compared with: 1 (``absolute``), or the nation's
    ratio (``national``, the default: the demo's history is scaled down, and a real one may be thin)."""
    if settings.PISHKHAN_COVERAGE_SERVED_AGAINST == "absolute":
        return 1.0
    capacity, demand = sum(r.capacity for r in rows), sum(r.demand for r in rows)
    return capacity / demand if capacity > 0 and demand > 0 else 1.0


def served_of(capacity: float, demand: float, *, norm: float = 1.0) -> str:
    """Under-, over-served or balanced: a county's capacity of offices against the demand on them,
    relative to ``norm`` (see ``served_norm``)."""
    if demand <= 0:
        return Served.OVER if capacity > 0 else Served.BALANCED
    ratio = capacity / demand / norm
    if ratio < settings.PISHKHAN_COVERAGE_UNDER_RATIO:
        return Served.UNDER
    if ratio > settings.PISHKHAN_COVERAGE_OVER_RATIO:
        return Served.OVER
    return Served.BALANCED


def plan_propose(
    *,
    province_id: int,
    setting: str,
    budget: int,
    run: CoverageRun | None = None,
    now: dt.datetime | None = None,
) -> Plan:
    """The MCLP plan for a province and setting: ``budget`` new offices at its demand points (cities or
    villages, estimated points included), existing offices of the serving kind fixed, each person
    weighted once; replaces the province's plan for that setting."""
    radius = threshold_km(setting)
    points = list(
        DemandPoint.objects.filter(province_id=province_id, setting=setting)
        .order_by("id")
        .values("id", "name", "county__name_fa", "lat", "lon", "population", "estimated")
    )
    offices = [o for o in offices_in_force(province_id=province_id) if o[2] == KIND_OF[Setting(setting)]]
    population = sum(p["population"] for p in points)
    demand = tuple(Demand(f"d{p['id']}", p["lat"], p["lon"], float(p["population"])) for p in points)
    sites = tuple(Site(f"s{p['id']}", p["lat"], p["lon"]) for p in points) + tuple(
        Site(f"o{i}", o[3], o[4], existing=True) for i, o in enumerate(offices)
    )
    p = max(0, min(budget, len(points)))
    before_km = nearest_km(
        np.array([d.lat for d in demand]), np.array([d.lon for d in demand]),
        np.array([o[3] for o in offices], dtype=float), np.array([o[4] for o in offices], dtype=float),
    )  # fmt: skip
    before = int(sum(p["population"] for p, k in zip(points, before_km, strict=True) if k <= radius))
    if demand and p > 0:
        result = solve(
            Instance(model="mclp", demand=demand, sites=sites, radius_km=radius, p=p),
            time_limit=float(settings.PISHKHAN_PLAN_TIME_LIMIT),
        )
        by_id = {f"s{p['id']}": p for p in points}
        chosen = [
            {
                "id": by_id[s]["id"], "name": by_id[s]["name"], "county": by_id[s]["county__name_fa"],
                "lat": by_id[s]["lat"], "lon": by_id[s]["lon"], "population": by_id[s]["population"],
                "estimated": by_id[s]["estimated"],
            }
            for s in result.chosen
        ]  # fmt: skip
        after, status, bound, gap, seconds = (
            round(result.objective),
            result.status,
            result.bound,
            result.gap,
            result.seconds,
        )
    else:
        chosen, after, status, bound, gap, seconds = [], before, "optimal", float(before), 0.0, 0.0
    plan, _created = Plan.objects.update_or_create(
        province_id=province_id,
        setting=setting,
        defaults={
            "run": run, "created_at": now or timezone.now(), "radius_km": radius, "budget": p,
            "chosen": chosen, "population": population, "covered_before": before, "covered_after": after,
            "status": status, "bound": bound, "gap": gap, "seconds": seconds,
        },
    )  # fmt: skip
    return plan


def plans_propose(*, run: CoverageRun, now: dt.datetime, budget: int | None = None) -> int:
    """A plan per province and setting with the default budget; how many."""
    budget = settings.PISHKHAN_PLAN_BUDGET if budget is None else budget
    provinces: dict[int, set[str]] = defaultdict(set)
    for province_id, point_setting in DemandPoint.objects.values_list("province_id", "setting").distinct():
        provinces[province_id].add(point_setting)
    n = 0
    for province_id in sorted(provinces):
        for point_setting in sorted(provinces[province_id]):
            plan_propose(province_id=province_id, setting=point_setting, budget=budget, run=run, now=now)
            n += 1
    return n
