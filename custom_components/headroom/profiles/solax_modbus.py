"""SolaX Inverter Modbus (HACS ``solax_modbus``), SolaX Power plugin: a SolaX hybrid's battery and meter.

Read from wills106/homeassistant-solax-modbus at 27875b3b2ea9fa81f870e8e34590a000730234c0,
custom_components/solax_modbus:

- __init__.py / sensor.py / select.py: one device per inverter ("<hub name>", identifiers
  (domain, hub name, "inverter"), manufacturer the plugin's: "SolaX Power"), every entity named in
  code without translation key and unique id "<hub name>_<key>"; battery packs get devices of their
  own under it. The integration serves other vendors' inverters with the same keys (its plugins), so
  the profile holds for the SolaX Power plugin's devices only.
- plugin_solax.py: ``battery_capacity`` (%, battery), ``battery_power_charge`` (W; the Energy
  Dashboard mapping inverts it into a discharge-positive "Battery Power", so it counts charging as
  positive), ``measured_power`` (W; the same mapping inverts it into an import-positive "Grid Power",
  and the remote-control code takes house load = inverter power - measured power: export counts as
  positive, whatever the comment beside it says), ``charger_use_mode`` (select without category:
  "Self Use Mode", "Feedin Priority", "Back Up Mode", "Manual Mode", "PeakShaving", "Smart Schedule"
  on Gen4-6; "Self Use Mode", "Force Time Use", "Back Up Mode"(, "Feedin Priority") on Gen2-3).
  Forced charge and discharge are "Manual Mode" with the second select ``manual_mode_select`` ("Stop
  Charge and Discharge", "Force Charge", "Force Discharge", Gen4-6); the remote-control block and its
  trigger button are not driven.
"""

from __future__ import annotations

from types import MappingProxyType

from . import BATTERY, GRID_METER, GRID_POWER, Match, Profile, Source

SOLAX = "SolaX Power"  # plugin_solax.py plugin_manufacturer
SOURCE = Source(
    repo="wills106/homeassistant-solax-modbus",
    commit="27875b3b2ea9fa81f870e8e34590a000730234c0",
    paths=(
        "custom_components/solax_modbus/__init__.py",
        "custom_components/solax_modbus/sensor.py",
        "custom_components/solax_modbus/select.py",
        "custom_components/solax_modbus/plugin_solax.py",
    ),
)

PROFILES = (
    Profile(
        integration="solax_modbus",
        kind=BATTERY,
        title="SolaX Inverter Modbus",
        source=SOURCE,
        roles=MappingProxyType(
            {
                "soc_entity": (
                    Match(
                        domain="sensor",
                        unique_id_suffix="_battery_capacity",
                        device_class="battery",
                        manufacturer=SOLAX,
                    ),
                ),
                "power_entity": (
                    Match(domain="sensor", unique_id_suffix="_battery_power_charge", manufacturer=SOLAX),
                ),
                "mode_select_entity": (
                    Match(domain="select", unique_id_suffix="_charger_use_mode", manufacturer=SOLAX),
                ),
                "mode_detail_select_entity": (
                    Match(domain="select", unique_id_suffix="_manual_mode_select", manufacturer=SOLAX),
                ),
            }
        ),
        # Gen4-6: "Manual Mode" with the manual mode select; Gen2-3 have neither (discovery maps
        # only the options the inverter's select offers).
        mode_options=MappingProxyType(
            {
                "idle": "Manual Mode",
                "self_consumption": "Self Use Mode",
                "forced_charge": "Manual Mode",
                "forced_discharge": "Manual Mode",
            }
        ),
        detail_options=MappingProxyType(
            {
                "idle": "Stop Charge and Discharge",
                "forced_charge": "Force Charge",
                "forced_discharge": "Force Discharge",
            }
        ),
        # The manual mode select takes effect only in Manual Mode: set first, so that no moment runs
        # the previous manual command.
        detail_first=True,
        discharge_positive=False,
        reads="battery capacity (SoC), battery power charge (charging positive)",
        drives="charger use mode (self use, manual) and the manual mode select (stop, force charge, force discharge)",
        limits="SolaX Power plugin only; forced modes need Manual Mode (Gen4-6) and run at the inverter's own power; the remote-control block is not driven",
    ),
    Profile(
        integration="solax_modbus",
        kind=GRID_METER,
        drives="read only (a meter)",
        title="SolaX Inverter Modbus",
        source=SOURCE,
        roles=MappingProxyType(
            {GRID_POWER: (Match(domain="sensor", unique_id_suffix="_measured_power", manufacturer=SOLAX),)}
        ),
        export_positive=True,
        reads="measured power (export positive)",
        limits="The site form refuses measured power unless its direction says export is positive",
    ),
)
