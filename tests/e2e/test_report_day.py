"""A simulated day in the demo home, what happened: Headroom drives the home (active) for 24 hours,
and the same day runs again with nobody driving (off: both cars at full current from arrival, the
dishwasher started when its window opens). The report scenario (``report_home.json``) is the demo
home on a 35 A connection, so that the off run's two cars at full power do not trip the fuse
(Headroom still plans under 25 A), and both runs have the same day's consumption to compare.

The off run is the simulator's home stepped on its own (as in ``test_demo_home``) and accounted by
the same HA-free meter Headroom's ledger uses, at the prices Headroom's ledger says applied. The
saving Headroom wrote to the recorder's statistics, business as usual (its counterfactual on the
active day) minus the realised cost, must equal the off run's cost minus the active run's.

Within five cents: the dishwasher's power sensor shows the run's first tick late, so the sensors
miss a little of its energy that the off run holds. Without the counterfactual (business as usual =
what happened) the saving would be 0 and the test fails."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import get_instance
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import async_wait_recording_done

from custom_components.headroom.policy.accounting import Meter, Sample, StepRecord

NOON = "2026-11-23 12:00:00-08:00"
SCENARIO = Path(__file__).parent / "report_home.json"
TICK = timedelta(minutes=5)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: Any) -> None:
    """The recorder first (it must come before ``hass``), then HA may load headroom and headroom_sim."""


def off_run_cost(hass: HomeAssistant, demo: Any, prices: dict[Any, tuple[float, float]]) -> tuple[float, Any]:
    """The same day with nobody driving, accounted like Headroom's ledger: each tick's grid power
    read when the tick is over and held until the next read."""
    from custom_components.headroom_sim import DemoHome

    off = DemoHome(hass, demo.scenario, 1.0, person_starts=True)
    for charger in off.home.chargers:
        charger.allowed_a = charger.max_a
    meter = Meter(15)
    steps: list[StepRecord] = []
    noon = dt_util.parse_datetime(NOON)
    assert noon is not None
    clock = start = dt_util.as_utc(noon)  # the simulator's clock is UTC, as Home Assistant's
    while clock < start + timedelta(hours=24):
        off._step(clock, TICK.total_seconds() / 3600)
        clock += TICK
        # Priced like the ledger: a read holds from its moment, at the price of that moment's hour.
        hour = clock.replace(minute=0, second=0, microsecond=0)
        import_price, export_price = prices.get(dt_util.as_utc(hour), (0.0, 0.0))
        sample = Sample(
            moment=clock, grid_kw=off.grid_kw, import_price=import_price, export_price=export_price
        )
        steps += meter.add(sample)
    return sum(s.cost for s in steps), off


async def test_the_saving_in_the_statistics_is_what_driving_the_home_saved(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOON)
    assert await async_setup_component(
        hass,
        "headroom_sim",
        {"headroom_sim": {"setup_headroom": True, "replan_minutes": 15, "scenario": str(SCENARIO)}},
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    demo = hass.data["headroom_sim"]
    entry = hass.config_entries.async_entries("headroom")[0]
    start = dt_util.utcnow()
    end = start + timedelta(hours=24)
    visits = {c.name: [v for v in c.visits if start <= v.arrival < end] for c in demo.home.chargers}
    for _ in range(24 * 12):
        freezer.tick(TICK)
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)

    await async_wait_recording_done(hass)
    ids = {"headroom:saving", "headroom:realised_cost", "headroom:business_as_usual_cost"}
    rows = await get_instance(hass).async_add_executor_job(
        statistics_during_period, hass, start, None, ids, "hour", None, {"state", "sum"}
    )
    assert len(rows["headroom:saving"]) == 24  # every hour of the day, all settled (the cars left)
    saving = sum(r["state"] for r in rows["headroom:saving"])
    realised = sum(r["state"] for r in rows["headroom:realised_cost"])
    assert rows["headroom:saving"][-1]["sum"] == pytest.approx(saving)

    ledger = entry.runtime_data.ledger
    prices = {
        dt_util.as_utc(k): (h.record.import_price, h.record.export_price) for k, h in ledger.hours.items()
    }
    off_cost, off = off_run_cost(hass, demo, prices)
    assert off.home.grid.trips == 0 and demo.home.grid.trips == 0
    print(
        f"\nReport home, one day: realised {realised:.2f} EUR (the simulator counts {demo.cost:.2f}), "
        f"off run {off_cost:.2f} EUR (the simulator counts {off.cost:.2f}); saving in the statistics "
        f"{saving:.2f} EUR, the two runs differ by {off_cost - realised:.2f} EUR"
    )
    assert saving == pytest.approx(off_cost - realised, abs=0.05)
    assert saving > 0.2 * off_cost  # a real saving: night charging instead of on arrival
    # Headroom's own account of the active day agrees with the simulator's (which prices each
    # 15 minutes where the price sensor publishes hours).
    assert realised == pytest.approx(demo.cost, rel=0.03)

    report = await hass.services.async_call(
        "headroom",
        "report",
        {"start": start.isoformat(), "end": end.isoformat()},
        blocking=True,
        return_response=True,
    )
    assert report is not None
    assert report["saving"] == pytest.approx(saving, abs=0.01)
    assert report["realised_cost"] == pytest.approx(realised, abs=0.01)
    assert report["seconds_above_limit"] == 0 and report["peak_kw"] <= report["limit_kw"]
    assert report["business_as_usual_steps_above_limit"] > 0  # both cars at once would not fit
    sessions = {s["device"]: s for s in report["goals"]["sessions"]}
    for charger in demo.home.chargers:
        (visit,) = visits[charger.name]
        ((_, soc, target),) = charger.departures
        received = (soc - visit.arrival_soc) / 100 * charger.car_capacity_kwh
        session = sessions[f"Charger {charger.name}"]
        assert session["met"] is (charger.goals_met == 1)
        assert session["delivered_kwh"] == pytest.approx(received, abs=0.6), charger.name
        assert session["asked_kwh"] == pytest.approx(
            (target - visit.arrival_soc) / 100 * charger.car_capacity_kwh, abs=0.6
        )
    dishwasher = sessions["Dishwasher"]
    assert dishwasher["met"] and dishwasher["kind"] == "appliance"
    assert report["goals"] == {"met": 3, "missed": 0, "sessions": report["goals"]["sessions"]}
    state = hass.states.get("sensor.demo_home_saving_this_month")
    assert state is not None and state.attributes["goals_met"] == 3
    assert float(state.state) == pytest.approx(saving, abs=0.01)
