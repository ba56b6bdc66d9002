"""Site control mode, and each charger's charge mode."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import SUBENTRY_EV_CHARGER, ChargeMode, ControlMode
from .coordinator import HeadroomConfigEntry
from .entity import HeadroomEntity, subentries_of

PARALLEL_UPDATES = 1

CONTROL_MODE = SelectEntityDescription(
    key="control_mode",
    translation_key="control_mode",
    options=[m.value for m in ControlMode],
    entity_category=EntityCategory.CONFIG,
)
CHARGE_MODE = SelectEntityDescription(
    key="charge_mode",
    translation_key="charge_mode",
    options=[m.value for m in ChargeMode],
)


async def async_setup_entry(
    hass: HomeAssistant, entry: HeadroomConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """The site's control mode (off, advisory, active), and a charge mode per EV charger."""
    coordinator = entry.runtime_data
    async_add_entities([ControlModeSelect(coordinator, CONTROL_MODE)])
    for sub in subentries_of(coordinator, SUBENTRY_EV_CHARGER):
        async_add_entities(
            [ChargeModeSelect(coordinator, CHARGE_MODE, sub)], config_subentry_id=sub.subentry_id
        )


class ControlModeSelect(HeadroomEntity, SelectEntity):
    """off: nothing; advisory: plan and publish only; active: also drive devices."""

    @property
    def current_option(self) -> str:
        return self.coordinator.control_mode.value

    async def async_select_option(self, option: str) -> None:
        await self.coordinator.async_set_control_mode(ControlMode(option))


class ChargeModeSelect(HeadroomEntity, SelectEntity):
    """How this charger's car is charged (smart, fastest, solar only, off); a change is saved and replans."""

    @property
    def current_option(self) -> str:
        return self.coordinator.goal(self.device_key).mode.value

    async def async_select_option(self, option: str) -> None:
        self.coordinator.goal(self.device_key).mode = ChargeMode(option)
        await self.coordinator.async_goal_changed()
