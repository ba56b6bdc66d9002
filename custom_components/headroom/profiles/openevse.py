"""OpenEVSE (firstof9/openevse): a charger's entities, as its code names them.

Read from firstof9/openevse at 0694f3a1ceb16a66bd7ddc0e3e206156ddbff4e7: custom_components/openevse/
const.py (the descriptions: sensor "Current Power Usage (Actual)" in W (firmware 4.2.2 and later; the
"(Calculated)" one is in mW), binary sensor "Vehicle Connected" (device class plug), number "Charge Rate"
(``max_current_soft``, a settings number in A that sets the charging current), select "Override State"
(a settings select, ``active``, ``auto``, ``disabled``)), sensor.py, binary_sensor.py and number.py (unique
id "<description name>_<config entry id>"; the number's range min_amps..max_amps, whole amps only),
select.py (unique id "<charger name> <description name>_<config entry id>"; ``disabled`` and ``active``
set a manual override, ``auto`` clears it), entity.py (the device registered by connection
(openevse, <config entry id>)), manifest.json (python-openevse-http 1.5.0); and from that library,
firstof9/python-openevse-http at 1f850ad2b147d75315538154ce50b42e8ad81319 (1.5.0): openevsehttp/commands.py
(``set_current`` sets the manual override's ``charge_current``; ``set_override`` merges into the override
already there, so the charge rate and the override's state compose rather than replace each other).
"""

from __future__ import annotations

from types import MappingProxyType

from . import EV_CHARGER, Match, Profile, Source

PROFILES = (
    Profile(
        integration="openevse",
        kind=EV_CHARGER,
        title="OpenEVSE",
        source=Source(
            repo="firstof9/openevse + firstof9/python-openevse-http",
            commit="0694f3a1ceb16a66bd7ddc0e3e206156ddbff4e7",
            paths=(
                "custom_components/openevse/const.py",
                "custom_components/openevse/sensor.py",
                "custom_components/openevse/number.py",
                "custom_components/openevse/select.py",
                "custom_components/openevse/entity.py",
                "openevsehttp/commands.py",
            ),
        ),
        roles=MappingProxyType(
            {
                # Watts, measured; never the calculated one in mW.
                "charger_power_entity": (
                    Match(
                        domain="sensor",
                        unique_id_part="Current Power Usage (Actual)_",
                        device_class="power",
                        units=("W",),
                    ),
                ),
                # Settings entities in OpenEVSE, and the ones its code gives to set the charge current
                # and to pause charging.
                "current_limit_entity": (
                    Match(domain="number", unique_id_part="Charge Rate_", config_ok=True),
                ),
                "charge_select_entity": (
                    Match(domain="select", unique_id_part=" Override State_", config_ok=True),
                ),
                "plugged_entity": (
                    Match(domain="binary_sensor", unique_id_part="Vehicle Connected_", device_class="plug"),
                ),
            }
        ),
        charge_select_options=("active", "disabled"),
        reads="power (W, firmware 4.2.2 and later), vehicle connected",
        drives="charge rate (A) and override state (active / disabled)",
        limits="Both writes are OpenEVSE's manual override (charge current, state): it overrules OpenEVSE's "
        "own timers and solar divert while Headroom drives it (set it to auto to hand control back); the "
        "charge rate is unavailable while eco divert is on",
    ),
)
