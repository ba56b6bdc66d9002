"""EV chargers in Home Assistant: read plug, power, current limit and the car's SoC; write the
policy's current (A) to the charger's current or power number and charging switch, or to a
vendor action (OCPP, Easee)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import voluptuous as vol
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import CONF_NAME, PERCENTAGE, STATE_ON, UnitOfEnergy, UnitOfPower
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import selector
from homeassistant.helpers.typing import StateType

from .. import profiles
from ..const import (
    CONF_CHARGE_SELECT_ENTITY,
    CONF_CHARGE_SELECT_OFF,
    CONF_CHARGE_SELECT_ON,
    CONF_CHARGE_SWITCH_ENTITY,
    CONF_CHARGE_SWITCH_PAUSES,
    CONF_CHARGER_POWER_ENTITY,
    CONF_CONTROL_ADAPTER,
    CONF_CURRENT_LIMIT_ENTITY,
    CONF_DEFAULT_ENERGY_KWH,
    CONF_EV_CAPACITY_KWH,
    CONF_EV_SOC_ENTITY,
    CONF_EV_TARGET_SOC_ENTITY,
    CONF_MAX_CURRENT_A,
    CONF_MIN_CURRENT_A,
    CONF_PHASES,
    CONF_PLUGGED_ENTITY,
    CONF_PLUGGED_STATES,
    CONF_POWER_LIMIT_ENTITY,
    CONF_VENDOR_CHARGER_ID,
    CONF_VENDOR_DEVICE_ID,
    RUNNING_THRESHOLD_KW,
    ChargerAdapter,
)
from ..data import HeadroomData
from ..descriptions import (
    ALLOCATED_CAPACITY,
    PLANNED_POWER,
    PRICE_SIGNAL,
    HeadroomSensorDescription,
    planned_energy,
)
from ..forms import defaults_of, entity, number, phase_field
from ..planner.units import kw_from_amps
from ..policy.ev_charger import ChargerConfig
from ..policy.readings import ChargerReading, CurrentRange
from ..policy.setpoints import Setpoint
from ..sources import power_kw, state_number
from .command import Command, number_limits, select_to, set_number, switch_to

KEYS = {
    CONF_CURRENT_LIMIT_ENTITY: "current",
    CONF_POWER_LIMIT_ENTITY: "current",
    CONF_CHARGE_SWITCH_ENTITY: "switch",
    CONF_CHARGE_SELECT_ENTITY: "switch",
}


def read(hass: HomeAssistant, data: dict[str, Any]) -> ChargerReading:
    """Plugged in (its plug entity, else drawing more than 0.05 kW), power (kW), current limit (A), the
    car's SoC and charge target (%) and, when driven through its entities, the current range its
    number accepts."""
    power = power_kw(hass.states.get(data.get(CONF_CHARGER_POWER_ENTITY) or ""))
    if plugged_entity := data.get(CONF_PLUGGED_ENTITY):
        plugged = is_plugged(hass.states.get(plugged_entity), data.get(CONF_PLUGGED_STATES))
    else:
        # Without a plug entity, a charger drawing power is how a plug-in shows.
        plugged = (power or 0.0) > RUNNING_THRESHOLD_KW
    limit_entity = data.get(CONF_CURRENT_LIMIT_ENTITY)
    accepted = None
    if limit_entity and data.get(CONF_CONTROL_ADAPTER, ChargerAdapter.ENTITIES) == ChargerAdapter.ENTITIES:
        low, high, step = number_limits(hass.states.get(limit_entity))
        accepted = CurrentRange(min_a=low, max_a=high, step_a=step)
    soc_entity, target_entity = data.get(CONF_EV_SOC_ENTITY), data.get(CONF_EV_TARGET_SOC_ENTITY)
    return ChargerReading(
        plugged=plugged,
        power_kw=power,
        soc_percent=state_number(hass.states.get(soc_entity)) if soc_entity else None,
        current_range=accepted,
        target_soc_percent=state_number(hass.states.get(target_entity)) if target_entity else None,
    )


def is_plugged(state: State | None, connected: list[str] | None) -> bool:
    """A plug binary sensor (or switch) that is on; a plug *sensor* (a connector status) whose state is
    one of ``connected`` (compared without case), else of the states any known integration uses."""
    if state is None:
        return False
    if state.domain in ("binary_sensor", "input_boolean", "switch"):
        return state.state == STATE_ON
    wanted = {s.casefold() for s in (connected or profiles.connected_states())}
    return state.state.casefold() in wanted


def commands(hass: HomeAssistant, data: dict[str, Any], wanted: Setpoint) -> list[Command]:
    """The service calls that set the charger to ``wanted.amps`` (0: off): the integration's own
    action where the form says so, else its current or power number; and its charging switch or
    charge select, which stops it where the current cannot go to 0 A."""
    device_id, amps, delta = wanted.device_id, float(wanted.amps or 0.0), wanted.delta_kw
    adapter = data.get(CONF_CONTROL_ADAPTER, ChargerAdapter.ENTITIES)
    number = data.get(CONF_CURRENT_LIMIT_ENTITY)
    stopper = data.get(CONF_CHARGE_SWITCH_ENTITY) or data.get(CONF_CHARGE_SELECT_ENTITY)
    out: list[Command | None] = []
    if adapter != ChargerAdapter.ENTITIES:
        if (action := profiles.action_for(adapter, profiles.EV_CHARGER)) is None:
            return []
        # Stopped by its switch or select where it has one (go-e's action cannot go below 6 A).
        if amps > 0 or not stopper:
            out.append(_action(data, action, wanted, amps))
    elif number:
        n_min = number_limits(hass.states.get(number))[0]
        # Off is 0 A where the number allows it; else the switch or select does it and the number stays.
        if amps > 0 or n_min <= 0 or not stopper:
            out.append(
                set_number(
                    device_id, "current", hass, number, amps if amps > 0 or n_min <= 0 else n_min, delta
                )
            )
    elif power_number := data.get(CONF_POWER_LIMIT_ENTITY):
        pstate = hass.states.get(power_number)
        watts = pstate is not None and pstate.attributes.get("unit_of_measurement") == UnitOfPower.WATT
        kw = kw_from_amps(amps, ChargerConfig.from_data(data).phases)
        out.append(
            set_number(
                device_id, "current", hass, power_number, round(kw * 1000.0) if watts else round(kw, 2), delta
            )
        )
    if switch := data.get(CONF_CHARGE_SWITCH_ENTITY):
        # On charges; on a switch that pauses while on (V2C's), off does.
        on = (amps > 0) != bool(data.get(CONF_CHARGE_SWITCH_PAUSES))
        out.append(switch_to(device_id, "switch", hass, switch, on, delta))
    elif select := data.get(CONF_CHARGE_SELECT_ENTITY):
        option = data.get(CONF_CHARGE_SELECT_ON if amps > 0 else CONF_CHARGE_SELECT_OFF)
        out.append(select_to(device_id, "switch", hass, select, option, delta) if option else None)
    return [c for c in out if c is not None]


def _action(data: dict[str, Any], action: profiles.Action, wanted: Setpoint, amps: float) -> Command:
    """The vendor action with this command's values; whole amps as an int (the integers the
    vendors' schemas ask for)."""
    kw = kw_from_amps(amps, ChargerConfig.from_data(data).phases)
    payload = action.payload(
        {
            profiles.AMPS: int(amps) if amps.is_integer() else amps,
            profiles.WATTS: round(kw * 1000.0),
            profiles.KILOWATTS: round(kw, 2),
            profiles.DEVICE_ID: data.get(CONF_VENDOR_DEVICE_ID),
            profiles.CHARGER_ID: data.get(CONF_VENDOR_CHARGER_ID),
        }
    )
    payload = {k: v for k, v in payload.items() if v is not None}
    return Command(wanted.device_id, "current", action.domain, action.service, payload, wanted.delta_kw)


