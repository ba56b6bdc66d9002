"""The home as a simulator scenario, for ``headroom.simulate``'s closed-loop answers.

What the planner knows of the home becomes a scenario of the HA-free simulator: the site's
location and fuse, today's prices as a daily profile, the PV forecast's peak as the arrays' size,
the battery, each charger with its car coming home in the evening and leaving at its departure,
the appliances in their windows, and the house's load scaled to its forecast. Assumptions are
stated in the answer. The changed home is the same scenario with the action's changes, and both
are simulated for ``days`` with Headroom planning in closed loop.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
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
from .data import HeadroomData
from .planner import Battery
from .planner.units import amps_from_kw
from .planner.whatif import BATTERY_HOURS, EV_MAX_KW
from .simulator import Scenario
from .simulator import run as run_simulation
from .simulator.models import HOUSE_PROFILE_KW

PV_PEAK_SHARE = 0.75  # a forecast's peak is about this share of the arrays' kWp
EVENING_ARRIVAL = "18:00"
ARRIVAL_SOC = 40.0
# The car of a what-if session: charged to this state of charge, with a battery at least this big.
WHAT_IF_TARGET_SOC = 80
WHAT_IF_CAR_KWH = 60.0
COMPARED = ("energy_cost", "import_kwh", "export_kwh", "peak_kw")


def snake_keys(table: Mapping[str, Any]) -> dict[str, Any]:
    """A simulator table (labels a person reads: "energy cost", "import kWh") as an answer's keys
    (snake_case, like every other answer of Headroom's actions)."""
    return {re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_"): value for key, value in table.items()}


def scenario_from_home(
    hass: HomeAssistant, coordinator: HeadroomCoordinator
) -> tuple[dict[str, Any], list[str]]:
    """The home as a simulator scenario, and the assumptions that took."""
    data = coordinator.data
    problem = data.problem
    config = coordinator.config
    assumptions = ["every simulated day has the prices of the plan's horizon"]
    phases = int(config.get(CONF_PHASE_COUNT, 3))
    scenario: dict[str, Any] = {
        "name": f"{coordinator.config_entry.title} (what-if)",
        "location": {
            "latitude": hass.config.latitude,
            "longitude": hass.config.longitude,
            "timezone": str(dt_util.get_default_time_zone()),
        },
        "start": dt_util.now().date().isoformat(),
        "replan_minutes": 60,
        "forecast_error": 0.0,
        "grid": {
            "fuse_a": round(amps_from_kw(float(np.max(problem.site.import_limit_kw)), phases), 1),
            "phases": phases,
            "export_limit_kw": float(np.max(problem.site.export_limit_kw)),
        },
        "prices": {
            "kind": "profile",
            "profile": _price_profile(data),
            "export": {
                "factor": float(config.get(CONF_EXPORT_PRICE_FACTOR, 0.0)),
                "offset": float(config.get(CONF_EXPORT_PRICE_FIXED, 0.0)),
            },
        },
        "base_load": {
            "scale": round(
                max(float(np.mean(problem.base_load_kw)), 0.05) / float(np.mean(HOUSE_PROFILE_KW)), 3
            )
        },
        "weather": {"seed": 1, "mean_cloud": 0.4},
        "pv": [],
    }
    if (peak := float(np.max(problem.pv_kw))) > 0:
        scenario["pv"] = [{"kwp": round(peak / PV_PEAK_SHARE, 2)}]
        scenario["inverter"] = {"ac_limit_kw": round(peak / PV_PEAK_SHARE, 2)}
        assumptions.append(f"PV of {peak / PV_PEAK_SHARE:.1f} kWp facing south, with simulated weather")
    if batteries := problem.of_kind(Battery):
        scenario["battery"] = _battery(batteries[0])
    scenario["chargers"] = _chargers(coordinator)
    scenario["appliances"] = _appliances(coordinator)
    if scenario["chargers"]:
        assumptions.append(
            f"every car comes home at {EVENING_ARRIVAL} with {ARRIVAL_SOC:.0f} % and leaves at its "
            "departure time, every day"
        )
    return scenario, assumptions


def _price_profile(data: HeadroomData) -> list[float]:
    """The horizon's prices by quarter hour of the local day (their mean where it has none)."""
    problem = data.problem
    bins: list[list[float]] = [[] for _ in range(96)]
    for t in range(problem.steps):
        local = dt_util.as_local(data.step_start(t))
        bins[(local.hour * 60 + local.minute) // 15].append(float(problem.tariff.import_price[t]))
    mean = float(np.mean(problem.tariff.import_price))
    return [round(float(np.mean(b)), 5) if b else mean for b in bins]


def _battery(battery: Battery) -> dict[str, Any]:
    return {
        "capacity_kwh": battery.capacity_kwh,
        "max_charge_kw": battery.max_charge_kw,
        "max_discharge_kw": battery.max_discharge_kw,
        "initial_soc": round(battery.soc_kwh / battery.capacity_kwh * 100, 1),
        "min_soc": round(battery.min_soc_kwh / battery.capacity_kwh * 100, 1),
    }


def _chargers(coordinator: HeadroomCoordinator) -> list[dict[str, Any]]:
    chargers = []
    for sub_id, sub in coordinator.config_entry.subentries.items():
        if sub.subentry_type != SUBENTRY_EV_CHARGER:
            continue
        d, goal = sub.data, coordinator.goal(sub_id)
        chargers.append(
            {
                "name": sub.title,
                "phases": int(d.get(CONF_PHASES, 3)),
                "min_a": float(d.get(CONF_MIN_CURRENT_A, 6)),
                "max_a": float(d[CONF_MAX_CURRENT_A]),
                "car_capacity_kwh": float(d.get(CONF_EV_CAPACITY_KWH) or 60),
                "schedule": [
                    {
                        "arrive": EVENING_ARRIVAL,
                        "leave": goal.departure.strftime("%H:%M"),
                        "arrival_soc": ARRIVAL_SOC,
                        "target_soc": goal.target_soc,
                    }
                ],
            }
        )
    return chargers


def _appliances(coordinator: HeadroomCoordinator) -> list[dict[str, Any]]:
    return [
        {
            "name": sub.title,
            "profile_kw": [float(sub.data[CONF_RUN_POWER_KW])]
            * max(1, round(float(sub.data[CONF_RUN_MINUTES]) / 5)),
            "earliest": sub.data.get(CONF_EARLIEST_START, "00:00:00")[:5],
            "latest_finish": sub.data.get(CONF_LATEST_FINISH, "23:59:00")[:5],
        }
        for sub in coordinator.config_entry.subentries.values()
        if sub.subentry_type == SUBENTRY_APPLIANCE
    ]


def changed_scenario(scenario: dict[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``scenario`` with the ``headroom.simulate`` fields in ``change`` applied."""
    variant: dict[str, Any] = json.loads(json.dumps(scenario))
    if "battery_capacity_kwh" in change:
        capacity = change["battery_capacity_kwh"]
        power = change.get("battery_power_kw", capacity / BATTERY_HOURS)
        now = scenario.get("battery") or {"initial_soc": 20, "min_soc": 10}  # the same state of charge
        variant["battery"] = {
            "capacity_kwh": capacity,
            "max_charge_kw": power,
            "max_discharge_kw": power,
            "initial_soc": now["initial_soc"],
            "min_soc": now["min_soc"],
        }
    if "import_limit_kw" in change:
        variant["grid"]["fuse_a"] = round(
            amps_from_kw(change["import_limit_kw"], variant["grid"]["phases"]), 1
        )
    prices = variant["prices"]
    if "price_factor" in change:
        prices["profile"] = [p * change["price_factor"] for p in prices["profile"]]
    if "import_price" in change:
        prices["profile"] = [change["import_price"]] * len(prices["profile"])
    if "ev_energy_kwh" in change:
        variant["chargers"].append(_what_if_charger(change))
    return variant


def _what_if_charger(change: Mapping[str, Any]) -> dict[str, Any]:
    """A three-phase charger whose car comes and goes as asked, every day, wanting the energy asked."""
    energy = change["ev_energy_kwh"]
    capacity = max(WHAT_IF_CAR_KWH, energy / (WHAT_IF_TARGET_SOC / 100))
    return {
        "name": "what_if_ev",
        "phases": 3,
        "min_a": 6,
        "max_a": round(amps_from_kw(change.get("ev_max_power_kw", EV_MAX_KW), 3)),
        "car_capacity_kwh": capacity,
        "schedule": [
            {
                "arrive": _local_time(change["ev_arrival"]),
                "leave": _local_time(change["ev_departure"]),
                "arrival_soc": WHAT_IF_TARGET_SOC - energy / capacity * 100,
                "target_soc": WHAT_IF_TARGET_SOC,
            }
        ],
    }


def _local_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt_util.get_default_time_zone())
    return dt_util.as_local(moment).strftime("%H:%M")


async def async_closed_loop(
    hass: HomeAssistant, coordinator: HeadroomCoordinator, change: Mapping[str, Any]
) -> dict[str, Any]:
    """The home and the changed home, each simulated for ``change["days"]`` with Headroom planning
    in closed loop, side by side."""
    current, assumptions = scenario_from_home(hass, coordinator)
    variant = changed_scenario(current, change)
    days = int(change["days"])

    def simulate() -> dict[str, Any]:
        now = snake_keys(run_simulation(Scenario.from_json(current), "headroom", days).table())
        then = snake_keys(run_simulation(Scenario.from_json(variant), "headroom", days).table())
        return {
            "mode": "closed_loop",
            "days": days,
            "current": now,
            "variant": then,
            "difference": {k: round(then[k] - now[k], 3) for k in COMPARED},
            "assumptions": assumptions,
        }

    return await hass.async_add_executor_job(simulate)
