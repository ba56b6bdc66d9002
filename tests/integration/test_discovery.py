"""Discovery over registries shaped like the named integrations': it proposes, the person confirms."""

from __future__ import annotations

import pytest
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.headroom.config_flow import guess_mode_option
from custom_components.headroom.const import DOMAIN
from custom_components.headroom.discovery import async_candidates

from .conftest import SITE
from .realdevices import Device, Ent, Installed, install


# source: lbbrhzn/ocpp custom_components/ocpp/{sensor,const,number,switch}.py @ commit
# a37fed39d852d393312d107cf915fea546df5088 (unique ids "ocpp.<cpid>.<metric>.sensor",
# "number.ocpp.<cpid>.maximum_current", "switch.ocpp.<cpid>.charge_control"; power's class from W; the
# connector status in OCPP 1.6 words; both import and export power measurands configured).
def ocpp_charger(hass: HomeAssistant, cpid: str = "carport") -> Installed:
    return install(
        hass,
        "ocpp",
        [Device(key="main", name=cpid, identifiers=(("ocpp", cpid),))],
        [
            Ent(
                domain="sensor",
                object_id=f"{cpid}_power_active_export",
                unique_id=f"ocpp.{cpid}.power_active_export.sensor",
                state=0,
                device_class="power",
                unit="W",
            ),
            Ent(
                domain="sensor",
                object_id=f"{cpid}_power_active_import",
                unique_id=f"ocpp.{cpid}.power_active_import.sensor",
                state=0,
                device_class="power",
                unit="W",
            ),
            Ent(
                domain="sensor",
                object_id=f"{cpid}_status_connector",
                unique_id=f"ocpp.{cpid}.status_connector.sensor",
                state="SuspendedEVSE",
            ),
            Ent(
                domain="number",
                object_id=f"{cpid}_maximum_current",
                unique_id=f"number.ocpp.{cpid}.maximum_current",
                state=16,
                unit="A",
                attributes={"min": 0, "max": 32, "step": 1},
            ),
            Ent(
                domain="switch",
                object_id=f"{cpid}_charge_control",
                unique_id=f"switch.ocpp.{cpid}.charge_control",
                state="off",
            ),
        ],
    )


# source: nordicopen/easee_hass custom_components/easee/{entity,const}.py @ commit
# 0a95d0dcc1fb90d182ee625e7bcc5f795460c95a (unique id "<product id>_<name>", translation keys ``power``
# (kW), ``easee_status`` (EASEE_STATUS states), ``cable_locked``, ``dynamic_charger_limit`` (a sensor)).
def easee_charger(hass: HomeAssistant) -> Installed:
    return install(
        hass,
        "easee",
        [Device(key="main", name="Easee Home", identifiers=(("easee", "EH123456"),), manufacturer="Easee")],
        [
            Ent(
                domain="sensor",
                object_id="easee_home_power",
                unique_id="EH123456_power",
                translation_key="power",
                state=0,
                device_class="power",
                unit="kW",
            ),
            Ent(
                domain="sensor",
                object_id="easee_home_status",
                unique_id="EH123456_status",
                translation_key="easee_status",
                state="awaiting_start",
            ),
            Ent(
                domain="binary_sensor",
                object_id="easee_home_cable_locked",
                unique_id="EH123456_cable_locked",
                translation_key="cable_locked",
                state="on",
                device_class="lock",
            ),
            Ent(
                domain="sensor",
                object_id="easee_home_dynamic_charger_limit",
                unique_id="EH123456_dynamic_charger_limit",
                translation_key="dynamic_charger_limit",
                state=32,
                device_class="current",
                unit="A",
            ),
        ],
    )


# source: home-assistant/core 2025.4.4 homeassistant/components/goodwe/{select,number,sensor}.py (unique
# ids "goodwe-<key>-<serial>", the operation mode a settings select with options ``general`` ...; the
# grid export limit a settings number in W) and marcelblijleven/goodwe goodwe/es.py @ commit
# c214290ea51128f1b9fff94c24b7efd3868cf7d4 (``pbattery1`` negative while charging).
GOODWE_MODES = ["general", "off_grid", "backup", "eco", "peak_shaving", "eco_charge", "eco_discharge"]


def goodwe_inverter(hass: HomeAssistant) -> Installed:
    serial = "9010KETU000W0000"
    return install(
        hass,
        "goodwe",
        [Device(key="main", name="GW10K-ET", identifiers=(("goodwe", serial),), manufacturer="GoodWe")],
        [
            Ent(
                domain="sensor",
                object_id="battery_state_of_charge",
                unique_id=f"goodwe-battery_soc-{serial}",
                state=55,
                device_class="battery",
                unit="%",
            ),
            Ent(
                domain="sensor",
                object_id="battery_power",
                unique_id=f"goodwe-pbattery1-{serial}",
                state=-300,
                device_class="power",
                unit="W",
            ),
            Ent(
                domain="select",
                object_id="inverter_operation_mode",
                unique_id=f"goodwe-operation_mode-{serial}",
                translation_key="operation_mode",
                state="general",
                category=EntityCategory.CONFIG,
                attributes={"options": GOODWE_MODES},
            ),
            Ent(
                domain="number",
                object_id="grid_export_limit",
                unique_id=f"goodwe-grid_export_limit-{serial}",
                translation_key="grid_export_limit",
                state=10000,
                device_class="power",
                unit="W",
                category=EntityCategory.CONFIG,
                attributes={"min": 0, "max": 10000, "step": 100},
            ),
        ],
    )


