"""EV chargers: read plug, power, current limit and the car's SoC; drive the current (A) or
power (W) number and the charging switch, or a vendor action (OCPP, Easee).

The plan's kW become whole steps of the charger's current: below the minimum current a
charger is off (0 A), never 1-5 A, which cars and chargers treat as an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.const import STATE_ON, UnitOfPower
from homeassistant.core import HomeAssistant

from ..const import (
    CONF_CHARGE_SWITCH_ENTITY,
    CONF_CHARGER_POWER_ENTITY,
    CONF_CONTROL_ADAPTER,
    CONF_CURRENT_LIMIT_ENTITY,
    CONF_EV_SOC_ENTITY,
    CONF_MAX_CURRENT_A,
    CONF_MIN_CURRENT_A,
    CONF_PHASES,
    CONF_PLUGGED_ENTITY,
    CONF_POWER_LIMIT_ENTITY,
    CONF_VENDOR_CHARGER_ID,
    RUNNING_THRESHOLD_KW,
    VOLTAGE_V,
    ChargerAdapter,
)
from ..planner.units import charger_amps as amps_for
from ..sources import power_kw, state_number
from . import Command, number_limits, set_number, switch_to


@dataclass(frozen=True)
class ChargerState:
    plugged: bool
    power_kw: float | None
    limit_a: float | None
    phases: int
    soc_percent: float | None


def read(hass: HomeAssistant, data: dict[str, Any]) -> ChargerState:
    power = power_kw(hass.states.get(data.get(CONF_CHARGER_POWER_ENTITY) or ""))
    if plugged_entity := data.get(CONF_PLUGGED_ENTITY):
        state = hass.states.get(plugged_entity)
        plugged = state is not None and state.state == STATE_ON
    else:
        # Without a plug sensor, a charger drawing power is how a plug-in shows.
        plugged = (power or 0.0) > RUNNING_THRESHOLD_KW
    limit_entity = data.get(CONF_CURRENT_LIMIT_ENTITY)
    soc_entity = data.get(CONF_EV_SOC_ENTITY)
    return ChargerState(
        plugged=plugged, power_kw=power,
        limit_a=state_number(hass.states.get(limit_entity)) if limit_entity else None,
        phases=int(data.get(CONF_PHASES, 3)),
        soc_percent=state_number(hass.states.get(soc_entity)) if soc_entity else None,
    )


def commands(hass: HomeAssistant, device_id: str, data: dict[str, Any], target_kw: float,
             state: ChargerState) -> list[Command]:
    phases = state.phases
    min_a, max_a = float(data.get(CONF_MIN_CURRENT_A, 6)), float(data[CONF_MAX_CURRENT_A])
    adapter = ChargerAdapter(data.get(CONF_CONTROL_ADAPTER, ChargerAdapter.ENTITIES))
    number = data.get(CONF_CURRENT_LIMIT_ENTITY)
    step_a = 1.0
    if number and adapter == ChargerAdapter.ENTITIES:
        n_min, n_max, step_a = number_limits(hass.states.get(number))
        max_a = min(max_a, n_max)
        min_a = max(min_a, n_min) if n_min > 0 else min_a
    amps = amps_for(target_kw, phases, min_a, max_a, step_a)
    delta = amps * phases * VOLTAGE_V / 1000.0 - (state.power_kw or 0.0)
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
        kw = amps * phases * VOLTAGE_V / 1000.0
        out.append(set_number(device_id, "current", hass, power_number, round(kw * 1000.0) if watts else round(kw, 2),
                              delta))
    if (switch := data.get(CONF_CHARGE_SWITCH_ENTITY)) and adapter == ChargerAdapter.ENTITIES:
        out.append(switch_to(device_id, "switch", hass, switch, amps > 0, delta))
    return [c for c in out if c is not None]
