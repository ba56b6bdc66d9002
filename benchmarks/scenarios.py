"""Synthetic but realistic planning problems (format 1), for the examples and the benchmarks.

``python -m benchmarks.scenarios`` rewrites ``examples/*.json`` from these generators.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

START = "2026-03-02T12:00:00+01:00"


def day_ahead_prices(
    steps: int, step_minutes: int, rng: np.random.Generator, start_hour: float = 12.0, level: float = 0.25
) -> list[float]:
    """Hourly prices with a morning and an evening peak, a cheap night and some noise."""
    prices = []
    hourly: dict[int, float] = {}
    for t in range(steps):
        hour_index = int((start_hour * 60 + t * step_minutes) // 60)
        if hour_index not in hourly:
            h = hour_index % 24
            shape = (
                0.6
                + 0.35 * math.exp(-((h - 8) ** 2) / 4)
                + 0.55 * math.exp(-((h - 19) ** 2) / 5)
                - 0.25 * math.exp(-((h - 3) ** 2) / 6)
                - 0.2 * math.exp(-((h - 13) ** 2) / 5)
            )
            hourly[hour_index] = round(level * shape + rng.normal(0, 0.015), 4)
        prices.append(hourly[hour_index])
    return prices


def pv_profile(
    steps: int, step_minutes: int, kwp: float, rng: np.random.Generator, start_hour: float = 12.0
) -> list[float]:
    out = []
    for t in range(steps):
        h = (start_hour + t * step_minutes / 60) % 24
        sun = max(0.0, math.sin(math.pi * (h - 6.5) / 13))
        out.append(round(kwp * 0.8 * sun**1.5 * rng.uniform(0.7, 1.0), 3))
    return out


def base_load(
    steps: int, step_minutes: int, rng: np.random.Generator, start_hour: float = 12.0, scale: float = 1.0
) -> list[float]:
    out = []
    for t in range(steps):
        h = (start_hour + t * step_minutes / 60) % 24
        level = 0.3 + 0.5 * math.exp(-((h - 7.5) ** 2) / 2) + 1.0 * math.exp(-((h - 19) ** 2) / 4)
        out.append(round(scale * level * rng.uniform(0.8, 1.3), 3))
    return out


def header(steps: int, step_minutes: int, **site: Any) -> dict[str, Any]:
    return {"version": 1, "start": START, "step_minutes": step_minutes, "steps": steps, "site": site}


def step_of(hours_after_start: float, step_minutes: int) -> int:
    return round(hours_after_start * 60 / step_minutes)


def random_home(seed: int, steps: int = 192, step_minutes: int = 15) -> dict[str, Any]:
    """2 EVs, a battery, PV and 2 appliances: the home the integration plans every few minutes."""
    rng = np.random.default_rng(seed)
    prices = day_ahead_prices(steps, step_minutes, rng)
    p = header(steps, step_minutes, import_limit_kw=17.3, export_limit_kw=10.0)
    p["tariff"] = {
        "import_price": prices,
        "export_price": [round(max(0.0, x * 0.4 - 0.02), 4) for x in prices],
    }
    p["base_load_kw"] = base_load(steps, step_minutes, rng)
    p["pv_kw"] = pv_profile(steps, step_minutes, float(rng.choice([5.0, 8.0, 10.0])), rng)
    evening = step_of(6 + rng.uniform(0, 2), step_minutes)
    p["devices"] = [
        {
            "type": "ev",
            "id": "ev_a",
            "arrival": evening,
            "departure": evening + step_of(13, step_minutes),
            "energy_kwh": round(float(rng.uniform(15, 45)), 1),
            "max_kw": 11.0,
            "min_kw": 4.14,
        },
        {
            "type": "ev",
            "id": "ev_b",
            "arrival": evening + step_of(1, step_minutes),
            "departure": evening + step_of(12, step_minutes),
            "energy_kwh": round(float(rng.uniform(10, 30)), 1),
            "max_kw": 7.4,
            "min_kw": 1.38,
            "phases": [1],
        },
        {
            "type": "battery",
            "id": "battery",
            "capacity_kwh": 10.0,
            "soc_kwh": round(float(rng.uniform(2, 8)), 1),
            "min_soc_kwh": 1.0,
            "max_soc_kwh": 10.0,
            "max_charge_kw": 5.0,
            "max_discharge_kw": 5.0,
            "charge_efficiency": 0.95,
            "discharge_efficiency": 0.95,
            "cycle_cost_per_kwh": 0.02,
        },
        {
            "type": "appliance",
            "id": "dishwasher",
            "profile_kw": [2.0] * 2 + [0.15] * 4 + [1.8] * 2,
            "windows": [[step_of(8, step_minutes), step_of(20, step_minutes)]],
        },
        {
            "type": "appliance",
            "id": "washing_machine",
            "profile_kw": [2.2, 0.5, 0.5, 0.3, 0.8, 0.2],
            "windows": [
                [0, step_of(8, step_minutes)],
                [step_of(20, step_minutes), step_of(32, step_minutes)],
            ],
        },
    ]
    return p


def home_with_geyser(seed: int, steps: int = 192, step_minutes: int = 15) -> dict[str, Any]:
    """The random home plus a 150 l geyser (seed 004): a 3 kW element behind a switch, showers
    in the morning and the evening, and hot water wanted from 6:00 to 22:00."""
    p = random_home(seed, steps, step_minutes)
    rng = np.random.default_rng(seed + 1000)
    draw, comfort = [], []
    for t in range(steps):
        h = (12.0 + t * step_minutes / 60) % 24
        shower = 7.0 <= h < 7.5 or 19.0 <= h < 19.5
        draw.append(round(float(rng.uniform(5.0, 8.0)), 2) if shower else 0.0)
        comfort.append(3.0 if 6.0 <= h < 22.0 else 0.0)
    p["devices"].append(
        {
            "type": "thermal_storage",
            "id": "geyser",
            "capacity_kwh": 8.7,
            "energy_kwh": 5.0,
            "max_kw": 3.0,
            "loss_kw": 0.08,
            "draw_kw": draw,
            "comfort_kwh": comfort,
        }
    )
    return p


def depot(n_evs: int, seed: int = 1, steps: int = 96, step_minutes: int = 30) -> dict[str, Any]:
    """Seed 002: vans back from their routes, a site capacity, the site's own load, two days."""
    rng = np.random.default_rng(seed)
    prices = day_ahead_prices(steps, step_minutes, rng, start_hour=12.0, level=0.2)
    capacity = round(6.0 * n_evs + 40.0, 1)
    p = header(steps, step_minutes, import_limit_kw=capacity, breach_margin=0.2)
    p["tariff"] = {"import_price": prices}
    p["base_load_kw"] = base_load(steps, step_minutes, rng, scale=15.0 + n_evs / 2)
    p["devices"] = []
    per_day = steps * step_minutes / 60 / 24
    for i in range(n_evs):
        for day in range(int(per_day)):
            back = step_of(24 * day + 4 + rng.uniform(0, 6), step_minutes)
            leave = min(steps, back + step_of(rng.uniform(9, 14), step_minutes))
            if back >= steps - 1:
                continue
            p["devices"].append(
                {
                    "type": "ev",
                    "id": f"van{i:03d}_day{day}",
                    "arrival": back,
                    "departure": leave,
                    "energy_kwh": round(float(rng.uniform(20, 60)), 1),
                    "max_kw": 22.0,
                    "min_kw": 4.14,
                    "start_penalty": 0.0,
                }
            )
    return p


