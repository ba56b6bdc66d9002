"""The plug's active power meter (W)."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from custom_components.headroom.simulator.models import Appliance
from custom_components.headroom_sim import DemoHome
from custom_components.headroom_sim.entity import Ticking

from . import MAC, plug


class RpcPower(Ticking, SensorEntity):
    _attr_has_entity_name = True
    _attr_name = "Power"
    _attr_device_class = SensorDeviceClass.POWER
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = UnitOfPower.WATT

    def __init__(self, demo: DemoHome, appliance: Appliance, device_name: str) -> None:
        self.demo = demo
        self.appliance = appliance
        self._attr_unique_id = f"{MAC}-switch:0-power"
        self._attr_device_info = plug(device_name)

    @property
    def native_value(self) -> float:
        return round(self.appliance.power_at(self.demo.now()) * 1000, 1)


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry, add: AddEntitiesCallback) -> None:
    demo: DemoHome = hass.data["headroom_sim"]
    add([RpcPower(demo, demo.home.appliances[0], entry.title)] if demo.home.appliances else [])
