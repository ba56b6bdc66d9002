"""Each charge point's active import power (kW), connector status and the car's SoC (%)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.util import slugify

from custom_components.headroom.simulator.models import Charger
from custom_components.headroom_sim import DemoHome
from custom_components.headroom_sim.entity import Ticking

from . import ICON, charge_point


def connector_status(charger: Charger) -> str:
    """OCPP 1.6 ChargePointStatus: no car is Available; a car drawing is Charging; a car the charger
    gives no current is SuspendedEVSE; a car that takes none (at its own limit) is SuspendedEV."""
    if charger.visit is None:
        return "Available"
    if charger.power_kw > 0:
        return "Charging"
    return "SuspendedEV" if charger.soc >= charger.visit.target_soc else "SuspendedEVSE"


class ChargePointMetric(Ticking, SensorEntity):
    _attr_has_entity_name = False
    _attr_icon = ICON

    def __init__(
        self,
        demo: DemoHome,
        charger: Charger,
        metric: str,
        value: Callable[[], Any],
        *,
        device_class: SensorDeviceClass | None = None,
        unit: str | None = None,
        category: EntityCategory | None = None,
    ) -> None:
        self.demo = demo
        key = metric.lower().replace(".", "_")
        self._attr_unique_id = f"ocpp.{charger.name}.{key}.sensor"
        self.entity_id = f"sensor.{slugify(f'{charger.name}_{key}')}"
        self._attr_name = metric.replace(".", " ")
        self._attr_device_info = charge_point(charger.name)
        self._attr_device_class = device_class
        self._attr_native_unit_of_measurement = unit
        self._attr_entity_category = category
        if device_class in (SensorDeviceClass.POWER, SensorDeviceClass.BATTERY):
            self._attr_state_class = SensorStateClass.MEASUREMENT
        self._value = value

    @property
    def native_value(self) -> Any:
        return self._value()


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry, add: AddEntitiesCallback) -> None:
    demo: DemoHome = hass.data["headroom_sim"]
    entities: list[ChargePointMetric] = []
    for charger in demo.home.chargers:
        entities += [
            ChargePointMetric(
                demo,
                charger,
                "Power.Active.Import",
                lambda c=charger: round(c.power_kw, 3),
                device_class=SensorDeviceClass.POWER,
                unit=UnitOfPower.KILO_WATT,
            ),
            ChargePointMetric(
                demo,
                charger,
                "Status.Connector",
                lambda c=charger: connector_status(c),
                category=EntityCategory.DIAGNOSTIC,
            ),
            ChargePointMetric(
                demo,
                charger,
                "SoC",
                lambda c=charger: round(c.soc, 1) if c.visit else None,
                device_class=SensorDeviceClass.BATTERY,
                unit=PERCENTAGE,
            ),
        ]
    add(entities)
