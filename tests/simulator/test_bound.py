"""The bound: never above what any policy reaches on the shipped homes, and exact on a tiny case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custom_components.headroom.simulator.bound import bound
from custom_components.headroom.simulator.run import run
from custom_components.headroom.simulator.scenario import Scenario

EXAMPLES = Path(__file__).parents[2] / "examples" / "simulator"


def scenario(name: str) -> Scenario:
    return Scenario.from_json(json.loads((EXAMPLES / f"{name}.json").read_text()))


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.json")))
def test_the_bound_is_below_every_policy_on_the_shipped_homes(name: str) -> None:
    """A lower bound: business as usual and Headroom (on forecasts and on the truth) never cost
    less than it at the same stated prices."""
    home = scenario(name)
    floor = bound(home, 1)
    assert floor.status == "optimal"
    for policy, error in (("bau", None), ("headroom", None), ("headroom", 0.0)):
        result = run(home, policy, 1, forecast_error=error)
        assert floor.cost <= result.fair_cost + 1e-6, (policy, error, floor.cost, result.fair_cost)


def test_the_bound_on_a_tiny_home_is_the_hand_computed_optimum() -> None:
    """A 0.05 kW house and one car on a night tariff (0.10 until 06:00, 0.30 after), one day: the
    best any policy can do is the house at its prices plus the car's need at 0.10; the car that
    comes in the evening is left for the next night (0.30 now is dearer than the 0.25 mean a kWh
    stored at the end is worth)."""
    data = {
        "name": "tiny",
        "location": {"latitude": 52.0, "longitude": 5.0, "timezone": "UTC"},
        "start": "2026-03-02",
        "grid": {"fuse_a": 25, "phases": 3},
        "prices": {
            "kind": "tou",
            "peak": 0.30,
            "off_peak": 0.10,
            "off_peak_start": "00:00",
            "off_peak_end": "06:00",
        },
        "base_load": {"scale": 0.0, "kettle_chance": 0.0, "oven_chance": 0.0},
        "chargers": [
            {
                "name": "car",
                "max_a": 16,
                "car_capacity_kwh": 60,
                "schedule": [{"arrive": "20:00", "leave": "07:00", "arrival_soc": 40, "target_soc": 80}],
            }
        ],
    }
    home = Scenario.from_json(data)
    visit = next(v for v in home.build().chargers[0].visits if v.arrival < home.start < v.departure)
    needed_kwh = (visit.target_soc - visit.arrival_soc) / 100 * 60
    assert needed_kwh < 6 * 11.04  # the night is long enough at 16 A on three phases
    house = 0.05 * (6 * 0.10 + 18 * 0.30)
    floor = bound(home, 1)
    assert floor.cost == pytest.approx(house + needed_kwh * 0.10, abs=1e-6)
    assert floor.accounting.stored_per_kwh == pytest.approx(0.25)
