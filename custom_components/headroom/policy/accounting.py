"""What actually happened, step by step: the grid meter and the device sensors integrated over time
with the prices that applied, and the business-as-usual counterfactual on that same realised day.

Sensors report when they change, so a reading holds until the next one (sample and hold). A pause
longer than ``MAX_HOLD`` (Home Assistant was stopped) integrates nothing: a gap stays a gap and
nothing is guessed for it.

The counterfactual keeps everything Headroom does not drive as it was measured (the house, PV,
the weather) and replaces what it drives by what those devices do on their own: a car charges at
full power from the moment it is plugged in until it has what it was asked for (or what it really
took, when more), an appliance runs its measured run from the moment its window opened, and a
battery follows the net load (self-consumption). Prices and the limit are the realised ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

# A reading older than this is not held: Home Assistant was not running (or nothing was read).
MAX_HOLD = timedelta(minutes=15)
# Import this far above the limit (kW) counts as above it (meter noise).
LIMIT_TOLERANCE_KW = 0.05


@dataclass(frozen=True, kw_only=True)
class Sample:
    """One read of the site at ``moment``, held until the next: grid import (+) / export (-), each
    device's measured power (battery charging +), the plan's power for it now, what Headroom told
    the devices it drives (only those), the prices and the limit in force, and whether a phase is
    above its fuse."""

    moment: datetime
    grid_kw: float | None
    device_kw: Mapping[str, float] = field(default_factory=dict)
    planned_kw: Mapping[str, float] = field(default_factory=dict)
    told_kw: Mapping[str, float] = field(default_factory=dict)
    import_price: float = 0.0
    export_price: float = 0.0
    limit_kw: float = math.inf
    battery_soc_kwh: float | None = None
    # Whether a phase of the meter shows more than its fuse (per-phase meters only).
    phase_over: bool = False


@dataclass(kw_only=True)
class StepRecord:
    """One plan step as it happened (energies kWh, money in the tariff's currency); ``seconds`` is
    how much of it was measured (less than the step after a gap). Per device: measured and planned
    energy, and, while Headroom drove it, the energy asked of it (``driven_kwh``: the larger of what
    it was told and what it drew) and how far it strayed (``deviation_kwh``)."""

    start: datetime
    step_minutes: int
    seconds: float = 0.0
    grid_seconds: float = 0.0
    import_kwh: float = 0.0
    export_kwh: float = 0.0
    import_cost: float = 0.0
    export_revenue: float = 0.0
    max_import_kw: float = 0.0
    seconds_above_limit: float = 0.0
    limit_kw: float = math.inf
    price_seconds: float = 0.0
    import_price_s: float = 0.0
    export_price_s: float = 0.0
    battery_soc_kwh: float | None = None
    device_kwh: dict[str, float] = field(default_factory=dict)
    planned_kwh: dict[str, float] = field(default_factory=dict)
    driven_kwh: dict[str, float] = field(default_factory=dict)
    deviation_kwh: dict[str, float] = field(default_factory=dict)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.step_minutes)

    @property
    def cost(self) -> float:
        return self.import_cost - self.export_revenue

    @property
    def peak_kw(self) -> float:
        """The step's average import (kW): what a capacity tariff counts."""
        return self.import_kwh / (self.step_minutes / 60.0)

    @property
    def import_price(self) -> float:
        return self.import_price_s / self.price_seconds if self.price_seconds else 0.0

    @property
    def export_price(self) -> float:
        return self.export_price_s / self.price_seconds if self.price_seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "start"}
        out["start"] = self.start.isoformat()
        if math.isinf(self.limit_kw):
            out["limit_kw"] = None
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StepRecord:
        values = dict(data)
        values["start"] = datetime.fromisoformat(values["start"])
        if values.get("limit_kw") is None:
            values["limit_kw"] = math.inf
        for key in ("device_kwh", "planned_kwh", "driven_kwh", "deviation_kwh"):
            values[key] = {str(k): float(v) for k, v in values.get(key, {}).items()}
        return cls(**values)


def step_start(moment: datetime, step_minutes: int) -> datetime:
    """The start of the step that holds ``moment`` (steps line up with the hour)."""
    minute = moment.minute - moment.minute % step_minutes
    return moment.replace(minute=minute, second=0, microsecond=0)


