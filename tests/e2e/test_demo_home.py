"""End to end, in process: the demo home (headroom_sim) with Headroom in ``active`` mode, time moved
through 24 simulated hours. Two cars arrive in the evening on a fuse that cannot charge both at
full power; the fuse never trips, both cars reach their goals, the dishwasher runs in its window,
and the day costs less than the same day with nobody driving (business as usual)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

NOON = "2026-11-23 12:00:00-08:00"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: Any) -> None:
    """Let HA load custom_components/headroom and headroom_sim."""


async def test_a_day_in_the_demo_home(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(NOON)
    assert await async_setup_component(
        hass, "headroom_sim", {"headroom_sim": {"setup_headroom": True, "replan_minutes": 15}}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    entries = hass.config_entries.async_entries("headroom")
    assert len(entries) == 1 and len(entries[0].subentries) == 4  # two chargers, battery, dishwasher
    assert hass.states.get("select.demo_home_control_mode").state == "active"
    demo = hass.data["headroom_sim"]

    # The same day with nobody driving: chargers at full current, the dishwasher at 20:00.
    from custom_components.headroom_sim import DemoHome

    bau = DemoHome(hass, demo.scenario, 1.0, person_starts=True)
    start = dt_util.utcnow()

    peak = 0.0
    for _ in range(24 * 12):
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        peak = max(peak, demo.grid_kw)
    for charger in bau.home.chargers:
        charger.allowed_a = charger.max_a
    clock = start
    while clock < start + timedelta(hours=24):
        bau._step(clock, 5 / 60)
        clock += timedelta(minutes=5)

    assert demo.home.grid.trips == 0 and hass.states.get("binary_sensor.sim_fuse_tripped").state == "off"
    assert peak <= demo.home.grid.rating_kw + 1e-6
    assert bau.home.grid.trips > 0  # both cars at full power and the house: the fuse goes
    for charger in demo.home.chargers:
        assert charger.goals_met == 1 and charger.goals_missed == 0, charger.name
    dishwasher = demo.home.appliances[0]
    assert dishwasher.runs == 1
    started = dishwasher.started.astimezone(demo.scenario.tz)
    assert started.hour >= 20 or started.hour < 6
    assert demo.cost < bau.cost
    print(
        f"\nDemo home, one day: Headroom {demo.cost:.2f} EUR, business as usual {bau.cost:.2f} EUR, "
        f"{bau.home.grid.trips} fuse trips without Headroom"
    )
