"""Thermal storage in Home Assistant: a water heater read by its temperature (a sensor, or a
``water_heater`` entity's current temperature) and driven by its element's switch, a power number
(a modulating heat pump), or a ``water_heater`` entity's target temperature (boost to the highest
temperature to heat now; back to the lowest usable to let it cool, its own thermostat keeping that)."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import ATTR_TEMPERATURE, CONF_NAME, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector

from ..const import (
    CONF_COMFORT_TEMPERATURE,
    CONF_DAILY_USE_KWH,
    CONF_EFFICIENCY,
    CONF_ELEMENT_KW,
    CONF_LOSS_C_PER_HOUR,
    CONF_MAX_TEMPERATURE,
    CONF_MIN_TEMPERATURE,
    CONF_MODULATING,
    CONF_POWER_ENTITY,
    CONF_POWER_SETPOINT_ENTITY,
    CONF_SWITCH_ENTITY,
    CONF_TEMPERATURE_ENTITY,
    CONF_USE_TIMES,
    CONF_VOLUME_LITRES,
    CONF_WATER_HEATER_ENTITY,
)
from ..descriptions import ALLOCATED_CAPACITY, PLANNED_POWER, STORED_ENERGY, HeadroomSensorDescription
from ..forms import defaults_of, entity, number, phase_field
from ..policy.readings import ThermalReading
from ..policy.setpoints import Setpoint
from ..policy.thermal import ThermalConfig, parse_times
from ..sources import power_kw, state_number
from .command import Command, set_power, switch_to

KEYS = {
    CONF_SWITCH_ENTITY: "switch",
    CONF_POWER_SETPOINT_ENTITY: "setpoint",
    CONF_WATER_HEATER_ENTITY: "target",
}
ATTR_CURRENT_TEMPERATURE = "current_temperature"


def read(hass: HomeAssistant, data: dict[str, Any]) -> ThermalReading:
    """Temperature (°C) from its sensor, else the water heater's current temperature; power (kW) if
    measured; heating while its element's switch is on."""
    heater = hass.states.get(data.get(CONF_WATER_HEATER_ENTITY) or "")
    if sensor := data.get(CONF_TEMPERATURE_ENTITY):
        temperature = state_number(hass.states.get(sensor))
    else:
        value = heater.attributes.get(ATTR_CURRENT_TEMPERATURE) if heater is not None else None
        temperature = float(value) if isinstance(value, (int, float)) else None
    switch = hass.states.get(data.get(CONF_SWITCH_ENTITY) or "")
    return ThermalReading(
        temperature_c=temperature,
        power_kw=power_kw(hass.states.get(data.get(CONF_POWER_ENTITY) or "")),
        heating=switch.state == STATE_ON if switch is not None else None,
    )


def commands(hass: HomeAssistant, data: dict[str, Any], wanted: Setpoint) -> list[Command]:
    """Heat or not, through whatever the person configured: the element's switch, a power setpoint (W or
    kW, rounded and kept in range), and the water heater's target (its highest temperature to heat now,
    its lowest usable to let it cool)."""
    device_id, on, delta = wanted.device_id, bool(wanted.on), wanted.delta_kw
    out: list[Command | None] = []
    if switch := data.get(CONF_SWITCH_ENTITY):
        out.append(switch_to(device_id, "switch", hass, switch, on, delta))
    if setpoint := data.get(CONF_POWER_SETPOINT_ENTITY):
        out.append(set_power(device_id, "setpoint", hass, setpoint, wanted.power_kw, delta))
    if heater := data.get(CONF_WATER_HEATER_ENTITY):
        config = ThermalConfig.from_data(data)
        target = config.max_temp_c if on else config.min_temp_c
        state = hass.states.get(heater)
        if state is None or state.attributes.get(ATTR_TEMPERATURE) != target:
            out.append(
                Command(
                    device_id,
                    "target",
                    "water_heater",
                    "set_temperature",
                    {"entity_id": heater, ATTR_TEMPERATURE: target},
                    delta,
                )
            )
    return [c for c in out if c is not None]


