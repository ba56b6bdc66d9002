"""The site's limits step by step: what uncontrollable load alone puts above them, and each phase's current.

Uncontrollable load is the base load and every committed device (fixed loads, runs under way),
less the PV the site can take. Where that alone is above the import limit or a phase's fuse, no
plan can stay under it, so the planner lets those steps, and only those, carry the excess
(``unavoidable_excess``) rather than give up on the whole horizon; a plan that does is labelled
``over_limit``. The excess is an upper allowance: it counts no storage, and the solver pays
steeply for every kWh of it it uses, so batteries cover what they can first.

Per phase, the base load splits by ``Phases.shares``, a device loads the phases it names
equally, and PV (a symmetric inverter) feeds every phase equally. ``phase_currents`` gives a
plan's current on each phase, the same model the MILP holds within the fuses; solve checks
every plan with it, and the Home Assistant layer can show it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kinds import committed
from .model import FloatArray, Plan, Problem
from .plan import BoolArray

# What a plan may be above a limit by and still count as within it: solver tolerances, rounding.
LIMIT_TOLERANCE_KW = 1e-3
PHASE_TOLERANCE_A = 1e-3


@dataclass(frozen=True)
class Excess:
    """Power above the limits per step: site-wide (kW, shape (steps,)) and per phase (A, shape
    (count, steps); (0, steps) when the site has no phase model)."""

    site_kw: FloatArray
    phase_a: FloatArray

    def over(self) -> BoolArray:
        """Per step: whether anything is above a limit (beyond the tolerances)."""
        over: BoolArray = self.site_kw > LIMIT_TOLERANCE_KW
        if self.phase_a.size:
            over = over | np.any(self.phase_a > PHASE_TOLERANCE_A, axis=0)
        return over

    def kw(self, problem: Problem) -> FloatArray:
        """Per step, the larger of the site's excess and the phases' excess summed (both kW)."""
        phases = problem.site.phases
        if phases is None or not self.phase_a.size:
            return self.site_kw.copy()
        on_phases = np.clip(self.phase_a, 0.0, None).sum(axis=0) / phases.amps_per_kw
        result: FloatArray = np.maximum(np.clip(self.site_kw, 0.0, None), on_phases)
        return result


def phase_load_kw(problem: Problem) -> FloatArray:
    """What no decision moves on each phase per step (kW, shape (count, steps)): the base load's share
    and every committed device split over its phases. (0, steps) without a phase model."""
    phases = problem.site.phases
    if phases is None:
        return np.zeros((0, problem.steps))
    load: FloatArray = np.outer(phases.shares(), problem.base_load_kw).astype(float)
    for dev in problem.devices:
        fixed = committed(dev, problem.steps)
        if fixed is not None:
            for ph in dev.phases:
                load[ph - 1] += fixed.power_kw / len(dev.phases)
    return load


def usable_pv_kw(problem: Problem) -> FloatArray:
    """The PV the site can take per step with every controllable device idle: no more than the
    uncontrollable load plus the export limit, and no more than keeps every phase's export within
    its fuse."""
    usable = np.minimum(
        problem.pv_kw, np.clip(problem.fixed_load_kw() + problem.site.export_limit_kw, 0, None)
    )
    phases = problem.site.phases
    if phases is not None:
        fuse_kw = phases.fuse_a / phases.amps_per_kw
        least = phase_load_kw(problem).min(axis=0)
        usable = np.minimum(usable, phases.count * (least + fuse_kw))
    result: FloatArray = np.clip(usable, 0.0, None)
    return result


def unavoidable_excess(problem: Problem) -> Excess:
    """What uncontrollable load puts above the limits per step, with every controllable load off and all
    usable PV used: the most any plan needs to go above them there (storage may cover some of it)."""
    pv = usable_pv_kw(problem)
    site = np.clip(problem.fixed_load_kw() - pv - problem.site.import_limit_kw, 0.0, None)
    phases = problem.site.phases
    if phases is None:
        return Excess(site_kw=site, phase_a=np.zeros((0, problem.steps)))
    current = (phase_load_kw(problem) - pv / phases.count) * phases.amps_per_kw
    return Excess(site_kw=site, phase_a=np.clip(current - phases.fuse_a, 0.0, None))


def certain_excess(problem: Problem, supply_kw: float, supply_kw_by_phase: FloatArray) -> Excess:
    """The least any plan goes above the limits per step, even with all PV and every store feeding the
    home at full power (``supply_kw`` in all, ``supply_kw_by_phase`` on each phase): the part of the
    unavoidable excess that no decision changes."""
    site = np.clip(
        problem.fixed_load_kw() - problem.pv_kw - supply_kw - problem.site.import_limit_kw, 0.0, None
    )
    phases = problem.site.phases
    if phases is None:
        return Excess(site_kw=site, phase_a=np.zeros((0, problem.steps)))
    load = phase_load_kw(problem) - problem.pv_kw / phases.count - supply_kw_by_phase[:, None]
    return Excess(site_kw=site, phase_a=np.clip(load * phases.amps_per_kw - phases.fuse_a, 0.0, None))


def phase_currents(problem: Problem, plan: Plan) -> FloatArray:
    """Each phase's current per step of a plan (A, shape (count, steps); positive when importing): the
    base load's share, every device on its phases, minus the PV used spread over all phases. (0, steps)
    when the site has no phase model."""
    phases = problem.site.phases
    if phases is None:
        return np.zeros((0, problem.steps))
    power = np.outer(phases.shares(), problem.base_load_kw) - plan.pv_used_kw / phases.count
    for dev in problem.devices:
        device = plan.devices.get(dev.id)
        if device is not None:
            for ph in dev.phases:
                power[ph - 1] += device.power_kw / len(dev.phases)
    result: FloatArray = power * phases.amps_per_kw
    return result


def plan_excess(problem: Problem, plan: Plan) -> tuple[Excess, FloatArray]:
    """How far a plan is above the limits per step: import above the import limit (kW) and each phase's
    import current above its fuse (A); and, apart, each phase's export current beyond its fuse (A, shape
    (count, steps)), which no plan may ever have."""
    site = np.clip(plan.grid_import_kw - problem.site.import_limit_kw, 0.0, None)
    phases = problem.site.phases
    if phases is None:
        empty = np.zeros((0, problem.steps))
        return Excess(site_kw=site, phase_a=empty), empty
    current = phase_currents(problem, plan)
    return (
        Excess(site_kw=site, phase_a=np.clip(current - phases.fuse_a, 0.0, None)),
        np.clip(-current - phases.fuse_a, 0.0, None),
    )
