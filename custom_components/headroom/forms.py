"""Form building blocks every form uses: the site's and each device kind's (``devices/<kind>.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import voluptuous as vol
from homeassistant.const import PERCENTAGE, UnitOfElectricCurrent, UnitOfPower, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import selector

from .const import (
    CONF_CHARGER_POWER_ENTITY,
    CONF_CURRENT_LIMIT_ENTITY,
    CONF_EV_SOC_ENTITY,
    CONF_EV_TARGET_SOC_ENTITY,
    CONF_PHASE,
    CONF_POWER_ENTITY,
    CONF_POWER_LIMIT_ENTITY,
    CONF_POWER_SETPOINT_ENTITY,
    CONF_SOC_ENTITY,
    CONF_TEMPERATURE_ENTITY,
    DOMAIN,
    PHASE_ALL,
    PHASE_NAMES,
)

# What each entity field measures, as the units its entity may carry (an entity without a unit is
# taken as it is: many template and helper entities have none). A price sensor picked as a car's SoC
# or a percentage as a power is refused before it misleads a plan.
POWER_UNITS = tuple(u.value for u in UnitOfPower)
FIELD_UNITS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    CONF_CHARGER_POWER_ENTITY: ("unit_not_power", POWER_UNITS),
    CONF_POWER_ENTITY: ("unit_not_power", POWER_UNITS),
    CONF_POWER_LIMIT_ENTITY: ("unit_not_power", POWER_UNITS),
    CONF_POWER_SETPOINT_ENTITY: ("unit_not_power", POWER_UNITS),
    CONF_EV_SOC_ENTITY: ("unit_not_percent", (PERCENTAGE,)),
    CONF_SOC_ENTITY: ("unit_not_percent", (PERCENTAGE,)),
    CONF_EV_TARGET_SOC_ENTITY: ("unit_not_percent", (PERCENTAGE,)),
    CONF_CURRENT_LIMIT_ENTITY: ("unit_not_current", tuple(u.value for u in UnitOfElectricCurrent)),
    CONF_TEMPERATURE_ENTITY: ("unit_not_temperature", tuple(u.value for u in UnitOfTemperature)),
}


def check_entities(hass: HomeAssistant, user_input: Mapping[str, Any]) -> dict[str, str]:
    """Errors for picked entities that cannot be what their field asks: one of Headroom's own (its
    plan is not a measurement of the home), or a unit of another quantity."""
    registry = er.async_get(hass)
    errors: dict[str, str] = {}
    for key, value in user_input.items():
        if not (isinstance(value, str) and key.endswith("_entity") and value):
            continue
        if (entry := registry.async_get(value)) is not None and entry.platform == DOMAIN:
            errors[key] = "own_entity"
            continue
        state = hass.states.get(value)
        unit = state.attributes.get("unit_of_measurement") if state is not None else None
        if key in FIELD_UNITS and unit and unit not in FIELD_UNITS[key][1]:
            errors[key] = FIELD_UNITS[key][0]
    return errors


def without_own_entities(hass: HomeAssistant, schema: vol.Schema) -> vol.Schema:
    """The form with Headroom's own entities left out of every entity picker."""
    own = [e.entity_id for e in er.async_get(hass).entities.values() if e.platform == DOMAIN]
    if not own:
        return schema
    fields = {}
    for marker, value in schema.schema.items():
        if isinstance(value, selector.EntitySelector):
            value = selector.EntitySelector(
                selector.EntitySelectorConfig(**{**value.config, "exclude_entities": own})
            )
        fields[marker] = value
    return vol.Schema(fields)


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
