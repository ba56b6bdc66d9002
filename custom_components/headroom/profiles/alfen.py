"""Alfen (leeyuentuen/alfen_wallbox): a wallbox's first socket, as the integration's code names it.

Read from leeyuentuen/alfen_wallbox at bc9698695f563a29b0d930b59a31132b48d03db5: custom_components/
alfen_wallbox/entity.py (one device, identifiers (alfen_wallbox, <name>); no unique id of its own, so a
sensor's is "None-<key>"), sensor.py (``active_power_total_socket_1``, 2221_16, in W; ``status_socket_1``,
2501_2, one of the strings of ``STATUS_DICT``), number.py (``main_normal_max_current_socket_1``, 2129_0,
"Power Connector Max Current Socket 1", 0 to 16 A (40 with the high-power licence), unique id
"<device id>_<key>"; ``set_current_limit`` writes the same 2129_0 from 1 A), alfen.py.
"""

from __future__ import annotations

from types import MappingProxyType

from . import EV_CHARGER, Match, Profile, Source

PROFILES = (
    Profile(
        integration="alfen_wallbox",
        kind=EV_CHARGER,
        title="Alfen",
        source=Source(
            repo="leeyuentuen/alfen_wallbox",
            commit="bc9698695f563a29b0d930b59a31132b48d03db5",
            paths=(
                "custom_components/alfen_wallbox/entity.py",
                "custom_components/alfen_wallbox/sensor.py",
                "custom_components/alfen_wallbox/number.py",
                "custom_components/alfen_wallbox/alfen.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "charger_power_entity": (
                    Match(
                        domain="sensor", unique_id_suffix="-active_power_total_socket_1", device_class="power"
                    ),
                ),
                # 0 A stops it; the load-balancing safe current and the station's maximum are settings.
                "current_limit_entity": (
                    Match(domain="number", unique_id_suffix="_main_normal_max_current_socket_1"),
                ),
                "plugged_entity": (Match(domain="sensor", unique_id_suffix="-status_socket_1"),),
            }
        ),
        # STATUS_DICT with a vehicle at the socket, charging, paused or finished (not Available, Cable
        # connected without a car, errors, or the ambiguous "Not Charging").
        connected_states=(
            "EV Connected",
            "Preparing Charging",
            "Wait Vehicle Charging",
            "Charging Normal",
            "Charging Simplified",
            "Suspended Over-Current",
            "Suspended HF Switching",
            "Finish Wait Vehicle",
            "Finish Wait Disconnect",
            "Load Balancing Limited",
            "Load Balancing Forced Off",
            "Solar Charging Wait",
            "Charging Non Charging",
            "Solar Charging",
            "Charge Point Ready, Waiting For Power",
            "Partial Solar Charging",
        ),
        reads="socket 1's active power (W) and status",
        drives="socket 1's max current (A)",
        limits="Socket 1 only; the max current is the wallbox's own setting (2129_0), written as often as "
        "the plan changes",
    ),
)
