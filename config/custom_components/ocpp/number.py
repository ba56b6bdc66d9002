"""Each charge point's maximum current (A): what the simulated charger lets the car draw."""

from __future__ import annotations

from homeassistant.components.number import NumberEntity
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import UnitOfElectricCurrent
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.util import slugify

from custom_components.headroom.simulator.models import Charger
from custom_components.headroom_sim import DemoHome
from custom_components.headroom_sim.entity import Ticking

from . import ICON, charge_point


class MaximumCurrent(Ticking, NumberEntity):
    _attr_has_entity_name = False
    _attr_icon = ICON
    _attr_name = "Maximum Current"
    _attr_native_min_value = 0
    _attr_native_step = 1
    _attr_native_unit_of_measurement = UnitOfElectricCurrent.AMPERE

    def __init__(self, demo: DemoHome, charger: Charger) -> None:
        self.demo = demo
        self.key = charger.name
        self._attr_unique_id = f"number.ocpp.{charger.name}.maximum_current"
        self.entity_id = f"number.{slugify(f'{charger.name}_maximum_current')}"
        self._attr_native_max_value = charger.max_a
        self._attr_device_info = charge_point(charger.name)

    @property
    def native_value(self) -> float:
        return self.demo.current_a[self.key]

    async def async_set_native_value(self, value: float) -> None:
        self.demo.current_a[self.key] = value
        self.async_write_ha_state()


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry, add: AddEntitiesCallback) -> None:
    demo: DemoHome = hass.data["headroom_sim"]
    add([MaximumCurrent(demo, c) for c in demo.home.chargers])
