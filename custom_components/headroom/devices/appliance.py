"""Appliances in Home Assistant: running or not (power above a threshold, else the switch);
started by a switch or a button, switched off only when the policy says the person allows it."""

from __future__ import annotations

from typing import Any

from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant

from ..const import CONF_POWER_ENTITY, CONF_SWITCH_ENTITY, RUNNING_THRESHOLD_KW
from ..policy.readings import ApplianceReading
from ..policy.setpoints import Setpoint
from ..sources import power_kw
from .command import Command, switch_to

KEYS = {CONF_SWITCH_ENTITY: "switch"}
BUTTONS = ("button", "input_button")


def read(hass: HomeAssistant, data: dict[str, Any]) -> ApplianceReading:
    power = power_kw(hass.states.get(data.get(CONF_POWER_ENTITY) or ""))
    if power is None and (switch := data.get(CONF_SWITCH_ENTITY)):
        state = hass.states.get(switch)
        return ApplianceReading(running=state is not None and state.state == STATE_ON, power_kw=None)
    return ApplianceReading(running=(power or 0.0) > RUNNING_THRESHOLD_KW, power_kw=power)


def commands(hass: HomeAssistant, data: dict[str, Any], wanted: Setpoint) -> list[Command]:
    switch = data.get(CONF_SWITCH_ENTITY)
    if not switch:
        return []
    domain = switch.split(".", 1)[0]
    if wanted.on and domain in BUTTONS:
        return [Command(wanted.device_id, "switch", domain, "press", {"entity_id": switch}, wanted.delta_kw, None)]
    if not wanted.on and domain in BUTTONS:
        return []
    command = switch_to(wanted.device_id, "switch", hass, switch, bool(wanted.on), wanted.delta_kw)
    return [command] if command else []
