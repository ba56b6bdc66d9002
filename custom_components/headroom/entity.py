"""Base entity: one device for the site, one per subentry (charger, battery, appliance)."""

from __future__ import annotations

from homeassistant.config_entries import ConfigSubentry
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import HeadroomCoordinator

MODELS = {
    "ev_charger": "EV charger plan",
    "battery": "Battery plan",
    "appliance": "Appliance plan",
    "thermal_storage": "Water heater plan",
}


class HeadroomEntity(CoordinatorEntity[HeadroomCoordinator]):
    """Base of every Headroom entity: on the site's device without a subentry, else on the device's own
    (via the site); unique ids from the entry or subentry and the description key."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: HeadroomCoordinator,
        description: EntityDescription,
        subentry: ConfigSubentry | None = None,
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self.subentry = subentry
        entry = coordinator.config_entry
        if subentry is None:
            self._attr_unique_id = f"{entry.entry_id}_{description.key}"
            self._attr_device_info = DeviceInfo(
                identifiers={(DOMAIN, entry.entry_id)},
                name=entry.title,
                manufacturer="Headroom",
                model="Site plan",
                entry_type=DeviceEntryType.SERVICE,
            )
        else:
            self._attr_unique_id = f"{subentry.subentry_id}_{description.key}"
            self._attr_device_info = DeviceInfo(
                identifiers={(DOMAIN, subentry.subentry_id)},
                name=subentry.title,
                manufacturer="Headroom",
                model=MODELS.get(subentry.subentry_type, subentry.subentry_type),
                via_device=(DOMAIN, entry.entry_id),
            )

    @property
    def device_key(self) -> str:
        """The planner's device id for this entity's subentry."""
        assert self.subentry is not None
        return self.subentry.subentry_id


def subentries_of(coordinator: HeadroomCoordinator, kind: str) -> list[ConfigSubentry]:
    """The entry's devices of one kind (subentry type)."""
    return [s for s in coordinator.config_entry.subentries.values() if s.subentry_type == kind]
