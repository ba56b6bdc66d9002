"""Home batteries in Home Assistant: read SoC, power and mode; write the policy's mode (mapped to
the option the person chose for it) and a power setpoint number (positive = charging)."""

from __future__ import annotations

import math
from typing import Any

import voluptuous as vol
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import selector

from .. import profiles
from ..const import (
    CONF_CAPACITY_KWH,
    CONF_CONTROL_ADAPTER,
    CONF_DISCHARGE_POSITIVE,
    CONF_MAX_CHARGE_KW,
    CONF_MAX_DISCHARGE_KW,
    CONF_MIN_SOC_PERCENT,
    CONF_MODE_DETAIL_OPTION_PREFIX,
    CONF_MODE_DETAIL_SELECT_ENTITY,
    CONF_MODE_OPTION_PREFIX,
    CONF_MODE_SELECT_ENTITY,
    CONF_POWER_ENTITY,
    CONF_POWER_SETPOINT_ENTITY,
    CONF_SOC_ENTITY,
    CONF_VENDOR_DEVICE_ID,
)
from ..descriptions import (
    ALLOCATED_CAPACITY,
    PLANNED_POWER,
    STORED_ENERGY,
    HeadroomSensorDescription,
    mode_now,
    planned_modes,
)
from ..forms import defaults_of, entity, number, phase_field
from ..policy.battery import DEFAULT_MIN_SOC_PERCENT, PLAN_MODES
from ..policy.checks import battery_sign
from ..policy.readings import BatteryReading
from ..policy.setpoints import Setpoint
from ..sources import power_kw, state_number
from .command import Command, set_power

KEYS = {
    CONF_MODE_SELECT_ENTITY: "mode",
    CONF_MODE_DETAIL_SELECT_ENTITY: "mode_detail",
    CONF_POWER_SETPOINT_ENTITY: "setpoint",
}
# A vendor's timed forced mode without a planned run to follow (a fuse cut) lasts this long (min),
# and never longer than a day (Huawei's forcible charge takes 1 to 1440 minutes).
DEFAULT_HOLD_MINUTES = 15.0
MAX_HOLD_MINUTES = 1440


def read(hass: HomeAssistant, data: dict[str, Any]) -> BatteryReading:
    """SoC (%) from its sensor, power (kW, charging positive, whichever way its sensor counts) from its
    power sensor if any, and the mode select's current option."""
    select = hass.states.get(data.get(CONF_MODE_SELECT_ENTITY) or "")
    power = power_kw(hass.states.get(data.get(CONF_POWER_ENTITY) or ""))
    return BatteryReading(
        soc_percent=state_number(hass.states.get(data[CONF_SOC_ENTITY])),
        power_kw=None if power is None else battery_sign(data) * power,
        mode=select.state if select is not None else None,
    )


def commands(hass: HomeAssistant, data: dict[str, Any], wanted: Setpoint) -> list[Command]:
    """The mode, as the option the person mapped to the plan's mode (only when it differs), with the
    second select its integration needs beside it; and the power setpoint in the number's own unit
    (W or kW), rounded to its step and kept within its range."""
    device_id, delta, target_kw = wanted.device_id, wanted.delta_kw, wanted.power_kw
    mode = _select(hass, data, wanted, "mode", CONF_MODE_SELECT_ENTITY, CONF_MODE_OPTION_PREFIX)
    detail = _select(
        hass, data, wanted, "mode_detail", CONF_MODE_DETAIL_SELECT_ENTITY, CONF_MODE_DETAIL_OPTION_PREFIX
    )
    profile = profiles.profile_for(data.get(CONF_CONTROL_ADAPTER) or _platform(hass, data), profiles.BATTERY)
    out: list[Command | None] = (
        [detail, mode] if profile is not None and profile.detail_first else [mode, detail]
    )
    if setpoint := data.get(CONF_POWER_SETPOINT_ENTITY):
        out.append(set_power(device_id, "setpoint", hass, setpoint, target_kw, delta))
    out.append(_mode_action(data, wanted))
    return [c for c in out if c is not None]


