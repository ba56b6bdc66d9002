"""Service calls on a device's own entities, the vocabulary every kind module writes in.

A kind module turns the policy's ``Setpoint`` into ``Command``s; the controller paces them
(``policy.setpoints.paced``) and sends them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from homeassistant.const import UnitOfPower
from homeassistant.core import HomeAssistant, State

from ..sources import state_number


@dataclass(frozen=True)
class Command:
    """One service call. ``delta_kw`` is the change in the device's power it asks for: negative
    commands lower the load and go out first; ``key`` names what is set (for rate limits and for
    telling a person's change from ours); ``expect`` is the entity state the command leads to."""

    device_id: str
    key: str
    domain: str
    service: str
    data: dict[str, Any] = field(default_factory=dict)
    delta_kw: float = 0.0
    entity_id: str | None = None
    expect: str | None = None


def number_limits(state: State | None) -> tuple[float, float, float]:
    """A number entity's (min, max, step); generous defaults when it does not say."""
    if state is None:
        return 0.0, 1e9, 1.0
    attrs = state.attributes
    return float(attrs.get("min", 0.0)), float(attrs.get("max", 1e9)), float(attrs.get("step", 1.0)) or 1.0


def set_number(
    device_id: str, key: str, hass: HomeAssistant, entity_id: str, value: float, delta_kw: float
) -> Command | None:
    """``number.set_value`` (or ``input_number``), only when the value differs from the state."""
    state = hass.states.get(entity_id)
    if state is not None and state_number(state) is not None and abs(state_number(state) - value) < 1e-6:  # type: ignore[operator]
        return None
    domain = entity_id.split(".", 1)[0]
    return Command(
        device_id,
        key,
        domain,
        "set_value",
        {"entity_id": entity_id, "value": value},
        delta_kw,
        entity_id,
        _as_state(value),
    )


def switch_to(
    device_id: str, key: str, hass: HomeAssistant, entity_id: str, on: bool, delta_kw: float
) -> Command | None:
    """``turn_on``/``turn_off`` (the ``homeassistant`` action outside switch and input_boolean), only when
    the entity is not in that state already."""
    state = hass.states.get(entity_id)
    wanted = "on" if on else "off"
    if state is not None and state.state == wanted:
        return None
    domain = entity_id.split(".", 1)[0]
    return Command(
        device_id,
        key,
        domain if domain in ("switch", "input_boolean") else "homeassistant",
        "turn_on" if on else "turn_off",
        {"entity_id": entity_id},
        delta_kw,
        entity_id,
        wanted,
    )


def select_to(
    device_id: str, key: str, hass: HomeAssistant, entity_id: str, option: str, delta_kw: float
) -> Command | None:
    """``select_option`` (or ``input_select``'s), only when the select shows another option."""
    state = hass.states.get(entity_id)
    if state is not None and state.state == option:
        return None
    domain = entity_id.split(".", 1)[0]
    return Command(
        device_id,
        key,
        domain,
        "select_option",
        {"entity_id": entity_id, "option": option},
        delta_kw,
        entity_id,
        option,
    )


def _as_state(value: float) -> str:
    """How HA writes a number's state (``16.0``), so that our own writes can be recognised."""
    return str(float(value))


def set_power(
    device_id: str, key: str, hass: HomeAssistant, entity_id: str, power_kw: float, delta_kw: float
) -> Command | None:
    """A power number set in its own unit (W or kW), kept in its range and rounded down to its step:
    never more drawn than planned (a 5.06 kW charge on a 100 W step is 5,000 W, not 5,100 W, which
    would put a plan that fills the fuse above it), and a discharge rounds to a little more."""
    state = hass.states.get(entity_id)
    low, high, step = number_limits(state)
    watts = state is not None and state.attributes.get("unit_of_measurement") == UnitOfPower.WATT
    value = power_kw * 1000.0 if watts else power_kw
    stepped = math.floor(value / step + 1e-9) * step
    return set_number(device_id, key, hass, entity_id, max(low, min(high, stepped)), delta_kw)
