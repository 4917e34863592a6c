"""The siting optimiser beside PySAL spopt on identical instances, and alone at national size.

Run by hand:  .venv/bin/python benchmarks/bench_optimiser.py [--seed 1] [--skip-spopt] [--skip-national]

1. **Side by side** (one run, the same instances): 5,000 demand points × 2,000 sites (300 of them
   existing offices) for MCLP (10 km, 50 new sites) and LSCP (30 km); spopt builds its model from the
   dense haversine cost matrix (``MCLP/LSCP.from_cost_matrix``) and solves it with CBC; ours is
   ``planning.optimisation.solve`` from the coordinates, its coverage matrix included in its time. The
   p-median side by side is 1,000 × 400 (40 sites): spopt's model has one PuLP variable per pair, and
   at 5,000 × 2,000 (10 million) it does not fit this machine's time or memory; ours is also timed
   alone at 5,000 × 2,000. Printed: both objectives, their difference (limit 0.5 %), both times and
   the ratio (target ≥ 50×). spopt's time leaves out the cost matrix it is given.
2. **National size**, ours alone: every city of ``geo/data/places.csv`` with coordinates (1,401) and,
   for villages, whose coordinates the shipped data mostly lacks, estimated points spread inside each
   county's boundary (``counties.geojson``), as many per county as django-iranian-cities lists
   villages there, scaled to 40,000 in all, sharing the county's 2016 rural population (a seeded
   log-normal split). Existing offices: one per city per 12,000 urban people (at the city's point,
   at least one), and one rural ICT office per 8,000 rural people at random village points. Every
   other point is a candidate site. MCLP (10 km, 500 new sites), LSCP (10 km) and p-median (existing
   + 500), each with a 60 s limit. Target: within 0.5 % of optimal (gap) in under a minute.

The points are synthetic where said so: this measures the optimiser, not Iran's coverage.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

from pishkhan.planning.optimisation import Demand, Instance, Site, solve
from pishkhan.planning.optimisation.geometry import cost_matrix

GEO = Path(__file__).resolve().parent.parent / "src" / "pishkhan" / "geo" / "data"
VILLAGES_TOTAL = 40_000


def _village_counts() -> Counter[str]:
    """Villages per county (4-digit SCI code) as django-iranian-cities lists them."""
    import iranian_cities

    path = Path(iranian_cities.__file__).parent / "data" / "village.csv"
    with path.open(encoding="utf-8") as f:
        return Counter(row["code"][:4] for row in csv.DictReader(f) if row["code"])


def _inside(polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points (lat, lon) drawn uniformly inside a shapely polygon."""
    import shapely

    minx, miny, maxx, maxy = polygon.bounds
    found: list[np.ndarray] = []
    got = 0
    while got < n:
        x = rng.uniform(minx, maxx, 4 * (n - got) + 16)
        y = rng.uniform(miny, maxy, 4 * (n - got) + 16)
        keep = shapely.contains_xy(polygon, x, y)
        found.append(np.column_stack((y[keep], x[keep])))
        got += int(keep.sum())
    return np.concatenate(found)[:n]


