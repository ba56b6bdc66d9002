"""SolarEdge Modbus Multi (HACS ``solaredge_modbus_multi``): a SolarEdge inverter's battery and meter.

Read from WillCodeForCats/solaredge-modbus-multi at f0ab4b129928bac1e0167ab4e89c6f6a5ded2e2b,
custom_components/solaredge_modbus_multi:

- hub.py: the inverter's device is identified by its ``uid_base`` "<model>_<serial>"; each battery
  ("<model>_<serial>_B<n>") and meter ("<model>_<serial>_M<n>") is a device of its own, hung under the
  inverter (``via_device``). One battery's entities are thus spread over two devices of one config
  entry: its sensors on the battery, its controls on the inverter; they are grouped.
- select.py: every select is a settings (``config``) entity, named in code without translation keys;
  ``<uid_base>_storage_control_mode`` takes const.py ``STORAGE_CONTROL_MODE`` ("Disabled", "Maximize
  Self Consumption", "Time of Use", "Backup Only", "Remote Control");
  ``<uid_base>_storage_command_mode`` takes the options of const.py ``STORAGE_MODE`` ("Solar Power
  Only (Off)", "Charge from Clipped Solar Power", "Charge from Solar Power", "Charge from Solar Power
  and Grid", "Discharge to Maximize Export", "Discharge to Minimize Import", "Maximize Self
  Consumption") and is available only while ``<uid_base>_storage_control_mode`` is "Remote Control".
- number.py: the storage charge and discharge limits, the site limit and the rest are settings (W, %),
  never a battery setpoint.
- sensor.py: ``<battery uid_base>_battery_soe`` (State of Energy, %), ``<battery uid_base>_dc_power``
  (``B_DC_Power``, charging positive: its ``_inverted`` twin exists for Home Assistant's energy
  dashboard, "opposite to how a grid-tie inverter normally reports it"); the meter's
  ``<meter uid_base>_ac_power`` counts export as positive by the same account (``ACPowerInverted``).
"""

from __future__ import annotations

from types import MappingProxyType

from . import BATTERY, GRID_METER, GRID_POWER, Match, Profile, Source

SOURCE = Source(
    repo="WillCodeForCats/solaredge-modbus-multi",
    commit="f0ab4b129928bac1e0167ab4e89c6f6a5ded2e2b",
    paths=(
        "custom_components/solaredge_modbus_multi/hub.py",
        "custom_components/solaredge_modbus_multi/select.py",
        "custom_components/solaredge_modbus_multi/number.py",
        "custom_components/solaredge_modbus_multi/sensor.py",
        "custom_components/solaredge_modbus_multi/const.py",
    ),
)
# A SolarEdge inverter takes up to three batteries and three meters (hub.py); the first one found is used.
UNITS = (1, 2, 3)

PROFILES = (
    Profile(
        integration="solaredge_modbus_multi",
        kind=BATTERY,
        title="SolarEdge Modbus Multi",
        source=SOURCE,
        roles=MappingProxyType(
            {
                "soc_entity": tuple(
                    Match(domain="sensor", unique_id_suffix=f"_B{n}_battery_soe", device_class="battery")
                    for n in UNITS
                ),
                "power_entity": tuple(
                    Match(domain="sensor", unique_id_suffix=f"_B{n}_dc_power", device_class="power")
                    for n in UNITS
                ),
                # Both selects are settings entities in the integration's code, as every one of its
                # controls is: the control mode says who decides, the command mode what remote control does.
                "mode_select_entity": (
                    Match(domain="select", unique_id_suffix="_storage_control_mode", config_ok=True),
                ),
                "mode_detail_select_entity": (
                    Match(domain="select", unique_id_suffix="_storage_command_mode", config_ok=True),
                ),
            }
        ),
        mode_options=MappingProxyType(
            {
                "idle": "Remote Control",
                "self_consumption": "Maximize Self Consumption",
                "forced_charge": "Remote Control",
                "forced_discharge": "Remote Control",
            }
        ),
        # The command mode is available only under remote control: written after the control mode.
        detail_options=MappingProxyType(
            {
                "idle": "Solar Power Only (Off)",
                "forced_charge": "Charge from Solar Power and Grid",
                "forced_discharge": "Discharge to Maximize Export",
            }
        ),
        discharge_positive=False,
        group_by_config_entry=True,
        reads="battery State of Energy, battery DC power (charging positive)",
        drives="storage control mode (maximize self consumption, remote control) and, under remote control, the command mode (off, charge from solar and grid, discharge to maximize export)",
        limits="Forced modes run at the storage charge/discharge limits the person set (settings, never written); the command mode is written once the integration shows remote control (at the next write when it lags); the first battery only",
    ),
    Profile(
        integration="solaredge_modbus_multi",
        kind=GRID_METER,
        drives="read only (a meter)",
        title="SolarEdge Modbus Multi",
        source=SOURCE,
        roles=MappingProxyType(
            {
                GRID_POWER: tuple(
                    Match(domain="sensor", unique_id_suffix=f"_M{n}_ac_power", device_class="power")
                    for n in UNITS
                ),
            }
        ),
        export_positive=True,
        reads="meter AC power (export positive; its Inverted twin import positive)",
        limits="The site form refuses the meter's AC power unless its direction says export is positive",
    ),
)
