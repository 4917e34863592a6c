"""The coverage models: MCLP (open ``p`` new sites to cover the most demand) and LSCP (the fewest new
sites that cover every demand point), each with a lazy greedy and an exact programme.

Both work on the sparse demand × candidate coverage matrix, reduced before anything is solved:
demand already covered by an existing site drops out (it is covered whatever is chosen), demand no
candidate covers drops out of MCLP (nothing can change it), candidates that cover nothing drop out,
and demand points with the same set of covering candidates become one row with their weights added
(LSCP keeps one row per distinct set). At national size this shrinks the programme several-fold.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from pishkhan.planning.optimisation.highs import Programme

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Reduced:
    """The part of a coverage problem that choosing sites can change.

    ``matrix``: rows are groups of demand points with one coverage set, columns ``candidates`` (indices
    into the instance's sites); ``weight`` per row; ``base``: the weight covered by existing sites.
    """

    matrix: sparse.csr_matrix
    weight: Floats
    candidates: Ints
    base: float


def _group_rows(matrix: sparse.csr_matrix, weight: Floats) -> tuple[sparse.csr_matrix, Floats]:
    """Rows with the same columns merged into one, their weights added."""
    matrix.sort_indices()
    indptr, indices = matrix.indptr, matrix.indices.astype(np.int32)
    groups: dict[bytes, int] = {}
    label = np.empty(matrix.shape[0], dtype=np.int64)
    for row in range(matrix.shape[0]):
        key = indices[indptr[row] : indptr[row + 1]].tobytes()
        label[row] = groups.setdefault(key, len(groups))
    first = np.full(len(groups), -1, dtype=np.int64)
    first[label[::-1]] = np.arange(matrix.shape[0])[::-1]
    return matrix[first], np.bincount(label, weights=weight, minlength=len(groups))


def coverage_reduce(
    cover: sparse.csr_matrix, weight: Floats, existing: NDArray[np.bool_], *, keep_uncoverable: bool
) -> tuple[Reduced, Ints]:
    """Reduce a demand × site coverage matrix to what the choice of new sites can change.

    Returns the reduced problem and the demand points that no site covers at all (LSCP's fault).
    """
    cover = cover.tocsc()
    by_existing = np.asarray(cover[:, np.flatnonzero(existing)].sum(axis=1)).ravel() > 0
    base = float(weight[by_existing].sum())
    candidates = np.flatnonzero(~existing)
    rest = np.flatnonzero(~by_existing)
    sub = cover[rest][:, candidates].tocsr()
    counts = np.diff(sub.indptr)
    uncoverable = rest[counts == 0]
    if not keep_uncoverable:
        sub, rest = sub[counts > 0], rest[counts > 0]
    sub.data[:] = True
    used = np.flatnonzero(np.asarray(sub.sum(axis=0)).ravel() > 0)
    sub = sub[:, used].tocsr()
    grouped, grouped_weight = _group_rows(sub, weight[rest])
    return Reduced(matrix=grouped, weight=grouped_weight, candidates=candidates[used], base=base), uncoverable


@dataclass(frozen=True, slots=True)
class Greedy:
    """A heuristic answer: chosen columns of the reduced matrix, its objective and a proven bound."""

    chosen: Ints
    objective: float
    bound: float


def mclp_greedy(red: Reduced, p: int) -> Greedy:
    """Lazy greedy for MCLP: open, ``p`` times, the candidate that covers the most uncovered weight.

    A candidate's gain can only fall as others open (coverage is submodular), so a gain computed
    earlier is an upper bound on its gain now: the heap is re-evaluated only at its top (Minoux's lazy
    greedy). The same property gives the bound: for any set S of open sites, the optimum is at most
    f(S) plus the ``p`` largest gains with respect to S; the smallest such figure over the run is
    returned.
    """
    a = red.matrix
    n_cols = a.shape[1]
    total = red.base + float(red.weight.sum())
    if p == 0 or n_cols == 0:
        return Greedy(chosen=np.empty(0, dtype=np.int64), objective=red.base, bound=red.base)
    csc = a.tocsc()
    weight = red.weight
    covered = np.zeros(a.shape[0], dtype=bool)
    gains = np.asarray(weight @ csc, dtype=np.float64).ravel()  # upper bounds, refreshed lazily
    heap = [(-g, j) for j, g in enumerate(gains)]
    heapq.heapify(heap)
    value = 0.0
    chosen: list[int] = []

    def top_sum() -> float:
        k = min(p, n_cols)
        return float(np.partition(gains, n_cols - k)[n_cols - k :].sum()) if k else 0.0

    bound = min(total, red.base + top_sum())
    while heap and len(chosen) < p:
        _, j = heapq.heappop(heap)
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        gain = float(weight[rows[~covered[rows]]].sum())
        gains[j] = gain
        if heap and gain < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-gain, j))
            continue
        if gain <= 0:
            break
        chosen.append(j)
        covered[rows] = True
        value += gain
        gains[j] = 0.0
        bound = min(bound, red.base + value + top_sum())
    # An exact refresh at the end: the gains of every candidate against the final set.
    exact = np.asarray((weight * ~covered) @ csc, dtype=np.float64).ravel()
    exact[chosen] = 0.0
    k = min(p, n_cols)
    bound = min(bound, red.base + value + float(np.partition(exact, n_cols - k)[n_cols - k :].sum()))
    objective = red.base + value
    return Greedy(chosen=np.asarray(chosen, dtype=np.int64), objective=objective, bound=max(bound, objective))


def mclp_programme(red: Reduced, p: int) -> Programme:
    """MCLP: maximise Σ w_g y_g with y_g ≤ Σ_{j covers g} x_j, Σ x_j ≤ p, x binary, 0 ≤ y ≤ 1.

    y may be continuous: with x integral, the optimum sets y_g = min(1, Σ x_j), which is integral.
    Columns: the candidates, then one y per row group.
    """
    n_rows, n_cols = red.matrix.shape
    link = sparse.hstack(
        [-red.matrix.astype(np.float64), sparse.identity(n_rows, format="csr")], format="csc"
    )
    budget = sparse.hstack(
        [sparse.csr_matrix(np.ones((1, n_cols))), sparse.csr_matrix((1, n_rows))], format="csc"
    )
    matrix = sparse.vstack([link, budget], format="csc")
    return Programme(
        cost=np.concatenate([np.zeros(n_cols), red.weight]),
        lower=np.zeros(n_cols + n_rows),
        upper=np.ones(n_cols + n_rows),
        matrix=matrix,
        row_lower=np.full(n_rows + 1, -math.inf),
        row_upper=np.concatenate([np.zeros(n_rows), [float(p)]]),
        integer=np.concatenate([np.ones(n_cols, dtype=bool), np.zeros(n_rows, dtype=bool)]),
        maximise=True,
    )


def mclp_start(red: Reduced, chosen: Ints) -> Floats:
    """The programme's variables for a set of chosen columns."""
    x = np.zeros(red.matrix.shape[1])
    x[chosen] = 1.0
    y = (red.matrix.astype(np.float64) @ x > 0).astype(np.float64)
    return np.concatenate([x, y])


def mclp_value(red: Reduced, chosen: Ints) -> float:
    """The weight covered by the existing sites and a set of chosen columns."""
    start = mclp_start(red, chosen)
    return red.base + float(red.weight @ start[red.matrix.shape[1] :])


def lscp_greedy(red: Reduced) -> Greedy:
    """Greedy set cover: open the candidate covering the most uncovered rows until none is left, then
    close any chosen site whose rows the others cover.

    The bound: demand rows that share no candidate each need a site of their own, so a packing of such
    rows (smallest sets first) counts a lower bound; so does ⌈rows / largest column⌉.
    """
    a = red.matrix
    n_rows = a.shape[0]
    if n_rows == 0:
        return Greedy(chosen=np.empty(0, dtype=np.int64), objective=0.0, bound=0.0)
    csc = a.tocsc()
    sizes = np.diff(csc.indptr).astype(np.float64)
    covered = np.zeros(n_rows, dtype=bool)
    heap = [(-s, j) for j, s in enumerate(sizes)]
    heapq.heapify(heap)
    chosen: list[int] = []
    left = n_rows
    while left and heap:
        _, j = heapq.heappop(heap)
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        gain = int((~covered[rows]).sum())
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, j))
            continue
        chosen.append(j)
        covered[rows] = True
        left -= gain
    # Redundant sites, last opened first.
    times = np.zeros(n_rows, dtype=np.int64)
    for j in chosen:
        times[csc.indices[csc.indptr[j] : csc.indptr[j + 1]]] += 1
    kept = []
    for j in reversed(chosen):
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        if (times[rows] > 1).all():
            times[rows] -= 1
        else:
            kept.append(j)
    used = np.zeros(a.shape[1], dtype=bool)
    packed = 0
    csr = a.tocsr()
    for row in np.argsort(np.diff(csr.indptr), kind="stable"):
        cols = csr.indices[csr.indptr[row] : csr.indptr[row + 1]]
        if not used[cols].any():
            used[cols] = True
            packed += 1
    bound = max(packed, math.ceil(n_rows / max(sizes.max(), 1.0)))
    chosen_kept = np.asarray(sorted(kept), dtype=np.int64)
    return Greedy(chosen=chosen_kept, objective=float(len(kept)), bound=float(bound))


def lscp_programme(red: Reduced) -> Programme:
    """LSCP: minimise Σ x_j with Σ_{j covers g} x_j ≥ 1 for every row group, x binary."""
    n_rows, n_cols = red.matrix.shape
    return Programme(
        cost=np.ones(n_cols),
        lower=np.zeros(n_cols),
        upper=np.ones(n_cols),
        matrix=red.matrix.astype(np.float64).tocsc(),
        row_lower=np.ones(n_rows),
        row_upper=np.full(n_rows, math.inf),
        integer=np.ones(n_cols, dtype=bool),
        maximise=False,
    )
