"""Per device: whether Headroom may drive it. Off means a person is in control (set by hand, or
by Headroom when it notices a change it did not make); on hands control back."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .coordinator import HeadroomConfigEntry
from .entity import HeadroomEntity

PARALLEL_UPDATES = 1
CONTROL = SwitchEntityDescription(
    key="headroom_control", translation_key="headroom_control", entity_category=EntityCategory.CONFIG
)


async def async_setup_entry(
    hass: HomeAssistant, entry: HeadroomConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """A control switch per device, of every kind; the site gets none."""
    coordinator = entry.runtime_data
    for sub in entry.subentries.values():
        async_add_entities([ControlSwitch(coordinator, CONTROL, sub)], config_subentry_id=sub.subentry_id)


class ControlSwitch(HeadroomEntity, SwitchEntity):
    """On: Headroom drives the device. Off: a person does (switched off by hand, or by Headroom when it
    notices a change it did not make); on again hands control back and replans."""

    @property
    def is_on(self) -> bool:
        return not self.coordinator.intents.is_manual(self.device_key, dt_util.now())

    async def async_turn_on(self, **kwargs: Any) -> None:
        await self.coordinator.controller.async_release(self.device_key)

    async def async_turn_off(self, **kwargs: Any) -> None:
        await self.coordinator.controller.async_take_over(self.device_key)
