"""A home made of real entities: a Nord Pool style price sensor, input helpers for the car."""

from __future__ import annotations

import inspect
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation

from custom_components.headroom.const import DOMAIN

PRICE = "sensor.nordpool_kwh_nl_eur"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: Any) -> None:
    """Let HA load custom_components/headroom."""


def nordpool_attributes(now: Any, hours: int = 48, cheap_from: int = 1, cheap_to: int = 5) -> dict[str, Any]:
    """HACS Nord Pool's shape: raw_today / raw_tomorrow lists of {start, end, value} per hour."""
    midnight = dt_util.start_of_local_day(now)
    rows = []
    for h in range(hours):
        start = midnight + timedelta(hours=h)
        value = 0.10 if cheap_from <= h % 24 < cheap_to else (0.40 if 17 <= h % 24 < 21 else 0.25)
        rows.append(
            {"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat(), "value": value}
        )
    return {
        "unit_of_measurement": "EUR/kWh",
        "raw_today": rows[:24],
        "raw_tomorrow": rows[24:],
        "current_price": 0.25,
    }


async def set_price(hass: HomeAssistant, **kwargs: Any) -> None:
    now = dt_util.now()
    attributes = nordpool_attributes(now, **kwargs)
    current = next(
        r["value"]
        for r in attributes["raw_today"]
        if dt_util.parse_datetime(r["start"]) <= now < dt_util.parse_datetime(r["end"])
    )
    hass.states.async_set(PRICE, str(current), attributes)


def core_nord_pool_sensor(hass: HomeAssistant) -> MockConfigEntry:
    """Core Nord Pool's current-price sensor (SE3), registered under its config entry: its sensors
    carry no forecast, so Headroom asks ``nordpool.get_prices_for_date``."""
    source = MockConfigEntry(domain="nordpool", title="Nord Pool")
    source.add_to_hass(hass)
    er.async_get(hass).async_get_or_create(
        "sensor",
        "nordpool",
        "SE3-current_price",
        config_entry=source,
        suggested_object_id="nord_pool_se3_current_price",
    )
    hass.states.async_set("sensor.nord_pool_se3_current_price", "0.28", {"unit_of_measurement": "SEK/kWh"})
    return source


@pytest.fixture
async def home(hass: HomeAssistant) -> None:
    """The home's entities: price, a car plugged in (input_boolean) with a SoC (input_number)."""
    await set_price(hass)
    assert await async_setup_component(
        hass,
        "input_boolean",
        {
            "input_boolean": {
                "car_plugged": {"initial": True},
                "street_plugged": {"initial": False},
                "driveway_charging": {"initial": False},
                "street_charging": {"initial": False},
                "dishwasher_switch": {"initial": False},
            }
        },
    )
    assert await async_setup_component(
        hass,
        "input_number",
        {
            "input_number": {
                "car_soc": {"min": 0, "max": 100, "initial": 40, "unit_of_measurement": "%"},
                "battery_soc": {"min": 0, "max": 100, "initial": 50, "unit_of_measurement": "%"},
                "driveway_current": {
                    "min": 0,
                    "max": 16,
                    "step": 1,
                    "initial": 0,
                    "unit_of_measurement": "A",
                },
                "street_current": {"min": 0, "max": 16, "step": 1, "initial": 0, "unit_of_measurement": "A"},
                "battery_setpoint": {
                    "min": -5000,
                    "max": 5000,
                    "step": 100,
                    "initial": 0,
                    "unit_of_measurement": "W",
                },
                "driveway_power_limit": {
                    "min": 0,
                    "max": 11000,
                    "step": 1,
                    "initial": 0,
                    "unit_of_measurement": "W",
                },
            }
        },
    )
    hass.states.async_set("sensor.charger_power", "0", {"unit_of_measurement": "W", "device_class": "power"})
    hass.states.async_set("sensor.house_power", "600", {"unit_of_measurement": "W", "device_class": "power"})
    await hass.async_block_till_done()


SITE = {
    "phase_count": "3",
    "import_limit_kw": 11.0,
    "export_limit_kw": 11.0,
    "price_entity": PRICE,
    "export_price_fixed": 0.05,
    "house_power_entity": "sensor.house_power",
    "step_minutes": "15",
    "horizon_hours": 24,
    "replan_minutes": 5,
    "control_mode": "advisory",
}


def charger_subentry() -> ConfigSubentryData:
    return ConfigSubentryData(
        subentry_type="ev_charger",
        title="Driveway",
        unique_id=None,
        data={
            "charger_power_entity": "sensor.charger_power",
            "plugged_entity": "input_boolean.car_plugged",
            "ev_soc_entity": "input_number.car_soc",
            "ev_capacity_kwh": 60.0,
            "phases": "3",
            "min_current_a": 6,
            "max_current_a": 16,
            "default_energy_kwh": 20,
        },
    )


def battery_subentry() -> ConfigSubentryData:
    return ConfigSubentryData(
        subentry_type="battery",
        title="Garage battery",
        unique_id=None,
        data={
            "soc_entity": "input_number.battery_soc",
            "capacity_kwh": 10.0,
            "min_soc_percent": 10,
            "max_charge_kw": 5.0,
            "max_discharge_kw": 5.0,
        },
    )


def appliance_subentry() -> ConfigSubentryData:
    return ConfigSubentryData(
        subentry_type="appliance",
        title="Dishwasher",
        unique_id=None,
        data={
            "run_power_kw": 2.0,
            "run_minutes": 120,
            "earliest_start": "00:00:00",
            "latest_finish": "23:59:00",
        },
    )


@pytest.fixture
async def entry(hass: HomeAssistant, home: None) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data=SITE,
        subentries_data=[charger_subentry(), battery_subentry(), appliance_subentry()],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def start_subentry_reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, kind: str, subentry_id: str
) -> Any:
    """The reconfigure flow of a subentry, on Home Assistant 2025.4 (which also takes the subentry
    type) and on 2026.x (which does not)."""
    parameters = inspect.signature(entry.start_subentry_reconfigure_flow).parameters
    if "subentry_flow_type" in parameters:
        return await entry.start_subentry_reconfigure_flow(hass, kind, subentry_id)  # type: ignore[call-arg]
    return await entry.start_subentry_reconfigure_flow(hass, subentry_id)  # type: ignore[call-arg]


class PinnedSnapshots(HomeAssistantSnapshotExtension):
    """Home Assistant's snapshot format in one folder, ``__snapshots__`` beside the tests, on every
    supported version (the test plugin's own folder differs between 2025.4 and 2026.x)."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(Path(test_location.filepath).parent / "__snapshots__")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(PinnedSnapshots)
