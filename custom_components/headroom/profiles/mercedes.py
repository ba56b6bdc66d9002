"""Mercedes-Benz cars (ReneNulschDE/mbapi2020, domain ``mbapi2020``): state of charge and max SoC.

Read from ReneNulschDE/mbapi2020: custom_components/mbapi2020/const.py at
1c061c7e99287c1b5875a7a0fcbba6bdad1d7848 (SENSORS ``soc``: "State of Charge", device class battery;
``max_soc``: "Max State of Charge", the car's charge limit, no device class; SERVICE
``battery_max_soc_configure`` takes 50-100 in steps of 10) and the entity base class in
custom_components/mbapi2020/__init__.py / sensor.py (unique id slugify("<vin>_<internal name>"), translation
key the internal name in lower case). The integration has no plug entity Headroom can rely on.
"""

from __future__ import annotations

from types import MappingProxyType

from . import VEHICLE, Match, Profile, Source

PROFILES = (
    Profile(
        integration="mbapi2020",
        kind=VEHICLE,
        title="Mercedes-Benz (mbapi2020)",
        source=Source(
            repo="ReneNulschDE/mbapi2020",
            commit="1c061c7e99287c1b5875a7a0fcbba6bdad1d7848",
            paths=(
                "custom_components/mbapi2020/const.py",
                "custom_components/mbapi2020/__init__.py",
                "custom_components/mbapi2020/sensor.py",
            ),
        ),
        roles=MappingProxyType(
            {
                # "_soc" is also the end of "_max_soc": the battery class tells them apart.
                "ev_soc_entity": (
                    Match(domain="sensor", translation_key="soc"),
                    Match(domain="sensor", unique_id_suffix="_soc", device_class="battery"),
                ),
                "ev_target_soc_entity": (
                    Match(domain="sensor", translation_key="max_soc"),
                    Match(domain="sensor", unique_id_suffix="_max_soc"),
                ),
            }
        ),
        reads="state of charge (%), max state of charge (%)",
        limits="Read only; no plug entity is used (the charger's own plug or power tells)",
    ),
)
