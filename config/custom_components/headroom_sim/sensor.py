"""Powers (W), SoCs (%), the price (HACS Nord Pool attributes) and the running cost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.const import PERCENTAGE, UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from . import DOMAIN, DemoHome
from .entity import SimEntity


class SimSensor(SimEntity, SensorEntity):
    def __init__(self, demo: DemoHome, object_id: str, name: str, value: Callable[[], Any], *,
                 device_class: SensorDeviceClass | None = None, unit: str | None = None,
                 attributes: Callable[[], dict[str, Any]] | None = None) -> None:
        super().__init__(demo, object_id, name)
        self._value = value
        self._attributes = attributes
        self._attr_device_class = device_class
        self._attr_native_unit_of_measurement = unit
        if device_class in (SensorDeviceClass.POWER, SensorDeviceClass.BATTERY):
            self._attr_state_class = SensorStateClass.MEASUREMENT

    @property
    def native_value(self) -> Any:
        return self._value()

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        return self._attributes() if self._attributes else None


async def async_setup_platform(hass: HomeAssistant, config: Any, add: AddEntitiesCallback,
                               discovery_info: Any = None) -> None:
    demo: DemoHome = hass.data[DOMAIN]
    home = demo.home
    power, watt = SensorDeviceClass.POWER, UnitOfPower.WATT
    entities: list[SimSensor] = [
        SimSensor(demo, "pv_power", "PV power", lambda: round(demo.pv_kw * 1000), device_class=power, unit=watt),
        SimSensor(demo, "house_power", "House power", lambda: round(demo.house_kw * 1000), device_class=power,
                  unit=watt),
        SimSensor(demo, "grid_power", "Grid power", lambda: round(demo.grid_kw * 1000), device_class=power,
                  unit=watt),
        SimSensor(demo, "electricity_price", "Electricity price", lambda: round(demo.price_now(), 4),
                  unit="EUR/kWh", attributes=demo.price_attributes),
        SimSensor(demo, "energy_cost", "Energy cost so far", lambda: round(demo.cost, 3), unit="EUR"),
    ]
    if home.battery is not None:
        battery = home.battery
        entities += [
            SimSensor(demo, "battery_soc", "Battery state of charge",
                      lambda: round(battery.soc_kwh / battery.capacity_kwh * 100, 1),
                      device_class=SensorDeviceClass.BATTERY, unit=PERCENTAGE),
            SimSensor(demo, "battery_power", "Battery power", lambda: round(demo.battery_kw * 1000),
                      device_class=power, unit=watt),
        ]
    for charger in home.chargers:
        entities += [
            SimSensor(demo, f"{charger.name}_power", f"Charger {charger.name} power",
                      lambda c=charger: round(c.power_kw * 1000), device_class=power, unit=watt),
            SimSensor(demo, f"{charger.name}_car_soc", f"Car at {charger.name} state of charge",
                      lambda c=charger: round(c.soc, 1) if c.visit else None,
                      device_class=SensorDeviceClass.BATTERY, unit=PERCENTAGE),
        ]
    for appliance in home.appliances:
        entities.append(SimSensor(demo, f"{appliance.name}_power", f"{appliance.name} power",
                                  lambda a=appliance: round(a.power_at(demo.now()) * 1000), device_class=power,
                                  unit=watt))
    add(entities)
