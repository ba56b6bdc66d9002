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
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import EVENT_CALL_SERVICE, EntityCategory
from homeassistant.core import Event, HomeAssistant, ServiceCall, callback
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.devices import ev_charger
from custom_components.headroom.discovery import Candidate, async_candidates

from .conftest import SITE
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


def _zaptec_charger(charger: str, name: str, key: str, mode: str) -> list[Ent]:
    """One charger's entities (on the device ``key``)."""
    slug = name.lower()
    return [
        Ent(
            domain="sensor",
            object_id=f"{slug}_charger_mode",
            unique_id=f"{charger}_charger_operation_mode",
            translation_key="charger_operation_mode",
            state=mode,
            device_class="enum",
            attributes={"options": ZAPTEC_MODES},
            device=key,
        ),
        Ent(
            domain="sensor",
            object_id=f"{slug}_charge_power",
            unique_id=f"{charger}_total_charge_power",
            translation_key="total_charge_power",
            state=0,
            device_class="power",
            unit=W,
            device=key,
        ),
        Ent(
            domain="binary_sensor",
            object_id=f"{slug}_online",
            unique_id=f"{charger}_is_online",
            translation_key="online",
            state="on",
            device_class="connectivity",
            category=DIAGNOSTIC,
            device=key,
        ),
        Ent(
            domain="binary_sensor",
            object_id=f"{slug}_charger",
            unique_id=charger,
            state="on",
            device_class="connectivity",
            category=DIAGNOSTIC,
            device=key,
        ),
        Ent(
            domain="number",
            object_id=f"{slug}_charger_max_current",
            unique_id=f"{charger}_charger_max_current",
            translation_key="charger_max_current",
            state=32,
            device_class="current",
            unit="A",
            category=CONFIG,
            attributes={"min": 0, "max": 32, "step": 1},
            device=key,
        ),
    ]


def zaptec_charger(
    hass: HomeAssistant, mode: str = "connected_requesting", *, second: bool = False
) -> Installed:
    """An installation with its charger ZAP123456 (and a second one, ZAP654321, when asked)."""
    inst = ZAPTEC_INSTALLATION
    chargers = [(ZAPTEC_CHARGER, "ZAP123456", "main")]
    if second:
        chargers.append(("9c4e1d33-3333-4a2b-8e1f-5d6c7b8a9c03", "ZAP654321", "second"))
    devices = [Device(key="inst", name="Home", identifiers=(("zaptec", inst),), manufacturer="Zaptec")]
    entities = [
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
    ]
    for charger, name, key in chargers:
        devices.append(
            Device(
                key=key,
                name=name,
                identifiers=(("zaptec", charger),),
                manufacturer="Zaptec",
                model="Zaptec Go",
                via="inst",
            )
        )
        entities += _zaptec_charger(charger, name, key, mode)
    return install(hass, "zaptec", devices, entities, title="Zaptec")


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


async def test_a_second_zaptec_charger_on_the_installation_is_not_offered_its_available_current_again(
    hass: HomeAssistant, home: None
) -> None:
    """Two chargers share the installation's available current: both are found, but once one is
    configured the other is not offered (two devices writing one limit would undo each other)."""
    zaptec_charger(hass, second=True)
    found = [c for c in async_candidates(hass, "ev_charger") if c.integration == "zaptec"]
    assert sorted(c.name for c in found) == ["ZAP123456", "ZAP654321"]
    assert {c.fields["current_limit_entity"] for c in found} == {"number.home_available_current"}
    first = next(c for c in found if c.name == "ZAP123456")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data=SITE,
        subentries_data=[
            ConfigSubentryData(
                subentry_type="ev_charger",
                title="ZAP123456",
                unique_id=None,
                data={"phases": "3", "min_current_a": 6, "default_energy_kwh": 20, **first.fields},
            )
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "ev_charger"), context={"source": "user"}
    )
    assert result["step_id"] == "device"  # nothing left to offer: the person enters the entities


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


