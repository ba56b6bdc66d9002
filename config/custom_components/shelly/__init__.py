"""The demo home's dishwasher on a Shelly Plus Plug S, registered as Home Assistant's Shelly integration
registers a Gen2 plug, so that Headroom's discovery finds it by its Shelly profile. Development only:
in the demo's configuration folder it stands in for the core integration (Home Assistant lets a custom
integration of the same name do so) and talks to no device; its relay starts headroom_sim's
simulated dishwasher and its meter reads it.

Shape read from home-assistant/core 2025.4.4 (as installed here), homeassistant/components/shelly
(the commit Headroom's Shelly profile cites): coordinator.py (the device: connections and identifiers
by its MAC, manufacturer "Shelly", the model's name and id, hardware "gen2"), entity.py (RPC entities'
unique id "<mac>-<key>", their sensors' "<mac>-<key>-<attribute>"), switch.py (the relay ``switch:0``,
``has_entity_name``), sensor.py (``power``: the switch's ``apower``, "Power", W, device class power,
state class measurement).
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo

DOMAIN = "shelly"
PLATFORMS = [Platform.SENSOR, Platform.SWITCH]
MAC = "80646F81E1A4"


def plug(name: str) -> DeviceInfo:
    """The plug's device, as Shelly's coordinator registers a Gen2 device."""
    return DeviceInfo(
        connections={(CONNECTION_NETWORK_MAC, MAC)},
        identifiers={(DOMAIN, MAC)},
        name=name,
        manufacturer="Shelly",
        model="Shelly Plus Plug S",
        model_id="SNPL-00112EU",
        hw_version="gen2",
    )


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
