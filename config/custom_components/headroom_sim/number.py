"""The battery's power setpoint (W, positive charges): what it holds in a forced mode."""

from __future__ import annotations

from homeassistant.components.number import NumberDeviceClass, NumberEntity, NumberMode
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from . import DOMAIN, DemoHome
from .entity import BATTERY_DEVICE, SimEntity


class BatterySetpoint(SimEntity, NumberEntity):
    platform_domain = "number"
    _attr_device_class = NumberDeviceClass.POWER
    _attr_native_unit_of_measurement = UnitOfPower.WATT
    _attr_native_step = 100
    _attr_mode = NumberMode.BOX

    def __init__(self, demo: DemoHome) -> None:
        super().__init__(demo, "battery_setpoint", "Battery power setpoint", BATTERY_DEVICE)
        battery = demo.home.battery
        assert battery is not None
        self._attr_native_min_value = -battery.max_discharge_kw * 1000
        self._attr_native_max_value = battery.max_charge_kw * 1000

    @property
    def native_value(self) -> float:
        assert self.demo.home.battery is not None
        return round(self.demo.home.battery.setpoint_kw * 1000)

    async def async_set_native_value(self, value: float) -> None:
        assert self.demo.home.battery is not None
        self.demo.home.battery.setpoint_kw = value / 1000
        self.async_write_ha_state()


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry, add: AddEntitiesCallback) -> None:
    demo: DemoHome = hass.data[DOMAIN]
    add([BatterySetpoint(demo)] if demo.home.battery is not None else [])
