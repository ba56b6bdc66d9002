"""What people and automations asked of Headroom: charging goals, capacity reservations,
overrides, one-off appliance runs, grid requests and devices taken over by hand.

All of it is kept in the Store, so it survives a restart, and drops out when it expires.
The policy turns it into the planner's terms on every cycle. Times are aware datetimes; a\ntime of day (a departure) is read on the clock of the moment it is asked about, so the\ncaller passes local time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Literal

from ..const import ChargeMode
from .timeline import next_occurrence

DEFAULT_DEPARTURE = time(7, 0)
DEFAULT_TARGET_SOC = 80.0
PRIORITIES = {"normal": 1, "high": 2, "critical": 3}
OverrideAction = Literal["block", "force"]


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass
class EvGoal:
    """What the person wants of a charger. ``departure`` is the daily default; a one-off
    ``departure_at`` (from an automation) wins while it lies ahead."""

    mode: ChargeMode = ChargeMode.SMART
    target_soc: float = DEFAULT_TARGET_SOC
    departure: time = DEFAULT_DEPARTURE
    energy_kwh: float | None = None
    departure_at: datetime | None = None
    priority: int = 1

    def departure_after(self, now: datetime) -> datetime:
        if self.departure_at is not None and self.departure_at > now:
            return self.departure_at
        return next_occurrence(now, self.departure)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value,
            "target_soc": self.target_soc,
            "departure": self.departure.isoformat(),
            "energy_kwh": self.energy_kwh,
            "departure_at": _iso(self.departure_at),
            "priority": self.priority,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvGoal:
        return cls(
            mode=ChargeMode(data.get("mode", ChargeMode.SMART)),
            target_soc=float(data.get("target_soc", DEFAULT_TARGET_SOC)),
            departure=time.fromisoformat(data.get("departure", DEFAULT_DEPARTURE.isoformat())),
            energy_kwh=data.get("energy_kwh"),
            departure_at=_dt(data.get("departure_at")),
            priority=int(data.get("priority", 1)),
        )


@dataclass
class Reservation:
    """Power promised to someone outside Headroom's devices, per step from ``start``."""

    id: str
    start: datetime
    step_minutes: int
    granted_kw: list[float]
    requested_kw: float
    energy_kwh: float | None = None
    force: bool = False
    status: str = "granted"

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.step_minutes * len(self.granted_kw))

    def power_at(self, moment: datetime) -> float:
        index = math.floor((moment - self.start).total_seconds() / 60 / self.step_minutes)
        return self.granted_kw[index] if 0 <= index < len(self.granted_kw) else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "start": self.start.isoformat(),
            "step_minutes": self.step_minutes,
            "granted_kw": self.granted_kw,
            "requested_kw": self.requested_kw,
            "energy_kwh": self.energy_kwh,
            "force": self.force,
            "status": self.status,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reservation:
        start = _dt(data["start"])
        assert start is not None
        return cls(
            id=data["id"],
            start=start,
            step_minutes=int(data["step_minutes"]),
            granted_kw=[float(v) for v in data["granted_kw"]],
            requested_kw=float(data["requested_kw"]),
            energy_kwh=data.get("energy_kwh"),
            force=bool(data.get("force", False)),
            status=data.get("status", "granted"),
        )


@dataclass
class Override:
    """A person's veto: no power at all (``block``) or full power / run now (``force``)."""

    action: OverrideAction
    until: datetime


@dataclass
class GridRequest:
    """A grid operator's or aggregator's request: a lower import limit, or at most so many kWh
    imported, between ``start`` and ``end``."""

    id: str
    start: datetime
    end: datetime
    limit_kw: float | None = None
    max_import_kwh: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "limit_kw": self.limit_kw,
            "max_import_kwh": self.max_import_kwh,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GridRequest:
        start, end = _dt(data["start"]), _dt(data["end"])
        assert start is not None and end is not None
        return cls(
            id=data["id"],
            start=start,
            end=end,
            limit_kw=data.get("limit_kw"),
            max_import_kwh=data.get("max_import_kwh"),
        )


@dataclass
class KnownLoad:
    """An extra load an operator knows is coming (a party at seven, a hired heater): ``power_kw``
    between ``start`` and ``end``, planned as fixed load. ``source`` says where it came from (the
    action, or a calendar event)."""

    id: str
    start: datetime
    end: datetime
    power_kw: float
    source: str = "action"

    def power_over(self, start: datetime, end: datetime) -> float:
        """Its average power (kW) over ``start``..``end``: the share of that time it runs."""
        overlap = (min(end, self.end) - max(start, self.start)).total_seconds()
        span = (end - start).total_seconds()
        return self.power_kw * max(overlap, 0.0) / span if span > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "power_kw": self.power_kw,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KnownLoad:
        start, end = _dt(data["start"]), _dt(data["end"])
        assert start is not None and end is not None
        return cls(
            id=str(data["id"]),
            start=start,
            end=end,
            power_kw=float(data["power_kw"]),
            source=str(data.get("source", "action")),
        )


