"""Each charger's target SoC."""

from __future__ import annotations

from homeassistant.components.number import NumberEntity, NumberEntityDescription, NumberMode
from homeassistant.const import PERCENTAGE
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import SUBENTRY_EV_CHARGER
from .coordinator import HeadroomConfigEntry
from .entity import HeadroomEntity, subentries_of

PARALLEL_UPDATES = 1
TARGET_SOC = NumberEntityDescription(
    key="target_soc",
    translation_key="target_soc",
    native_min_value=10,
    native_max_value=100,
    native_step=5,
    native_unit_of_measurement=PERCENTAGE,
    mode=NumberMode.SLIDER,
)


async def async_setup_entry(
    hass: HomeAssistant, entry: HeadroomConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """A target SoC (10-100 %) per EV charger; the site gets none."""
    coordinator = entry.runtime_data
    for sub in subentries_of(coordinator, SUBENTRY_EV_CHARGER):
        async_add_entities(
            [TargetSocNumber(coordinator, TARGET_SOC, sub)], config_subentry_id=sub.subentry_id
        )


class TargetSocNumber(HeadroomEntity, NumberEntity):
    """The charge the car should have at departure (%); setting it drops any energy goal (kWh), is saved
    and replans."""

    @property
    def native_value(self) -> float:
        return self.coordinator.goal(self.device_key).target_soc

    async def async_set_native_value(self, value: float) -> None:
        goal = self.coordinator.goal(self.device_key)
        goal.target_soc = value
        goal.energy_kwh = None
        await self.coordinator.async_goal_changed()
