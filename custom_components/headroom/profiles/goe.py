"""go-e chargers: the APIv2 integration (marq24/ha-goecharger-api2, ``goecharger_api2``) and the older
one (cathiele/homeassistant-goecharger, ``goecharger``).

``goecharger_api2`` read from marq24/ha-goecharger-api2 at b48a90c34ec02f1be915972a14ee406f04295c25:
custom_components/goecharger_api2/__init__.py (``GoeChargerBaseEntity``: translation key = the API key in
lower case, "<key>_<idx>" for an indexed value; unique id "goecharger_api2.goe_<serial>_<translation
key>"), const.py (number ``amp``, the requested current, 6-32 A, and ``ama``, the absolute maximum; sensor
``nrg`` index 11 the total power in W, indexes 7-9 one phase's; binary sensor ``car`` index 0 a plug, on
while the car state is above 1; binary sensor ``alw``, "charging allowed", is read only; select ``frc``,
the force state, options "0" neutral, "1" don't charge, "2" charge; switch ``acp`` allows charge
pauses for the car's sake, not charging), pygoecharger_ha/keys.py (what each key means), select.py.

``goecharger`` read from cathiele/homeassistant-goecharger at 695ed2f60c99233d16b3b570f70849101c0f4c57:
custom_components/goecharger/__init__.py (action ``set_max_current``: ``charger_name`` (all chargers when
empty) and ``max_current``, clamped to 6-32 A), sensor.py (unique id "<charger name>_<attribute>", no
device classes; ``p_all`` in kW, ``car_status``), switch.py (``allow_charging`` starts and stops charging);
with its library cathiele/goecharger at b4491acad586e29ec35654786313a3b1710c3bd1 (0.0.16, the version its
manifest pins): goecharger/goecharger.py (``GO_CAR_STATUS``; ``setTmpMaxCurrent`` sends ``amx=<current>``).
"""

from __future__ import annotations

from types import MappingProxyType

from . import AMPS, CHARGER_ID, EV_CHARGER, Action, Match, Profile, Source

PROFILES = (
    Profile(
        integration="goecharger_api2",
        kind=EV_CHARGER,
        title="go-e APIv2",
        source=Source(
            repo="marq24/ha-goecharger-api2",
            commit="b48a90c34ec02f1be915972a14ee406f04295c25",
            paths=(
                "custom_components/goecharger_api2/__init__.py",
                "custom_components/goecharger_api2/const.py",
                "custom_components/goecharger_api2/pygoecharger_ha/keys.py",
                "custom_components/goecharger_api2/select.py",
            ),
        ),
        roles=MappingProxyType(
            {
                # The total (nrg index 11), never one phase's power.
                "charger_power_entity": (
                    Match(domain="sensor", translation_key="nrg_11", device_class="power"),
                ),
                # The requested current, never the absolute maximum (ama).
                "current_limit_entity": (Match(domain="number", translation_key="amp", units=("A",)),),
                "plugged_entity": (
                    Match(domain="binary_sensor", translation_key="car_0", device_class="plug"),
                ),
                # The force state stops it (the requested current cannot go below 6 A), never "allow
                # charge pause".
                "charge_select_entity": (Match(domain="select", translation_key="frc"),),
            }
        ),
        charge_select_options=("2", "1"),
        reads="total power (W), car connected",
        drives="requested current (A) and force state (charge / don't charge)",
        limits="While Headroom drives it the force state overrides go-e's own logic (Eco, schedules, "
        "access control); set it back to Neutral to hand control back",
    ),
    Profile(
        integration="goecharger",
        kind=EV_CHARGER,
        title="go-eCharger (cathiele)",
        source=Source(
            repo="cathiele/homeassistant-goecharger + cathiele/goecharger",
            commit="695ed2f60c99233d16b3b570f70849101c0f4c57",
            paths=(
                "custom_components/goecharger/__init__.py",
                "custom_components/goecharger/sensor.py",
                "custom_components/goecharger/switch.py",
                "goecharger/goecharger.py",
            ),
        ),
        roles=MappingProxyType(
            {
                # No device classes in this integration: its unique ids and units say what is what.
                "charger_power_entity": (Match(domain="sensor", unique_id_suffix="_p_all", units=("kW",)),),
                "plugged_entity": (Match(domain="sensor", unique_id_suffix="_car_status"),),
                "charge_switch_entity": (Match(domain="switch", unique_id_suffix="_allow_charging"),),
            }
        ),
        # GO_CAR_STATUS with a vehicle at the charger ('Charger ready, no vehicle' and 'unknown' without).
        connected_states=("charging", "Waiting for vehicle", "charging finished, vehicle still connected"),
        action=Action(
            domain="goecharger",
            service="set_max_current",
            data={"charger_name": CHARGER_ID, "max_current": AMPS},
        ),
        reads="total power (kW), car status",
        drives="max current (A) through set_max_current, addressed by the charger's name; its "
        "charging-allowed switch stops it",
        limits="The action clamps the current to 6-32 A, so 0 A is the switch's; no device classes, so "
        "the form's pickers do not offer its sensors (discovery fills them in)",
    ),
)
