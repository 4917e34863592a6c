"""The p-median: open sites (``p`` in total, the existing ones among them) so that the total weighted
distance from every demand point to its nearest open site is least; optionally with capacities.

**Assignment restricted to the k nearest sites, with a proven bound all the same.** A full model has
one assignment variable per demand × site pair (10 million at 5,000 × 2,000). Here a demand point may
be assigned to one of its ``k`` nearest sites, or to a *fallback* that costs its distance to the
(k+1)-th nearest site, the least that any site beyond its list could cost. The fallback makes the
programme a relaxation of the full one, so its dual bound is a true lower bound; the answer's
objective is always the real cost of the chosen sites (every point to its nearest open site). When no
point takes its fallback the two agree and the answer is optimal for the full problem; when some do,
``k`` is doubled and the programme solved again while time remains. When ``k`` covers every site the
model is the full one. The capacitated model is always solved over every pair (single assignment, as
spopt's), so it is meant for instances of a few hundred thousand pairs.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.spatial import cKDTree

from pishkhan.planning.optimisation.geometry import haversine_km, nearest_sites, unit_vectors
from pishkhan.planning.optimisation.highs import Programme

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

DEFAULT_K = 24


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


def median_cost(points: Points, open_sites: Ints) -> float:
    """The real cost of a set of open sites: every demand point to its nearest open site."""
    if len(open_sites) == 0:
        return math.inf
    tree = cKDTree(unit_vectors(points.s_lat[open_sites], points.s_lon[open_sites]))
    _, j = tree.query(unit_vectors(points.d_lat, points.d_lon), k=min(2, len(open_sites)))
    j = np.asarray(j).reshape(len(points.d_lat), -1)
    # Two nearest by chord, measured by haversine: rounding may order a near-tie either way.
    sites = open_sites[j]
    km = haversine_km(points.d_lat[:, None], points.d_lon[:, None], points.s_lat[sites], points.s_lon[sites])
    return float(points.weight @ km.min(axis=1))


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


def median_programme(points: Points, near: Nearest, p: int, capacity: Floats | None) -> Programme:
    """p-median over the k-nearest pairs.

    Columns: x_j per site (existing fixed to 1), y_ik per listed pair, f_i per point (the fallback,
    only when the lists are partial). Rows: Σ_k y_ik + f_i = 1 per point; y_ik ≤ x_j per pair (the
    strong form, whose relaxation is nearly integral); Σ x_j = p; with capacities Σ_i w_i y_ij ≤ c_j x_j
    per site and y integral (single assignment).
    """
    n, k = near.idx.shape
    m = len(points.s_lat)
    n_pairs = n * k
    has_fallback = near.fallback is not None
    n_fall = n if has_fallback else 0
    n_cols = m + n_pairs + n_fall
    pair = np.arange(n_pairs)
    point_of_pair = np.repeat(np.arange(n), k)
    site_of_pair = near.idx.ravel()

    # Assignment rows (n): Σ y + f = 1.
    a_rows = [point_of_pair]
    a_cols = [m + pair]
    a_vals = [np.ones(n_pairs)]
    if has_fallback:
        a_rows.append(np.arange(n))
        a_cols.append(m + n_pairs + np.arange(n))
        a_vals.append(np.ones(n))
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
            (points.weight[:, None] * near.km).ravel(),
            points.weight * near.fallback if has_fallback else np.zeros(0),
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


def median_start(points: Points, near: Nearest, open_sites: Ints) -> Floats:
    """The programme's variables for a set of open sites (uncapacitated): each point to its nearest
    open listed site, or its fallback."""
    n, k = near.idx.shape
    m = len(points.s_lat)
    is_open = np.zeros(m, dtype=bool)
    is_open[open_sites] = True
    listed_open = is_open[near.idx]
    first = np.where(listed_open.any(axis=1), listed_open.argmax(axis=1), -1)
    y = np.zeros((n, k))
    assigned = first >= 0
    y[np.flatnonzero(assigned), first[assigned]] = 1.0
    parts = [is_open.astype(np.float64), y.ravel()]
    if near.fallback is not None:
        parts.append((~assigned).astype(np.float64))
    return np.concatenate(parts)


def fallback_used(near: Nearest, x: Floats) -> int:
    """How many demand points a solution sends to their fallback."""
    if near.fallback is None:
        return 0
    n, k = near.idx.shape
    m = len(x) - n * k - n
    return int((x[m + n * k :] > 0.5).sum())
