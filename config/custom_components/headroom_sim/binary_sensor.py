"""The main fuse (cars plugged in show in their charge points' connector status)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from . import DOMAIN, DemoHome
from .entity import SimEntity


class FuseTripped(SimEntity, BinarySensorEntity):
    platform_domain = "binary_sensor"
    _attr_device_class = BinarySensorDeviceClass.PROBLEM

    @property
    def is_on(self) -> bool:
        grid = self.demo.home.grid
        return grid.tripped_until is not None and self.demo.now() < grid.tripped_until

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        return {"trips": self.demo.home.grid.trips}


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry, add: AddEntitiesCallback) -> None:
    demo: DemoHome = hass.data[DOMAIN]
    add([FuseTripped(demo, "fuse_tripped", "Main fuse tripped")])