@dataclass
class Booking:
    """A charging session known before the car arrives (seed 001: "scheduled to arrive"): on one
    charger (its subentry id) from ``arrival`` to ``departure``, for ``energy_kwh`` or up to
    ``target_soc`` (%; from ``arrival_soc`` when given). Planned before it arrives; the car plugged
    in when it is due takes it over (``policy.bookings``)."""

    id: str
    charger: str
    arrival: datetime
    departure: datetime
    energy_kwh: float | None = None
    target_soc: float | None = None
    arrival_soc: float | None = None
    priority: int = 1
    vehicle: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "charger": self.charger,
            "arrival": self.arrival.isoformat(),
            "departure": self.departure.isoformat(),
            "energy_kwh": self.energy_kwh,
            "target_soc": self.target_soc,
            "arrival_soc": self.arrival_soc,
            "priority": self.priority,
            "vehicle": self.vehicle,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Booking:
        arrival, departure = _dt(data["arrival"]), _dt(data["departure"])
        assert arrival is not None and departure is not None
        return cls(
            id=data["id"],
            charger=data["charger"],
            arrival=arrival,
            departure=departure,
            energy_kwh=data.get("energy_kwh"),
            target_soc=data.get("target_soc"),
            arrival_soc=data.get("arrival_soc"),
            priority=int(data.get("priority", 1)),
            vehicle=data.get("vehicle"),
        )


@dataclass
class Intents:
    """Everything people and automations asked for, per device: EV goals, latest finishes, reservations,
    overrides, one-off appliance runs, grid requests and take-overs; kept in the Store and dropped as they
    expire."""

    goals: dict[str, EvGoal] = field(default_factory=dict)
    latest_finish: dict[str, time] = field(default_factory=dict)
    reservations: dict[str, Reservation] = field(default_factory=dict)
    overrides: dict[str, Override] = field(default_factory=dict)
    appliance_runs: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    grid_requests: dict[str, GridRequest] = field(default_factory=dict)
    manual: dict[str, datetime | None] = field(default_factory=dict)
    appliance_started: dict[str, datetime] = field(default_factory=dict)
    bookings: dict[str, Booking] = field(default_factory=dict)
    known_loads: dict[str, KnownLoad] = field(default_factory=dict)

    def goal(self, device_id: str) -> EvGoal:
        return self.goals.setdefault(device_id, EvGoal())

    def override(self, device_id: str, now: datetime) -> OverrideAction | None:
        found = self.overrides.get(device_id)
        return found.action if found is not None and found.until > now else None

    def is_manual(self, device_id: str, now: datetime) -> bool:
        if device_id not in self.manual:
            return False
        until = self.manual[device_id]
        return until is None or until > now

    def expire(self, now: datetime) -> list[str]:
        """Drop what has ended; returns the reservation ids that went."""
        gone = [k for k, r in self.reservations.items() if r.end <= now]
        for key in gone:
            del self.reservations[key]
        self.overrides = {k: o for k, o in self.overrides.items() if o.until > now}
        self.grid_requests = {k: g for k, g in self.grid_requests.items() if g.end > now}
        self.known_loads = {k: v for k, v in self.known_loads.items() if v.end > now}
        self.appliance_runs = {k: w for k, w in self.appliance_runs.items() if any(e > now for _, e in w)}
        self.manual = {k: u for k, u in self.manual.items() if u is None or u > now}
        self.bookings = {k: b for k, b in self.bookings.items() if b.departure > now}
        for goal in self.goals.values():
            if goal.departure_at is not None and goal.departure_at <= now:
                goal.departure_at = None
                goal.energy_kwh = None
        return gone

    def to_dict(self) -> dict[str, Any]:
        return {
            "goals": {k: v.to_dict() for k, v in self.goals.items()},
            "latest_finish": {k: v.isoformat() for k, v in self.latest_finish.items()},
            "reservations": {k: v.to_dict() for k, v in self.reservations.items()},
            "overrides": {
                k: {"action": v.action, "until": v.until.isoformat()} for k, v in self.overrides.items()
            },
            "appliance_runs": {
                k: [[s.isoformat(), e.isoformat()] for s, e in w] for k, w in self.appliance_runs.items()
            },
            "grid_requests": {k: v.to_dict() for k, v in self.grid_requests.items()},
            "manual": {k: _iso(v) for k, v in self.manual.items()},
            "appliance_started": {k: v.isoformat() for k, v in self.appliance_started.items()},
            "bookings": {k: v.to_dict() for k, v in self.bookings.items()},
            "known_loads": {k: v.to_dict() for k, v in self.known_loads.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Intents:
        def window(pair: list[str]) -> tuple[datetime, datetime]:
            start, end = _dt(pair[0]), _dt(pair[1])
            assert start is not None and end is not None
            return start, end

        overrides: dict[str, Override] = {}
        for key, raw in data.get("overrides", {}).items():
            until = _dt(raw["until"])
            if until is not None and raw.get("action") in ("block", "force"):
                overrides[key] = Override(action=raw["action"], until=until)
        return cls(
            goals={k: EvGoal.from_dict(v) for k, v in data.get("goals", {}).items()},
            latest_finish={k: time.fromisoformat(v) for k, v in data.get("latest_finish", {}).items()},
            reservations={k: Reservation.from_dict(v) for k, v in data.get("reservations", {}).items()},
            overrides=overrides,
            appliance_runs={k: [window(p) for p in w] for k, w in data.get("appliance_runs", {}).items()},
            grid_requests={k: GridRequest.from_dict(v) for k, v in data.get("grid_requests", {}).items()},
            manual={k: _dt(v) for k, v in data.get("manual", {}).items()},
            appliance_started={
                k: v for k, raw in data.get("appliance_started", {}).items() if (v := _dt(raw)) is not None
            },
            bookings={k: Booking.from_dict(v) for k, v in data.get("bookings", {}).items()},
            known_loads={k: KnownLoad.from_dict(v) for k, v in data.get("known_loads", {}).items()},
        )
