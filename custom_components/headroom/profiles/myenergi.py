"""myenergi zappi (CJNE/ha-myenergi, domain ``myenergi``): a charger with charge modes, not a current.

Read from CJNE/ha-myenergi at e5166abdf869ba022ea60b2351d84fc7ccba49c4: custom_components/myenergi/
select.py (the zappi's charge mode: unique id "<entry id>-<serial>-charge_mode", options Fast, Eco, Eco+,
Stopped; its translation key is ``phase_setting``, shared with the phase select, so only the unique id
tells them apart), sensor.py (unique id "<entry id>-<serial>-<property>": ``plug_status``; each CT's power
"power-<ct key>", in W; the eddi and libbi share the integration), entity.py (a device per myenergi
device, identifiers (myenergi, <serial>)); and from its library CJNE/pymyenergi at
90fc44e58f6e47b2f17542f1075d6efdb9c81d38 (0.2.3, the version the manifest pins): pymyenergi/zappi.py
(``CHARGE_MODES``, ``PLUG_STATES``; ``set_charge_mode`` takes Fast, Eco, Eco+ or Stopped),
pymyenergi/base_device.py (a CT's key "ct_<name in snake case>": the zappi's own "Internal Load" CT is
``ct_internal_load``).
"""

from __future__ import annotations

from types import MappingProxyType

from . import EV_CHARGER, Match, Profile, Source

PROFILES = (
    Profile(
        integration="myenergi",
        kind=EV_CHARGER,
        title="myenergi zappi",
        source=Source(
            repo="CJNE/ha-myenergi + CJNE/pymyenergi",
            commit="e5166abdf869ba022ea60b2351d84fc7ccba49c4",
            paths=(
                "custom_components/myenergi/select.py",
                "custom_components/myenergi/sensor.py",
                "custom_components/myenergi/entity.py",
                "pymyenergi/zappi.py",
                "pymyenergi/base_device.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "charger_power_entity": (
                    Match(domain="sensor", unique_id_suffix="-power-ct_internal_load", device_class="power"),
                ),
                "plugged_entity": (Match(domain="sensor", unique_id_suffix="-plug_status"),),
                # By unique id: the charge mode and the phase setting share a translation key.
                "charge_select_entity": (Match(domain="select", unique_id_suffix="-charge_mode"),),
            }
        ),
        # Only a zappi has a charge mode (an eddi's internal-load CT is its heater).
        required=("charger_power_entity", "charge_select_entity"),
        # PLUG_STATES with a car at the charger (not EV Disconnected, Fault, or unknown).
        connected_states=("EV Connected", "Waiting for EV", "EV ready to charge", "Charging"),
        charge_select_options=("Fast", "Stopped"),
        # Fast charges at what the zappi and the car allow (32 A at most), and nothing can set less: the
        # plan counts it at its full 32 A on every phase the person says it uses.
        fixed_current_a=32.0,
        reads="internal-load CT power (W), plug status",
        drives="charge mode: Fast to charge, Stopped to stop",
        limits="No current control: Headroom charges in Fast (planned at 32 A) or stops it, never Eco or "
        "Eco+ (they follow the zappi's own surplus logic); its phases are the person's to set in the form, and "
        "a fuse too small for 32 A never plans it",
    ),
)
