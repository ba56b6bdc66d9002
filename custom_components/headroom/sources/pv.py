"""PV forecasts: Forecast.Solar, Open-Meteo Solar Forecast and Solcast through Home Assistant's
energy platform, Solcast's ``detailedForecast``/``detailedHourly`` attributes (``pv_estimate``, or the
pessimistic ``pv_estimate10``), and generic attribute lists. Without a forecast PV is none: it shows in
the measured load, and the plan says so instead of guessing.

Each provider's period convention is data (``profiles/pv_forecasts.py``), read from its own code: whether a time key begins or ends its period and how long the period is. Forecasts from different
providers (config entries) add up; one provider picked twice (Solcast's sensor and its energy platform)
counts once (``forecasts._pv``).

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

from ..profiles.pv_forecasts import PV_PROVIDERS, SOLCAST_ATTRIBUTES, Period
from ..unavailable import Unavailable
from .prices import PricePoint, parse_time, points_from_list

_LOGGER = logging.getLogger(__name__)
# A PV forecast integration without an energy platform is said once, not every cycle.
_UNAVAILABLE = Unavailable(_LOGGER)
ENERGY_FORECAST_DOMAINS = tuple(PV_PROVIDERS)


def solcast_points(state: State, pessimistic: bool = False) -> list[PricePoint]:
    """Solcast's rows in kW, each over its own period (half an hour, or an hour for the hourly list)."""
    key = "pv_estimate10" if pessimistic else "pv_estimate"
    attribute, period = next(
        ((a, p) for a, p in SOLCAST_ATTRIBUTES if state.attributes.get(a)), SOLCAST_ATTRIBUTES[0]
    )
    out: list[PricePoint] = []
    for row in state.attributes.get(attribute) or []:
        if (
            isinstance(row, dict)
            and (t := parse_time(row.get("period_start"))) is not None
            and isinstance(v := row.get(key), (int, float))
            and not isinstance(v, bool)
        ):
            out.append(PricePoint(*period.span(t, None), float(v)))
    return sorted(out, key=lambda p: p.start)


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


def energy_points(forecast: dict[str, Any] | None, period: Period = Period.HOUR_START) -> list[PricePoint]:
    """The energy platform's ``{"wh_hours": {iso: Wh}}``: each period's energy as its mean power (kW),
    the period as the provider's convention says."""
    hours = (forecast or {}).get("wh_hours", {})
    rows = sorted(
        (start, float(wh))
        for stamp, wh in hours.items()
        if (start := parse_time(stamp)) is not None
        and isinstance(wh, (int, float))
        and not isinstance(wh, bool)
    )
    out: list[PricePoint] = []
    for i, (key, wh) in enumerate(rows):
        start, end = period.span(key, rows[i - 1][0] if i else None)
        out.append(PricePoint(start, end, wh / 1000.0 / ((end - start).total_seconds() / 3600)))
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
    provider = PV_PROVIDERS.get(entry.domain)
    return energy_points(forecast, provider.energy_period if provider is not None else Period.HOUR_START)


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
