"""A small builder for one mixed-integer program, solved by HiGHS through ``scipy.optimize.milp``.

Variables come in blocks (numpy index arrays); constraints come as COO triplets with
block-local row numbers. Everything ends up in ONE sparse CSR matrix, built with numpy
index arithmetic, so building a 100-EV depot costs no Python loop over steps x devices.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix, vstack

CONTINUOUS = 0
BINARY = 1  # an integer with bounds [0, 1]
INTEGER = 1  # scipy's integrality code for integers; the bounds make a binary of it
SEMI_CONTINUOUS = 2

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class LpResult:
    """What came back: ``x`` is None when the solver found no feasible point."""

    x: FloatArray | None
    objective: float
    mip_gap: float | None
    status: str  # "optimal", "time_limit", "infeasible", "error", "watchdog"
    seconds: float
    message: str


class LinearProgram:
    """One sparse MILP built from numpy blocks: variables a block at a time, constraints as COO triplets,
    assembled into one CSR matrix and solved by HiGHS (``scipy.optimize.milp``)."""

    def __init__(self) -> None:
        self._lb: list[FloatArray] = []
        self._ub: list[FloatArray] = []
        self._cost: list[FloatArray] = []
        self._kind: list[NDArray[np.int8]] = []
        self.num_vars = 0
        self._rows: list[IntArray] = []
        self._cols: list[IntArray] = []
        self._vals: list[FloatArray] = []
        self._row_lb: list[FloatArray] = []
        self._row_ub: list[FloatArray] = []
        self.num_rows = 0
        self.objective_offset = 0.0
        self._extra_cost: list[tuple[IntArray, FloatArray]] = []

    def add_vars(
        self,
        count: int,
        lb: ArrayLike = 0.0,
        ub: ArrayLike = np.inf,
        cost: ArrayLike = 0.0,
        kind: int = CONTINUOUS,
    ) -> IntArray:
        idx = np.arange(self.num_vars, self.num_vars + count, dtype=np.int64)
        self._lb.append(np.broadcast_to(np.asarray(lb, dtype=float), (count,)).copy())
        self._ub.append(np.broadcast_to(np.asarray(ub, dtype=float), (count,)).copy())
        self._cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (count,)).copy())
        self._kind.append(np.full(count, kind, dtype=np.int8))
        self.num_vars += count
        return idx

    def add_cost(self, cols: IntArray, values: ArrayLike) -> None:
        """Add to the objective coefficients of existing variables."""
        cols_a = np.asarray(cols, dtype=np.int64)
        self._extra_cost.append((cols_a, np.broadcast_to(np.asarray(values, dtype=float), cols_a.shape)))

    def add_rows(
        self,
        count: int,
        rows: ArrayLike,
        cols: ArrayLike,
        vals: ArrayLike,
        *,
        lb: ArrayLike = -np.inf,
        ub: ArrayLike = np.inf,
    ) -> IntArray:
        """Add ``count`` rows ``lb <= A x <= ub``; ``rows`` are 0..count-1 within this block."""
        rows_a = np.asarray(rows, dtype=np.int64)
        cols_a = np.asarray(cols, dtype=np.int64)
        vals_a = np.broadcast_to(np.asarray(vals, dtype=float), rows_a.shape)
        self._rows.append(rows_a + self.num_rows)
        self._cols.append(cols_a)
        self._vals.append(np.asarray(vals_a, dtype=float))
        self._row_lb.append(np.broadcast_to(np.asarray(lb, dtype=float), (count,)).copy())
        self._row_ub.append(np.broadcast_to(np.asarray(ub, dtype=float), (count,)).copy())
        first = self.num_rows
        self.num_rows += count
        return np.arange(first, self.num_rows, dtype=np.int64)

    def cost_vector(self) -> FloatArray:
        cost = np.concatenate(self._cost) if self._cost else np.zeros(0)
        for cols, values in self._extra_cost:
            np.add.at(cost, cols, values)
        return cost

    def bounds(self) -> tuple[FloatArray, FloatArray]:
        return np.concatenate(self._lb), np.concatenate(self._ub)

    def matrix(self) -> csr_matrix:
        if not self._rows:
            return csr_matrix((0, self.num_vars))
        return csr_matrix(
            (np.concatenate(self._vals), (np.concatenate(self._rows), np.concatenate(self._cols))),
            shape=(self.num_rows, self.num_vars),
        )

    def solve(
        self,
        time_limit: float,
        mip_rel_gap: float = 1e-3,
        *,
        grace_s: float = 2.0,
        watchdog_s: float | None = None,
        highs_options: Mapping[str, float] | None = None,
    ) -> LpResult:
        """Solve under a time limit, with a watchdog in case HiGHS overruns it: after ``watchdog_s``
        (default: half the time limit again plus ``grace_s``) the solver is abandoned, still running in
        its daemon thread, and there is no solution. ``highs_options`` go to HiGHS as well (``mip_abs_gap``:
        a gap in the objective's own units, for objectives whose size says nothing of their cost)."""
        cost = self.cost_vector()
        lb, ub = self.bounds()
        integrality = np.concatenate(self._kind)
        constraints = []
        if self.num_rows:
            constraints.append(
                LinearConstraint(self.matrix(), np.concatenate(self._row_lb), np.concatenate(self._row_ub))
            )
        options: dict[str, Any] = {
            "time_limit": max(time_limit, 0.05),
            "mip_rel_gap": mip_rel_gap,
            "disp": False,
        }
        options.update(highs_options or {})
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["res"] = milp(
                    cost,
                    integrality=integrality,
                    bounds=Bounds(lb, ub),
                    constraints=constraints,
                    options=options,
                )
            except Exception as err:  # any solver failure becomes a fallback
                box["error"] = err

        started = time.perf_counter()
        worker = threading.Thread(target=work, name="headroom-milp", daemon=True)
        worker.start()
        # HiGHS does not always honour its time limit: give it slack, then abandon it.
        worker.join(time_limit * 1.5 + grace_s if watchdog_s is None else watchdog_s)
        seconds = time.perf_counter() - started
        if worker.is_alive():
            return LpResult(None, float("nan"), None, "watchdog", seconds, "solver overran its time limit")
        if "error" in box:
            return LpResult(None, float("nan"), None, "error", seconds, str(box["error"]))
        res = box["res"]
        x = getattr(res, "x", None)
        status = {0: "optimal", 1: "time_limit", 2: "infeasible", 3: "infeasible"}.get(res.status, "error")
        gap = getattr(res, "mip_gap", None)
        if x is None:
            return LpResult(None, float("nan"), None, status, seconds, str(res.message))
        return LpResult(
            np.asarray(x, dtype=float),
            float(res.fun) + self.objective_offset,
            None if gap is None else float(gap),
            status,
            seconds,
            str(res.message),
        )

    def row_prices(self, x: FloatArray) -> FloatArray | None:
        """Each row's price at the solution ``x``: how much the objective drops per unit a row's bound
        moves (``λ_r``, so forcing a column up by δ costs ``-Σ_r A[r, c] λ_r δ``), from the linear
        program with every integer fixed at its value in ``x`` (a semi-continuous one on or off as
        in ``x``), solved by HiGHS (``linprog``: ``milp`` gives no duals). None when that program
        does not solve."""
        if not self.num_rows:
            return np.zeros(0)
        lb, ub = self.bounds()
        kind = np.concatenate(self._kind)
        integer = kind == INTEGER
        lb, ub = lb.copy(), ub.copy()
        lb[integer] = ub[integer] = np.round(x[integer])
        off = (kind == SEMI_CONTINUOUS) & (np.abs(x) <= 1e-9)
        lb[off] = ub[off] = 0.0
        matrix = self.matrix()
        row_lb, row_ub = np.concatenate(self._row_lb), np.concatenate(self._row_ub)
        equal = np.isfinite(row_lb) & (row_lb == row_ub)
        upper = np.isfinite(row_ub) & ~equal
        lower = np.isfinite(row_lb) & ~equal
        a_ub = vstack([matrix[upper], -matrix[lower]]).tocsr()
        try:
            res = linprog(
                self.cost_vector(),
                A_ub=a_ub if a_ub.shape[0] else None,
                b_ub=np.r_[row_ub[upper], -row_lb[lower]] if a_ub.shape[0] else None,
                A_eq=matrix[equal] if equal.any() else None,
                b_eq=row_ub[equal] if equal.any() else None,
                bounds=np.c_[lb, ub],
                method="highs",
            )
        except ValueError:
            return None
        if res.status != 0:
            return None
        prices = np.zeros(self.num_rows)
        if equal.any():
            prices[equal] = res.eqlin.marginals
        ineq = np.asarray(res.ineqlin.marginals) if a_ub.shape[0] else np.zeros(0)
        count = int(upper.sum())
        # A row bounded on both sides is in both blocks; at most one of its sides binds.
        prices[upper] += ineq[:count]
        prices[lower] -= ineq[count:]
        return prices
