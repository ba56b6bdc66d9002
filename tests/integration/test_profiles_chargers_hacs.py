"""HACS chargers as their integrations make them: found with the right entities, read with their own
states, and driven by the exact entity write or action call their code accepts.

Every fixture below names its source: repository, files and commit. The schemas a write is checked
against are rewritten here from the integration's code (the number's range, the select's options, the
action's fields), so that a write the integration would refuse fails the test.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_CALL_SERVICE, EntityCategory
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.setup import async_setup_component

from custom_components.headroom.devices import ev_charger
from custom_components.headroom.discovery import Candidate, async_candidates

from .realdevices import Device, Ent, Installed, install
from .test_devices import EVENING
from .test_profiles_drive import _fastest, _site_with

DIAGNOSTIC = EntityCategory.DIAGNOSTIC
CONFIG = EntityCategory.CONFIG
W = "W"


def _candidate(hass: HomeAssistant, integration: str) -> Candidate:
    """The one charger discovery proposes for ``integration``."""
    found = [c for c in async_candidates(hass, "ev_charger") if c.integration == integration]
    assert len(found) == 1, [c.name for c in found]
    assert found[0].profile is not None
    return found[0]


async def _emulate(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, schema: vol.Schema, field: str
) -> list[Any]:
    """Act as the integration's entity does: every ``domain.service`` call on ``entity_id`` is checked
    against ``schema`` (raising as the integration would refuse it) and its ``field`` becomes the
    entity's state. Returns the values written, in order. The entity platform's component is set up,
    as the integration's own platform would have set it up."""
    assert await async_setup_component(hass, domain, {})
    written: list[Any] = []

    @callback
    def _on_call(event: Event) -> None:
        data = event.data
        if (data["domain"], data["service"]) != (domain, service):
            return
        if data["service_data"].get("entity_id") != entity_id:
            return
        checked = schema(dict(data["service_data"]))
        written.append(checked[field])
        state = hass.states.get(entity_id)
        hass.states.async_set(entity_id, str(checked[field]), state.attributes if state else {})

    hass.bus.async_listen(EVENT_CALL_SERVICE, _on_call)
    return written


# ---------------------------------------------------------------------------------------------- Zaptec
# source: custom-components/zaptec @ commit b1a02b309651993d302d4a4fe35325820718374d:
# custom_components/zaptec/entity.py (unique id "<object id>_<key>", translation key = key,
# has_entity_name), manager.py (a device per installation and per charger, identifiers (zaptec, id), the
# charger's via_device its installation), sensor.py (charger_operation_mode an enum in lower case;
# total_charge_power W), number.py (installation's available_current 0..MaxCurrent A; the charger's
# charger_max_current a config number), binary_sensor.py ("active" entities with unique id = object id
# and ``online``: cloud connectivity, diagnostic).
ZAPTEC_INSTALLATION = "0d5a2b7c-1111-4c1e-9a60-3c2f6d1e0a01"
ZAPTEC_CHARGER = "6a1f0e22-2222-47b5-8d0c-9b8d2e7f4b02"
ZAPTEC_MODES = ["unknown", "disconnected", "connected_requesting", "connected_charging", "connected_finished"]
# number.py ZaptecAvailableCurrentNumber: native_min_value 0, native_max_value the installation's
# MaxCurrent (32 here); NumberEntity refuses a value outside them.
ZAPTEC_AVAILABLE_CURRENT = vol.Schema(
    {
        vol.Required("entity_id"): str,
        vol.Required("value"): vol.All(vol.Coerce(float), vol.Range(min=0, max=32)),
    }
)


