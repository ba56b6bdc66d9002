"""The catch-all plan (seed 002's last mode), for when the solver has nothing to give.

Deterministic and greedy, and safe above all: controllable loads only ever take headroom
that is left under the import limit (and under each phase's fuse), so this plan never
pushes the site over a limit; where the uncontrollable load alone is above it, it says so.
"""

from __future__ import annotations

import numpy as np

from .baseline import Flows, settle
from .ev import ev_plan
from .model import Appliance, DevicePlan, Ev, Fixed, FloatArray, Problem


class _Headroom:
    """Import headroom per step, site-wide and per phase, shrinking as loads are placed."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.site_kw = problem.site.import_limit_kw - np.clip(problem.fixed_load_kw() - problem.pv_kw, 0, None)
        phases = problem.site.phases
        self.phase_kw: dict[int, FloatArray] = {}
        if phases is not None:
            per_phase_limit = phases.fuse_a * phases.voltage_v / 1000.0
            base = problem.base_load_kw / phases.count
            for ph in range(1, phases.count + 1):
                self.phase_kw[ph] = per_phase_limit - base
            for dev in problem.devices:
                fixed = None
                if isinstance(dev, Appliance) and dev.started_step is not None:
                    fixed = dev.power_for_start(dev.started_step, problem.steps)
                elif isinstance(dev, Fixed):
                    fixed = dev.power_kw
                if fixed is not None:
                    for ph in dev.phases:
                        self.phase_kw[ph] = self.phase_kw[ph] - fixed / len(dev.phases)

    def available(self, t: int, phases: tuple[int, ...]) -> float:
        room = float(self.site_kw[t])
        for ph in phases:
            if ph in self.phase_kw:
                room = min(room, float(self.phase_kw[ph][t]) * len(phases))
        return max(room, 0.0)

    def take(self, t: int, phases: tuple[int, ...], kw: float) -> None:
        self.site_kw[t] -= kw
        for ph in phases:
            if ph in self.phase_kw:
                self.phase_kw[ph][t] -= kw / len(phases)


def greedy(problem: Problem) -> tuple[Flows, list[str]]:
    n, dt = problem.steps, problem.step_hours
    room = _Headroom(problem)
    devices: dict[str, DevicePlan] = {}
    notes: list[str] = []
    over = problem.fixed_load_kw() - problem.pv_kw > problem.site.import_limit_kw + 1e-9
    if over.any():
        notes.append(f"uncontrollable load alone is above the import limit in {int(over.sum())} steps")

    for dev in problem.of_kind(Appliance):
        if dev.started_step is not None:
            devices[dev.id] = DevicePlan(power_kw=dev.power_for_start(dev.started_step, n), start=dev.started_step)
            continue
        chosen = None
        for start in dev.allowed_starts(n):
            power = dev.power_for_start(int(start), n)
            if all(power[t] <= room.available(t, dev.phases) + 1e-9 for t in np.nonzero(power)[0]):
                chosen = int(start)
                break
        if chosen is None:
            notes.append(f"{dev.id}: no start fits under the import limit; not scheduled")
            devices[dev.id] = DevicePlan(power_kw=np.zeros(n))
            continue
        power = dev.power_for_start(chosen, n)
        for t in np.nonzero(power)[0]:
            room.take(int(t), dev.phases, float(power[t]))
        devices[dev.id] = DevicePlan(power_kw=power, start=chosen)

    for ev in sorted(problem.of_kind(Ev), key=lambda e: (-e.priority, e.arrival, e.id)):
        power = np.zeros(n)
        remaining = ev.energy_kwh
        for t in range(ev.arrival, ev.departure):
            if remaining <= 1e-9:
                break
            ceiling = ev.max_kw if ev.max_kw_per_step is None else min(ev.max_kw, float(ev.max_kw_per_step[t]))
            p = min(ceiling, room.available(t, ev.phases), remaining / dt)
            if p < ev.min_kw or p <= 1e-9:
                continue
            power[t] = p
            room.take(t, ev.phases, p)
            remaining -= p * dt
        devices[ev.id] = ev_plan(ev, power, dt)
    return settle(problem, devices), notes
