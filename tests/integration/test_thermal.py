"""A water heater as a heat store: added through its form, planned to heat in the cheap night so
that the water is warm by the morning shower, and driven through a real helper switch."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant import config_entries
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.headroom.const import DOMAIN

from .conftest import SITE, set_price

EVENING = "2026-11-22 18:00:00-08:00"
TEMPERATURE = "sensor.geyser_temperature"
ELEMENT = "input_boolean.geyser_element"
FORM = {
    "name": "Geyser",
    "temperature_entity": TEMPERATURE,
    "switch_entity": ELEMENT,
    "volume_litres": 150,
    "min_temperature": 40,
    "comfort_temperature": 55,
    "max_temperature": 65,
    "use_times": "07:00",
    "daily_use_kwh": 2.0,
    "element_kw": 3.0,
    "modulating": False,
    "efficiency": 1.0,
    "loss_c_per_hour": 0.6,
}


@pytest.fixture(autouse=True)
def _evening(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(EVENING)


async def geyser_home(hass: HomeAssistant, temperature: float = 50.0) -> None:
    """The day-ahead prices (cheap 01:00-05:00), the water's temperature and the element's switch."""
    await set_price(hass)
    hass.states.async_set(
        TEMPERATURE, str(temperature), {"unit_of_measurement": "°C", "device_class": "temperature"}
    )
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"geyser_element": {"initial": False}}}
    )


async def setup(hass: HomeAssistant, **extra: Any) -> MockConfigEntry:
    data = {k: v for k, v in FORM.items() if k != "name"} | extra
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={**SITE, "control_mode": "active"},
        subentries_data=[
            ConfigSubentryData(subentry_type="thermal_storage", title="Geyser", unique_id=None, data=data)
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


def planned(hass: HomeAssistant) -> list[tuple[datetime, float]]:
    forecast = hass.states.get("sensor.geyser_planned_power").attributes["forecast"]
    return [(dt_util.parse_datetime(row["start"]), row["value"]) for row in forecast]


async def test_the_water_is_heated_in_the_cheap_night_for_the_morning(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await geyser_home(hass)
    await setup(hass)
    # 18:00, the dear evening: the element stays off; the water is warm enough until morning.
    assert hass.states.get(ELEMENT).state == "off"
    assert float(hass.states.get("sensor.geyser_planned_power").state) == 0.0
    heating = [(start, kw) for start, kw in planned(hass) if kw > 0]
    assert heating and all(kw == 3.0 for _, kw in heating)  # an element: off or full power
    # Only in the cheap hours (01:00-05:00 at 0.10 against 0.25 and 0.40), before the shower.
    assert all(1 <= start.hour < 5 for start, _ in heating)
    # Enough heat for the shower: from 50 °C, 13 h of 0.6 °C/h losses, to 55 °C at 07:00.
    needed = 150 * 4.186 / 3600 * (55 - (50 - 0.6 * 13))
    assert sum(kw for _, kw in heating) * 0.25 >= needed
    stored = hass.states.get("sensor.geyser_planned_energy_stored")
    assert stored is not None and float(stored.state) > 0

    # At the first planned step, with the water as cool as the plan expected, the element goes on.
    stored = hass.states.get("sensor.geyser_planned_energy_stored").attributes["forecast"]
    before = (
        next(i for i, row in enumerate(stored) if dt_util.parse_datetime(row["start"]) == heating[0][0]) - 1
    )
    expected_c = 40 + stored[before]["value"] / (150 * 4.186 / 3600)
    freezer.move_to(heating[0][0] + timedelta(minutes=1))
    hass.states.async_set(
        TEMPERATURE, f"{expected_c:.2f}", {"unit_of_measurement": "°C", "device_class": "temperature"}
    )
    await hass.services.async_call(DOMAIN, "replan", {}, blocking=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(ELEMENT).state == "on"


async def test_a_person_forces_hot_water_now(hass: HomeAssistant) -> None:
    """The plan waits for the night; a person who wants hot water now wins."""
    await geyser_home(hass)
    entry = await setup(hass)
    assert hass.states.get(ELEMENT).state == "off"
    device = next(
        d
        for d in dr.async_get(hass).devices.values()
        if (DOMAIN, next(iter(entry.subentries))) in d.identifiers
    )
    until = (dt_util.now() + timedelta(hours=2)).isoformat()
    await hass.services.async_call(
        DOMAIN, "override", {"device_id": device.id, "action": "force", "until": until}, blocking=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(ELEMENT).state == "on"
    assert float(hass.states.get("sensor.geyser_planned_power").state) == 3.0


async def test_a_cold_tank_is_heated_at_once_whatever_the_price(hass: HomeAssistant) -> None:
    """Comfort comes first: 38 °C at 18:00 with a shower at 19:00 cannot wait for a cheap hour."""
    await geyser_home(hass, temperature=38.0)
    await setup(hass, use_times="19:00")  # the evening shower, one hour away
    assert hass.states.get(ELEMENT).state == "on"


async def test_an_unreadable_temperature_leaves_the_heater_to_its_thermostat(hass: HomeAssistant) -> None:
    await geyser_home(hass)
    hass.states.async_set(TEMPERATURE, "unavailable")
    await setup(hass)
    status = hass.states.get("sensor.home_plan_status")
    assert TEMPERATURE in status.attributes["stale_inputs"]
    assert hass.states.get(ELEMENT).state == "off"  # nothing written


async def test_add_a_water_heater_through_its_form(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "thermal_storage"), context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    no_temperature = {k: v for k, v in FORM.items() if k != "temperature_entity"}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], no_temperature)
    assert result["errors"] == {"temperature_entity": "no_temperature"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**FORM, "comfort_temperature": 70}
    )
    assert result["errors"] == {"comfort_temperature": "temperatures_out_of_order"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**FORM, "use_times": "7h"}
    )
    assert result["errors"] == {"use_times": "invalid_times"}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], FORM)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert hass.states.get("sensor.geyser_planned_power") is not None
    assert hass.states.get("sensor.geyser_control").state == "advisory"
