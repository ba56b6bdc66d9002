"""Cars plugged in, and the main fuse."""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from . import DOMAIN, DemoHome
from .entity import SimEntity


class Plugged(SimEntity, BinarySensorEntity):
    platform_domain = "binary_sensor"
    _attr_device_class = BinarySensorDeviceClass.PLUG

    def __init__(self, demo: DemoHome, name: str) -> None:
        super().__init__(demo, f"{name}_plugged", f"Car at {name} plugged in")
        self.charger = next(c for c in demo.home.chargers if c.name == name)

    @property
    def is_on(self) -> bool:
        return self.charger.visit is not None


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


async def async_setup_platform(hass: HomeAssistant, config: Any, add: AddEntitiesCallback,
                               discovery_info: Any = None) -> None:
    demo: DemoHome = hass.data[DOMAIN]
    add([FuseTripped(demo, "fuse_tripped", "Main fuse tripped"), *(Plugged(demo, c.name) for c in demo.home.chargers)])