class Meter:
    """Integrates samples into step records; ``add`` answers the steps that closed."""

    def __init__(self, step_minutes: int, may_take_less: Iterable[str] = ()) -> None:
        self.step_minutes = step_minutes
        # Devices for which drawing less than told is no disobedience (a car that is full).
        self.may_take_less = set(may_take_less)
        self.last: Sample | None = None
        self.open: StepRecord | None = None

    def add(self, sample: Sample) -> list[StepRecord]:
        closed: list[StepRecord] = []
        last, self.last = self.last, sample
        if last is None or sample.moment <= last.moment:
            return closed
        if sample.moment - last.moment > MAX_HOLD:
            # A gap: nothing is integrated; the step that was open closes as far as it was measured.
            if self.open is not None:
                closed.append(self.open)
                self.open = None
            return closed
        moment = last.moment
        while moment < sample.moment:
            start = step_start(moment, self.step_minutes)
            if self.open is not None and self.open.start != start:
                closed.append(self.open)
                self.open = None
            if self.open is None:
                self.open = StepRecord(start=start, step_minutes=self.step_minutes)
            until = min(sample.moment, self.open.end)
            self._integrate(self.open, last, (until - moment).total_seconds())
            moment = until
        if self.open is not None and self.open.end <= sample.moment:
            closed.append(self.open)
            self.open = None
        return closed

    def _integrate(self, record: StepRecord, held: Sample, seconds: float) -> None:
        hours = seconds / 3600.0
        record.seconds += seconds
        if record.battery_soc_kwh is None:
            record.battery_soc_kwh = held.battery_soc_kwh
        record.limit_kw = held.limit_kw
        record.price_seconds += seconds
        record.import_price_s += held.import_price * seconds
        record.export_price_s += held.export_price * seconds
        if held.grid_kw is not None:
            record.grid_seconds += seconds
            imp, exp = max(held.grid_kw, 0.0), max(-held.grid_kw, 0.0)
            record.import_kwh += imp * hours
            record.export_kwh += exp * hours
            record.import_cost += imp * hours * held.import_price
            record.export_revenue += exp * hours * held.export_price
            record.max_import_kw = max(record.max_import_kw, imp)
            if imp > held.limit_kw + LIMIT_TOLERANCE_KW or held.phase_over:
                record.seconds_above_limit += seconds
        for device_id, kw in held.device_kw.items():
            _add(record.device_kwh, device_id, kw * hours)
        for device_id, kw in held.planned_kw.items():
            _add(record.planned_kwh, device_id, kw * hours)
        for device_id, told in held.told_kw.items():
            measured = held.device_kw.get(device_id)
            if measured is None:
                continue
            off = measured - told
            if device_id in self.may_take_less:
                off = max(off, 0.0)
            _add(record.driven_kwh, device_id, max(abs(told), abs(measured)) * hours)
            _add(record.deviation_kwh, device_id, abs(off) * hours)


def _add(into: dict[str, float], key: str, value: float) -> None:
    into[key] = into.get(key, 0.0) + value


def following_score(records: Iterable[StepRecord], device_id: str) -> float | None:
    """How well a device did what Headroom told it (1: exactly; 0: not at all), energy-weighted over
    the steps it was driven; None when it was never asked for anything."""
    records = list(records)
    driven = sum(r.driven_kwh.get(device_id, 0.0) for r in records)
    if driven <= 1e-9:
        return None
    deviation = sum(r.deviation_kwh.get(device_id, 0.0) for r in records)
    return max(0.0, 1.0 - deviation / driven)


# ----------------------------------------------------------------------------- the counterfactual


@dataclass(frozen=True, kw_only=True)
class CarSession:
    """A car's stay as it happened: plugged in at ``start`` until ``end``, asked ``asked_kwh`` on
    arrival, took ``delivered_kwh``; ``max_kw`` is what the charger gives at full power."""

    device_id: str
    start: datetime
    end: datetime
    asked_kwh: float
    delivered_kwh: float
    max_kw: float


