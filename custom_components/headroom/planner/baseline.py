"""Business as usual (seed 002's BAU): what the home does with no planner at all.

EVs charge at full power from arrival until they have their energy, appliances start as
early as they may, batteries do plain self-consumption; prices and the import limit are
ignored. Its cost and limit violations are the yardstick the plan is measured against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .battery import self_consumption, soc_series
from .ev import ev_plan
from .model import Appliance, Battery, DevicePlan, Ev, Fixed, FloatArray, Problem, energy_cost

LIMIT_TOLERANCE_KW = 1e-6


@dataclass
class Flows:
    """Grid flows of a rule-based schedule, and each device's power."""

    grid_import_kw: FloatArray
    grid_export_kw: FloatArray
    pv_used_kw: FloatArray
    devices: dict[str, DevicePlan]
    cost: float
    limit_exceeded_steps: int


def settle(problem: Problem, devices: dict[str, DevicePlan]) -> Flows:
    """Run batteries in self-consumption on what the other devices leave, then meet the grid.

    PV beyond what the home uses and the export limit allows is curtailed.
    """
    net = problem.fixed_load_kw() - problem.pv_kw
    for dev in problem.devices:
        if isinstance(dev, Fixed):
            devices[dev.id] = DevicePlan(power_kw=dev.power_kw.copy())
        elif isinstance(dev, Ev) or (isinstance(dev, Appliance) and dev.started_step is None):
            net = net + devices[dev.id].power_kw
    dt = problem.step_hours
    for battery in problem.of_kind(Battery):
        power = self_consumption(battery, net, dt)
        devices[battery.id] = DevicePlan(
            power_kw=power,
            soc_kwh=soc_series(battery, np.clip(power, 0, None), np.clip(-power, 0, None), dt),
        )
        net = net + power
    grid_import = np.clip(net, 0.0, None)
    export_wanted = np.clip(-net, 0.0, None)
    grid_export = np.minimum(export_wanted, problem.site.export_limit_kw)
    pv_used = problem.pv_kw - (export_wanted - grid_export)
    exceeded = int(np.sum(grid_import > problem.site.import_limit_kw + LIMIT_TOLERANCE_KW))
    return Flows(grid_import, grid_export, pv_used, devices, energy_cost(problem, grid_import, grid_export),
                 exceeded)


def baseline(problem: Problem) -> Flows:
    n, dt = problem.steps, problem.step_hours
    devices: dict[str, DevicePlan] = {}
    for dev in problem.devices:
        if isinstance(dev, Ev):
            power = np.zeros(n)
            remaining = dev.energy_kwh
            for t in range(dev.arrival, dev.departure):
                p = min(dev.max_kw, remaining / dt)
                power[t] = p
                remaining -= p * dt
                if remaining <= 1e-9:
                    break
            devices[dev.id] = ev_plan(dev, power, dt)
        elif isinstance(dev, Appliance):
            start = dev.started_step if dev.started_step is not None else int(dev.allowed_starts(n)[0])
            devices[dev.id] = DevicePlan(power_kw=dev.power_for_start(start, n), start=start)
    return settle(problem, devices)
