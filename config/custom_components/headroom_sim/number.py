"""Each charger's current limit (A) and the battery's power setpoint (W, positive charges)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.number import NumberDeviceClass, NumberEntity, NumberMode
from homeassistant.const import UnitOfElectricCurrent, UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from . import DOMAIN, DemoHome
from .entity import SimEntity


class ChargerCurrent(SimEntity, NumberEntity):
    platform_domain = "number"
    _attr_device_class = NumberDeviceClass.CURRENT
    _attr_native_unit_of_measurement = UnitOfElectricCurrent.AMPERE
    _attr_native_step = 1
    _attr_mode = NumberMode.BOX

    def __init__(self, demo: DemoHome, name: str, max_a: float) -> None:
        super().__init__(demo, f"{name}_current", f"Charger {name} current limit")
        self.key = name
        self._attr_native_min_value = 0
        self._attr_native_max_value = max_a

    @property
    def native_value(self) -> float:
        return self.demo.current_a[self.key]

    async def async_set_native_value(self, value: float) -> None:
        self.demo.current_a[self.key] = value
        self.async_write_ha_state()


class BatterySetpoint(SimEntity, NumberEntity):
    platform_domain = "number"
    _attr_device_class = NumberDeviceClass.POWER
    _attr_native_unit_of_measurement = UnitOfPower.WATT
    _attr_native_step = 100
    _attr_mode = NumberMode.BOX

    def __init__(self, demo: DemoHome) -> None:
        super().__init__(demo, "battery_setpoint", "Battery power setpoint")
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


async def async_setup_platform(hass: HomeAssistant, config: Any, add: AddEntitiesCallback,
                               discovery_info: Any = None) -> None:
    demo: DemoHome = hass.data[DOMAIN]
    entities: list[NumberEntity] = [ChargerCurrent(demo, c.name, c.max_a) for c in demo.home.chargers]
    if demo.home.battery is not None:
        entities.append(BatterySetpoint(demo))
    add(entities)
