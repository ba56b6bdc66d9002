"""Appliances as their integrations make them: found, read and started the way each integration allows.

Every fixture names its source: repository, files and commit (or the Home Assistant release a core
integration was read from, 2025.4.4 as installed in this venv). The action schema below is rewritten from
the integration's own services.py / services.yaml.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.headroom.const import DOMAIN

from .conftest import SITE
from .realdevices import Device, Ent, Installed, install
from .test_devices import replan

CONFIG = EntityCategory.CONFIG

# source: home-assistant/core 2025.4.4 homeassistant/components/home_connect/services.yaml (the dishwasher
# programs ``set_program_and_options`` accepts, by translation key) and services.py
# (SERVICE_PROGRAM_AND_OPTIONS_SCHEMA: device_id, affects_to active_program | selected_program, program,
# options by translation key; b_s_h_common_option_start_in_relative in seconds, >= 0). No commit in the
# installed wheel: the release is the reference.
DISHWASHER_PROGRAMS = [
    "dishcare_dishwasher_program_pre_rinse",
    "dishcare_dishwasher_program_auto_1",
    "dishcare_dishwasher_program_auto_2",
    "dishcare_dishwasher_program_auto_3",
    "dishcare_dishwasher_program_eco_50",
    "dishcare_dishwasher_program_quick_45",
    "dishcare_dishwasher_program_intensiv_70",
    "dishcare_dishwasher_program_normal_65",
    "dishcare_dishwasher_program_glas_40",
    "dishcare_dishwasher_program_glass_care",
    "dishcare_dishwasher_program_night_wash",
    "dishcare_dishwasher_program_quick_65",
    "dishcare_dishwasher_program_normal_45",
]
HOME_CONNECT_SET_PROGRAM_AND_OPTIONS = vol.Schema(
    {
        vol.Required("device_id"): str,
        vol.Required("affects_to"): vol.In(["active_program", "selected_program"]),
        vol.Optional("program"): vol.In(DISHWASHER_PROGRAMS),
        vol.Optional("b_s_h_common_option_start_in_relative"): vol.All(int, vol.Range(min=0)),
    }
)


# source: home-assistant/core 2025.4.4 homeassistant/components/home_connect/entity.py (unique id
# "<ha_id>-<BSH key>"), select.py (``selected_program`` / ``active_program``, options the programs'
# translation keys), binary_sensor.py (``remote_start`` from BSH.Common.Status.RemoteControlStartAllowed),
# sensor.py (``operation_state``: enum inactive, ready, delayedstart, run, pause, actionrequired, finished,
# error, aborting), switch.py (``power``: BSH.Common.Setting.PowerState, the appliance's on/standby).
def home_connect_dishwasher(hass: HomeAssistant) -> Installed:
    ha_id = "BOSCH-SMV6ZCX49E-68A40E000000"
    states = [
        "inactive",
        "ready",
        "delayedstart",
        "run",
        "pause",
        "actionrequired",
        "finished",
        "error",
        "aborting",
    ]
    return install(
        hass,
        "home_connect",
        [Device(key="main", name="Dishwasher", identifiers=(("home_connect", ha_id),), manufacturer="BOSCH")],
        [
            Ent(
                domain="switch",
                object_id="dishwasher_power",
                unique_id=f"{ha_id}-BSH.Common.Setting.PowerState",
                translation_key="power",
                state="on",
            ),
            Ent(
                domain="select",
                object_id="dishwasher_selected_program",
                unique_id=f"{ha_id}-BSH.Common.Root.SelectedProgram",
                translation_key="selected_program",
                state="dishcare_dishwasher_program_eco_50",
                attributes={"options": DISHWASHER_PROGRAMS},
            ),
            Ent(
                domain="select",
                object_id="dishwasher_active_program",
                unique_id=f"{ha_id}-BSH.Common.Root.ActiveProgram",
                translation_key="active_program",
                state="unknown",
                attributes={"options": DISHWASHER_PROGRAMS},
            ),
            Ent(
                domain="binary_sensor",
                object_id="dishwasher_remote_start",
                unique_id=f"{ha_id}-BSH.Common.Status.RemoteControlStartAllowed",
                translation_key="remote_start",
                state="on",
            ),
            Ent(
                domain="sensor",
                object_id="dishwasher_operation_state",
                unique_id=f"{ha_id}-BSH.Common.Status.OperationState",
                translation_key="operation_state",
                state="ready",
                device_class="enum",
                attributes={"options": states},
            ),
        ],
    )


async def _active_home(hass: HomeAssistant) -> MockConfigEntry:
    hass.states.async_set("sensor.grid_power", "600", {"unit_of_measurement": "W", "device_class": "power"})
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={**SITE, "control_mode": "active", "grid_power_entity": "sensor.grid_power"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _add_discovered_appliance(
    hass: HomeAssistant, entry: MockConfigEntry, device_id: str, form: dict[str, Any]
) -> dict[str, Any]:
    """The person adds an appliance, picks the discovered one and confirms the form: the stored data."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "appliance"), context={"source": "user"}
    )
    assert result["step_id"] == "user"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"discovered": device_id}
    )
    assert result["step_id"] == "device"
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], form)
    await hass.async_block_till_done(wait_background_tasks=True)
    sub = next(s for s in hass.config_entries.async_get_entry(entry.entry_id).subentries.values())
    return dict(sub.data)


