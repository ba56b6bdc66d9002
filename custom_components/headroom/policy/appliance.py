"""Appliances in the policy: the next run (now if forced or running, in a one-off window if
scheduled, else in its daily window) and whether to start it now."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import numpy as np

from ..const import (
    CONF_ALLOW_SWITCH_OFF,
    CONF_EARLIEST_START,
    CONF_LATEST_FINISH,
    CONF_RUN_MINUTES,
    CONF_RUN_POWER_KW,
    SUBENTRY_APPLIANCE,
)
from ..planner.model import Appliance, DevicePlan
from .cycle import Cycle, Moment
from .intents import Intents
from .readings import ApplianceReading
from .setpoints import Setpoint
from .timeline import Timeline, next_occurrence

KIND = SUBENTRY_APPLIANCE
# The daily window the form offers: overnight, when prices are usually lowest.
DEFAULT_EARLIEST_START = time(20, 0)
DEFAULT_LATEST_FINISH = time(7, 0)
DEFAULT_RUN_POWER_KW = 2.0
DEFAULT_RUN_MINUTES = 120


@dataclass(frozen=True, kw_only=True)
class ApplianceConfig:
    """An appliance's settings: one run of ``run_minutes`` at ``run_power_kw`` a day, between its earliest
    start and latest finish (local times), and whether Headroom may switch it off."""

    run_power_kw: float = DEFAULT_RUN_POWER_KW
    run_minutes: float = DEFAULT_RUN_MINUTES
    earliest_start: time = DEFAULT_EARLIEST_START
    latest_finish: time = DEFAULT_LATEST_FINISH
    allow_switch_off: bool = False

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ApplianceConfig:
        return cls(
            run_power_kw=float(data.get(CONF_RUN_POWER_KW, DEFAULT_RUN_POWER_KW)),
            run_minutes=float(data.get(CONF_RUN_MINUTES, DEFAULT_RUN_MINUTES)),
            earliest_start=time.fromisoformat(
                data.get(CONF_EARLIEST_START, DEFAULT_EARLIEST_START.isoformat())
            ),
            latest_finish=time.fromisoformat(data.get(CONF_LATEST_FINISH, DEFAULT_LATEST_FINISH.isoformat())),
            allow_switch_off=bool(data.get(CONF_ALLOW_SWITCH_OFF, False)),
        )


def measured_kw(reading: ApplianceReading) -> float | None:
    """What the appliance draws now by its power sensor (kW), None without one."""
    return reading.power_kw


def device(
    cycle: Cycle, device_id: str, data: Mapping[str, Any], reading: ApplianceReading
) -> Appliance | None:
    """The appliance's next run for the planner: committed if already running, now if forced, in its
    one-off window if one is set, else in its daily window; None when blocked or when no window fits a
    whole run."""
    config = ApplianceConfig.from_data(data)
    timeline = cycle.timeline
    length = max(1, math.ceil(config.run_minutes / timeline.step_minutes))
    profile = np.full(length, config.run_power_kw)
    override = cycle.intents.override(device_id, cycle.now)
    if reading.running:
        return Appliance(id=device_id, profile_kw=profile, windows=((0, length),), started_step=0)
    if override == "block":
        return None
    if override == "force":
        return Appliance(id=device_id, profile_kw=profile, windows=((0, length),))
    if one_off := cycle.intents.appliance_runs.get(device_id):
        windows = tuple(
            (timeline.first_step_from(max(s, timeline.start)), timeline.steps_before(e)) for s, e in one_off
        )
    else:
        latest = cycle.intents.latest_finish.get(device_id) or config.latest_finish
        windows = (
            daily_window(
                timeline,
                config.earliest_start,
                latest,
                length,
                cycle.intents.appliance_started.get(device_id),
            ),
        )
    appliance = Appliance(id=device_id, profile_kw=profile, windows=windows)
    return appliance if len(appliance.allowed_starts(timeline.steps)) else None


def daily_window(
    timeline: Timeline, earliest: time, latest: time, length: int, last_started: datetime | None
) -> tuple[int, int]:
    """The daily window [earliest start, latest finish] that opened most recently, or the next one
    if that one can no longer fit a run or the appliance already ran in it, as plan steps."""
    start = timeline.start
    run = timedelta(minutes=length * timeline.step_minutes)
    opened = next_occurrence(start, earliest) - timedelta(days=1)
    for _ in range(2):
        closes = next_occurrence(opened, latest)
        if closes - run >= start and (last_started is None or last_started < opened):
            break
        opened += timedelta(days=1)
    first = timeline.first_step_from(max(opened, start))
    return first, max(timeline.whole_steps_until(closes), first + 1)


def note_started(
    intents: Intents, device_id: str, data: Mapping[str, Any], reading: ApplianceReading, now: datetime
) -> None:
    """Remember when an appliance started, so that a daily run happens once a day."""
    if not reading.running:
        return
    last = intents.appliance_started.get(device_id)
    if last is None or now - last > timedelta(minutes=ApplianceConfig.from_data(data).run_minutes):
        intents.appliance_started[device_id] = now


def cut_rank(intents: Intents, device_id: str) -> None:
    """A running appliance is never stopped by the cut: half a wash is worse than a late one."""
    return None


def cut_to(
    device_id: str, data: Mapping[str, Any], reading: ApplianceReading, keep_kw: float, drawing_kw: float
) -> Setpoint:
    """Never cut: the setpoint keeps what it draws."""
    return Setpoint(device_id=device_id, kind=KIND, power_kw=drawing_kw, delta_kw=0.0)


def setpoint(
    moment: Moment,
    device_id: str,
    data: Mapping[str, Any],
    reading: ApplianceReading,
    planned: DevicePlan | None,
) -> Setpoint | None:
    """Start it at its planned start; switch it off only if the person allowed that."""
    run_now = (
        planned is not None and planned.start == moment.step and float(planned.power_kw[moment.step]) > 0
    )
    config = ApplianceConfig.from_data(data)
    if run_now and not reading.running:
        return Setpoint(
            device_id=device_id,
            kind=KIND,
            power_kw=config.run_power_kw,
            delta_kw=config.run_power_kw,
            on=True,
        )
    if not run_now and reading.running and config.allow_switch_off:
        return Setpoint(device_id=device_id, kind=KIND, power_kw=0.0, delta_kw=-config.run_power_kw, on=False)
    return None
