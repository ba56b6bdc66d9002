"""Enphase Envoy (Home Assistant core ``enphase_envoy``): IQ Batteries (Encharge) behind an Envoy.

Read from home-assistant/core 2025.4.4, homeassistant/components/enphase_envoy:

- select.py: ``storage_mode`` (translation key ``storage_mode``, no entity category), options
  ``backup``, ``self_consumption``, ``savings`` (``STORAGE_MODE_MAP``; strings.json: "Full backup",
  "Self consumption", "Savings mode"); unique id "<serial>_storage_mode" on the Enpower (IQ System
  Controller) device "Enpower <serial>" hung under the Envoy (``via_device``), or on the Envoy itself
  when there is no Enpower.
- number.py: ``reserve_soc`` (translation key ``reserve_soc``, device class battery, %, no category),
  on the same device as the select; the relays' battery levels are settings (config), never used.
- sensor.py: the Envoy's own device (``EnvoySystemSensorEntity``, unique id "<envoy serial>_<key>")
  holds the batteries' aggregate ``battery_level`` (%, device class battery, no translation key) and
  the storage CT's ``battery_discharge`` (translation key ``battery_discharge``, W; strings.json
  "Current battery discharge": discharge counts as positive) and the aggregate's ``reserve_soc``
  (translation key ``reserve_soc``, %). With an Enpower the battery's sensors
  and its controls are thus on two devices of one config entry; they are grouped.
- sensor.py: the net-consumption CT's ``net_consumption`` (translation key ``net_consumption``, W,
  "Current net power consumption") is the grid meter, counting import as positive (its lifetime net
  consumption is the CT's energy delivered, its lifetime net production the energy received).
- switch.py: ``charge_from_grid`` decides whether full backup may charge from the grid (the person's).
"""

from __future__ import annotations

from types import MappingProxyType

from . import BATTERY, GRID_METER, GRID_POWER, RESERVE_SOC, Match, Profile, Source

PROFILES = (
    Profile(
        integration="enphase_envoy",
        kind=BATTERY,
        title="Enphase Envoy",
        source=Source(
            repo="home-assistant/core",
            commit="2025.4.4",
            paths=(
                "homeassistant/components/enphase_envoy/select.py",
                "homeassistant/components/enphase_envoy/number.py",
                "homeassistant/components/enphase_envoy/sensor.py",
                "homeassistant/components/enphase_envoy/switch.py",
                "homeassistant/components/enphase_envoy/strings.json",
            ),
        ),
        roles=MappingProxyType(
            {
                "soc_entity": (
                    Match(domain="sensor", unique_id_suffix="_battery_level", device_class="battery"),
                    Match(domain="sensor", translation_key="aggregated_soc"),
                ),
                "power_entity": (Match(domain="sensor", translation_key="battery_discharge"),),
                "mode_select_entity": (Match(domain="select", translation_key="storage_mode"),),
                # The Envoy never discharges below its reserve: the plan's reserve starts there.
                RESERVE_SOC: (
                    Match(domain="number", translation_key="reserve_soc"),
                    Match(domain="sensor", translation_key="reserve_soc"),  # the batteries' aggregate
                ),
            }
        ),
        mode_options=MappingProxyType(
            {
                "self_consumption": "self_consumption",
                # Full backup charges the batteries and holds them full (from the grid only where
                # "charge from grid" is on).
                "forced_charge": "backup",
            }
        ),
        discharge_positive=True,
        group_by_config_entry=True,
        reads="batteries' level, storage CT power (discharge positive), reserve battery level (as the plan's reserve)",
        drives="storage mode (self consumption, full backup)",
        limits="No forced discharge or idle mode and no power setpoint: savings mode follows the tariff set in Enphase's app; full backup charges at the batteries' own rate; the power needs a storage CT",
    ),
    Profile(
        integration="enphase_envoy",
        kind=GRID_METER,
        title="Enphase Envoy",
        source=Source(
            repo="home-assistant/core",
            commit="2025.4.4",
            paths=("homeassistant/components/enphase_envoy/sensor.py",),
        ),
        roles=MappingProxyType({GRID_POWER: (Match(domain="sensor", translation_key="net_consumption"),)}),
        export_positive=False,
        drives="read only (a meter)",
        reads="current net power consumption (import positive)",
        limits="The site form refuses it with the direction set to export positive",
    ),
)
