"""Zaptec (custom-components/zaptec): a charger, driven by its installation's available current.

Read from custom-components/zaptec at b1a02b309651993d302d4a4fe35325820718374d: custom_components/zaptec/
entity.py (unique id "<zaptec object id>_<key>", translation key = key, entity names), manager.py (one
device per installation and per charger, the charger's ``via_device`` its installation), sensor.py
(``charger_operation_mode``: an enum of Zaptec's operation modes in lower case, ``disconnected``,
``connected_requesting``, ``connected_charging``, ``connected_finished``, ``unknown``; ``total_charge_power``
in W), number.py (the installation's ``available_current``, 0 A to the installation's MaxCurrent, sets
the installation's available current; the charger's ``charger_max_current`` is a settings number),
binary_sensor.py (``online`` and the "Charger" entity are cloud connectivity, not a plug), services.py
(``limit_current``) and README.md ("Zaptec recommends not changing the values more often than every
15 minutes").
"""

from __future__ import annotations

from types import MappingProxyType

from . import EV_CHARGER, Match, Profile, Source

PROFILES = (
    Profile(
        integration="zaptec",
        kind=EV_CHARGER,
        title="Zaptec",
        source=Source(
            repo="custom-components/zaptec",
            commit="b1a02b309651993d302d4a4fe35325820718374d",
            paths=(
                "custom_components/zaptec/entity.py",
                "custom_components/zaptec/manager.py",
                "custom_components/zaptec/sensor.py",
                "custom_components/zaptec/number.py",
                "custom_components/zaptec/binary_sensor.py",
                "README.md",
            ),
        ),
        roles=MappingProxyType(
            {
                "charger_power_entity": (
                    Match(domain="sensor", translation_key="total_charge_power", device_class="power"),
                ),
                # On the installation device the charger hangs under (its entities join the charger's).
                "current_limit_entity": (
                    Match(
                        domain="number",
                        translation_key="available_current",
                        unique_id_suffix="_available_current",
                    ),
                ),
                # The charger mode, never the cloud-connectivity sensors.
                "plugged_entity": (Match(domain="sensor", translation_key="charger_operation_mode"),),
            }
        ),
        connected_states=("connected_requesting", "connected_charging", "connected_finished"),
        include_via_device=True,
        # README: not more often than every 15 minutes (lowering for the fuse never waits).
        min_write_interval_s=900.0,
        reads="total charge power (W), charger mode",
        drives="the installation's available current (A), at most every 15 minutes when raised",
        limits="The available current is the installation's: with several chargers on one installation, "
        "once one is configured the others are not offered it; raises wait 15 minutes after the last change, "
        "as Zaptec recommends (lowering for the fuse never waits)",
    ),
)
