"""The demo home's two charge points, registered as the OCPP integration (lbbrhzn/ocpp, a HACS custom
integration) registers a charge point, so that Headroom's discovery finds them by its OCPP profile.
Development only: it stands for the real integration in the demo's configuration folder, never
beside it, and speaks no OCPP; its entities read and drive headroom_sim's simulated chargers.

Shape read from lbbrhzn/ocpp at a37fed39d852d393312d107cf915fea546df5088 (the commit Headroom's OCPP
profile cites): custom_components/ocpp/sensor.py and const.py (``sensor_unique_id``:
"ocpp.<cpid>.<metric, lower case, dots as _>.sensor" on a one-connector charger; the entity id
"sensor.<cpid>_<key>"; name the metric with dots as spaces; no ``has_entity_name``; the device
identified by ``(ocpp, cpid)`` and named ``cpid``; power's device class for ``Power.Active.*``, in kW
as chargepoint.py turns the charger's W into; ``SoC`` of class battery in %; ``Status.Connector`` a
diagnostic sensor in OCPP 1.6's ChargePointStatus words, enums.py), number.py (``maximum_current``:
unique id "number.ocpp.<cpid>.maximum_current", entity id "number.<cpid>_maximum_current", "Maximum
Current", 0 A up to the charger's configured maximum, step 1, in A, no device class).
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceInfo

DOMAIN = "ocpp"
PLATFORMS = [Platform.SENSOR, Platform.NUMBER]
ICON = "mdi:ev-station"


def charge_point(cpid: str) -> DeviceInfo:
    """A one-connector charge point's device, as OCPP's entities name it."""
    return DeviceInfo(identifiers={(DOMAIN, cpid)}, name=cpid)


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
