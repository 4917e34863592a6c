"""The p-median: open sites (``p`` in total, the existing ones among them) so that the total weighted
distance from every demand point to its nearest open site is least; optionally with capacities.

**Assignment restricted to each point's nearest sites, with a proven bound all the same.** A full
model has one assignment variable per demand × site pair (10 million at 5,000 × 2,000). Here a demand
point may be assigned to one of the sites on its list — its nearest, as many as lie within 1.5 × its
distance to its site in the greedy plan, at least ``k`` — or to a *fallback* that costs its distance
to the first site beyond its list, the least that any site beyond could cost. The fallback makes the
programme a relaxation of the full one, so its dual bound is a true lower bound; the answer's
objective is always the real cost of the chosen sites (every point to its nearest open site). When no
point takes its fallback the two agree and the answer is optimal for the full problem; when some do,
their lists are doubled and the programme solved again while time remains. Where a list holds every
site, that point's part of the model is the full one.

**Existing sites end the lists.** An existing site is always open, so (without capacities) no point is
ever served farther than its nearest existing site: a list stops there, and its fallback is that
site's distance, which is then exact, not a relaxation. Where offices already stand close to most
people, as in the national network, most lists are empty and the programme is small.

The capacitated model is always solved over every pair (single assignment, as spopt's), so it is
meant for instances of a few hundred thousand pairs.
"""

from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.spatial import cKDTree

from pishkhan.planning.optimisation.geometry import haversine_km, nearest_sites, unit_vectors
from pishkhan.planning.optimisation.highs import Programme

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

# The shortest list of sites a demand point may be assigned from, and the greedy's list.
DEFAULT_K = 16
GREEDY_K = 24


@dataclass(frozen=True, slots=True)
class Points:
    """Coordinates and weights of the demand points and the sites, as arrays."""

    d_lat: Floats
    d_lon: Floats
    weight: Floats
    s_lat: Floats
    s_lon: Floats
    existing: NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Nearest:
    """Each demand point's ``k`` nearest sites (``idx``, ``km``) and its fallback cost (the (k+1)-th
    nearest distance; ``None`` when ``k`` is every site)."""

    idx: Ints
    km: Floats
    fallback: Floats | None


def nearest_build(points: Points, k: int) -> Nearest:
    """The lists of nearest sites the restricted model assigns from."""
    m = len(points.s_lat)
    if k >= m:
        idx, km = nearest_sites(points.d_lat, points.d_lon, points.s_lat, points.s_lon, m)
        return Nearest(idx=idx, km=km, fallback=None)
    idx, km = nearest_sites(points.d_lat, points.d_lon, points.s_lat, points.s_lon, k + 1)
    return Nearest(idx=idx[:, :k], km=km[:, :k], fallback=km[:, k])


def median_distances(points: Points, open_sites: Ints) -> Floats:
    """Every demand point's distance (km) to its nearest open site."""
    tree = cKDTree(unit_vectors(points.s_lat[open_sites], points.s_lon[open_sites]))
    _, j = tree.query(unit_vectors(points.d_lat, points.d_lon), k=min(2, len(open_sites)))
    j = np.asarray(j).reshape(len(points.d_lat), -1)
    # Two nearest by chord, measured by haversine: rounding may order a near-tie either way.
    sites = open_sites[j]
    km = haversine_km(points.d_lat[:, None], points.d_lon[:, None], points.s_lat[sites], points.s_lon[sites])
    return km.min(axis=1)


def median_cost(points: Points, open_sites: Ints) -> float:
    """The real cost of a set of open sites: every demand point to its nearest open site."""
    if len(open_sites) == 0:
        return math.inf
    return float(points.weight @ median_distances(points, open_sites))


def median_lower_bound(points: Points) -> float:
    """Every demand point travels at least to its nearest site of all: a (weak) bound for any plan."""
    _, km = nearest_sites(points.d_lat, points.d_lon, points.s_lat, points.s_lon, 1)
    return float(points.weight @ km[:, 0])


