"""Kia and Hyundai cars (Hyundai-Kia-Connect/kia_uvo, domain ``kia_uvo``): SoC, AC charge limit, plug.

Read from Hyundai-Kia-Connect/kia_uvo: custom_components/kia_uvo/sensor.py at
8bed075221a6b283159e55497e344bb60f5a315f (unique id "kia_uvo_<vehicle id>_<key>"; ``ev_battery_percentage``:
%, device class battery; ``ev_battery_soh_percentage`` is the battery's health, also device class
battery), number.py at 04751a52aff0714e0c63c358687b9e8e3ec6c4cc (``ev_charge_limits_ac`` and
``ev_charge_limits_dc``: the car's charge limits, 50-100 % in steps of 10; a home charger charges AC),
binary_sensor.py at 56b8f293f825bb568e26f9c8256b7dc81dcacd7a (``ev_battery_is_plugged_in``: device class
plug, entity category diagnostic).
"""

from __future__ import annotations

from types import MappingProxyType

from . import VEHICLE, Match, Profile, Source

PROFILES = (
    Profile(
        integration="kia_uvo",
        kind=VEHICLE,
        title="Kia/Hyundai (kia_uvo)",
        source=Source(
            repo="Hyundai-Kia-Connect/kia_uvo",
            commit="8bed075221a6b283159e55497e344bb60f5a315f",
            paths=(
                "custom_components/kia_uvo/sensor.py",
                "custom_components/kia_uvo/number.py",
                "custom_components/kia_uvo/binary_sensor.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "ev_soc_entity": (Match(domain="sensor", unique_id_suffix="_ev_battery_percentage"),),
                "ev_target_soc_entity": (Match(domain="number", unique_id_suffix="_ev_charge_limits_ac"),),
                "plugged_entity": (
                    Match(domain="binary_sensor", unique_id_suffix="_ev_battery_is_plugged_in"),
                ),
            }
        ),
        reads="EV battery level (%), AC charge limit (%), plug",
        limits="Read only; values arrive with the Kia/Hyundai cloud's polling, so the SoC lags while charging",
    ),
)