def schema(defaults: dict[str, Any]) -> vol.Schema:
    """The charger's form; the defaults are the policy's."""
    d, s = defaults_of(defaults)
    base = ChargerConfig()
    return vol.Schema(
        {
            vol.Required(CONF_NAME, **d(CONF_NAME, "EV charger")): str,
            vol.Required(CONF_CHARGER_POWER_ENTITY, **d(CONF_CHARGER_POWER_ENTITY)): entity(
                "sensor", SensorDeviceClass.POWER
            ),
            vol.Required(
                CONF_CONTROL_ADAPTER, **d(CONF_CONTROL_ADAPTER, ChargerAdapter.ENTITIES.value)
            ): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=[a.value for a in ChargerAdapter], translation_key=CONF_CONTROL_ADAPTER
                )
            ),
            vol.Optional(CONF_CURRENT_LIMIT_ENTITY, **s(CONF_CURRENT_LIMIT_ENTITY)): entity(
                ["number", "input_number"]
            ),
            vol.Optional(CONF_POWER_LIMIT_ENTITY, **s(CONF_POWER_LIMIT_ENTITY)): entity(
                ["number", "input_number"]
            ),
            vol.Optional(CONF_CHARGE_SWITCH_ENTITY, **s(CONF_CHARGE_SWITCH_ENTITY)): entity(
                ["switch", "input_boolean"]
            ),
            vol.Optional(
                CONF_CHARGE_SWITCH_PAUSES, **s(CONF_CHARGE_SWITCH_PAUSES)
            ): selector.BooleanSelector(),
            vol.Optional(CONF_CHARGE_SELECT_ENTITY, **s(CONF_CHARGE_SELECT_ENTITY)): entity(
                ["select", "input_select"]
            ),
            vol.Optional(CONF_CHARGE_SELECT_ON, **s(CONF_CHARGE_SELECT_ON)): str,
            vol.Optional(CONF_CHARGE_SELECT_OFF, **s(CONF_CHARGE_SELECT_OFF)): str,
            vol.Optional(CONF_VENDOR_CHARGER_ID, **s(CONF_VENDOR_CHARGER_ID)): str,
            vol.Optional(CONF_PLUGGED_ENTITY, **s(CONF_PLUGGED_ENTITY)): entity(
                ["binary_sensor", "sensor", "input_boolean"]
            ),
            vol.Optional(CONF_PLUGGED_STATES, **s(CONF_PLUGGED_STATES)): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=list(profiles.connected_states()), multiple=True, custom_value=True
                )
            ),
            vol.Optional(CONF_EV_SOC_ENTITY, **s(CONF_EV_SOC_ENTITY)): entity(["sensor", "input_number"]),
            vol.Optional(CONF_EV_TARGET_SOC_ENTITY, **s(CONF_EV_TARGET_SOC_ENTITY)): entity(
                ["sensor", "number", "input_number"]
            ),
            vol.Optional(CONF_EV_CAPACITY_KWH, **s(CONF_EV_CAPACITY_KWH)): number(5, 250, 0.5, "kWh"),
            vol.Required(CONF_PHASES, **d(CONF_PHASES, str(base.phases))): selector.SelectSelector(
                selector.SelectSelectorConfig(options=["1", "2", "3"])
            ),
            vol.Required(CONF_MIN_CURRENT_A, **d(CONF_MIN_CURRENT_A, base.min_current_a)): number(
                0, 32, 1, "A"
            ),
            vol.Required(CONF_MAX_CURRENT_A, **d(CONF_MAX_CURRENT_A, base.max_current_a)): number(
                6, 80, 1, "A"
            ),
            vol.Required(
                CONF_DEFAULT_ENERGY_KWH, **d(CONF_DEFAULT_ENERGY_KWH, base.default_energy_kwh)
            ): number(0, 200, 0.5, "kWh"),
            **phase_field(defaults),
        }
    )