def median_greedy(points: Points, near: Nearest, p: int) -> Ints:
    """Lazy greedy add: start from the existing sites, then open the site that saves the most weighted
    distance until ``p`` sites are open. Savings only fall as sites open, so stale ones are bounds."""
    n, k = near.idx.shape
    m = len(points.s_lat)
    existing = np.flatnonzero(points.existing)
    ceiling = near.fallback if near.fallback is not None else near.km[:, -1] * 2.0 + 1.0
    current = ceiling.copy()
    if len(existing):
        current = np.minimum(current, _distances_to(points, existing))
    rows = np.repeat(np.arange(n), k)
    pairs = sparse.csc_matrix((near.km.ravel() + 0.0, (rows, near.idx.ravel())), shape=(n, m))
    # A demand point standing on a site gives an explicit zero, which the conversion keeps.
    is_open = points.existing.copy()
    savings = np.zeros(m)
    for j in range(m):
        lo, hi = pairs.indptr[j], pairs.indptr[j + 1]
        r = pairs.indices[lo:hi]
        savings[j] = float(points.weight[r] @ np.maximum(current[r] - pairs.data[lo:hi], 0.0))
    heap = [(-savings[j], j) for j in range(m) if not is_open[j]]
    heapq.heapify(heap)
    chosen: list[int] = []
    while heap and len(existing) + len(chosen) < p:
        _, j = heapq.heappop(heap)
        lo, hi = pairs.indptr[j], pairs.indptr[j + 1]
        r = pairs.indices[lo:hi]
        gain = float(points.weight[r] @ np.maximum(current[r] - pairs.data[lo:hi], 0.0))
        if heap and gain < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-gain, j))
            continue
        chosen.append(j)
        current[r] = np.minimum(current[r], pairs.data[lo:hi])
    return np.asarray(sorted(chosen), dtype=np.int64)


def _distances_to(points: Points, sites: Ints) -> Floats:
    tree = cKDTree(unit_vectors(points.s_lat[sites], points.s_lon[sites]))
    _, j = tree.query(unit_vectors(points.d_lat, points.d_lon), k=1)
    j = sites[np.asarray(j).ravel()]
    return haversine_km(points.d_lat, points.d_lon, points.s_lat[j], points.s_lon[j])


@dataclass(frozen=True, slots=True)
class Lists:
    """The sites each demand point may be assigned to in the programme, nearest first, as pairs:
    point ``i``'s are ``site[start[i]:start[i+1]]`` at ``km[...]``. ``fallback[i]``: the cost of
    leaving its list (``inf`` when the list holds every site); ``relaxed[i]``: whether that fallback is
    a bound (the first site beyond the list) rather than exact (its nearest existing site)."""

    start: Ints
    site: Ints
    km: Floats
    fallback: Floats
    relaxed: NDArray[np.bool_]

    @property
    def partial(self) -> bool:
        return bool(self.relaxed.any())


def lists_build(points: Points, counts: Ints, *, existing_ends: bool = True) -> Lists:
    """Each point's ``counts[i]`` nearest sites (every site where ``counts[i]`` reaches their number),
    cut short at its nearest existing site when ``existing_ends`` (see the module's note)."""
    m = len(points.s_lat)
    n = len(points.d_lat)
    counts = np.clip(counts, 1, m)
    depth = int(min(m, counts.max() + 1))
    idx, km = nearest_sites(points.d_lat, points.d_lon, points.s_lat, points.s_lon, depth)
    counts = np.minimum(counts, depth)
    nearest_existing = np.full(n, math.inf)
    existing = np.flatnonzero(points.existing)
    if existing_ends and len(existing):
        nearest_existing = _distances_to(points, existing)
        counts = np.minimum(counts, (km < nearest_existing[:, None]).sum(axis=1))
    keep = np.arange(depth)[None, :] < counts[:, None]
    beyond = np.full(n, math.inf)
    more = counts < depth
    beyond[more] = km[np.flatnonzero(more), counts[more]]
    fallback = np.minimum(beyond, nearest_existing)
    relaxed = beyond < nearest_existing
    start = np.concatenate([[0], np.cumsum(counts)])
    return Lists(start=start, site=idx[keep], km=km[keep], fallback=fallback, relaxed=relaxed)


