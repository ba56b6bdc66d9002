"""The plug's relay: on while the dishwasher's programme runs; turning it on starts the programme."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from custom_components.headroom.simulator.models import Appliance
from custom_components.headroom_sim import DemoHome
from custom_components.headroom_sim.entity import Ticking

from . import MAC, plug


class RpcSwitch(Ticking, SwitchEntity):
    _attr_has_entity_name = True
    _attr_name = None  # the plug's one relay carries the device's name

    def __init__(self, demo: DemoHome, appliance: Appliance, device_name: str) -> None:
        self.demo = demo
        self.appliance = appliance
        self._attr_unique_id = f"{MAC}-switch:0"
        self._attr_device_info = plug(device_name)

    @property
    def is_on(self) -> bool:
        return self.appliance.running(self.demo.now())

    async def async_turn_on(self, **kwargs: Any) -> None:
        self.appliance.start(self.demo.now())
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        self.appliance.started = None
        self.async_write_ha_state()


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry, add: AddEntitiesCallback) -> None:
    demo: DemoHome = hass.data["headroom_sim"]
    add([RpcSwitch(demo, demo.home.appliances[0], entry.title)] if demo.home.appliances else [])
