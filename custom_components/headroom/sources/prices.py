"""Price series from price entities, aligned to the planning steps.

Understands the shapes most price integrations put in their attributes: lists of
``{start|start_time|from, end?, value|price}`` (ENTSO-e ``prices``, EPEX Spot ``data``, generic),
the HACS Nord Pool ``raw_today``/``raw_tomorrow`` lists, Energi Data Service ``raw_today``/``forecast``
and Amber ``forecasts``. Units are normalised to currency per kWh (EUR/MWh and ct/kWh are scaled).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from homeassistant.core import State
from homeassistant.util import dt as dt_util

from . import state_number

LIST_ATTRIBUTES = ("prices", "data", "raw_today", "raw_tomorrow", "forecast", "forecasts", "rates")
START_KEYS = ("start", "start_time", "from", "startsAt", "hour", "time", "valid_from", "period_start")
END_KEYS = ("end", "end_time", "till", "to", "valid_to", "period_end")
VALUE_KEYS = ("value", "price", "per_kwh", "value_inc_vat", "price_per_kwh", "total", "price_ct_per_kwh")


@dataclass(frozen=True)
class PricePoint:
    start: datetime
    end: datetime
    price: float


@dataclass(frozen=True)
class PriceSeries:
    """Prices per step; ``known_steps`` says how many came from the source (the rest repeat a day)."""

    values: list[float]
    known_steps: int
    resolution_minutes: int
    description: str


def unit_factor(unit: str | None) -> float:
    """Multiplier from the entity's unit to currency per kWh."""
    if not unit:
        return 1.0
    u = unit.replace(" ", "").lower()
    if "/mwh" in u:
        return 0.001
    if u.startswith(("ct", "c/", "cent", "øre", "ore", "p/", "p")) and "/kwh" in u:
        return 0.01
    return 1.0


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return dt_util.as_utc(value) if value.tzinfo else dt_util.as_utc(value.replace(tzinfo=dt_util.get_default_time_zone()))
    if isinstance(value, str):
        parsed = dt_util.parse_datetime(value)
        if parsed is None:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt_util.get_default_time_zone())
        return dt_util.as_utc(parsed)
    return None


def _points_from_list(items: list[Any], factor: float) -> list[PricePoint]:
    raw: list[tuple[datetime, datetime | None, float]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        start = next((_parse_time(item[k]) for k in START_KEYS if k in item), None)
        value = next((item[k] for k in VALUE_KEYS if k in item and item[k] is not None), None)
        if start is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        end = next((_parse_time(item[k]) for k in END_KEYS if k in item), None)
        raw.append((start, end, float(value) * factor))
    raw.sort(key=lambda r: r[0])
    points: list[PricePoint] = []
    for i, (start, end, price) in enumerate(raw):
        if end is None:
            end = raw[i + 1][0] if i + 1 < len(raw) else start + (
                (start - raw[i - 1][0]) if i > 0 else timedelta(hours=1))
        points.append(PricePoint(start, end, price))
    return points


def points_from_state(state: State) -> list[PricePoint]:
    """Every price point the entity's attributes hold, in currency per kWh, sorted by start."""
    factor = unit_factor(state.attributes.get("unit_of_measurement"))
    points: dict[datetime, PricePoint] = {}
    for attribute in LIST_ATTRIBUTES:
        items = state.attributes.get(attribute)
        if isinstance(items, list):
            for point in _points_from_list(items, factor):
                points[point.start] = point
    return [points[k] for k in sorted(points)]


def current_price(state: State | None) -> float | None:
    value = state_number(state)
    if state is None or value is None:
        return None
    return value * unit_factor(state.attributes.get("unit_of_measurement"))


def price_series(state: State | None, start: datetime, step_minutes: int, steps: int) -> PriceSeries | None:
    """Prices for each step from ``start``; None when the entity has no usable price now."""
    now_price = current_price(state)
    if state is None or now_price is None:
        return None
    points = points_from_state(state)
    step = timedelta(minutes=step_minutes)
    values: list[float] = []
    known = 0
    idx = 0
    for t in range(steps):
        moment = start + t * step
        while idx < len(points) and points[idx].end <= moment:
            idx += 1
        if idx < len(points) and points[idx].start <= moment < points[idx].end:
            values.append(points[idx].price)
            known = t + 1
        else:
            values.append(float("nan"))
    if known == 0:
        values = [now_price] * steps
        return PriceSeries(values, 0, 0, "current price only")
    # Past the last known price, repeat the profile of the day before (a stated assumption).
    day = int(24 * 60 / step_minutes)
    for t in range(steps):
        if np.isnan(values[t]):
            back = t - day
            while back >= 0 and np.isnan(values[back]):
                back -= day
            values[t] = values[back] if back >= 0 else now_price
    resolution = round((points[0].end - points[0].start).total_seconds() / 60) if points else 0
    hours = (points[-1].end - start).total_seconds() / 3600
    return PriceSeries(values, known, resolution, f"{resolution}-minute prices, {max(hours, 0):.0f} h ahead")
