"""What-if: the same home planned twice, summed up side by side.

``variant`` turns a question ("a 20 kWh battery?", "a 9 kW fuse?", "prices twice as high?",
"a car wanting 20 kWh tonight?") into a changed copy of the problem, and ``compare`` plans both
and sums them up. The changes are plain numbers so that the same question can be asked from an
action, a script or a test without Home Assistant.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import Battery, Ev, FloatArray, Plan, Problem, ProblemError
from .solve import DEFAULT_TIME_LIMIT_S, solve

# A battery asked about by its size alone: it charges and discharges in two hours (a common
# ratio for home batteries), and starts at and keeps the reserve usual for one.
BATTERY_HOURS = 2.0
BATTERY_RESERVE = 0.1
# A car asked about without its charger: a 16 A three-phase wallbox, which cannot charge below
# 6 A (about 4.1 kW on three phases) unless it is weaker than that.
EV_MAX_KW = 11.0
EV_MIN_KW = 4.1


@dataclass(frozen=True, kw_only=True)
class Change:
    """A what-if question in the planner's terms; ``None`` leaves that part of the home as it is.

    ``import_price`` replaces every step's price, ``price_factor`` scales them (ignored when
    ``import_price`` is given). ``battery_power_kw`` only matters with ``battery_capacity_kwh``,
    ``ev_max_power_kw`` only with ``ev_energy_kwh``, which needs ``ev_arrival`` and
    ``ev_departure`` (steps of the horizon, like ``Ev``'s).
    """

    import_limit_kw: float | None = None
    import_price: float | None = None
    price_factor: float | None = None
    battery_capacity_kwh: float | None = None
    battery_power_kw: float | None = None
    ev_energy_kwh: float | None = None
    ev_arrival: int | None = None
    ev_departure: int | None = None
    ev_max_power_kw: float | None = None


def variant(problem: Problem, change: Change) -> Problem:
    """``problem`` changed as ``change`` asks; ``problem`` itself (the same object) when nothing
    changes, so a caller can tell an empty question from one whose answer happens to be equal."""
    changed = _with_import_limit(problem, change.import_limit_kw)
    changed = _with_prices(changed, change.import_price, change.price_factor)
    changed = _with_battery(changed, change.battery_capacity_kwh, change.battery_power_kw)
    return _with_ev(changed, change)


def _with_import_limit(problem: Problem, limit_kw: float | None) -> Problem:
    if limit_kw is None:
        return problem
    site = dataclasses.replace(problem.site, import_limit_kw=np.full(problem.steps, limit_kw))
    return dataclasses.replace(problem, site=site)


def _with_prices(problem: Problem, price: float | None, factor: float | None) -> Problem:
    if price is not None:
        prices: FloatArray = np.full(problem.steps, price, dtype=float)
    elif factor is not None:
        prices = problem.tariff.import_price * factor
    else:
        return problem
    return dataclasses.replace(problem, tariff=dataclasses.replace(problem.tariff, import_price=prices))


def _with_battery(problem: Problem, capacity_kwh: float | None, power_kw: float | None) -> Problem:
    if capacity_kwh is None:
        return problem
    power = power_kw if power_kw is not None else capacity_kwh / BATTERY_HOURS
    reserve = capacity_kwh * BATTERY_RESERVE
    battery = Battery(
        id="what_if_battery",
        capacity_kwh=capacity_kwh,
        soc_kwh=reserve,
        min_soc_kwh=reserve,
        max_soc_kwh=capacity_kwh,
        max_charge_kw=power,
        max_discharge_kw=power,
    )
    return dataclasses.replace(problem, devices=(*problem.devices, battery))


def _with_ev(problem: Problem, change: Change) -> Problem:
    if change.ev_energy_kwh is None:
        return problem
    if change.ev_arrival is None or change.ev_departure is None:
        raise ProblemError("what_if.ev", "a car needs its arrival and departure")
    max_kw = change.ev_max_power_kw if change.ev_max_power_kw is not None else EV_MAX_KW
    session = Ev(
        id="what_if_ev",
        arrival=change.ev_arrival,
        departure=change.ev_departure,
        energy_kwh=change.ev_energy_kwh,
        max_kw=max_kw,
        min_kw=min(EV_MIN_KW, max_kw),
    )
    return dataclasses.replace(problem, devices=(*problem.devices, session))


def summary(problem: Problem, plan: Plan) -> dict[str, Any]:
    """A plan's headline numbers: cost, baseline cost, peak import (kW), import and export (kWh), EV
    shortfall (kWh) and breach (kWh)."""
    dt = problem.step_hours
    shortfall = sum(plan.devices[e.id].shortfall_kwh or 0.0 for e in problem.of_kind(Ev))
    return {
        "status": plan.status,
        "cost": round(plan.cost, 4),
        "baseline_cost": round(plan.baseline_cost, 4),
        "peak_import_kw": round(float(np.max(plan.grid_import_kw, initial=0.0)), 3),
        "import_kwh": round(float(plan.grid_import_kw.sum() * dt), 3),
        "export_kwh": round(float(plan.grid_export_kw.sum() * dt), 3),
        "ev_shortfall_kwh": round(shortfall, 3),
        "breach_kwh": round(plan.breach_kwh, 3),
    }


def compare(
    current: Problem, variant: Problem, *, time_limit: float = DEFAULT_TIME_LIMIT_S
) -> dict[str, Any]:
    """Plans the current and the changed problem and gives both summaries and their difference (variant
    minus current)."""
    now = summary(current, solve(current, time_limit=time_limit))
    then = summary(variant, solve(variant, time_limit=time_limit))
    keys = ("cost", "peak_import_kw", "import_kwh", "export_kwh", "ev_shortfall_kwh")
    return {"current": now, "variant": then, "difference": {k: round(then[k] - now[k], 4) for k in keys}}
