"""Home batteries in Home Assistant: read SoC, power and mode; write the policy's mode (mapped to
the option the person chose for it) and a power setpoint number (positive = charging)."""

from __future__ import annotations

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
from ..policy.readings import BatteryReading
from ..policy.setpoints import Setpoint
from ..sources import power_kw, state_number
from .command import Command, number_limits, set_number

KEYS = {CONF_MODE_SELECT_ENTITY: "mode", CONF_POWER_SETPOINT_ENTITY: "setpoint"}


def read(hass: HomeAssistant, data: dict[str, Any]) -> BatteryReading:
    select = hass.states.get(data.get(CONF_MODE_SELECT_ENTITY) or "")
    return BatteryReading(
        soc_percent=state_number(hass.states.get(data[CONF_SOC_ENTITY])),
        power_kw=power_kw(hass.states.get(data.get(CONF_POWER_ENTITY) or "")),
        mode=select.state if select is not None else None,
    )


def commands(hass: HomeAssistant, data: dict[str, Any], wanted: Setpoint) -> list[Command]:
    device_id, delta, target_kw = wanted.device_id, wanted.delta_kw, wanted.power_kw
    out: list[Command | None] = []
    select = data.get(CONF_MODE_SELECT_ENTITY)
    option = data.get(f"{CONF_MODE_OPTION_PREFIX}{wanted.mode}") if wanted.mode else None
    state = hass.states.get(select) if select else None
    if select and option and (state is None or state.state != option):
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
