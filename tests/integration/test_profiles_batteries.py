"""Home batteries and grid meters as their integrations make them: found, read the right way round
and driven end to end, with each fixture written from the integration's own source (named beside it).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant import config_entries
from homeassistant.const import EVENT_CALL_SERVICE, EntityCategory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.headroom import profiles
from custom_components.headroom.const import DOMAIN
from custom_components.headroom.devices import battery
from custom_components.headroom.discovery import async_candidates, entity_facts

from .conftest import SITE
from .realdevices import Device, Ent, Installed, install
from .test_config_flow import FORM
from .test_devices import EVENING
from .test_profiles_drive import _site_with

W = {"device_class": "power", "unit": "W"}


@pytest.fixture(autouse=True)
def _evening(freezer: FrozenDateTimeFactory) -> None:
    """The home's prices are set for this day (before the home fixture runs)."""
    freezer.move_to(EVENING)


CONFIG = EntityCategory.CONFIG


async def _echo_selects(hass: HomeAssistant) -> list[dict[str, Any]]:
    """``select.select_option`` as a select entity does it: the option becomes its state (registered
    after the select integration's own, which would otherwise replace it when Headroom loads)."""
    assert await async_setup_component(hass, "select", {})
    written: list[dict[str, Any]] = []

    async def select_option(call: ServiceCall) -> None:
        entity_id, option = call.data["entity_id"], call.data["option"]
        state = hass.states.get(entity_id)
        assert state is not None and option in state.attributes["options"]  # as SelectEntity refuses
        written.append(dict(call.data))
        hass.states.async_set(entity_id, option, state.attributes)

    hass.services.async_register("select", "select_option", select_option)
    return written


def _planned_option(hass: HomeAssistant, name: str, profile: profiles.Profile) -> str | None:
    mode = hass.states.get(f"sensor.{name}_planned_mode")
    assert mode is not None
    return profile.mode_options.get(mode.state)


# source: WillCodeForCats/solaredge-modbus-multi @ commit f0ab4b129928bac1e0167ab4e89c6f6a5ded2e2b,
# custom_components/solaredge_modbus_multi/hub.py (devices by uid_base "<model>_<serial>", the battery
# "..._B1" and meter "..._M1" hung under the inverter by via_device; names "<Hub> I1", "<Hub> I1 B1",
# "<Hub> I1 M1"), select.py (every select a config entity without translation key; options from
# const.py STORAGE_CONTROL_MODE and STORAGE_MODE), number.py (storage charge/discharge limits and site
# limit: config numbers in W), sensor.py (battery "_battery_soe" %, "_dc_power" W charging positive
# and its "_dc_power_inverted" twin; the meter's "_ac_power" W export positive and "_ac_power_inverted").
SOLAREDGE_CONTROL_MODES = [
    "Disabled",
    "Maximize Self Consumption",
    "Time of Use",
    "Backup Only",
    "Remote Control",
]
SOLAREDGE_STORAGE_MODES = [
    "Solar Power Only (Off)",
    "Charge from Clipped Solar Power",
    "Charge from Solar Power",
    "Charge from Solar Power and Grid",
    "Discharge to Maximize Export",
    "Discharge to Minimize Import",
    "Maximize Self Consumption",
]


def solaredge_inverter(hass: HomeAssistant) -> Installed:
    base = "SE10K-RWS48BEN04_7E0A1B2C"
    inverter, bat, meter = base, f"{base}_B1", f"{base}_M1"
    domain = "solaredge_modbus_multi"
    devices = [
        Device(key="main", name="Solaredge I1", identifiers=((domain, inverter),), manufacturer="SolarEdge"),
        Device(key="battery", name="Solaredge I1 B1", identifiers=((domain, bat),), via="main"),
        Device(key="meter", name="Solaredge I1 M1", identifiers=((domain, meter),), via="main"),
    ]
    limit = {"min": 0, "max": 1000000, "step": 1.0}
    entities = [
        Ent(
            domain="sensor",
            object_id="solaredge_i1_ac_power",
            unique_id=f"{inverter}_ac_power",
            state=3000,
            **W,
        ),
        Ent(
            domain="select",
            object_id="solaredge_i1_storage_control_mode",
            unique_id=f"{inverter}_storage_control_mode",
            state="Remote Control",
            category=CONFIG,
            attributes={"options": SOLAREDGE_CONTROL_MODES},
        ),
        Ent(
            domain="select",
            object_id="solaredge_i1_storage_command_mode",
            unique_id=f"{inverter}_storage_command_mode",
            state="Maximize Self Consumption",
            category=CONFIG,
            attributes={"options": SOLAREDGE_STORAGE_MODES},
        ),
        Ent(
            domain="select",
            object_id="solaredge_i1_storage_default_mode",
            unique_id=f"{inverter}_storage_default_mode",
            state="Maximize Self Consumption",
            category=CONFIG,
            attributes={"options": SOLAREDGE_STORAGE_MODES},
        ),
        *(
            Ent(
                domain="number",
                object_id=f"solaredge_i1_{key}",
                unique_id=f"{inverter}_{key}",
                state=5000,
                category=CONFIG,
                attributes=limit,
                **W,
            )
            for key in ("storage_charge_limit", "storage_discharge_limit", "site_limit")
        ),
        Ent(
            domain="sensor",
            object_id="solaredge_i1_b1_state_of_energy",
            unique_id=f"{bat}_battery_soe",
            state=40,
            device_class="battery",
            unit="%",
            device="battery",
        ),
        Ent(
            domain="sensor",
            object_id="solaredge_i1_b1_dc_power",
            unique_id=f"{bat}_dc_power",
            state=0,
            device="battery",
            **W,
        ),
        Ent(
            domain="sensor",
            object_id="solaredge_i1_b1_dc_power_inverted",
            unique_id=f"{bat}_dc_power_inverted",
            state=0,
            device="battery",
            **W,
        ),
        Ent(
            domain="sensor",
            object_id="solaredge_i1_m1_ac_power",
            unique_id=f"{meter}_ac_power",
            state=-600,
            device="meter",
            **W,
        ),
        Ent(
            domain="sensor",
            object_id="solaredge_i1_m1_ac_power_inverted",
            unique_id=f"{meter}_ac_power_inverted",
            state=600,
            device="meter",
            **W,
        ),
        *(
            Ent(
                domain="sensor",
                object_id=f"solaredge_i1_m1_ac_power_{phase}",
                unique_id=f"{meter}_ac_power_{phase}",
                state=-200,
                device="meter",
                **W,
            )
            for phase in "abc"
        ),
    ]
    return install(hass, domain, devices, entities, title="solaredge")


