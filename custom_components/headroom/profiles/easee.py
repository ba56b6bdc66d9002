"""Easee (nordicopen/easee_hass): a charger's entities and its dynamic current action.

Read from nordicopen/easee_hass at 0a95d0dcc1fb90d182ee625e7bcc5f795460c95a: custom_components/easee/
entity.py (unique id "<product id>_<name>", translation keys), const.py (``status`` from
state.chargerOpMode with translation key ``easee_status`` and the states of ``EASEE_STATUS``; ``power``
from state.totalPower in kW; ``cable_locked`` is the cable lock, not a plug), services.py
(``set_charger_dynamic_limit``: exactly one of ``device_id`` or ``charger_id``, ``current`` an int from 0 to
40 A, ``time_to_live`` optional).
"""

from __future__ import annotations

from types import MappingProxyType

from . import AMPS, DEVICE_ID, EV_CHARGER, Action, Match, Profile, Source

PROFILES = (
    Profile(
        integration="easee",
        kind=EV_CHARGER,
        title="Easee",
        source=Source(
            repo="nordicopen/easee_hass",
            commit="0a95d0dcc1fb90d182ee625e7bcc5f795460c95a",
            paths=(
                "custom_components/easee/entity.py",
                "custom_components/easee/const.py",
                "custom_components/easee/services.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "charger_power_entity": (
                    Match(domain="sensor", translation_key="power", unique_id_suffix="_power"),
                ),
                "plugged_entity": (Match(domain="sensor", translation_key="easee_status"),),
            }
        ),
        # EASEE_STATUS with a car at the charger, charging or waiting (not disconnected, error, offline).
        connected_states=(
            "awaiting_start",
            "charging",
            "completed",
            "ready_to_charge",
            "awaiting_authorization",
            "de_authorizing",
            "start_charging",
            "stop_charging",
            "awaiting_load_balancing",
            "awaiting_smart_start",
            "awaiting_scheduled_start",
            "authenticating",
            "paused_due_to_equalizer",
        ),
        action=Action(
            domain="easee",
            service="set_charger_dynamic_limit",
            data={"device_id": DEVICE_ID, "current": AMPS},
        ),
        reads="power (kW), charger status",
        drives="dynamic charger current (A) through set_charger_dynamic_limit, addressed by its device",
        limits="The dynamic limit goes through Easee's cloud; the car's SoC is not reported by the charger",
    ),
)
