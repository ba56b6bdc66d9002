"""The simulated home's parts, and Headroom in closed loop against business as usual and the bound."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import pytest

from custom_components.headroom.planner.units import kw_from_amps
from custom_components.headroom.policy.readings import ChargerReading
from custom_components.headroom.simulator import Scenario, compare, run, sensors
from custom_components.headroom.simulator.__main__ import main
from custom_components.headroom.simulator.models import (
    Battery,
    Charger,
    Grid,
    Visit,
    clear_sky_ghi,
    sun_position,
)
from custom_components.headroom.simulator.scenario import FUSE_TRIP_FACTOR, Faults, ScenarioError

EXAMPLES = Path(__file__).parents[2] / "examples" / "simulator"


def scenario(name: str, **changes: Any) -> Scenario:
    return Scenario.from_json({**json.loads((EXAMPLES / f"{name}.json").read_text()), **changes})


def test_the_sun_over_utrecht() -> None:
    noon, _ = sun_position(datetime(2026, 6, 21, 11, 40, tzinfo=UTC), 52.09, 5.12)
    assert noon == pytest.approx(61.4, abs=0.5)  # 90 - 52.1 + 23.4
    night, _ = sun_position(datetime(2026, 6, 21, 23, 40, tzinfo=UTC), 52.09, 5.12)
    assert night < 0
    _, morning_azimuth = sun_position(datetime(2026, 6, 21, 6, 0, tzinfo=UTC), 52.09, 5.12)
    assert 60 < morning_azimuth < 120  # east
    assert clear_sky_ghi(60.0) == pytest.approx(895, abs=10) and clear_sky_ghi(-5.0) == 0.0


def test_a_battery_obeys_its_mode_within_its_limits() -> None:
    battery = Battery(capacity_kwh=10, soc_kwh=1.5, max_charge_kw=5, max_discharge_kw=5, min_soc_kwh=1.0)
    assert battery.power_for(net_load_kw=2.0, dt_h=0.25) == pytest.approx(-0.5 * 0.95 / 0.25)  # reserve
    battery.mode, battery.setpoint_kw = "forced_charge", 9.0
    assert battery.power_for(net_load_kw=2.0, dt_h=0.25) == 5.0
    battery.mode = "non_export"
    assert battery.power_for(net_load_kw=2.0, dt_h=0.25) == 0.0
    assert battery.power_for(net_load_kw=-1.5, dt_h=0.25) == 1.5


def test_a_car_takes_what_the_charger_allows() -> None:
    now = datetime(2026, 1, 1, 18, tzinfo=UTC)
    charger = Charger(
        name="c",
        phases=3,
        min_a=6,
        max_a=16,
        car_capacity_kwh=50,
        visits=[Visit(arrival=now, departure=now.replace(hour=23), arrival_soc=70.0, target_soc=80.0)],
    )
    charger.arrive_and_leave(now)
    charger.allowed_a = 4  # below the minimum: off, never 1-5 A
    charger.step(1 / 12)
    assert charger.drawing_a == 0
    charger.allowed_a = 16
    charger.step(1 / 12)
    assert charger.drawing_a == pytest.approx(16 * (1 - 30 / 300))  # ramping up takes 30 s
    charger.charge(1 / 12)
    assert charger.soc > 70.0
    # Nearly full (0.25 kWh to go): it draws only what it still takes this tick, then nothing.
    charger.soc = 79.5
    charger.step(1 / 12)
    assert charger.power_kw * (1 / 12) == pytest.approx(0.25)
    charger.charge(1 / 12)
    charger.step(1 / 12)
    assert charger.soc == pytest.approx(80.0) and charger.drawing_a == 0  # the car's own limit


def test_the_fuse_trips_and_stays_off() -> None:
    grid = Grid(fuse_a=25, phases=1, outages=[(clock(6), clock(8))])
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    grid.check(now, 5.0)
    assert grid.trips == 0 and grid.available(now, now)
    grid.check(now, 6.0)
    assert grid.trips == 1 and not grid.available(now, now)
    assert not grid.available(now.replace(hour=7, day=2), now.replace(hour=7, day=2))  # load shedding


def test_headroom_beats_business_as_usual_for_a_week_with_forecast_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The Dutch home, 7 days, forecasts 20 % off: cheaper than BAU, above the bound, every goal met."""
    answer = compare(scenario("dutch_home"), 7, forecast_error=0.2)
    results = answer["results"]
    bau, headroom, floor = results["bau"], results["headroom"], answer["bound"]
    with capsys.disabled():
        print(
            f"\nDutch home, 7 days, 20 % forecast error: comparison cost BAU {bau.fair_cost:.2f}, "
            f"Headroom {headroom.fair_cost:.2f}, bound {floor.cost:.2f}; capture {answer['capture_ratio']:.3f}"
        )
    assert floor.cost <= headroom.fair_cost <= bau.fair_cost
    assert headroom.cost < bau.cost
    assert headroom.ev_goals_met == headroom.ev_goals == bau.ev_goals
    assert headroom.fuse_trips == 0 and headroom.peak_kw <= 17.25 + 1e-6
    assert headroom.appliance_runs == bau.appliance_runs == 14
    assert headroom.outcome is not None and headroom.outcome.missed_runs == 0
    assert 0.0 < answer["capture_ratio"] <= 1.0


