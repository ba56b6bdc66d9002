"""Price forecasts from the attributes of price entities, aligned to the planning steps.

One parser reads every integration that puts a list of prices in its attributes; the
formats differ only in attribute and key names and units, listed in ``FORMATS``:
HACS Nord Pool (``raw_today``/``raw_tomorrow``), ENTSO-e (``prices``), EPEX Spot (``data``),
Energi Data Service (``raw_today``/``raw_tomorrow``/``forecast``), Amber (``forecasts``),
Octopus Energy (event entities' ``rates``, today and tomorrow), and any generic list of
``{start|start_time|from, end?, value|price}``. Units become currency per kWh.

Steps are filled by time-weighted averaging, so 15- and 60-minute prices both work with any
step length; times are absolute, so 23- and 25-hour days need nothing special. A row whose
value is not a finite number (NaN, inf) is kept as such, so that the series can skip it, fill
its steps as a gap and say how many steps it filled (``PriceSeries.bad_steps``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util

from . import state_number
from .units import price_factor

START_KEYS = ("start", "start_time", "from", "startsAt", "hour", "time", "valid_from", "period_start")
END_KEYS = ("end", "end_time", "till", "to", "valid_to", "period_end")
# Value keys with the factor to currency/kWh they imply regardless of the entity's unit.
VALUE_KEYS: dict[str, float | None] = {
    "value": None,
    "price": None,
    "per_kwh": None,
    "value_inc_vat": None,
    "price_per_kwh": None,
    "total": None,
    "price_ct_per_kwh": 0.01,
    "price_eur_per_mwh": 0.001,
}


@dataclass(frozen=True)
class PriceFormat:
    """How one price integration lays out its attributes: its name, the attributes that hold price lists,
    and a marker only it has."""

    name: str
    attributes: tuple[str, ...]
    marker: str  # an attribute (or key of the first item) only this format has


FORMATS = (
    PriceFormat("Energi Data Service", ("raw_today", "raw_tomorrow", "forecast"), "today_min"),
    PriceFormat("ENTSO-e", ("prices_today", "prices_tomorrow", "prices"), "prices"),
    PriceFormat("EPEX Spot", ("data",), "data"),
    PriceFormat("Amber", ("forecasts",), "forecasts"),
    PriceFormat("Octopus Energy", ("rates",), "rates"),
    PriceFormat("Nord Pool (HACS)", ("raw_today", "raw_tomorrow"), "raw_today"),
    PriceFormat("price list", ("forecast", "prices", "data", "rates", "forecasts"), ""),
)


@dataclass(frozen=True)
class PricePoint:
    """One value over [start, end): a price in currency per kWh (PV forecasts reuse it for kW)."""

    start: datetime
    end: datetime
    price: float


@dataclass(frozen=True)
class PriceSeries:
    """Prices per step; ``known_steps`` came from the source, the rest repeat the day before.
    ``bad_steps`` is how many steps a row that was not a finite number touched (filled as gaps)."""

    values: list[float]
    known_steps: int
    resolution_minutes: int
    description: str
    bad_steps: int = 0


def unit_factor(unit: str | None) -> float:
    """Multiplier from the entity's unit to currency per kWh (``units.price_factor``; a unit it does not
    know is refused by the site form, and read as it stands if it turns up later)."""
    factor = price_factor(unit)
    return 1.0 if factor is None else factor


def parse_time(value: Any) -> datetime | None:
    """A datetime or ISO string in UTC (a naive one is read in HA's time zone); None for anything else."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        parsed = dt_util.parse_datetime(value)
        if parsed is None:
            return None
        moment = parsed
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt_util.get_default_time_zone())
    return dt_util.as_utc(moment)


