"""Sungrow SH hybrids through mkaiser's Modbus package (Home Assistant core ``modbus`` with YAML).

Read from mkaiser/Sungrow-SHx-Inverter-Modbus-Home-Assistant at
63beec6770e8275670cdf01437cb305817f32988, modbus_sungrow.yaml: the package's sensors are core
``modbus`` entities with the unique ids it gives them and no device, so discovery cannot propose
the battery; the forms check the directions its comments state:

- ``sg_battery_level`` (register 13023, %, battery);
- ``sg_battery_power`` (register 5214, W): "negative: Battery charging, positive: Battery
  discharging" (its template ``sg_battery_charging_power_signed`` turns it round);
- ``sg_meter_active_power`` (register 5601, W): "> 0 buy from grid; < 0 sell to grid", import positive.

Its controls are template selects (``uid_ems_mode`` and ``uid_battery_forced_charge_discharge``, both
needed for a forced charge) with a number for the forced power: not driven.
"""

from __future__ import annotations

from types import MappingProxyType

from . import BATTERY, GRID_METER, GRID_POWER, Match, Profile, Source

SOURCE = Source(
    repo="mkaiser/Sungrow-SHx-Inverter-Modbus-Home-Assistant",
    commit="63beec6770e8275670cdf01437cb305817f32988",
    paths=("modbus_sungrow.yaml",),
)
TITLE = "Sungrow SHx (mkaiser's Modbus package)"

PROFILES = (
    Profile(
        integration="modbus",
        kind=BATTERY,
        title=TITLE,
        source=SOURCE,
        roles=MappingProxyType(
            {
                "soc_entity": (Match(domain="sensor", unique_id_suffix="sg_battery_level"),),
                "power_entity": (Match(domain="sensor", unique_id_suffix="sg_battery_power"),),
            }
        ),
        discharge_positive=True,
        reads="battery level, battery power (discharge positive; the battery form refuses the other direction)",
        limits="Not discovered (the package's entities have no device); the EMS mode and forced charge/discharge are two template selects: not driven",
    ),
    Profile(
        integration="modbus",
        kind=GRID_METER,
        drives="read only (a meter)",
        title=TITLE,
        source=SOURCE,
        roles=MappingProxyType(
            {GRID_POWER: (Match(domain="sensor", unique_id_suffix="sg_meter_active_power"),)}
        ),
        export_positive=False,
        reads="meter active power (import positive)",
        limits="The site form refuses it with the direction set to export positive",
    ),
)
