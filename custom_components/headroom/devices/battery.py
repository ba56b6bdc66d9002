"""Home batteries: read SoC, power and mode; drive the mode select (the plan's S2 mode mapped to
the person's chosen option) and a power setpoint number (positive = charging) when there is one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.const import UnitOfPower
from homeassistant.core import HomeAssistant

from ..const import (
    CONF_MODE_OPTION_PREFIX,
    CONF_MODE_SELECT_ENTITY,
    CONF_POWER_ENTITY,
    CONF_POWER_SETPOINT_ENTITY,
    CONF_SOC_ENTITY,
)
from ..sources import power_kw, state_number
from . import Command, number_limits, set_number

PLAN_MODES = ("idle", "self_consumption", "forced_charge", "forced_discharge", "non_export")


@dataclass(frozen=True)
class BatteryState:
    soc_percent: float | None
    power_kw: float | None
    mode: str | None


def read(hass: HomeAssistant, data: dict[str, Any]) -> BatteryState:
    select = hass.states.get(data.get(CONF_MODE_SELECT_ENTITY) or "")
    return BatteryState(
        soc_percent=state_number(hass.states.get(data[CONF_SOC_ENTITY])),
        power_kw=power_kw(hass.states.get(data.get(CONF_POWER_ENTITY) or "")),
        mode=select.state if select is not None else None,
    )


def commands(hass: HomeAssistant, device_id: str, data: dict[str, Any], mode: str | None, target_kw: float,
             state: BatteryState) -> list[Command]:
    out: list[Command | None] = []
    delta = target_kw - (state.power_kw or 0.0)
    select = data.get(CONF_MODE_SELECT_ENTITY)
    option = data.get(f"{CONF_MODE_OPTION_PREFIX}{mode}") if mode else None
    if select and option and state.mode != option:
        domain = select.split(".", 1)[0]
        out.append(Command(device_id, "mode", domain, "select_option", {"entity_id": select, "option": option},
                           delta, select, option))
    if setpoint := data.get(CONF_POWER_SETPOINT_ENTITY):
        sstate = hass.states.get(setpoint)
        low, high, step = number_limits(sstate)
        watts = sstate is not None and sstate.attributes.get("unit_of_measurement") == UnitOfPower.WATT
        value = target_kw * 1000.0 if watts else target_kw
        value = max(low, min(high, round(value / step) * step))
        out.append(set_number(device_id, "setpoint", hass, setpoint, value, delta))
    return [c for c in out if c is not None]
