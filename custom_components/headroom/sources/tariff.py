"""Prices set in the options instead of read from an entity: a fixed price, or a time-of-use
schedule (a peak price between two times, off-peak otherwise, weekends off-peak if chosen).
Also the taxes and fees people add to spot prices: ``price x multiplier + offset``."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from homeassistant.util import dt as dt_util


def tou_series(
    start: datetime,
    step_minutes: int,
    steps: int,
    *,
    peak: float,
    off_peak: float,
    peak_start: time,
    peak_end: time,
    weekend_off_peak: bool,
) -> list[float]:
    """The price at the middle of each step (local time)."""
    out: list[float] = []
    for t in range(steps):
        moment = dt_util.as_local(start + timedelta(minutes=step_minutes * (t + 0.5)))
        clock = moment.time()
        if peak_start <= peak_end:
            in_peak = peak_start <= clock < peak_end
        else:  # a peak across midnight
            in_peak = clock >= peak_start or clock < peak_end
        if weekend_off_peak and moment.weekday() >= 5:
            in_peak = False
        out.append(peak if in_peak else off_peak)
    return out


def with_fees(prices: list[float], multiplier: float, offset: float) -> list[float]:
    """Spot prices with taxes and fees: ``price x multiplier + offset``, in currency per kWh."""
    return [p * multiplier + offset for p in prices]
