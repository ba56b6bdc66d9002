"""Times of day a person sets: each charger's departure, each appliance's latest finish."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_LATEST_FINISH, SUBENTRY_APPLIANCE, SUBENTRY_EV_CHARGER
from .coordinator import HeadroomConfigEntry, HeadroomCoordinator
from .entity import HeadroomEntity, subentries_of

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class HeadroomTimeDescription(TimeEntityDescription):
    """A time of day kept in the intents: ``value_fn`` reads it (the subentry's settings give its
    default), ``set_fn`` writes it."""

    value_fn: Callable[[HeadroomCoordinator, str, dict[str, str]], time]
    set_fn: Callable[[HeadroomCoordinator, str, time], None]


def _set_departure(coordinator: HeadroomCoordinator, device_id: str, value: time) -> None:
    goal = coordinator.goal(device_id)
    goal.departure = value
    goal.departure_at = None  # the daily time now rules again


def _set_latest_finish(coordinator: HeadroomCoordinator, device_id: str, value: time) -> None:
    coordinator.intents.latest_finish[device_id] = value


DEPARTURE = HeadroomTimeDescription(
    key="departure",
    translation_key="departure",
    value_fn=lambda c, d, _: c.goal(d).departure,
    set_fn=_set_departure,
)
LATEST_FINISH = HeadroomTimeDescription(
    key="latest_finish",
    translation_key="latest_finish",
    value_fn=lambda c, d, data: (
        c.intents.latest_finish.get(d) or time.fromisoformat(data.get(CONF_LATEST_FINISH, "23:59:00"))
    ),
    set_fn=_set_latest_finish,
)


async def async_setup_entry(
    hass: HomeAssistant, entry: HeadroomConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """A departure time per EV charger and a latest finish per appliance; the site gets none."""
    coordinator = entry.runtime_data
    for kind, description in ((SUBENTRY_EV_CHARGER, DEPARTURE), (SUBENTRY_APPLIANCE, LATEST_FINISH)):
        for sub in subentries_of(coordinator, kind):
            async_add_entities(
                [HeadroomTime(coordinator, description, sub)], config_subentry_id=sub.subentry_id
            )


class HeadroomTime(HeadroomEntity, TimeEntity):
    """A time of day a person sets; a change is saved and replans."""

    entity_description: HeadroomTimeDescription

    @property
    def native_value(self) -> time:
        assert self.subentry is not None
        return self.entity_description.value_fn(self.coordinator, self.device_key, dict(self.subentry.data))

    async def async_set_value(self, value: time) -> None:
        self.entity_description.set_fn(self.coordinator, self.device_key, value)
        await self.coordinator.async_goal_changed()