@dataclass(frozen=True, kw_only=True)
class ApplianceRun:
    """An appliance's run as it happened (``start``) and when it would have started on its own: the
    moment its window opened (``own_start``)."""

    device_id: str
    start: datetime
    end: datetime
    own_start: datetime


@dataclass(frozen=True, kw_only=True)
class BatteryModel:
    """A battery in plain self-consumption (kWh, kW, one-way efficiency)."""

    device_id: str
    capacity_kwh: float
    min_soc_kwh: float
    max_charge_kw: float
    max_discharge_kw: float
    efficiency: float = 0.95


@dataclass(frozen=True, kw_only=True)
class BauStep:
    """One step of business as usual on the realised day."""

    start: datetime
    import_kwh: float
    export_kwh: float
    cost: float
    over_limit: bool
    device_kwh: Mapping[str, float]


def counterfactual(
    records: Sequence[StepRecord],
    cars: Iterable[CarSession] = (),
    runs: Iterable[ApplianceRun] = (),
    battery: BatteryModel | None = None,
    soc_kwh: float | None = None,
) -> tuple[list[BauStep], float | None]:
    """Business as usual for ``records`` (in time order), and the battery's SoC after them (kWh)."""
    if not records:
        return [], soc_kwh
    index = {r.start: i for i, r in enumerate(records)}
    own = [dict(r.device_kwh) for r in records]
    for car in cars:
        _place_car(records, own, car)
    for run in runs:
        _place_run(records, index, own, run)
    out: list[BauStep] = []
    previous_end: datetime | None = None
    for record, devices in zip(records, own, strict=True):
        if previous_end is not None and previous_end != record.start and record.battery_soc_kwh is not None:
            soc_kwh = record.battery_soc_kwh  # after a gap the battery is where it was measured
        previous_end = record.end
        delta = sum(
            devices.get(d, 0.0) - record.device_kwh.get(d, 0.0) for d in set(devices) | set(record.device_kwh)
        )
        if battery is not None and soc_kwh is not None:
            real = record.device_kwh.get(battery.device_id, 0.0)
            net_other = record.import_kwh - record.export_kwh - real + delta
            energy, soc_kwh = _self_consumption(battery, net_other, soc_kwh, record.seconds / 3600.0)
            devices[battery.device_id] = energy
            delta += energy - real
        imp, exp = _shifted(record.import_kwh, record.export_kwh, delta)
        over = record.seconds > 0 and imp / (record.seconds / 3600.0) > record.limit_kw + LIMIT_TOLERANCE_KW
        out.append(
            BauStep(
                start=record.start,
                import_kwh=imp,
                export_kwh=exp,
                cost=imp * record.import_price - exp * record.export_price,
                over_limit=over,
                device_kwh=devices,
            )
        )
    return out, soc_kwh


def _place_car(records: Sequence[StepRecord], own: list[dict[str, float]], car: CarSession) -> None:
    """The car's real energy out, full power from plug-in until its energy is in."""
    wanted = max(car.asked_kwh, car.delivered_kwh)
    for i, record in enumerate(records):
        if record.end <= car.start or record.start >= car.end:
            continue
        begin, finish = max(record.start, car.start), min(record.end, car.end)
        measured_s = min(record.seconds, (finish - begin).total_seconds())
        energy = min(wanted, car.max_kw * measured_s / 3600.0)
        own[i][car.device_id] = energy
        wanted -= energy


def _place_run(
    records: Sequence[StepRecord],
    index: Mapping[datetime, int],
    own: list[dict[str, float]],
    run: ApplianceRun,
) -> None:
    """The measured run moved back to when the appliance would have started on its own (a shift
    of whole and part steps: each step's energy split between the two steps it lands on)."""
    if run.own_start >= run.start:
        return
    step = timedelta(minutes=records[0].step_minutes)
    shift = (run.start - run.own_start) / step
    whole, part = int(shift), shift - int(shift)
    moved: dict[datetime, float] = {}
    for i, record in enumerate(records):
        if record.end <= run.start or record.start >= run.end:
            continue
        energy = record.device_kwh.get(run.device_id, 0.0)
        own[i][run.device_id] = own[i].get(run.device_id, 0.0) - energy
        landing = record.start - whole * step
        moved[landing] = moved.get(landing, 0.0) + energy * (1.0 - part)
        moved[landing - step] = moved.get(landing - step, 0.0) + energy * part
    for start, energy in moved.items():
        if (at := index.get(start)) is not None:
            own[at][run.device_id] = own[at].get(run.device_id, 0.0) + energy


