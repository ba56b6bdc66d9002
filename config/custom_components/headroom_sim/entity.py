"""Entities of the demo home: each reads the simulated home and refreshes on every tick."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity

if TYPE_CHECKING:
    from . import DemoHome

DOMAIN = "headroom_sim"


class Ticking(Entity):
    """Written on every tick of the simulated home (the demo's integrations push, nothing polls)."""

    _attr_should_poll = False
    demo: DemoHome

    async def async_added_to_hass(self) -> None:
        self.demo.listeners.append(self.async_write_ha_state)

    async def async_will_remove_from_hass(self) -> None:
        self.demo.listeners.remove(self.async_write_ha_state)


class SimEntity(Ticking):
    """One of the demo home's own entities (``<domain>.sim_<object id>``)."""

    platform_domain = "sensor"

    def __init__(self, demo: DemoHome, object_id: str, name: str, device: DeviceInfo | None = None) -> None:
        self.demo = demo
        self.entity_id = f"{self.platform_domain}.sim_{object_id}"
        self._attr_unique_id = f"{DOMAIN}_{object_id}"
        self._attr_name = name
        self._attr_device_info = device


# The home battery: no integration Headroom has a profile for drives a battery by a power setpoint
# (GoodWe's core integration has only its operation mode), so the demo's battery is its own device,
# which discovery finds by its entities' classes and names.
BATTERY_DEVICE = DeviceInfo(
    identifiers={(DOMAIN, "battery")},
    name="Home battery",
    manufacturer="Headroom simulator",
    model="10 kWh, 5 kW",
)
