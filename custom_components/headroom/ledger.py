"""What actually happened, kept: the meters read every ``SAMPLE_INTERVAL`` into steps
(``policy.accounting``), goals as they turn out (``policy.goals``), the business-as-usual
counterfactual once it is settled, hourly totals in a Store (they survive restarts), and the same
totals as long-term statistics in the recorder (realised cost, business-as-usual cost, saving,
energy per device, grid import and export, the peak).

A step is settled once nothing still in progress can change its counterfactual: a car still
plugged in or an appliance whose window is open may yet move energy back to it. Statistics are
written per settled hour, each continuing the sum of the last hour written; an hour with nothing
measured (Home Assistant stopped) gets no row at all, so a gap stays a gap.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
    valid_entity_id,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_state_change_event, async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import (
    CONF_CAPACITY_KWH,
    CONF_EARLIEST_START,
    CONF_GRID_POWER_ENTITY,
    CONF_LATEST_FINISH,
    CONF_MONTHLY_REPORT,
    CONF_POWER_SETPOINT_ENTITY,
    DOMAIN,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
    ControlState,
)
from .data import HeadroomData
from .devices import configs, read_devices
from .meter import read_meter
from .planner import Appliance, Battery, Ev
from .planner.units import kw_from_amps
from .policy.accounting import (
    LIMIT_TOLERANCE_KW,
    BatteryModel,
    BauStep,
    Hour,
    Meter,
    Sample,
    StepRecord,
    counterfactual,
    following_score,
    merged,
)
from .policy.goals import Goal, Goals, Open
from .policy.problem import DeviceConfig, drawn_kw
from .policy.readings import BatteryReading, ChargerReading, Readings

_LOGGER = logging.getLogger(__name__)
LEDGER_STORAGE_VERSION = 1
SAMPLE_INTERVAL = timedelta(seconds=10)
# Settled hours and goals the report can answer for (the recorder's statistics keep the years).
KEEP = timedelta(days=62)
# Steps kept unsettled at most (a car plugged in for longer is settled as far as it went).
MAX_UNSETTLED = timedelta(days=3)
# A device straying this far (share of what it was asked) over ``RECENT`` is not following.
POOR_FOLLOWING = 0.5
RECENT = timedelta(hours=1)
RECENT_MIN_DEVIATION_KWH = 1.0
SAVE_DELAY_S = 120


def ledger_store_key(entry_id: str) -> str:
    """Where the ledger is kept (removed with the entry)."""
    return f"{DOMAIN}.{entry_id}.ledger"


@dataclass(frozen=True, kw_only=True)
class LedgerHooks:
    """What the ledger reads of the cycle that owns it."""

    data: Callable[[], HeadroomData | None]
    config: Callable[[], Mapping[str, Any]]
    subentries: Callable[[], Mapping[str, Any]]
    state_of: Callable[[str], ControlState]
    told_kw: Callable[[], Mapping[str, float]]
    changed: Callable[[], None]


class Ledger:
    """Samples the site, keeps steps, goals and settled hours, and writes the statistics."""

    def __init__(self, hass: HomeAssistant, entry_id: str, hooks: LedgerHooks) -> None:
        self.hass = hass
        self.hooks = hooks
        self.store: Store[dict[str, Any]] = Store(hass, LEDGER_STORAGE_VERSION, ledger_store_key(entry_id))
        self._reset()

    def _reset(self) -> None:
        self.meter: Meter | None = None
        self.pending: list[StepRecord] = []
        self.recent: list[StepRecord] = []
        self.hours: dict[datetime, Hour] = {}
        self.goals = Goals()
        self.bau_soc_kwh: float | None = None
        self.last_bau_end: datetime | None = None
        self.sums: dict[str, float] = {}
        self.written_until: datetime | None = None
        self.names: dict[str, str] = {}
        self.reported_month: str | None = None
        self.stopped = False

    # ------------------------------------------------------------------ the Store

    async def async_load(self) -> None:
        """The ledger as it was; a file that cannot be read starts an empty ledger (and says so)."""
        try:
            stored = await self.store.async_load() or {}
            self.hours = {
                datetime.fromisoformat(k): Hour.from_dict(v) for k, v in stored.get("hours", {}).items()
            }
            self.pending = [StepRecord.from_dict(r) for r in stored.get("pending", [])]
            self.goals = Goals(
                open={k: Open.from_dict(v) for k, v in stored.get("open", {}).items()},
                done=[Goal.from_dict(g) for g in stored.get("goals", [])],
            )
            self.sums = {str(k): float(v) for k, v in stored.get("sums", {}).items()}
            if until := stored.get("written_until"):
                self.written_until = datetime.fromisoformat(until)
            soc = stored.get("bau_soc_kwh")
            self.bau_soc_kwh = None if soc is None else float(soc)
            if end := stored.get("last_bau_end"):
                self.last_bau_end = datetime.fromisoformat(end)
            self.reported_month = stored.get("reported_month")
        except (HomeAssistantError, ValueError, TypeError, KeyError, AttributeError) as err:
            _LOGGER.warning("Headroom's ledger could not be read (%s); starting a new one", err)
            self._reset()

    def _stored(self) -> dict[str, Any]:
        return {
            "hours": {k.isoformat(): h.to_dict() for k, h in self.hours.items()},
            # The step in progress goes in as far as it was measured: whenever Home Assistant
            # stops (a reload, a restart, its final write), it loses nothing but the time stopped.
            "pending": [r.to_dict() for r in self._pending_and_open()],
            "open": {k: v.to_dict() for k, v in self.goals.open.items()},
            "goals": [g.to_dict() for g in self.goals.done],
            "sums": self.sums,
            "written_until": self.written_until.isoformat() if self.written_until else None,
            "bau_soc_kwh": self.bau_soc_kwh,
            "last_bau_end": self.last_bau_end.isoformat() if self.last_bau_end else None,
            "reported_month": self.reported_month,
        }

    def _pending_and_open(self) -> list[StepRecord]:
        in_progress = self.meter.open if self.meter is not None else None
        if in_progress is None or in_progress.seconds <= 0:
            return self.pending
        return [*self.pending, in_progress]

    async def async_stop(self) -> None:
        """Stop reading and write the ledger now (an unload, a reload): a late reading cannot
        schedule a write of this ledger over the next one's."""
        self.stopped = True
        await self.store.async_save(self._stored())

    # ------------------------------------------------------------------ sampling

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Sample when a meter, a device sensor or a plug changes (a reading then holds from the
        moment it came), and every ``SAMPLE_INTERVAL`` to close steps when nothing changes."""
        unsubs = [
            async_track_time_interval(
                self.hass,
                self._async_sample,
                SAMPLE_INTERVAL,
                name="headroom ledger",
                cancel_on_shutdown=True,
            )
        ]
        watched = sorted(self._watched())
        if watched:

            @callback
            def changed(event: Event[EventStateChangedData]) -> None:
                self.sample(dt_util.now())

            unsubs.append(async_track_state_change_event(self.hass, watched, changed))

        @callback
        def stop() -> None:
            for unsub in unsubs:
                unsub()

        self.sample(dt_util.now())  # counting starts now, not at the first change
        return stop

    def _watched(self) -> set[str]:
        """The grid meter and every entity a device is read by."""
        entities = {self.hooks.config().get(CONF_GRID_POWER_ENTITY)}
        for sub in self.hooks.subentries().values():
            entities.update(v for v in sub.data.values() if isinstance(v, str) and valid_entity_id(v))
        return {e for e in entities if e}

    async def _async_sample(self, _: datetime | None = None) -> None:
        self.sample(dt_util.now())

    def sample(self, now: datetime) -> None:
        """Read the site once: the meter's step records, the goals, then settle what can be."""
        data = self.hooks.data()
        if data is None or self.stopped:
            return
        if self.meter is None or self.meter.step_minutes != data.problem.step_minutes:
            self.meter = Meter(data.problem.step_minutes)
        devices = configs(self.hooks.subentries())
        self.names = {i: str(s.title) for i, s in self.hooks.subentries().items()}
        self.meter.may_take_less = {
            i for i, c in devices.items() if c.kind in (SUBENTRY_EV_CHARGER, SUBENTRY_APPLIANCE)
        }
        readings = Readings(now=now, devices=read_devices(self.hass, devices))
        measured = drawn_kw(devices, readings, {})
        step = data.step_of(now)
        meter = read_meter(self.hass, self.hooks.config())
        phases = data.problem.site.phases
        phase_limit_kw = kw_from_amps(phases.fuse_a, 1, phases.voltage_v) if phases is not None else math.inf
        sample = Sample(
            moment=now,
            grid_kw=meter.grid_kw,
            phase_over=any(
                kw is not None and kw > phase_limit_kw + LIMIT_TOLERANCE_KW for kw in meter.phase_kw
            ),
            device_kw=measured,
            planned_kw={k: float(d.power_kw[step]) for k, d in data.plan.devices.items() if k in devices},
            told_kw=self._told(data, step, devices),
            import_price=float(data.problem.tariff.import_price[step]),
            export_price=float(data.problem.tariff.export_price[step]),
            limit_kw=float(data.problem.site.import_limit_kw[step]),
            battery_soc_kwh=self._battery_soc(devices, readings),
        )
        closed = self.meter.add(sample)
        self._observe_goals(now, data, readings, measured)
        if closed:
            self.pending.extend(closed)
            self.recent = [r for r in [*self.recent, *closed] if r.end > now - timedelta(days=2)]
            self._settle(now)
            self._monthly_report(now)
            self.hooks.changed()
        self.store.async_delay_save(self._stored, SAVE_DELAY_S)

    def _told(self, data: HeadroomData, step: int, devices: Mapping[str, Any]) -> dict[str, float]:
        """What Headroom told each device it drives (for a battery, only a power it was to hold)."""
        out: dict[str, float] = {}
        for device_id, kw in self.hooks.told_kw().items():
            if device_id not in devices:
                continue
            if self.hooks.state_of(device_id) not in (ControlState.ACTIVE, ControlState.NOT_FOLLOWING):
                continue
            plan = data.plan.devices.get(device_id)
            if devices[device_id].kind == SUBENTRY_BATTERY:
                if not devices[device_id].data.get(CONF_POWER_SETPOINT_ENTITY):
                    continue  # told a mode only: no power to follow
                mode = plan.mode[step] if plan is not None and plan.mode else None
                if mode not in ("forced_charge", "forced_discharge", "idle"):
                    continue
            out[device_id] = float(kw)
        return out

    def _battery_soc(self, devices: Mapping[str, DeviceConfig], readings: Readings) -> float | None:
        """The (first) battery's stored energy now (kWh), where its SoC and capacity are known."""
        for device_id, config in devices.items():
            reading = readings.devices.get(device_id)
            capacity = config.data.get(CONF_CAPACITY_KWH)
            if config.kind == SUBENTRY_BATTERY and isinstance(reading, BatteryReading):
                if reading.soc_percent is not None and capacity:
                    return float(reading.soc_percent) / 100.0 * float(capacity)
                return None
        return None

    def _observe_goals(
        self, now: datetime, data: HeadroomData, readings: Readings, measured: Mapping[str, float]
    ) -> None:
        evs = {e.id: e for e in data.problem.of_kind(Ev)}
        appliances = {a.id: a for a in data.problem.of_kind(Appliance)}
        for device_id, config in configs(self.hooks.subentries()).items():
            power = max(measured.get(device_id, 0.0), 0.0)
            plan = data.plan.devices.get(device_id)
            reason = _reason(plan)
            if config.kind == SUBENTRY_EV_CHARGER:
                reading = readings.devices.get(device_id)
                ev = evs.get(device_id)
                self.goals.car(
                    now,
                    device_id,
                    plugged=isinstance(reading, ChargerReading) and reading.plugged,
                    power_kw=power,
                    asked_kwh=None if ev is None else float(ev.energy_kwh),
                    deadline=None if ev is None else data.step_start(min(ev.departure, data.problem.steps)),
                    reason=reason,
                    max_kw=0.0 if ev is None else float(ev.max_kw),
                )
            elif config.kind == SUBENTRY_APPLIANCE:
                appliance = appliances.get(device_id)
                window = appliance_window(config.data, now)
                asked = (
                    0.0 if appliance is None else float(sum(appliance.profile_kw)) * data.problem.step_hours
                )
                self.goals.appliance(
                    now, device_id, power_kw=power, window=window, asked_kwh=asked, reason=reason
                )
                # A run the plan has in this window (not the next one's).
                closes = data.step_of(window[1]) if window is not None else 0
                planned = plan is not None and bool((plan.power_kw[:closes] > 0).any())
                self.goals.window(device_id, window, planned=planned, asked_kwh=asked, reason=reason)

    # ------------------------------------------------------------------ settling

    def _watermark(self, now: datetime) -> datetime:
        """Steps ending by this moment can be settled."""
        earliest = self.goals.earliest_open()
        for device_id, config in configs(self.hooks.subentries()).items():
            window = appliance_window(config.data, now) if config.kind == SUBENTRY_APPLIANCE else None
            if window is None or device_id in self.goals.open:
                continue
            ran = any(g.device_id == device_id and g.own_start == window[0] for g in self.goals.done)
            if not ran:  # its run may still come, and move back to the window's opening
                earliest = window[0] if earliest is None else min(earliest, window[0])
        limit = now - MAX_UNSETTLED
        return now if earliest is None else max(min(earliest, now), limit)

    def _settle(self, now: datetime) -> None:
        watermark = self._watermark(now)
        ready = [r for r in self.pending if r.end <= watermark]
        if not ready:
            return
        self.pending = [r for r in self.pending if r.end > watermark]
        first, last = ready[0].start, ready[-1].end
        goals = [g for g in self.goals.done if g.end > first and g.start < last]
        battery = self._battery_model()
        soc = self.bau_soc_kwh
        if self.last_bau_end is None or self.last_bau_end != first:
            soc = ready[0].battery_soc_kwh
        bau, soc = counterfactual(
            ready,
            cars=[g.car_session() for g in goals if g.kind == SUBENTRY_EV_CHARGER],
            runs=[g.appliance_run() for g in goals if g.kind == SUBENTRY_APPLIANCE],
            battery=battery,
            soc_kwh=soc,
        )
        self.bau_soc_kwh, self.last_bau_end = soc, last
        self._fold(ready, bau)
        cutoff = now - KEEP
        self.hours = {k: h for k, h in self.hours.items() if k >= cutoff}
        self.goals.done = [g for g in self.goals.done if g.end >= cutoff]
        self._write_statistics(watermark)

    def _battery_model(self) -> BatteryModel | None:
        data = self.hooks.data()
        batteries = data.problem.of_kind(Battery) if data is not None else []
        if not batteries:
            return None
        b = batteries[0]
        return BatteryModel(
            device_id=b.id,
            capacity_kwh=float(b.capacity_kwh),
            min_soc_kwh=float(b.min_soc_kwh),
            max_charge_kw=float(b.max_charge_kw),
            max_discharge_kw=float(b.max_discharge_kw),
            efficiency=float(b.charge_efficiency),
        )

    def _fold(self, records: Iterable[StepRecord], bau: Iterable[BauStep]) -> None:
        """Settled steps into their hours."""
        for record, step in zip(records, bau, strict=True):
            hour_start = record.start.replace(minute=0, second=0, microsecond=0)
            hour = self.hours.get(hour_start)
            if hour is None:
                hour = self.hours[hour_start] = Hour(
                    record=StepRecord(start=hour_start, step_minutes=60),
                    bau_cost=0.0,
                    bau_import_kwh=0.0,
                    bau_export_kwh=0.0,
                    bau_over_limit_steps=0,
                    peak_kw=0.0,
                )
            combined = merged([hour.record, record])
            assert combined is not None
            combined.start, combined.step_minutes = hour_start, 60
            hour.record = combined
            hour.bau_cost += step.cost
            hour.bau_import_kwh += step.import_kwh
            hour.bau_export_kwh += step.export_kwh
            hour.bau_over_limit_steps += int(step.over_limit)
            hour.peak_kw = max(hour.peak_kw, record.peak_kw)

    def _monthly_report(self, now: datetime) -> None:
        """Once a month began, last month's figures in a notification (when the option is on)."""
        this_month = period_range("month", now)[0]
        month = this_month.strftime("%Y-%m")
        if self.reported_month is None:
            self.reported_month = month  # a new ledger: nothing to report on yet
        if month == self.reported_month or not self.hooks.config().get(CONF_MONTHLY_REPORT):
            return
        self.reported_month = month
        last_start = period_range("month", this_month - timedelta(days=1))[0]
        report = summary(self, last_start, this_month, self.hass.config.currency)
        currency, goals = report["currency"], report["goals"]
        missed = "".join(
            f"\n- {g['device']}: {g['delivered_kwh']} of {g['asked_kwh']} kWh ({g['reason'] or 'short'})"
            for g in goals["sessions"]
            if not g["met"]
        )
        persistent_notification.async_create(
            self.hass,
            f"Realised cost {report['realised_cost']:.2f} {currency}, business as usual "
            f"{report['business_as_usual_cost']:.2f} {currency}: saved {report['saving']:.2f} {currency}. "
            f"Goals met {goals['met']}, missed {goals['missed']}.{missed}\n"
            f"Peak import {report['peak_kw']} kW (limit {report['limit_kw']} kW), "
            f"{report['seconds_above_limit']} s above the limit.",
            title=f"Headroom: {last_start.strftime('%B %Y')}",
            notification_id=f"{DOMAIN}_monthly_report",
        )

    # ------------------------------------------------------------------ statistics

    def _write_statistics(self, watermark: datetime) -> None:
        if "recorder" not in self.hass.config.components:
            return
        from .statistics import async_write_hours

        done = watermark.replace(minute=0, second=0, microsecond=0)
        hours = sorted(
            (k, h)
            for k, h in self.hours.items()
            if k < done and (self.written_until is None or k > self.written_until)
        )
        if not hours:
            return
        async_write_hours(self.hass, hours, self.sums, self.names, self.hass.config.currency)
        self.written_until = hours[-1][0]

    # ------------------------------------------------------------------ answers

    def following(self, device_id: str, since: datetime | None = None) -> float | None:
        """The device's following score over the settled hours since ``since`` and the steps since."""
        records = [h.record for k, h in self.hours.items() if since is None or k >= since]
        records += [r for r in self.pending if since is None or r.start >= since]
        return following_score(records, device_id)

    def poorly_following(self, now: datetime) -> frozenset[str]:
        """Chargers and appliances that drew more than they were told over the last hour
        (``POOR_FOLLOWING``)."""
        since = now - RECENT
        steps = [r for r in self.recent if r.start >= since]
        out = set()
        # Batteries are judged in the report only: their measured power answers the house as well
        # as the command, so an hour's shortfall is no proof; a car or appliance drawing more is.
        judged = self.meter.may_take_less if self.meter is not None else set()
        for device_id in {d for r in steps for d in r.driven_kwh} & judged:
            deviation = sum(r.deviation_kwh.get(device_id, 0.0) for r in steps)
            score = following_score(steps, device_id)
            if score is not None and score < POOR_FOLLOWING and deviation >= RECENT_MIN_DEVIATION_KWH:
                out.add(device_id)
        return frozenset(out)

    def forgive(self, device_id: str) -> None:
        """A device released by a person starts a clean record of following."""
        for record in self.recent:
            record.driven_kwh.pop(device_id, None)
            record.deviation_kwh.pop(device_id, None)


