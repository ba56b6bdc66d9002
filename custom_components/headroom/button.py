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
    """One button for the site: replan now. Devices get none."""
    async_add_entities([ReplanButton(entry.runtime_data, REPLAN)])


class ReplanButton(HeadroomEntity, ButtonEntity):
    """Replans at once, without waiting for the interval or the debounce: for when something the cycle
    does not watch (a SoC, a power) has just changed."""

    async def async_press(self) -> None:
        await self.coordinator.async_refresh()
