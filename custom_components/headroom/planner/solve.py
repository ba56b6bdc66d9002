"""Plan a problem: the MILP within the limit, then a bounded breach, then the greedy fallback.

After seed 002's normal -> breach -> catch-all modes. Whatever comes back is checked
against the import limit; a plan that exceeds it is only ever returned as ``breach``.
"""

from __future__ import annotations

import time

from .baseline import Flows, baseline
from .explain import explain
from .fallback import greedy
from .formulation import extract, formulate
from .lp import LpResult
from .model import Plan, PlanStatus, Problem

DEFAULT_TIME_LIMIT_S = 10.0
# 0.1 %: on a home the last tenths of a per cent cost cents and, on tight fuses, tens of seconds
# (a 4 kW limit with a car and a battery: 0.3 s at 1e-3, > 20 s at 5e-4, same plan cost).
DEFAULT_MIP_GAP = 1e-3
LIMIT_TOLERANCE_KW = 1e-3


def solve(
    problem: Problem, *, time_limit: float = DEFAULT_TIME_LIMIT_S, mip_rel_gap: float = DEFAULT_MIP_GAP
) -> Plan:
    """Plans a problem: the MILP within the import limit, else with the breach margin, else the greedy
    fallback; then the business-as-usual cost and the explanations. ``time_limit`` (s) bounds the solver
    runs together (a breach retry gets what is left, at least 0.5 s)."""
    started = time.perf_counter()
    notes: list[str] = []
    plan, infeasible = _milp(problem, False, time_limit, mip_rel_gap, notes)
    if plan is None and infeasible and problem.site.breach_margin > 0:
        remaining = max(time_limit - (time.perf_counter() - started), 0.5)
        plan, _ = _milp(problem, True, remaining, mip_rel_gap, notes)
    if plan is None:
        flows, greedy_notes = greedy(problem)
        notes.extend(greedy_notes)
        plan = _from_flows(problem, flows, "fallback")
    plan.solve_seconds = time.perf_counter() - started
    bau = baseline(problem)
    plan.baseline_cost = bau.cost
    plan.baseline_limit_exceeded_steps = bau.limit_exceeded_steps
    plan.notes = notes
    explain(problem, plan)
    return plan


def _milp(
    problem: Problem, breach: bool, time_limit: float, gap: float, notes: list[str]
) -> tuple[Plan | None, bool]:
    """A plan, or None and whether that is because none exists (rather than a solver failure)."""
    form = formulate(problem, breach=breach)
    result: LpResult = form.lp.solve(time_limit, gap)
    mode = "with breach margin" if breach else "within the import limit"
    if result.x is None:
        if result.status == "infeasible":
            notes.append(f"no plan exists {mode}")
        else:
            notes.append(f"solver gave no plan {mode}: {result.status}: {result.message}")
        return None, result.status == "infeasible"
    status: PlanStatus = "optimal" if result.status == "optimal" else "feasible"
    plan = extract(form, result.x, result.objective, status, mip_gap=result.mip_gap, seconds=result.seconds)
    over = plan.grid_import_kw - problem.site.import_limit_kw
    if breach and over.max(initial=0.0) > LIMIT_TOLERANCE_KW:
        plan.status = "breach"
        notes.append(f"import limit exceeded by {plan.breach_kwh:.3f} kWh within the breach margin")
    elif over.max(initial=0.0) > LIMIT_TOLERANCE_KW:
        notes.append("solver plan exceeded the import limit; discarded")
        return None, False
    if status == "feasible":
        notes.append(f"time limit reached; best plan found has a MIP gap of {plan.mip_gap}")
    return plan, False


def _from_flows(problem: Problem, flows: Flows, status: PlanStatus) -> Plan:
    return Plan(
        status=status,
        cost=flows.cost,
        objective=flows.cost,
        mip_gap=None,
        solve_seconds=0.0,
        grid_import_kw=flows.grid_import_kw,
        grid_export_kw=flows.grid_export_kw,
        pv_used_kw=flows.pv_used_kw,
        devices=flows.devices,
    )