async def test_a_solaredge_meter_is_refused_with_the_wrong_direction(hass: HomeAssistant, home: None) -> None:
    """SolarEdge's meter counts export as positive: with the direction left at import-positive the site
    form says so and nothing is made; set right, the meter is read as import positive."""
    solaredge_inverter(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    meter = {**FORM, "grid_power_entity": "sensor.solaredge_i1_m1_ac_power", "grid_export_positive": False}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], meter)
    assert result["errors"] == {"grid_export_positive": "grid_counts_export"}
    # Its inverted twin (import positive) is no sensor the profile states a direction for.
    twin = entity_facts(hass, "sensor.solaredge_i1_m1_ac_power_inverted")
    assert twin is not None and profiles.grid_export_positive(twin) is None
    assert not hass.config_entries.async_entries(DOMAIN)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**meter, "grid_export_positive": True}
    )
    assert result["step_id"] == "confirm"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # Read export-positive: -600 W at the meter is 600 W imported.
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.runtime_data.data.readings.grid_power_kw == 0.6


async def test_a_solaredge_battery_is_proposed_across_its_devices(hass: HomeAssistant, home: None) -> None:
    installed = solaredge_inverter(hass)
    found = async_candidates(hass, "battery")
    assert [(c.name, c.device_id) for c in found] == [("Solaredge I1", installed.devices["main"])]
    assert (
        found[0].fields
        == {
            "soc_entity": "sensor.solaredge_i1_b1_state_of_energy",
            "power_entity": "sensor.solaredge_i1_b1_dc_power",  # not its inverted twin, nor the inverter's AC power
            "mode_select_entity": "select.solaredge_i1_storage_control_mode",
            "mode_detail_select_entity": "select.solaredge_i1_storage_command_mode",  # not the default mode
            # Never a charge, discharge or site limit (settings) as a setpoint.
            "mode_option_idle": "Remote Control",
            "mode_option_self_consumption": "Maximize Self Consumption",
            "mode_option_forced_charge": "Remote Control",
            "mode_option_forced_discharge": "Remote Control",
            "mode_detail_option_idle": "Solar Power Only (Off)",
            "mode_detail_option_forced_charge": "Charge from Solar Power and Grid",
            "mode_detail_option_forced_discharge": "Discharge to Maximize Export",
            "power_discharge_positive": False,
        }
    )
    options = set(SOLAREDGE_STORAGE_MODES) | set(SOLAREDGE_CONTROL_MODES)
    assert set(found[0].fields.values()) - {False} <= options | set(installed.entity_ids)


async def _replan_at(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime) -> None:
    freezer.move_to(moment)
    await hass.services.async_call(DOMAIN, "replan", {}, blocking=True)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _follow_the_plan(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry, integration: str
) -> set[str]:
    """Replan at 01:00, then at the night's first planned forced charge, then at 18:00; after each, the
    mode select (and the second select where the profile has one) hold the options the profile gives
    the planned mode. Returns the modes seen."""
    profile = profiles.profile_for(integration, "battery")
    assert profile is not None
    (sub,) = entry.subentries.values()
    main, detail = sub.data["mode_select_entity"], sub.data.get("mode_detail_select_entity")
    seen: list[str] = []
    night = dt_util.parse_datetime("2026-11-23 01:00:00-08:00")
    assert night is not None
    await _replan_at(hass, freezer, night)
    data = entry.runtime_data.data
    now_step = data.step_of(dt_util.now())
    modes = data.plan.devices[sub.subentry_id].mode[now_step:]
    moments = [night]
    if "forced_charge" in modes:
        moments.append(night + timedelta(minutes=15 * modes.index("forced_charge") + 1))
    moments.append(night + timedelta(hours=17))
    for moment in moments:
        await _replan_at(hass, freezer, moment + timedelta(seconds=61))
        data = entry.runtime_data.data
        mode = data.plan.devices[sub.subentry_id].mode[data.step_of(dt_util.now())]
        seen.append(mode)
        if mode in profile.mode_options:
            assert hass.states.get(main).state == profile.mode_options[mode], moment
        if detail and mode in profile.detail_options:
            assert hass.states.get(detail).state == profile.detail_options[mode], moment
    return set(seen)


