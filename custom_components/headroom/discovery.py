"""Finding the home's chargers, batteries, PV and appliances in the entity and device registries.

Discovery only proposes: the subentry forms offer what was found and the person confirms or
changes every pick. Devices of known integrations come first. A device that appears later is
announced as a repair suggestion; a configured entity that disappears raises a repair issue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import UnitOfPower
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir

from . import profiles
from .const import (
    CONF_CHARGE_SELECT_ENTITY,
    CONF_CHARGE_SELECT_OFF,
    CONF_CHARGE_SELECT_ON,
    CONF_CHARGE_SWITCH_ENTITY,
    CONF_CHARGE_SWITCH_PAUSES,
    CONF_CHARGER_POWER_ENTITY,
    CONF_CONTROL_ADAPTER,
    CONF_CURRENT_LIMIT_ENTITY,
    CONF_DISCHARGE_POSITIVE,
    CONF_EV_SOC_ENTITY,
    CONF_EV_TARGET_SOC_ENTITY,
    CONF_MAX_CURRENT_A,
    CONF_MIN_CURRENT_A,
    CONF_MIN_SOC_PERCENT,
    CONF_MIN_WRITE_INTERVAL_S,
    CONF_MODE_DETAIL_OPTION_PREFIX,
    CONF_MODE_DETAIL_SELECT_ENTITY,
    CONF_MODE_OPTION_PREFIX,
    CONF_MODE_SELECT_ENTITY,
    CONF_PLUGGED_ENTITY,
    CONF_PLUGGED_STATES,
    CONF_POWER_ENTITY,
    CONF_POWER_LIMIT_ENTITY,
    CONF_POWER_SETPOINT_ENTITY,
    CONF_SOC_ENTITY,
    CONF_SWITCH_ENTITY,
    CONF_VENDOR_CHARGER_ID,
    CONF_VENDOR_DEVICE_ID,
    DOMAIN,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
)
from .policy.ev_charger import DEFAULT_MAX_CURRENT_A
from .repairs import clear_issue, raise_issue

# Integrations known to make devices of each kind (with or without a profile): their devices are
# kept out of the other kinds' proposals, and ranked before unknown ones when matched by names.
OTHER_CHARGERS = (
    "ocpp",
    "easee",
    "wallbox",
    "peblar",
    "zaptec",
    "goecharger_api2",
    "go_e_charger",
    "tesla_wall_connector",
    "openevse",
    "ohme",
    "myenergi",
    "alfen_wallbox",
    "keba",
    "v2c",
)
OTHER_BATTERIES = (
    "enphase_envoy",
    "goodwe",
    "huawei_solar",
    "solaredge",
    "solaredge_modbus_multi",
    "victron",
    "solax_modbus",
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
OTHER_VEHICLES = (
    "tesla_fleet",
    "teslemetry",
    "tessie",
    "renault",
    "bmw_connected_drive",
    "volvo",
    "kia_uvo",
    "polestar_api",
    "volkswagen_we_connect_id",
    "volkswagencarnet",
    "myskoda",
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
POWER_UNITS = (UnitOfPower.WATT, UnitOfPower.KILO_WATT)


def known(kind: str) -> tuple[str, ...]:
    """The integrations Headroom knows make devices of ``kind`` (with a profile or not)."""
    other = {
        SUBENTRY_EV_CHARGER: OTHER_CHARGERS,
        SUBENTRY_BATTERY: OTHER_BATTERIES,
        profiles.VEHICLE: OTHER_VEHICLES,
    }.get(kind, ())
    return profiles.integrations(kind) + tuple(i for i in other if i not in profiles.integrations(kind))


@dataclass
class Candidate:
    """A device that looks like one Headroom can plan, with the form fields it would fill.

    ``profile`` is the integration's profile that recognised it; None when only entity names and
    device classes did (the form then says to check every field)."""

    device_id: str
    name: str
    integration: str
    kind: str
    fields: dict[str, Any] = field(default_factory=dict)
    profile: profiles.Profile | None = None

    @property
    def own_entities(self) -> set[str]:
        """The device's own entities in the fields (not the car's, which another charger may share)."""
        return {
            v
            for k, v in self.fields.items()
            if isinstance(v, str) and k not in (CONF_EV_SOC_ENTITY, CONF_EV_TARGET_SOC_ENTITY)
        }

    @property
    def label(self) -> str:
        title = self.profile.title if self.profile else self.integration
        return f"{self.name} ({title})" if self.profile else f"{self.name} ({title}) *"


def _facts(hass: HomeAssistant, entry: er.RegistryEntry) -> profiles.EntityFacts:
    state = hass.states.get(entry.entity_id)
    attributes = state.attributes if state is not None else {}
    category = entry.entity_category
    return profiles.EntityFacts(
        entity_id=entry.entity_id,
        domain=entry.domain,
        platform=entry.platform,
        unique_id=str(entry.unique_id),
        translation_key=entry.translation_key,
        entity_category=category.value if category is not None else None,
        device_class=entry.device_class or entry.original_device_class or attributes.get("device_class"),
        unit=entry.unit_of_measurement or attributes.get("unit_of_measurement"),
        name=(entry.name or entry.original_name or entry.entity_id).lower(),
        device_id=entry.device_id,
        config_entry_id=entry.config_entry_id,
        options=tuple(str(o) for o in attributes.get("options", ()) or ()),
        maximum=_number(attributes.get("max")),
        state=state.state if state is not None else None,
        manufacturer=_manufacturer(hass, entry.device_id),
    )


def _manufacturer(hass: HomeAssistant, device_id: str | None) -> str | None:
    device = dr.async_get(hass).async_get(device_id) if device_id else None
    return device.manufacturer if device is not None else None


def entity_facts(hass: HomeAssistant, entity_id: str) -> profiles.EntityFacts | None:
    """``entity_id``'s registry entry as the profiles see it; None for an entity without one."""
    entry = er.async_get(hass).async_get(entity_id)
    return _facts(hass, entry) if entry is not None else None


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _device_entities(hass: HomeAssistant) -> dict[str, list[profiles.EntityFacts]]:
    """Each device's enabled entities (none of Headroom's own)."""
    out: dict[str, list[profiles.EntityFacts]] = defaultdict(list)
    for entry in er.async_get(hass).entities.values():
        if entry.device_id is None or entry.disabled_by is not None or entry.platform == DOMAIN:
            continue
        out[entry.device_id].append(_facts(hass, entry))
    return out