def points_from_list(items: Iterable[Any], factor: float) -> list[PricePoint]:
    """Price points from a list of dicts with a start, an optional end and a value."""
    raw: list[tuple[datetime, datetime | None, float]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        start = next((parse_time(item[k]) for k in START_KEYS if k in item), None)
        key = next((k for k in VALUE_KEYS if k in item and item[k] is not None), None)
        if start is None or key is None:
            continue
        value = item[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        implied = VALUE_KEYS[key]
        end = next((parse_time(item[k]) for k in END_KEYS if k in item), None)
        raw.append((start, end, float(value) * (implied if implied is not None else factor)))
    raw.sort(key=lambda r: r[0])
    points: list[PricePoint] = []
    for i, (start, end, price) in enumerate(raw):
        if end is None:
            end = (
                raw[i + 1][0]
                if i + 1 < len(raw)
                else start + ((start - raw[i - 1][0]) if i > 0 else timedelta(hours=1))
            )
        points.append(PricePoint(start, end, price))
    return points


def detect_format(state: State) -> str:
    """Which integration's attribute layout the price entity has, else ``price list``."""
    attrs = state.attributes
    for fmt in FORMATS:
        if fmt.marker and fmt.marker in attrs and any(isinstance(attrs.get(a), list) for a in fmt.attributes):
            return fmt.name
    return "price list"


def points_from_state(state: State) -> list[PricePoint]:
    """Every price point the entity's attributes hold, in currency per kWh, sorted by start."""
    factor = unit_factor(state.attributes.get("unit_of_measurement"))
    points: dict[datetime, PricePoint] = {}
    attributes = {a for fmt in FORMATS for a in fmt.attributes}
    for attribute in sorted(attributes):
        items = state.attributes.get(attribute)
        if isinstance(items, list):
            for point in points_from_list(items, factor):
                points.setdefault(point.start, point)
    return [points[k] for k in sorted(points)]


def current_price(state: State | None, extra: list[PricePoint] | None = None) -> float | None:
    """The price now: the state when it is a number, else (an Octopus rates event, whose state is
    a time) the listed price whose interval holds now."""
    if state is None:
        return None
    value = state_number(state)
    if value is not None and state.domain != "event":
        return value * unit_factor(state.attributes.get("unit_of_measurement"))
    now = dt_util.utcnow()
    for point in (extra or []) + points_from_state(state):
        if point.start <= now < point.end and math.isfinite(point.price):
            return point.price
    return None


def not_a_number(state: State | None) -> bool:
    """Whether the entity's state is a number that is not finite ("nan", "inf")."""
    if state is None:
        return False
    try:
        return not math.isfinite(float(state.state))
    except ValueError:
        return False


def sibling_points(hass: HomeAssistant, entity_id: str) -> list[PricePoint]:
    """The price points the entity's siblings (see ``sibling_entities``) hold."""
    return [
        p
        for sibling in sibling_entities(entity_id)
        if (state := hass.states.get(sibling)) is not None
        for p in points_from_state(state)
    ]


def sibling_entities(entity_id: str) -> list[str]:
    """Entities that carry the rest of the same price list: Octopus Energy keeps tomorrow's
    rates in a ``next_day_rates`` event beside ``current_day_rates``, ENTSO-e and others don't."""
    if entity_id.endswith("_current_day_rates"):
        return [entity_id.removesuffix("_current_day_rates") + "_next_day_rates"]
    return []


def describe(points: list[PricePoint], now: datetime, source: str) -> str:
    """What the form and the status sensor say was found, e.g. "Nord Pool, 15-minute prices, 36 h ahead"."""
    if not points:
        return f"{source}, current price only"
    resolution = round((points[0].end - points[0].start).total_seconds() / 60)
    ahead = max((points[-1].end - now).total_seconds() / 3600, 0.0)
    return f"{source}, {resolution}-minute prices, {ahead:.0f} h ahead"


def series_from_points(
    points: list[PricePoint], start: datetime, step_minutes: int, steps: int, now_price: float, source: str
) -> PriceSeries:
    """Time-weighted price per step; past the last known price, the same time a day earlier. A step
    a non-finite row falls in is a gap, filled the same way, and counted in ``bad_steps``."""
    step = timedelta(minutes=step_minutes)
    values = np.full(steps, np.nan)
    known = bad = 0
    for t in range(steps):
        lo, hi = start + t * step, start + (t + 1) * step
        covered = weighted = 0.0
        touched_bad = False
        for p in points:
            if p.end <= lo:
                continue
            if p.start >= hi:
                break
            if not math.isfinite(p.price):
                touched_bad = True
                continue
            overlap = (min(p.end, hi) - max(p.start, lo)).total_seconds()
            covered += overlap
            weighted += overlap * p.price
        if touched_bad or not math.isfinite(weighted):  # a row said NaN or inf, or one too big to add
            bad += 1
        elif covered >= step.total_seconds() * 0.99:
            values[t] = weighted / covered
            known = t + 1 if known == t else known
    if not np.isfinite(values).any():
        return PriceSeries([now_price] * steps, 0, 0, f"{source}, current price only", bad)
    day = round(24 * 60 / step_minutes)
    for t in range(steps):
        if np.isnan(values[t]):
            back = t - day
            while back >= 0 and np.isnan(values[back]):
                back -= day
            values[t] = values[back] if back >= 0 else now_price
    resolution = round((points[0].end - points[0].start).total_seconds() / 60)
    return PriceSeries([float(v) for v in values], known, resolution, describe(points, start, source), bad)


def price_series(
    state: State | None, start: datetime, step_minutes: int, steps: int, extra: list[PricePoint] | None = None
) -> PriceSeries | None:
    """Prices for each step from ``start``; None when the entity has no usable price now.
    ``extra`` are points from elsewhere (a service response, a sibling entity) for the same price."""
    now_price = current_price(state, extra)
    if state is None or now_price is None:
        return None
    merged: dict[datetime, PricePoint] = {}
    for p in [*(extra or []), *points_from_state(state)]:
        # The first source wins, unless what it said for this time is not a number.
        if p.start not in merged or not math.isfinite(merged[p.start].price):
            merged[p.start] = p
    points = [merged[k] for k in sorted(merged)]
    return series_from_points(points, start, step_minutes, steps, now_price, detect_format(state))
