"""Entities of the demo home: each reads the simulated home and refreshes on every tick."""

from __future__ import annotations

from homeassistant.helpers.entity import Entity

from . import DOMAIN, DemoHome


class SimEntity(Entity):
    _attr_should_poll = False

    def __init__(self, demo: DemoHome, object_id: str, name: str) -> None:
        self.demo = demo
        self.entity_id = f"{self.platform_domain}.sim_{object_id}"
        self._attr_unique_id = f"{DOMAIN}_{object_id}"
        self._attr_name = name

    platform_domain = "sensor"

    async def async_added_to_hass(self) -> None:
        self.demo.listeners.append(self.async_write_ha_state)

    async def async_will_remove_from_hass(self) -> None:
        self.demo.listeners.remove(self.async_write_ha_state)
