"""PV forecasts: Forecast.Solar, Open-Meteo Solar Forecast and Solcast through Home Assistant's
energy platform, Solcast's ``detailedForecast`` attribute (``pv_estimate``, or the pessimistic
``pv_estimate10``), and generic attribute lists. Several arrays add up. Without a forecast PV is
none: it shows in the measured load, and the plan says so instead of guessing.

A forecast is never negative (some integrations publish -1 W at night: that is 0) and a value
that is not a finite number counts as no PV for its period (``not_finite`` counts them, so that
the plan can say so)."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from homeassistant.const import UnitOfPower
from homeassistant.core import HomeAssistant, State
from homeassistant.loader import IntegrationNotFound, async_get_integration

from ..unavailable import Unavailable
from .prices import PricePoint, parse_time, points_from_list

_LOGGER = logging.getLogger(__name__)
# A PV forecast integration without an energy platform is said once, not every cycle.
_UNAVAILABLE = Unavailable(_LOGGER)
ENERGY_FORECAST_DOMAINS = ("forecast_solar", "open_meteo_solar_forecast", "solcast_solar")


def solcast_points(state: State, pessimistic: bool = False) -> list[PricePoint]:
    """Solcast's ``detailedForecast``: ``{period_start, pv_estimate, pv_estimate10, ...}`` in kW."""
    key = "pv_estimate10" if pessimistic else "pv_estimate"
    rows = state.attributes.get("detailedForecast") or state.attributes.get("detailedHourly") or []
    out: list[PricePoint] = []
    parsed: list[tuple[datetime, float]] = []
    for row in rows:
        if (
            isinstance(row, dict)
            and (t := parse_time(row.get("period_start"))) is not None
            and isinstance(v := row.get(key), (int, float))
            and not isinstance(v, bool)
        ):
            parsed.append((t, float(v)))
    for i, (start, value) in enumerate(parsed):
        nxt = parsed[i + 1][0] if i + 1 < len(parsed) else None
        end = nxt if nxt is not None and nxt > start else start + timedelta(minutes=30)
        out.append(PricePoint(start, end, value))
    return out


def attribute_points(state: State, pessimistic: bool = False) -> list[PricePoint]:
    """A PV forecast entity's points in kW: Solcast's shape, or a generic ``{start, value}`` list."""
    if "detailedForecast" in state.attributes or "detailedHourly" in state.attributes:
        return solcast_points(state, pessimistic)
    factor = 0.001 if state.attributes.get("unit_of_measurement") == UnitOfPower.WATT else 1.0
    points: list[PricePoint] = []
    for attribute in ("forecast", "forecasts", "data", "watts", "wh_hours"):
        items = state.attributes.get(attribute)
        if isinstance(items, list):
            points += points_from_list(items, factor)
    return points


def energy_points(forecast: dict[str, Any] | None) -> list[PricePoint]:
    """The energy platform's ``{"wh_hours": {iso: Wh}}``: each hour's energy as its mean power."""
    hours = (forecast or {}).get("wh_hours", {})
    out: list[PricePoint] = []
    for stamp, wh in sorted(hours.items()):
        start = parse_time(stamp)
        if start is not None and isinstance(wh, (int, float)) and not isinstance(wh, bool):
            out.append(PricePoint(start, start + timedelta(hours=1), float(wh) / 1000.0))
    return out


async def async_energy_forecast(hass: HomeAssistant, entry_id: str) -> list[PricePoint]:
    """Ask the forecast integration's energy platform, as the Energy dashboard does."""
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None:
        return []
    try:
        integration = await async_get_integration(hass, entry.domain)
        platform = await integration.async_get_platform("energy")
    except (IntegrationNotFound, ImportError) as err:
        _UNAVAILABLE.failed(
            f"{entry.domain} energy platform", "No energy platform for %s: %s", entry.domain, err
        )
        return []
    _UNAVAILABLE.worked(f"{entry.domain} energy platform")
    forecast = await platform.async_get_solar_forecast(hass, entry_id)
    return energy_points(forecast)


def not_finite(points: list[PricePoint]) -> int:
    """How many of the forecast's values are not finite numbers (NaN, inf)."""
    return sum(1 for p in points if not math.isfinite(p.price))


def pv_series(arrays: list[list[PricePoint]], start: datetime, step_minutes: int, steps: int) -> Any:
    """Summed kW per step (time-weighted within a step; unknown periods are 0, a negative value is 0,
    a value that is not a finite number is unknown)."""
    step = timedelta(minutes=step_minutes)
    total = np.zeros(steps)
    for points in arrays:
        for t in range(steps):
            lo, hi = start + t * step, start + (t + 1) * step
            energy = 0.0
            for p in points:
                if p.end <= lo or p.start >= hi or not math.isfinite(p.price):
                    continue
                energy += (min(p.end, hi) - max(p.start, lo)).total_seconds() * max(p.price, 0.0)
            total[t] += energy / step.total_seconds()
    total[~np.isfinite(total)] = 0.0  # values too big to add up are no forecast either
    return total
