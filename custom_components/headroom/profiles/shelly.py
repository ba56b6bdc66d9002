"""Shelly smart plugs and relays (Home Assistant core ``shelly``): the relay and its power meter.

Read from home-assistant/core 2025.4.4 (as installed here), homeassistant/components/shelly: entity.py
(Gen2+ RPC entities: unique id "<mac>-<key>", e.g. "<mac>-switch:0"; their sensors "<mac>-<key>-<attribute>",
the switch's active power "<mac>-switch:0-power"; Gen1 block entities: "<mac>-<block>", e.g.
"<mac>-relay_0", and "<mac>-relay_0-power"), switch.py (the relay switch, unique id "<mac>-switch:<n>" or
"<mac>-relay_<n>"), sensor.py (``power``: the switch's ``apower`` in W, device class power; Gen1
``relay|power`` in W).
"""

from __future__ import annotations

from types import MappingProxyType

from . import APPLIANCE, Match, Profile, Source

PROFILES = (
    Profile(
        integration="shelly",
        kind=APPLIANCE,
        title="Shelly",
        source=Source(
            repo="home-assistant/core",
            commit="2025.4.4",
            paths=(
                "homeassistant/components/shelly/entity.py",
                "homeassistant/components/shelly/switch.py",
                "homeassistant/components/shelly/sensor.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "switch_entity": (
                    Match(domain="switch", unique_id_part="-switch:"),
                    Match(domain="switch", unique_id_part="-relay_"),
                ),
                "power_entity": (
                    Match(
                        domain="sensor",
                        unique_id_part="-switch:",
                        unique_id_suffix="-power",
                        device_class="power",
                    ),
                    Match(
                        domain="sensor",
                        unique_id_part="-relay_",
                        unique_id_suffix="-power",
                        device_class="power",
                    ),
                ),
            }
        ),
        reads="the relay's active power (W)",
        drives="the relay switch (on at the planned start; off only where the form allows it)",
        limits="One channel per device: on a multi-channel Shelly the first relay and its meter are proposed",
    ),
)
