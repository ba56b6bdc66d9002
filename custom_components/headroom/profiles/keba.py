"""KEBA KeContact (Home Assistant core): a charging station set up in YAML and driven by its actions.

Read from home-assistant/core 2025.4.4 (as installed here) and checked against 2026.2.3 (the same
code; notify.py and the translations differ), homeassistant/components/keba: __init__.py (``keba:``
in configuration.yaml, one station per Home Assistant; the actions ``set_current``, ``set_energy``,
``authorize``, ``deauthorize``, ``enable``, ``disable``, ``set_failsafe``, ``request_data`` are
registered without a schema: ``set_current`` reads ``current`` as a float, and a value the library
refuses is only logged), services.yaml (``current``: 6 to 63 A, step 0.1), binary_sensor.py and
sensor.py (no device, no config entry: unique id "keba_wallbox_<serial>_<type>", name
"<product> <name>"; ``plug_state`` device class plug, ``charging_power`` kW, ``max_current`` a current
*sensor*). With dannerph/keba-kecontact 1.3.0 (the version core requires) at commit
2d270e004dd726b4d29d7cf820099418c17fa636: keba_kecontact/connection.py (``set_current`` takes 0, which
"stops the charging process similar to ena 0", or 6 up to 63 A, sent as ``currtime <mA> 1``) and
keba_protocol.py (``Plug_plugged``: the plug state is above 3, plugged in on the car's side).
"""

from __future__ import annotations

from types import MappingProxyType

from . import AMPS, EV_CHARGER, Action, Match, Profile, Source

PROFILES = (
    Profile(
        integration="keba",
        kind=EV_CHARGER,
        title="KEBA KeContact",
        source=Source(
            repo="home-assistant/core (2025.4.4) + dannerph/keba-kecontact",
            commit="2d270e004dd726b4d29d7cf820099418c17fa636",
            paths=(
                "homeassistant/components/keba/__init__.py",
                "homeassistant/components/keba/services.yaml",
                "homeassistant/components/keba/sensor.py",
                "homeassistant/components/keba/binary_sensor.py",
                "keba_kecontact/connection.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "charger_power_entity": (
                    Match(domain="sensor", unique_id_suffix="_charging_power", device_class="power"),
                ),
                "plugged_entity": (
                    Match(domain="binary_sensor", unique_id_suffix="_plug_state", device_class="plug"),
                ),
            }
        ),
        # 0 A stops charging (the library's own stop); 6 A and above charge.
        action=Action(domain="keba", service="set_current", data={"current": AMPS}),
        deviceless=True,
        reads="charging power (kW), plug (plugged in at the car)",
        drives="charging current (A) through keba.set_current; 0 A stops",
        limits=(
            "One station per Home Assistant (YAML set-up, no device); a refused current is only logged "
            "by the integration; with KEBA's failsafe on, its fallback current may apply between writes"
        ),
    ),
)