def zaptec_charger(hass: HomeAssistant, mode: str = "connected_requesting") -> Installed:
    inst, charger = ZAPTEC_INSTALLATION, ZAPTEC_CHARGER
    return install(
        hass,
        "zaptec",
        [
            Device(key="inst", name="Home", identifiers=(("zaptec", inst),), manufacturer="Zaptec"),
            Device(
                key="main",
                name="ZAP123456",
                identifiers=(("zaptec", charger),),
                manufacturer="Zaptec",
                model="Zaptec Go",
                via="inst",
            ),
        ],
        [
            Ent(
                domain="number",
                object_id="home_available_current",
                unique_id=f"{inst}_available_current",
                translation_key="available_current",
                state=16,
                device_class="current",
                unit="A",
                attributes={"min": 0, "max": 32, "step": 1},
                device="inst",
            ),
            Ent(
                domain="sensor",
                object_id="home_max_current",
                unique_id=f"{inst}_max_current",
                translation_key="max_current",
                state=32,
                device_class="current",
                unit="A",
                category=DIAGNOSTIC,
                device="inst",
            ),
            Ent(
                domain="binary_sensor",
                object_id="home_installation",
                unique_id=inst,
                state="on",
                device_class="connectivity",
                category=DIAGNOSTIC,
                device="inst",
            ),
            Ent(
                domain="sensor",
                object_id="zap123456_charger_mode",
                unique_id=f"{charger}_charger_operation_mode",
                translation_key="charger_operation_mode",
                state=mode,
                device_class="enum",
                attributes={"options": ZAPTEC_MODES},
            ),
            Ent(
                domain="sensor",
                object_id="zap123456_charge_power",
                unique_id=f"{charger}_total_charge_power",
                translation_key="total_charge_power",
                state=0,
                device_class="power",
                unit=W,
            ),
            Ent(
                domain="binary_sensor",
                object_id="zap123456_online",
                unique_id=f"{charger}_is_online",
                translation_key="online",
                state="on",
                device_class="connectivity",
                category=DIAGNOSTIC,
            ),
            Ent(
                domain="binary_sensor",
                object_id="zap123456_charger",
                unique_id=charger,
                state="on",
                device_class="connectivity",
                category=DIAGNOSTIC,
            ),
            Ent(
                domain="number",
                object_id="zap123456_charger_max_current",
                unique_id=f"{charger}_charger_max_current",
                translation_key="charger_max_current",
                state=32,
                device_class="current",
                unit="A",
                category=CONFIG,
                attributes={"min": 0, "max": 32, "step": 1},
            ),
        ],
    )


async def test_zaptec_is_found_with_its_installations_available_current(hass: HomeAssistant) -> None:
    installed = zaptec_charger(hass)
    found = _candidate(hass, "zaptec")
    assert found.device_id == installed.devices["main"]  # the charger, not its installation
    assert found.fields == {
        "charger_power_entity": "sensor.zap123456_charge_power",
        # The installation's available current (the charger's own max current is a setting).
        "current_limit_entity": "number.home_available_current",
        "max_current_a": 32.0,
        # The charger mode with Zaptec's connected states, never the cloud-connectivity sensors.
        "plugged_entity": "sensor.zap123456_charger_mode",
        "plugged_states": ["connected_requesting", "connected_charging", "connected_finished"],
        "min_write_interval_s": 900.0,
    }


async def test_zaptec_charger_mode_reads_as_plugged_while_paused(hass: HomeAssistant) -> None:
    zaptec_charger(hass)
    fields = _candidate(hass, "zaptec").fields
    for mode, plugged in (
        ("connected_requesting", True),  # waiting: paused at 0 A
        ("connected_charging", True),
        ("connected_finished", True),
        ("disconnected", False),
        ("unknown", False),
    ):
        hass.states.async_set("sensor.zap123456_charger_mode", mode)
        assert ev_charger.read(hass, fields).plugged is plugged, mode


async def test_zaptec_available_current_is_raised_no_more_than_every_15_minutes(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    """Paused to 0 A at set-up; asked for full power a minute later, the raise waits the 15 minutes
    Zaptec recommends between changes, then the available current is set to 15 A."""
    freezer.move_to(EVENING)
    zaptec_charger(hass)
    written = await _emulate(
        hass, "number", "set_value", "number.home_available_current", ZAPTEC_AVAILABLE_CURRENT, "value"
    )
    fields = _candidate(hass, "zaptec").fields
    await _site_with(hass, "ev_charger", "Zaptec", fields)
    assert written == [0.0]  # smart: nothing now, the available current set to 0 A (a lowering: at once)
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.zaptec_charge_mode")
    assert float(hass.states.get("sensor.zaptec_planned_power").state) > 4.0
    assert written == [0.0]  # a raise a minute after the last change waits
    freezer.tick(timedelta(minutes=15))
    await _fastest(hass, "select.zaptec_charge_mode")
    assert written == [0.0, 15.0]  # 10.4 kW over 3 x 230 V
