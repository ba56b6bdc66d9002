"""What Headroom knows about other integrations, as data: one module per integration.

A profile says, for one integration and one device kind, which of that integration's registry
entries is which part of the device (by ``translation_key`` or unique-id suffix first, then device
class and unit), which sensor states mean a car is connected, how its battery modes map to the
plan's, which action drives it and with what payload, which way its sensors count, and how often
its vendor lets a setting change. Every profile names the repository, files and commit it was
read from: the integration's own source is the only authority.

Discovery (``discovery.py``) matches profiles against the registries; the device modules
(``devices/``) use the action and plug states when they read and drive. Nothing here imports
Home Assistant: the facts of a registry entry arrive as ``EntityFacts``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

# The kinds a profile can describe. Vehicles are not planned devices: their SoC, plug and target
# are offered to the charger they charge at.
EV_CHARGER: Final = "ev_charger"
BATTERY: Final = "battery"
VEHICLE: Final = "vehicle"
APPLIANCE: Final = "appliance"
# A site's grid meter: not a planned device; its profile says which of the integration's sensors is the
# meter at the grid connection and which way it counts (the site form checks its direction setting).
GRID_METER: Final = "grid_meter"
GRID_POWER: Final = "grid_power_entity"
BATTERY_POWER: Final = "power_entity"  # the battery profiles' role of its power sensor
# A battery's own reserve (a number or sensor in %): not a form field; the form's reserve starts there.
RESERVE_SOC: Final = "reserve_soc"

# Placeholders in an action's payload, filled in when the command is built.
AMPS: Final = "$amps"  # the charge current (A) the policy wants, 0 = stop
WATTS: Final = "$watts"  # the power (W) the policy wants, charging positive
KILOWATTS: Final = "$kw"
DEVICE_ID: Final = "$device_id"  # the integration's Home Assistant device (the one discovery found)
CHARGER_ID: Final = "$charger_id"  # the vendor's own charger id (the form's "charger id" field)
MINUTES: Final = "$minutes"  # how long a forced battery mode should last (the planning step)
DISCHARGE_WATTS: Final = "$discharge_watts"  # the discharge power (W) the policy wants, positive
PLACEHOLDERS: Final = (AMPS, WATTS, KILOWATTS, DEVICE_ID, CHARGER_ID, MINUTES, DISCHARGE_WATTS)


@dataclass(frozen=True, kw_only=True)
class Source:
    """Where a profile's facts were read: ``repo`` at ``commit``, in ``paths``."""

    repo: str
    commit: str
    paths: tuple[str, ...]

    def __str__(self) -> str:
        short = self.commit[:7] if all(c in "0123456789abcdef" for c in self.commit) else self.commit
        return f"{self.repo}@{short}"


@dataclass(frozen=True, kw_only=True)
class EntityFacts:
    """One registry entry as discovery sees it (the HA layer fills it in)."""

    entity_id: str
    domain: str
    platform: str
    unique_id: str = ""
    translation_key: str | None = None
    entity_category: str | None = None  # "config" / "diagnostic" / None
    device_class: str | None = None
    unit: str | None = None
    name: str = ""
    device_id: str | None = None
    config_entry_id: str | None = None
    options: tuple[str, ...] = ()  # a select's options, where the state has them
    maximum: float | None = None  # a number's largest accepted value, where the state has it
    state: str | None = None  # the entity's state now, where it has one
    manufacturer: str | None = None  # its device's manufacturer, as the integration registered it


