"""V2C Trydan (Home Assistant core): a charger's entities, as the integration's code names them.

Read from home-assistant/core 2025.4.4 (as installed here) and checked against 2026.2.3 (the same
code; only translations differ), homeassistant/components/v2c: entity.py (one device per config
entry, identified by the entry id), sensor.py, number.py, switch.py and binary_sensor.py (unique id
"<config entry id>_<key>", translation key = key): ``charge_power`` W (beside ``house_power``,
``fv_power`` and ``battery_power``, which are not the charger's), ``intensity`` (A, device class
current, 6 to 32; ``min_intensity`` and ``max_intensity`` are settings), ``paused`` ("Pause session":
on while the session is paused, off resumes it), ``dynamic`` (the Trydan's own intensity modulation)
and ``connected`` (device class plug). With dgomes/pytrydan 0.8.0 (the version core requires) at commit
87b3415e6066d89a79ad4d6a4e8cd6f5e6ab0ea3: src/pytrydan/trydan.py (``connected``: the charge state is not
NOT_CONNECTED; ``intensity`` refuses values outside 6-32 A; ``pause``/``resume`` set Paused 1/0).
"""

from __future__ import annotations

from types import MappingProxyType

from . import EV_CHARGER, Match, Profile, Source

PROFILES = (
    Profile(
        integration="v2c",
        kind=EV_CHARGER,
        title="V2C Trydan",
        source=Source(
            repo="home-assistant/core (2025.4.4) + dgomes/pytrydan",
            commit="87b3415e6066d89a79ad4d6a4e8cd6f5e6ab0ea3",
            paths=(
                "homeassistant/components/v2c/sensor.py",
                "homeassistant/components/v2c/number.py",
                "homeassistant/components/v2c/switch.py",
                "homeassistant/components/v2c/binary_sensor.py",
                "src/pytrydan/trydan.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "charger_power_entity": (
                    Match(domain="sensor", translation_key="charge_power", device_class="power"),
                ),
                "current_limit_entity": (
                    Match(domain="number", translation_key="intensity", device_class="current"),
                ),
                # Pauses while on: off charges, on stops (its intensity cannot go below 6 A).
                "charge_switch_entity": (Match(domain="switch", translation_key="paused"),),
                "plugged_entity": (
                    Match(domain="binary_sensor", translation_key="connected", device_class="plug"),
                ),
            }
        ),
        switch_pauses=True,
        reads="charge power (W), connected (plug)",
        drives="intensity (A); pause session switch to stop (on = paused)",
        limits=(
            "Its intensity's minimum is 6 A: a stop pauses the session; with its dynamic intensity "
            "modulation on, the Trydan changes its intensity itself"
        ),
    ),
)
