"""The catch-all plan (seed 002's last mode), for when the solver has nothing to give.

Deterministic and greedy, and safe above all: controllable loads only ever take headroom
that is left under the import limit (and under each phase's fuse), so this plan never
pushes the site over a limit; where the uncontrollable load alone is above it, it says so.
Kinds queue for the headroom in their ``greedy_rank`` order (whole appliance runs first,
then hot water, then cars by priority); batteries follow the net load, which only lowers
the import, and with a phase model only as far as keeps their phases within the fuse either
way (``PhaseGuard``), which also curtails PV that would export beyond a phase's fuse.
"""

from __future__ import annotations

import numpy as np

from .baseline import Flows, settle
from .kinds import Device, committed, kind_of
from .limits import phase_load_kw
from .model import DevicePlan, FloatArray, Phases, Problem


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
            # No credit for PV per phase: PV may yet be curtailed to keep another phase's export in.
            per_phase_limit = phases.fuse_a / phases.amps_per_kw
            load = phase_load_kw(problem)
            for ph in range(1, phases.count + 1):
                self.phase_kw[ph] = per_phase_limit - load[ph - 1]

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


class PhaseGuard:
    """Keeps the devices that follow the net load (batteries) and the PV within every phase's fuse.

    It counts each phase's load (kW) without PV. A follower may charge only into what its phases
    have left under the fuse without PV's help, and discharge only as far as keeps its phases'
    export within the fuse with all PV; then PV is curtailed wherever a phase would export beyond
    its fuse. Curtailing never takes a phase above its fuse on the import side (every phase is
    within it without PV) and never makes the site import (the phase at the fuse exports more than
    any other phase imports).
    """

    def __init__(self, problem: Problem, phases: Phases) -> None:
        self.problem = problem
        self.phases = phases
        self.fuse_kw = phases.fuse_a / phases.amps_per_kw
        self.load_kw = phase_load_kw(problem)

    def place(self, dev: Device, power_kw: FloatArray) -> None:
        for ph in dev.phases:
            self.load_kw[ph - 1] += power_kw / len(dev.phases)

    def net_seen(self, dev: Device, net_kw: FloatArray) -> FloatArray:
        on = [ph - 1 for ph in dev.phases]
        pv_per_phase = self.problem.pv_kw / self.phases.count
        charge = np.min(self.fuse_kw - self.load_kw[on], axis=0) * len(on)
        discharge = np.min(self.load_kw[on] - pv_per_phase + self.fuse_kw, axis=0) * len(on)
        seen: FloatArray = np.clip(net_kw, -np.clip(charge, 0.0, None), np.clip(discharge, 0.0, None))
        return seen

    def curtail_kw(self, pv_used_kw: FloatArray) -> FloatArray:
        count = self.phases.count
        lowest = np.min(self.load_kw, axis=0) - pv_used_kw / count
        curtail: FloatArray = np.clip((-self.fuse_kw - lowest) * count, 0.0, None)
        return curtail


def greedy(problem: Problem) -> tuple[Flows, list[str]]:
    """The catch-all plan: movable devices take only the headroom left under the limit (site-wide and per
    phase), in their kinds' rank order; with notes on what did not fit."""
    room = Headroom(problem)
    devices: dict[str, DevicePlan] = {}
    notes: list[str] = []
    movable = [d for d in problem.devices if committed(d, problem.steps) is None]
    for dev in sorted(movable, key=lambda d: kind_of(d).greedy_rank(d)):
        plan = kind_of(dev).greedy(problem, dev, room, notes)
        if plan is not None:
            devices[dev.id] = plan
    phases = problem.site.phases
    guard = PhaseGuard(problem, phases) if phases is not None else None
    return settle(problem, devices, guard), notes