def _first(
    entities: list[profiles.EntityFacts],
    domain: str,
    *,
    device_class: str | None = None,
    units: tuple[str, ...] = (),
    words: tuple[str, ...] = (),
    any_name: bool = True,
) -> profiles.EntityFacts | None:
    """Name matching, the last resort for integrations without a profile: an entity of ``domain``
    (never a settings entity) whose name holds one of ``words``; with ``any_name`` the first of the
    domain when no name does."""
    found = [
        e
        for e in entities
        if e.domain == domain
        and e.entity_category != "config"
        and (device_class is None or e.device_class == device_class)
        and (not units or e.unit in units)
    ]
    for word in words:
        for entity in found:
            if word in entity.name or word in entity.entity_id:
                return entity
    return found[0] if found and any_name else None


@callback
def async_candidates(hass: HomeAssistant, kind: str, used: frozenset[str] = frozenset()) -> list[Candidate]:
    """Devices that look like ``kind``: those an integration profile recognises first, then those
    whose entity names suggest it."""
    devices = dr.async_get(hass)
    groups = _groups(hass, devices, kind)
    vehicles = (
        [v for v in _vehicles(hass, devices) if v.soc not in used] if kind == SUBENTRY_EV_CHARGER else []
    )
    found: list[tuple[int, Candidate]] = []
    for device_id, (integration, items) in groups.items():
        device = devices.async_get(device_id)
        if device is None:
            continue
        name = device.name_by_user or device.name or device_id
        candidate = _candidate(kind, integration, items, vehicles)
        if candidate is None:
            continue
        fields, profile = candidate
        if fields.get(CONF_CONTROL_ADAPTER):
            fields[CONF_VENDOR_DEVICE_ID] = device_id
            _vendor_id(fields, profile, device)
        rank = 0 if profile else 1 if integration in known(kind) else 2
        if kind == SUBENTRY_APPLIANCE and rank == 2 and any(w in name.lower() for w in APPLIANCE_WORDS):
            rank = 1
        found.append((rank, Candidate(device_id, name, integration, kind, fields, profile)))
    found += [(0, candidate) for candidate in _deviceless(hass, kind, vehicles)]
    found.sort(key=lambda pair: (pair[0], pair[1].name))
    return [c for _, c in found]


