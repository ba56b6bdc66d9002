"""Wallbox (Home Assistant core): a charger's entities, as the integration's code names them.

Read from home-assistant/core 2025.4.4 (as installed here) and checked against 2026.2.3,
homeassistant/components/wallbox: entity.py (one device per charger, identified by its serial),
sensor.py (unique id "<key>-<serial>", translation key = key: ``charging_power`` in kW, device class
power; ``status_description`` a plain sensor whose state is a ``ChargerStatus`` value), const.py
(``ChargerStatus``: "Charging", "Paused", "Waiting for car demand", "Ready", "Disconnected", ...),
coordinator.py (``CHARGER_STATUS``: the charger's status ids to those values), number.py
(``maximum_charging_current``, unique id "max_charging_current-<serial>": no unit and no device class,
step 1, from 6 A (a bidirectional Quasar: minus its maximum) to ``max_available_power`` A) and
switch.py (``pause_resume``, unique id "paused-<serial>": on while charging or waiting for the car,
off pauses the session; unavailable while no car is connected). 2026.2.3 adds an ``ecosmart`` select
and green/grid energy sensors, polls every 90 s instead of 30 s and answers the cloud's HTTP 429 with
an error; the entities read and driven here are the same in both.
"""

from __future__ import annotations

from types import MappingProxyType

from . import EV_CHARGER, Match, Profile, Source

PROFILES = (
    Profile(
        integration="wallbox",
        kind=EV_CHARGER,
        title="Wallbox",
        source=Source(
            repo="home-assistant/core",
            commit="2025.4.4",
            paths=(
                "homeassistant/components/wallbox/sensor.py",
                "homeassistant/components/wallbox/number.py",
                "homeassistant/components/wallbox/switch.py",
                "homeassistant/components/wallbox/const.py",
                "homeassistant/components/wallbox/coordinator.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "charger_power_entity": (
                    Match(domain="sensor", translation_key="charging_power", device_class="power"),
                ),
                # No unit and no device class on this number: only its key says it is the current.
                "current_limit_entity": (
                    Match(
                        domain="number",
                        translation_key="maximum_charging_current",
                        unique_id_part="max_charging_current-",
                    ),
                ),
                # On = charging (resumed); its minimum is 6 A, so a stop is a pause.
                "charge_switch_entity": (Match(domain="switch", translation_key="pause_resume"),),
                "plugged_entity": (Match(domain="sensor", translation_key="status_description"),),
            }
        ),
        # ChargerStatus with a car at the charger; not Ready, Disconnected, Locked (no car), Error,
        # Updating or Unknown.
        connected_states=(
            "Charging",
            "Discharging",
            "Paused",
            "Scheduled",
            "Waiting for car demand",
            "Waiting",
            "Locked, car connected",
            "Waiting in queue by Power Sharing",
            "Waiting in queue by Power Boost",
            "Waiting MID failed",
            "Waiting MID safety margin exceeded",
            "Waiting in queue by Eco-Smart",
        ),
        reads="charging power (kW), charger status",
        drives="maximum charging current (A); pause/resume switch to stop",
        limits=(
            "Cloud API (polled every 30 s, 90 s on Home Assistant 2026.2); a Quasar's negative "
            "(discharging) currents are not used"
        ),
    ),
)
