"""GoodWe (Home Assistant core ``goodwe``, with the ``goodwe`` library): a hybrid inverter's battery.

Read from home-assistant/core 2025.4.4, homeassistant/components/goodwe: select.py (``operation_mode``,
entity category config, translation key ``operation_mode``, options ``general``, ``off_grid``,
``backup``, ``eco``, ``peak_shaving``, ``eco_charge``, ``eco_discharge``; unique id
"goodwe-operation_mode-<serial>"), number.py (``grid_export_limit`` and ``battery_discharge_depth`` are
settings, never a battery setpoint), sensor.py (unique id "goodwe-<sensor id>-<serial>"); and from
marcelblijleven/goodwe at c214290ea51128f1b9fff94c24b7efd3868cf7d4, goodwe/es.py (``pbattery1``
negative while the battery charges, so discharge counts positive) and et.py (``battery_soc``;
``active_power``, the grid meter's: house consumption = PV + battery - active power, so export counts
as positive).
"""

from __future__ import annotations

from types import MappingProxyType

from . import BATTERY, GRID_METER, GRID_POWER, Match, Profile, Source

PROFILES = (
    Profile(
        integration="goodwe",
        kind=BATTERY,
        title="GoodWe",
        source=Source(
            repo="home-assistant/core (2025.4.4) + marcelblijleven/goodwe",
            commit="c214290ea51128f1b9fff94c24b7efd3868cf7d4",
            paths=(
                "homeassistant/components/goodwe/select.py",
                "homeassistant/components/goodwe/number.py",
                "homeassistant/components/goodwe/sensor.py",
                "goodwe/es.py",
            ),
        ),
        roles=MappingProxyType(
            {
                "soc_entity": (Match(domain="sensor", unique_id_part="-battery_soc-"),),
                "power_entity": (Match(domain="sensor", unique_id_part="-pbattery1-"),),
                # The inverter's operation mode is a settings entity in core, and the battery's only
                # control there: it is proposed as the mode select, never the export limit as a setpoint.
                "mode_select_entity": (
                    Match(domain="select", translation_key="operation_mode", config_ok=True),
                ),
            }
        ),
        mode_options=MappingProxyType(
            {
                "self_consumption": "general",
                "forced_charge": "eco_charge",
                "forced_discharge": "eco_discharge",
            }
        ),
        discharge_positive=True,
        reads="battery SoC, battery power (discharge positive)",
        drives="operation mode (general, eco charge, eco discharge)",
        limits="No power setpoint in core: eco charge/discharge run at the inverter's own eco power; idle is left for the person to map (backup mode may charge from the grid)",
    ),
    Profile(
        integration="goodwe",
        kind=GRID_METER,
        title="GoodWe",
        source=Source(
            repo="home-assistant/core (2025.4.4) + marcelblijleven/goodwe",
            commit="c214290ea51128f1b9fff94c24b7efd3868cf7d4",
            paths=("homeassistant/components/goodwe/sensor.py", "goodwe/et.py"),
        ),
        roles=MappingProxyType({GRID_POWER: (Match(domain="sensor", unique_id_part="-active_power-"),)}),
        export_positive=True,
        drives="read only (a meter)",
        reads="active power (ET family, export positive)",
        limits="The site form refuses it unless its direction says export is positive",
    ),
)