async def test_a_solaredge_battery_is_driven_by_its_control_and_command_modes(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    """A cheap night charges under remote control (control mode first: the command mode is available
    only then), the evening goes back to maximize self consumption; no limit is ever written."""
    solaredge_inverter(hass)
    written = await _echo_selects(hass)
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    fields = async_candidates(hass, "battery")[0].fields
    entry = await _site_with(hass, "battery", "Solaredge I1", fields)
    seen = await _follow_the_plan(hass, freezer, entry, "solaredge_modbus_multi")
    assert "forced_charge" in seen and len(seen) >= 2
    control, command = "select.solaredge_i1_storage_control_mode", "select.solaredge_i1_storage_command_mode"
    first = next(i for i, w in enumerate(written) if w["entity_id"] == command)
    assert written[first - 1] == {"entity_id": control, "option": "Remote Control"}
    assert {w["entity_id"] for w in written} == {control, command}  # never the default mode
    assert not [c for c in calls if c.data["domain"] == "number"]
    # SolarEdge counts charging as positive: +2000 W is 2 kW charging.
    hass.states.async_set(
        "sensor.solaredge_i1_b1_dc_power", "2000", {"unit_of_measurement": "W", "device_class": "power"}
    )
    assert battery.read(hass, fields).power_kw == 2.0


# source: home-assistant/core 2025.4.4 homeassistant/components/enphase_envoy/select.py (storage_mode:
# translation key storage_mode, options backup/self_consumption/savings, unique id "<serial>_storage_mode"
# on "Enpower <serial>" via the Envoy, or on the Envoy without an Enpower), number.py (reserve_soc:
# translation key reserve_soc, device class battery, %, no category, beside the select), sensor.py
# (the Envoy device "<entry name>" with "<envoy>_battery_level" %, device class battery, no translation
# key; the storage CT's "<envoy>_battery_discharge", translation key battery_discharge, W; Encharge units
# "Encharge <serial>" via the Envoy with "<serial>_soc"), switch.py (charge_from_grid on the Enpower).
ENPHASE_MODES = ["backup", "self_consumption", "savings"]


def enphase_envoy(hass: HomeAssistant, *, enpower: bool = True) -> Installed:
    domain, envoy, ctrl, unit = "enphase_envoy", "122301012345", "482301054321", "542301067890"
    devices = [
        Device(key="main", name=f"Envoy {envoy}", identifiers=((domain, envoy),), manufacturer="Enphase"),
        Device(key="encharge", name=f"Encharge {unit}", identifiers=((domain, unit),), via="main"),
    ]
    controls, owner = (ctrl, "enpower") if enpower else (envoy, "main")
    if enpower:
        devices.append(
            Device(key="enpower", name=f"Enpower {ctrl}", identifiers=((domain, ctrl),), via="main")
        )
    prefix = f"enpower_{ctrl}" if enpower else f"envoy_{envoy}"
    entities = [
        Ent(
            domain="sensor",
            object_id=f"envoy_{envoy}_battery",
            unique_id=f"{envoy}_battery_level",
            state=55,
            device_class="battery",
            unit="%",
        ),
        Ent(
            domain="sensor",
            object_id=f"envoy_{envoy}_reserve_battery_level",
            unique_id=f"{envoy}_reserve_soc",
            state=20,
            translation_key="reserve_soc",
            device_class="battery",
            unit="%",
        ),
        Ent(
            domain="sensor",
            object_id=f"envoy_{envoy}_current_battery_discharge",
            unique_id=f"{envoy}_battery_discharge",
            state=0,
            translation_key="battery_discharge",
            **W,
        ),
        Ent(
            domain="sensor",
            object_id=f"envoy_{envoy}_current_power_production",
            unique_id=f"{envoy}_production",
            state=0,
            translation_key="current_power_production",
            **W,
        ),
        Ent(
            domain="sensor",
            object_id=f"envoy_{envoy}_current_net_power_consumption",
            unique_id=f"{envoy}_net_consumption",
            state=800,
            translation_key="net_consumption",
            **W,
        ),
        Ent(
            domain="sensor",
            object_id=f"encharge_{unit}_battery",
            unique_id=f"{unit}_soc",
            state=55,
            device_class="battery",
            unit="%",
            device="encharge",
        ),
        Ent(
            domain="select",
            object_id=f"{prefix}_storage_mode",
            unique_id=f"{controls}_storage_mode",
            state="self_consumption",
            translation_key="storage_mode",
            attributes={"options": ENPHASE_MODES},
            device=owner,
        ),
        Ent(
            domain="number",
            object_id=f"{prefix}_reserve_battery_level",
            unique_id=f"{controls}_reserve_soc",
            state=20,
            translation_key="reserve_soc",
            device_class="battery",
            unit="%",
            attributes={"min": 0, "max": 100, "step": 1},
            device=owner,
        ),
        Ent(
            domain="switch",
            object_id=f"{prefix}_charge_from_grid",
            unique_id=f"{controls}_charge_from_grid",
            state="on",
            translation_key="charge_from_grid",
            device=owner,
        ),
    ]
    return install(hass, domain, devices, entities, title=f"Envoy {envoy}")


@pytest.mark.parametrize("enpower", [True, False])
async def test_an_enphase_battery_is_proposed_with_or_without_a_system_controller(
    hass: HomeAssistant, home: None, enpower: bool
) -> None:
    """With an IQ System Controller the storage mode and reserve sit on the Enpower, the batteries'
    level and power on the Envoy: one battery is proposed, named by the Envoy, all of its parts filled."""
    installed = enphase_envoy(hass, enpower=enpower)
    found = async_candidates(hass, "battery")
    assert [(c.name, c.device_id) for c in found] == [("Envoy 122301012345", installed.devices["main"])]
    prefix = "enpower_482301054321" if enpower else "envoy_122301012345"
    assert found[0].fields == {
        "soc_entity": "sensor.envoy_122301012345_battery",  # the aggregate, not one unit nor the reserve
        "power_entity": "sensor.envoy_122301012345_current_battery_discharge",
        "mode_select_entity": f"select.{prefix}_storage_mode",
        "min_soc_percent": 20.0,  # the Envoy's reserve battery level
        "mode_option_self_consumption": "self_consumption",
        "mode_option_forced_charge": "backup",
        "power_discharge_positive": True,
    }


async def test_the_enphase_modes_are_not_guessed_beyond_its_profile(hass: HomeAssistant, home: None) -> None:
    """Full backup charges from the grid: the form offers it for forced charge only, never as idle."""
    installed = enphase_envoy(hass)
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=SITE)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "battery"), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"discovered": installed.devices["main"]}
    )
    schema = {str(k): k for k in result["data_schema"].schema}
    assert schema["min_soc_percent"].default() == 20.0
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "IQ Battery",
            "soc_entity": "sensor.envoy_122301012345_battery",
            "power_entity": "sensor.envoy_122301012345_current_battery_discharge",
            "power_discharge_positive": True,
            "mode_select_entity": "select.enpower_482301054321_storage_mode",
            "capacity_kwh": 10,
            "min_soc_percent": 20,
            "max_charge_kw": 3.8,
            "max_discharge_kw": 3.8,
        },
    )
    assert result["step_id"] == "modes"
    suggested = {str(k): (k.description or {}).get("suggested_value") for k in result["data_schema"].schema}
    assert suggested == {
        "mode_option_idle": None,  # a word guess would have said "backup"
        "mode_option_self_consumption": "self_consumption",
        "mode_option_forced_charge": "backup",
        "mode_option_forced_discharge": None,
        "mode_option_non_export": None,
    }


