"""Chargers and batteries as their integrations make them, found, read and driven end to end.

Fixtures: tests/integration/test_discovery.py (OCPP from lbbrhzn/ocpp at commit a37fed39d852, Easee from
nordicopen/easee_hass at commit 0a95d0dcc1fb, GoodWe from home-assistant/core 2025.4.4 with the
goodwe library at commit c214290ea511; each fixture names its source: files). The action schemas below
are written from the integrations' own code (source: easee services.py, ocpp api.py).
"""

from __future__ import annotations

from datetime import timedelta

import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import config_validation as cv
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.discovery import async_candidates

from .conftest import SITE
from .test_devices import EVENING
from .test_discovery import easee_charger, goodwe_inverter, ocpp_charger

# source: nordicopen/easee_hass custom_components/easee/services.py @ commit
# 0a95d0dcc1fb90d182ee625e7bcc5f795460c95a: set_charger_dynamic_limit takes exactly one of device_id or
# charger_id, ``current`` an int within 0-40 A, ``time_to_live`` optional.
EASEE_DYNAMIC_LIMIT = vol.All(
    vol.Schema(
        {
            vol.Exclusive("device_id", "target"): cv.string,
            vol.Exclusive("charger_id", "target"): cv.string,
            vol.Required("current"): vol.All(vol.Coerce(int), vol.Range(min=0, max=40)),
            vol.Optional("time_to_live", default=0): cv.positive_int,
        }
    ),
    vol.Any(
        vol.Schema({vol.Required("device_id"): object}, extra=vol.ALLOW_EXTRA),
        vol.Schema({vol.Required("charger_id"): object}, extra=vol.ALLOW_EXTRA),
    ),
)


async def _site_with(
    hass: HomeAssistant, kind: str, title: str, fields: dict[str, object]
) -> MockConfigEntry:
    """Headroom active, with the device as discovery proposed it and the person confirmed it."""
    defaults = {"phases": "3", "min_current_a": 6, "max_current_a": 16, "default_energy_kwh": 20}
    if kind == "battery":
        defaults = {
            "capacity_kwh": 10.0,
            "min_soc_percent": 10,
            "max_charge_kw": 5.0,
            "max_discharge_kw": 5.0,
        }
    hass.states.async_set("sensor.grid_power", "600", {"unit_of_measurement": "W", "device_class": "power"})
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={**SITE, "control_mode": "active", "grid_power_entity": "sensor.grid_power"},
        subentries_data=[
            ConfigSubentryData(subentry_type=kind, title=title, unique_id=None, data={**defaults, **fields})
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def _fastest(hass: HomeAssistant, select: str) -> None:
    await hass.services.async_call(
        "select", "select_option", {"entity_id": select, "option": "fastest"}, blocking=True
    )
    await hass.services.async_call(DOMAIN, "replan", {}, blocking=True)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_an_ocpp_car_paused_by_headroom_is_planned_again(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    """Paused at 0 A the connector says SuspendedEVSE and the charger draws nothing: the car is still
    there, so the plan charges it and the maximum current number is raised."""
    freezer.move_to(EVENING)
    ocpp_charger(hass)
    fields = async_candidates(hass, "ev_charger")[0].fields
    hass.states.async_set(
        "number.carport_maximum_current", "0", {"min": 0, "max": 32, "step": 1, "unit_of_measurement": "A"}
    )
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    await _site_with(hass, "ev_charger", "Carport", fields)
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.carport_charge_mode")
    assert float(hass.states.get("sensor.carport_planned_power").state) > 4.0
    written = [
        c.data["service_data"]["value"]
        for c in calls
        if (c.data["domain"], c.data["service"]) == ("number", "set_value")
        and c.data["service_data"]["entity_id"] == "number.carport_maximum_current"
    ]
    assert written[-1] == 15.0  # 10.4 kW over 3 x 230 V, written to OCPP's maximum current
    # Unplugged (Available): nothing is planned.
    hass.states.async_set("sensor.carport_status_connector", "Available")
    freezer.tick(timedelta(seconds=61))
    await hass.services.async_call(DOMAIN, "replan", {}, blocking=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert float(hass.states.get("sensor.carport_planned_power").state) == 0


async def test_easee_is_driven_through_its_action_by_device(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    installed = easee_charger(hass)
    received: list[dict[str, object]] = []

    async def set_charger_dynamic_limit(call: ServiceCall) -> None:
        received.append(EASEE_DYNAMIC_LIMIT(dict(call.data)))  # refused here as Easee would refuse it

    hass.services.async_register("easee", "set_charger_dynamic_limit", set_charger_dynamic_limit)
    fields = async_candidates(hass, "ev_charger")[0].fields
    await _site_with(hass, "ev_charger", "Easee", fields)
    assert received[-1] == {"device_id": installed.devices["main"], "current": 0, "time_to_live": 0}
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.easee_charge_mode")
    assert received[-1] == {"device_id": installed.devices["main"], "current": 15, "time_to_live": 0}


async def test_goodwe_is_driven_by_its_operation_mode_never_its_export_limit(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    goodwe_inverter(hass)
    selected: list[str] = []

    async def select_option(call: ServiceCall) -> None:
        selected.append(call.data["option"])
        hass.states.async_set(
            call.data["entity_id"], call.data["option"], hass.states.get(call.data["entity_id"]).attributes
        )

    hass.services.async_register("select", "select_option", select_option)
    fields = async_candidates(hass, "battery")[0].fields
    assert "power_setpoint_entity" not in fields
    await _site_with(hass, "battery", "GW10K-ET", fields)
    assert hass.states.get("number.grid_export_limit").state == "10000"  # untouched
    mode = hass.states.get("sensor.gw10k_et_planned_mode")
    assert mode is not None
    assert hass.states.get("select.inverter_operation_mode").state in (
        "general",
        "eco_charge",
        "eco_discharge",
    )
    # A discharge-positive sensor at +2000 W reads as 2 kW discharging (-2 kW in Headroom's terms).
    from custom_components.headroom.devices import battery

    hass.states.async_set(
        "sensor.battery_power", "2000", {"unit_of_measurement": "W", "device_class": "power"}
    )
    assert battery.read(hass, {**fields, "soc_entity": "sensor.battery_state_of_charge"}).power_kw == -2.0