def lists_reaching(points: Points, distance: Floats, *, minimum: int, slack: float = 1.5) -> Ints:
    """How many sites each point should list: those within ``slack`` × ``distance`` (its distance to
    its site in a good plan), at least ``minimum``."""
    m = len(points.s_lat)
    depth = int(min(m, 4 * minimum))
    _, km = nearest_sites(points.d_lat, points.d_lon, points.s_lat, points.s_lon, depth)
    counts = (km <= (distance * slack)[:, None] + 1e-9).sum(axis=1)
    counts = np.maximum(counts, minimum)
    # A point whose reach runs past the depth looked at gets twice the depth.
    return np.where(counts >= depth, 2 * depth, counts).astype(np.int64)


def median_programme(points: Points, lists: Lists, p: int, capacity: Floats | None) -> Programme:
    """p-median over the listed pairs.

    Columns: x_j per site (existing fixed to 1), y per listed pair, f_i per point whose list is partial
    (its fallback). Rows: Σ y_i· + f_i = 1 per point; y_ij ≤ x_j per pair (the strong form, whose
    relaxation is nearly integral); Σ x_j = p; with capacities Σ_i w_i y_ij ≤ c_j x_j per site and y
    integral (single assignment).
    """
    n = len(points.d_lat)
    m = len(points.s_lat)
    counts = np.diff(lists.start)
    n_pairs = len(lists.site)
    with_fallback = np.flatnonzero(np.isfinite(lists.fallback))
    n_fall = len(with_fallback)
    n_cols = m + n_pairs + n_fall
    pair = np.arange(n_pairs)
    point_of_pair = np.repeat(np.arange(n), counts)
    site_of_pair = lists.site

    # Assignment rows (n): Σ y + f = 1.
    a_rows = [point_of_pair, with_fallback]
    a_cols = [m + pair, m + n_pairs + np.arange(n_fall)]
    a_vals = [np.ones(n_pairs), np.ones(n_fall)]
    # Linking rows (n_pairs): y_ij − x_j ≤ 0.
    link = n + pair
    a_rows += [link, link]
    a_cols += [m + pair, site_of_pair]
    a_vals += [np.ones(n_pairs), -np.ones(n_pairs)]
    # The count of open sites.
    count = n + n_pairs
    a_rows.append(np.full(m, count))
    a_cols.append(np.arange(m))
    a_vals.append(np.ones(m))
    n_rows = count + 1
    row_lower = np.concatenate([np.ones(n), np.full(n_pairs, -math.inf), [float(p)]])
    row_upper = np.concatenate([np.ones(n), np.zeros(n_pairs), [float(p)]])
    if capacity is not None:
        a_rows += [n_rows + site_of_pair, n_rows + np.arange(m)]
        a_cols += [m + pair, np.arange(m)]
        a_vals += [points.weight[point_of_pair], -capacity]
        row_lower = np.concatenate([row_lower, np.full(m, -math.inf)])
        row_upper = np.concatenate([row_upper, np.zeros(m)])
        n_rows += m
    matrix = sparse.csc_matrix(
        (np.concatenate(a_vals), (np.concatenate(a_rows), np.concatenate(a_cols))), shape=(n_rows, n_cols)
    )
    cost = np.concatenate(
        [
            np.zeros(m),
            points.weight[point_of_pair] * lists.km,
            points.weight[with_fallback] * lists.fallback[with_fallback],
        ]
    )
    lower = np.zeros(n_cols)
    lower[:m] = points.existing.astype(np.float64)
    integer = np.zeros(n_cols, dtype=bool)
    integer[:m] = True
    if capacity is not None:
        integer[m : m + n_pairs] = True
    return Programme(
        cost=cost,
        lower=lower,
        upper=np.ones(n_cols),
        matrix=matrix,
        row_lower=row_lower,
        row_upper=row_upper,
        integer=integer,
        maximise=False,
    )


