"""Form building blocks every form uses: the site's and each device kind's (``devices/<kind>.py``)."""

from __future__ import annotations

from typing import Any, Literal

import voluptuous as vol
from homeassistant.helpers import selector

from .const import CONF_PHASE, PHASE_ALL, PHASE_NAMES


def entity(domain: str | list[str], device_class: str | list[str] | None = None) -> selector.EntitySelector:
    """An entity picker limited to the given domains (and device classes)."""
    config = selector.EntitySelectorConfig(domain=domain)
    if device_class is not None:
        config = selector.EntitySelectorConfig(domain=domain, device_class=device_class)
    return selector.EntitySelector(config)


def number(
    minimum: float, maximum: float, step: float | Literal["any"], unit: str
) -> selector.NumberSelector:
    """A number box with bounds, step and unit (kW, kWh, A, %, min)."""
    return selector.NumberSelector(
        selector.NumberSelectorConfig(
            min=minimum,
            max=maximum,
            step=step,
            unit_of_measurement=unit,
            mode=selector.NumberSelectorMode.BOX,
        )
    )


def defaults_of(defaults: dict[str, Any]) -> tuple[Any, Any]:
    """The two field helpers of a form: ``d(key, fallback)`` gives a default (required fields), ``s(key)``
    a suggested value that can be cleared (optional entities)."""

    def d(key: str, fallback: Any = None) -> dict[str, Any]:
        value = defaults.get(key, fallback)
        return {} if value is None else {"default": value}

    def s(key: str) -> dict[str, Any]:
        value = defaults.get(key)
        return {} if value is None else {"description": {"suggested_value": value}}

    return d, s


def phase_field(defaults: dict[str, Any]) -> dict[Any, Any]:
    """The phase a device is wired to, for the per-phase fuse: one of L1-L3 for a single-phase
    device, "all" for a balanced three-phase one (every kind's form has it)."""
    return {
        vol.Required(CONF_PHASE, default=defaults.get(CONF_PHASE) or PHASE_ALL): selector.SelectSelector(
            selector.SelectSelectorConfig(options=[PHASE_ALL, *PHASE_NAMES], translation_key=CONF_PHASE)
        )
    }
