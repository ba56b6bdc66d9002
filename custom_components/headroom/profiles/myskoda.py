"""Škoda cars (skodaconnect/homeassistant-myskoda, domain ``myskoda``): SoC, charge limit, charger plug.

Read from skodaconnect/homeassistant-myskoda: custom_components/myskoda/entity.py at
a1587abed3e00b924ca4b17305761249873c3043 (unique id "<vin>_<key>"), sensor.py (``battery_percentage``:
%, device class battery, translation key ``battery_percentage``; the same in every stored version),
number.py at 5ba37e76c95357c0f9625e57eb00332af643c25b (``charge_limit``: the car's target state of charge,
50-100 % in steps of 10, device class battery, entity category config; absent in read-only mode),
binary_sensor.py at 622cfe2dbc9086e6aeb78b58840f9b9da632c26f (``charger_connected``: device class plug;
``charger_lock`` is the cable lock, not a plug).
"""

from __future__ import annotations

from types import MappingProxyType

from . import VEHICLE, Match, Profile, Source

PROFILES = (
    Profile(
        integration="myskoda",
        kind=VEHICLE,
        title="MySkoda",
        source=Source(
            repo="skodaconnect/homeassistant-myskoda",
            commit="5ba37e76c95357c0f9625e57eb00332af643c25b",
            paths=(
                "custom_components/myskoda/entity.py",
                "custom_components/myskoda/sensor.py",
                "custom_components/myskoda/number.py",
                "custom_components/myskoda/binary_sensor.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "ev_soc_entity": (Match(domain="sensor", unique_id_suffix="_battery_percentage"),),
                # A settings number in MySkoda; Headroom only reads it (never writes the car's limit).
                "ev_target_soc_entity": (
                    Match(domain="number", unique_id_suffix="_charge_limit", config_ok=True),
                ),
                "plugged_entity": (Match(domain="binary_sensor", unique_id_suffix="_charger_connected"),),
            }
        ),
        reads="battery (%), charge limit (%), charger connected",
        limits="Read only; the charge limit is missing in the integration's read-only mode",
    ),
)
