"""The EV chargers of Home Assistant core as their integrations make them: found, read and driven.

Every fixture is written from the integration's own code in home-assistant/core 2025.4.4 (installed in
.venv) and checked against 2026.2.3 (installed in .venv-ha2026); the files are named beside each
fixture (no commit is in the installed wheels: the release tag is the reference). Where a write goes to
the integration's entity, the test's service stands for the entity platform and refuses, with the
limits the integration's code gives that entity, what the real one would refuse.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_CALL_SERVICE, EntityCategory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.devices import ev_charger
from custom_components.headroom.discovery import async_candidates

from .conftest import SITE
from .realdevices import Device, Ent, Installed, install
from .test_devices import EVENING
from .test_profiles_drive import _fastest, _site_with

CONFIG = EntityCategory.CONFIG
DIAGNOSTIC = EntityCategory.DIAGNOSTIC


async def _recorder(
    hass: HomeAssistant, domain: str, services: tuple[str, ...], schema: Callable[[dict[str, Any]], Any]
) -> list[tuple[str, dict[str, Any]]]:
    """Stand-ins for ``domain``'s ``services`` on the integration's entities (those not Headroom's own):
    they refuse what ``schema`` refuses, record what they accept and set the entity's state as the
    integration would (numbers to the value, switches on/off, selects to the option). A call on one
    of Headroom's own entities goes to the real service. Installed before Headroom starts, so its
    very first writes are seen too."""
    assert await async_setup_component(hass, domain, {})
    calls: list[tuple[str, dict[str, Any]]] = []
    registry = er.async_get(hass)
    real = {name: hass.services.async_services_for_domain(domain)[name] for name in services}

    async def handle(call: ServiceCall) -> None:
        entity_id = call.data.get("entity_id")
        entry = registry.async_get(entity_id) if isinstance(entity_id, str) else None
        if entry is not None and entry.platform == DOMAIN:
            result = real[call.service].job.target(call)
            if inspect.isawaitable(result):
                await result
            return
        data = schema(dict(call.data))
        calls.append((call.service, data))
        if not isinstance(entity_id, str) or (state := hass.states.get(entity_id)) is None:
            return
        new = {"set_value": str(data.get("value")), "turn_on": "on", "turn_off": "off"}.get(
            call.service, str(data.get("option"))
        )
        hass.states.async_set(entity_id, new, state.attributes)

    for service in services:
        hass.services.async_register(domain, service, handle)
    return calls


def _number_schema(minimum: float, maximum: float, step: float) -> vol.Schema:
    """``number.set_value`` on an entity with these native limits: HA's number platform refuses a
    value outside them."""

    def on_step(value: float) -> float:
        if abs(round((value - minimum) / step) * step + minimum - value) > 1e-9:
            raise vol.Invalid(f"{value} is not a multiple of {step} from {minimum}")
        return value

    return vol.Schema(
        {
            vol.Required("entity_id"): cv.entity_id,
            vol.Required("value"): vol.All(vol.Coerce(float), vol.Range(min=minimum, max=maximum), on_step),
        }
    )


SWITCH_SCHEMA = vol.Schema({vol.Required("entity_id"): cv.entity_id})


# source: home-assistant/core 2025.4.4 (and 2026.2.3) homeassistant/components/wallbox/entity.py (one
# device per charger: identifier the serial, name "Wallbox <name>"), sensor.py (unique id "<key>-<serial>",
# translation key = key; ``charging_power`` kW power, ``max_charging_current`` a current *sensor*,
# ``status_description`` the ChargerStatus text), number.py (``maximum_charging_current`` with unique id
# "max_charging_current-<serial>": no unit and no device class, min 6, max = max_available_power, step 1;
# ``maximum_icp_current`` 6-255 A), switch.py (``pause_resume``, unique id "paused-<serial>"), const.py
# (ChargerStatus values) and coordinator.py (status ids to ChargerStatus).
WALLBOX_SERIAL = "123456"


def wallbox_charger(hass: HomeAssistant, status: str = "Paused") -> Installed:
    serial = WALLBOX_SERIAL
    return install(
        hass,
        "wallbox",
        [
            Device(
                key="main",
                name="Wallbox Garage",
                identifiers=(("wallbox", serial),),
                manufacturer="Wallbox",
                model="Commander 2",
            )
        ],
        [
            Ent(
                domain="sensor",
                object_id="wallbox_garage_charging_power",
                unique_id=f"charging_power-{serial}",
                translation_key="charging_power",
                state=0.0,
                device_class="power",
                unit="kW",
            ),
            Ent(
                domain="sensor",
                object_id="wallbox_garage_max_available_power",
                unique_id=f"max_available_power-{serial}",
                translation_key="max_available_power",
                state=32,
                device_class="current",
                unit="A",
            ),
            Ent(
                domain="sensor",
                object_id="wallbox_garage_max_charging_current",
                unique_id=f"max_charging_current-{serial}",
                translation_key="max_charging_current",
                state=16,
                device_class="current",
                unit="A",
            ),
            Ent(
                domain="sensor",
                object_id="wallbox_garage_status_description",
                unique_id=f"status_description-{serial}",
                translation_key="status_description",
                state=status,
            ),
            Ent(
                domain="sensor",
                object_id="wallbox_garage_state_of_charge",
                unique_id=f"state_of_charge-{serial}",
                translation_key="state_of_charge",
                state="unknown",
                device_class="battery",
                unit="%",
            ),
            Ent(
                domain="number",
                object_id="wallbox_garage_maximum_icp_current",
                unique_id=f"icp_max_current-{serial}",
                translation_key="maximum_icp_current",
                state=40,
                attributes={"min": 6, "max": 255, "step": 1},
            ),
            Ent(
                domain="number",
                object_id="wallbox_garage_energy_price",
                unique_id=f"energy_price-{serial}",
                translation_key="energy_price",
                state=0.3,
                attributes={"min": -5, "max": 5, "step": 0.01},
            ),
            Ent(
                domain="number",
                object_id="wallbox_garage_maximum_charging_current",
                unique_id=f"max_charging_current-{serial}",
                translation_key="maximum_charging_current",
                state=16,
                attributes={"min": 6, "max": 32, "step": 1},
            ),
            Ent(
                domain="switch",
                object_id="wallbox_garage_pause_resume",
                unique_id=f"paused-{serial}",
                translation_key="pause_resume",
                state="off",
            ),
            Ent(
                domain="lock",
                object_id="wallbox_garage_lock",
                unique_id=f"locked-{serial}",
                translation_key="lock",
                state="unlocked",
            ),
        ],
    )


async def test_wallbox_is_proposed_with_its_current_number_though_it_has_no_unit(
    hass: HomeAssistant,
) -> None:
    wallbox_charger(hass)
    (found,) = async_candidates(hass, "ev_charger")
    assert found.profile is not None and found.label == "Wallbox Garage (Wallbox)"
    assert found.fields == {
        "charger_power_entity": "sensor.wallbox_garage_charging_power",
        # The charging current number (not the ICP current or the energy price, not the sensor of the
        # same key), found by its translation key alone.
        "current_limit_entity": "number.wallbox_garage_maximum_charging_current",
        "max_current_a": 32.0,
        "charge_switch_entity": "switch.wallbox_garage_pause_resume",
        "plugged_entity": "sensor.wallbox_garage_status_description",
        "plugged_states": [
            "Charging",
            "Discharging",
            "Paused",
            "Scheduled",
            "Waiting for car demand",
            "Waiting",
            "Locked, car connected",
            "Waiting in queue by Power Sharing",
            "Waiting in queue by Power Boost",
            "Waiting MID failed",
            "Waiting MID safety margin exceeded",
            "Waiting in queue by Eco-Smart",
        ],
    }


@pytest.mark.parametrize(
    ("status", "plugged"),
    [
        ("Paused", True),
        ("Waiting for car demand", True),
        ("Locked, car connected", True),
        ("Ready", False),
        ("Disconnected", False),
        ("Locked", False),
        ("Error", False),
    ],
)
async def test_wallbox_status_reads_as_plugged(hass: HomeAssistant, status: str, plugged: bool) -> None:
    wallbox_charger(hass, status)
    fields = async_candidates(hass, "ev_charger")[0].fields
    assert ev_charger.read(hass, fields).plugged is plugged


async def test_wallbox_is_driven_by_its_current_number_and_paused_by_its_switch(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    wallbox_charger(hass, "Paused")
    fields = async_candidates(hass, "ev_charger")[0].fields
    numbers = await _recorder(hass, "number", ("set_value",), _number_schema(6, 32, 1))
    switches = await _recorder(hass, "switch", ("turn_on", "turn_off"), SWITCH_SCHEMA)
    entry = await _site_with(hass, "ev_charger", "Wallbox", fields)
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.wallbox_charge_mode")
    # 10.4 kW of room over 3 x 230 V: 15 A on the charging current, then resumed.
    assert numbers == [
        ("set_value", {"entity_id": "number.wallbox_garage_maximum_charging_current", "value": 15.0})
    ]
    assert switches == [("turn_on", {"entity_id": "switch.wallbox_garage_pause_resume"})]
    # Off: its minimum is 6 A, so the session is paused and the current left as it is.
    await hass.services.async_call(
        "select", "select_option", {"entity_id": "select.wallbox_charge_mode", "option": "off"}, blocking=True
    )
    freezer.tick(timedelta(seconds=61))
    await hass.services.async_call(DOMAIN, "replan", {}, blocking=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert switches[-1] == ("turn_off", {"entity_id": "switch.wallbox_garage_pause_resume"})
    assert len(numbers) == 1
    assert entry.state.value == "loaded"


# source: home-assistant/core 2025.4.4 (and 2026.2.3) homeassistant/components/peblar/entity.py (unique id
# "<product serial>_<key>", device "Peblar EV Charger" identified by its serial), sensor.py (``power_total``
# W without translation key; ``power_phase_<n>`` diagnostic; ``cp_state`` enum with the options of
# const.py's PEBLAR_CP_STATE_TO_HOME_ASSISTANT), number.py (``charge_current_limit``: settings entity, A,
# device class current, min 6, step 1, max the user-defined limit), switch.py (``charge`` and
# ``force_single_phase``, both settings switches) and select.py (``smart_charging``, settings).
PEBLAR_SERIAL = "23-45-A4O-MOF"
PEBLAR_CP_STATES = ["suspended", "charging", "error", "fault", "invalid", "no_ev_connected"]


def peblar_charger(hass: HomeAssistant, cp_state: str = "suspended") -> Installed:
    serial = PEBLAR_SERIAL
    return install(
        hass,
        "peblar",
        [
            Device(
                key="main",
                name="Peblar EV Charger",
                identifiers=(("peblar", serial),),
                manufacturer="Peblar",
                model="Peblar Home",
            )
        ],
        [
            Ent(
                domain="sensor",
                object_id="peblar_ev_charger_power_phase_1",
                unique_id=f"{serial}_power_phase_1",
                translation_key="power_phase_1",
                state=0,
                device_class="power",
                unit="W",
                category=DIAGNOSTIC,
            ),
            Ent(
                domain="sensor",
                object_id="peblar_ev_charger_power",
                unique_id=f"{serial}_power_total",
                state=0,
                device_class="power",
                unit="W",
            ),
            Ent(
                domain="sensor",
                object_id="peblar_ev_charger_state",
                unique_id=f"{serial}_cp_state",
                translation_key="cp_state",
                state=cp_state,
                device_class="enum",
                attributes={"options": PEBLAR_CP_STATES},
            ),
            Ent(
                domain="switch",
                object_id="peblar_ev_charger_force_single_phase",
                unique_id=f"{serial}_force_single_phase",
                translation_key="force_single_phase",
                state="off",
                category=CONFIG,
            ),
            Ent(
                domain="switch",
                object_id="peblar_ev_charger_charge",
                unique_id=f"{serial}_charge",
                translation_key="charge",
                state="off",
                category=CONFIG,
            ),
            Ent(
                domain="number",
                object_id="peblar_ev_charger_charge_limit",
                unique_id=f"{serial}_charge_current_limit",
                translation_key="charge_current_limit",
                state=16,
                device_class="current",
                unit="A",
                category=CONFIG,
                attributes={"min": 6, "max": 16, "step": 1},
            ),
            Ent(
                domain="select",
                object_id="peblar_ev_charger_smart_charging",
                unique_id=f"{serial}_smart_charging",
                translation_key="smart_charging",
                state="default",
                category=CONFIG,
                attributes={"options": ["default", "fast_solar", "pure_solar", "scheduled", "smart_solar"]},
            ),
        ],
    )


async def test_peblar_is_proposed_with_its_charge_switch_never_force_single_phase(
    hass: HomeAssistant,
) -> None:
    peblar_charger(hass)
    (found,) = async_candidates(hass, "ev_charger")
    assert found.fields == {
        "charger_power_entity": "sensor.peblar_ev_charger_power",  # the total, not one phase's
        "current_limit_entity": "number.peblar_ev_charger_charge_limit",
        "max_current_a": 16.0,
        "charge_switch_entity": "switch.peblar_ev_charger_charge",
        "plugged_entity": "sensor.peblar_ev_charger_state",
        "plugged_states": ["charging", "suspended"],
    }


@pytest.mark.parametrize(
    ("cp_state", "plugged"), [(s, s in ("charging", "suspended")) for s in PEBLAR_CP_STATES]
)
async def test_peblar_cp_state_reads_as_plugged(hass: HomeAssistant, cp_state: str, plugged: bool) -> None:
    peblar_charger(hass, cp_state)
    fields = async_candidates(hass, "ev_charger")[0].fields
    assert ev_charger.read(hass, fields).plugged is plugged


async def test_peblar_is_driven_by_its_charge_limit_and_charge_switch(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    peblar_charger(hass, "suspended")
    fields = async_candidates(hass, "ev_charger")[0].fields
    numbers = await _recorder(hass, "number", ("set_value",), _number_schema(6, 16, 1))
    switches = await _recorder(hass, "switch", ("turn_on", "turn_off"), SWITCH_SCHEMA)
    await _site_with(hass, "ev_charger", "Peblar", fields)
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.peblar_charge_mode")
    # The limit first (kept while Peblar is not charging), then the charge switch, which starts at it.
    assert numbers == [("set_value", {"entity_id": "number.peblar_ev_charger_charge_limit", "value": 15.0})]
    assert switches == [("turn_on", {"entity_id": "switch.peblar_ev_charger_charge"})]
    await hass.services.async_call(
        "select", "select_option", {"entity_id": "select.peblar_charge_mode", "option": "off"}, blocking=True
    )
    freezer.tick(timedelta(seconds=61))
    await hass.services.async_call(DOMAIN, "replan", {}, blocking=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert switches[-1] == ("turn_off", {"entity_id": "switch.peblar_ev_charger_charge"})
    # Force single phase is a setting of the installation: never touched.
    assert all(data["entity_id"] != "switch.peblar_ev_charger_force_single_phase" for _, data in switches)
    assert hass.states.get("switch.peblar_ev_charger_force_single_phase").state == "off"


# source: home-assistant/core 2025.4.4 and 2026.2.3 homeassistant/components/tesla_wall_connector/entity.py
# (unique id "<serial>-<key>", device "Tesla Wall Connector" identified by the serial), binary_sensor.py
# (``vehicle_connected`` plug, ``contactor_closed`` battery_charging, both diagnostic), sensor.py
# (``status`` enum of EVSE_STATE; ``current_a_a`` A and ``grid_v`` V diagnostics; 2026.2.3 only:
# ``total_power_w`` W with suggested unit kW).
TWC_SERIAL = "PGT2226502ABC1"
TWC_STATES = [
    "booting",
    "not_connected",
    "connected",
    "ready",
    "negotiating",
    "error",
    "charging_finished",
    "waiting_car",
    "charging_reduced",
    "charging",
]


def tesla_wall_connector(hass: HomeAssistant, *, ha_2026: bool, connected: bool = True) -> Installed:
    serial = TWC_SERIAL
    entities = [
        Ent(
            domain="binary_sensor",
            object_id="tesla_wall_connector_vehicle_connected",
            unique_id=f"{serial}-vehicle_connected",
            translation_key="vehicle_connected",
            state="on" if connected else "off",
            device_class="plug",
            category=DIAGNOSTIC,
        ),
        Ent(
            domain="binary_sensor",
            object_id="tesla_wall_connector_contactor_closed",
            unique_id=f"{serial}-contactor_closed",
            translation_key="contactor_closed",
            state="off",
            device_class="battery_charging",
            category=DIAGNOSTIC,
        ),
        Ent(
            domain="sensor",
            object_id="tesla_wall_connector_status",
            unique_id=f"{serial}-status",
            translation_key="status",
            state="connected" if connected else "not_connected",
            device_class="enum",
            attributes={"options": TWC_STATES},
        ),
        Ent(
            domain="sensor",
            object_id="tesla_wall_connector_phase_a_current",
            unique_id=f"{serial}-current_a_a",
            translation_key="current_a_a",
            state=0.1,
            device_class="current",
            unit="A",
            category=DIAGNOSTIC,
        ),
        Ent(
            domain="sensor",
            object_id="tesla_wall_connector_grid_voltage",
            unique_id=f"{serial}-grid_v",
            translation_key="grid_v",
            state=230.1,
            device_class="voltage",
            unit="V",
            category=DIAGNOSTIC,
        ),
    ]
    if ha_2026:
        entities.append(
            Ent(
                domain="sensor",
                object_id="tesla_wall_connector_total_power",
                unique_id=f"{serial}-total_power_w",
                translation_key="total_power_w",
                state=0.0,
                device_class="power",
                unit="kW",
            )
        )
    return install(
        hass,
        "tesla_wall_connector",
        [
            Device(
                key="main",
                name="Tesla Wall Connector",
                identifiers=(("tesla_wall_connector", serial),),
                manufacturer="Tesla",
                model="1529455-02-D",
            )
        ],
        entities,
    )


async def test_a_tesla_wall_connector_is_proposed_by_its_plug_even_without_a_power_sensor(
    hass: HomeAssistant,
) -> None:
    tesla_wall_connector(hass, ha_2026=False)
    (found,) = async_candidates(hass, "ev_charger")
    assert found.label == "Tesla Wall Connector (Tesla Wall Connector)"
    # 2025.4.4 gives it no power sensor: the form asks for one; nothing to drive it with.
    assert found.fields == {"plugged_entity": "binary_sensor.tesla_wall_connector_vehicle_connected"}


async def test_on_home_assistant_2026_its_total_power_is_read_too(hass: HomeAssistant) -> None:
    tesla_wall_connector(hass, ha_2026=True)
    (found,) = async_candidates(hass, "ev_charger")
    assert found.fields == {
        "charger_power_entity": "sensor.tesla_wall_connector_total_power",
        "plugged_entity": "binary_sensor.tesla_wall_connector_vehicle_connected",
    }
    hass.states.async_set(
        "sensor.tesla_wall_connector_total_power",
        "7.2",
        {"unit_of_measurement": "kW", "device_class": "power"},
    )
    assert ev_charger.read(hass, found.fields).power_kw == 7.2
    assert ev_charger.read(hass, found.fields).plugged is True
    hass.states.async_set("binary_sensor.tesla_wall_connector_vehicle_connected", "off")
    assert ev_charger.read(hass, found.fields).plugged is False


async def test_a_tesla_wall_connector_is_planned_and_advised_never_driven(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    tesla_wall_connector(hass, ha_2026=True)
    fields = async_candidates(hass, "ev_charger")[0].fields
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    await _site_with(hass, "ev_charger", "Wall Connector", fields)
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.wall_connector_charge_mode")
    assert float(hass.states.get("sensor.wall_connector_planned_power").state) > 4.0
    assert hass.states.get("sensor.wall_connector_control").state == "advisory"
    assert [c.data for c in calls if c.data["domain"] not in (DOMAIN, "select")] == []


async def test_without_a_power_sensor_the_form_asks_for_one(hass: HomeAssistant, home: None) -> None:
    installed = tesla_wall_connector(hass, ha_2026=False)
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=SITE)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "ev_charger"), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"discovered": installed.devices["main"]}
    )
    assert result["step_id"] == "device"
    schema = {str(k): k for k in result["data_schema"].schema}
    assert schema["plugged_entity"].description == {
        "suggested_value": "binary_sensor.tesla_wall_connector_vehicle_connected"
    }
    assert not schema["charger_power_entity"].description  # nothing to suggest: the person picks one
    with pytest.raises(vol.Invalid):
        await hass.config_entries.subentries.async_configure(
            result["flow_id"],
            {
                "name": "Wall Connector",
                "control_adapter": "entities",
                "plugged_entity": "binary_sensor.tesla_wall_connector_vehicle_connected",
                "phases": "3",
                "min_current_a": 6,
                "max_current_a": 16,
                "default_energy_kwh": 20,
            },
        )
    assert not hass.config_entries.async_get_entry(entry.entry_id).subentries


def install_without_device(hass: HomeAssistant, platform: str, entities: list[Ent]) -> list[str]:
    """Register ``platform``'s entities as an integration set up in YAML does: in the entity registry
    (they have unique ids) but under no device and no config entry; then set their states."""
    registry = er.async_get(hass)
    for ent in entities:
        registry.async_get_or_create(
            ent.domain,
            platform,
            ent.unique_id,
            suggested_object_id=ent.object_id,
            original_device_class=ent.device_class,
            unit_of_measurement=ent.unit,
            original_name=ent.name,
        )
        attributes = dict(ent.attributes)
        if ent.unit:
            attributes["unit_of_measurement"] = ent.unit
        if ent.device_class:
            attributes["device_class"] = ent.device_class
        hass.states.async_set(ent.entity_id, str(ent.state), attributes)
    return [e.entity_id for e in entities]


# source: home-assistant/core 2025.4.4 (and 2026.2.3) homeassistant/components/keba/__init__.py (YAML set-up;
# device_id "keba_wallbox_<Serial>", device_name the Product), sensor.py and binary_sensor.py (unique id
# "<device_id>_<type>", name "<device_name> <name>", no device info: ``charging_power`` kW power,
# ``max_current`` A current, ``energy_target`` and ``session_energy`` kWh; binary ``device_state``
# connectivity, ``plug_state`` plug with attributes plugged_on_wallbox/plug_locked/plugged_on_EV,
# ``charging_state`` power, ``failsafe_mode_state`` safety), lock.py (``authentication``).
KEBA_PRODUCT = "KC-P30-ESS400C2-E0R"
KEBA_ID = "keba_wallbox_22512345"


def keba_station(hass: HomeAssistant, plugged: bool = True) -> list[str]:
    def ent(domain: str, kind: str, name: str, state: Any, **kw: Any) -> Ent:
        return Ent(
            domain=domain,
            object_id=f"kc_p30_ess400c2_e0r_{kind}",
            unique_id=f"{KEBA_ID}_{kind}",
            state=state,
            name=f"{KEBA_PRODUCT} {name}",
            **kw,
        )

    return install_without_device(
        hass,
        "keba",
        [
            ent("sensor", "max_current", "Max Current", 16, device_class="current", unit="A"),
            ent("sensor", "energy_target", "Energy Target", 0, device_class="energy", unit="kWh"),
            ent("sensor", "charging_power", "Charging Power", 0.0, device_class="power", unit="kW"),
            ent("sensor", "session_energy", "Session Energy", 1.2, device_class="energy", unit="kWh"),
            ent("binary_sensor", "device_state", "Status", "on", device_class="connectivity"),
            ent(
                "binary_sensor",
                "plug_state",
                "Plug",
                "on" if plugged else "off",
                device_class="plug",
                attributes={"plugged_on_wallbox": True, "plug_locked": plugged, "plugged_on_EV": plugged},
            ),
            ent("binary_sensor", "charging_state", "Charging State", "off", device_class="power"),
            ent("binary_sensor", "failsafe_mode_state", "Failsafe Mode", "on", device_class="safety"),
            ent("lock", "authentication", "Authentication", "unlocked"),
        ],
    )


def _keba_current(value: Any) -> float:
    """dannerph/keba-kecontact 1.3.0 (commit 2d270e004dd7) keba_kecontact/connection.py set_current: 0 (stop)
    or at least 6 and below 63 A."""
    current = float(value)
    if current != 0 and not 6 <= current < 63:
        raise vol.Invalid("Current must be int or float and value must be above 6 and below 63 A.")
    return current


# keba/__init__.py registers set_current without a schema and reads ``current`` with float(); the library
# refuses what _keba_current refuses (and the integration only logs it: here it fails the call, so a bad
# value shows).
KEBA_SET_CURRENT = vol.Schema({vol.Required("current"): _keba_current})


async def test_a_keba_station_is_proposed_though_it_has_no_device(hass: HomeAssistant) -> None:
    keba_station(hass)
    (found,) = async_candidates(hass, "ev_charger")
    assert (found.device_id, found.name, found.integration) == ("keba", KEBA_PRODUCT, "keba")
    assert found.fields == {
        "charger_power_entity": "sensor.kc_p30_ess400c2_e0r_charging_power",
        "plugged_entity": "binary_sensor.kc_p30_ess400c2_e0r_plug_state",
        "control_adapter": "keba",  # its current is a sensor: driven by keba.set_current
    }


async def test_keba_plug_reads_as_plugged(hass: HomeAssistant) -> None:
    keba_station(hass, plugged=False)
    fields = async_candidates(hass, "ev_charger")[0].fields
    assert ev_charger.read(hass, fields).plugged is False
    hass.states.async_set("binary_sensor.kc_p30_ess400c2_e0r_plug_state", "on")
    assert ev_charger.read(hass, fields).plugged is True


async def test_keba_is_picked_in_the_form_and_driven_by_set_current(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    keba_station(hass)
    received: list[dict[str, Any]] = []

    async def set_current(call: ServiceCall) -> None:
        received.append(KEBA_SET_CURRENT(dict(call.data)))

    hass.services.async_register("keba", "set_current", set_current)
    hass.states.async_set("sensor.grid_power", "600", {"unit_of_measurement": "W", "device_class": "power"})
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={**SITE, "control_mode": "active", "grid_power_entity": "sensor.grid_power"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "ev_charger"), context={"source": "user"}
    )
    assert result["description_placeholders"]["found"] == f"{KEBA_PRODUCT} (KEBA KeContact)"
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {"discovered": "keba"})
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "KEBA",
            "charger_power_entity": "sensor.kc_p30_ess400c2_e0r_charging_power",
            "control_adapter": "keba",
            "plugged_entity": "binary_sensor.kc_p30_ess400c2_e0r_plug_state",
            "phases": "3",
            "min_current_a": 6,
            "max_current_a": 32,
            "default_energy_kwh": 20,
        },
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    sub = next(iter(hass.config_entries.async_get_entry(entry.entry_id).subentries.values()))
    assert sub.data["control_adapter"] == "keba" and "vendor_device_id" not in sub.data
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.keba_charge_mode")
    assert received[-1] == {"current": 15.0}  # 10.4 kW of room over 3 x 230 V
    await hass.services.async_call(
        "select", "select_option", {"entity_id": "select.keba_charge_mode", "option": "off"}, blocking=True
    )
    freezer.tick(timedelta(seconds=61))
    await hass.services.async_call(DOMAIN, "replan", {}, blocking=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert received[-1] == {"current": 0.0}  # the library's stop


# source: home-assistant/core 2025.4.4 (and 2026.2.3) homeassistant/components/ohme/entity.py (unique id
# "<serial>_<key>", device named by the charger's device info), sensor.py (``status`` enum of ChargerStatus,
# ``current`` A, ``power`` W with suggested unit kW, ``energy``, ``voltage``, ``battery`` as
# ``vehicle_battery`` %), select.py (``charge_mode`` with ChargerMode's options, ``vehicle``), number.py
# (``target_percentage`` %, ``preconditioning_duration`` min), switch.py (``price_cap``; ``lock_buttons``,
# ``require_approval``, ``sleep_when_inactive`` settings) and button.py (``approve``); with dan-r/ohmepy
# ohme/ohme.py at v1.5.1 (commit 75cb03e8c2fc) for ChargerStatus and ChargerMode.
OHME_SERIAL = "ABC123456"
OHME_STATUSES = ["unplugged", "pending_approval", "charging", "plugged_in", "paused", "finished"]
OHME_MODES = ["smart_charge", "max_charge", "paused"]


def ohme_charger(hass: HomeAssistant, status: str = "plugged_in", mode: str = "smart_charge") -> Installed:
    serial = OHME_SERIAL

    def ent(domain: str, key: str, state: Any, **kw: Any) -> Ent:
        return Ent(
            domain=domain, object_id=f"ohme_home_pro_{key}", unique_id=f"{serial}_{key}", state=state, **kw
        )

    return install(
        hass,
        "ohme",
        [Device(key="main", name="Ohme Home Pro", identifiers=(("ohme", serial),), manufacturer="Ohme")],
        [
            ent(
                "sensor",
                "status",
                status,
                translation_key="status",
                device_class="enum",
                attributes={"options": OHME_STATUSES},
            ),
            ent("sensor", "current", 0, device_class="current", unit="A"),
            ent("sensor", "power", 0.0, device_class="power", unit="kW"),
            ent("sensor", "energy", 0.0, device_class="energy", unit="kWh"),
            ent("sensor", "voltage", 240, device_class="voltage", unit="V"),
            # ohmepy reports 0 when it knows no SoC: never taken as the car's.
            Ent(
                domain="sensor",
                object_id="ohme_home_pro_vehicle_battery",
                unique_id=f"{serial}_battery",
                translation_key="vehicle_battery",
                state=0,
                device_class="battery",
                unit="%",
            ),
            ent(
                "select",
                "charge_mode",
                mode,
                translation_key="charge_mode",
                attributes={"options": OHME_MODES},
            ),
            ent("select", "vehicle", "Tesla Model 3", translation_key="vehicle", attributes={"options": []}),
            ent(
                "number",
                "target_percentage",
                80,
                translation_key="target_percentage",
                unit="%",
                attributes={"min": 0, "max": 100, "step": 1},
            ),
            ent("switch", "price_cap", "off", translation_key="price_cap"),
            ent("switch", "require_approval", "off", translation_key="require_approval", category=CONFIG),
            ent("button", "approve", "unknown", translation_key="approve"),
        ],
    )


async def test_ohme_is_proposed_with_its_charge_mode_as_its_charge_select(hass: HomeAssistant) -> None:
    ohme_charger(hass)
    (found,) = async_candidates(hass, "ev_charger")
    assert found.fields == {
        "charger_power_entity": "sensor.ohme_home_pro_power",
        "charge_select_entity": "select.ohme_home_pro_charge_mode",
        "charge_select_on": "max_charge",
        "charge_select_off": "paused",
        "plugged_entity": "sensor.ohme_home_pro_status",
        "plugged_states": ["plugged_in", "charging", "paused", "pending_approval", "finished"],
        # It cannot be given a current: all or nothing, at the current the person confirms.
        "min_current_a": 16.0,
        "max_current_a": 16.0,
    }
    assert "ev_soc_entity" not in found.fields  # its vehicle battery is 0 when Ohme does not know


@pytest.mark.parametrize(("status", "plugged"), [(s, s != "unplugged") for s in OHME_STATUSES])
async def test_ohme_status_reads_as_plugged(hass: HomeAssistant, status: str, plugged: bool) -> None:
    ohme_charger(hass, status)
    fields = async_candidates(hass, "ev_charger")[0].fields
    assert ev_charger.read(hass, fields).plugged is plugged


# HA's select platform refuses an option the entity does not have (select/__init__.py,
# async_handle_select_option): the options are ohme's ChargerMode values.
OHME_SELECT_OPTION = vol.Schema(
    {vol.Required("entity_id"): cv.entity_id, vol.Required("option"): vol.In(OHME_MODES)}
)


async def test_ohme_is_started_at_max_charge_and_paused_by_its_charge_mode(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    ohme_charger(hass, "plugged_in", "smart_charge")
    fields = async_candidates(hass, "ev_charger")[0].fields
    # The person confirms its rating: one phase at 32 A.
    confirmed = {**fields, "phases": "1", "min_current_a": 32, "max_current_a": 32}
    selects = await _recorder(hass, "select", ("select_option",), OHME_SELECT_OPTION)
    await _site_with(hass, "ev_charger", "Ohme", confirmed)
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.ohme_charge_mode")
    planned = float(hass.states.get("sensor.ohme_planned_power").state)
    assert planned == pytest.approx(7.36, abs=0.01)  # all of its 32 A, never a part of it
    assert (
        "select_option",
        {"entity_id": "select.ohme_home_pro_charge_mode", "option": "max_charge"},
    ) in selects
    await hass.services.async_call(
        "select", "select_option", {"entity_id": "select.ohme_charge_mode", "option": "off"}, blocking=True
    )
    freezer.tick(timedelta(seconds=61))
    await hass.services.async_call(DOMAIN, "replan", {}, blocking=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    ohme_writes = [data for _, data in selects if data["entity_id"] == "select.ohme_home_pro_charge_mode"]
    assert ohme_writes[-1] == {"entity_id": "select.ohme_home_pro_charge_mode", "option": "paused"}


async def test_a_charge_select_without_its_options_is_refused(hass: HomeAssistant, home: None) -> None:
    installed = ohme_charger(hass)
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=SITE)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "ev_charger"), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"discovered": installed.devices["main"]}
    )
    schema = {str(k): k for k in result["data_schema"].schema}
    assert schema["charge_select_on"].description == {"suggested_value": "max_charge"}
    assert schema["charge_select_off"].description == {"suggested_value": "paused"}
    form = {
        "name": "Ohme",
        "charger_power_entity": "sensor.ohme_home_pro_power",
        "control_adapter": "entities",
        "charge_select_entity": "select.ohme_home_pro_charge_mode",
        "plugged_entity": "sensor.ohme_home_pro_status",
        "phases": "1",
        "min_current_a": 32,
        "max_current_a": 32,
        "default_energy_kwh": 20,
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], form)
    assert result["errors"] == {"charge_select_entity": "select_without_options"}
    assert not hass.config_entries.async_get_entry(entry.entry_id).subentries
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**form, "charge_select_on": "max_charge", "charge_select_off": "paused"}
    )
    sub = next(iter(hass.config_entries.async_get_entry(entry.entry_id).subentries.values()))
    assert (sub.data["charge_select_on"], sub.data["charge_select_off"]) == ("max_charge", "paused")


# source: home-assistant/core 2025.4.4 (and 2026.2.3) homeassistant/components/v2c/entity.py (device
# identified by the config entry id, named by the coordinator, model "Trydan"), sensor.py, number.py,
# switch.py, binary_sensor.py (unique id "<config entry id>_<key>", translation key = key: ``charge_power``,
# ``house_power``, ``fv_power`` W power; ``intensity`` A current 6-32, ``min_intensity``/``max_intensity``
# settings; switches ``paused``, ``locked``, ``timer``, ``dynamic``, ``pause_dynamic``; binary sensors
# ``connected`` plug, ``charging`` battery_charging, ``ready``); with dgomes/pytrydan src/pytrydan/trydan.py
# at v0.8.0 (commit 87b3415e6066).
V2C_ENTRY_ID = "01JQ5V2C0TRYDAN0000000000A"


def v2c_charger(hass: HomeAssistant, connected: bool = True, paused: bool = True) -> Installed:
    entry_id = V2C_ENTRY_ID

    def ent(domain: str, key: str, state: Any, **kw: Any) -> Ent:
        return Ent(
            domain=domain,
            object_id=f"evse_192_168_1_50_{key}",
            unique_id=f"{entry_id}_{key}",
            translation_key=key,
            state=state,
            **kw,
        )

    current = {"device_class": "current", "unit": "A", "attributes": {"min": 6, "max": 32, "step": 1}}
    return install(
        hass,
        "v2c",
        [
            Device(
                key="main",
                name="EVSE 192.168.1.50",
                identifiers=(("v2c", entry_id),),
                manufacturer="V2C",
                model="Trydan",
            )
        ],
        [
            ent("sensor", "house_power", 1800, device_class="power", unit="W"),
            ent("sensor", "fv_power", 0, device_class="power", unit="W"),
            ent("sensor", "charge_power", 0, device_class="power", unit="W"),
            ent("number", "min_intensity", 6, category=CONFIG, **current),
            ent("number", "max_intensity", 32, category=CONFIG, **current),
            ent("number", "intensity", 16, **current),
            ent("switch", "locked", "off"),
            ent("switch", "dynamic", "off"),
            ent("switch", "pause_dynamic", "off"),
            ent("switch", "paused", "on" if paused else "off"),
            ent("binary_sensor", "charging", "off", device_class="battery_charging"),
            ent("binary_sensor", "connected", "on" if connected else "off", device_class="plug"),
            ent("binary_sensor", "ready", "on"),
        ],
        title="EVSE 192.168.1.50",
        entry_id=entry_id,
    )


async def test_v2c_is_proposed_with_its_intensity_and_its_pause_switch_the_right_way_round(
    hass: HomeAssistant,
) -> None:
    v2c_charger(hass)
    (found,) = async_candidates(hass, "ev_charger")
    assert found.fields == {
        "charger_power_entity": "sensor.evse_192_168_1_50_charge_power",  # not the house's or the PV's
        "current_limit_entity": "number.evse_192_168_1_50_intensity",
        "max_current_a": 32.0,
        "charge_switch_entity": "switch.evse_192_168_1_50_paused",
        "charge_switch_pauses": True,  # on means paused: it charges while off
        "plugged_entity": "binary_sensor.evse_192_168_1_50_connected",
    }


async def test_v2c_plug_reads_as_plugged(hass: HomeAssistant) -> None:
    v2c_charger(hass, connected=False)
    fields = async_candidates(hass, "ev_charger")[0].fields
    assert ev_charger.read(hass, fields).plugged is False
    hass.states.async_set("binary_sensor.evse_192_168_1_50_connected", "on")
    assert ev_charger.read(hass, fields).plugged is True


async def test_v2c_is_driven_by_its_intensity_and_resumed_by_turning_pause_off(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(EVENING)
    v2c_charger(hass, connected=True, paused=True)
    fields = async_candidates(hass, "ev_charger")[0].fields
    # pytrydan's intensity() refuses anything outside 6-32 A; HA's number platform the same limits.
    numbers = await _recorder(hass, "number", ("set_value",), _number_schema(6, 32, 1))
    switches = await _recorder(hass, "switch", ("turn_on", "turn_off"), SWITCH_SCHEMA)
    await _site_with(hass, "ev_charger", "Trydan", fields)
    freezer.tick(timedelta(seconds=61))
    await _fastest(hass, "select.trydan_charge_mode")
    assert numbers[-1] == ("set_value", {"entity_id": "number.evse_192_168_1_50_intensity", "value": 15.0})
    assert switches[-1] == ("turn_off", {"entity_id": "switch.evse_192_168_1_50_paused"})  # resumed
    await hass.services.async_call(
        "select", "select_option", {"entity_id": "select.trydan_charge_mode", "option": "off"}, blocking=True
    )
    freezer.tick(timedelta(seconds=61))
    await hass.services.async_call(DOMAIN, "replan", {}, blocking=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert switches[-1] == ("turn_on", {"entity_id": "switch.evse_192_168_1_50_paused"})  # paused
    assert hass.states.get("switch.evse_192_168_1_50_paused").state == "on"
    # Its own modulation and the lock are never touched.
    assert {data["entity_id"] for _, data in switches} == {"switch.evse_192_168_1_50_paused"}
