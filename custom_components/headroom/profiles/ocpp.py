"""OCPP (lbbrhzn/ocpp): a charge point's entities, as its code names them.

Read from lbbrhzn/ocpp at a37fed39d852d393312d107cf915fea546df5088: custom_components/ocpp/sensor.py and
const.py (``sensor_unique_id``: "ocpp.<cpid>[.conn<n>].<measurand, lower case, dots as _>.sensor"; power's
device class from its unit, W or kW), number.py ("number.ocpp.<cpid>[.conn<n>].maximum_current", A, 0 to
the charger's maximum, step 1: setting it sends the charge point a SetChargingProfile), switch.py
(``charge_control`` starts and stops transactions: not used, a stop ends the session), enums.py and
ocppv201.py (``Status.Connector`` speaks OCPP 1.6's ChargePointStatus), api.py (``set_charge_rate``:
optional ``devid`` (HA charger id or OCPP id), ``limit_amps`` >= 0, ``conn_id``).
"""

from __future__ import annotations

from types import MappingProxyType

from . import AMPS, CHARGER_ID, EV_CHARGER, Action, Match, Profile, Source

PROFILES = (
    Profile(
        integration="ocpp",
        kind=EV_CHARGER,
        title="OCPP",
        source=Source(
            repo="lbbrhzn/ocpp",
            commit="a37fed39d852d393312d107cf915fea546df5088",
            paths=(
                "custom_components/ocpp/sensor.py",
                "custom_components/ocpp/const.py",
                "custom_components/ocpp/number.py",
                "custom_components/ocpp/api.py",
            ),
        ),
        roles=MappingProxyType(
            {
                # The import measurand only: a charger that also reports export must not be read as
                # drawing what it feeds back.
                "charger_power_entity": (
                    Match(
                        domain="sensor", unique_id_suffix=".power_active_import.sensor", device_class="power"
                    ),
                ),
                "current_limit_entity": (Match(domain="number", unique_id_suffix=".maximum_current"),),
                "plugged_entity": (Match(domain="sensor", unique_id_suffix=".status_connector.sensor"),),
                "ev_soc_entity": (Match(domain="sensor", unique_id_suffix=".soc.sensor"),),
            }
        ),
        # OCPP 1.6 ChargePointStatus with a vehicle at the connector (2.0.1's Occupied arrives as Preparing).
        connected_states=("Preparing", "Charging", "SuspendedEVSE", "SuspendedEV", "Finishing"),
        action=Action(
            domain="ocpp", service="set_charge_rate", data={"devid": CHARGER_ID, "limit_amps": AMPS}
        ),
        reads="power (Power.Active.Import), connector status, SoC where the charger reports it",
        drives="maximum current (A)",
        limits="One connector per charger; the charge-control switch is not used (it ends the transaction)",
    ),
)
