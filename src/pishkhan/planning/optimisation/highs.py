"""One mixed-integer programme, solved with HiGHS (``highspy``) from sparse arrays, warm-started.

The model is passed whole (column-wise matrix, bounds, integrality) rather than built variable by
variable: at 5,000 × 2,000 building it costs milliseconds, where a modelling layer spends minutes.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

# HiGHS stops at a relative gap of 1e-4 by default and calls that optimal; the planners' answers are
# compared with other solvers' to the unit, so it is asked to prove optimality to within 1e-6.
MIP_REL_GAP = 1e-6


@dataclass(frozen=True, slots=True)
class Programme:
    """``max`` or ``min`` ``cost · x`` subject to ``row_lower ≤ A x ≤ row_upper``, bounds, and
    integrality where ``integer`` is true."""

    cost: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    matrix: sparse.csc_matrix
    row_lower: NDArray[np.float64]
    row_upper: NDArray[np.float64]
    integer: NDArray[np.bool_]
    maximise: bool


@dataclass(frozen=True, slots=True)
class Solved:
    """What HiGHS found: ``stopped`` is ``optimal`` or ``time_limit`` (any other stop counts as the
    latter when a solution exists); ``bound`` is the MIP dual bound (±inf when none was proven)."""

    stopped: str
    x: NDArray[np.float64] | None
    objective: float
    bound: float


def programme_solve(prog: Programme, *, start: NDArray[np.float64] | None, time_limit: float) -> Solved:
    """Solve a programme within ``time_limit`` seconds, starting from a feasible ``start``.

    A solution is believed only when its own objective is the one HiGHS reports: HiGHS 1.16 can value
    a MIP start wrongly in its presolved space (its log says "feasible in the reduced space" with
    another objective), declare that value optimal and hand back the start unchanged. When the two
    disagree the programme is solved again, without the start, in the time that is left.
    """
    started = time.perf_counter()
    solved = _run(prog, start=start, time_limit=time_limit)
    if solved.x is not None and start is not None:
        own = float(prog.cost @ solved.x)
        if abs(own - solved.objective) > 1e-6 * max(1.0, abs(own)):
            return _run(prog, start=None, time_limit=time_limit - (time.perf_counter() - started))
    return solved


def _run(prog: Programme, *, start: NDArray[np.float64] | None, time_limit: float) -> Solved:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
    h.setOptionValue("mip_abs_gap", 1e-9)

    inf = highspy.kHighsInf
    a = prog.matrix.tocsc()
    a.sort_indices()
    lp = highspy.HighsLp()
    lp.num_col_ = a.shape[1]
    lp.num_row_ = a.shape[0]
    lp.col_cost_ = prog.cost.astype(np.float64)
    lp.col_lower_ = prog.lower.astype(np.float64)
    lp.col_upper_ = prog.upper.astype(np.float64)
    lp.row_lower_ = np.where(np.isfinite(prog.row_lower), prog.row_lower, -inf).astype(np.float64)
    lp.row_upper_ = np.where(np.isfinite(prog.row_upper), prog.row_upper, inf).astype(np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize if prog.maximise else highspy.ObjSense.kMinimize
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous for flag in prog.integer
    ]
    h.passModel(lp)
    if start is not None:
        index = np.arange(len(start), dtype=np.int32)
        h.setSolution(len(start), index, start.astype(np.float64))
    h.run()

    status = h.getModelStatus()
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.asarray(h.getSolution().col_value, dtype=np.float64) if has_solution else None
    bound = float(info.mip_dual_bound)
    if not math.isfinite(bound):
        bound = math.inf if prog.maximise else -math.inf
    stopped = "optimal" if status == highspy.HighsModelStatus.kOptimal else "time_limit"
    objective = float(info.objective_function_value) if has_solution else math.nan
    return Solved(stopped=stopped, x=x, objective=objective, bound=bound)
