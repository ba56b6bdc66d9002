"""The house's own consumption, forecast from the recorder's hourly statistics.

Per step: the mean of the same weekday and hour over the last four weeks; with less than a
week of history the same hour of any day; with less than a day, the recent mean. What
Headroom's own devices drew is taken out, so the plan does not count a car twice. Without a
house consumption sensor, the house is grid + PV - battery (the home's own balance).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from homeassistant.const import UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

HISTORY = timedelta(weeks=4)
MIN_HOURS_FOR_HOURLY = 24
MIN_HOURS_FOR_WEEKLY = 7 * 24


@dataclass
class BaseLoadProfile:
    """Mean kW by (weekday, hour), by hour, and overall; ``basis`` says which one is used."""

    weekly: dict[tuple[int, int], float] = field(default_factory=dict)
    hourly: dict[int, float] = field(default_factory=dict)
    mean_kw: float = 0.0
    hours: int = 0

    @property
    def basis(self) -> str:
        if self.hours >= MIN_HOURS_FOR_WEEKLY:
            return "same weekday and hour, last 4 weeks"
        if self.hours >= MIN_HOURS_FOR_HOURLY:
            return "same hour, recent days"
        return "recent mean"

    def at(self, moment: datetime) -> float:
        local = dt_util.as_local(moment)
        if self.hours >= MIN_HOURS_FOR_WEEKLY and (local.weekday(), local.hour) in self.weekly:
            return self.weekly[(local.weekday(), local.hour)]
        if self.hours >= MIN_HOURS_FOR_HOURLY and local.hour in self.hourly:
            return self.hourly[local.hour]
        return self.mean_kw

    def series(self, start: datetime, step_minutes: int, steps: int) -> Any:
        step = timedelta(minutes=step_minutes)
        return np.array([self.at(start + t * step + step / 2) for t in range(steps)])


def profile_from_hours(house_kw: dict[datetime, float]) -> BaseLoadProfile | None:
    """Build the profile from hourly means (hour start -> kW), negatives clipped to 0; an hour whose
    mean is not a finite number is left out."""
    house_kw = {k: v for k, v in house_kw.items() if math.isfinite(v)}
    if not house_kw:
        return None
    weekly: dict[tuple[int, int], list[float]] = defaultdict(list)
    hourly: dict[int, list[float]] = defaultdict(list)
    for start, kw in house_kw.items():
        local = dt_util.as_local(start)
        weekly[(local.weekday(), local.hour)].append(max(kw, 0.0))
        hourly[local.hour].append(max(kw, 0.0))
    values = [max(v, 0.0) for v in house_kw.values()]
    recent = [max(house_kw[k], 0.0) for k in sorted(house_kw)[-24:]]
    return BaseLoadProfile(
        weekly={k: float(np.mean(v)) for k, v in weekly.items()},
        hourly={k: float(np.mean(v)) for k, v in hourly.items()},
        mean_kw=float(np.mean(recent if recent else values)),
        hours=len(values),
    )


def house_hours(
    means: dict[str, dict[datetime, float]],
    *,
    house: str | None,
    grid: str | None,
    pv: str | None,
    battery: list[str],
    devices: list[str],
) -> dict[datetime, float]:
    """Hourly house consumption without Headroom's devices, from each sensor's hourly means."""
    if house and house in means:
        base = dict(means[house])
    elif grid and grid in means:
        hours = means[grid]
        base = {
            t: v + means.get(pv or "", {}).get(t, 0.0) - sum(means.get(b, {}).get(t, 0.0) for b in battery)
            for t, v in hours.items()
        }
    else:
        return {}
    for device in devices:
        for t, v in means.get(device, {}).items():
            if t in base:
                base[t] -= max(v, 0.0)
    return base


async def async_hourly_means(
    hass: HomeAssistant, entity_ids: set[str], now: datetime
) -> dict[str, dict[datetime, float]]:
    """Hourly mean power of each sensor over ``HISTORY``, in kW, from long-term statistics."""
    if "recorder" not in hass.config.components or not entity_ids:
        return {}
    # Imported here: only homes with the recorder (nearly all) get a base-load forecast.
    from homeassistant.components.recorder.statistics import statistics_during_period
    from homeassistant.helpers.recorder import get_instance

    rows = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        now - HISTORY,
        now,
        entity_ids,
        "hour",
        {"power": UnitOfPower.KILO_WATT},
        {"mean"},
    )
    out: dict[str, dict[datetime, float]] = {}
    for entity_id, stats in rows.items():
        out[entity_id] = {
            dt_util.utc_from_timestamp(r["start"]): float(mean)
            for r in stats
            if (mean := r.get("mean")) is not None and math.isfinite(mean)
        }
    return out