@dataclass(frozen=True, kw_only=True)
class Match:
    """How one part of a device is recognised among its integration's registry entries.

    Every given criterion must hold. ``translation_key`` and the unique id's suffix or part identify an
    entity as its integration's code defines it; ``device_class`` and ``units`` narrow it where the
    integration shares a key between entities. A settings (``config``) entity never matches unless
    ``config_ok``: only where the integration's own code makes the control a config entity, and
    the profile's source shows that this entity is the one that controls charging.
    """

    domain: str
    translation_key: str | None = None
    unique_id_suffix: str | None = None
    unique_id_part: str | None = None
    device_class: str | None = None
    units: tuple[str, ...] = ()
    config_ok: bool = False
    # Where one integration serves several vendors with the same keys (solax_modbus's plugins), the
    # device's manufacturer tells whose code made the entity.
    manufacturer: str | None = None

    def matches(self, entity: EntityFacts) -> bool:
        """Whether ``entity`` is this part."""
        return (
            entity.domain == self.domain
            and (self.translation_key is None or entity.translation_key == self.translation_key)
            and (self.unique_id_suffix is None or entity.unique_id.endswith(self.unique_id_suffix))
            and (self.unique_id_part is None or self.unique_id_part in entity.unique_id)
            and (self.device_class is None or entity.device_class == self.device_class)
            and (not self.units or entity.unit in self.units)
            and (self.config_ok or entity.entity_category != "config")
            and (self.manufacturer is None or entity.manufacturer == self.manufacturer)
        )


@dataclass(frozen=True, kw_only=True)
class Action:
    """A vendor action that drives the device: ``domain.service`` with ``data``, where the
    placeholder strings (``AMPS``, ``DEVICE_ID``, ...) are filled in for each command."""

    domain: str
    service: str
    data: Mapping[str, str | float | int | bool]

    def payload(self, values: Mapping[str, object]) -> dict[str, object]:
        """The action's data with its placeholders replaced by ``values``."""
        return {
            key: values.get(value, value) if isinstance(value, str) else value
            for key, value in self.data.items()
        }


@dataclass(frozen=True, kw_only=True)
class Profile:
    """One integration's devices of one kind, as its code defines them.

    ``roles`` maps a form field (``current_limit_entity``, ``plugged_entity``, ...) to the matches
    tried in order. ``connected_states``: the states of a plug *sensor* that mean a car is
    connected (whatever the car is doing). ``mode_options``: the plan's battery modes to the
    select's options. ``discharge_positive`` / ``export_positive``: the integration's sensors count
    that way. ``min_write_interval_s``: the vendor's documented least time between changes of a
    setting (raises wait for it; a fuse cut never does). ``group_by_config_entry``: the integration
    spreads one device's entities over several registry devices of one config entry.
    ``include_via_device``: the integration puts a device's controls on the device it hangs under
    (``via_device``), whose entities then join each of its children's. ``charge_select_options``: for
    a select that starts and stops charging, its option that lets the charger charge and its option
    that stops it. ``fixed_current_a``: the charger runs at its own current whenever it charges (none
    can be set), so the plan's least and most current are both it.
    ``detail_options``: the plan's battery modes to the options of a second select (role
    ``mode_detail_select_entity``) the integration needs beside the mode select, written after it
    (before it with ``detail_first``: where the detail only takes effect once the mode says so).
    ``mode_actions``: for a battery the integration drives by actions only (Huawei's forcible
    charge and discharge), the action that puts it in each of the plan's modes.
    ``reads``/``drives``/``limits``: a line each for the README's table of integrations.
    ``required``: the roles a device must have to be proposed, where they are not the kind's own
    (a charger's power sensor): an integration that has none in some versions is still proposed.
    ``deviceless``: the integration is set up in YAML and registers its entities under no device
    (KEBA): discovery takes all of its entities as one device.
    ``switch_pauses``: its charge switch pauses charging while on (V2C's pause session).
    ``on_off``: like ``fixed_current_a`` where the integration's code gives no current at all (Ohme):
    the plan takes it at one current whenever it charges, the form's maximum, which the person sets.
    """

    integration: str
    kind: str
    title: str
    source: Source
    roles: Mapping[str, tuple[Match, ...]]
    connected_states: tuple[str, ...] = ()
    mode_options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    action: Action | None = None
    discharge_positive: bool | None = None
    export_positive: bool | None = None
    min_write_interval_s: float = 0.0
    group_by_config_entry: bool = False
    include_via_device: bool = False
    required: tuple[str, ...] = ()
    charge_select_options: tuple[str, str] | None = None
    fixed_current_a: float | None = None
    mode_actions: Mapping[str, Action] = field(default_factory=lambda: MappingProxyType({}))
    detail_options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    detail_first: bool = False
    reads: str = ""
    drives: str = ""
    limits: str = ""
    deviceless: bool = False
    switch_pauses: bool = False
    on_off: bool = False

    def find(self, role: str, entities: Iterable[EntityFacts]) -> EntityFacts | None:
        """The entity that plays ``role``, by the first of its matches that any entity meets."""
        items = list(entities)
        for match in self.roles.get(role, ()):
            for entity in items:
                if match.matches(entity):
                    return entity
        return None