def schema(defaults: dict[str, Any]) -> vol.Schema:
    """The heat store's form; the defaults are the policy's (a 150 l, 3 kW geyser)."""
    d, s = defaults_of(defaults)
    base = ThermalConfig()
    return vol.Schema(
        {
            vol.Required(CONF_NAME, **d(CONF_NAME, "Water heater")): str,
            vol.Optional(CONF_TEMPERATURE_ENTITY, **s(CONF_TEMPERATURE_ENTITY)): entity(
                ["sensor", "input_number"], SensorDeviceClass.TEMPERATURE
            ),
            vol.Optional(CONF_WATER_HEATER_ENTITY, **s(CONF_WATER_HEATER_ENTITY)): entity("water_heater"),
            vol.Optional(CONF_SWITCH_ENTITY, **s(CONF_SWITCH_ENTITY)): entity(["switch", "input_boolean"]),
            vol.Optional(CONF_POWER_SETPOINT_ENTITY, **s(CONF_POWER_SETPOINT_ENTITY)): entity(
                ["number", "input_number"]
            ),
            vol.Optional(CONF_POWER_ENTITY, **s(CONF_POWER_ENTITY)): entity(
                "sensor", SensorDeviceClass.POWER
            ),
            vol.Required(CONF_VOLUME_LITRES, **d(CONF_VOLUME_LITRES, base.volume_litres)): number(
                10, 2000, 10, "L"
            ),
            vol.Required(CONF_MIN_TEMPERATURE, **d(CONF_MIN_TEMPERATURE, base.min_temp_c)): number(
                10, 90, 1, "°C"
            ),
            vol.Required(
                CONF_COMFORT_TEMPERATURE, **d(CONF_COMFORT_TEMPERATURE, base.comfort_temp_c)
            ): number(10, 90, 1, "°C"),
            vol.Required(CONF_MAX_TEMPERATURE, **d(CONF_MAX_TEMPERATURE, base.max_temp_c)): number(
                10, 95, 1, "°C"
            ),
            vol.Required(
                CONF_USE_TIMES, **d(CONF_USE_TIMES, ", ".join(t.strftime("%H:%M") for t in base.use_times))
            ): str,
            vol.Required(CONF_DAILY_USE_KWH, **d(CONF_DAILY_USE_KWH, base.daily_use_kwh)): number(
                0, 100, 0.1, "kWh"
            ),
            vol.Required(CONF_ELEMENT_KW, **d(CONF_ELEMENT_KW, base.element_kw)): number(0.1, 30, 0.1, "kW"),
            vol.Required(CONF_MODULATING, **d(CONF_MODULATING, base.modulating)): selector.BooleanSelector(),
            vol.Required(CONF_EFFICIENCY, **d(CONF_EFFICIENCY, base.efficiency)): number(0.5, 6, 0.1, "x"),
            vol.Required(CONF_LOSS_C_PER_HOUR, **d(CONF_LOSS_C_PER_HOUR, base.loss_c_per_hour)): number(
                0, 5, 0.1, "°C/h"
            ),
            **phase_field(defaults),
        }
    )


def validate(user_input: dict[str, Any]) -> dict[str, str]:
    """It needs a temperature to read and a control to drive; the temperatures in order."""
    if not user_input.get(CONF_TEMPERATURE_ENTITY) and not user_input.get(CONF_WATER_HEATER_ENTITY):
        return {CONF_TEMPERATURE_ENTITY: "no_temperature"}
    if not any(user_input.get(k) for k in KEYS):
        return {CONF_SWITCH_ENTITY: "no_control"}
    low, comfort, high = (
        float(user_input[k]) for k in (CONF_MIN_TEMPERATURE, CONF_COMFORT_TEMPERATURE, CONF_MAX_TEMPERATURE)
    )
    if not low <= comfort < high:
        return {CONF_COMFORT_TEMPERATURE: "temperatures_out_of_order"}
    try:
        parse_times(user_input[CONF_USE_TIMES])
    except ValueError:
        return {CONF_USE_TIMES: "invalid_times"}
    return {}


SENSORS: tuple[HeadroomSensorDescription, ...] = (PLANNED_POWER, ALLOCATED_CAPACITY, STORED_ENERGY)
