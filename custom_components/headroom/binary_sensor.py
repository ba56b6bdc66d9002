"""Goal reachable (EV charger) and should run now (appliance)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .const import SUBENTRY_APPLIANCE, SUBENTRY_EV_CHARGER
from .coordinator import HeadroomConfigEntry
from .data import HeadroomData
from .entity import HeadroomEntity, subentries_of

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class HeadroomBinaryDescription(BinarySensorEntityDescription):
    """A yes/no read off the plan: ``value_fn(data, device_id)`` gives on, off or None (unknown)."""

    value_fn: Callable[[HeadroomData, str], bool | None]


def _reachable(data: HeadroomData, device_id: str) -> bool | None:
    device = data.plan.devices.get(device_id)
    if device is None or device.shortfall_kwh is None:
        return None  # not plugged in: nothing to reach
    return device.shortfall_kwh <= 0.01


def _run_now(data: HeadroomData, device_id: str) -> bool | None:
    device = data.plan.devices.get(device_id)
    if device is None:
        return False
    return bool(device.power_kw[data.step_of(dt_util.now())] > 0)


GOAL_REACHABLE = HeadroomBinaryDescription(
    key="goal_reachable", translation_key="goal_reachable", value_fn=_reachable
)
SHOULD_RUN = HeadroomBinaryDescription(
    key="should_run_now", translation_key="should_run_now", value_fn=_run_now
)


async def async_setup_entry(
    hass: HomeAssistant, entry: HeadroomConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Per EV charger, whether its goal is reachable; per appliance, whether the plan runs it in the
    current step. The site gets none."""
    coordinator = entry.runtime_data
    for kind, description in ((SUBENTRY_EV_CHARGER, GOAL_REACHABLE), (SUBENTRY_APPLIANCE, SHOULD_RUN)):
        for sub in subentries_of(coordinator, kind):
            async_add_entities(
                [HeadroomBinarySensor(coordinator, description, sub)], config_subentry_id=sub.subentry_id
            )


class HeadroomBinarySensor(HeadroomEntity, BinarySensorEntity):
    """One device's yes/no from the latest plan: a goal counts as reachable when at most 0.01 kWh would be
    missing; unknown while no car is plugged in."""

    entity_description: HeadroomBinaryDescription

    @property
    def is_on(self) -> bool | None:
        return self.entity_description.value_fn(self.coordinator.data, self.device_key)