def seed000_two_evs() -> dict[str, Any]:
    """Seed 000 scenario 01: two identical sessions from hour 0; each fits the breaker alone."""
    steps, sm = 16, 15
    p = header(steps, sm, import_limit_kw=17.0)
    p["tariff"] = {"import_price": [0.30] * 4 + [0.22] * 4 + [0.12] * 4 + [0.18] * 4}
    p["base_load_kw"] = 0.8
    p["devices"] = [
        {"type": "ev", "id": "evse_1", "arrival": 0, "departure": 16, "energy_kwh": 11.0, "max_kw": 11.0},
        {"type": "ev", "id": "evse_2", "arrival": 0, "departure": 16, "energy_kwh": 11.0, "max_kw": 11.0},
    ]
    return p


def seed000_second_ev_arrives() -> dict[str, Any]:
    """The first car planned the cheap hours; the second arrives and the first must make room."""
    p = seed000_two_evs()
    first_plan = [0.0] * 8 + [11.0] * 4 + [0.0] * 4
    p["devices"] = [
        {
            "type": "ev",
            "id": "first",
            "arrival": 0,
            "departure": 16,
            "energy_kwh": 11.0,
            "max_kw": 11.0,
            "previous_power_kw": first_plan,
        },
        {"type": "ev", "id": "second", "arrival": 6, "departure": 14, "energy_kwh": 15.0, "max_kw": 11.0},
    ]
    return p


def seed000_ev_pv_asymmetric() -> dict[str, Any]:
    """EV + PV; importing costs 0.30, exporting earns 0.05: curtailing the car means cheap export."""
    steps, sm = 32, 15
    rng = np.random.default_rng(0)
    p = header(steps, sm, import_limit_kw=11.0, export_limit_kw=5.0)
    p["tariff"] = {"import_price": 0.30, "export_price": 0.05}
    p["base_load_kw"] = 0.5
    p["pv_kw"] = pv_profile(steps, sm, 9.0, rng, start_hour=9.0)
    p["start"] = "2026-06-01T09:00:00+02:00"
    p["devices"] = [
        {
            "type": "ev",
            "id": "car",
            "arrival": 0,
            "departure": 32,
            "energy_kwh": 20.0,
            "max_kw": 11.0,
            "min_kw": 4.14,
        }
    ]
    return p


def seed000_aggregator() -> dict[str, Any]:
    """Two EVs with happy schedules; an aggregator lowers the limit in the cheap hour H00."""
    p = seed000_two_evs()
    p["tariff"] = {"import_price": [0.10] * 4 + [0.12] * 4 + [0.20] * 8}
    p["site"]["import_limit_kw"] = [3.0] * 4 + [17.0] * 12
    return p


def home_battery_pv_appliances() -> dict[str, Any]:
    p = random_home(7, steps=96)
    p["devices"] = [d for d in p["devices"] if d["type"] != "ev"]
    return p


EXAMPLES = {
    "seed000_two_evs_one_breaker": seed000_two_evs,
    "seed000_second_ev_arrives": seed000_second_ev_arrives,
    "seed000_ev_pv_asymmetric_tariff": seed000_ev_pv_asymmetric,
    "seed000_aggregator_lowers_limit": seed000_aggregator,
    "seed002_depot_30_evs": lambda: depot(30),
    "home_battery_pv_appliances": home_battery_pv_appliances,
    "home_two_evs_battery_pv": lambda: random_home(3),
}


def main() -> None:
    folder = Path(__file__).resolve().parent.parent / "examples"
    for name, make in EXAMPLES.items():
        (folder / f"{name}.json").write_text(json.dumps(make(), indent=1) + "\n")
    (folder / "seed001_feasibility_request.json").write_text(
        json.dumps({"arrival": 4, "departure": 12, "energy_kwh": 10.0, "max_kw": 11.0}, indent=1) + "\n"
    )


if __name__ == "__main__":
    main()
