"""A field shown is a field applied: the control mode picked in Configure is the one that runs, the
select and the form agree, and a mode change applies without reloading the home."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
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