async def test_an_enphase_battery_is_driven_by_its_storage_mode_and_read_discharge_positive(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    enphase_envoy(hass)
    written = await _echo_selects(hass)
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    fields = async_candidates(hass, "battery")[0].fields
    select = "select.enpower_482301054321_storage_mode"
    state = hass.states.get(select)
    hass.states.async_set(select, "savings", state.attributes)  # the person's savings mode
    await _site_with(hass, "battery", "IQ Battery", fields)
    profile = profiles.profile_for("enphase_envoy", "battery")
    assert profile is not None
    wanted = _planned_option(hass, "iq_battery", profile)
    assert wanted is not None
    assert written == [{"entity_id": select, "option": wanted}]
    assert hass.states.get(select).state == wanted
    # Neither the reserve nor charge from grid is touched.
    assert not [c for c in calls if c.data["domain"] in ("number", "switch")]
    # "Current battery discharge" at +1500 W is 1.5 kW discharging: -1.5 kW in Headroom's terms.
    power = "sensor.envoy_122301012345_current_battery_discharge"
    hass.states.async_set(power, "1500", {"unit_of_measurement": "W", "device_class": "power"})
    assert battery.read(hass, fields).power_kw == -1.5


# source: wlcrs/huawei_solar @ commit 1fd5bd5b605f7236cd0349bb1a6f7c2f52a5cd60: __init__.py (the inverter
# device by its serial; the batteries' device "<serial>/connected_energy_storage", model "Batteries", and
# unit 1's "<serial>/battery_1", both via the inverter), sensor.py (unique ids "<serial>_<register>",
# translation key the register name; unit 1's power shares the aggregate's translation key),
# select.py (storage_working_mode_settings, a config select), number.py (storage_maximum_charging_power,
# a config number in W); options from wlcrs/huawei-solar-lib @ commit
# 873c1b3b664e1eadad731cf65901dfb54749c529 src/huawei_solar/register_values.py StorageWorkingModesC.
HUAWEI_MODES = [
    "adaptive",
    "fixed_charge_discharge",
    "maximise_self_consumption",
    "fully_fed_to_grid",
    "time_of_use_luna2000",
]


def huawei_inverter(hass: HomeAssistant) -> Installed:
    domain, serial = "huawei_solar", "HV2250123456"
    devices = [
        Device(
            key="inverter", name="SUN2000-10KTL-M1", identifiers=((domain, serial),), manufacturer="Huawei"
        ),
        Device(
            key="main",
            name="Batteries",
            identifiers=((domain, f"{serial}/connected_energy_storage"),),
            model="Batteries",
            via="inverter",
        ),
        Device(key="unit1", name="Battery 1", identifiers=((domain, f"{serial}/battery_1"),), via="inverter"),
    ]
    entities = [
        Ent(
            domain="sensor",
            object_id="inverter_input_power",
            unique_id=f"{serial}_input_power",
            state=0,
            translation_key="input_power",
            device="inverter",
            **W,
        ),
        Ent(
            domain="sensor",
            object_id="batteries_state_of_capacity",
            unique_id=f"{serial}_storage_state_of_capacity",
            state=30,
            translation_key="storage_state_of_capacity",
            device_class="battery",
            unit="%",
        ),
        Ent(
            domain="sensor",
            object_id="batteries_charge_discharge_power",
            unique_id=f"{serial}_storage_charge_discharge_power",
            state=0,
            translation_key="storage_charge_discharge_power",
            **W,
        ),
        Ent(
            domain="select",
            object_id="batteries_working_mode",
            unique_id=f"{serial}_storage_working_mode_settings",
            state="time_of_use_luna2000",
            translation_key="storage_working_mode_settings",
            category=CONFIG,
            attributes={"options": HUAWEI_MODES},
        ),
        Ent(
            domain="number",
            object_id="batteries_maximum_charging_power",
            unique_id=f"{serial}_storage_maximum_charging_power",
            state=5000,
            translation_key="storage_maximum_charging_power",
            category=CONFIG,
            attributes={"min": 0, "max": 5000, "step": 1},
            **W,
        ),
        Ent(
            domain="sensor",
            object_id="battery_1_charge_discharge_power",
            unique_id=f"{serial}_storage_unit_1_charge_discharge_power",
            state=0,
            translation_key="storage_charge_discharge_power",
            device="unit1",
            **W,
        ),
    ]
    return install(hass, domain, devices, entities, title="Huawei Solar")


# source: wlcrs/huawei_solar services.py @ commit 1fd5bd5b605f (BATTERY_DEVICE_SCHEMA with device_id;
# DURATION_SCHEMA adds power, a positive int, and duration, an int within 1-1440 minutes).
HUAWEI_BATTERY_DEVICE = vol.Schema({"device_id": vol.All(cv.string, str)})
HUAWEI_DURATION = HUAWEI_BATTERY_DEVICE.extend(
    {
        vol.Required("power"): cv.positive_int,
        vol.Required("duration"): vol.All(vol.Coerce(int), vol.Range(min=1, max=1440)),
    }
)


async def test_a_huawei_battery_is_proposed_with_its_actions(hass: HomeAssistant, home: None) -> None:
    installed = huawei_inverter(hass)
    found = async_candidates(hass, "battery")
    assert [(c.name, c.device_id) for c in found] == [("Batteries", installed.devices["main"])]
    assert found[0].fields == {
        "soc_entity": "sensor.batteries_state_of_capacity",
        "power_entity": "sensor.batteries_charge_discharge_power",  # the batteries', not unit 1's
        "mode_select_entity": "select.batteries_working_mode",
        "mode_option_self_consumption": "maximise_self_consumption",
        "power_discharge_positive": False,
        "control_adapter": "huawei_solar",
        "vendor_device_id": installed.devices["main"],  # the batteries' device, as its actions want
    }


async def test_a_huawei_battery_is_driven_through_its_forcible_charge_actions(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    """Across a night and an evening the plan's modes reach the batteries as Huawei's own actions, each
    accepted by its schema: a forcible charge at the planned power for the planned run, a stop when the
    plan goes back to self-consumption; the maximum charging power (a setting) is never written."""
    installed = huawei_inverter(hass)
    received: list[tuple[str, dict[str, Any]]] = []

    def handler(service: str, schema: vol.Schema) -> Any:
        async def call(call: ServiceCall) -> None:
            received.append((service, schema(dict(call.data))))  # refused here as Huawei refuses it

        return call

    for service, schema in (
        ("forcible_charge", HUAWEI_DURATION),
        ("forcible_discharge", HUAWEI_DURATION),
        ("stop_forcible_charge", HUAWEI_BATTERY_DEVICE),
    ):
        hass.services.async_register("huawei_solar", service, handler(service, schema))
    await _echo_selects(hass)
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    fields = async_candidates(hass, "battery")[0].fields
    entry = await _site_with(hass, "battery", "Batteries", fields)
    device = installed.devices["main"]
    seen: set[str] = set()
    for moment in ("2026-11-23 01:00:00-08:00", "2026-11-23 03:00:00-08:00", "2026-11-23 18:00:00-08:00"):
        freezer.move_to(moment)
        freezer.tick(timedelta(seconds=61))
        await hass.services.async_call(DOMAIN, "replan", {}, blocking=True)
        await hass.async_block_till_done(wait_background_tasks=True)
        data = entry.runtime_data.data
        (sub_id,) = entry.subentries
        plan, step = data.plan.devices[sub_id], data.step_of(dt_util.now())
        mode = plan.mode[step]
        seen.add(mode)
        if mode == "forced_charge":
            run = next((i for i, m in enumerate(plan.mode[step:]) if m != mode), len(plan.mode) - step)
            assert received[-1] == (
                "forcible_charge",
                {"device_id": device, "power": round(plan.power_kw[step] * 1000), "duration": run * 15},
            )
        elif mode == "forced_discharge":
            assert received[-1][0] == "forcible_discharge"
            assert received[-1][1]["power"] == round(-plan.power_kw[step] * 1000)
        elif mode == "self_consumption":
            assert received[-1] == ("stop_forcible_charge", {"device_id": device})
            assert hass.states.get("select.batteries_working_mode").state == "maximise_self_consumption"
    assert "forced_charge" in seen and len(seen) >= 2  # the night's cheap charge, then something else
    assert not [c for c in calls if c.data["domain"] == "number"]
    # Huawei counts charging as positive: +2000 W is 2 kW charging.
    hass.states.async_set("sensor.batteries_charge_discharge_power", "2000", {"unit_of_measurement": "W"})
    assert battery.read(hass, fields).power_kw == 2.0


# source: wills106/homeassistant-solax-modbus @ commit 27875b3b2ea9fa81f870e8e34590a000730234c0,
# custom_components/solax_modbus: __init__.py (the inverter device "<hub name>", manufacturer the
# plugin's), sensor.py / select.py (unique ids "<hub name>_<key>", names without translation keys),
# plugin_solax.py (battery_capacity %, battery_power_charge W, measured_power W, charger_use_mode and
# manual_mode_select options of Gen4; grid_export_limit a number in W), plugin_swatten.py (another
# vendor's measured_power under the same integration, manufacturer "Sieyuan Watten Technology").
SOLAX_USE_MODES = [
    "Self Use Mode",
    "Feedin Priority",
    "Back Up Mode",
    "Manual Mode",
    "PeakShaving",
    "Smart Schedule",
]


def solax_inverter(
    hass: HomeAssistant, *, hub: str = "SolaX", manufacturer: str = "SolaX Power"
) -> Installed:
    domain, slug = "solax_modbus", hub.lower()
    devices = [Device(key="main", name=hub, identifiers=((domain, hub),), manufacturer=manufacturer)]
    entities = [
        Ent(
            domain="sensor",
            object_id=f"{slug}_battery_capacity",
            unique_id=f"{hub}_battery_capacity",
            state=60,
            device_class="battery",
            unit="%",
        ),
        Ent(
            domain="sensor",
            object_id=f"{slug}_battery_power_charge",
            unique_id=f"{hub}_battery_power_charge",
            state=0,
            **W,
        ),
        Ent(
            domain="sensor",
            object_id=f"{slug}_measured_power",
            unique_id=f"{hub}_measured_power",
            state=-700,
            **W,
        ),
        Ent(
            domain="sensor",
            object_id=f"{slug}_measured_power_l1",
            unique_id=f"{hub}_measured_power_l1",
            state=-230,
            **W,
        ),
        Ent(
            domain="select",
            object_id=f"{slug}_charger_use_mode",
            unique_id=f"{hub}_charger_use_mode",
            state="Feedin Priority",
            attributes={"options": SOLAX_USE_MODES},
        ),
        Ent(
            domain="select",
            object_id=f"{slug}_manual_mode_select",
            unique_id=f"{hub}_manual_mode_select",
            state="Stop Charge and Discharge",
            attributes={"options": ["Stop Charge and Discharge", "Force Charge", "Force Discharge"]},
        ),
        Ent(
            domain="number",
            object_id=f"{slug}_grid_export_limit",
            unique_id=f"{hub}_grid_export_limit",
            state=6000,
            attributes={"min": 0, "max": 30000, "step": 100},
            **W,
        ),
    ]
    return install(hass, domain, devices, entities, title=hub)


async def test_a_solax_battery_and_meter_are_read_the_way_solax_counts(
    hass: HomeAssistant, home: None
) -> None:
    installed = solax_inverter(hass)
    found = async_candidates(hass, "battery")
    assert [(c.name, c.device_id) for c in found] == [("SolaX", installed.devices["main"])]
    assert found[0].fields == {
        "soc_entity": "sensor.solax_battery_capacity",
        "power_entity": "sensor.solax_battery_power_charge",
        "mode_select_entity": "select.solax_charger_use_mode",  # never the export limit as a setpoint
        "mode_detail_select_entity": "select.solax_manual_mode_select",
        "mode_option_idle": "Manual Mode",
        "mode_option_self_consumption": "Self Use Mode",
        "mode_option_forced_charge": "Manual Mode",
        "mode_option_forced_discharge": "Manual Mode",
        "mode_detail_option_idle": "Stop Charge and Discharge",
        "mode_detail_option_forced_charge": "Force Charge",
        "mode_detail_option_forced_discharge": "Force Discharge",
        "power_discharge_positive": False,
    }
    meter = entity_facts(hass, "sensor.solax_measured_power")
    assert meter is not None and profiles.grid_export_positive(meter) is True
    # Another vendor's plugin under the same integration: no fact about its meter's direction.
    solax_inverter(hass, hub="Swatten", manufacturer="Sieyuan Watten Technology")
    other = entity_facts(hass, "sensor.swatten_measured_power")
    assert other is not None and profiles.grid_export_positive(other) is None
    assert [c.name for c in async_candidates(hass, "battery")] == ["SolaX"]
    # The site form: measured power read import-positive is refused.
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    form = {**FORM, "grid_power_entity": "sensor.solax_measured_power", "grid_export_positive": False}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["errors"] == {"grid_export_positive": "grid_counts_export"}


async def test_a_solax_battery_is_forced_through_manual_mode(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    """The cheap night's charge is Manual Mode with Force Charge, the manual command set first (it acts
    only in Manual Mode, so no moment runs an old one); the evening is Self Use Mode again."""
    solax_inverter(hass)
    soc = hass.states.get("sensor.solax_battery_capacity")
    hass.states.async_set(soc.entity_id, "20", soc.attributes)  # low before the cheap night
    written = await _echo_selects(hass)
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    fields = async_candidates(hass, "battery")[0].fields
    entry = await _site_with(hass, "battery", "SolaX", fields)
    seen = await _follow_the_plan(hass, freezer, entry, "solax_modbus")
    assert "forced_charge" in seen and len(seen) >= 2
    manual = written.index({"entity_id": "select.solax_charger_use_mode", "option": "Manual Mode"})
    assert written[manual - 1]["entity_id"] == "select.solax_manual_mode_select"
    assert not [c for c in calls if c.data["domain"] == "number"]  # never the export limit
    hass.states.async_set("sensor.solax_battery_power_charge", "-1200", {"unit_of_measurement": "W"})
    assert battery.read(hass, fields).power_kw == -1.2  # discharging


async def test_an_older_solax_without_manual_mode_is_only_set_to_self_use(
    hass: HomeAssistant, home: None
) -> None:
    """A Gen3's charger use mode has no Manual Mode (plugin_solax.py): only self use is proposed."""
    solax_inverter(hass)
    gen3 = ["Self Use Mode", "Force Time Use", "Back Up Mode", "Feedin Priority"]
    hass.states.async_set("select.solax_charger_use_mode", "Feedin Priority", {"options": gen3})
    fields = async_candidates(hass, "battery")[0].fields
    assert {k: v for k, v in fields.items() if k.startswith("mode_option_")} == {
        "mode_option_self_consumption": "Self Use Mode"
    }


# source: sfstar/hass-victron @ commit 3d3ec1e6cb7768d3c6d49ed23e9b52814477c205, custom_components/victron:
# sensor.py / select.py / number.py (unique id "<unit>_<register>", entity id "<domain>.victron_<register>"
# for unit 100, one device per unit: identifiers (victron, "<unit>"), name the register's first word,
# model the unit), const.py (system_battery_soc %, system_battery_power W, system_grid_L1 W,
# settings_ess_mode options ess_mode's names, settings_ess_batterylife_state ess_batterylife_state's,
# settings_ess_acpowersetpoint W).
VICTRON_ESS_MODES = [
    "SELF_CONSUMPTION_WITH_BATTERY_LIFE",
    "SELF_CONSUMPTION",
    "KEEP_CHARGED",
    "EXTERNAL_CONTROL",
]


def victron_gx(hass: HomeAssistant) -> Installed:
    domain = "victron"
    devices = [
        Device(key="main", name="system", identifiers=((domain, "100"),), model="100", manufacturer="victron")
    ]
    entities = [
        Ent(
            domain="sensor",
            object_id="victron_system_battery_soc",
            unique_id="100_system_battery_soc",
            state=50,
            device_class="battery",
            unit="%",
        ),
        Ent(
            domain="sensor",
            object_id="victron_system_battery_power",
            unique_id="100_system_battery_power",
            state=0,
            **W,
        ),
        Ent(
            domain="sensor",
            object_id="victron_system_grid_l1",
            unique_id="100_system_grid_L1",
            state=400,
            **W,
        ),
        Ent(
            domain="select",
            object_id="victron_settings_ess_mode",
            unique_id="100_settings_ess_mode",
            state="SELF_CONSUMPTION_WITH_BATTERY_LIFE",
            attributes={"options": VICTRON_ESS_MODES},
        ),
        Ent(
            domain="select",
            object_id="victron_settings_ess_batterylife_state",
            unique_id="100_settings_ess_batterylife_state",
            state="SELF_CONSUMPTION",
            attributes={
                "options": ["RESTARTING", "SELF_CONSUMPTION", "DISCHARGE_DISABLED", "FORCE_CHARGE", "SUSTAIN"]
            },
        ),
        Ent(
            domain="number",
            object_id="victron_settings_ess_acpowersetpoint",
            unique_id="100_settings_ess_acpowersetpoint",
            state=50,
            attributes={"min": -10000, "max": 10000, "step": 1},
            **W,
        ),
    ]
    return install(hass, domain, devices, entities, title="Victron GX")


async def test_a_victron_ess_battery_is_proposed_and_driven_by_its_ess_mode(
    hass: HomeAssistant, home: None
) -> None:
    installed = victron_gx(hass)
    found = async_candidates(hass, "battery")
    assert [(c.name, c.device_id) for c in found] == [("system", installed.devices["main"])]
    assert found[0].fields == {
        "soc_entity": "sensor.victron_system_battery_soc",
        "power_entity": "sensor.victron_system_battery_power",
        # The ESS mode, not the BatteryLife state; never the grid setpoint as the battery's setpoint.
        "mode_select_entity": "select.victron_settings_ess_mode",
        "mode_option_self_consumption": "SELF_CONSUMPTION",
        "mode_option_forced_charge": "KEEP_CHARGED",
        "power_discharge_positive": False,
    }
    written = await _echo_selects(hass)
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    fields = found[0].fields
    await _site_with(hass, "battery", "Victron", fields)
    profile = profiles.profile_for("victron", "battery")
    assert profile is not None
    wanted = _planned_option(hass, "victron", profile)
    assert wanted is not None
    assert written == [{"entity_id": "select.victron_settings_ess_mode", "option": wanted}]
    assert not [c for c in calls if c.data["domain"] == "number"]
    hass.states.async_set("sensor.victron_system_battery_power", "900", {"unit_of_measurement": "W"})
    assert battery.read(hass, fields).power_kw == 0.9  # charging


async def test_the_battery_form_refuses_a_direction_its_integration_contradicts(
    hass: HomeAssistant, home: None
) -> None:
    """Enphase's "Current battery discharge" counts discharge as positive: saved as charging-positive, a
    discharge would read as a charge. The form says so and nothing is saved until it is right."""
    installed = enphase_envoy(hass, enpower=False)
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=SITE)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "battery"), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"discovered": installed.devices["main"]}
    )
    form = {
        "name": "IQ Battery",
        "soc_entity": "sensor.envoy_122301012345_battery",
        "power_entity": "sensor.envoy_122301012345_current_battery_discharge",
        "power_discharge_positive": False,
        "capacity_kwh": 10,
        "min_soc_percent": 20,
        "max_charge_kw": 3.8,
        "max_discharge_kw": 3.8,
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], form)
    assert result["errors"] == {"power_discharge_positive": "battery_counts_discharge"}
    assert not entry.subentries
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**form, "power_discharge_positive": True}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert next(iter(entry.subentries.values())).data["power_discharge_positive"] is True


