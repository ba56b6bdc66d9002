"""Why the plan is what it is (seed 001: easy to reason about and debug).

Each device gets a few machine-readable reasons, each a dict with a ``code`` and the steps
it concerns; the site gets, per step, whether the import limit binds. Dashboards and the
``get_plan`` service turn these into sentences.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .battery import operation_modes
from .model import Appliance, Battery, Ev, Plan, Problem

BINDING_TOLERANCE_KW = 1e-3


def _steps(mask: NDArray[np.bool_]) -> list[int]:
    return [int(t) for t in np.nonzero(mask)[0]]


def explain(problem: Problem, plan: Plan) -> None:
    """Fill ``plan.limit_binding``, battery modes and every device's ``reasons`` in place."""
    price = problem.tariff.import_price
    limit = problem.site.import_limit_kw
    binding = plan.grid_import_kw >= limit - BINDING_TOLERANCE_KW
    plan.limit_binding = [bool(b) for b in binding]
    net_without_devices = problem.fixed_load_kw() - plan.pv_used_kw
    surplus = plan.pv_used_kw > problem.fixed_load_kw() + BINDING_TOLERANCE_KW

    for battery in problem.of_kind(Battery):
        battery_plan = plan.devices[battery.id]
        rest = plan.grid_import_kw - plan.grid_export_kw - battery_plan.power_kw
        battery_plan.mode, battery_plan.mode_factor = operation_modes(
            battery, battery_plan.power_kw, rest, plan.grid_export_kw)

    for dev in problem.devices:
        device = plan.devices.get(dev.id)
        if device is None:
            continue
        reasons: list[dict[str, Any]] = []
        on = device.power_kw > BINDING_TOLERANCE_KW
        if isinstance(dev, Ev):
            window = np.zeros(problem.steps, dtype=bool)
            window[dev.arrival:dev.departure] = True
            if on.any():
                reasons.append({
                    "code": "cheapest_steps" if dev.mode == "cheapest" else "fastest",
                    "steps": _steps(on),
                    "mean_price": round(float(price[on].mean()), 5),
                    "window_mean_price": round(float(price[window].mean()), 5),
                })
            waiting = window & ~on
            if waiting.any() and (device.finish_step is None or waiting[: device.finish_step].any()):
                reasons.append({"code": "waiting", "steps": _steps(waiting[: device.finish_step or None])})
            # Limited: full power here would not have fit under the import limit.
            missing = dev.max_kw - device.power_kw
            limited = window & (missing > BINDING_TOLERANCE_KW) & (
                plan.grid_import_kw + missing > limit + BINDING_TOLERANCE_KW)
            if device.finish_step is not None:
                limited[device.finish_step:] = False
            if limited.any():
                reasons.append({"code": "import_limit_binding", "steps": _steps(limited)})
            if (on & surplus).any():
                reasons.append({"code": "pv_surplus", "steps": _steps(on & surplus)})
            if (device.shortfall_kwh or 0) > 1e-3:
                if dev.max_kw * (dev.departure - dev.arrival) * problem.step_hours < dev.energy_kwh - 1e-6:
                    reasons.append({"code": "window", "shortfall_kwh": round(device.shortfall_kwh or 0, 4)})
                rivals = [
                    e.id for e in problem.of_kind(Ev)
                    if e.priority > dev.priority and (plan.devices[e.id].power_kw[limited] > 0).any()
                ]
                if rivals:
                    reasons.append({"code": "priority", "served_first": rivals})
        elif isinstance(dev, Battery) and device.mode is not None:
            for code, mode in (("charge_cheap", "forced_charge"), ("discharge_expensive", "forced_discharge")):
                steps = [t for t, m in enumerate(device.mode) if m == mode]
                if steps:
                    reasons.append({"code": code, "steps": steps})
            charging_surplus = (device.power_kw > BINDING_TOLERANCE_KW) & (net_without_devices < 0)
            if charging_surplus.any():
                reasons.append({"code": "pv_surplus", "steps": _steps(charging_surplus)})
            holding = [t for t, m in enumerate(device.mode) if m == "non_export"]
            if holding:
                reasons.append({"code": "holding", "steps": holding})
        elif isinstance(dev, Appliance):
            if dev.started_step is not None:
                reasons.append({"code": "running", "start": dev.started_step})
            elif device.start is not None:
                starts = dev.allowed_starts(problem.steps)
                run_cost = [
                    float(np.sum(dev.power_for_start(int(s), problem.steps) * price) * problem.step_hours)
                    for s in starts
                ]
                chosen = int(np.nonzero(starts == device.start)[0][0])
                earliest = dev.power_for_start(int(starts[0]), problem.steps)
                reasons.append({
                    "code": "cheapest_window" if chosen == int(np.argmin(run_cost)) else "chosen_start",
                    "start": device.start,
                    "earliest_start": int(starts[0]),
                    "run_price_cost": round(run_cost[chosen], 5),
                    "earliest_price_cost": round(run_cost[0], 5),
                })
                if ((plan.grid_import_kw - device.power_kw + earliest) > limit + BINDING_TOLERANCE_KW).any():
                    reasons.append({"code": "import_limit_binding", "steps": _steps(earliest > 0)})
            else:
                reasons.append({"code": "not_scheduled"})
        device.reasons = reasons