def test_two_evs_on_a_60_a_fuse_never_trip_it() -> None:
    answer = compare(scenario("uk_two_evs"), 2)
    bau, headroom = answer["results"]["bau"], answer["results"]["headroom"]
    assert bau.fuse_trips > 0  # both cars and the oven at once
    assert headroom.fuse_trips == 0 and headroom.peak_kw <= 13.8 + 1e-6
    assert headroom.ev_goals_met == headroom.ev_goals > 0
    assert headroom.cost < bau.cost


def test_load_shedding_is_ridden_out_with_the_battery() -> None:
    answer = compare(scenario("south_africa_load_shedding"), 2)
    bau, headroom = answer["results"]["bau"], answer["results"]["headroom"]
    assert headroom.outage_minutes == bau.outage_minutes == 2 * 2 * 150
    assert headroom.outage_minutes_covered > bau.outage_minutes_covered
    assert headroom.total_cost < bau.total_cost  # energy plus what was left unserved


def test_cli_compare_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "series.csv"
    assert (
        main(
            [
                "run",
                str(EXAMPLES / "uk_two_evs.json"),
                "--days",
                "0.5",
                "--policy",
                "headroom",
                "--csv",
                str(path),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "fuse trips" in out and "EV goals met" in out
    lines = path.read_text().splitlines()
    assert lines[0].startswith("time,price,pv_kw") and len(lines) == 1 + 12 * 12
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x"}')
    assert main(["run", str(bad)]) == 2


def test_a_driven_geyser_heats_in_the_cheap_night_and_nobody_showers_cold(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The geyser as thermal storage: Headroom moves its heating to the night tariff; its
    thermostat (business as usual) heats whenever it cools. Same showers, warm water, less money."""
    answer = compare(scenario("geyser_time_of_use"), 3)
    bau, headroom = answer["results"]["bau"], answer["results"]["headroom"]
    with capsys.disabled():
        print(
            f"\nGeyser, 3 days: BAU {bau.cost:.2f}, Headroom {headroom.cost:.2f}; cold showers "
            f"{bau.cold_showers}/{bau.showers} and {headroom.cold_showers}/{headroom.showers}"
        )
    assert headroom.showers == bau.showers == 6
    assert headroom.cold_showers == 0
    # About 7 kWh of heat a day (two 40 l showers, the tank's losses): moved from 0.28 to 0.07 that
    # is at most ~4.5 over 3 days; a 180 l tank cannot hold a whole day, so some heating stays dear.
    assert bau.cost - headroom.cost > 3.0
    assert headroom.fuse_trips == 0


def test_each_load_on_its_phase_and_a_phase_trips_alone() -> None:
    """A 1-phase charger draws on its phase, a 3-phase one on all three; the fuse trips when one
    phase is over though the whole connection is well within its rating."""
    home = scenario(
        "faults_one_phase", base_load={"scale": 0.0, "kettle_chance": 0.0, "oven_chance": 0.0}, pv=[]
    ).build()
    now = datetime(2026, 2, 2, 2, tzinfo=UTC)
    flows = home.flows(now, 0.0, 0.0, [kw_from_amps(20, 1), kw_from_amps(10, 3)], 1 / 12)
    third = kw_from_amps(10, 1)
    assert flows.phases == pytest.approx(
        (kw_from_amps(20, 1) + third + 0.05 / 3, third + 0.05 / 3, third + 0.05 / 3)
    )
    assert flows.grid == pytest.approx(sum(flows.phases))
    grid = Grid(fuse_a=25, phases=3)
    grid.check_phases(now, [kw_from_amps(28, 1), 0.5, 0.5], FUSE_TRIP_FACTOR)
    assert grid.trips == 0  # 28 A on a 25 A fuse: carried (below 1.13 x)
    grid.check_phases(now, [kw_from_amps(30, 1), 0.5, 0.5], FUSE_TRIP_FACTOR)
    assert grid.trips == 1 and kw_from_amps(30, 1) + 1.0 < grid.rating_kw


def test_the_meter_is_read_in_the_direction_the_site_is_set_to() -> None:
    """The scenario's meter counts export as positive: read with that setting, import is positive;
    with the setting left wrong, a house drawing from the grid reads as exporting."""
    sc = scenario("faults_one_phase", faults={})
    home = sc.build()
    flows = home.flows(datetime(2026, 2, 2, 19, tzinfo=UTC), 0.0, 0.0, [7.0, 0.0], 1 / 12)
    right = sensors.Sensors(home, config=sensors.site_config(sc))
    assert right.meter(flows, datetime(2026, 2, 2, 19, tzinfo=UTC))[0] == pytest.approx(flows.grid)
    assert flows.grid > 7.0
    wrong = sensors.Sensors(home, config={**sensors.site_config(sc), "grid_export_positive": False})
    total, phases = wrong.meter(flows, datetime(2026, 2, 2, 19, tzinfo=UTC))
    assert total == pytest.approx(-flows.grid) and phases[0] == pytest.approx(-flows.phases[0])


def test_unavailable_sensors_are_seeded_and_listed_as_stale() -> None:
    sc = scenario("faults_one_phase")
    home = sc.build()
    faulty = sensors.Sensors(home, Faults(unavailable={"charger_power": 1.0, "house_power": 1.0}), seed=3)
    readings = faulty.read(datetime(2026, 2, 2, 19, tzinfo=UTC), 1.0)
    assert readings.house_power_kw is None
    assert all(r.power_kw is None for r in readings.devices.values() if isinstance(r, ChargerReading))
    assert "sensor.house_power" in readings.stale
    some = sensors.Sensors(home, Faults(unavailable={"house_power": 0.3}), seed=3)
    moments = [datetime(2026, 2, 2, 19, tzinfo=UTC) + timedelta(minutes=5 * k) for k in range(400)]
    missing = [some.read(m, 1.0).house_power_kw is None for m in moments]
    assert missing == [some.read(m, 1.0).house_power_kw is None for m in moments]  # seeded
    assert 0.2 < sum(missing) / len(missing) < 0.4
    with pytest.raises(ScenarioError):
        scenario("faults_one_phase", faults={"unavailable": {"the_cat": 0.5}})
    with pytest.raises(ScenarioError):
        scenario("faults_one_phase", chargers=[{"name": "x", "phase": "L4"}])


FAULT_DAYS = 30


def test_faults_on_one_phase_for_a_month_never_trip_the_fuse(capsys: pytest.CaptureFixture[str]) -> None:
    """The closed-loop fault test (issue 13): 3x25 A, a 1-phase 32 A charger on L1 and a 3-phase one,
    the oven and kettles on L1, the chargers' power sensors a tick (5 min) late and one reading in
    ten missing, the house sensor missing one in twenty, a meter that counts export as positive (and
    is set so), forecasts 20 % off. Every tick above a phase fuse is one the house alone puts there
    (no load Headroom drives is left on it: the cut acts on the meter within the tick), the fuse
    never trips, no plan falls back to the greedy fallback, and the cars leave charged or nearly
    (a cut in the last steps before departure costs a little). Without Headroom the fuse trips."""
    sc = scenario("faults_one_phase")
    started = time.perf_counter()
    headroom = run(sc, "headroom", FAULT_DAYS)
    seconds = time.perf_counter() - started
    bau = run(sc, "bau", FAULT_DAYS)
    house_alone = run(scenario("faults_one_phase", chargers=[]), "bau", FAULT_DAYS)
    with capsys.disabled():
        print(
            f"\nFaults on one phase, {FAULT_DAYS} days ({seconds:.0f} s): trips BAU {bau.fuse_trips}, Headroom "
            f"{headroom.fuse_trips}; ticks over a phase fuse BAU {bau.over_fuse_ticks}, Headroom "
            f"{headroom.over_fuse_ticks} (the house alone {house_alone.over_fuse_ticks}); cuts {headroom.cuts}; "
            f"plans {headroom.statuses}; EV goals {headroom.ev_goals_met}/{headroom.ev_goals} "
            f"(short {headroom.ev_short_kwh:.1f} kWh, at most {headroom.ev_worst_short_percent:.1f} %), BAU {bau.ev_goals_met}/{bau.ev_goals}"
        )
    assert bau.fuse_trips > 0 and bau.over_fuse_ticks_with_loads > 0
    assert headroom.fuse_trips == 0
    assert headroom.over_fuse_ticks_with_loads == 0
    assert headroom.over_fuse_ticks == house_alone.over_fuse_ticks > 0  # spikes above the fuse happen
    assert headroom.cuts > 0
    assert headroom.statuses.get("fallback", 0) == 0
    assert set(headroom.statuses) <= {"optimal", "over_limit"}
    assert headroom.ev_goals >= 40 and headroom.ev_goals_met >= 0.7 * headroom.ev_goals
    assert headroom.ev_worst_short_percent < 5.0 and headroom.ev_short_kwh < 0.5 * headroom.ev_goals


def test_a_meter_read_in_the_wrong_direction_shows_up_as_trips() -> None:
    """The same home with the meter's direction left at import-positive: the meter seems to export,
    the cut never acts, and the kettles trip the fuse."""
    wrong = run(scenario("faults_one_phase", settings={"grid_export_positive": False}), "headroom", 7)
    assert wrong.cuts == 0
    assert wrong.over_fuse_ticks_with_loads > 0 and wrong.fuse_trips > 0