# source: mkaiser/Sungrow-SHx-Inverter-Modbus-Home-Assistant @ commit
# 63beec6770e8275670cdf01437cb305817f32988, modbus_sungrow.yaml: core modbus sensors "Battery level"
# (unique id sg_battery_level, %, battery), "Battery power" (sg_battery_power, W, power; positive
# discharging) and "Meter active power" (sg_meter_active_power, W, power; positive buying), with no device.
def sungrow_package(hass: HomeAssistant) -> None:
    registry = er.async_get(hass)
    for object_id, unique_id, state, device_class, unit in (
        ("battery_level", "sg_battery_level", 70, "battery", "%"),
        ("battery_power", "sg_battery_power", -1500, "power", "W"),
        ("meter_active_power", "sg_meter_active_power", 300, "power", "W"),
    ):
        registry.async_get_or_create(
            "sensor",
            "modbus",
            unique_id,
            suggested_object_id=object_id,
            original_device_class=device_class,
            unit_of_measurement=unit,
        )
        hass.states.async_set(
            f"sensor.{object_id}", str(state), {"device_class": device_class, "unit_of_measurement": unit}
        )


async def test_sungrow_modbus_directions_are_checked_in_both_forms(hass: HomeAssistant, home: None) -> None:
    sungrow_package(hass)
    assert async_candidates(hass, "battery") == []  # no device to propose
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    site = {**FORM, "grid_power_entity": "sensor.meter_active_power", "grid_export_positive": True}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], site)
    assert result["errors"] == {"grid_export_positive": "grid_counts_import"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**site, "grid_export_positive": False}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "battery"), context={"source": "user"}
    )
    form = {
        "name": "SH10RT",
        "soc_entity": "sensor.battery_level",
        "power_entity": "sensor.battery_power",
        "power_discharge_positive": False,
        "capacity_kwh": 9.6,
        "min_soc_percent": 10,
        "max_charge_kw": 5,
        "max_discharge_kw": 5,
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], form)
    assert result["errors"] == {"power_discharge_positive": "battery_counts_discharge"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**form, "power_discharge_positive": True}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    fields = next(iter(entry.subentries.values())).data
    assert battery.read(hass, dict(fields)).power_kw == 1.5  # -1500 W on Sungrow's sensor: charging


