from __future__ import annotations

import dataclasses

import numpy as np

from custom_components.headroom.planner.whatif import compare

from .helpers import problem


def test_a_battery_lowers_cost_and_peak_side_by_side() -> None:
    prices = [0.1, 0.1, 0.5, 0.5]
    home = problem(4, import_price=prices, base_load_kw=[1.0, 1.0, 3.0, 3.0])
    battery = problem(
        4,
        import_price=prices,
        base_load_kw=[1.0, 1.0, 3.0, 3.0],
        devices=[
            {
                "type": "battery",
                "id": "b",
                "capacity_kwh": 10,
                "soc_kwh": 1,
                "min_soc_kwh": 1,
                "max_soc_kwh": 10,
                "max_charge_kw": 4,
                "max_discharge_kw": 3,
            }
        ],
    )
    answer = compare(home, battery)
    assert answer["variant"]["cost"] < answer["current"]["cost"]
    assert answer["difference"]["cost"] < 0
    assert answer["current"]["peak_import_kw"] == 3.0


def test_a_lower_fuse_shows_the_shortfall() -> None:
    ev = {
        "type": "ev",
        "id": "car",
        "arrival": 0,
        "departure": 4,
        "energy_kwh": 40,
        "max_kw": 11,
        "min_kw": 0,
    }
    home = problem(4, import_limit_kw=11.0, devices=[ev])
    lower = dataclasses.replace(home, site=dataclasses.replace(home.site, import_limit_kw=np.full(4, 5.0)))
    answer = compare(home, lower)
    assert answer["current"]["ev_shortfall_kwh"] == 0
    assert answer["variant"]["ev_shortfall_kwh"] == 20.0
