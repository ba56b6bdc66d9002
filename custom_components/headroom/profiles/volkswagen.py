"""Volkswagen cars: We Connect ID (mitch-dc/volkswagen_we_connect_id) and Volkswagen Connect
(robinostlund/homeassistant-volkswagencarnet, domain ``volkswagencarnet``): SoC, target SoC, plug.

Read from mitch-dc/volkswagen_we_connect_id at 30e79f77b8040157c870a66dec437d672bec93f0:
custom_components/volkswagen_we_connect_id/__init__.py (one device per car, identifiers
(volkswagen_we_connect_id, "vw<vin>"); ``get_object_value`` unwraps an enum to its value), sensor.py
(unique id "<vin>-<key>": ``currentSOC_pct`` and ``targetSOC_pct`` % battery sensors,
``plugConnectionState`` the plug's state as text), number.py (``target_state_of_charge``: the car's
target SoC, 10-100 % in steps of 10, entity category config, unique id "<vin>-target_state_of_charge");
with tillsteinbach/WeConnect-python at 04d10cb90b9d073fb35c0fd8ea04c5edce5f3778,
weconnect/elements/plug_status.py (``PlugConnectionState``: connected, disconnected, unknown ...).

``volkswagencarnet`` read from robinostlund/homeassistant-volkswagencarnet at
a2d220ea2857da0ba7664295e6a930699dce0445: custom_components/volkswagencarnet/__init__.py
(``VolkswagenEntity``: unique id "<vin>-<component>-<attribute>", one device per car, identifiers
(volkswagencarnet, <vin>)), number.py (an instrument's entity type "config" makes it a settings number);
with its library robinostlund/volkswagencarnet at 9950635445a9122d92f0f649bcb9e964fa91e350,
volkswagencarnet/vw_dashboard.py (sensor ``battery_level`` % battery; number ``battery_target_charge_level``
50-100 % in steps of 10, entity type config, and a sensor of the same attribute; binary sensor
``charging_cable_connected``, device class plug).
"""

from __future__ import annotations

from types import MappingProxyType

from . import VEHICLE, Match, Profile, Source

PROFILES = (
    Profile(
        integration="volkswagen_we_connect_id",
        kind=VEHICLE,
        title="Volkswagen We Connect ID",
        source=Source(
            repo="mitch-dc/volkswagen_we_connect_id",
            commit="30e79f77b8040157c870a66dec437d672bec93f0",
            paths=(
                "custom_components/volkswagen_we_connect_id/__init__.py",
                "custom_components/volkswagen_we_connect_id/sensor.py",
                "custom_components/volkswagen_we_connect_id/number.py",
                "weconnect/elements/plug_status.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "ev_soc_entity": (Match(domain="sensor", unique_id_suffix="-currentSOC_pct"),),
                # The writable target (a settings number; Headroom only reads it), else its sensor.
                "ev_target_soc_entity": (
                    Match(domain="number", unique_id_suffix="-target_state_of_charge", config_ok=True),
                    Match(domain="sensor", unique_id_suffix="-targetSOC_pct"),
                ),
                # The plug's connection, never its lock state.
                "plugged_entity": (Match(domain="sensor", unique_id_suffix="-plugConnectionState"),),
            }
        ),
        connected_states=("connected",),
        reads="state of charge (%), target state of charge (%), plug connection",
        limits="Read only; the cloud reports the car's last values while it sleeps",
    ),
    Profile(
        integration="volkswagencarnet",
        kind=VEHICLE,
        title="Volkswagen Connect",
        source=Source(
            repo="robinostlund/homeassistant-volkswagencarnet + robinostlund/volkswagencarnet",
            commit="a2d220ea2857da0ba7664295e6a930699dce0445",
            paths=(
                "custom_components/volkswagencarnet/__init__.py",
                "custom_components/volkswagencarnet/number.py",
                "volkswagencarnet/vw_dashboard.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "ev_soc_entity": (Match(domain="sensor", unique_id_suffix="-sensor-battery_level"),),
                "ev_target_soc_entity": (
                    Match(
                        domain="number",
                        unique_id_suffix="-number-battery_target_charge_level",
                        config_ok=True,
                    ),
                    Match(domain="sensor", unique_id_suffix="-sensor-battery_target_charge_level"),
                ),
                "plugged_entity": (
                    Match(domain="binary_sensor", unique_id_suffix="-binary_sensor-charging_cable_connected"),
                ),
            }
        ),
        reads="battery level (%), target charge level (%), charging cable connected",
        limits="Read only; the cloud reports the car's last values while it sleeps",
    ),
)
