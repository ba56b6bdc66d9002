"""Reading the inputs the plan needs (prices, PV forecasts, base load) from other integrations."""

from __future__ import annotations

import math

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
