"""Tesla Wall Connector (Home Assistant core): read only, its integration has nothing to drive it.

Read from home-assistant/core 2025.4.4 (as installed here) and 2026.2.3, homeassistant/components/
tesla_wall_connector: entity.py (unique id "<serial>-<key>", one device "Tesla Wall Connector"),
binary_sensor.py (``vehicle_connected``: device class plug, diagnostic, on while a car is connected;
``contactor_closed``), sensor.py (``status``: an enum of ``EVSE_STATE``: not_connected, connected,
ready, negotiating, charging_finished, waiting_car, charging_reduced, charging, booting, error;
per-phase currents and voltages, session and lifetime energy). 2026.2.3 adds ``total_power_w``
(W, shown in kW, device class power); 2025.4.4 has no power sensor at all. No number, switch or
action: the integration only reads the Wall Connector's local vitals API.
"""

from __future__ import annotations

from types import MappingProxyType

from . import EV_CHARGER, Match, Profile, Source

PROFILES = (
    Profile(
        integration="tesla_wall_connector",
        kind=EV_CHARGER,
        title="Tesla Wall Connector",
        source=Source(
            repo="home-assistant/core",
            commit="2025.4.4",
            paths=(
                "homeassistant/components/tesla_wall_connector/binary_sensor.py",
                "homeassistant/components/tesla_wall_connector/sensor.py",
                "homeassistant/components/tesla_wall_connector/entity.py",
            ),
        ),
        roles=MappingProxyType(
            {
                # Home Assistant 2026.2.3's; before it, the form asks for a power sensor.
                "charger_power_entity": (
                    Match(domain="sensor", translation_key="total_power_w", device_class="power"),
                ),
                "plugged_entity": (
                    Match(domain="binary_sensor", translation_key="vehicle_connected", device_class="plug"),
                ),
            }
        ),
        # Proposed by its plug alone: Home Assistant 2025.4 gives it no power sensor.
        required=("plugged_entity",),
        reads="vehicle connected (plug), total power (W) where Home Assistant has it (2026.2.3 does, 2025.4.4 does not)",
        limits=(
            "Read only: planned and advised, never driven (use the car's own integration to start and "
            "stop); without its power sensor (Home Assistant 2025.4.4) the form asks for one "
            "(for example a template of its phase currents and voltages)"
        ),
    ),
)
