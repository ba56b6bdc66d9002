"""Peblar (Home Assistant core): a charger's entities, as the integration's code names them.

Read from home-assistant/core 2025.4.4 (as installed here) and checked against 2026.2.3 (the same
code; only translations and the manifest's key order differ), homeassistant/components/peblar:
entity.py (unique id "<config entry unique id = product serial>_<key>", one device per charger),
sensor.py (``power_total``: W, device class power, no translation key, beside per-phase
``power_phase_<n>`` diagnostics; ``cp_state``: an enum of ``PEBLAR_CP_STATE_TO_HOME_ASSISTANT``),
const.py (the CP states: ``charging``, ``suspended``, ``no_ev_connected``, ``error``, ``fault``,
``invalid``), number.py (``charge_current_limit``: a *settings* entity, A, device class current, min 6,
step 1, max the user-defined charge limit; below 6 A Peblar is not charging, and a value set while it
is not charging is kept for the next start) and switch.py (``charge``: a settings switch that sets the
limit to 0 A off and back to the last known limit on; ``force_single_phase``, also a settings switch,
changes the phases and is never the charge switch).
"""

from __future__ import annotations

from types import MappingProxyType

from . import EV_CHARGER, Match, Profile, Source

PROFILES = (
    Profile(
        integration="peblar",
        kind=EV_CHARGER,
        title="Peblar",
        source=Source(
            repo="home-assistant/core",
            commit="2025.4.4",
            paths=(
                "homeassistant/components/peblar/sensor.py",
                "homeassistant/components/peblar/const.py",
                "homeassistant/components/peblar/number.py",
                "homeassistant/components/peblar/switch.py",
                "homeassistant/components/peblar/entity.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "charger_power_entity": (
                    Match(domain="sensor", unique_id_suffix="_power_total", device_class="power"),
                ),
                # Peblar's code makes its charge limit and charge switch settings entities; they are
                # the ones its own code starts, stops and limits charging with.
                "current_limit_entity": (
                    Match(domain="number", translation_key="charge_current_limit", config_ok=True),
                ),
                "charge_switch_entity": (Match(domain="switch", translation_key="charge", config_ok=True),),
                "plugged_entity": (Match(domain="sensor", translation_key="cp_state"),),
            }
        ),
        # CP states with a car at the charger (state B suspended, C/D charging).
        connected_states=("charging", "suspended"),
        reads="power (W), CP state",
        drives="charge limit (A); charge switch to stop (never force single phase)",
        limits="Its charge limit's minimum is 6 A: a stop goes through the charge switch",
    ),
)
