"""Business as usual (seed 002's BAU): what the home does with no planner at all.

Each kind says what its devices do on their own (EVs charge at full power from arrival,
appliances start as early as they may, a hot-water tank follows its thermostat); devices
that follow the net load (batteries in plain self-consumption) then run on what the others
leave. Prices and the import limit are ignored. Its cost and limit violations are the
yardstick the plan is measured against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .kinds import committed, kind_of
from .model import Device, DevicePlan, FloatArray, Problem, energy_cost

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


class Guard(Protocol):
    """Keeps what ``settle`` decides within limits it does not know of itself (the phases' fuses)."""

    def place(self, dev: Device, power_kw: FloatArray) -> None:
        """Count a device's power as planned."""

    def net_seen(self, dev: Device, net_kw: FloatArray) -> FloatArray:
        """The net load a device that follows it should see: clipped so that following it stays within
        the limits."""
        ...

    def curtail_kw(self, pv_used_kw: FloatArray) -> FloatArray:
        """How much more PV to leave unused per step, given what is used so far."""
        ...


def settle(problem: Problem, devices: dict[str, DevicePlan], guard: Guard | None = None) -> Flows:
    """Add committed plans, run the devices that follow the net load on what the planned ones
    leave (in the problem's order), then meet the grid.

    ``devices`` holds the plans decided so far; a device without one follows the net load.
    PV beyond what the home uses and the export limit allows is curtailed; with a ``guard``, the
    followers see only as much of the net load as it allows, and it may curtail more PV.
    """
    n = problem.steps
    net = problem.fixed_load_kw() - problem.pv_kw
    for dev in problem.devices:
        fixed = committed(dev, n)
        if fixed is not None:
            devices[dev.id] = fixed
        elif dev.id in devices:
            net = net + devices[dev.id].power_kw
            if guard is not None:
                guard.place(dev, devices[dev.id].power_kw)
    for dev in problem.devices:
        if dev.id in devices:
            continue
        seen = net if guard is None else guard.net_seen(dev, net)
        plan = kind_of(dev).follow(problem, dev, seen)
        if plan is None:
            raise TypeError(f"{dev.id}: its kind neither planned it nor follows the net load")
        devices[dev.id] = plan
        net = net + plan.power_kw
        if guard is not None:
            guard.place(dev, plan.power_kw)
    export_wanted = np.clip(-net, 0.0, None)
    pv_used = problem.pv_kw - (export_wanted - np.minimum(export_wanted, problem.site.export_limit_kw))
    if guard is not None:
        pv_used = pv_used - np.minimum(guard.curtail_kw(pv_used), pv_used)
    net = net + (problem.pv_kw - pv_used)
    grid_import = np.clip(net, 0.0, None)
    grid_export = np.clip(-net, 0.0, None)
    exceeded = int(np.sum(grid_import > problem.site.import_limit_kw + LIMIT_TOLERANCE_KW))
    return Flows(
        grid_import, grid_export, pv_used, devices, energy_cost(problem, grid_import, grid_export), exceeded
    )


def baseline(problem: Problem) -> Flows:
    """Business as usual for this problem: each device as it runs without a planner, then the devices that
    follow the net load; its cost is what the plan's saving is measured against."""
    devices: dict[str, DevicePlan] = {}
    for dev in problem.devices:
        if committed(dev, problem.steps) is None:
            plan = kind_of(dev).baseline(problem, dev)
            if plan is not None:
                devices[dev.id] = plan
    return settle(problem, devices)
