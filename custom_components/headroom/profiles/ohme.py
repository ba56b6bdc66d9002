"""Ohme (Home Assistant core): a charger started and paused through its charge-mode select.

Read from home-assistant/core 2025.4.4 (as installed here) and checked against 2026.2.3,
homeassistant/components/ohme: entity.py (unique id "<serial>_<key>", one device per charger),
sensor.py (``power``: W shown in kW, device class power, no translation key; ``status``: an enum of
ohme's ``ChargerStatus``; ``battery`` with translation key ``vehicle_battery``), select.py
(``charge_mode``: the options of ohme's ``ChargerMode``, unavailable while the charger reports no
mode), number.py (``target_percentage``: Ohme's own target for its smart charge; no current number at
all) and services.py (``list_charge_slots``, ``set_price_cap``: nothing that sets a current). 2026.2.3
drops the CT current sensor and adds state classes; the entities used here are the same. With
dan-r/ohmepy 1.5.1 (core 2025.4.4's, at commit 75cb03e8c2fc42f6e90bbdfac635e83f08c770a6) and 1.6.0
(2026.2.3's, at 6e70189be65a9456175039c488d2a781eb7894b2), ohme/ohme.py: ``ChargerStatus`` (unplugged,
pending_approval, charging, plugged_in, paused, finished), ``ChargerMode`` (smart_charge, max_charge,
paused; ``async_set_mode`` sends max_charge as the session's maxCharge rule and paused as a stop), and
``battery``, which is 0 when Ohme knows no state of charge (so it is not offered as the car's SoC).
"""

from __future__ import annotations

from types import MappingProxyType

from . import EV_CHARGER, Match, Profile, Source

PROFILES = (
    Profile(
        integration="ohme",
        kind=EV_CHARGER,
        title="Ohme",
        source=Source(
            repo="home-assistant/core (2025.4.4) + dan-r/ohmepy",
            commit="75cb03e8c2fc42f6e90bbdfac635e83f08c770a6",
            paths=(
                "homeassistant/components/ohme/sensor.py",
                "homeassistant/components/ohme/select.py",
                "homeassistant/components/ohme/entity.py",
                "homeassistant/components/ohme/number.py",
                "ohme/ohme.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "charger_power_entity": (
                    Match(domain="sensor", unique_id_suffix="_power", device_class="power"),
                ),
                # Its charge mode starts (max charge) and pauses charging: it has no current to set.
                "charge_select_entity": (Match(domain="select", translation_key="charge_mode"),),
                "plugged_entity": (Match(domain="sensor", translation_key="status"),),
            }
        ),
        connected_states=("plugged_in", "charging", "paused", "pending_approval", "finished"),
        charge_select_options=("max_charge", "paused"),
        on_off=True,
        reads="power (W), charger status",
        drives="charge mode: max charge to charge, paused to stop",
        limits=(
            "Start and stop only, through Ohme's cloud: planned at one current whenever it charges (set "
            "the form's phases and current to the charger's rating); resuming from paused is sent as "
            "max charge, as ohmepy does; its vehicle battery reads 0 % when unknown, so it is not offered"
        ),
    ),
)
