"""The battery's operating mode, in the inverter's words (which are the plan's words here)."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from . import DOMAIN, DemoHome
from .entity import BATTERY_DEVICE, SimEntity

MODES = ["self_consumption", "forced_charge", "forced_discharge", "idle", "non_export"]


class BatteryMode(SimEntity, SelectEntity):
    platform_domain = "select"
    _attr_options = MODES

    @property
    def current_option(self) -> str:
        assert self.demo.home.battery is not None
        return self.demo.home.battery.mode

    async def async_select_option(self, option: str) -> None:
        assert self.demo.home.battery is not None
        self.demo.home.battery.mode = option
        self.async_write_ha_state()


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry, add: AddEntitiesCallback) -> None:
    demo: DemoHome = hass.data[DOMAIN]
    if demo.home.battery is not None:
        add([BatteryMode(demo, "battery_mode", "Battery mode", BATTERY_DEVICE)])
