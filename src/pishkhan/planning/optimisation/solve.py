"""``solve``: an instance in, a result out. A greedy answer first (a warm start and a bound), then the
exact programme with HiGHS in the time that is left.

Statuses: ``optimal`` (proven, within HiGHS's 1e-6 relative gap), ``time_limit`` (HiGHS stopped at
the limit; the better of its incumbent and the greedy answer, with the better bound), ``greedy`` (the
exact programme was not run — too large for the time left, or no time left — or proved nothing).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from pishkhan.planning.optimisation import coverage, median
from pishkhan.planning.optimisation.geometry import coverage_matrix
from pishkhan.planning.optimisation.highs import MIP_REL_GAP, programme_solve
from pishkhan.planning.optimisation.instances import Instance, InstanceError, Result, Status, gap_of

DEFAULT_TIME_LIMIT = 60.0
# Past this many non-zeros a programme takes longer to build and relax than any sensible time limit;
# the greedy answer is returned instead.
MAX_NONZEROS = 40_000_000
# The capacitated p-median is solved over every demand × site pair.
MAX_CAPACITATED_PAIRS = 2_000_000
# Past this many listed pairs, HiGHS does not solve the p-median's relaxation within a minute on this
# kind of machine (466,000 pairs at national size did not); the Lagrangian bound takes over, with
# lists of at least LAGRANGIAN_K sites (shorter ones left national bounds 6 % low).
MAX_EXACT_PAIRS = 250_000
LAGRANGIAN_K = 48


@dataclass
class _Run:
    """One solve's instance, its arrays, and its clock."""

    instance: Instance
    points: median.Points
    time_limit: float
    started: float = field(default_factory=time.perf_counter)

    def left(self) -> float:
        return self.time_limit - (time.perf_counter() - self.started)

    def result(
        self, status: Status, objective: float, bound: float, chosen: np.ndarray, notes: list[str]
    ) -> Result:
        ids = self.instance.sites
        return Result(
            model=self.instance.model,
            status=status,
            objective=float(objective),
            bound=float(bound),
            gap=gap_of(objective, bound),
            chosen=tuple(ids[j].id for j in sorted(int(c) for c in chosen)),
            seconds=time.perf_counter() - self.started,
            notes=tuple(notes),
        )


def solve(instance: Instance, *, time_limit: float = DEFAULT_TIME_LIMIT, k: int = median.DEFAULT_K) -> Result:
    """Solve an instance within about ``time_limit`` seconds (0: the greedy answer only).

    ``k``: p-median's nearest sites per demand point (see ``median``). Raises ``InstanceError`` for an
    instance with no solution (LSCP with a demand point no site covers; a capacitated p-median whose
    capacities cannot hold the demand).
    """
    started = time.perf_counter()
    points = median.Points(
        d_lat=np.fromiter((d.lat for d in instance.demand), dtype=np.float64),
        d_lon=np.fromiter((d.lon for d in instance.demand), dtype=np.float64),
        weight=np.fromiter((d.weight for d in instance.demand), dtype=np.float64),
        s_lat=np.fromiter((s.lat for s in instance.sites), dtype=np.float64),
        s_lon=np.fromiter((s.lon for s in instance.sites), dtype=np.float64),
        existing=np.fromiter((s.existing for s in instance.sites), dtype=bool),
    )
    run = _Run(instance=instance, points=points, time_limit=time_limit, started=started)
    if instance.model == "pmedian":
        return _median(run, k)
    return _coverage(run)


def _coverage(run: _Run) -> Result:
    instance, pts = run.instance, run.points
    cover = coverage_matrix(pts.d_lat, pts.d_lon, pts.s_lat, pts.s_lon, instance.radius_km)
    red, uncoverable = coverage.coverage_reduce(
        cover, pts.weight, pts.existing, keep_uncoverable=instance.model == "lscp"
    )
    notes = [f"reduced to {red.matrix.shape[0]} demand groups × {red.matrix.shape[1]} useful candidates"]
    maximise = instance.model == "mclp"
    if maximise:
        greedy = coverage.mclp_greedy(red, instance.p)
        useful = red.matrix.shape[1] > 0 and instance.p > 0
        programme = coverage.mclp_programme(red, instance.p) if useful else None
    else:
        if len(uncoverable):
            first = instance.demand[int(uncoverable[0])]
            raise InstanceError(
                f"demand: {len(uncoverable)} demand points (first {first.id!r}) are within "
                f"{instance.radius_km:g} km of no site, so no choice of sites covers everyone"
            )
        greedy = coverage.lscp_greedy(red)
        programme = coverage.lscp_programme(red) if red.matrix.shape[0] else None
    chosen = red.candidates[greedy.chosen]
    if greedy.bound == greedy.objective:
        return run.result("optimal", greedy.objective, greedy.bound, chosen, notes)
    if programme is None or programme.matrix.nnz > MAX_NONZEROS or run.left() <= 0:
        notes.append("the exact programme was not run: too large for the time left")
        return run.result("greedy", greedy.objective, greedy.bound, chosen, notes)
    n_cols = red.matrix.shape[1]
    if maximise:
        start = coverage.mclp_start(red, greedy.chosen)
    else:
        start = np.isin(np.arange(n_cols), greedy.chosen).astype(np.float64)
    solved = programme_solve(programme, start=start, time_limit=run.left())
    if solved.x is None:
        notes.append("HiGHS found no solution in the time left")
        return run.result("greedy", greedy.objective, greedy.bound, chosen, notes)
    cols = np.flatnonzero(solved.x[:n_cols] > 0.5)
    if maximise:
        objective = coverage.mclp_value(red, cols)
        bound = min(greedy.bound, red.base + solved.bound)
        if objective < greedy.objective:
            objective, cols = greedy.objective, greedy.chosen
    else:
        objective = float(len(cols))
        # The count of sites is whole, so a fractional bound rounds up (when HiGHS proved one at all).
        proven = math.ceil(solved.bound - 1e-6) if math.isfinite(solved.bound) else -math.inf
        bound = max(greedy.bound, proven)
        if objective > greedy.objective:
            objective, cols = greedy.objective, greedy.chosen
    status: Status = "optimal" if solved.stopped == "optimal" else "time_limit"
    if status != "optimal" and not math.isfinite(solved.bound) and objective == greedy.objective:
        status = "greedy"
    return run.result(status, objective, bound, red.candidates[cols], notes)


