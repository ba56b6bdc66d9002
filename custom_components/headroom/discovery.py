"""Finding the home's chargers, batteries, PV and appliances in the entity and device registries.

Discovery only proposes: the subentry forms offer what was found and the person confirms or
changes every pick. Devices of known integrations come first. A device that appears later is
announced as a repair suggestion; a configured entity that disappears raises a repair issue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import UnitOfPower
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir

from .const import (
    CONF_CHARGE_SWITCH_ENTITY,
    CONF_CHARGER_POWER_ENTITY,
    CONF_CONTROL_ADAPTER,
    CONF_CURRENT_LIMIT_ENTITY,
    CONF_EV_SOC_ENTITY,
    CONF_MAX_CURRENT_A,
    CONF_MODE_SELECT_ENTITY,
    CONF_PLUGGED_ENTITY,
    CONF_POWER_ENTITY,
    CONF_POWER_LIMIT_ENTITY,
    CONF_POWER_SETPOINT_ENTITY,
    CONF_SOC_ENTITY,
    CONF_SWITCH_ENTITY,
    DOMAIN,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
    ChargerAdapter,
)
from .repairs import clear_issue, raise_issue

KNOWN_CHARGERS = (
    "ocpp",
    "easee",
    "wallbox",
    "peblar",
    "zaptec",
    "goecharger_api2",
    "tesla_wall_connector",
    "openevse",
    "ohme",
    "myenergi",
    "alfen_wallbox",
    "keba",
    "v2c",
)
READ_ONLY_CHARGERS = ("tesla_wall_connector",)
KNOWN_BATTERIES = (
    "enphase_envoy",
    "goodwe",
    "huawei_solar",
    "solaredge",
    "victron",
    "solax",
    "sungrow",
    "growatt_server",
    "fronius",
    "sonnen",
    "powerwall",
    "givenergy",
    "foxess",
    "sma",
    "solis",
)
KNOWN_VEHICLES = (
    "tesla_fleet",
    "teslemetry",
    "tessie",
    "renault",
    "bmw_connected_drive",
    "volvo",
    "kia_uvo",
    "polestar_api",
    "volkswagen_we_connect_id",
    "skodaconnect",
    "audiconnect",
    "mercedesme",
    "fordpass",
    "nissan_leaf",
    "toyota",
    "hyundai_kia_connect",
    "mg_saic",
    "smartcar",
)
APPLIANCE_WORDS = ("dishwasher", "washer", "washing", "dryer", "boiler", "heater", "pool", "pump")
ISSUE_NEW_DEVICE = "new_device_found"
ISSUE_ENTITY_MISSING = "device_entity_missing"


@dataclass
class Candidate:
    """A device that looks like one Headroom can plan, with the form fields it would fill."""

    device_id: str
    name: str
    integration: str
    kind: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.integration})"


@dataclass
class _Entity:
    entity_id: str
    domain: str
    device_class: str | None
    unit: str | None
    name: str


def _device_entities(hass: HomeAssistant) -> dict[str, list[_Entity]]:
    registry = er.async_get(hass)
    out: dict[str, list[_Entity]] = defaultdict(list)
    for entry in registry.entities.values():
        if entry.device_id is None or entry.disabled_by is not None or entry.platform == DOMAIN:
            continue
        state = hass.states.get(entry.entity_id)
        unit = entry.unit_of_measurement or (state.attributes.get("unit_of_measurement") if state else None)
        device_class = (
            entry.device_class
            or entry.original_device_class
            or (state.attributes.get("device_class") if state else None)
        )
        name = (entry.name or entry.original_name or entry.entity_id).lower()
        out[entry.device_id].append(_Entity(entry.entity_id, entry.domain, device_class, unit, name))
    return out


def _first(
    entities: list[_Entity],
    domain: str,
    *,
    device_class: str | None = None,
    units: tuple[str, ...] = (),
    words: tuple[str, ...] = (),
) -> _Entity | None:
    found = [
        e
        for e in entities
        if e.domain == domain
        and (device_class is None or e.device_class == device_class)
        and (not units or e.unit in units)
    ]
    for word in words:
        for entity in found:
            if word in entity.name or word in entity.entity_id:
                return entity
    return found[0] if found else None


POWER_UNITS = (UnitOfPower.WATT, UnitOfPower.KILO_WATT)


@callback
def async_candidates(hass: HomeAssistant, kind: str) -> list[Candidate]:
    """Devices that look like ``kind``, known integrations first."""
    devices = dr.async_get(hass)
    entities = _device_entities(hass)
    vehicles = _vehicle_soc(hass, entities)
    found: list[tuple[int, Candidate]] = []
    for device_id, items in entities.items():
        device = devices.async_get(device_id)
        if device is None:
            continue
        integration = _integration(hass, device)
        name = device.name_by_user or device.name or device_id
        candidate = None
        if kind == SUBENTRY_EV_CHARGER and integration not in KNOWN_VEHICLES:
            candidate = _charger(hass, items, integration, vehicles)
            rank = KNOWN_CHARGERS.index(integration) if integration in KNOWN_CHARGERS else len(KNOWN_CHARGERS)
        elif kind == SUBENTRY_BATTERY and integration not in KNOWN_VEHICLES + KNOWN_CHARGERS:
            candidate = _battery(items)
            rank = (
                KNOWN_BATTERIES.index(integration) if integration in KNOWN_BATTERIES else len(KNOWN_BATTERIES)
            )
        elif (
            kind == SUBENTRY_APPLIANCE
            and integration not in KNOWN_VEHICLES + KNOWN_CHARGERS + KNOWN_BATTERIES
        ):
            candidate = _appliance(items)
            rank = 0 if any(w in name.lower() for w in APPLIANCE_WORDS) else 1
        if candidate is not None:
            found.append((rank, Candidate(device_id, name, integration, kind, candidate)))
    found.sort(key=lambda pair: (pair[0], pair[1].name))
    return [c for _, c in found]


def _integration(hass: HomeAssistant, device: dr.DeviceEntry) -> str:
    for entry_id in device.config_entries:
        if (entry := hass.config_entries.async_get_entry(entry_id)) is not None:
            return entry.domain
    return "unknown"


def _charger(
    hass: HomeAssistant, items: list[_Entity], integration: str, vehicles: list[str]
) -> dict[str, Any] | None:
    power = _first(items, "sensor", device_class="power", units=POWER_UNITS, words=("charg", "power"))
    current = _first(
        items, "number", device_class="current", words=("dynamic", "limit", "max", "current")
    ) or _first(items, "number", units=("A",), words=("dynamic", "limit", "max", "current"))
    power_number = None if current else _first(items, "number", units=POWER_UNITS)
    if power is None or (current is None and power_number is None and integration not in KNOWN_CHARGERS):
        return None
    fields: dict[str, Any] = {CONF_CHARGER_POWER_ENTITY: power.entity_id}
    if integration in ("ocpp", "easee"):
        fields[CONF_CONTROL_ADAPTER] = ChargerAdapter(integration).value
    if current and integration not in READ_ONLY_CHARGERS:
        fields[CONF_CURRENT_LIMIT_ENTITY] = current.entity_id
        state = hass.states.get(current.entity_id)
        if state is not None and (top := state.attributes.get("max")) is not None:
            fields[CONF_MAX_CURRENT_A] = min(float(top), 80.0)
    elif power_number and integration not in READ_ONLY_CHARGERS:
        fields[CONF_POWER_LIMIT_ENTITY] = power_number.entity_id
    if plug := _first(items, "binary_sensor", device_class="plug") or _first(
        items, "binary_sensor", words=("plug", "connected", "cable")
    ):
        fields[CONF_PLUGGED_ENTITY] = plug.entity_id
    if (
        switch := _first(items, "switch", words=("charg", "enable"))
    ) and integration not in READ_ONLY_CHARGERS:
        fields[CONF_CHARGE_SWITCH_ENTITY] = switch.entity_id
    if vehicles:
        fields[CONF_EV_SOC_ENTITY] = vehicles[0]
    return fields


def _vehicle_soc(hass: HomeAssistant, entities: dict[str, list[_Entity]]) -> list[str]:
    """Battery-class SoC sensors on vehicle devices (known car integrations, or a device with a range)."""
    devices = dr.async_get(hass)
    out: list[str] = []
    for device_id, items in entities.items():
        device = devices.async_get(device_id)
        if device is None:
            continue
        vehicle = _integration(hass, device) in KNOWN_VEHICLES or any(
            e.device_class == "distance" and "range" in e.name for e in items
        )
        soc = _first(items, "sensor", device_class="battery", units=("%",))
        if vehicle and soc is not None:
            out.append(soc.entity_id)
    return out


def _battery(items: list[_Entity]) -> dict[str, Any] | None:
    soc = _first(
        items, "sensor", device_class="battery", units=("%",), words=("soc", "state of charge", "battery")
    )
    power = _first(items, "sensor", device_class="power", units=POWER_UNITS, words=("battery", "charg"))
    select = _first(items, "select", words=("mode", "work", "operat"))
    setpoint = _first(items, "number", device_class="power", units=POWER_UNITS)
    if soc is None or power is None or (select is None and setpoint is None):
        return None
    fields: dict[str, Any] = {CONF_SOC_ENTITY: soc.entity_id, CONF_POWER_ENTITY: power.entity_id}
    if select:
        fields[CONF_MODE_SELECT_ENTITY] = select.entity_id
    if setpoint:
        fields[CONF_POWER_SETPOINT_ENTITY] = setpoint.entity_id
    return fields


def _appliance(items: list[_Entity]) -> dict[str, Any] | None:
    switch = _first(items, "switch")
    power = _first(items, "sensor", device_class="power", units=POWER_UNITS)
    if switch is None or power is None:
        return None
    return {CONF_SWITCH_ENTITY: switch.entity_id, CONF_POWER_ENTITY: power.entity_id}


def _gone(hass: HomeAssistant, entity_id: str) -> bool:
    """No state, or only the placeholder HA restores for a registered entity nobody provides."""
    state = hass.states.get(entity_id)
    return state is None or bool(state.attributes.get("restored"))


def configured_entities(entry: ConfigEntry) -> set[str]:
    """Every entity id a configured device uses, so that discovery does not offer it again."""
    return {
        v
        for sub in entry.subentries.values()
        for v in sub.data.values()
        if isinstance(v, str) and "." in v and not v[0].isdigit()
    }


@callback
def async_check_devices(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Suggest devices that appeared, and flag configured entities that went away."""
    used = configured_entities(entry)
    for kind in (SUBENTRY_EV_CHARGER, SUBENTRY_BATTERY):
        for candidate in async_candidates(hass, kind):
            if used & {v for v in candidate.fields.values() if isinstance(v, str)}:
                clear_issue(hass, ISSUE_NEW_DEVICE, candidate.device_id)
                continue
            raise_issue(
                hass,
                ISSUE_NEW_DEVICE,
                candidate.device_id,
                device=candidate.label,
                kind=kind.replace("_", " "),
            )
    for sub in entry.subentries.values():
        missing = sorted(
            v for k, v in sub.data.items() if k.endswith("_entity") and isinstance(v, str) and _gone(hass, v)
        )
        if missing:
            raise_issue(
                hass,
                ISSUE_ENTITY_MISSING,
                sub.subentry_id,
                severity=ir.IssueSeverity.ERROR,
                device=sub.title,
                entities=", ".join(missing),
            )
        else:
            clear_issue(hass, ISSUE_ENTITY_MISSING, sub.subentry_id)