NIGHT_RUN = {
    "name": "Dishwasher",
    "run_power_kw": 2.0,
    "run_minutes": 60,
    "earliest_start": "00:00:00",
    "latest_finish": "06:00:00",
    "allow_switch_off": False,
}


async def test_home_connect_starts_the_selected_program_when_the_plan_says_run(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to("2026-11-22 18:00:00-08:00")
    dishwasher = home_connect_dishwasher(hass)
    started: list[dict[str, Any]] = []

    async def set_program_and_options(call: ServiceCall) -> None:
        started.append(HOME_CONNECT_SET_PROGRAM_AND_OPTIONS(dict(call.data)))
        hass.states.async_set("sensor.dishwasher_operation_state", "run", {"device_class": "enum"})

    hass.services.async_register("home_connect", "set_program_and_options", set_program_and_options)
    entry = await _active_home(hass)
    data = await _add_discovered_appliance(hass, entry, dishwasher.devices["main"], NIGHT_RUN)
    # Discovery: started by Home Connect's action on this device, never by the appliance's power switch.
    assert data["control_adapter"] == "home_connect"
    assert data["vendor_device_id"] == dishwasher.devices["main"]
    assert data["program_entity"] == "select.dishwasher_selected_program"
    assert data["remote_start_entity"] == "binary_sensor.dishwasher_remote_start"
    assert "switch_entity" not in data

    start = dt_util.parse_datetime(hass.states.get("sensor.dishwasher_planned_start").state)
    assert start is not None and 0 <= dt_util.as_local(start).hour < 5
    await replan(hass)
    assert started == []  # not before its planned start

    # At the planned start, remote start off (nobody pressed it on the appliance): nothing is sent.
    hass.states.async_set("binary_sensor.dishwasher_remote_start", "off")
    freezer.move_to(start + timedelta(minutes=1))
    await replan(hass)
    assert started == []
    # Remote start allowed: the selected program is started, exactly as Home Connect's action takes it.
    hass.states.async_set("binary_sensor.dishwasher_remote_start", "on")
    await replan(hass)
    assert started == [
        {
            "device_id": dishwasher.devices["main"],
            "affects_to": "active_program",
            "program": "dishcare_dishwasher_program_eco_50",
        }
    ]
    # Running now (operation state run): never started twice, never stopped.
    freezer.tick(timedelta(minutes=20))
    await replan(hass)
    assert len(started) == 1
    assert hass.states.get("sensor.dishwasher_planned_power") is not None


# source: home-assistant/core 2025.4.4 homeassistant/components/shelly/{entity,switch,sensor}.py (Gen2+
# RPC: the relay "<mac>-switch:0", its sensors "<mac>-switch:0-<attribute>": ``power`` W, ``energy`` Wh,
# ``voltage`` V; the device's own sensors "<mac>-sys-..." are diagnostic).
def shelly_plug(hass: HomeAssistant) -> Installed:
    mac = "80646F81E1A4"
    return install(
        hass,
        "shelly",
        [Device(key="main", name="Dishwasher plug", identifiers=(("shelly", mac),), manufacturer="Shelly")],
        [
            Ent(
                domain="sensor",
                object_id="dishwasher_plug_voltage",
                unique_id=f"{mac}-switch:0-voltage",
                state=231.4,
                device_class="voltage",
                unit="V",
            ),
            Ent(
                domain="sensor",
                object_id="dishwasher_plug_energy",
                unique_id=f"{mac}-switch:0-energy",
                state=15230.0,
                device_class="energy",
                unit="Wh",
            ),
            Ent(
                domain="sensor",
                object_id="dishwasher_plug_power",
                unique_id=f"{mac}-switch:0-power",
                state=0.4,
                device_class="power",
                unit="W",
            ),
            Ent(domain="switch", object_id="dishwasher_plug", unique_id=f"{mac}-switch:0", state="off"),
        ],
    )


# source: emontnemery/hatasmota hatasmota/entity.py @ commit da4b3d8fceb50708c631aa7e5679c8a88c96cc93
# (unique id "<mac>_<platform>_<endpoint>_<idx>"), hatasmota/sensor.py @ commit
# 0efa72c65945fdd3c8229ded78026d2be5042193 ("<mac>_sensor_sensor_<ENERGY_Power>"), with
# home-assistant/core 2025.4.4 homeassistant/components/tasmota/sensor.py (Power: device class power;
# ApparentPower: apparent_power in VA).
def tasmota_plug(hass: HomeAssistant) -> Installed:
    mac = "00000049A3BC"
    return install(
        hass,
        "tasmota",
        [Device(key="main", name="Dryer plug", identifiers=(("mac", mac),), manufacturer="Tasmota")],
        [
            Ent(
                domain="sensor",
                object_id="dryer_plug_energy_apparentpower",
                unique_id=f"{mac}_sensor_sensor_ENERGY_ApparentPower",
                state=12,
                device_class="apparent_power",
                unit="VA",
            ),
            Ent(
                domain="sensor",
                object_id="dryer_plug_energy_power",
                unique_id=f"{mac}_sensor_sensor_ENERGY_Power",
                state=3,
                device_class="power",
                unit="W",
            ),
            Ent(domain="switch", object_id="dryer_plug", unique_id=f"{mac}_switch_relay_0", state="off"),
        ],
    )


async def test_shelly_and_tasmota_plugs_are_proposed_with_their_relay_and_active_power(
    hass: HomeAssistant, home: None
) -> None:
    from custom_components.headroom.discovery import async_candidates

    shelly = shelly_plug(hass)
    tasmota = tasmota_plug(hass)
    found = {c.device_id: c for c in async_candidates(hass, "appliance")}
    assert found[shelly.devices["main"]].fields == {
        "switch_entity": "switch.dishwasher_plug",
        "power_entity": "sensor.dishwasher_plug_power",  # not the voltage or energy sensor
    }
    assert found[tasmota.devices["main"]].fields == {
        "switch_entity": "switch.dryer_plug",
        "power_entity": "sensor.dryer_plug_energy_power",  # active power, not apparent power
    }
    assert found[shelly.devices["main"]].label == "Dishwasher plug (Shelly)"


async def test_a_shelly_plug_is_switched_on_at_the_planned_start(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to("2026-11-22 18:00:00-08:00")
    plug = shelly_plug(hass)
    turned: list[tuple[str, dict[str, Any]]] = []

    async def switch_service(call: ServiceCall) -> None:
        turned.append(
            (call.service, vol.Schema({vol.Required("entity_id"): vol.Any(str, [str])})(dict(call.data)))
        )
        hass.states.async_set("switch.dishwasher_plug", "on" if call.service == "turn_on" else "off")

    entry = await _active_home(hass)
    # After Headroom set up (its own switches load the switch component, which registers these).
    hass.services.async_register("switch", "turn_on", switch_service)
    hass.services.async_register("switch", "turn_off", switch_service)
    data = await _add_discovered_appliance(
        hass,
        entry,
        plug.devices["main"],
        {
            **NIGHT_RUN,
            "switch_entity": "switch.dishwasher_plug",
            "power_entity": "sensor.dishwasher_plug_power",
        },
    )
    assert data["switch_entity"] == "switch.dishwasher_plug"
    start = dt_util.parse_datetime(hass.states.get("sensor.dishwasher_planned_start").state)
    assert start is not None
    await replan(hass)
    assert [s for s, _ in turned if s == "turn_on"] == []
    freezer.move_to(start + timedelta(minutes=1))
    await replan(hass)
    assert ("turn_on", {"entity_id": "switch.dishwasher_plug"}) in turned
    # Running (2 kW through the plug): never switched off, the form does not allow it.
    hass.states.async_set(
        "sensor.dishwasher_plug_power", "2000", {"unit_of_measurement": "W", "device_class": "power"}
    )
    freezer.tick(timedelta(minutes=30))
    await replan(hass)
    assert [s for s, _ in turned if s == "turn_off"] == []
