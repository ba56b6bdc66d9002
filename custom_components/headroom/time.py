"""Each charger's departure time (the next occurrence of this time of day)."""

from __future__ import annotations

from datetime import time

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import SUBENTRY_EV_CHARGER
from .coordinator import HeadroomConfigEntry
from .entity import HeadroomEntity, subentries_of

PARALLEL_UPDATES = 1
DEPARTURE = TimeEntityDescription(key="departure", translation_key="departure")


async def async_setup_entry(
    hass: HomeAssistant, entry: HeadroomConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    coordinator = entry.runtime_data
    for sub in subentries_of(coordinator, SUBENTRY_EV_CHARGER):
        async_add_entities([DepartureTime(coordinator, DEPARTURE, sub)], config_subentry_id=sub.subentry_id)


class DepartureTime(HeadroomEntity, TimeEntity):
    @property
    def native_value(self) -> time:
        return self.coordinator.goal(self.device_key).departure

    async def async_set_value(self, value: time) -> None:
        self.coordinator.goal(self.device_key).departure = value
        await self.coordinator.async_goal_changed()