def _reason(plan: Any) -> str:
    """The plan's reasons for a device, by their codes."""
    if plan is None:
        return ""
    return ", ".join(str(r.get("code")) for r in plan.reasons if isinstance(r, dict) and r.get("code"))


def appliance_window(data: Mapping[str, Any], moment: datetime) -> tuple[datetime, datetime] | None:
    """The appliance's daily window (earliest start to latest finish, local time) that holds
    ``moment``; None outside it or without both times."""
    try:
        earliest = time.fromisoformat(str(data[CONF_EARLIEST_START]))
        latest = time.fromisoformat(str(data[CONF_LATEST_FINISH]))
    except (KeyError, ValueError):
        return None
    local = dt_util.as_local(moment)
    opens = datetime.combine(local.date(), earliest, local.tzinfo)
    if local.time() < earliest:
        opens -= timedelta(days=1)
    closes = datetime.combine(opens.date(), latest, local.tzinfo)
    if closes <= opens:
        closes += timedelta(days=1)
    return (opens, closes) if moment < closes else None


def period_range(period: str, now: datetime) -> tuple[datetime, datetime]:
    """Today, this week (from Monday) or this month, on the home's clock, up to now."""
    local = dt_util.as_local(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        return midnight - timedelta(days=midnight.weekday()), now
    if period == "month":
        return midnight.replace(day=1), now
    return midnight, now


def summary(ledger: Ledger, start: datetime, end: datetime, currency: str) -> dict[str, Any]:
    """What happened between ``start`` and ``end``: money, the limit, goals and each device's
    following, as the ``report`` action answers and the report sensor shows."""
    hours = [h for k, h in sorted(ledger.hours.items()) if start <= k < end]
    unsettled = [r for r in ledger.pending if start <= r.start < end]
    metered = [h for h in hours if h.metered]  # money only where the grid meter was read
    realised = sum(h.record.cost for h in metered)
    bau = sum(h.bau_cost for h in metered)
    records = [h.record for h in hours] + unsettled
    total = merged(records)
    goals = [g for g in ledger.goals.done if start <= g.end < end]
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "currency": currency,
        "realised_cost": round(realised, 2),
        "business_as_usual_cost": round(bau, 2),
        "saving": round(bau - realised, 2),
        "not_yet_settled_cost": round(sum(r.cost for r in unsettled), 2),
        "import_kwh": round(total.import_kwh, 3) if total else 0.0,
        "export_kwh": round(total.export_kwh, 3) if total else 0.0,
        "measured_hours": round(sum(r.seconds for r in records) / 3600.0, 2),
        "metered_hours": round(sum(r.grid_seconds for r in records) / 3600.0, 2),
        "peak_kw": round(max((h.peak_kw for h in hours), default=0.0), 3),
        "limit_kw": None if total is None or not math.isfinite(total.limit_kw) else round(total.limit_kw, 3),
        "seconds_above_limit": round(total.seconds_above_limit) if total else 0,
        "business_as_usual_steps_above_limit": sum(h.bau_over_limit_steps for h in metered),
        "goals": {
            "met": sum(g.met for g in goals),
            "missed": sum(not g.met for g in goals),
            "sessions": [_goal_row(ledger, g) for g in goals],
        },
        "devices": _devices(ledger, records, [r for r in ledger.recent if start <= r.start < end]),
    }


