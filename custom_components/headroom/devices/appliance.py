"""Appliances: running or not (power above a threshold); started by a switch or a button at the
planned start. One that runs is never switched off unless the person allowed it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant

from ..const import (
    CONF_ALLOW_SWITCH_OFF,
    CONF_POWER_ENTITY,
    CONF_RUN_POWER_KW,
    CONF_SWITCH_ENTITY,
    RUNNING_THRESHOLD_KW,
)
from ..sources import power_kw
from . import Command, switch_to


@dataclass(frozen=True)
class ApplianceState:
    running: bool
    power_kw: float | None


def read(hass: HomeAssistant, data: dict[str, Any]) -> ApplianceState:
    power = power_kw(hass.states.get(data.get(CONF_POWER_ENTITY) or ""))
    if power is None and (switch := data.get(CONF_SWITCH_ENTITY)):
        state = hass.states.get(switch)
        return ApplianceState(running=state is not None and state.state == STATE_ON, power_kw=None)
    return ApplianceState(running=(power or 0.0) > RUNNING_THRESHOLD_KW, power_kw=power)


def commands(hass: HomeAssistant, device_id: str, data: dict[str, Any], run_now: bool,
             state: ApplianceState) -> list[Command]:
    switch = data.get(CONF_SWITCH_ENTITY)
    if not switch:
        return []
    run_kw = float(data[CONF_RUN_POWER_KW])
    domain = switch.split(".", 1)[0]
    if run_now and not state.running:
        if domain in ("button", "input_button"):
            return [Command(device_id, "switch", domain, "press", {"entity_id": switch}, run_kw, None)]
        command = switch_to(device_id, "switch", hass, switch, True, run_kw)
        return [command] if command else []
    if not run_now and state.running and data.get(CONF_ALLOW_SWITCH_OFF) and domain not in ("button", "input_button"):
        command = switch_to(device_id, "switch", hass, switch, False, -run_kw)
        return [command] if command else []
    return []