def _load() -> dict[tuple[str, str], Profile]:
    """Every ``PROFILES`` tuple of the modules in this package, keyed by (integration, kind)."""
    out: dict[tuple[str, str], Profile] = {}
    for module in pkgutil.iter_modules(__path__):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        for profile in getattr(loaded, "PROFILES", ()):
            key = (profile.integration, profile.kind)
            if key in out:
                raise ValueError(f"two profiles for {key}")
            out[key] = profile
    return out


PROFILES: Final = MappingProxyType(_load())


def profile_for(integration: str, kind: str) -> Profile | None:
    """The profile of ``integration``'s devices of ``kind``, if Headroom has one."""
    return PROFILES.get((integration, kind))


def integrations(kind: str) -> tuple[str, ...]:
    """The integrations with a profile of ``kind``, in a stable order."""
    return tuple(sorted(i for i, k in PROFILES if k == kind))


# Plug sensors of integrations without a profile: the states that read as "a car is connected".
GENERIC_CONNECTED_STATES: Final = ("connected", "charging", "plugged", "plugged_in", "on")


def connected_states() -> tuple[str, ...]:
    """Every state any profile counts as connected, for the form's suggestions."""
    states = {s for p in PROFILES.values() for s in p.connected_states}
    return tuple(sorted(states | set(GENERIC_CONNECTED_STATES)))


def action_for(integration: str, kind: str) -> Action | None:
    """The vendor action that drives ``integration``'s devices of ``kind``, if it has one."""
    profile = profile_for(integration, kind)
    return profile.action if profile is not None else None


def grid_export_positive(entity: EntityFacts) -> bool | None:
    """Which way ``entity`` counts, when it is the grid meter of an integration whose profile says so:
    True when it counts export as positive, False import; None when no profile knows this sensor."""
    profile = profile_for(entity.platform, GRID_METER)
    if profile is None or profile.export_positive is None or profile.find(GRID_POWER, [entity]) is None:
        return None
    return profile.export_positive


def battery_discharge_positive(entity: EntityFacts) -> bool | None:
    """Which way ``entity`` counts, when it is the battery power sensor of an integration whose
    profile says so: True when it counts discharge as positive, False charging; None when no profile
    knows this sensor."""
    profile = profile_for(entity.platform, BATTERY)
    if profile is None or profile.discharge_positive is None or profile.find(BATTERY_POWER, [entity]) is None:
        return None
    return profile.discharge_positive


def markdown_table() -> str:
    """The README's table of supported integrations, from the profiles themselves (a test keeps the
    README equal to it): what is read, what is driven, the source commit its tests were written from,
    and the known limits."""
    lines = [
        "| Integration | Kind | Read | Driven | Written from | Known limits |",
        "|---|---|---|---|---|---|",
    ]
    for (integration, kind), profile in sorted(PROFILES.items(), key=lambda item: (item[0][1], item[0][0])):
        lines.append(
            f"| {profile.title} (`{integration}`) | {kind.replace('_', ' ')} | {profile.reads} | "
            f"{profile.drives or 'nothing (advisory)'} | {profile.source} | {profile.limits} |"
        )
    return "\n".join(lines)