def _goal_row(ledger: Ledger, goal: Goal) -> dict[str, Any]:
    return {
        "device": ledger.names.get(goal.device_id, goal.device_id),
        "kind": goal.kind,
        "start": goal.start.isoformat(),
        "end": goal.end.isoformat(),
        "asked_kwh": round(goal.asked_kwh, 2),
        "delivered_kwh": round(goal.delivered_kwh, 2),
        "finished_at": goal.finished_at.isoformat() if goal.finished_at else None,
        "deadline": goal.deadline.isoformat() if goal.deadline else None,
        "shortfall_kwh": round(goal.shortfall_kwh, 2),
        "met": goal.met,
        "reason": goal.reason,
    }


def _devices(ledger: Ledger, records: list[StepRecord], steps: list[StepRecord]) -> dict[str, Any]:
    """Per device: planned and measured energy over the period, per day and per step (the last two
    days keep their steps), and how well it followed what it was told (``following_ok`` False
    below ``POOR_FOLLOWING``)."""
    out: dict[str, Any] = {}
    ids = sorted({d for r in records for d in (*r.device_kwh, *r.planned_kwh)})
    for device_id in ids:
        days: dict[str, list[StepRecord]] = {}
        for r in records:
            days.setdefault(dt_util.as_local(r.start).date().isoformat(), []).append(r)
        score = following_score(records, device_id)
        out[ledger.names.get(device_id, device_id)] = {
            "planned_kwh": round(sum(r.planned_kwh.get(device_id, 0.0) for r in records), 3),
            "measured_kwh": round(sum(r.device_kwh.get(device_id, 0.0) for r in records), 3),
            "following": None if score is None else round(score, 3),
            "following_ok": None if score is None else score >= POOR_FOLLOWING,
            "days": [
                {
                    "date": day,
                    "planned_kwh": round(sum(r.planned_kwh.get(device_id, 0.0) for r in rows), 3),
                    "measured_kwh": round(sum(r.device_kwh.get(device_id, 0.0) for r in rows), 3),
                    "following": _rounded(following_score(rows, device_id)),
                }
                for day, rows in sorted(days.items())
            ],
            "steps": [
                {
                    "start": r.start.isoformat(),
                    "planned_kwh": round(r.planned_kwh.get(device_id, 0.0), 3),
                    "measured_kwh": round(r.device_kwh.get(device_id, 0.0), 3),
                }
                for r in steps
            ],
        }
    return out


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
