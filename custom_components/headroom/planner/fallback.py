"""The catch-all plan (seed 002's last mode), for when the solver has nothing to give.

Deterministic and greedy, and safe above all: controllable loads only ever take headroom
that is left under the import limit (and under each phase's fuse), so this plan never
pushes the site over a limit; where the uncontrollable load alone is above it, it says so.
Kinds queue for the headroom in their ``greedy_rank`` order (whole appliance runs first,
then hot water, then cars by priority); batteries follow the net load, which only lowers
the import.
"""

from __future__ import annotations

import numpy as np

from .baseline import Flows, settle
from .kinds import committed, kind_of
from .model import DevicePlan, FloatArray, Problem


class Headroom:
    """Import headroom per step, site-wide and per phase, shrinking as loads are placed."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.site_kw = problem.site.import_limit_kw - np.clip(
            problem.fixed_load_kw() - problem.pv_kw, 0, None
        )
        phases = problem.site.phases
        self.phase_kw: dict[int, FloatArray] = {}
        if phases is not None:
            per_phase_limit = phases.fuse_a * phases.voltage_v / 1000.0
            base = problem.base_load_kw / phases.count
            for ph in range(1, phases.count + 1):
                self.phase_kw[ph] = per_phase_limit - base
            for dev in problem.devices:
                fixed = committed(dev, problem.steps)
                if fixed is not None:
                    for ph in dev.phases:
                        self.phase_kw[ph] = self.phase_kw[ph] - fixed.power_kw / len(dev.phases)

    def available(self, t: int, phases: tuple[int, ...]) -> float:
        room = float(self.site_kw[t])
        for ph in phases:
            if ph in self.phase_kw:
                room = min(room, float(self.phase_kw[ph][t]) * len(phases))
        return max(room, 0.0)

    def available_kw(self, phases: tuple[int, ...]) -> FloatArray:
        """``available`` for every step at once."""
        room = self.site_kw.copy()
        for ph in phases:
            if ph in self.phase_kw:
                room = np.minimum(room, self.phase_kw[ph] * len(phases))
        return np.clip(room, 0.0, None)

    def take(self, t: int, phases: tuple[int, ...], kw: float) -> None:
        self.site_kw[t] -= kw
        for ph in phases:
            if ph in self.phase_kw:
                self.phase_kw[ph][t] -= kw / len(phases)


def greedy(problem: Problem) -> tuple[Flows, list[str]]:
    """The catch-all plan: movable devices take only the headroom left under the limit (site-wide and per
    phase), in their kinds' rank order; with notes on what did not fit."""
    room = Headroom(problem)
    devices: dict[str, DevicePlan] = {}
    notes: list[str] = []
    over = problem.fixed_load_kw() - problem.pv_kw > problem.site.import_limit_kw + 1e-9
    if over.any():
        notes.append(f"uncontrollable load alone is above the import limit in {int(over.sum())} steps")
    movable = [d for d in problem.devices if committed(d, problem.steps) is None]
    for dev in sorted(movable, key=lambda d: kind_of(d).greedy_rank(d)):
        plan = kind_of(dev).greedy(problem, dev, room, notes)
        if plan is not None:
            devices[dev.id] = plan
    return settle(problem, devices), notes
