"""Victron (HACS ``victron``, sfstar/hass-victron: a GX device over Modbus TCP): an ESS battery.

Read from sfstar/hass-victron at 3d3ec1e6cb7768d3c6d49ed23e9b52814477c205, custom_components/victron:

- sensor.py / select.py: every entity is a register of const.py, unique id "<unit id>_<register
  name>", named by the register name without translation key or entity category; one device per
  Modbus unit id (identifiers (domain, "<unit id>"), model the unit id), so the system's and the ESS
  settings' registers (both unit 100) share a device. Selects are made only with the integration's
  advanced (write) options on.
- const.py: ``system_battery_soc`` (register 843, %; the device class battery, sensor.py
  ``determine_victron_device_class``), ``system_battery_power`` (842, W, signed), ``settings_ess_mode``
  (2902, options the names of ``ess_mode``: ``SELF_CONSUMPTION_WITH_BATTERY_LIFE``,
  ``SELF_CONSUMPTION``, ``KEEP_CHARGED``, ``EXTERNAL_CONTROL``). The ESS grid setpoint
  (``settings_ess_acpowersetpoint``) and the charge/discharge limits are the site's settings, never a
  battery setpoint.

The battery power's direction is Venus OS's /Dc/Battery/Power: victronenergy/dbus-systemcalc-py
README.md at 367f70d2f0ff87feda9e471bc5c7181082b7a509 (/State 1 = Charging) and victronenergy/
venus-html5-app TOPICS.md at 2c38e4406b81422bbf91b884d5079d3aa1037719 (a charging battery, state 1,
with positive power and current): charging counts as positive.
"""

from __future__ import annotations

from types import MappingProxyType

from . import BATTERY, Match, Profile, Source

PROFILES = (
    Profile(
        integration="victron",
        kind=BATTERY,
        title="Victron (GX Modbus)",
        source=Source(
            repo="sfstar/hass-victron",
            commit="3d3ec1e6cb7768d3c6d49ed23e9b52814477c205",
            paths=(
                "custom_components/victron/const.py",
                "custom_components/victron/sensor.py",
                "custom_components/victron/select.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "soc_entity": (
                    Match(domain="sensor", unique_id_suffix="_system_battery_soc", device_class="battery"),
                ),
                "power_entity": (Match(domain="sensor", unique_id_suffix="_system_battery_power"),),
                "mode_select_entity": (Match(domain="select", unique_id_suffix="_settings_ess_mode"),),
            }
        ),
        mode_options=MappingProxyType(
            {
                # Optimized without BatteryLife: the ESS covers the house from the battery.
                "self_consumption": "SELF_CONSUMPTION",
                # Keep batteries charged: charged from the grid and held full.
                "forced_charge": "KEEP_CHARGED",
            }
        ),
        discharge_positive=False,
        reads="system battery SoC and power (charging positive)",
        drives="ESS mode (optimized, keep batteries charged)",
        limits="Needs the integration's advanced (write) options; no forced discharge or idle (the ESS grid setpoint is a site setting, not driven); keep charged charges at the inverter/charger's own rate",
    ),
)