def _median(run: _Run, k: int) -> Result:
    instance, points = run.instance, run.points
    existing = points.existing
    n, m = len(points.d_lat), len(points.s_lat)
    lower = median.median_lower_bound(points)
    capacity = None
    if instance.sites[0].capacity is not None:
        capacity = np.fromiter((s.capacity or 0.0 for s in instance.sites), dtype=np.float64)
        pairs = n * m
        if pairs > MAX_CAPACITATED_PAIRS:
            raise InstanceError(
                f"sites: a capacitated p-median is solved over every pair; {pairs} pairs is more "
                f"than {MAX_CAPACITATED_PAIRS}"
            )
        if np.sort(capacity)[-instance.p :].sum() < points.weight.sum():
            raise InstanceError(
                f"sites: the {instance.p} largest capacities hold less than the total demand "
                f"{points.weight.sum():g}"
            )
    notes: list[str] = []
    is_new = ~existing
    chosen = np.empty(0, dtype=np.int64)
    objective = math.inf
    if capacity is None:
        near = median.nearest_build(points, max(k, median.GREEDY_K))
        chosen = median.median_greedy(points, near, instance.p)
        distance = median.median_distances(points, np.concatenate([np.flatnonzero(existing), chosen]))
        objective = float(points.weight @ distance)
        counts = median.lists_reaching(points, distance, minimum=k)
    else:
        counts = np.full(n, m, dtype=np.int64)
    bound = lower
    status: Status = "greedy"
    lists = None
    if capacity is None and int(counts.sum()) > MAX_EXACT_PAIRS:
        # Too large for HiGHS's relaxation in a minute: longer lists, and a Lagrangian bound instead.
        counts = median.lists_reaching(points, distance, minimum=max(k, LAGRANGIAN_K))
        lists = median.lists_build(points, counts)
        lag_bound, plan = median.median_lagrangian(
            points, lists, instance.p, upper=objective, seconds=max(run.left() - 1.0, 0.0)
        )
        bound = max(bound, lag_bound)
        if plan is not None:
            cost = median.median_cost(points, np.concatenate([np.flatnonzero(existing), plan]))
            if cost < objective:
                objective, chosen = cost, plan
        notes.append(
            f"{len(lists.site)} pairs: too many for the exact programme; the bound is Lagrangian and the "
            "answer the better of the greedy plan and the Lagrangian heuristic's"
        )
        gap = gap_of(objective, bound)
        status = "optimal" if gap is not None and gap <= MIP_REL_GAP else "greedy"
        return run.result(status, objective, bound, chosen, notes)
    while True:
        lists = median.lists_build(points, counts, existing_ends=capacity is None)
        programme = median.median_programme(points, lists, instance.p, capacity)
        if programme.matrix.nnz > MAX_NONZEROS or run.left() <= 0:
            notes.append("the exact programme was not run: too large for the time left")
            break
        start = None
        if capacity is None:
            start = median.median_start(points, lists, np.concatenate([np.flatnonzero(existing), chosen]))
        solved = programme_solve(programme, start=start, time_limit=run.left())
        if math.isfinite(solved.bound):
            bound = max(bound, solved.bound)
        if solved.x is None:
            notes.append("HiGHS found no solution in the time left")
            break
        open_sites = np.flatnonzero(solved.x[:m] > 0.5)
        cost = solved.objective if capacity is not None else median.median_cost(points, open_sites)
        if cost < objective:
            objective, chosen = cost, open_sites[is_new[open_sites]]
        status = "time_limit"
        beyond = median.fallback_points(points, lists, solved.x)
        if solved.stopped == "optimal" and len(beyond) == 0:
            status = "optimal"
            break
        if solved.stopped != "optimal" or not lists.partial:
            break
        notes.append(f"{len(beyond)} demand points assigned beyond their lists: those lists doubled")
        counts = np.diff(lists.start)
        counts[beyond] *= 2
    if lists is not None and lists.partial:
        notes.append(
            f"assignment restricted to each point's nearest sites ({len(lists.site) / n:.1f} on average, "
            f"at least {min(k, m)} unless an existing site is nearer); the bound holds for the full problem"
        )
    if not math.isfinite(objective):
        raise InstanceError("sites: no assignment within the capacities was found in the time limit")
    return run.result(status, objective, bound, chosen, notes)
