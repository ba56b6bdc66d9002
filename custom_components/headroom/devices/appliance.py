"""Appliances in Home Assistant: running or not (power above a threshold, else the integration's operation
state, else the switch); started by a switch or a button, or by the integration's own action (Home Connect
starts its selected program), switched off only when the policy says the person allows it."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import CONF_NAME, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector

from .. import profiles
from ..const import (
    CONF_ALLOW_SWITCH_OFF,
    CONF_CONTROL_ADAPTER,
    CONF_EARLIEST_START,
    CONF_LATEST_FINISH,
    CONF_POWER_ENTITY,
    CONF_RUN_MINUTES,
    CONF_RUN_POWER_KW,
    CONF_SWITCH_ENTITY,
    CONF_VENDOR_DEVICE_ID,
    RUNNING_THRESHOLD_KW,
)
from ..descriptions import (
    ALLOCATED_CAPACITY,
    PLANNED_POWER,
    PRICE_SIGNAL,
    HeadroomSensorDescription,
    planned_start,
)
from ..forms import defaults_of, entity, number, phase_field
from ..policy.appliance import ApplianceConfig
from ..policy.readings import ApplianceReading
from ..policy.setpoints import Setpoint
from ..profiles import home_connect
from ..sources import power_kw
from .command import Command, switch_to

KEYS = {CONF_SWITCH_ENTITY: "switch"}
BUTTONS = ("button", "input_button")
# Where the integration's action starts the appliance (discovery fills these from its profile): the
# program to start, whether the appliance allows a remote start now, and its operation state.
CONF_PROGRAM_ENTITY = "program_entity"
CONF_REMOTE_START_ENTITY = "remote_start_entity"
CONF_OPERATION_STATE_ENTITY = "operation_state_entity"
ENTITIES_ADAPTER = "entities"


def read(hass: HomeAssistant, data: dict[str, Any]) -> ApplianceReading:
    """Running when its power sensor shows more than 0.05 kW; without a power reading, when its switch is
    on."""
    power = power_kw(hass.states.get(data.get(CONF_POWER_ENTITY) or ""))
    if power is None and (operation := data.get(CONF_OPERATION_STATE_ENTITY)):
        state = hass.states.get(operation)
        running = state is not None and state.state in home_connect.RUNNING_STATES
        return ApplianceReading(running=running, power_kw=None)
    if power is None and (switch := data.get(CONF_SWITCH_ENTITY)):
        state = hass.states.get(switch)
        return ApplianceReading(running=state is not None and state.state == STATE_ON, power_kw=None)
    return ApplianceReading(running=(power or 0.0) > RUNNING_THRESHOLD_KW, power_kw=power)


def commands(hass: HomeAssistant, data: dict[str, Any], wanted: Setpoint) -> list[Command]:
    """Start: press its button or turn its switch on. Stop: turn its switch off (a button cannot stop it).
    Nothing without a switch, or when it is already so. Through the integration's action where the form
    says so."""
    adapter = data.get(CONF_CONTROL_ADAPTER) or ENTITIES_ADAPTER
    if adapter != ENTITIES_ADAPTER:
        return _action_start(hass, data, wanted, adapter)
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


def _action_start(hass: HomeAssistant, data: dict[str, Any], wanted: Setpoint, adapter: str) -> list[Command]:
    """The integration's start action with the selected program, only when the plan says run, the
    appliance is ready (not running, delayed or waiting for the person) and allows a remote start: a
    start it would refuse is not sent. A program is never stopped."""
    action = profiles.action_for(adapter, profiles.APPLIANCE)
    if action is None or not wanted.on:
        return []
    remote = hass.states.get(data.get(CONF_REMOTE_START_ENTITY) or "")
    operation = hass.states.get(data.get(CONF_OPERATION_STATE_ENTITY) or "")
    program = hass.states.get(data.get(CONF_PROGRAM_ENTITY) or "")
    if remote is None or remote.state != STATE_ON or program is None or not program.state:
        return []
    if program.state in (STATE_UNKNOWN, STATE_UNAVAILABLE):
        return []
    if operation is None or operation.state != home_connect.READY_STATE:
        return []
    payload = action.payload(
        {profiles.DEVICE_ID: data.get(CONF_VENDOR_DEVICE_ID), home_connect.PROGRAM: program.state}
    )
    return [Command(wanted.device_id, "switch", action.domain, action.service, payload, wanted.delta_kw)]


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
    PRICE_SIGNAL,
)