@pytest.fixture
def registries(hass: HomeAssistant) -> dict[str, str]:
    # Imported here: those test modules import this one's charger fixtures.
    from .test_profiles_appliances import shelly_plug
    from .test_profiles_vehicles import tesla_car

    return {
        "ocpp": ocpp_charger(hass).devices["main"],
        "easee": easee_charger(hass).devices["main"],
        "goodwe": goodwe_inverter(hass).devices["main"],
        "tesla": tesla_car(hass).devices["main"],
        "plug": shelly_plug(hass).devices["main"],
        # A Shelly plug without a power meter (same unique-id shape as shelly_plug's relay).
        "tv": install(
            hass,
            "shelly",
            [
                Device(
                    key="main",
                    name="TV plug",
                    identifiers=(("shelly", "80646F81E1B7"),),
                    manufacturer="Shelly",
                )
            ],
            [Ent(domain="switch", object_id="tv_plug", unique_id="80646F81E1B7-switch:0", state="on")],
        ).devices["main"],
    }


async def test_chargers_known_integrations_first_with_the_car(
    hass: HomeAssistant, registries: dict[str, str]
) -> None:
    found = async_candidates(hass, "ev_charger")
    assert [c.integration for c in found] == ["easee", "ocpp"]  # both by profile, then by name
    assert all(c.profile is not None for c in found)
    ocpp = next(c for c in found if c.integration == "ocpp").fields
    assert ocpp == {
        # The import measurand, not the export one the charger also reports.
        "charger_power_entity": "sensor.carport_power_active_import",
        "current_limit_entity": "number.carport_maximum_current",
        "max_current_a": 32.0,
        # The connector status, with the states that mean a car is there: a paused car stays plugged in.
        "plugged_entity": "sensor.carport_status_connector",
        "plugged_states": ["Preparing", "Charging", "SuspendedEVSE", "SuspendedEV", "Finishing"],
        "ev_soc_entity": "sensor.model_3_battery_level",  # the car's SoC, not a battery's
        "ev_target_soc_entity": "number.model_3_charge_limit",  # and its own charge limit
    }
    easee = next(c for c in found if c.integration == "easee")
    assert easee.fields["control_adapter"] == "easee"  # it has no current number: its action
    assert easee.fields["vendor_device_id"] == registries["easee"]  # the action is addressed by device
    assert easee.fields["plugged_entity"] == "sensor.easee_home_status"  # not the cable lock
    assert "awaiting_start" in easee.fields["plugged_states"]


async def test_batteries_and_appliances(hass: HomeAssistant, registries: dict[str, str]) -> None:
    batteries = async_candidates(hass, "battery")
    assert [c.integration for c in batteries] == ["goodwe"]  # not the car
    assert batteries[0].fields == {
        "soc_entity": "sensor.battery_state_of_charge",
        "power_entity": "sensor.battery_power",
        "mode_select_entity": "select.inverter_operation_mode",
        # Never the grid export limit (a setting) as the battery's setpoint.
        "mode_option_self_consumption": "general",
        "mode_option_forced_charge": "eco_charge",
        "mode_option_forced_discharge": "eco_discharge",
        "power_discharge_positive": True,
    }
    appliances = async_candidates(hass, "appliance")
    # Both Shelly relays are offered by their profile; the one without a meter has no power sensor to read.
    assert [c.name for c in appliances] == ["Dishwasher plug", "TV plug"]
    assert appliances[0].fields["power_entity"] == "sensor.dishwasher_plug_power"
    assert "power_entity" not in appliances[1].fields


@pytest.mark.parametrize(
    ("mode", "option"),
    [
        ("self_consumption", "general"),
        ("forced_charge", "eco_charge"),
        ("forced_discharge", "eco_discharge"),
        ("idle", "backup"),
        ("non_export", None),
    ],
)
def test_battery_mode_guesses(mode: str, option: str | None) -> None:
    assert guess_mode_option(mode, GOODWE_MODES) == option