def _emulate_switch(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Act as the integration's switch does: ``switch.turn_on``/``turn_off`` on ``entity_id`` become its
    state. Returns the states written, in order."""
    written: list[str] = []

    @callback
    def _on_call(event: Event) -> None:
        data = event.data
        if data["domain"] != "switch" or data["service_data"].get("entity_id") != entity_id:
            return
        written.append("on" if data["service"] == "turn_on" else "off")
        hass.states.async_set(entity_id, written[-1], hass.states.get(entity_id).attributes)

    hass.bus.async_listen(EVENT_CALL_SERVICE, _on_call)
    return written


# ----------------------------------------------------------------------------------- go-e APIv2
# source: marq24/ha-goecharger-api2 @ commit b48a90c34ec02f1be915972a14ee406f04295c25:
# custom_components/goecharger_api2/__init__.py (translation key = API key lower case, "<key>_<idx>" when
# indexed; entity id and unique id from "goe_<serial>_<translation key>"; the device's identifiers
# (domain, serial, host, title)), const.py (number amp 6-32 A and ama; nrg_7..nrg_11 power W, 11 the
# total; binary_sensor car_0 device class plug; binary_sensor alw; select frc options "0", "1", "2";
# switch acp), translations/en.json (names).
GOE_SERIAL = "212345"
# const.py ExtNumberEntityDescription(key=amp, native_min_value=6, native_max_value=32, native_step=1).
GOE_AMP = vol.Schema(
    {
        vol.Required("entity_id"): str,
        vol.Required("value"): vol.All(vol.Coerce(float), vol.Range(min=6, max=32)),
    }
)
# const.py ExtSelectEntityDescription(key=frc, options=["0", "1", "2"]).
GOE_FRC = vol.Schema({vol.Required("entity_id"): str, vol.Required("option"): vol.In(["0", "1", "2"])})


def _goe(key: str, domain: str, state: Any, **kwargs: Any) -> Ent:
    return Ent(
        domain=domain,
        object_id=f"goe_{GOE_SERIAL}_{key}",
        unique_id=f"goecharger_api2.goe_{GOE_SERIAL}_{key}",
        translation_key=key,
        state=state,
        **kwargs,
    )


def goe_api2_charger(hass: HomeAssistant) -> Installed:
    amps = {"min": 6, "max": 32, "step": 1}
    return install(
        hass,
        "goecharger_api2",
        [
            Device(
                key="main",
                name="go-eCharger",
                # The integration's own four-value identifier.
                identifiers=(("goecharger_api2", GOE_SERIAL, "192.168.1.40", "go-eCharger"),),  # type: ignore[arg-type]
                manufacturer="go-e GmbH [Austria]",
            )
        ],
        [
            _goe("nrg_7", "sensor", 0, device_class="power", unit=W),
            _goe("nrg_8", "sensor", 0, device_class="power", unit=W),
            _goe("nrg_9", "sensor", 0, device_class="power", unit=W),
            _goe("nrg_11", "sensor", 0, device_class="power", unit=W),
            _goe("ama", "number", 32, device_class="current", unit="A", attributes=amps),
            _goe("amp", "number", 16, device_class="current", unit="A", attributes=amps),
            _goe("car_0", "binary_sensor", "on", device_class="plug"),
            _goe("alw", "binary_sensor", "on"),
            _goe("acp", "switch", "on"),
            _goe("frc", "select", "0", attributes={"options": ["0", "1", "2"]}),
            _goe("car_value", "sensor", "WaitCar"),
        ],
    )


async def test_goe_api2_is_found_with_its_requested_current_total_power_and_force_state(
    hass: HomeAssistant,
) -> None:
    goe_api2_charger(hass)
    assert _candidate(hass, "goecharger_api2").fields == {
        "charger_power_entity": f"sensor.goe_{GOE_SERIAL}_nrg_11",  # the total, not L1's
        "current_limit_entity": f"number.goe_{GOE_SERIAL}_amp",  # requested, not the absolute maximum
        "max_current_a": 32.0,
        "plugged_entity": f"binary_sensor.goe_{GOE_SERIAL}_car_0",
        # The force state, never "allow charge pause": "2" charges, "1" does not.
        "charge_select_entity": f"select.goe_{GOE_SERIAL}_frc",
        "charge_select_on": "2",
        "charge_select_off": "1",
    }


async def test_goe_api2_is_stopped_by_its_force_state_and_driven_by_its_requested_current(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    goe_api2_charger(hass)
    amps = await _emulate(hass, "number", "set_value", f"number.goe_{GOE_SERIAL}_amp", GOE_AMP, "value")
    force = await _emulate(hass, "select", "select_option", f"select.goe_{GOE_SERIAL}_frc", GOE_FRC, "option")
    fields = _candidate(hass, "goecharger_api2").fields
    await _site_with(hass, "ev_charger", "go-e", fields)
    # Nothing now: "don't charge"; the requested current cannot go below 6 A and is left alone.
    assert (force, amps) == (["1"], [])
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.go_e_charge_mode")
    assert (force, amps) == (["1", "2"], [15.0])
    # Paused again (the car unplugged): the force state stops it, the requested current stays.
    hass.states.async_set(f"binary_sensor.goe_{GOE_SERIAL}_car_0", "off", {"device_class": "plug"})
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.go_e_charge_mode")
    assert (force, amps) == (["1", "2", "1"], [15.0])


# ------------------------------------------------------------------------------ go-eCharger (cathiele)
# source: cathiele/homeassistant-goecharger @ commit 695ed2f60c99233d16b3b570f70849101c0f4c57:
# custom_components/goecharger/sensor.py (entity id "sensor.goecharger_<name>_<attribute>", unique id
# "<name>_<attribute>", units as strings, no device classes; device identifiers (goecharger, <name>)),
# switch.py ("switch.goecharger_<name>_allow_charging"), __init__.py (set_max_current, registered without
# a schema: charger_name, max_current); cathiele/goecharger @ commit b4491acad586e29ec35654786313a3b1710c3bd1
# goecharger/goecharger.py (GO_CAR_STATUS; setTmpMaxCurrent(current) sends amx=str(current)).
GOE_NAME = "garage"


def goe_set_max_current(data: dict[str, Any]) -> dict[str, Any]:
    """__init__.py async_handle_set_max_current, as a schema: ``charger_name`` ('' = every charger) must be
    a configured charger; ``max_current`` an int or a numeric string (anything else reaches the library,
    which sends ``amx=<str(value)>``: a float would send "amx=15.0", which go-e rejects)."""
    checked = vol.Schema(
        {
            vol.Optional("charger_name", default=""): vol.In(["", GOE_NAME]),
            vol.Required("max_current"): vol.Any(int, vol.All(str, vol.Match(r"^[0-9]+$"))),
        }
    )(data)
    if isinstance(checked["max_current"], bool):
        raise vol.Invalid("max_current")
    return checked


def goe_charger(hass: HomeAssistant) -> Installed:
    def sensor(attribute: str, state: Any, unit: str = "") -> Ent:
        return Ent(
            domain="sensor",
            object_id=f"goecharger_{GOE_NAME}_{attribute}",
            unique_id=f"{GOE_NAME}_{attribute}",
            state=state,
            unit=unit or None,
        )

    return install(
        hass,
        "goecharger",
        [Device(key="main", name=GOE_NAME, identifiers=(("goecharger", GOE_NAME),), manufacturer="go-e")],
        [
            sensor("car_status", "Waiting for vehicle"),
            sensor("p_l1", 0.0, "kW"),
            sensor("p_all", 0.0, "kW"),
            sensor("charger_max_current", 16, "A"),
            sensor("charger_absolute_max_current", 32, "A"),
            Ent(
                domain="switch",
                object_id=f"goecharger_{GOE_NAME}_allow_charging",
                unique_id=f"{GOE_NAME}_allow_charging",
                state="on",
            ),
        ],
    )


async def test_goe_cathiele_is_found_by_its_unique_ids_and_driven_by_set_max_current(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    installed = goe_charger(hass)
    found = _candidate(hass, "goecharger")
    assert found.fields == {
        "charger_power_entity": f"sensor.goecharger_{GOE_NAME}_p_all",  # all phases, in kW
        "plugged_entity": f"sensor.goecharger_{GOE_NAME}_car_status",
        "plugged_states": ["charging", "Waiting for vehicle", "charging finished, vehicle still connected"],
        "charge_switch_entity": f"switch.goecharger_{GOE_NAME}_allow_charging",
        "control_adapter": "goecharger",
        "vendor_device_id": installed.devices["main"],
        "vendor_charger_id": GOE_NAME,  # the action finds the charger by its configured name
    }
    hass.states.async_set(f"sensor.goecharger_{GOE_NAME}_car_status", "Charger ready, no vehicle")
    assert ev_charger.read(hass, found.fields).plugged is False
    hass.states.async_set(
        f"sensor.goecharger_{GOE_NAME}_car_status", "charging finished, vehicle still connected"
    )
    assert ev_charger.read(hass, found.fields).plugged is True
    hass.states.async_set(f"sensor.goecharger_{GOE_NAME}_car_status", "Waiting for vehicle")

    received: list[dict[str, Any]] = []

    async def set_max_current(call: ServiceCall) -> None:
        received.append(goe_set_max_current(dict(call.data)))

    hass.services.async_register("goecharger", "set_max_current", set_max_current)
    assert await async_setup_component(hass, "switch", {})
    switched = _emulate_switch(hass, f"switch.goecharger_{GOE_NAME}_allow_charging")
    await _site_with(hass, "ev_charger", "go-e", found.fields)
    # Nothing now: charging disallowed by its switch (the action cannot go below 6 A), no current sent.
    assert (switched, received) == (["off"], [])
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.go_e_charge_mode")
    assert received == [{"charger_name": GOE_NAME, "max_current": 15}]
    assert switched == ["off", "on"]


# ------------------------------------------------------------------------------------------- OpenEVSE
# source: firstof9/openevse @ commit 0694f3a1ceb16a66bd7ddc0e3e206156ddbff4e7: custom_components/openevse/
# const.py (descriptions, names, units, categories), sensor.py / number.py / binary_sensor.py (name "<charger
# name> <description name>", unique id "<description name>_<entry id>"), select.py (unique id "<charger
# name> <description name>_<entry id>"), entity.py (device by connection (openevse, <entry id>));
# firstof9/python-openevse-http @ commit 1f850ad2b147d75315538154ce50b42e8ad81319 (1.5.0, the manifest's pin)
# openevsehttp/commands.py (set_current: an int within the hard limits, set as the override's
# charge_current; set_override merges into the existing override).
OPENEVSE_ENTRY = "01JCXOPENEVSE0000000000000"


# number.py: native_min_value min_amps, native_max_value max_amps; async_set_native_value raises
# ValueError("charge rate must be whole amps") for anything else.
def _whole_amps(value: float) -> float:
    if not float(value).is_integer():
        raise vol.Invalid("charge rate must be whole amps")
    return value


OPENEVSE_CHARGE_RATE = vol.Schema(
    {
        vol.Required("entity_id"): str,
        vol.Required("value"): vol.All(vol.Coerce(float), vol.Range(min=6, max=32), _whole_amps),
    }
)
# const.py OVERRIDE_STATE.
OPENEVSE_OVERRIDE = vol.Schema(
    {vol.Required("entity_id"): str, vol.Required("option"): vol.In(["active", "auto", "disabled"])}
)


def openevse_charger(hass: HomeAssistant) -> Installed:
    name, entry = "OpenEVSE", OPENEVSE_ENTRY

    def ent(domain: str, description: str, state: Any, **kwargs: Any) -> Ent:
        prefix = f"{name} " if domain == "select" else ""
        return Ent(
            domain=domain,
            object_id=f"openevse_{description.lower().replace(' ', '_').replace('(', '').replace(')', '')}",
            unique_id=f"{prefix}{description}_{entry}",
            state=state,
            name=f"{name} {description}",
            **kwargs,
        )

    return install(
        hass,
        "openevse",
        [
            Device(
                key="main",
                name=name,
                identifiers=(),
                connections=(("openevse", entry),),
                manufacturer="OpenEVSE",
            )
        ],
        [
            ent("sensor", "Current Power Usage (Calculated)", 0, device_class="power", unit="mW"),
            ent("sensor", "Current Power Usage (Actual)", 0, device_class="power", unit=W),
            ent("sensor", "Charging Status", "connected"),
            ent("binary_sensor", "Vehicle Connected", "on", device_class="plug"),
            ent("binary_sensor", "Manual Override", "off", device_class="power"),
            ent(
                "number",
                "Charge Rate",
                16,
                device_class="current",
                unit="A",
                category=CONFIG,
                attributes={"min": 6, "max": 32, "step": 1},
            ),
            ent(
                "select",
                "Override State",
                "auto",
                category=CONFIG,
                attributes={"options": ["active", "auto", "disabled"]},
            ),
            ent("switch", "Manual Override", "off", device_class="switch"),
        ],
        entry_id=entry,
    )


async def test_openevse_is_found_by_its_descriptions_and_paused_by_its_override(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    openevse_charger(hass)
    fields = _candidate(hass, "openevse").fields
    assert fields == {
        "charger_power_entity": "sensor.openevse_current_power_usage_actual",  # W, not the mW one
        "current_limit_entity": "number.openevse_charge_rate",
        "max_current_a": 32.0,
        "charge_select_entity": "select.openevse_override_state",
        "charge_select_on": "active",
        "charge_select_off": "disabled",
        "plugged_entity": "binary_sensor.openevse_vehicle_connected",
    }
    rate = await _emulate(
        hass, "number", "set_value", "number.openevse_charge_rate", OPENEVSE_CHARGE_RATE, "value"
    )
    override = await _emulate(
        hass, "select", "select_option", "select.openevse_override_state", OPENEVSE_OVERRIDE, "option"
    )
    await _site_with(hass, "ev_charger", "OpenEVSE", fields)
    # Nothing now: the override disables it; its charge rate (6 A at least) is left alone.
    assert (override, rate) == (["disabled"], [])
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.openevse_charge_mode")
    assert (override, rate) == (["disabled", "active"], [15.0])


# ------------------------------------------------------------------------------------------------ Alfen
# source: leeyuentuen/alfen_wallbox @ commit bc9698695f563a29b0d930b59a31132b48d03db5: custom_components/
# alfen_wallbox/entity.py (device identifiers (alfen_wallbox, <name>); no _attr_unique_id, so sensors'
# unique ids are "None-<key>"), sensor.py (names "<device name> <description name>"; status_socket_1 a
# STATUS_DICT string; active_power_total_socket_1 W), number.py (has_entity_name, unique id
# "<device id>_<key>", device id "alfen_<name>"; main_normal_max_current_socket_1 0-16 A; alb_safe_current
# 1-16 A; max_station_current 0-16 A).
ALFEN_NAME = "Alfen Eve"
ALFEN_MAX_CURRENT = vol.Schema(
    {
        vol.Required("entity_id"): str,
        vol.Required("value"): vol.All(vol.Coerce(float), vol.Range(min=0, max=16)),
    }
)


def alfen_charger(hass: HomeAssistant, status: str = "Charge Point Ready, Waiting For Power") -> Installed:
    amps = {"min": 0, "max": 16, "step": 1}
    device_id = f"alfen_{ALFEN_NAME}"

    def number(key: str, name: str, state: Any, low: int = 0) -> Ent:
        return Ent(
            domain="number",
            object_id=f"alfen_eve_{name.lower().replace(' ', '_').replace('.', '')}",
            unique_id=f"{device_id}_{key}",
            state=state,
            device_class="current",
            unit="A",
            name=name,
            attributes={**amps, "min": low},
        )

    return install(
        hass,
        "alfen_wallbox",
        [
            Device(
                key="main",
                name=ALFEN_NAME,
                identifiers=(("alfen_wallbox", ALFEN_NAME),),
                manufacturer="Alfen",
            )
        ],
        [
            Ent(
                domain="sensor",
                object_id="alfen_eve_active_power_total_socket_1",
                unique_id="None-active_power_total_socket_1",
                state=0,
                device_class="power",
                unit=W,
            ),
            Ent(
                domain="sensor",
                object_id="alfen_eve_status_code_socket_1",
                unique_id="None-status_socket_1",
                state=status,
            ),
            number("alb_safe_current", "Load Balancing Safe Current", 6, low=1),
            number("main_normal_max_current_socket_1", "Power Connector Max Current Socket 1", 16),
            number("max_station_current", "Max. Station Current", 16),
        ],
    )


async def test_alfen_is_found_read_by_its_status_and_driven_by_socket_1s_max_current(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    alfen_charger(hass)
    fields = _candidate(hass, "alfen_wallbox").fields
    assert {k: v for k, v in fields.items() if k != "plugged_states"} == {
        "charger_power_entity": "sensor.alfen_eve_active_power_total_socket_1",
        "current_limit_entity": "number.alfen_eve_power_connector_max_current_socket_1",
        "max_current_a": 16.0,
        "plugged_entity": "sensor.alfen_eve_status_code_socket_1",
    }
    for status, plugged in (
        ("Charge Point Ready, Waiting For Power", True),  # paused at 0 A
        ("Charging Normal", True),
        ("Suspended Over-Current", True),
        ("Available", False),
        ("Cable connected", False),
        ("Error Charging", False),
    ):
        hass.states.async_set("sensor.alfen_eve_status_code_socket_1", status)
        assert ev_charger.read(hass, fields).plugged is plugged, status
    hass.states.async_set("sensor.alfen_eve_status_code_socket_1", "Charge Point Ready, Waiting For Power")
    written = await _emulate(
        hass,
        "number",
        "set_value",
        "number.alfen_eve_power_connector_max_current_socket_1",
        ALFEN_MAX_CURRENT,
        "value",
    )
    await _site_with(hass, "ev_charger", "Alfen", fields)
    assert written == [0.0]
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.alfen_charge_mode")
    assert written == [0.0, 15.0]


# -------------------------------------------------------------------------------------- myenergi zappi
# source: CJNE/ha-myenergi @ commit e5166abdf869ba022ea60b2351d84fc7ccba49c4: custom_components/myenergi/
# select.py (ZappiChargeModeSelect: unique id "<entry>-<serial>-charge_mode", name "myenergi <device>
# Charge Mode", translation key phase_setting, options CHARGE_MODES[1:]; ZappiPhaseSettingSelect:
# "-phase_setting_select", the same translation key; EddiOperatingModeSelect "-operating_mode"), sensor.py
# (unique id "<entry>-<serial>-<prop>": plug_status, status; CT power "power-<ct key>", W, diagnostic),
# entity.py (identifiers (myenergi, <serial>)); CJNE/pymyenergi @ commit
# 90fc44e58f6e47b2f17542f1075d6efdb9c81d38 (0.2.3) pymyenergi/zappi.py (CHARGE_MODES, PLUG_STATES),
# pymyenergi/eddi.py (EDDI_MODES), pymyenergi/base_device.py (CT keys).
MYENERGI_ENTRY = "01JCXMYENERGI000000000000"
ZAPPI_SERIAL, EDDI_SERIAL = "16000001", "14000002"
ZAPPI_MODES = ["Fast", "Eco", "Eco+", "Stopped"]
# select: SelectEntity refuses an option not in its options; zappi.set_charge_mode takes those four.
ZAPPI_CHARGE_MODE = vol.Schema({vol.Required("entity_id"): str, vol.Required("option"): vol.In(ZAPPI_MODES)})


def zappi_charger(hass: HomeAssistant) -> Installed:
    def ent(serial: str, device: str, domain: str, prop: str, name: str, state: Any, **kwargs: Any) -> Ent:
        return Ent(
            domain=domain,
            object_id=f"myenergi_{device}_{name.lower().replace(' ', '_').replace('+', '')}",
            unique_id=f"{MYENERGI_ENTRY}-{serial}-{prop}",
            state=state,
            name=f"myenergi {device} {name}",
            device=device,
            **kwargs,
        )

    power = {"device_class": "power", "unit": W, "category": DIAGNOSTIC}
    return install(
        hass,
        "myenergi",
        [
            Device(
                key="zappi", name="zappi", identifiers=(("myenergi", ZAPPI_SERIAL),), manufacturer="myenergi"
            ),
            Device(
                key="eddi", name="eddi", identifiers=(("myenergi", EDDI_SERIAL),), manufacturer="myenergi"
            ),
        ],
        [
            ent(ZAPPI_SERIAL, "zappi", "sensor", "power-ct_internal_load", "power internal load", 0, **power),
            ent(ZAPPI_SERIAL, "zappi", "sensor", "power-ct_grid", "power grid", 600, **power),
            ent(ZAPPI_SERIAL, "zappi", "sensor", "plug_status", "Plug status", "EV Connected"),
            ent(ZAPPI_SERIAL, "zappi", "sensor", "status", "Status", "Paused"),
            ent(
                ZAPPI_SERIAL,
                "zappi",
                "select",
                "charge_mode",
                "Charge Mode",
                "Eco+",
                translation_key="phase_setting",
                attributes={"options": ZAPPI_MODES},
            ),
            ent(
                ZAPPI_SERIAL,
                "zappi",
                "select",
                "phase_setting_select",
                "Phase Setting",
                "auto",
                translation_key="phase_setting",
                attributes={"options": ["1", "3", "auto"]},
            ),
            # The eddi's internal load is its heater; it has an operating mode, no charge mode.
            ent(EDDI_SERIAL, "eddi", "sensor", "power-ct_internal_load", "power internal load", 0, **power),
            ent(
                EDDI_SERIAL,
                "eddi",
                "select",
                "operating_mode",
                "Operating Mode",
                "Normal",
                attributes={"options": ["Stopped", "Normal"]},
            ),
        ],
        entry_id=MYENERGI_ENTRY,
    )


async def test_a_zappi_is_found_by_its_charge_mode_and_planned_at_its_full_current(
    hass: HomeAssistant,
) -> None:
    zappi_charger(hass)
    found = _candidate(hass, "myenergi")  # the zappi; the eddi is no charger
    assert found.name == "zappi"
    assert found.fields == {
        "charger_power_entity": "sensor.myenergi_zappi_power_internal_load",
        "plugged_entity": "sensor.myenergi_zappi_plug_status",
        "plugged_states": ["EV Connected", "Waiting for EV", "EV ready to charge", "Charging"],
        # The charge mode, never the phase setting that shares its translation key.
        "charge_select_entity": "select.myenergi_zappi_charge_mode",
        "charge_select_on": "Fast",
        "charge_select_off": "Stopped",
        # No current can be set: Fast is planned at the zappi's full 32 A.
        "min_current_a": 32.0,
        "max_current_a": 32.0,
    }
    for plug, plugged in (
        ("EV Connected", True),
        ("Charging", True),
        ("EV Disconnected", False),
        ("Fault", False),
    ):
        hass.states.async_set("sensor.myenergi_zappi_plug_status", plug)
        assert ev_charger.read(hass, found.fields).plugged is plugged, plug


async def test_a_zappi_is_driven_by_its_charge_mode_only_where_the_fuse_takes_32_a(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    """Single-phase at 32 A (7.4 kW): Stopped while the plan waits, Fast when it charges. The site's
    fuse takes 32 A on a phase (25 kW over three)."""
    freezer.move_to(EVENING)
    zappi_charger(hass)
    fields = {**_candidate(hass, "myenergi").fields, "phases": "1"}
    modes = await _emulate(
        hass, "select", "select_option", "select.myenergi_zappi_charge_mode", ZAPPI_CHARGE_MODE, "option"
    )
    hass.states.async_set("sensor.grid_power", "600", {"unit_of_measurement": "W", "device_class": "power"})
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={
            **SITE,
            "import_limit_kw": 25.0,
            "control_mode": "active",
            "grid_power_entity": "sensor.grid_power",
        },
        subentries_data=[
            ConfigSubentryData(
                subentry_type="ev_charger",
                title="zappi",
                unique_id=None,
                data={"default_energy_kwh": 20, **fields},
            )
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert modes == ["Stopped"]
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.zappi_charge_mode")
    assert float(hass.states.get("sensor.zappi_planned_power").state) == 7.36  # 32 A x 230 V, never less
    assert modes == ["Stopped", "Fast"]
    # An oven and a heat pump come on (the meter at 27 kW against 25): the zappi cannot charge at less
    # than its 32 A, so the cut stops it, at once.
    power = {"unit_of_measurement": "W", "device_class": "power"}
    hass.states.async_set(
        "sensor.myenergi_zappi_power_internal_load", "7360", {**power, "entity_category": "diagnostic"}
    )
    hass.states.async_set("sensor.grid_power", "27000", power)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert modes == ["Stopped", "Fast", "Stopped"]


async def test_the_form_offers_the_charge_select_and_keeps_zaptecs_write_interval(
    hass: HomeAssistant, home: None
) -> None:
    """The person picks the discovered charger and confirms what the form suggests: go-e's force state
    and its two options are stored; Zaptec's 15 minutes (not a form field) are kept."""
    goe = goe_api2_charger(hass).devices["main"]
    zaptec = zaptec_charger(hass).devices["main"]
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=SITE)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    stored = {}
    for device_id, title in ((goe, "go-e"), (zaptec, "Zaptec")):
        result = await hass.config_entries.subentries.async_init(
            (entry.entry_id, "ev_charger"), context={"source": "user"}
        )
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {"discovered": device_id}
        )
        assert result["step_id"] == "device"
        suggested = {
            str(k): k.description["suggested_value"]
            for k in result["data_schema"].schema
            if k.description and "suggested_value" in k.description
        }
        defaults = {
            str(k): k.default()
            for k in result["data_schema"].schema
            if not isinstance(k.default, type(vol.UNDEFINED))
        }
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {**defaults, **suggested, "name": title}
        )
        assert result["type"] == "create_entry", result.get("errors")
        stored[title] = next(s.data for s in entry.subentries.values() if s.title == title)
    assert stored["go-e"]["charge_select_entity"] == f"select.goe_{GOE_SERIAL}_frc"
    assert (stored["go-e"]["charge_select_on"], stored["go-e"]["charge_select_off"]) == ("2", "1")
    assert stored["Zaptec"]["current_limit_entity"] == "number.home_available_current"
    assert stored["Zaptec"]["min_write_interval_s"] == 900.0
    # Each new subentry reloads the entry in the background: let it finish, then stop it.
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
