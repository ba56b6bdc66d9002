"""Each charger's charging switch, and the appliances' start switches."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from . import DOMAIN, DemoHome
from .entity import SimEntity


class ChargingSwitch(SimEntity, SwitchEntity):
    platform_domain = "switch"

    def __init__(self, demo: DemoHome, name: str) -> None:
        super().__init__(demo, f"{name}_charging", f"Charger {name} charging")
        self.key = name

    @property
    def is_on(self) -> bool:
        return self.demo.switch_on[self.key]

    async def async_turn_on(self, **kwargs: Any) -> None:
        self.demo.switch_on[self.key] = True
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        self.demo.switch_on[self.key] = False
        self.async_write_ha_state()


class ApplianceSwitch(SimEntity, SwitchEntity):
    """On while the programme runs; turning it on starts the programme."""

    platform_domain = "switch"

    def __init__(self, demo: DemoHome, name: str) -> None:
        super().__init__(demo, name, name.replace("_", " ").capitalize())
        self.appliance = next(a for a in demo.home.appliances if a.name == name)

    @property
    def is_on(self) -> bool:
        return self.appliance.running(self.demo.now())

    async def async_turn_on(self, **kwargs: Any) -> None:
        self.appliance.start(self.demo.now())
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        self.appliance.started = None
        self.async_write_ha_state()


async def async_setup_platform(hass: HomeAssistant, config: Any, add: AddEntitiesCallback,
                               discovery_info: Any = None) -> None:
    demo: DemoHome = hass.data[DOMAIN]
    add([*(ChargingSwitch(demo, c.name) for c in demo.home.chargers),
         *(ApplianceSwitch(demo, a.name) for a in demo.home.appliances)])
