"""Replan now."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import HeadroomConfigEntry
from .entity import HeadroomEntity

PARALLEL_UPDATES = 1
REPLAN = ButtonEntityDescription(key="replan", translation_key="replan")


async def async_setup_entry(
    hass: HomeAssistant, entry: HeadroomConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    async_add_entities([ReplanButton(entry.runtime_data, REPLAN)])


class ReplanButton(HeadroomEntity, ButtonEntity):
    async def async_press(self) -> None:
        await self.coordinator.async_refresh()
