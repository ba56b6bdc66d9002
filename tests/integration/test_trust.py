"""A field shown is a field applied: the control mode picked in Configure is the one that runs, the
select and the form agree, and a mode change applies without reloading the home."""

from __future__ import annotations

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from pytest_homeassistant_custom_component.common import async_capture_events

from .conftest import SITE
from .test_devices import CURRENT, EVENING, SWITCH, fastest, replan, setup, writes


def _site_form(entry_data: dict[str, object], **changes: object) -> dict[str, object]:
    """The Configure form as a person submits it: every shown field as it stands, with ``changes``."""
    form = {k: v for k, v in entry_data.items() if k in SITE and k != "name" and v is not None}
    return {**form, "grid_power_entity": "sensor.grid_power", **changes}


async def test_off_in_configure_stops_driving(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    entry = await setup(hass, "active")
    await fastest(hass)
    assert hass.states.get(CURRENT).state == "15.0"
    assert hass.states.get("sensor.driveway_control").state == "active"

    result = await hass.config_entries.options.async_init(entry.entry_id)
    schema = {str(k): k for k in result["data_schema"].schema}
    assert schema["control_mode"].default() == "active"  # the form shows what runs
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], _site_form(dict(entry.data), control_mode="off")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)

    assert hass.states.get("select.home_control_mode").state == "off"
    assert entry.runtime_data.control_mode == "off"
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    hass.states.async_set(CURRENT, "6.0")  # the car is changed by hand: Headroom no longer answers
    await replan(hass)
    assert writes(calls) == []
    assert hass.states.get(SWITCH).state == "on"  # left as it was: Off drives nothing

    # And back, after a restart: the mode comes from the entry, not an older copy.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("select.home_control_mode").state == "off"


async def test_the_select_and_the_form_agree_and_the_select_does_not_reload(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    entry = await setup(hass, "advisory")
    coordinator = entry.runtime_data
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.home_control_mode", "option": "active"},
        blocking=True,
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.runtime_data is coordinator  # applied in place, the home was not reloaded
    assert coordinator.control_mode == "active"
    result = await hass.config_entries.options.async_init(entry.entry_id)
    schema = {str(k): k for k in result["data_schema"].schema}
    assert schema["control_mode"].default() == "active"
    await fastest(hass)
    assert hass.states.get(CURRENT).state == "15.0"  # and it drives

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("select.home_control_mode").state == "active"


async def test_a_mode_kept_by_an_older_version_moves_into_the_settings(
    hass: HomeAssistant, home: None
) -> None:
    """Before, the select's mode lived in the Store over the entry's: it is moved once, then the entry rules."""
    from homeassistant.helpers.storage import Store
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.headroom.const import DOMAIN
    from custom_components.headroom.coordinator import STORAGE_VERSION

    entry = MockConfigEntry(domain=DOMAIN, title="Home", data={**SITE, "control_mode": "advisory"})
    entry.add_to_hass(hass)
    await Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}").async_save(
        {"intents": {}, "control_mode": "off"}
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("select.home_control_mode").state == "off"
    assert entry.options["control_mode"] == "off"


async def test_the_charger_form_refuses_what_cannot_work(hass: HomeAssistant, home: None) -> None:
    """Headroom's own plan as the charger's measurement, a price as the car's SoC, a power as the current
    number: each refused with a translated error; Headroom's entities are not offered at all."""
    from homeassistant import config_entries

    from .conftest import PRICE

    entry = await setup(hass, "advisory")
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "ev_charger"), context={"source": config_entries.SOURCE_USER}
    )
    if result["step_id"] == "user":  # devices found: enter by hand
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"discovered": "manual"}
        )
    schema = {str(k): v for k, v in result["data_schema"].schema.items()}
    assert "sensor.driveway_planned_power" in schema["charger_power_entity"].config["exclude_entities"]
    hass.states.async_set("input_number.street_current", "16", {"unit_of_measurement": "A"})
    form = {
        "name": "Street",
        "charger_power_entity": "sensor.driveway_planned_power",
        "ev_soc_entity": PRICE,
        "power_limit_entity": "input_number.street_current",
        "phases": "3",
        "min_current_a": 6,
        "max_current_a": 16,
        "default_energy_kwh": 10,
    }
    with pytest.raises(InvalidData):  # not even accepted by the picker
        await hass.config_entries.subentries.async_configure(result["flow_id"], form)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**form, "charger_power_entity": "sensor.charger_power"}
    )
    assert result["errors"] == {"ev_soc_entity": "unit_not_percent", "power_limit_entity": "unit_not_power"}
    assert len(entry.subentries) == 1  # nothing was added


async def test_a_charger_with_nothing_to_drive_is_advisory(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    from homeassistant.config_entries import ConfigSubentryData

    from .conftest import charger_subentry

    freezer.move_to(EVENING)
    sub = charger_subentry()
    plain = ConfigSubentryData(
        subentry_type="ev_charger", title="Driveway", unique_id=None, data=dict(sub["data"])
    )
    await setup(hass, "active", plain)
    assert hass.states.get("sensor.driveway_control").state == "advisory"


def test_every_message_has_only_plain_placeholders() -> None:
    """The frontend reads translations as ICU messages: ``{start, value}`` in a description is an
    ICU argument and shows "Translation error: INVALID_ARGUMENT_TYPE" instead of the text."""
    import json
    import re
    from pathlib import Path

    from custom_components import headroom

    strings = json.loads((Path(headroom.__file__).parent / "strings.json").read_text())
    bad: list[str] = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, str):
            bad.extend(
                f"{path}: {m}" for m in re.findall(r"\{[^}]*\}", node) if not re.fullmatch(r"\{\w+\}", m)
            )

    walk(strings, "strings")
    assert bad == []


async def test_the_cars_own_charge_limit_caps_the_plan(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    """SoC 40 %, 60 kWh: Headroom's target 80 % asks 24 kWh; the car's own limit at 60 % stops it at
    12 kWh, so no more is planned (the car would refuse it)."""
    from homeassistant.config_entries import ConfigSubentryData

    from .conftest import charger_subentry

    freezer.move_to(EVENING)
    hass.states.async_set("sensor.car_charge_limit", "60", {"unit_of_measurement": "%"})
    sub = charger_subentry()
    capped = ConfigSubentryData(
        subentry_type="ev_charger",
        title="Driveway",
        unique_id=None,
        data={**sub["data"], "ev_target_soc_entity": "sensor.car_charge_limit"},
    )
    await setup(hass, "advisory", capped)
    assert float(hass.states.get("sensor.driveway_planned_energy_by_departure").state) == 12.0
    hass.states.async_set("sensor.car_charge_limit", "100", {"unit_of_measurement": "%"})
    await replan(hass)
    assert float(hass.states.get("sensor.driveway_planned_energy_by_departure").state) == 24.0