def national_points(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Demand points of the whole country: lat, lon, weight (people), and whether each is a city."""
    import shapely.geometry

    rng = np.random.default_rng(seed)
    with (GEO / "counties.csv").open(encoding="utf-8") as f:
        counties = {row["code"]: row for row in csv.DictReader(f)}
    with (GEO / "places.csv").open(encoding="utf-8") as f:
        cities = [r for r in csv.DictReader(f) if r["type"] == "city" and r["lat"]]
    shapes = {}
    for feature in json.loads((GEO / "counties.geojson").read_text(encoding="utf-8"))["features"]:
        shapes[feature["properties"]["code"]] = shapely.geometry.shape(feature["geometry"])
    counts = _village_counts()

    lat, lon, weight, is_city = [], [], [], []
    # A county's 2016 urban population, shared by its cities in proportion to their GeoNames figures
    # (counties made after 2016, with no census figure of their own, keep the GeoNames figures).
    in_county: dict[str, list[dict]] = {}
    for city in cities:
        in_county.setdefault(city["county_code"], []).append(city)
    for code, members in in_county.items():
        sizes = np.array([float(c["population_geonames"] or 1000) for c in members])
        urban = float(counties.get(code, {}).get("urban_2016") or 0)
        shares = sizes / sizes.sum() * urban if urban else sizes
        for c, share in zip(members, shares, strict=True):
            lat.append(float(c["lat"]))
            lon.append(float(c["lon"]))
            weight.append(float(share))
            is_city.append(True)
    rural_total = sum(float(c["rural_2016"] or 0) for c in counties.values())
    # Villages per county as listed, or in proportion to rural people where the county is newer than
    # the list; then scaled so that the country has VILLAGES_TOTAL points.
    raw = {
        code: counts.get(code) or float(county["rural_2016"]) / rural_total * VILLAGES_TOTAL
        for code, county in counties.items()
        if float(county["rural_2016"] or 0) > 0 and code in shapes
    }
    scale = VILLAGES_TOTAL / sum(raw.values())
    for code, amount in raw.items():
        rural = float(counties[code]["rural_2016"])
        n = max(1, round(amount * scale))
        pts = _inside(shapes[code], n, rng)
        share = rng.lognormal(0.0, 1.0, n)
        lat.extend(pts[:, 0])
        lon.extend(pts[:, 1])
        weight.extend(rural * share / share.sum())
        is_city.extend([False] * n)
    return np.array(lat), np.array(lon), np.array(weight), np.array(is_city)


def _instance(model, d_lat, d_lon, w, s_lat, s_lon, existing, *, radius_km=0.0, p=0) -> Instance:
    return Instance(
        model=model,
        demand=tuple(Demand(f"d{i}", d_lat[i], d_lon[i], w[i]) for i in range(len(d_lat))),
        sites=tuple(Site(f"s{j}", s_lat[j], s_lon[j], bool(existing[j])) for j in range(len(s_lat))),
        radius_km=radius_km,
        p=p,
    )


def _print(label: str, ours, ours_s: float, theirs: float | None, theirs_s: float | None) -> None:
    line = (
        f"{label:<34} ours {ours.objective:>16,.2f} ({ours.status}, gap {ours.gap or 0:.2e}) {ours_s:8.2f} s"
    )
    if theirs is not None and theirs_s is not None:
        diff = abs(ours.objective - theirs) / max(abs(theirs), 1e-9)
        line += f" | spopt {theirs:>16,.2f} {theirs_s:8.2f} s | diff {diff:.3%}"
        line += f" | {theirs_s / ours_s:6.1f}× faster"
    print(line, flush=True)


def side_by_side(seed: int, with_spopt: bool) -> None:
    lat, lon, w, _ = national_points(seed)
    rng = np.random.default_rng(seed)
    # A region of the size planners work in: the 7,000 points nearest Tehran, shuffled.
    from pishkhan.planning.optimisation.geometry import haversine_km

    region = np.argsort(haversine_km(lat, lon, np.float64(35.6892), np.float64(51.3890)))[:7_000]
    picked = rng.permutation(region)
    demand, sites = picked[:5_000], picked[5_000:]
    d_lat, d_lon, d_w = lat[demand], lon[demand], w[demand]
    s_lat, s_lon = lat[sites], lon[sites]
    existing = np.zeros(len(sites), dtype=bool)
    existing[rng.choice(len(sites), 300, replace=False)] = True
    print(f"side by side: {len(demand)} demand points × {len(sites)} sites ({existing.sum()} existing)")

    if with_spopt:
        warnings.filterwarnings("ignore")
        import pulp
        from spopt.locate import LSCP, MCLP, PMedian

        started = time.perf_counter()
        cost = cost_matrix(d_lat, d_lon, s_lat, s_lon)
        print(f"  (dense cost matrix for spopt: {time.perf_counter() - started:.2f} s, not counted)")

    def spopt_time(build):
        started = time.perf_counter()
        model = build().solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=900))
        return pulp.value(model.problem.objective), time.perf_counter() - started

    # MCLP: 10 km, 50 new sites.
    inst = _instance("mclp", d_lat, d_lon, d_w, s_lat, s_lon, existing, radius_km=10.0, p=50)
    started = time.perf_counter()
    ours = solve(inst)
    ours_s = time.perf_counter() - started
    theirs = theirs_s = None
    if with_spopt:
        theirs, theirs_s = spopt_time(
            lambda: MCLP.from_cost_matrix(
                cost, d_w, service_radius=10.0, p_facilities=50 + int(existing.sum()),
                predefined_facilities_arr=existing,
            )
        )  # fmt: skip
    _print("MCLP 5,000 × 2,000, 10 km, p=50", ours, ours_s, theirs, theirs_s)

    # LSCP: 30 km; demand no site reaches is left out of both.
    if with_spopt:
        reach = (cost <= 30.0).any(axis=1)
    else:
        from pishkhan.planning.optimisation.geometry import coverage_matrix

        reach = np.asarray(coverage_matrix(d_lat, d_lon, s_lat, s_lon, 30.0).sum(axis=1)).ravel() > 0
    keep = np.flatnonzero(reach)
    inst = _instance("lscp", d_lat[keep], d_lon[keep], d_w[keep], s_lat, s_lon, existing, radius_km=30.0)
    started = time.perf_counter()
    ours = solve(inst)
    ours_s = time.perf_counter() - started
    if with_spopt:
        theirs, theirs_s = spopt_time(
            lambda: LSCP.from_cost_matrix(cost[keep], service_radius=30.0, predefined_facilities_arr=existing)
        )
        theirs -= int(existing.sum())  # spopt counts the existing sites too
    _print(f"LSCP {len(keep):,} × 2,000, 30 km", ours, ours_s, theirs, theirs_s)

    # p-median: 1,000 × 400 side by side, 40 sites (20 existing); then ours alone at 5,000 × 2,000.
    sub_d, sub_s = np.arange(1_000), np.arange(400)
    sub_existing = np.zeros(400, dtype=bool)
    sub_existing[:20] = True
    inst = _instance(
        "pmedian", d_lat[sub_d], d_lon[sub_d], d_w[sub_d], s_lat[sub_s], s_lon[sub_s], sub_existing, p=40
    )
    started = time.perf_counter()
    ours = solve(inst)
    ours_s = time.perf_counter() - started
    if with_spopt:
        theirs, theirs_s = spopt_time(
            lambda: PMedian.from_cost_matrix(
                cost[np.ix_(sub_d, sub_s)],
                d_w[sub_d],
                p_facilities=40,
                predefined_facilities_arr=sub_existing,
            )
        )
    _print("p-median 1,000 × 400, p=40", ours, ours_s, theirs, theirs_s)

    inst = _instance("pmedian", d_lat, d_lon, d_w, s_lat, s_lon, existing, p=int(existing.sum()) + 50)
    started = time.perf_counter()
    ours = solve(inst)
    _print("p-median 5,000 × 2,000, p=350", ours, time.perf_counter() - started, None, None)


def national(seed: int) -> None:
    started = time.perf_counter()
    lat, lon, w, is_city = national_points(seed)
    rng = np.random.default_rng(seed + 1)
    existing = np.zeros(len(lat), dtype=bool)
    # Pishkhan offices in cities by urban population (one per 12,000, at least one), rural ICT offices
    # at village points by rural population (one per 8,000 people).
    city = np.flatnonzero(is_city)
    offices = np.maximum(1, np.round(w[city] / 12_000)).astype(int)
    village = np.flatnonzero(~is_city)
    rural_offices = round(w[village].sum() / 8_000)
    existing[rng.choice(village, rural_offices, replace=False, p=w[village] / w[village].sum())] = True
    # A city with several offices: the extra ones become separate existing sites at the same point.
    s_lat = np.concatenate([lat, np.repeat(lat[city], offices - 1)])
    s_lon = np.concatenate([lon, np.repeat(lon[city], offices - 1)])
    s_existing = np.concatenate([existing | is_city, np.ones(int((offices - 1).sum()), dtype=bool)])
    built = time.perf_counter() - started
    print(
        f"national: {len(lat):,} demand points ({len(city):,} cities, {len(village):,} estimated village "
        f"points, {w.sum() / 1e6:.1f} M people), {len(s_lat):,} sites ({int(s_existing.sum()):,} existing "
        f"offices, {int((~s_existing).sum()):,} candidates); built in {built:.1f} s"
    )
    runs = [
        ("MCLP national, 10 km, p=500", {"model": "mclp", "radius_km": 10.0, "p": 500}),
        ("LSCP national, 10 km", {"model": "lscp", "radius_km": 10.0}),
        ("p-median national, existing + 500", {"model": "pmedian", "p": int(s_existing.sum()) + 500}),
    ]
    for label, kw in runs:
        inst = _instance(kw.pop("model"), lat, lon, w, s_lat, s_lon, s_existing, **kw)
        started = time.perf_counter()
        result = solve(inst, time_limit=60.0)
        _print(label, result, time.perf_counter() - started, None, None)
        for note in result.notes:
            print(f"    {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-spopt", action="store_true")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--skip-side-by-side", action="store_true")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
    if not args.skip_side_by_side:
        side_by_side(args.seed, not args.skip_spopt)
    if not args.skip_national:
        national(args.seed)


if __name__ == "__main__":
    main()
