"""Reading the inputs the plan needs (prices, PV forecasts, base load) from other integrations."""

from __future__ import annotations

import math

from homeassistant.const import UnitOfPower
from homeassistant.core import State


def state_number(state: State | None) -> float | None:
    """A state's value as a finite number, None when unavailable, unknown or not a number."""
    if state is None:
        return None
    try:
        value = float(state.state)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def power_kw(state: State | None) -> float | None:
    """A power state in kW (W, kW and MW understood), None when unavailable."""
    value = state_number(state)
    if state is None or value is None:
        return None
    unit = state.attributes.get("unit_of_measurement")
    if unit == UnitOfPower.WATT:
        return value / 1000.0
    if unit == UnitOfPower.MEGA_WATT:
        return value * 1000.0
    return value
