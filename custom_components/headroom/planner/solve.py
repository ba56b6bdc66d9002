"""Plan a problem: the MILP within the limits, a bounded breach when a run fits nowhere, else the greedy fallback.

After seed 002's normal -> breach -> catch-all modes. The MILP always has a solution: where the
uncontrollable load alone is above the import limit or a phase's fuse, those steps may carry
that excess (``limits.unavoidable_excess``), and an appliance that fits nowhere is left out. So
the greedy fallback is only for a solver that gives nothing (its time limit with no solution,
an error). A left-out appliance is retried with the breach margin, when the site has one.

Whatever comes back is checked against the import limit and every phase's fuse
(``limits.plan_excess``): a plan above a limit only where the uncontrollable load forces it is
``over_limit``, one above it further within the breach margin is ``breach``, and any other is
discarded; none is ever labelled ``optimal``.
"""

from __future__ import annotations

import time

import numpy as np

from .baseline import Flows, baseline
from .duals import price_signals as price_signals_of
from .explain import explain
from .fallback import greedy
from .formulation import extract, formulate
from .limits import LIMIT_TOLERANCE_KW, PHASE_TOLERANCE_A, Excess, plan_excess, unavoidable_excess
from .lp import LpResult
from .model import Plan, PlanStatus, Problem

__all__ = ["DEFAULT_MIP_GAP", "DEFAULT_TIME_LIMIT_S", "LIMIT_TOLERANCE_KW", "solve"]

DEFAULT_TIME_LIMIT_S = 10.0
# 0.1 %: on a home the last tenths of a per cent cost cents and, on tight fuses, tens of seconds
# (a 4 kW limit with a car and a battery: 0.3 s at 1e-3, > 20 s at 5e-4, same plan cost).
DEFAULT_MIP_GAP = 1e-3
# What the time limit keeps back for what follows the solver (the fallback, business as usual, the
# explanations: tens of milliseconds on the largest problems the format allows), and the least worth
# giving the solver at all.
AFTER_SOLVER_SHARE = 0.1
MIN_SOLVER_S = 0.05
# HiGHS's own limit, as a share of the solver's time: it mostly stops within it; the watchdog abandons it
# at the full share.
HIGHS_SHARE = 0.85


def _clock() -> float:
    """Seconds on the system's monotonic clock, for the time budget.

    Not ``time.perf_counter``: tests (Home Assistant's among them) freeze and move that clock while
    a plan is being solved in another thread, which would turn the budget into nothing.
    ``solve_seconds`` stays on ``perf_counter``, as every other duration the integration reports.
    """
    gettime = getattr(time, "clock_gettime", None)
    return float(gettime(time.CLOCK_MONOTONIC)) if gettime is not None else time.perf_counter()


def solve(
    problem: Problem,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT_S,
    mip_rel_gap: float = DEFAULT_MIP_GAP,
    price_signals: bool = False,
) -> Plan:
    """Plans a problem: the MILP (within the limits but where uncontrollable load forces it above them),
    with the breach margin when a run fits nowhere, else the greedy fallback; then the business-as-usual
    cost and the explanations. ``time_limit`` (s) bounds it all: building, the solver runs (a breach retry
    gets what is left), the fallback and the explanations."""
    started = time.perf_counter()
    solver_deadline = _clock() + time_limit * (1.0 - AFTER_SOLVER_SHARE)
    allowance = unavoidable_excess(problem)
    notes: list[str] = []
    plan, left_out = _milp(problem, False, solver_deadline, mip_rel_gap, notes, price_signals)
    if plan is not None and left_out and problem.site.breach_margin > 0:
        retry_notes: list[str] = []
        retry, _ = _milp(problem, True, solver_deadline, mip_rel_gap, retry_notes, price_signals)
        if retry is not None:
            plan = retry
            notes = retry_notes
        else:
            notes.extend(retry_notes)
    if plan is None:
        flows, greedy_notes = greedy(problem)
        notes.extend(greedy_notes)
        plan = _from_flows(problem, flows, "fallback")
        _label(problem, plan, allowance, breach=False, notes=notes)
    plan.solve_seconds = time.perf_counter() - started
    bau = baseline(problem)
    plan.baseline_cost = bau.cost
    plan.baseline_limit_exceeded_steps = bau.limit_exceeded_steps
    plan.notes = notes
    explain(problem, plan)
    return plan