def median_start(points: Points, lists: Lists, open_sites: Ints) -> Floats:
    """The programme's variables for a set of open sites (uncapacitated): each point to its nearest
    open listed site, or its fallback."""
    n = len(points.d_lat)
    m = len(points.s_lat)
    is_open = np.zeros(m, dtype=bool)
    is_open[open_sites] = True
    listed_open = is_open[lists.site]
    point_of_pair = np.repeat(np.arange(n), np.diff(lists.start))
    # The first open pair of each point: pairs are nearest first within a point.
    candidates = np.flatnonzero(listed_open)
    first_pairs = candidates[np.unique(point_of_pair[candidates], return_index=True)[1]]
    y = np.zeros(len(lists.site))
    y[first_pairs] = 1.0
    assigned = np.zeros(n, dtype=bool)
    assigned[point_of_pair[first_pairs]] = True
    with_fallback = np.flatnonzero(np.isfinite(lists.fallback))
    return np.concatenate([is_open.astype(np.float64), y, (~assigned[with_fallback]).astype(np.float64)])


def fallback_points(points: Points, lists: Lists, x: Floats) -> Ints:
    """The demand points a solution sends to a relaxed fallback (beyond their list)."""
    m = len(points.s_lat)
    with_fallback = np.flatnonzero(np.isfinite(lists.fallback))
    sent = with_fallback[x[m + len(lists.site) :] > 0.5]
    return sent[lists.relaxed[sent]]


def median_lagrangian(
    points: Points, lists: Lists, p: int, *, upper: float, seconds: float, iterations: int = 6000
) -> tuple[float, Ints | None]:
    """A lower bound by Lagrangian relaxation of the assignment rows, and the best plan met on the way.

    With a multiplier λ_i per point, the relaxed problem splits: a point takes every listed pair and
    its fallback that cost less than λ_i, and the ``p − existing`` candidates whose pairs save the
    most are opened. Its value, Σ λ_i + Σ_i min(0, fallback_i − λ_i) + the sum of the opened
    candidates' Σ min(0, w_i d_ij − λ_i), is a lower bound for the listed programme, so for the full
    problem (the fallbacks make it a relaxation). The multipliers follow subgradient steps towards
    ``upper`` (Polyak's rule); every 25 steps the opened candidates are valued as a plan.
    """
    started = time.perf_counter()
    n = len(points.d_lat)
    m = len(points.s_lat)
    existing = np.flatnonzero(points.existing)
    to_open = p - len(existing)
    point_of_pair = np.repeat(np.arange(n), np.diff(lists.start))
    pair_cost = points.weight[point_of_pair] * lists.km
    fall_cost = np.where(np.isfinite(lists.fallback), points.weight * lists.fallback, np.inf)
    lam = np.where(np.isfinite(fall_cost), fall_cost, 0.0)
    if len(pair_cost):
        lam = np.maximum(lam, np.bincount(point_of_pair, weights=pair_cost, minlength=n) / 1e9)
    best_bound, best_plan, best_cost = -math.inf, None, upper
    theta = 2.0
    stale = 0
    for step in range(iterations):
        if time.perf_counter() - started > seconds:
            break
        reduced = np.minimum(pair_cost - lam[point_of_pair], 0.0)
        rho = np.bincount(lists.site, weights=reduced, minlength=m)
        rho[existing] = np.inf
        opened = np.argpartition(rho, to_open - 1)[:to_open] if to_open > 0 else np.empty(0, dtype=np.int64)
        fall_term = np.minimum(fall_cost - lam, 0.0)
        value = float(lam.sum() + fall_term.sum() + rho[opened].sum())
        if value > best_bound + 1e-9 * abs(value):
            best_bound, stale = value, 0
        else:
            stale += 1
            if stale >= 40:
                theta, stale = theta / 2, 0
        # Subgradient: 1 − what each point takes in the relaxed solution.
        is_open = np.zeros(m, dtype=bool)
        is_open[opened] = True
        taken = np.bincount(point_of_pair, weights=(reduced < 0) & is_open[lists.site], minlength=n)
        g = 1.0 - taken - (fall_term < 0)
        if step % 25 == 0 and to_open > 0:
            plan = np.concatenate([existing, opened])
            cost = median_cost(points, plan)
            if cost < best_cost:
                best_cost, best_plan = cost, np.sort(opened)
        norm = float(g @ g)
        if norm == 0 or best_cost - best_bound <= 1e-6 * best_cost or theta < 1e-6:
            break
        lam = lam + theta * (best_cost - value) / norm * g
    return best_bound, best_plan
