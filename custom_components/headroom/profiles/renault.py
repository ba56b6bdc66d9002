"""Renault cars (Home Assistant core ``renault``): battery level and plug.

Read from home-assistant/core 2025.4.4 (as installed here), homeassistant/components/renault: entity.py
(unique id "<vin>_<key>", lower case), sensor.py (``battery_level``: %, device class battery),
binary_sensor.py (``plugged_in``: device class plug, on for the plug states PLUGGED and
PLUGGED_WAITING_FOR_CHARGE). The integration has no entity for the car's own charge limit.
"""

from __future__ import annotations

from types import MappingProxyType

from . import VEHICLE, Match, Profile, Source

PROFILES = (
    Profile(
        integration="renault",
        kind=VEHICLE,
        title="Renault",
        source=Source(
            repo="home-assistant/core",
            commit="2025.4.4",
            paths=(
                "homeassistant/components/renault/entity.py",
                "homeassistant/components/renault/sensor.py",
                "homeassistant/components/renault/binary_sensor.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "ev_soc_entity": (
                    Match(domain="sensor", unique_id_suffix="_battery_level", device_class="battery"),
                ),
                "plugged_entity": (Match(domain="binary_sensor", unique_id_suffix="_plugged_in"),),
            }
        ),
        reads="battery level (%), plugged in",
        limits="No charge limit entity in the integration: Headroom's own target applies",
    ),
)