def _self_consumption(
    battery: BatteryModel, net_kwh: float, soc_kwh: float, hours: float
) -> tuple[float, float]:
    """The battery's energy this step (charging +) answering the net load, and its SoC after."""
    room_in = max(battery.capacity_kwh - soc_kwh, 0.0) / battery.efficiency
    room_out = max(soc_kwh - battery.min_soc_kwh, 0.0) * battery.efficiency
    energy = max(
        -min(battery.max_discharge_kw * hours, room_out),
        min(-net_kwh, battery.max_charge_kw * hours, room_in),
    )
    soc_kwh += energy * battery.efficiency if energy >= 0 else energy / battery.efficiency
    return energy, min(max(soc_kwh, 0.0), battery.capacity_kwh)


def _shifted(import_kwh: float, export_kwh: float, delta_kwh: float) -> tuple[float, float]:
    """The grid's import and export once the home draws ``delta_kwh`` more: more drawn takes from
    the export first, less drawn takes from the import first (what the meter shows is kept where
    nothing changed)."""
    if delta_kwh >= 0:
        taken = min(export_kwh, delta_kwh)
        return import_kwh + delta_kwh - taken, export_kwh - taken
    given = min(import_kwh, -delta_kwh)
    return import_kwh - given, export_kwh - delta_kwh - given


def merged(records: Sequence[StepRecord]) -> StepRecord | None:
    """Several steps as one (sums; the limit of the last; the highest import)."""
    if not records:
        return None
    out = replace(records[0], device_kwh={}, planned_kwh={}, driven_kwh={}, deviation_kwh={})
    out.seconds = out.grid_seconds = out.import_kwh = out.export_kwh = 0.0
    out.import_cost = out.export_revenue = 0.0
    out.max_import_kw = out.seconds_above_limit = out.price_seconds = 0.0
    out.import_price_s = out.export_price_s = 0.0
    for r in records:
        out.seconds += r.seconds
        out.grid_seconds += r.grid_seconds
        out.import_kwh += r.import_kwh
        out.export_kwh += r.export_kwh
        out.import_cost += r.import_cost
        out.export_revenue += r.export_revenue
        out.max_import_kw = max(out.max_import_kw, r.max_import_kw)
        out.seconds_above_limit += r.seconds_above_limit
        out.price_seconds += r.price_seconds
        out.import_price_s += r.import_price_s
        out.export_price_s += r.export_price_s
        out.limit_kw = r.limit_kw
        for source, target in (
            (r.device_kwh, out.device_kwh),
            (r.planned_kwh, out.planned_kwh),
            (r.driven_kwh, out.driven_kwh),
            (r.deviation_kwh, out.deviation_kwh),
        ):
            for k, v in source.items():
                _add(target, k, v)
    return out


@dataclass(kw_only=True)
class Hour:
    """One settled hour: what happened and what business as usual would have cost (money only
    where the grid meter was read: ``metered``)."""

    record: StepRecord
    bau_cost: float
    bau_import_kwh: float
    bau_export_kwh: float
    bau_over_limit_steps: int
    peak_kw: float

    @property
    def metered(self) -> bool:
        return self.record.grid_seconds > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "record": self.record.to_dict(),
            "bau_cost": self.bau_cost,
            "bau_import_kwh": self.bau_import_kwh,
            "bau_export_kwh": self.bau_export_kwh,
            "bau_over_limit_steps": self.bau_over_limit_steps,
            "peak_kw": self.peak_kw,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Hour:
        return cls(
            record=StepRecord.from_dict(data["record"]),
            bau_cost=float(data["bau_cost"]),
            bau_import_kwh=float(data["bau_import_kwh"]),
            bau_export_kwh=float(data["bau_export_kwh"]),
            bau_over_limit_steps=int(data["bau_over_limit_steps"]),
            peak_kw=float(data["peak_kw"]),
        )
