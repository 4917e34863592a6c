"""Great-circle distances and the sparse matrices the models are built from, through a spatial index.

Points become unit vectors in 3-D; a KD-tree over them (scipy's ``cKDTree``) finds every pair within
a chord length, which is a monotone function of the great-circle distance. The pairs it returns are
then measured with the haversine formula, so that "within ``radius_km``" means exactly what the
contract says (inclusive) and the matrices agree with a dense haversine cost matrix to the bit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088
# The chord of the KD-tree's query is widened by this much, so that no pair at the radius is lost to
# rounding; the haversine check that follows decides.
_CHORD_SLACK = 1e-9

Floats = NDArray[np.float64]


def haversine_km(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    """Great-circle distance in km between points given in degrees (arrays broadcast)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def unit_vectors(lat: Floats, lon: Floats) -> Floats:
    """Points on the unit sphere, one row each."""
    p, lam = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(p) * np.cos(lam), np.cos(p) * np.sin(lam), np.sin(p)))


def chord_of(km: float) -> float:
    """The straight-line distance through the unit sphere of a great-circle distance."""
    return 2.0 * np.sin(min(km, np.pi * EARTH_RADIUS_KM) / (2.0 * EARTH_RADIUS_KM))


def cost_matrix(d_lat: Floats, d_lon: Floats, s_lat: Floats, s_lon: Floats) -> Floats:
    """The dense demand × site matrix of great-circle km (for checks and for small instances)."""
    return haversine_km(d_lat[:, None], d_lon[:, None], s_lat[None, :], s_lon[None, :])


def coverage_matrix(
    d_lat: Floats, d_lon: Floats, s_lat: Floats, s_lon: Floats, radius_km: float
) -> sparse.csr_matrix:
    """The boolean demand × site matrix of pairs within ``radius_km`` (inclusive), sparse (CSR)."""
    n, m = len(d_lat), len(s_lat)
    if n == 0 or m == 0:
        return sparse.csr_matrix((n, m), dtype=bool)
    demand_tree = cKDTree(unit_vectors(d_lat, d_lon))
    site_tree = cKDTree(unit_vectors(s_lat, s_lon))
    pairs = demand_tree.sparse_distance_matrix(
        site_tree, chord_of(radius_km) + _CHORD_SLACK, output_type="ndarray"
    )
    rows = pairs["i"].astype(np.int64)
    cols = pairs["j"].astype(np.int64)
    # A pair at distance 0 is missing from a sparse distance matrix's values but present here: the
    # ndarray output lists every pair found, zero distances included.
    km = haversine_km(d_lat[rows], d_lon[rows], s_lat[cols], s_lon[cols])
    keep = km <= radius_km
    rows, cols = rows[keep], cols[keep]
    data = np.ones(len(rows), dtype=bool)
    return sparse.csr_matrix((data, (rows, cols)), shape=(n, m))


def nearest_sites(
    d_lat: Floats, d_lon: Floats, s_lat: Floats, s_lon: Floats, k: int
) -> tuple[NDArray[np.int64], Floats]:
    """For each demand point its ``k`` nearest sites (indices, and great-circle km), nearest first."""
    k = max(1, min(k, len(s_lat)))
    tree = cKDTree(unit_vectors(s_lat, s_lon))
    _, idx = tree.query(unit_vectors(d_lat, d_lon), k=k)
    idx = np.asarray(idx, dtype=np.int64).reshape(len(d_lat), k)
    km = haversine_km(d_lat[:, None], d_lon[:, None], s_lat[idx], s_lon[idx])
    # The tree orders by chord; re-sort by km so that ties broken by rounding stay consistent.
    order = np.argsort(km, axis=1, kind="stable")
    return np.take_along_axis(idx, order, axis=1), np.take_along_axis(km, order, axis=1)
