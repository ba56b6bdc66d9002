"""Tesla cars through Tesla Fleet and Teslemetry (both Home Assistant core): SoC, charge limit, cable.

Read from home-assistant/core 2025.4.4 (as installed here), homeassistant/components/tesla_fleet and
homeassistant/components/teslemetry, which describe a car's entities alike: entity.py (unique id
"<vin>-<key>", translation key = key), sensor.py (``charge_state_battery_level``: %, device class battery;
``charge_state_usable_battery_level`` is disabled by default), number.py (``charge_state_charge_limit_soc``:
the car's own charge limit, 50-100 %, device class battery), binary_sensor.py (``charge_state_conn_charge_cable``:
on while a cable is in the port, device class connectivity, entity category diagnostic).
"""

from __future__ import annotations

from types import MappingProxyType

from . import VEHICLE, Match, Profile, Source

_FILES = ("sensor.py", "number.py", "binary_sensor.py", "entity.py")


def _tesla(integration: str, title: str) -> Profile:
    return Profile(
        integration=integration,
        kind=VEHICLE,
        title=title,
        source=Source(
            repo="home-assistant/core",
            commit="2025.4.4",
            paths=tuple(f"homeassistant/components/{integration}/{name}" for name in _FILES),
        ),
        roles=MappingProxyType(
            {
                "ev_soc_entity": (Match(domain="sensor", unique_id_suffix="-charge_state_battery_level"),),
                "ev_target_soc_entity": (
                    Match(domain="number", unique_id_suffix="-charge_state_charge_limit_soc"),
                ),
                "plugged_entity": (
                    Match(domain="binary_sensor", unique_id_suffix="-charge_state_conn_charge_cable"),
                ),
            }
        ),
        reads="battery level (%), charge limit (%), charge cable",
        limits="Read only; a sleeping car reports its last values",
    )


PROFILES = (_tesla("tesla_fleet", "Tesla Fleet"), _tesla("teslemetry", "Teslemetry"))