def _select(
    hass: HomeAssistant, data: dict[str, Any], wanted: Setpoint, key: str, role: str, prefix: str
) -> Command | None:
    """``select_option`` on the select playing ``role``, to the option mapped to the plan's mode, when
    it is not there already."""
    select = data.get(role)
    option = data.get(f"{prefix}{wanted.mode}") if wanted.mode else None
    state = hass.states.get(select) if select else None
    if not select or not option or (state is not None and state.state == option):
        return None
    return Command(
        wanted.device_id,
        key,
        select.split(".", 1)[0],
        "select_option",
        {"entity_id": select, "option": option},
        wanted.delta_kw,
        select,
        option,
    )


def _platform(hass: HomeAssistant, data: dict[str, Any]) -> str:
    """The integration whose entity the mode select is (its profile says in which order to write)."""
    entry = er.async_get(hass).async_get(data.get(CONF_MODE_SELECT_ENTITY) or "")
    return entry.platform if entry is not None else ""


def _mode_action(data: dict[str, Any], wanted: Setpoint) -> Command | None:
    """The integration's own action for the plan's mode, where its profile drives the battery by
    actions (Huawei's forcible charge and discharge): the power in W, for as long as the plan holds
    the mode, on the integration's battery device."""
    profile = profiles.profile_for(data.get(CONF_CONTROL_ADAPTER) or "", profiles.BATTERY)
    action = profile.mode_actions.get(wanted.mode or "") if profile is not None else None
    if action is None:
        return None
    minutes = math.ceil(wanted.hold_minutes or DEFAULT_HOLD_MINUTES)
    payload = action.payload(
        {
            profiles.WATTS: max(round(wanted.power_kw * 1000.0), 0),
            profiles.DISCHARGE_WATTS: max(round(-wanted.power_kw * 1000.0), 0),
            profiles.MINUTES: min(max(minutes, 1), MAX_HOLD_MINUTES),
            profiles.DEVICE_ID: data.get(CONF_VENDOR_DEVICE_ID),
        }
    )
    return Command(wanted.device_id, "action", action.domain, action.service, payload, wanted.delta_kw)


def schema(defaults: dict[str, Any]) -> vol.Schema:
    """The battery's form (a second step maps the mode select's options to the plan's modes)."""
    d, s = defaults_of(defaults)
    return vol.Schema(
        {
            vol.Required(CONF_NAME, **d(CONF_NAME, "Home battery")): str,
            vol.Required(CONF_SOC_ENTITY, **d(CONF_SOC_ENTITY)): entity(["sensor", "input_number"]),
            vol.Optional(CONF_POWER_ENTITY, **s(CONF_POWER_ENTITY)): entity(
                "sensor", SensorDeviceClass.POWER
            ),
            vol.Required(
                CONF_DISCHARGE_POSITIVE, **d(CONF_DISCHARGE_POSITIVE, False)
            ): selector.BooleanSelector(),
            vol.Optional(CONF_MODE_SELECT_ENTITY, **s(CONF_MODE_SELECT_ENTITY)): entity(
                ["select", "input_select"]
            ),
            vol.Optional(CONF_POWER_SETPOINT_ENTITY, **s(CONF_POWER_SETPOINT_ENTITY)): entity(
                ["number", "input_number"]
            ),
            vol.Required(CONF_CAPACITY_KWH, **d(CONF_CAPACITY_KWH, 10)): number(0.5, 500, 0.1, "kWh"),
            vol.Required(CONF_MIN_SOC_PERCENT, **d(CONF_MIN_SOC_PERCENT, DEFAULT_MIN_SOC_PERCENT)): number(
                0, 90, 1, "%"
            ),
            vol.Required(CONF_MAX_CHARGE_KW, **d(CONF_MAX_CHARGE_KW, 5)): number(0.1, 100, 0.1, "kW"),
            vol.Required(CONF_MAX_DISCHARGE_KW, **d(CONF_MAX_DISCHARGE_KW, 5)): number(0.1, 100, 0.1, "kW"),
            **phase_field(defaults),
        }
    )


def validate(user_input: dict[str, Any]) -> dict[str, str]:
    """Nothing to cross-check: the form's selectors bound every field."""
    return {}


SENSORS: tuple[HeadroomSensorDescription, ...] = (
    PLANNED_POWER,
    ALLOCATED_CAPACITY,
    HeadroomSensorDescription(
        key="planned_mode",
        translation_key="planned_mode",
        device_class=SensorDeviceClass.ENUM,
        options=list(PLAN_MODES),
        value_fn=mode_now,
        series_fn=planned_modes,
    ),
    STORED_ENERGY,
)
