"""Discovery over registries shaped like the named integrations': it proposes, the person confirms."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.headroom.config_flow import guess_mode_option
from custom_components.headroom.const import DOMAIN
from custom_components.headroom.discovery import async_candidates

from .conftest import SITE

GOODWE_MODES = [
    "General mode",
    "Off grid mode",
    "Backup mode",
    "Eco mode",
    "Peak shaving",
    "Eco charge mode",
    "Eco discharge mode",
]


def add_device(
    hass: HomeAssistant,
    integration: str,
    name: str,
    entities: list[tuple[str, str | None, str | None, Any, dict[str, Any]]],
) -> str:
    """A device of ``integration`` with (entity_id, device_class, unit, state, attributes) entities."""
    source = MockConfigEntry(domain=integration, title=name)
    source.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=source.entry_id, name=name, identifiers={(integration, name)}
    )
    registry = er.async_get(hass)
    for entity_id, device_class, unit, state, attributes in entities:
        domain, object_id = entity_id.split(".", 1)
        registry.async_get_or_create(
            domain,
            integration,
            object_id,
            suggested_object_id=object_id,
            config_entry=source,
            device_id=device.id,
            original_device_class=device_class,
            unit_of_measurement=unit,
            original_name=object_id.replace("_", " "),
        )
        attrs = dict(attributes)
        if unit:
            attrs["unit_of_measurement"] = unit
        if device_class:
            attrs["device_class"] = device_class
        hass.states.async_set(entity_id, str(state), attrs)
    return device.id


@pytest.fixture
def registries(hass: HomeAssistant) -> dict[str, str]:
    return {
        "ocpp": add_device(
            hass,
            "ocpp",
            "Carport charger",
            [
                ("sensor.carport_power_active_import", "power", "W", 0, {}),
                ("number.carport_maximum_current", "current", "A", 16, {"min": 0, "max": 32, "step": 1}),
                ("switch.carport_charge_control", None, None, "off", {}),
                ("binary_sensor.carport_plugged", "plug", None, "on", {}),
            ],
        ),
        "easee": add_device(
            hass,
            "easee",
            "Easee Home",
            [
                ("sensor.easee_home_power", "power", "kW", 0, {}),
                ("sensor.easee_home_dynamic_charger_limit", "current", "A", 32, {}),
            ],
        ),
        "goodwe": add_device(
            hass,
            "goodwe",
            "GW10K-ET",
            [
                ("sensor.battery_state_of_charge", "battery", "%", 55, {}),
                ("sensor.battery_power", "power", "W", -300, {}),
                ("select.inverter_operation_mode", None, None, "General mode", {"options": GOODWE_MODES}),
            ],
        ),
        "tesla": add_device(
            hass,
            "tesla_fleet",
            "Model Y",
            [
                ("sensor.model_y_battery_level", "battery", "%", 62, {}),
                ("sensor.model_y_battery_range", "distance", "km", 310, {}),
            ],
        ),
        "plug": add_device(
            hass,
            "shelly",
            "Dishwasher plug",
            [
                ("switch.dishwasher_plug", None, None, "off", {}),
                ("sensor.dishwasher_plug_power", "power", "W", 1.2, {}),
            ],
        ),
        "tv": add_device(hass, "shelly", "TV plug", [("switch.tv_plug", None, None, "on", {})]),
    }


async def test_chargers_known_integrations_first_with_the_car(
    hass: HomeAssistant, registries: dict[str, str]
) -> None:
    found = async_candidates(hass, "ev_charger")
    assert [c.integration for c in found] == ["ocpp", "easee"]
    ocpp = found[0].fields
    assert ocpp == {
        "charger_power_entity": "sensor.carport_power_active_import",
        "control_adapter": "ocpp",
        "current_limit_entity": "number.carport_maximum_current",
        "max_current_a": 32.0,
        "plugged_entity": "binary_sensor.carport_plugged",
        "charge_switch_entity": "switch.carport_charge_control",
        "ev_soc_entity": "sensor.model_y_battery_level",  # the car's SoC, not a battery's
    }
    assert found[1].fields["control_adapter"] == "easee"


async def test_batteries_and_appliances(hass: HomeAssistant, registries: dict[str, str]) -> None:
    batteries = async_candidates(hass, "battery")
    assert [c.integration for c in batteries] == ["goodwe"]  # not the car
    assert batteries[0].fields == {
        "soc_entity": "sensor.battery_state_of_charge",
        "power_entity": "sensor.battery_power",
        "mode_select_entity": "select.inverter_operation_mode",
    }
    appliances = async_candidates(hass, "appliance")
    assert [c.name for c in appliances] == ["Dishwasher plug"]  # the TV plug has no power sensor


@pytest.mark.parametrize(
    ("mode", "option"),
    [
        ("self_consumption", "General mode"),
        ("forced_charge", "Eco charge mode"),
        ("forced_discharge", "Eco discharge mode"),
        ("idle", "Backup mode"),
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
    assert result["description_placeholders"]["found"] == "Carport charger (ocpp), Easee Home (easee)"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"discovered": registries["ocpp"]}
    )
    assert result["step_id"] == "device"
    schema = {str(k): k for k in result["data_schema"].schema}
    assert schema["current_limit_entity"].description == {"suggested_value": "number.carport_maximum_current"}
    # The person changes the phases and confirms the rest.
    form = {
        "name": "Carport charger",
        "charger_power_entity": "sensor.carport_power_active_import",
        "control_adapter": "ocpp",
        "current_limit_entity": "number.carport_maximum_current",
        "plugged_entity": "binary_sensor.carport_plugged",
        "phases": "1",
        "min_current_a": 6,
        "max_current_a": 32,
        "default_energy_kwh": 20,
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    sub = next(s for s in entry.subentries.values() if s.title == "Carport charger")
    assert sub.data["phases"] == "1" and sub.data["control_adapter"] == "ocpp"
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
    assert suggested["mode_option_forced_charge"] == "Eco charge mode"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"mode_option_self_consumption": "General mode", "mode_option_forced_charge": "Eco charge mode"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    sub = next(iter(hass.config_entries.async_get_entry(entry.entry_id).subentries.values()))
    assert sub.data["mode_option_forced_charge"] == "Eco charge mode"


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