async def test_a_goodwe_meter_is_refused_with_the_wrong_direction(hass: HomeAssistant, home: None) -> None:
    """GoodWe's ET "Active Power" counts export as positive (marcelblijleven/goodwe et.py @ commit
    c214290ea511: house consumption = PV + battery - active power; core's unique id
    "goodwe-active_power-<serial>", sensor.py in home-assistant/core 2025.4.4)."""
    serial = "9010KETU000W0000"
    install(
        hass,
        "goodwe",
        [Device(key="main", name="GW10K-ET", identifiers=(("goodwe", serial),), manufacturer="GoodWe")],
        [
            Ent(
                domain="sensor",
                object_id="active_power",
                unique_id=f"goodwe-active_power-{serial}",
                state=-900,
                **W,
            ),
            Ent(
                domain="sensor",
                object_id="active_power_total",
                unique_id=f"goodwe-active_power_total-{serial}",
                state=-900,
                **W,
            ),
        ],
    )
    total = entity_facts(hass, "sensor.active_power_total")
    assert total is not None and profiles.grid_export_positive(total) is None  # a sensor it states nothing of
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    site = {**FORM, "grid_power_entity": "sensor.active_power", "grid_export_positive": False}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], site)
    assert result["errors"] == {"grid_export_positive": "grid_counts_export"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**site, "grid_export_positive": True}
    )
    assert result["step_id"] == "confirm"


async def test_an_enphase_net_consumption_meter_is_refused_as_export_positive(
    hass: HomeAssistant, home: None
) -> None:
    enphase_envoy(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    site = {
        **FORM,
        "grid_power_entity": "sensor.envoy_122301012345_current_net_power_consumption",
        "grid_export_positive": True,
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], site)
    assert result["errors"] == {"grid_export_positive": "grid_counts_import"}
