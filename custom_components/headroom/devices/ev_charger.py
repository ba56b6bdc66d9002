"""EV chargers in Home Assistant: read plug, power, current limit and the car's SoC; write the
policy's current (A) to the charger's current or power number and charging switch, or to a
vendor action (OCPP, Easee)."""

from __future__ import annotations

from typing import Any

from homeassistant.const import STATE_ON, UnitOfPower
from homeassistant.core import HomeAssistant

from ..const import (
    CONF_CHARGE_SWITCH_ENTITY,
    CONF_CHARGER_POWER_ENTITY,
    CONF_CONTROL_ADAPTER,
    CONF_CURRENT_LIMIT_ENTITY,
    CONF_EV_SOC_ENTITY,
    CONF_PLUGGED_ENTITY,
    CONF_POWER_LIMIT_ENTITY,
    CONF_VENDOR_CHARGER_ID,
    RUNNING_THRESHOLD_KW,
    ChargerAdapter,
)
from ..planner.units import kw_from_amps
from ..policy.ev_charger import ChargerConfig
from ..policy.readings import ChargerReading, CurrentRange
from ..policy.setpoints import Setpoint
from ..sources import power_kw, state_number
from .command import Command, number_limits, set_number, switch_to

KEYS = {CONF_CURRENT_LIMIT_ENTITY: "current", CONF_POWER_LIMIT_ENTITY: "current", CONF_CHARGE_SWITCH_ENTITY: "switch"}


def read(hass: HomeAssistant, data: dict[str, Any]) -> ChargerReading:
    power = power_kw(hass.states.get(data.get(CONF_CHARGER_POWER_ENTITY) or ""))
    if plugged_entity := data.get(CONF_PLUGGED_ENTITY):
        state = hass.states.get(plugged_entity)
        plugged = state is not None and state.state == STATE_ON
    else:
        # Without a plug sensor, a charger drawing power is how a plug-in shows.
        plugged = (power or 0.0) > RUNNING_THRESHOLD_KW
    limit_entity = data.get(CONF_CURRENT_LIMIT_ENTITY)
    soc_entity = data.get(CONF_EV_SOC_ENTITY)
    accepted = None
    if limit_entity and ChargerAdapter(data.get(CONF_CONTROL_ADAPTER, ChargerAdapter.ENTITIES)) == \
            ChargerAdapter.ENTITIES:
        low, high, step = number_limits(hass.states.get(limit_entity))
        accepted = CurrentRange(min_a=low, max_a=high, step_a=step)
    return ChargerReading(
        plugged=plugged, power_kw=power,
        limit_a=state_number(hass.states.get(limit_entity)) if limit_entity else None,
        soc_percent=state_number(hass.states.get(soc_entity)) if soc_entity else None,
        current_range=accepted,
    )


def commands(hass: HomeAssistant, data: dict[str, Any], wanted: Setpoint) -> list[Command]:
    """The service calls that set the charger to ``wanted.amps`` (0: off)."""
    device_id, amps, delta = wanted.device_id, float(wanted.amps or 0.0), wanted.delta_kw
    adapter = ChargerAdapter(data.get(CONF_CONTROL_ADAPTER, ChargerAdapter.ENTITIES))
    number = data.get(CONF_CURRENT_LIMIT_ENTITY)
    out: list[Command | None] = []
    if adapter == ChargerAdapter.OCPP:
        payload: dict[str, Any] = {"limit_amps": amps}
        if charger_id := data.get(CONF_VENDOR_CHARGER_ID):
            payload["devid"] = charger_id
        out.append(Command(device_id, "current", "ocpp", "set_charge_rate", payload, delta))
    elif adapter == ChargerAdapter.EASEE:
        out.append(Command(device_id, "current", "easee", "set_charger_dynamic_limit",
                           {"charger_id": data.get(CONF_VENDOR_CHARGER_ID), "current": amps}, delta))
    elif number:
        n_min = number_limits(hass.states.get(number))[0]
        switch = data.get(CONF_CHARGE_SWITCH_ENTITY)
        # Off is 0 A where the number allows it; else the switch does it and the number stays.
        if amps > 0 or n_min <= 0 or not switch:
            out.append(set_number(device_id, "current", hass, number, amps if amps > 0 or n_min <= 0 else n_min,
                                  delta))
    elif power_number := data.get(CONF_POWER_LIMIT_ENTITY):
        pstate = hass.states.get(power_number)
        watts = pstate is not None and pstate.attributes.get("unit_of_measurement") == UnitOfPower.WATT
        kw = kw_from_amps(amps, ChargerConfig.from_data(data).phases)
        out.append(set_number(device_id, "current", hass, power_number, round(kw * 1000.0) if watts else round(kw, 2),
                              delta))
    if (switch := data.get(CONF_CHARGE_SWITCH_ENTITY)) and adapter == ChargerAdapter.ENTITIES:
        out.append(switch_to(device_id, "switch", hass, switch, amps > 0, delta))
    return [c for c in out if c is not None]