def validate(user_input: dict[str, Any]) -> dict[str, str]:
    """Rejects a minimum current above the maximum, and a charge select without the options that
    charge and stop (Headroom would not know what to pick, and would drive nothing)."""
    if float(user_input[CONF_MIN_CURRENT_A]) > float(user_input[CONF_MAX_CURRENT_A]):
        return {CONF_MIN_CURRENT_A: "min_above_max"}
    if user_input.get(CONF_CHARGE_SELECT_ENTITY) and not (
        user_input.get(CONF_CHARGE_SELECT_ON) and user_input.get(CONF_CHARGE_SELECT_OFF)
    ):
        return {CONF_CHARGE_SELECT_ENTITY: "select_without_options"}
    return {}


def _expected_soc(data: HeadroomData, device_id: str, _: datetime) -> StateType:
    """The car's SoC at departure if the plan is followed; only when the car's SoC is known."""
    reading = data.readings.devices.get(device_id)
    config = data.devices.get(device_id)
    soc = reading.soc_percent if isinstance(reading, ChargerReading) else None
    capacity = ChargerConfig.from_data(config.data).capacity_kwh if config is not None else None
    if soc is None or not capacity:
        return None
    device = data.plan.devices.get(device_id)
    energy = device.energy_kwh if device is not None and device.energy_kwh else 0.0
    return round(min(100.0, soc + energy / capacity * 100.0), 1)


SENSORS: tuple[HeadroomSensorDescription, ...] = (
    PLANNED_POWER,
    ALLOCATED_CAPACITY,
    PRICE_SIGNAL,
    HeadroomSensorDescription(
        key="planned_energy",
        translation_key="planned_energy",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        value_fn=planned_energy,
    ),
    HeadroomSensorDescription(
        key="expected_soc",
        translation_key="expected_soc",
        # Not a battery level device class: that would put a forecast in the charger's header and in
        # low-battery automations.
        native_unit_of_measurement=PERCENTAGE,
        value_fn=_expected_soc,
        reasons=False,
    ),
)
