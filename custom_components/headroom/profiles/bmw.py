"""BMW and Mini cars (Home Assistant core ``bmw_connected_drive``): SoC, charging target, plug.

Read from home-assistant/core 2025.4.4 (as installed here), homeassistant/components/bmw_connected_drive:
sensor.py (unique id "<vin>-<key>"; ``fuel_and_battery.remaining_battery_percent``: %, device class
battery; ``fuel_and_battery.charging_target``: %, read only), number.py (``target_soc``: the car's
charging target, 20-100 % in steps of 5, device class battery, only where the car accepts it remotely),
binary_sensor.py (``connection_status``: device class plug).
"""

from __future__ import annotations

from types import MappingProxyType

from . import VEHICLE, Match, Profile, Source

PROFILES = (
    Profile(
        integration="bmw_connected_drive",
        kind=VEHICLE,
        title="BMW Connected Drive",
        source=Source(
            repo="home-assistant/core",
            commit="2025.4.4",
            paths=(
                "homeassistant/components/bmw_connected_drive/sensor.py",
                "homeassistant/components/bmw_connected_drive/number.py",
                "homeassistant/components/bmw_connected_drive/binary_sensor.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "ev_soc_entity": (
                    Match(domain="sensor", unique_id_suffix="-fuel_and_battery.remaining_battery_percent"),
                ),
                # The number where the car takes a target remotely; else the sensor that reports it.
                "ev_target_soc_entity": (
                    Match(domain="number", unique_id_suffix="-target_soc"),
                    Match(domain="sensor", unique_id_suffix="-fuel_and_battery.charging_target"),
                ),
                "plugged_entity": (Match(domain="binary_sensor", unique_id_suffix="-connection_status"),),
            }
        ),
        reads="remaining battery (%), charging target (%), connection status (plug)",
        limits="Read only; values arrive with the BMW cloud's polling (every 5 minutes, 10 in North America)",
    ),
)