def _vendor_id(fields: dict[str, Any], profile: profiles.Profile | None, device: dr.DeviceEntry) -> None:
    """The vendor's own id for an action that takes one: the device's identifier in its integration
    (go-e's charger name, an OCPP charge point id)."""
    if profile is None or profile.action is None or profiles.CHARGER_ID not in profile.action.data.values():
        return
    own = sorted(i[1] for i in device.identifiers if i[0] == profile.integration)
    if own:
        fields[CONF_VENDOR_CHARGER_ID] = own[0]


def _deviceless(hass: HomeAssistant, kind: str, vehicles: list[_Vehicle]) -> list[Candidate]:
    """Devices of integrations set up in YAML that register their entities under no device (KEBA):
    all of one integration's entities as one device, named by its profile and picked by its domain
    (there is no registry device to address an action to)."""
    wanted = {p.integration for (_, k), p in profiles.PROFILES.items() if k == kind and p.deviceless}
    groups: dict[str, list[profiles.EntityFacts]] = defaultdict(list)
    names: dict[str, list[str]] = defaultdict(list)
    for entry in er.async_get(hass).entities.values():
        if entry.device_id is None and entry.disabled_by is None and entry.platform in wanted:
            groups[entry.platform].append(_facts(hass, entry))
            names[entry.platform].append(entry.original_name or "")
    out = []
    for integration, items in groups.items():
        if (candidate := _candidate(kind, integration, items, vehicles)) is not None:
            fields, profile = candidate
            # Their names start with the product's ("KC-P30-... Plug"): that is the device's name.
            name = _common_words(names[integration]) or integration
            out.append(Candidate(integration, name, integration, kind, fields, profile))
    return out


def _common_words(names: list[str]) -> str:
    """The words every one of ``names`` starts with."""
    split = [n.split() for n in names]
    common = []
    for words in zip(*split, strict=False):
        if any(w != words[0] for w in words):
            break
        common.append(words[0])
    return " ".join(common)


def _groups(
    hass: HomeAssistant, devices: dr.DeviceRegistry, kind: str
) -> dict[str, tuple[str, list[profiles.EntityFacts]]]:
    """Each device's integration and entities; where the integration's profile says it spreads a
    device over several registry devices, all of that config entry's entities under the device
    that holds most of them."""
    out: dict[str, tuple[str, list[profiles.EntityFacts]]] = {}
    spread: dict[str, list[profiles.EntityFacts]] = defaultdict(list)
    for device_id, items in _device_entities(hass).items():
        device = devices.async_get(device_id)
        if device is None:
            continue
        integration = _integration(hass, device)
        profile = profiles.profile_for(integration, kind)
        if profile is not None and profile.group_by_config_entry and items[0].config_entry_id:
            spread[items[0].config_entry_id].extend(items)
        else:
            out[device_id] = (integration, items)
    _add_parents(devices, kind, out)
    for items in spread.values():
        out[_main_device(devices, items)] = (items[0].platform, items)
    return out


def _add_parents(
    devices: dr.DeviceRegistry, kind: str, out: dict[str, tuple[str, list[profiles.EntityFacts]]]
) -> None:
    """Where a profile says so, a device's parent's (``via_device``) entities join its own: Zaptec
    puts the available current on the installation its chargers hang under."""
    for device_id, (integration, items) in list(out.items()):
        profile = profiles.profile_for(integration, kind)
        device = devices.async_get(device_id)
        if profile is None or not profile.include_via_device or device is None or not device.via_device_id:
            continue
        if (parent := out.get(device.via_device_id)) is not None and parent[0] == integration:
            out[device_id] = (integration, items + parent[1])


