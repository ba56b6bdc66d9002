"""The bound: never above what any policy reaches on the shipped homes, and exact on a tiny case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custom_components.headroom.simulator.bound import bound
from custom_components.headroom.simulator.quality import evaluate
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


def tiny_home() -> Scenario:
    """A 0.05 kW house and one car on a night tariff (0.10 until 06:00, 0.30 after), one day."""
    return Scenario.from_json(
        {
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
    )


def test_the_bound_at_a_given_end_pays_for_the_energy_it_must_hold() -> None:
    """Asked to end the day with 5 kWh more in the evening car, the tiny home buys them at 0.30 and
    they are worth 0.25 each at the end: 0.25 dearer than the free bound, and never below it."""
    home = tiny_home()
    free = bound(home, 1)
    pinned = bound(home, 1, stored_gain_kwh=5.0)
    assert pinned.status == "optimal"
    assert pinned.cost == pytest.approx(free.cost + 5.0 * (0.30 - 0.25), abs=1e-6)


def test_the_bound_at_headrooms_end_is_between_the_bound_and_headroom() -> None:
    """On the Dutch home (a car plugged in at the end, a battery) the bound at Headroom's own end
    state is no lower than the free bound and no higher than Headroom."""
    home = scenario("dutch_home")
    result = run(home, "headroom", 1, forecast_error=0.0)
    assert result.outcome is not None
    free = bound(home, 1)
    same_end = bound(home, 1, stored_gain_kwh=result.outcome.stored_gain_kwh)
    assert free.cost - 1e-6 <= same_end.cost <= result.fair_cost + 1e-6


def test_the_bound_on_a_tiny_home_is_the_hand_computed_optimum() -> None:
    """A 0.05 kW house and one car on a night tariff (0.10 until 06:00, 0.30 after), one day: the
    best any policy can do is the house at its prices plus the car's need at 0.10; the car that
    comes in the evening is left for the next night (0.30 now is dearer than the 0.25 mean a kWh
    stored at the end is worth)."""
    home = tiny_home()
    visit = next(v for v in home.build().chargers[0].visits if v.arrival < home.start < v.departure)
    needed_kwh = (visit.target_soc - visit.arrival_soc) / 100 * 60
    assert needed_kwh < 6 * 11.04  # the night is long enough at 16 A on three phases
    house = 0.05 * (6 * 0.10 + 18 * 0.30)
    floor = bound(home, 1)
    assert floor.cost == pytest.approx(house + needed_kwh * 0.10, abs=1e-6)
    assert floor.accounting.stored_per_kwh == pytest.approx(0.25)


def test_the_quality_report_splits_the_days_end_off_the_gap() -> None:
    """``evaluate`` reports Headroom's capture against the bound at its own end state beside the
    plain capture: the end's worth to perfect foresight taken out, it is no lower, and still at most 1."""
    answer = evaluate(scenario("dutch_home"), 1, 0.2, [1])
    headroom = answer["policies"]["headroom"]
    same_end, plain = headroom["capture_same_end"], headroom["capture"]
    assert plain["worst"] - 1e-3 <= same_end["worst"] <= 1.0 + 1e-3
    assert plain["mean"] - 1e-3 <= same_end["mean"] <= 1.0 + 1e-3
