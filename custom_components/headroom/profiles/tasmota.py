"""Tasmota smart plugs (Home Assistant core ``tasmota`` with HATasmota): the relay and its energy meter.

Read from home-assistant/core 2025.4.4 (as installed here), homeassistant/components/tasmota (switch.py,
sensor.py: ``Power`` gets device class power; entity.py: the unique id is HATasmota's) and from
emontnemery/hatasmota: hatasmota/entity.py at da4b3d8fceb50708c631aa7e5679c8a88c96cc93 (unique id
"<mac>_<platform>_<endpoint>_<idx>": a relay that is a switch "<mac>_switch_relay_<idx>", idx from 0; a
relay made a light is "<mac>_light_relay_<idx>"), hatasmota/relay.py at
d28c60db6ac08ddb82d7b210ca814b87eef975ef, hatasmota/sensor.py at 0efa72c65945fdd3c8229ded78026d2be5042193
(sensor unique id "<mac>_sensor_sensor_<value path joined by _>", e.g. "<mac>_sensor_sensor_ENERGY_Power";
``ApparentPower`` and ``ReactivePower`` are other quantities).
"""

from __future__ import annotations

from types import MappingProxyType

from . import APPLIANCE, Match, Profile, Source

PROFILES = (
    Profile(
        integration="tasmota",
        kind=APPLIANCE,
        title="Tasmota",
        source=Source(
            repo="emontnemery/hatasmota + home-assistant/core (2025.4.4)",
            commit="da4b3d8fceb50708c631aa7e5679c8a88c96cc93",
            paths=(
                "hatasmota/entity.py",
                "hatasmota/relay.py",
                "hatasmota/sensor.py",
                "homeassistant/components/tasmota/sensor.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "switch_entity": (Match(domain="switch", unique_id_part="_switch_relay_"),),
                "power_entity": (
                    Match(
                        domain="sensor", unique_id_suffix="_sensor_sensor_ENERGY_Power", device_class="power"
                    ),
                ),
            }
        ),
        reads="the energy meter's active power (ENERGY Power, W)",
        drives="the relay switch (on at the planned start; off only where the form allows it)",
        limits="Relays configured as lights are not proposed; one relay per device",
    ),
)
