"""Grid requests: what the home can do for a grid operator or an aggregator, and at what cost.

A request covers steps [first, end) and asks for one of two things:

* a lower import limit (a grid operator's congestion signal). The home is planned with the
  lower limit but may go back up to its normal limit at the breach penalty, so the plan shows
  the lowest import the home can manage rather than just "infeasible";
* less energy imported (an aggregator's flexibility call): an ``ImportCap`` of the import the
  published plan has in the window minus that energy, which moves the energy to other hours.

The answer is measured against the published plan (the caller has it, and it is what the home
is actually going to do), so ``extra_cost`` and the shortfall change are what accepting the
request changes. It also carries what to keep if the request is applied: the limit the home
can actually hold, or the import it actually reaches (plus a tolerance for solver noise), so an
applied partial request asks the next plans for what this one showed possible, not more.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .model import Ev, FloatArray, ImportCap, Plan, Problem, ProblemError
from .solve import DEFAULT_TIME_LIMIT_S, solve

REQUEST_TOLERANCE = 1e-3  # kW for limits, kWh for energy: solver noise, not a real difference
MIN_LIMIT_KW = 0.1  # a zero limit still leaves the breach margin finite
RequestStatus = Literal["accepted", "partial", "rejected"]


@dataclass(frozen=True, kw_only=True)
class GridRequestAnswer:
    """What the home can do for one request. ``lowest_limit_kw`` answers a limit request (and is
    the limit to keep if applied); ``moved_kwh`` and ``max_import_kwh`` (the import cap to keep)
    answer an energy request."""

    status: RequestStatus
    extra_cost: float
    ev_shortfall_change_kwh: float
    planned_import_kw: FloatArray
    lowest_limit_kw: float | None = None
    moved_kwh: float | None = None
    max_import_kwh: float | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "extra_cost": round(self.extra_cost, 4),
            "ev_shortfall_change_kwh": round(self.ev_shortfall_change_kwh, 3),
            "planned_import_kw": [float(v) for v in self.planned_import_kw],
            "status": self.status,
        }
        if self.lowest_limit_kw is not None:
            out["lowest_limit_kw"] = round(self.lowest_limit_kw, 3)
        if self.moved_kwh is not None:
            out["moved_kwh"] = round(self.moved_kwh, 3)
        return out


def with_lower_limit(problem: Problem, first: int, end: int, limit_kw: float) -> Problem:
    """``problem`` with its import limit at most ``limit_kw`` in [first, end), breachable up to
    the normal limit: the MILP then finds the lowest import instead of failing outright."""
    site = problem.site
    limit = site.import_limit_kw.copy()
    limit[first:end] = np.minimum(limit[first:end], limit_kw)
    room = float(np.max(site.import_limit_kw[first:end]) / max(limit_kw, MIN_LIMIT_KW) - 1.0)
    return dataclasses.replace(
        problem, site=dataclasses.replace(site, import_limit_kw=limit, breach_margin=max(room, 0.0))
    )


def with_less_import(problem: Problem, current: Plan, first: int, end: int, energy_kwh: float) -> Problem:
    """``problem`` with at most the import ``current`` has in [first, end) less ``energy_kwh``.
    The cap is soft (see ``ImportCap``): it moves energy, it never costs a car its goal."""
    planned_kwh = float(current.grid_import_kw[first:end].sum() * problem.step_hours)
    cap = ImportCap(first=first, end=end, max_kwh=max(planned_kwh - energy_kwh, 0.0))
    site = problem.site
    return dataclasses.replace(problem, site=dataclasses.replace(site, import_caps=(*site.import_caps, cap)))


def answer_grid_request(
    problem: Problem,
    current: Plan,
    first: int,
    end: int,
    *,
    limit_kw: float | None = None,
    energy_kwh: float | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT_S,
) -> GridRequestAnswer:
    """What the home can do for a request over steps [first, end): exactly one of ``limit_kw``
    and ``energy_kwh``; ``current`` is the problem's published plan."""
    _check(problem, first, end, limit_kw, energy_kwh)
    if limit_kw is not None:
        plan = solve(with_lower_limit(problem, first, end, limit_kw), time_limit=time_limit)
    else:
        assert energy_kwh is not None
        plan = solve(with_less_import(problem, current, first, end, energy_kwh), time_limit=time_limit)
    window = plan.grid_import_kw[first:end]
    extra_cost = plan.cost - current.cost
    shortfall_change = _ev_shortfall(problem, plan) - _ev_shortfall(problem, current)
    if limit_kw is not None:
        status, lowest = _limit_outcome(problem, first, end, limit_kw, window)
        return GridRequestAnswer(
            status=status,
            extra_cost=extra_cost,
            ev_shortfall_change_kwh=shortfall_change,
            planned_import_kw=window.copy(),
            lowest_limit_kw=lowest,
        )
    assert energy_kwh is not None
    status, moved = _energy_outcome(problem, current, first, end, energy_kwh, window)
    return GridRequestAnswer(
        status=status,
        extra_cost=extra_cost,
        ev_shortfall_change_kwh=shortfall_change,
        planned_import_kw=window.copy(),
        moved_kwh=moved,
        max_import_kwh=float(window.sum() * problem.step_hours) + REQUEST_TOLERANCE,
    )


def _check(problem: Problem, first: int, end: int, limit_kw: float | None, energy_kwh: float | None) -> None:
    if not 0 <= first < end <= problem.steps:
        raise ProblemError("grid_request", "the window must lie inside the horizon and end after it starts")
    if (limit_kw is None) == (energy_kwh is None):
        raise ProblemError("grid_request", "give either limit_kw or energy_kwh")
    if limit_kw is not None and limit_kw < 0:
        raise ProblemError("grid_request.limit_kw", "must not be negative")
    if energy_kwh is not None and energy_kwh <= 0:
        raise ProblemError("grid_request.energy_kwh", "must be positive")


def _limit_outcome(
    problem: Problem, first: int, end: int, limit_kw: float, window: FloatArray
) -> tuple[RequestStatus, float]:
    """Accepted if the home stays under the limit; partial if it at least comes down from its
    normal limit, and is then held at what it reaches; rejected if it cannot come down at all.
    Also the lowest limit the home can hold."""
    achieved = float(np.max(window, initial=0.0))
    normal = float(np.max(problem.site.import_limit_kw[first:end]))
    status: RequestStatus = (
        "accepted"
        if achieved <= limit_kw + REQUEST_TOLERANCE
        else "partial"
        if achieved < normal - REQUEST_TOLERANCE
        else "rejected"
    )
    return status, max(achieved, limit_kw)


def _energy_outcome(
    problem: Problem, current: Plan, first: int, end: int, energy_kwh: float, window: FloatArray
) -> tuple[RequestStatus, float]:
    """Accepted if at least ``energy_kwh`` leaves the window, partial if any does; and how much does."""
    moved = float((current.grid_import_kw[first:end].sum() - window.sum()) * problem.step_hours)
    status: RequestStatus = (
        "accepted"
        if moved >= energy_kwh - REQUEST_TOLERANCE
        else "partial"
        if moved > REQUEST_TOLERANCE
        else "rejected"
    )
    return status, moved


def _ev_shortfall(problem: Problem, plan: Plan) -> float:
    return sum(plan.devices[e.id].shortfall_kwh or 0.0 for e in problem.of_kind(Ev))