def _milp(
    problem: Problem, breach: bool, deadline: float, gap: float, notes: list[str], signals: bool = False
) -> tuple[Plan | None, bool]:
    """A plan from the MILP, solved by ``deadline`` (``_clock``), or None; and whether it leaves a
    device out. ``signals``: with each device's price signal (the fixed program's duals)."""
    mode = "with breach margin" if breach else "within the limits"
    form = formulate(problem, breach=breach)
    budget = deadline - _clock()
    if budget < MIN_SOLVER_S:
        notes.append(f"no time left to solve {mode}")
        return None, False
    result: LpResult = form.lp.solve(budget * HIGHS_SHARE, gap, watchdog_s=budget)
    if result.x is None:
        notes.append(f"solver gave no plan {mode}: {result.status}: {result.message}")
        return None, False
    status: PlanStatus = "optimal" if result.status == "optimal" else "feasible"
    plan = extract(form, result.x, result.objective, status, mip_gap=result.mip_gap, seconds=result.seconds)
    plan_notes = [n for i, part in form.devices.items() for n in part.notes(plan.devices[i])]
    if not _label(problem, plan, form.allowance, breach=breach, notes=plan_notes):
        notes.append(f"solver plan {mode} exceeded a limit; discarded")
        return None, False
    notes.extend(plan_notes)
    if signals:
        plan.price_signals = price_signals_of(form, result.x)
    if status == "feasible":
        notes.append(f"time limit reached; best plan found has a MIP gap of {plan.mip_gap}")
    return plan, any(plan_notes) and not breach


def _label(problem: Problem, plan: Plan, allowance: Excess, *, breach: bool, notes: list[str]) -> bool:
    """Measure a plan against the import limit and every phase's fuse, set its status and its breach and
    over-limit fields, and note them; False when it is above a limit where nothing allows it."""
    excess, exported = plan_excess(problem, plan)
    dt = problem.step_hours
    site, phases = problem.site, problem.site.phases
    margin_kw = site.breach_margin * site.import_limit_kw if breach else np.zeros(problem.steps)
    margin_a = site.breach_margin * phases.fuse_a if breach and phases is not None else 0.0
    beyond = excess.site_kw > allowance.site_kw + LIMIT_TOLERANCE_KW
    too_far = excess.site_kw > allowance.site_kw + margin_kw + LIMIT_TOLERANCE_KW
    if excess.phase_a.size:
        beyond_a = excess.phase_a - allowance.phase_a
        beyond |= np.any(beyond_a > PHASE_TOLERANCE_A, axis=0)
        too_far |= np.any(beyond_a > margin_a + PHASE_TOLERANCE_A, axis=0)
    if exported.size:
        too_far |= np.any(exported > PHASE_TOLERANCE_A, axis=0)
    above_kw, allowed_kw = excess.kw(problem), allowance.kw(problem)
    flagged = excess.over() & allowance.over()
    plan.over_limit_steps = [int(t) for t in np.nonzero(flagged)[0]]
    plan.over_limit_kwh = float(np.sum(np.minimum(above_kw, allowed_kw)[flagged]) * dt)
    plan.breach_kwh = float(np.sum(np.clip(above_kw - allowed_kw, 0.0, None)[beyond]) * dt)
    if plan.status == "fallback":
        if too_far.any():
            notes.append(f"fallback plan above a limit in {int(too_far.sum())} steps")
    elif too_far.any() or (beyond.any() and not breach):
        return False
    elif beyond.any():
        plan.status = "breach"
        notes.append(f"import limit exceeded by {plan.breach_kwh:.3f} kWh within the breach margin")
    elif flagged.any():
        plan.status = "over_limit"
    if plan.over_limit_steps:
        notes.append(
            f"uncontrollable load alone is above the import limit or a phase's fuse in "
            f"{len(plan.over_limit_steps)} steps: {plan.over_limit_kwh:.3f} kWh above it there"
        )
    return True


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
