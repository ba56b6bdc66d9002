"""Registry entries shaped as another integration's code makes them, for discovery, reading and driving
tests. This module stands for no integration's format itself: each fixture that uses it names the
repository, file and commit it was written from (see tests/integration/test_profiles_*.py).

An integration's entities are created through Home Assistant's real entity and device registries, with
the platform (the integration's domain), unique id, translation key, entity category, device class and
unit its code gives them, on the devices it creates (``via_device`` where it nests them); then each
entity's state is set with the attributes it would have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry


@dataclass(frozen=True, kw_only=True)
class Device:
    """A device the integration registers: ``key`` names it within the fixture; ``via`` is the key of
    the device it hangs under."""

    key: str
    name: str
    identifiers: tuple[tuple[str, str], ...]
    manufacturer: str | None = None
    model: str | None = None
    via: str | None = None
    # (type, id) pairs where the integration registers its device by connection (OpenEVSE).
    connections: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class Ent:
    """One entity as the integration registers it; ``object_id`` is the entity id's second half."""

    domain: str
    object_id: str
    unique_id: str
    state: Any
    translation_key: str | None = None
    device_class: str | None = None
    unit: str | None = None
    category: EntityCategory | None = None
    name: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    device: str = "main"

    @property
    def entity_id(self) -> str:
        return f"{self.domain}.{self.object_id}"


@dataclass
class Installed:
    """What ``install`` made: the integration's config entry, its devices by key, and entity ids."""

    entry: MockConfigEntry
    devices: dict[str, str]
    entity_ids: list[str]


def install(
    hass: HomeAssistant,
    integration: str,
    devices: list[Device],
    entities: list[Ent],
    *,
    title: str | None = None,
    entry_id: str | None = None,
) -> Installed:
    """Register ``integration``'s ``devices`` and ``entities`` (in a config entry of its own) and set their
    states."""
    source = MockConfigEntry(domain=integration, title=title or devices[0].name, entry_id=entry_id)
    source.add_to_hass(hass)
    device_registry = dr.async_get(hass)
    made: dict[str, str] = {}
    for device in devices:
        via = None
        if device.via is not None:
            parent = next(d for d in devices if d.key == device.via)
            via = parent.identifiers[0]
        made[device.key] = device_registry.async_get_or_create(
            config_entry_id=source.entry_id,
            name=device.name,
            identifiers=set(device.identifiers),
            connections=set(device.connections),
            manufacturer=device.manufacturer,
            model=device.model,
            via_device=via,
        ).id
    registry = er.async_get(hass)
    for ent in entities:
        registry.async_get_or_create(
            ent.domain,
            integration,
            ent.unique_id,
            suggested_object_id=ent.object_id,
            config_entry=source,
            device_id=made[ent.device],
            original_device_class=ent.device_class,
            unit_of_measurement=ent.unit,
            translation_key=ent.translation_key,
            entity_category=ent.category,
            original_name=ent.name or ent.object_id.replace("_", " "),
        )
        attributes = dict(ent.attributes)
        if ent.unit:
            attributes["unit_of_measurement"] = ent.unit
        if ent.device_class:
            attributes["device_class"] = ent.device_class
        hass.states.async_set(ent.entity_id, str(ent.state), attributes)
    return Installed(source, made, [e.entity_id for e in entities])
