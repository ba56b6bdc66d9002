"""Price forecasts from the attributes of price entities, aligned to the planning steps.

One parser reads every integration that puts a list of prices in its attributes; the layouts differ
in attribute and key names, units and which interval the state is, listed in ``FORMATS`` with the
source each was read from: HACS Nord Pool (``raw_today``/``raw_tomorrow``), Energi Data Service
(``raw_today``/``raw_tomorrow``/``forecast``), Frank Energie (``prices``), Zonneplan (``forecast``, in
10^-7 EUR), Amber (the price sensor's interval and the forecast sensor's ``forecasts``), ENTSO-e
(``prices``), EPEX Spot (``data``, also for aWATTar), Octopus Energy (event entities' ``rates``, today
and tomorrow), and any generic list of ``{start|start_time|from, end?, value|price}``. An entity is
matched by the integration that registered it first, by its attributes only outside the registry.
Units become currency per kWh.

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
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from ..profiles.price_sources import FORMATS, GENERIC, PriceFormat
from . import state_number
from .units import price_factor

START_KEYS = (
    "start",
    "start_time",
    "start_date",
    "from",
    "startsAt",
    "hour",
    "time",
    "datetime",
    "valid_from",
    "period_start",
)
END_KEYS = ("end", "end_time", "end_date", "till", "to", "valid_to", "period_end")
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


def _value_at(item: dict[str, Any], path: str) -> Any:
    """``item[path]``, a dotted path reaching into nested dicts (Zonneplan's ``price_tax_included.amount``)."""
    value: Any = item
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _row_value(
    item: dict[str, Any], values: tuple[tuple[str, float | None], ...]
) -> tuple[Any, float | None]:
    """The row's price and the factor its key implies (None: the entity's unit decides)."""
    for path, implied in values or tuple(VALUE_KEYS.items()):
        if (value := _value_at(item, path)) is not None:
            return value, implied
    return None, None


def points_from_list(items: Iterable[Any], factor: float, fmt: PriceFormat = GENERIC) -> list[PricePoint]:
    """Price points from a list of dicts with a start, an optional end and a value (in ``fmt``'s keys)."""
    raw: list[tuple[datetime, datetime | None, float]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        start = next((parse_time(item[k]) for k in START_KEYS if k in item), None)
        value, implied = _row_value(item, fmt.values)
        if start is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
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


def find_format(state: State, platform: str | None = None) -> PriceFormat:
    """The layout of a price entity: by the integration that registered it (``platform``), else by an
    attribute only one layout has, else the generic price list."""
    attrs = state.attributes
    for fmt in FORMATS:
        if fmt.platform == platform is not None and (not fmt.marker_with_platform or fmt.marker in attrs):
            return fmt
    for fmt in FORMATS:
        if fmt.marker and fmt.marker in attrs and any(isinstance(attrs.get(a), list) for a in fmt.attributes):
            return fmt
    return GENERIC


def detect_format(state: State, platform: str | None = None) -> str:
    """Which integration's attribute layout the price entity has, else ``price list``."""
    return find_format(state, platform).name


def merge_points(groups: Iterable[list[PricePoint]]) -> list[PricePoint]:
    """The points of several lists for one price, earlier lists first: a later point that overlaps a
    kept one is dropped (Energi Data Service's real prices before Carnot's prediction of them)."""
    kept: list[PricePoint] = []
    for group in groups:
        earlier = list(kept)
        kept += [p for p in group if not any(p.start < q.end and q.start < p.end for q in earlier)]
    return sorted(kept, key=lambda p: p.start)


def interval_point(state: State, factor: float) -> PricePoint | None:
    """The current interval a state's own attributes describe (Amber's price sensor: ``start_time``,
    ``end_time``, ``per_kwh``), as a point."""
    points = points_from_list([dict(state.attributes)], factor)
    return points[0] if points and "end_time" in state.attributes else None


def points_from_state(state: State, fmt: PriceFormat | None = None) -> list[PricePoint]:
    """Every price point the entity's attributes hold, in currency per kWh, sorted by start."""
    fmt = fmt or find_format(state)
    factor = unit_factor(state.attributes.get("unit_of_measurement"))
    attributes = (
        fmt.attributes if fmt is not GENERIC else tuple(sorted({a for f in FORMATS for a in f.attributes}))
    )
    groups = [
        points_from_list(items, factor, fmt)
        for attribute in attributes
        if isinstance(items := state.attributes.get(attribute), list)
    ]
    if fmt.interval_in_attributes and (now := interval_point(state, factor)) is not None:
        groups.insert(0, [now])
    return merge_points(groups)


def current_price(
    state: State | None, extra: list[PricePoint] | None = None, fmt: PriceFormat | None = None
) -> float | None:
    """The price now: the listed price whose interval holds now where the state is not the price now
    (an Octopus rates event, whose state is a time; Amber's forecast sensor, whose state is the next
    interval's price), else the state."""
    if state is None:
        return None
    fmt = fmt or find_format(state)
    value = state_number(state)
    if value is not None and state.domain != "event" and not fmt.state_is_next:
        return value * unit_factor(state.attributes.get("unit_of_measurement"))
    now = dt_util.utcnow()
    for point in (extra or []) + points_from_state(state, fmt):
        if point.start <= now < point.end and math.isfinite(point.price):
            return point.price
    if value is not None and state.domain != "event":
        return value * unit_factor(state.attributes.get("unit_of_measurement"))
    return None


def not_a_number(state: State | None) -> bool:
    """Whether the entity's state is a number that is not finite ("nan", "inf")."""
    if state is None:
        return False
    try:
        return not math.isfinite(float(state.state))
    except ValueError:
        return False


def registry_platform(hass: HomeAssistant, entity_id: str) -> str | None:
    """The integration that registered the entity, None for an entity outside the registry."""
    entry = er.async_get(hass).async_get(entity_id)
    return entry.platform if entry is not None else None


def entity_format(hass: HomeAssistant, entity_id: str) -> PriceFormat | None:
    """The price layout of an entity, None when it has no state."""
    state = hass.states.get(entity_id)
    return None if state is None else find_format(state, registry_platform(hass, entity_id))


def source_label(hass: HomeAssistant, entity_id: str) -> str:
    """What the form and the status sensor call the price source: the layout's name, with the
    upstream source where the integration has several (EPEX Spot's ``Awattar``)."""
    fmt = entity_format(hass, entity_id) or GENERIC
    entry = er.async_get(hass).async_get(entity_id)
    config = hass.config_entries.async_get_entry(entry.config_entry_id or "") if entry is not None else None
    if fmt.entry_label and config is not None and (upstream := config.data.get(fmt.entry_label)):
        return f"{fmt.name} ({upstream})"
    return fmt.name


def sibling_points(hass: HomeAssistant, entity_id: str) -> list[PricePoint]:
    """The price points the entity's siblings (see ``sibling_entities``) hold."""
    return [
        p
        for sibling in sibling_entities(hass, entity_id)
        if (state := hass.states.get(sibling)) is not None
        for p in points_from_state(state, find_format(state, registry_platform(hass, sibling)))
    ]


def sibling_entities(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Entities that carry the rest of the same price list: Octopus Energy keeps tomorrow's rates in a
    ``next_day_rates`` event beside ``current_day_rates``; Amber keeps the current interval in its price
    sensor (unique id ``<site>-current-<channel>``) and the intervals after it in its forecast sensor
    (``<site>-forecasts-<channel>``), each the other's sibling. ENTSO-e and others keep it all in one."""
    if entity_id.endswith("_current_day_rates"):
        return [entity_id.removesuffix("_current_day_rates") + "_next_day_rates"]
    registry = er.async_get(hass)
    entry = registry.async_get(entity_id)
    if entry is None or entry.platform != "amberelectric":
        return []
    site, _, rest = entry.unique_id.partition("-")
    kind, _, channel = rest.partition("-")
    other = {"current": "forecasts", "forecasts": "current"}.get(kind)
    sibling = (
        registry.async_get_entity_id("sensor", "amberelectric", f"{site}-{other}-{channel}")
        if other
        else None
    )
    return [sibling] if sibling else []


def resolution_minutes(points: list[PricePoint]) -> int:
    """The source's interval: the median length of its points (a few-second stub before the current
    interval, or a longer run of equal prices, does not decide it)."""
    lengths = sorted((p.end - p.start).total_seconds() for p in points)
    return round(lengths[len(lengths) // 2] / 60) if lengths else 0


def describe(points: list[PricePoint], now: datetime, source: str) -> str:
    """What the form and the status sensor say was found, e.g. "Nord Pool, 15-minute prices, 36 h ahead"."""
    if not points:
        return f"{source}, current price only"
    resolution = resolution_minutes(points)
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
    resolution = resolution_minutes(points)
    return PriceSeries([float(v) for v in values], known, resolution, describe(points, start, source), bad)


def price_series(
    state: State | None,
    start: datetime,
    step_minutes: int,
    steps: int,
    extra: list[PricePoint] | None = None,
    fmt: PriceFormat | None = None,
    label: str | None = None,
) -> PriceSeries | None:
    """Prices for each step from ``start``; None when the entity has no usable price now.
    ``extra`` are points from elsewhere (a service response, a sibling entity) for the same price;
    ``fmt`` the entity's layout (found from its attributes when not given), ``label`` its name."""
    if state is None:
        return None
    fmt = fmt or find_format(state)
    now_price = current_price(state, extra, fmt)
    if now_price is None:
        return None
    merged: dict[datetime, PricePoint] = {}
    for p in [*(extra or []), *points_from_state(state, fmt)]:
        # The first source wins, unless what it said for this time is not a number.
        if p.start not in merged or not math.isfinite(merged[p.start].price):
            merged[p.start] = p
    points = [merged[k] for k in sorted(merged)]
    now = dt_util.utcnow()
    if (
        points
        and start < points[0].start
        and (
            points[0].start <= now  # the step holding now began before the current interval
            or (
                fmt.state_is_next
                and points[0].start - max(start, now)
                <= points[0].end - points[0].start + timedelta(minutes=1)
            )
        )
    ):
        # What has passed of the step, or (a list that starts at the next interval) the time till the
        # first listed interval: the price now.
        points.insert(0, PricePoint(start, points[0].start, now_price))
    return series_from_points(points, start, step_minutes, steps, now_price, label or fmt.name)