async def test_the_form_offers_what_was_found_and_the_person_confirms(
    hass: HomeAssistant, home: None, registries: dict[str, str]
) -> None:
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=SITE)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    # Found, but not configured: suggested as a repair.
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, f"new_device_found_{registries['ocpp']}") is not None

    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "ev_charger"), context={"source": "user"}
    )
    assert result["step_id"] == "user"
    assert result["description_placeholders"]["found"] == "Easee Home (Easee), carport (OCPP)"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"discovered": registries["ocpp"]}
    )
    assert result["step_id"] == "device"
    schema = {str(k): k for k in result["data_schema"].schema}
    assert schema["current_limit_entity"].description == {"suggested_value": "number.carport_maximum_current"}
    assert schema["plugged_entity"].description == {"suggested_value": "sensor.carport_status_connector"}
    # The person changes the phases and confirms the rest.
    form = {
        "name": "Carport charger",
        "charger_power_entity": "sensor.carport_power_active_import",
        "control_adapter": "entities",
        "current_limit_entity": "number.carport_maximum_current",
        "plugged_entity": "sensor.carport_status_connector",
        "plugged_states": ["Preparing", "Charging", "SuspendedEVSE", "SuspendedEV", "Finishing"],
        "phases": "1",
        "min_current_a": 6,
        "max_current_a": 32,
        "default_energy_kwh": 20,
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    sub = next(s for s in entry.subentries.values() if s.title == "Carport charger")
    assert sub.data["phases"] == "1" and sub.data["current_limit_entity"] == "number.carport_maximum_current"
    assert "SuspendedEVSE" in sub.data["plugged_states"]
    # Configured now: the suggestion goes; the Easee one stays.
    entry = hass.config_entries.async_get_entry(entry.entry_id)
    assert issues.async_get_issue(DOMAIN, f"new_device_found_{registries['ocpp']}") is None
    assert issues.async_get_issue(DOMAIN, f"new_device_found_{registries['easee']}") is not None


async def test_battery_form_maps_the_modes(
    hass: HomeAssistant, home: None, registries: dict[str, str]
) -> None:
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=SITE)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "battery"), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"discovered": registries["goodwe"]}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "GW10K-ET",
            "soc_entity": "sensor.battery_state_of_charge",
            "power_entity": "sensor.battery_power",
            "mode_select_entity": "select.inverter_operation_mode",
            "capacity_kwh": 10,
            "min_soc_percent": 10,
            "max_charge_kw": 5,
            "max_discharge_kw": 5,
        },
    )
    assert result["step_id"] == "modes"
    suggested = {
        str(k): k.description["suggested_value"] for k in result["data_schema"].schema if k.description
    }
    assert suggested["mode_option_forced_charge"] == "eco_charge"  # from GoodWe's profile
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"mode_option_self_consumption": "general", "mode_option_forced_charge": "eco_charge"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    sub = next(iter(hass.config_entries.async_get_entry(entry.entry_id).subentries.values()))
    assert sub.data["mode_option_forced_charge"] == "eco_charge"
    assert sub.data["power_discharge_positive"] is True  # GoodWe counts discharge positive


async def test_a_device_whose_entities_went_away_raises_an_issue(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    issues = ir.async_get(hass)
    assert not [i for i in issues.issues.values() if i.issue_id.startswith("device_entity_missing")]
    hass.states.async_remove("input_number.battery_soc")
    battery = next(s for s in entry.subentries.values() if s.title == "Garage battery")
    assert await hass.config_entries.async_reload(entry.entry_id)  # as after a restart
    await hass.async_block_till_done()
    issue = issues.async_get_issue(DOMAIN, f"device_entity_missing_{battery.subentry_id}")
    assert issue is not None and issue.translation_placeholders["entities"] == "input_number.battery_soc"


async def test_a_battery_with_a_power_setpoint_is_not_offered_as_a_charger(hass: HomeAssistant) -> None:
    """The demo home's battery (our own simulator's integration, config/custom_components/headroom_sim:
    its level, its power and its power setpoint number on a "Home battery" device) is found by names
    and classes as a battery, and never under Add EV charger, though it has a power sensor and a
    power number as a by-name charger does."""
    install(
        hass,
        "headroom_sim",
        [Device(key="main", name="Home battery", identifiers=(("headroom_sim", "battery"),))],
        [
            Ent(
                domain="sensor",
                object_id="sim_battery_soc",
                unique_id="headroom_sim_battery_soc",
                state=55,
                device_class="battery",
                unit="%",
                name="Battery state of charge",
            ),
            Ent(
                domain="sensor",
                object_id="sim_battery_power",
                unique_id="headroom_sim_battery_power",
                state=0,
                device_class="power",
                unit="W",
                name="Battery power",
            ),
            Ent(
                domain="number",
                object_id="sim_battery_setpoint",
                unique_id="headroom_sim_battery_setpoint",
                state=0,
                device_class="power",
                unit="W",
                name="Battery power setpoint",
            ),
        ],
    )
    assert [c.name for c in async_candidates(hass, "ev_charger")] == []
    batteries = async_candidates(hass, "battery")
    assert [c.name for c in batteries] == ["Home battery"]
    assert batteries[0].fields["soc_entity"] == "sensor.sim_battery_soc"
