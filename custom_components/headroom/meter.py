"""The site's meters as Headroom reads them: grid import (+) / export (-), per phase when the meter
reports phases, the house's consumption and what the panels make.

Meters disagree on signs: some count export as positive (SolarEdge modbus, SolaX), so the grid
meter has a direction setting. Per-phase readings may be currents (A) or powers (W, kW); a
current is turned into kW at the mains voltage, in the import direction the total shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.const import UnitOfElectricCurrent
from homeassistant.core import HomeAssistant, State

from .const import (
    CONF_GRID_POWER_ENTITY,
    CONF_HOUSE_POWER_ENTITY,
    CONF_PHASE_POWER_ENTITIES,
    CONF_PV_POWER_ENTITY,
)
from .planner.units import VOLTAGE_V
from .policy.checks import grid_sign
from .sources import power_kw, state_number


@dataclass(frozen=True, kw_only=True)
class MeterReading:
    """One read of the site's meters (kW); None for what has no sensor or could not be read, and
    the configured entities that could not be read in ``stale``."""

    grid_kw: float | None = None
    phase_kw: tuple[float | None, ...] = ()
    house_kw: float | None = None
    pv_kw: float | None = None
    stale: tuple[str, ...] = ()


def phase_kw(state: State | None, sign: float) -> float | None:
    """A per-phase reading in kW of import: a power as it is, a current at the mains voltage."""
    if state is not None and state.attributes.get("unit_of_measurement") == UnitOfElectricCurrent.AMPERE:
        amps = state_number(state)
        return None if amps is None else sign * amps * VOLTAGE_V / 1000.0
    value = power_kw(state)
    return None if value is None else sign * value


def phase_entities(config: Mapping[str, Any]) -> list[str]:
    """The per-phase meter entities in phase order (L1, L2, L3)."""
    return list(config.get(CONF_PHASE_POWER_ENTITIES) or [])


def read_meter(hass: HomeAssistant, config: Mapping[str, Any]) -> MeterReading:
    """Every meter the site has, once."""
    stale: list[str] = []
    sign = grid_sign(config)

    def read(key: str) -> float | None:
        entity_id = config.get(key)
        if not entity_id:
            return None
        value = power_kw(hass.states.get(entity_id))
        if value is None:
            stale.append(entity_id)
        return value

    house, pv, grid = read(CONF_HOUSE_POWER_ENTITY), read(CONF_PV_POWER_ENTITY), read(CONF_GRID_POWER_ENTITY)
    phases = tuple(phase_kw(hass.states.get(e), sign) for e in phase_entities(config))
    stale += [e for e, v in zip(phase_entities(config), phases, strict=True) if v is None]
    return MeterReading(
        grid_kw=None if grid is None else sign * grid,
        phase_kw=phases,
        house_kw=house,
        pv_kw=pv,
        stale=tuple(stale),
    )
