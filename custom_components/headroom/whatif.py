"""The home as a simulator scenario, for ``headroom.simulate``'s closed-loop answers.

What the planner knows of the home becomes a scenario of the HA-free simulator: the site's
location and fuse, today's prices as a daily profile, the PV forecast's peak as the arrays' size,
the battery, each charger with its car coming home in the evening and leaving at its departure,
the appliances in their windows, and the house's load scaled to its forecast. Assumptions are
stated in the answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .const import (
    CONF_EARLIEST_START,
    CONF_EV_CAPACITY_KWH,
    CONF_EXPORT_PRICE_FACTOR,
    CONF_EXPORT_PRICE_FIXED,
    CONF_LATEST_FINISH,
    CONF_MAX_CURRENT_A,
    CONF_MIN_CURRENT_A,
    CONF_PHASE_COUNT,
    CONF_PHASES,
    CONF_RUN_MINUTES,
    CONF_RUN_POWER_KW,
    SUBENTRY_APPLIANCE,
    SUBENTRY_EV_CHARGER,
)
from .coordinator import HeadroomCoordinator
from .planner import Battery
from .planner.units import amps_from_kw
from .simulator.models import HOUSE_PROFILE_KW

PV_PEAK_SHARE = 0.75  # a forecast's peak is about this share of the arrays' kWp
EVENING_ARRIVAL = "18:00"
ARRIVAL_SOC = 40.0


def scenario_from_home(hass: HomeAssistant, coordinator: HeadroomCoordinator) -> tuple[dict[str, Any], list[str]]:
    data = coordinator.data
    problem = data.problem
    config = coordinator.config
    assumptions: list[str] = []
    phases = int(config.get(CONF_PHASE_COUNT, 3))
    limit = float(np.max(problem.site.import_limit_kw))
    tz = dt_util.get_default_time_zone()

    # Today's prices as a profile by quarter hour of the local day.
    bins: list[list[float]] = [[] for _ in range(96)]
    for t in range(problem.steps):
        local = dt_util.as_local(data.step_start(t))
        bins[(local.hour * 60 + local.minute) // 15].append(float(problem.tariff.import_price[t]))
    mean = float(np.mean(problem.tariff.import_price))
    profile = [round(float(np.mean(b)), 5) if b else mean for b in bins]
    assumptions.append("every simulated day has the prices of the plan's horizon")

    scenario: dict[str, Any] = {
        "name": f"{coordinator.config_entry.title} (what-if)",
        "location": {"latitude": hass.config.latitude, "longitude": hass.config.longitude, "timezone": str(tz)},
        "start": dt_util.now().date().isoformat(),
        "replan_minutes": 60, "forecast_error": 0.0,
        "grid": {"fuse_a": round(amps_from_kw(limit, phases), 1), "phases": phases,
                 "export_limit_kw": float(np.max(problem.site.export_limit_kw))},
        "prices": {"kind": "profile", "profile": profile,
                   "export": {"factor": float(config.get(CONF_EXPORT_PRICE_FACTOR, 0.0)),
                              "offset": float(config.get(CONF_EXPORT_PRICE_FIXED, 0.0))}},
        "base_load": {"scale": round(max(float(np.mean(problem.base_load_kw)), 0.05)
                                     / float(np.mean(HOUSE_PROFILE_KW)), 3)},
        "weather": {"seed": 1, "mean_cloud": 0.4},
    }
    if (peak := float(np.max(problem.pv_kw))) > 0:
        scenario["pv"] = [{"kwp": round(peak / PV_PEAK_SHARE, 2)}]
        scenario["inverter"] = {"ac_limit_kw": round(peak / PV_PEAK_SHARE, 2)}
        assumptions.append(f"PV of {peak / PV_PEAK_SHARE:.1f} kWp facing south, with simulated weather")
    else:
        scenario["pv"] = []
    batteries = problem.of_kind(Battery)
    if batteries:
        b = batteries[0]
        scenario["battery"] = {"capacity_kwh": b.capacity_kwh, "max_charge_kw": b.max_charge_kw,
                               "max_discharge_kw": b.max_discharge_kw,
                               "initial_soc": round(b.soc_kwh / b.capacity_kwh * 100, 1),
                               "min_soc": round(b.min_soc_kwh / b.capacity_kwh * 100, 1)}
    chargers, appliances = [], []
    for sub_id, sub in coordinator.config_entry.subentries.items():
        d = sub.data
        if sub.subentry_type == SUBENTRY_EV_CHARGER:
            goal = coordinator.goal(sub_id)
            chargers.append({
                "name": sub.title, "phases": int(d.get(CONF_PHASES, 3)), "min_a": float(d.get(CONF_MIN_CURRENT_A, 6)),
                "max_a": float(d[CONF_MAX_CURRENT_A]), "car_capacity_kwh": float(d.get(CONF_EV_CAPACITY_KWH) or 60),
                "schedule": [{"arrive": EVENING_ARRIVAL, "leave": goal.departure.strftime("%H:%M"),
                              "arrival_soc": ARRIVAL_SOC, "target_soc": goal.target_soc}]})
        elif sub.subentry_type == SUBENTRY_APPLIANCE:
            steps = max(1, round(float(d[CONF_RUN_MINUTES]) / 5))
            appliances.append({"name": sub.title, "profile_kw": [float(d[CONF_RUN_POWER_KW])] * steps,
                               "earliest": d.get(CONF_EARLIEST_START, "00:00:00")[:5],
                               "latest_finish": d.get(CONF_LATEST_FINISH, "23:59:00")[:5]})
    if chargers:
        assumptions.append(f"every car comes home at {EVENING_ARRIVAL} with {ARRIVAL_SOC:.0f} % and leaves at its "
                           "departure time, every day")
    scenario["chargers"] = chargers
    scenario["appliances"] = appliances
    return scenario, assumptions