def _main_device(devices: dr.DeviceRegistry, items: list[profiles.EntityFacts]) -> str:
    """The device a spread device is named by: the one the others hang under (``via_device``: the
    Envoy, not its Enpower; the inverter, not its battery or meter), else the one with most entities."""
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item.device_id or ""] += 1

    def hangs_under_another(device_id: str) -> bool:
        device = devices.async_get(device_id)
        return device is not None and device.via_device_id in counts

    roots = [d for d in counts if not hangs_under_another(d)] or list(counts)
    return max(roots, key=lambda d: counts[d])


def _candidate(
    kind: str, integration: str, items: list[profiles.EntityFacts], vehicles: list[_Vehicle]
) -> tuple[dict[str, Any], profiles.Profile | None] | None:
    """The form fields for a device of ``kind``, by its integration's profile, else by names."""
    profile = profiles.profile_for(integration, kind)
    # An integration known for another kind only (a car's, a charger's) is not guessed at by names;
    # one with a profile of this kind is (Tesla's cars and Powerwalls share an integration).
    other_kinds = {SUBENTRY_EV_CHARGER, SUBENTRY_BATTERY, profiles.VEHICLE} - {kind}
    if profile is None and any(integration in known(k) for k in other_kinds):
        return None
    fields: dict[str, Any] | None
    if kind == SUBENTRY_EV_CHARGER:
        fields = _charger_by_profile(profile, items) if profile else _charger_by_words(items)
        if fields is not None:
            _car(fields, vehicles)
    elif kind == SUBENTRY_BATTERY:
        fields = _battery_by_profile(profile, items) if profile else _battery_by_words(items)
    elif kind == SUBENTRY_APPLIANCE:
        fields = _appliance_by_profile(profile, items) if profile else _appliance(items)
    else:
        return None
    return (fields, profile) if fields is not None else None


def _integration(hass: HomeAssistant, device: dr.DeviceEntry) -> str:
    for entry_id in device.config_entries:
        if (entry := hass.config_entries.async_get_entry(entry_id)) is not None:
            return entry.domain
    return "unknown"


