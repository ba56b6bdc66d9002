"""Capacity reservations (seed 001's power-supply notification, done right).

A reservation asks for up to P kW over steps [first, end), or E kWh somewhere within them.
It is planned as charging sessions that the MILP may shorten: one per step for a power
request (so each step's grant is its own), or one over the window for an energy request.
Without ``force`` those sessions rank below every EV already planned, so devices only move
to make room and never lose energy they would otherwise get; with ``force`` they rank above
them, and what even that cannot fit is granted beyond the import limit and reported as breach.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .model import Ev, FloatArray, Plan, Problem, ProblemError
from .solve import DEFAULT_TIME_LIMIT_S, solve

GRANT_TOLERANCE_KWH = 1e-3
GrantStatus = Literal["granted", "partial", "rejected"]


@dataclass
class Grant:
    """The answer to a reservation: granted, partial or rejected; the kW granted per step of its window,
    the extra energy cost, the kWh each car already planned loses to it, and (when forced) the kW granted
    beyond the import limit."""

    status: GrantStatus
    first: int
    end: int
    granted_kw: FloatArray
    requested_kwh: float
    extra_cost: float
    squeezed_kwh: dict[str, float] = field(default_factory=dict)
    breach_kw: FloatArray = field(default_factory=lambda: np.zeros(0))

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "first": self.first,
            "end": self.end,
            "granted_kw": [round(float(v), 3) + 0.0 for v in self.granted_kw],
            "requested_kwh": round(self.requested_kwh, 3),
            "extra_cost": round(self.extra_cost, 4),
            "squeezed_kwh": {k: round(v, 3) for k, v in self.squeezed_kwh.items()},
            "breach_kw": [round(float(v), 3) + 0.0 for v in self.breach_kw],
        }


def grant_capacity(
    problem: Problem,
    reservation_id: str,
    first: int,
    end: int,
    *,
    power_kw: float,
    energy_kwh: float | None = None,
    force: bool = False,
    time_limit: float = DEFAULT_TIME_LIMIT_S,
    before: Plan | None = None,
) -> Grant:
    """How much of the request the site can promise, given everything already planned
    (``before``: the problem's plan when the caller has it already)."""
    if not 0 <= first < end <= problem.steps:
        raise ProblemError("reservation", "the window must lie inside the horizon and end after it starts")
    if power_kw <= 0:
        raise ProblemError("reservation.power_kw", "must be positive")
    dt = problem.step_hours
    priorities = [e.priority for e in problem.of_kind(Ev)]
    priority = (max(priorities, default=1) + 1) if force else max(min(priorities, default=1) - 1, 0)
    common: dict[str, Any] = {"max_kw": power_kw, "min_kw": 0.0, "priority": priority, "start_penalty": 0.0}
    if energy_kwh is None:
        sessions = [
            Ev(id=f"{reservation_id}#{t}", arrival=t, departure=t + 1, energy_kwh=power_kw * dt, **common)
            for t in range(first, end)
        ]
        requested = power_kw * dt * (end - first)
    else:
        if energy_kwh <= 0:
            raise ProblemError("reservation.energy_kwh", "must be positive")
        sessions = [Ev(id=reservation_id, arrival=first, departure=end, energy_kwh=energy_kwh, **common)]
        requested = energy_kwh
    if before is None:
        before = solve(problem, time_limit=time_limit)
    after = solve(dataclasses.replace(problem, devices=(*problem.devices, *sessions)), time_limit=time_limit)
    granted: FloatArray = np.zeros(end - first)
    for session in sessions:
        granted += after.devices[session.id].power_kw[first:end]
    breach: FloatArray = np.zeros(end - first)
    if force and energy_kwh is None:
        breach = np.clip(power_kw - granted, 0.0, None)
        breach[breach * dt < GRANT_TOLERANCE_KWH / (end - first)] = 0.0
        granted = granted + breach
    elif force and energy_kwh is not None and granted.sum() * dt < requested - GRANT_TOLERANCE_KWH:
        # The rest of the energy at full power in the window's first steps, beyond the limit.
        missing = requested - granted.sum() * dt
        for t in range(end - first):
            extra = min(power_kw - granted[t], missing / dt)
            if extra > 0:
                breach[t] = extra
                missing -= extra * dt
        granted = granted + breach
    delivered = float(granted.sum() * dt)
    status: GrantStatus = (
        "granted"
        if delivered >= requested - GRANT_TOLERANCE_KWH
        else "partial"
        if delivered > GRANT_TOLERANCE_KWH
        else "rejected"
    )
    return Grant(
        status=status,
        first=first,
        end=end,
        granted_kw=granted,
        requested_kwh=requested,
        # The site's energy cost with the reservation's own energy in it, minus without.
        extra_cost=after.cost - before.cost if delivered > 0 else 0.0,
        squeezed_kwh=_squeezed(problem, before, after),
        breach_kw=breach,
    )


def _squeezed(problem: Problem, before: Plan, after: Plan) -> dict[str, float]:
    """Energy each existing EV loses to the reservation."""
    out: dict[str, float] = {}
    for ev in problem.of_kind(Ev):
        lost = (after.devices[ev.id].shortfall_kwh or 0.0) - (before.devices[ev.id].shortfall_kwh or 0.0)
        if lost > GRANT_TOLERANCE_KWH:
            out[ev.id] = lost
    return out
