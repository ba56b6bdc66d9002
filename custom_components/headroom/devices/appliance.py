"""Appliances in Home Assistant: running or not (power above a threshold, else the switch);
started by a switch or a button, switched off only when the policy says the person allows it."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import CONF_NAME, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector

from ..const import (
    CONF_ALLOW_SWITCH_OFF,
    CONF_EARLIEST_START,
    CONF_LATEST_FINISH,
    CONF_POWER_ENTITY,
    CONF_RUN_MINUTES,
    CONF_RUN_POWER_KW,
    CONF_SWITCH_ENTITY,
    RUNNING_THRESHOLD_KW,
)
from ..descriptions import ALLOCATED_CAPACITY, PLANNED_POWER, HeadroomSensorDescription, planned_start
from ..forms import defaults_of, entity, number, phase_field
from ..policy.appliance import ApplianceConfig
from ..policy.readings import ApplianceReading
from ..policy.setpoints import Setpoint
from ..sources import power_kw
from .command import Command, switch_to

KEYS = {CONF_SWITCH_ENTITY: "switch"}
BUTTONS = ("button", "input_button")


def read(hass: HomeAssistant, data: dict[str, Any]) -> ApplianceReading:
    """Running when its power sensor shows more than 0.05 kW; without a power reading, when its switch is
    on."""
    power = power_kw(hass.states.get(data.get(CONF_POWER_ENTITY) or ""))
    if power is None and (switch := data.get(CONF_SWITCH_ENTITY)):
        state = hass.states.get(switch)
        return ApplianceReading(running=state is not None and state.state == STATE_ON, power_kw=None)
    return ApplianceReading(running=(power or 0.0) > RUNNING_THRESHOLD_KW, power_kw=power)


def commands(hass: HomeAssistant, data: dict[str, Any], wanted: Setpoint) -> list[Command]:
    """Start: press its button or turn its switch on. Stop: turn its switch off (a button cannot stop it).
    Nothing without a switch, or when it is already so."""
    switch = data.get(CONF_SWITCH_ENTITY)
    if not switch:
        return []
    domain = switch.split(".", 1)[0]
    if wanted.on and domain in BUTTONS:
        return [
            Command(wanted.device_id, "switch", domain, "press", {"entity_id": switch}, wanted.delta_kw, None)
        ]
    if not wanted.on and domain in BUTTONS:
        return []
    command = switch_to(wanted.device_id, "switch", hass, switch, bool(wanted.on), wanted.delta_kw)
    return [command] if command else []


def schema(defaults: dict[str, Any]) -> vol.Schema:
    """The appliance's form; the defaults are the policy's."""
    d, s = defaults_of(defaults)
    base = ApplianceConfig()
    return vol.Schema(
        {
            vol.Required(CONF_NAME, **d(CONF_NAME, "Dishwasher")): str,
            vol.Optional(CONF_SWITCH_ENTITY, **s(CONF_SWITCH_ENTITY)): entity(
                ["switch", "input_boolean", "button", "input_button"]
            ),
            vol.Optional(CONF_POWER_ENTITY, **s(CONF_POWER_ENTITY)): entity(
                "sensor", SensorDeviceClass.POWER
            ),
            vol.Required(CONF_RUN_POWER_KW, **d(CONF_RUN_POWER_KW, base.run_power_kw)): number(
                0.05, 20, 0.05, "kW"
            ),
            vol.Required(CONF_RUN_MINUTES, **d(CONF_RUN_MINUTES, base.run_minutes)): number(5, 720, 5, "min"),
            vol.Required(
                CONF_EARLIEST_START, **d(CONF_EARLIEST_START, base.earliest_start.isoformat())
            ): selector.TimeSelector(),
            vol.Required(
                CONF_LATEST_FINISH, **d(CONF_LATEST_FINISH, base.latest_finish.isoformat())
            ): selector.TimeSelector(),
            vol.Required(
                CONF_ALLOW_SWITCH_OFF, **d(CONF_ALLOW_SWITCH_OFF, base.allow_switch_off)
            ): selector.BooleanSelector(),
            **phase_field(defaults),
        }
    )


def validate(user_input: dict[str, Any]) -> dict[str, str]:
    """Nothing to cross-check: the form's selectors bound every field."""
    return {}


SENSORS: tuple[HeadroomSensorDescription, ...] = (
    HeadroomSensorDescription(
        key="planned_start",
        translation_key="planned_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=planned_start,
    ),
    PLANNED_POWER,
    ALLOCATED_CAPACITY,
)