def _by_roles(
    profile: profiles.Profile, items: list[profiles.EntityFacts], required: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """Every role of ``profile`` that one of ``items`` plays; None when a required one is missing."""
    fields: dict[str, Any] = {
        role: found.entity_id for role in profile.roles if (found := profile.find(role, items))
    }
    if any(role not in fields for role in required):
        return None
    if profile.min_write_interval_s:
        fields[CONF_MIN_WRITE_INTERVAL_S] = profile.min_write_interval_s
    return fields


def _charger_by_profile(
    profile: profiles.Profile, items: list[profiles.EntityFacts]
) -> dict[str, Any] | None:
    """A charger as its integration defines it: its power sensor, and what drives it (a current or
    power number, a switch or charge select, or the integration's action); a read-only profile drives
    nothing."""
    fields = _by_roles(profile, items, required=profile.required or (CONF_CHARGER_POWER_ENTITY,))
    if fields is None:
        return None
    if CONF_CHARGE_SELECT_ENTITY in fields and profile.charge_select_options:
        fields[CONF_CHARGE_SELECT_ON], fields[CONF_CHARGE_SELECT_OFF] = profile.charge_select_options
    if profile.fixed_current_a:
        fields[CONF_MIN_CURRENT_A] = fields[CONF_MAX_CURRENT_A] = profile.fixed_current_a
    driving = (CONF_CURRENT_LIMIT_ENTITY, CONF_POWER_LIMIT_ENTITY)
    if profile.action is not None and not any(role in fields for role in driving):
        # The integration's own current or power number where it has one (it carries its state); else
        # its action, with its switch or select (if any) to stop it.
        fields[CONF_CONTROL_ADAPTER] = profile.integration
    plug = fields.get(CONF_PLUGGED_ENTITY, "")
    if plug.startswith("sensor.") and profile.connected_states:
        fields[CONF_PLUGGED_STATES] = list(profile.connected_states)
    if (
        current := next((i for i in items if i.entity_id == fields.get(CONF_CURRENT_LIMIT_ENTITY)), None)
    ) and (top := _max_of(current)):
        fields[CONF_MAX_CURRENT_A] = top
    if profile.switch_pauses and CONF_CHARGE_SWITCH_ENTITY in fields:
        fields[CONF_CHARGE_SWITCH_PAUSES] = True
    if profile.on_off:
        # All or nothing: planned at the one current it charges at (the person sets it in the form).
        fields[CONF_MIN_CURRENT_A] = fields.get(CONF_MAX_CURRENT_A, DEFAULT_MAX_CURRENT_A)
        fields[CONF_MAX_CURRENT_A] = fields[CONF_MIN_CURRENT_A]
    return fields


def _charger_by_words(items: list[profiles.EntityFacts]) -> dict[str, Any] | None:
    """A charger by names and classes: a power sensor and a current (A) or power number to drive;
    a plug or switch only where its name says so. A device with a power number and its own battery
    level is a home battery, not a charger (a charger's car has its level on the car's device)."""
    power = _first(items, "sensor", device_class="power", units=POWER_UNITS, words=("charg", "power"))
    words = ("dynamic", "limit", "max", "current")
    current = _first(items, "number", device_class="current", words=words) or _first(
        items, "number", units=("A",), words=words
    )
    power_number = None if current else _first(items, "number", units=POWER_UNITS, words=("charg", "power"))
    if power is None or (current is None and power_number is None):
        return None
    if current is None and any(i.domain == "sensor" and i.device_class == "battery" for i in items):
        return None
    fields: dict[str, Any] = {CONF_CHARGER_POWER_ENTITY: power.entity_id}
    if current:
        fields[CONF_CURRENT_LIMIT_ENTITY] = current.entity_id
        if top := _max_of(current):
            fields[CONF_MAX_CURRENT_A] = top
    elif power_number:
        fields[CONF_POWER_LIMIT_ENTITY] = power_number.entity_id
    if plug := _first(items, "binary_sensor", device_class="plug", any_name=False, words=("plug",)) or _first(
        items, "binary_sensor", words=("plug", "car connected", "vehicle connected"), any_name=False
    ):
        fields[CONF_PLUGGED_ENTITY] = plug.entity_id
    if switch := _first(items, "switch", words=("charging", "charge enable", "enable charg"), any_name=False):
        fields[CONF_CHARGE_SWITCH_ENTITY] = switch.entity_id
    return fields


def _max_of(entity: profiles.EntityFacts) -> float | None:
    """The largest current (A) the number accepts, within what the form allows."""
    return min(entity.maximum, 80.0) if entity.maximum is not None else None


@dataclass
class _Vehicle:
    """A car's entities a charger can use (its SoC; its charge target where it has one)."""

    soc: str
    target: str | None = None


def _vehicles(hass: HomeAssistant, devices: dr.DeviceRegistry) -> list[_Vehicle]:
    """Cars: devices of a vehicle profile (by its roles), else of a known car integration or with
    a range sensor (by a battery-class % sensor)."""
    out: list[_Vehicle] = []
    for device_id, items in _device_entities(hass).items():
        device = devices.async_get(device_id)
        if device is None:
            continue
        integration = _integration(hass, device)
        if (profile := profiles.profile_for(integration, profiles.VEHICLE)) is not None:
            soc = profile.find(CONF_EV_SOC_ENTITY, items)
            target = profile.find(CONF_EV_TARGET_SOC_ENTITY, items)
            if soc is not None:
                out.append(_Vehicle(soc.entity_id, target.entity_id if target else None))
            continue
        vehicle = integration in known(profiles.VEHICLE) or any(
            e.device_class == "distance" and "range" in e.name for e in items
        )
        soc_entity = _first(items, "sensor", device_class="battery", units=("%",))
        if vehicle and soc_entity is not None:
            out.append(_Vehicle(soc_entity.entity_id))
    return out


def _car(fields: dict[str, Any], vehicles: list[_Vehicle]) -> None:
    """The car this charger charges: its own entry if it has one, else the only car no other
    charger uses (with several, the person picks in the form)."""
    if CONF_EV_SOC_ENTITY in fields or len(vehicles) != 1:
        return
    fields[CONF_EV_SOC_ENTITY] = vehicles[0].soc
    if vehicles[0].target:
        fields[CONF_EV_TARGET_SOC_ENTITY] = vehicles[0].target


def _battery_by_profile(
    profile: profiles.Profile, items: list[profiles.EntityFacts]
) -> dict[str, Any] | None:
    """A battery as its integration defines it: SoC and something that drives it (a mode select, a
    setpoint number or the integration's action), with the mode options and sign it uses."""
    fields = _by_roles(profile, items, required=(CONF_SOC_ENTITY,))
    if fields is None or not (
        fields.keys() & {CONF_MODE_SELECT_ENTITY, CONF_POWER_SETPOINT_ENTITY}
        or profile.action
        or profile.mode_actions
    ):
        return None
    fields.pop(profiles.RESERVE_SOC, None)
    if (reserve := profile.find(profiles.RESERVE_SOC, items)) and (
        percent := _number(reserve.state)
    ) is not None:
        fields[CONF_MIN_SOC_PERCENT] = min(max(percent, 0.0), 90.0)  # within what the form allows
    _options(fields, items, CONF_MODE_SELECT_ENTITY, CONF_MODE_OPTION_PREFIX, profile.mode_options)
    _options(
        fields, items, CONF_MODE_DETAIL_SELECT_ENTITY, CONF_MODE_DETAIL_OPTION_PREFIX, profile.detail_options
    )
    if profile.discharge_positive is not None:
        fields[CONF_DISCHARGE_POSITIVE] = profile.discharge_positive
    if profile.action is not None or profile.mode_actions:
        fields[CONF_CONTROL_ADAPTER] = profile.integration
    return fields


def _options(
    fields: dict[str, Any],
    items: list[profiles.EntityFacts],
    role: str,
    prefix: str,
    mapping: Mapping[str, str],
) -> None:
    """The plan's modes as the options of the select playing ``role``: those the select offers (an
    older model lacks some of its integration's options), all of them where it does not say."""
    select = next((i for i in items if i.entity_id == fields.get(role)), None)
    offered = set(select.options) if select is not None and select.options else None
    for mode, option in mapping.items():
        if offered is None or option in offered:
            fields[f"{prefix}{mode}"] = option


def _battery_by_words(items: list[profiles.EntityFacts]) -> dict[str, Any] | None:
    soc = _first(
        items, "sensor", device_class="battery", units=("%",), words=("soc", "state of charge", "battery")
    )
    power = _first(items, "sensor", device_class="power", units=POWER_UNITS, words=("battery", "charg"))
    select = _first(items, "select", words=("mode", "work", "operat"), any_name=False)
    setpoint = _first(
        items, "number", device_class="power", units=POWER_UNITS, words=("battery", "charg"), any_name=False
    )
    if soc is None or power is None or (select is None and setpoint is None):
        return None
    fields: dict[str, Any] = {CONF_SOC_ENTITY: soc.entity_id, CONF_POWER_ENTITY: power.entity_id}
    if select:
        fields[CONF_MODE_SELECT_ENTITY] = select.entity_id
    if setpoint:
        fields[CONF_POWER_SETPOINT_ENTITY] = setpoint.entity_id
    return fields


def _appliance(items: list[profiles.EntityFacts]) -> dict[str, Any] | None:
    switch = _first(items, "switch")
    power = _first(items, "sensor", device_class="power", units=POWER_UNITS)
    if switch is None or power is None:
        return None
    return {CONF_SWITCH_ENTITY: switch.entity_id, CONF_POWER_ENTITY: power.entity_id}


def _appliance_by_profile(
    profile: profiles.Profile, items: list[profiles.EntityFacts]
) -> dict[str, Any] | None:
    """An appliance as its integration defines it: a switch to turn it on, or (where the integration
    starts it by an action, as Home Connect does) every entity its profile names, driven by that action."""
    if profile.action is None:
        return _by_roles(profile, items, required=(CONF_SWITCH_ENTITY,))
    fields = _by_roles(profile, items, required=tuple(profile.roles))
    if fields is not None:
        fields[CONF_CONTROL_ADAPTER] = profile.integration
    return fields


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
            if used & candidate.own_entities:
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
