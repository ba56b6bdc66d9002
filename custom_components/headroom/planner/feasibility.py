"""Seed 001's question, asked before the vehicle turns up: can the site meet this session?

"A vehicle arrives at step a, leaves at step d, wants E kWh at up to P kW." The answer is
computed on copies of the problem; nothing about the current plan changes. The prospective
session gets the lowest priority, so it is promised only what the sessions already here
can spare.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .kinds import ev as ev_kind
from .model import Ev, Problem, ProblemError
from .reader import Reader
from .solve import DEFAULT_TIME_LIMIT_S, solve

ENERGY_TOLERANCE_KWH = 1e-3


@dataclass
class FeasibilityAnswer:
    """Whether a prospective session can be met; the most energy the site could give it (kWh), its
    earliest finish step when charging fastest, the extra energy cost, and what limits it (window,
    import_limit or max_power)."""

    feasible: bool
    max_energy_kwh: float
    earliest_finish_step: int | None
    extra_cost: float
    limited_by: list[str] = field(default_factory=list)
    planned_power_kw: list[float] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "max_energy_kwh": round(self.max_energy_kwh, 4),
            "earliest_finish_step": self.earliest_finish_step,
            "extra_cost": round(self.extra_cost, 6),
            "limited_by": self.limited_by,
            "planned_power_kw": self.planned_power_kw,
        }


def request_from_json(data: Any, problem: Problem) -> Ev:
    """A prospective session: arrival, departure, energy_kwh, max_kw, optional min_kw and phases."""
    reader = Reader(data, "request")
    if not reader.has("id"):
        reader.used.add("id")
        data = {**data, "id": "prospective"}
        reader = Reader(data, "request")
    site_phases = problem.site.phases.count if problem.site.phases else 3
    ev = ev_kind.KIND.parse(reader, problem.steps, site_phases)
    reader.done()
    if any(d.id == ev.id for d in problem.devices):
        raise ProblemError("request.id", f"'{ev.id}' is already a device of the problem")
    lowest = min((e.priority for e in problem.of_kind(Ev)), default=1)
    return dataclasses.replace(ev, priority=max(lowest - 1, 0), mode="cheapest", start_penalty=0.0)


def check_feasibility(
    problem: Problem, request: Ev, *, time_limit: float = DEFAULT_TIME_LIMIT_S
) -> FeasibilityAnswer:
    """Plans the problem with and without the session (at the lowest priority, so it gets only what the
    others can spare); up to four solves, each within ``time_limit`` (s). The current plan does not
    change."""

    def with_session(ev: Ev) -> Problem:
        return dataclasses.replace(problem, devices=(*problem.devices, ev))

    before = solve(problem, time_limit=time_limit)
    cheapest = solve(with_session(request), time_limit=time_limit)
    planned = cheapest.devices[request.id]
    met = (planned.shortfall_kwh or 0.0) <= ENERGY_TOLERANCE_KWH
    hours = (request.departure - request.arrival) * problem.step_hours
    most_the_car_takes = request.max_kw * hours

    if met:
        fastest = solve(with_session(dataclasses.replace(request, mode="fastest")), time_limit=time_limit)
        earliest = fastest.devices[request.id].finish_step
        as_much = dataclasses.replace(request, energy_kwh=most_the_car_takes)
        max_energy = solve(with_session(as_much), time_limit=time_limit).devices[request.id].energy_kwh or 0.0
    else:
        earliest = None
        max_energy = planned.energy_kwh or 0.0

    limited_by: list[str] = []
    if most_the_car_takes < request.energy_kwh - ENERGY_TOLERANCE_KWH:
        limited_by.append("window")
    if max_energy < most_the_car_takes - ENERGY_TOLERANCE_KWH:
        limited_by.append("import_limit")
    elif max_energy >= most_the_car_takes - ENERGY_TOLERANCE_KWH:
        limited_by.append("max_power")
    return FeasibilityAnswer(
        feasible=met,
        max_energy_kwh=max_energy,
        earliest_finish_step=earliest,
        extra_cost=cheapest.cost - before.cost,
        limited_by=limited_by,
        planned_power_kw=[round(float(p), 4) for p in planned.power_kw],
    )
