"""Huawei Solar (HACS ``huawei_solar``): a SUN2000 inverter's LUNA2000 (or LG RESU) batteries.

Read from wlcrs/huawei_solar at 1fd5bd5b605f7236cd0349bb1a6f7c2f52a5cd60 and its library
wlcrs/huawei-solar-lib at 873c1b3b664e1eadad731cf65901dfb54749c529:

- __init__.py: the batteries are one device, "<inverter serial>/connected_energy_storage" (translation
  key ``connected_energy_storage``, "Batteries"; model "Batteries"), hung under the inverter; every
  battery entity below is on it (no grouping needed).
- sensor.py: unique ids "<inverter serial>_<register name>", the translation key the register name:
  ``storage_state_of_capacity`` (%, battery) and ``storage_charge_discharge_power`` (W, power; a
  signed register, src/huawei_solar/registers.py, charging positive as the library says of the
  dongle's total battery power).
- select.py: ``storage_working_mode_settings`` (a settings entity, only with parameter configuration
  enabled), options the lower-cased names of register_values.py ``StorageWorkingModesC``:
  ``adaptive``, ``fixed_charge_discharge``, ``maximise_self_consumption``, ``time_of_use_lg`` or
  ``time_of_use_luna2000``, ``fully_fed_to_grid``.
- number.py: the maximum charging/discharging power, cut-off capacities and grid-charge power are
  settings, never a setpoint.
- services.py / services.yaml: forcible charge and discharge exist only as actions on the batteries'
  device: ``forcible_charge`` / ``forcible_discharge`` with ``device_id``, ``power`` (a positive
  integer, W, at most the battery's maximum) and ``duration`` (1 to 1440 minutes);
  ``stop_forcible_charge`` with ``device_id`` ends either.
"""

from __future__ import annotations

from types import MappingProxyType

from . import BATTERY, DEVICE_ID, DISCHARGE_WATTS, MINUTES, WATTS, Action, Match, Profile, Source

DOMAIN = "huawei_solar"
STOP = Action(domain=DOMAIN, service="stop_forcible_charge", data=MappingProxyType({"device_id": DEVICE_ID}))

PROFILES = (
    Profile(
        integration=DOMAIN,
        kind=BATTERY,
        title="Huawei Solar",
        source=Source(
            repo="wlcrs/huawei_solar + wlcrs/huawei-solar-lib",
            commit="1fd5bd5b605f7236cd0349bb1a6f7c2f52a5cd60",
            paths=(
                "__init__.py",
                "sensor.py",
                "select.py",
                "number.py",
                "services.py",
                "services.yaml",
                "src/huawei_solar/register_names.py",
                "src/huawei_solar/register_values.py",
                "src/huawei_solar/registers.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "soc_entity": (Match(domain="sensor", translation_key="storage_state_of_capacity"),),
                "power_entity": (Match(domain="sensor", translation_key="storage_charge_discharge_power"),),
                "mode_select_entity": (
                    Match(domain="select", translation_key="storage_working_mode_settings", config_ok=True),
                ),
            }
        ),
        mode_options=MappingProxyType({"self_consumption": "maximise_self_consumption"}),
        mode_actions=MappingProxyType(
            {
                "forced_charge": Action(
                    domain=DOMAIN,
                    service="forcible_charge",
                    data=MappingProxyType({"device_id": DEVICE_ID, "power": WATTS, "duration": MINUTES}),
                ),
                "forced_discharge": Action(
                    domain=DOMAIN,
                    service="forcible_discharge",
                    data=MappingProxyType(
                        {"device_id": DEVICE_ID, "power": DISCHARGE_WATTS, "duration": MINUTES}
                    ),
                ),
                "self_consumption": STOP,
            }
        ),
        discharge_positive=False,
        reads="battery state of capacity, charge/discharge power (charging positive)",
        drives="forcible charge / discharge actions (power, for the planned run) and stop; working mode maximise self consumption",
        limits="Needs the integration's parameter configuration (its select and actions exist only then); no idle or non-export mode",
    ),
)
