"""Goals as they turned out: every car's stay and every appliance run, with what was asked, what was
delivered, when it finished, the shortfall and the plan's reason for it.

A car's stay runs from plug-in to unplug; what it was asked is the energy the first plan of the
stay wanted (the goal, or the car's SoC up to its target). An appliance's run starts when its power
sensor shows it running and ends once it has rested for ``RUN_REST``; it was asked to finish by the
end of its window. Delivered energy is the power sensor held between reads, like the meter's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .accounting import MAX_HOLD, ApplianceRun, CarSession

RUNNING_KW = 0.05  # an appliance drawing more than this is running
CHARGING_KW = 0.1
RUN_REST = timedelta(minutes=15)
# A goal short by no more than this (kWh, or this share of what was asked) is met.
MET_TOLERANCE_KWH = 0.5
MET_TOLERANCE_SHARE = 0.02


@dataclass(frozen=True, kw_only=True)
class Goal:
    """One finished stay or run."""

    device_id: str
    kind: str
    start: datetime
    end: datetime
    asked_kwh: float
    delivered_kwh: float
    finished_at: datetime | None
    deadline: datetime | None
    shortfall_kwh: float
    met: bool
    reason: str = ""
    own_start: datetime | None = None
    max_kw: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            out[key] = value.isoformat() if isinstance(value, datetime) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Goal:
        values = dict(data)
        for key in ("start", "end", "finished_at", "deadline", "own_start"):
            if values.get(key) is not None:
                values[key] = datetime.fromisoformat(values[key])
        return cls(**values)

    def car_session(self) -> CarSession:
        return CarSession(
            device_id=self.device_id,
            start=self.start,
            end=self.end,
            asked_kwh=self.asked_kwh,
            delivered_kwh=self.delivered_kwh,
            max_kw=self.max_kw,
        )

    def appliance_run(self) -> ApplianceRun:
        return ApplianceRun(
            device_id=self.device_id,
            start=self.start,
            end=self.end,
            own_start=self.own_start or self.start,
        )


@dataclass(kw_only=True)
class Open:
    """A stay or run in progress."""

    kind: str
    start: datetime
    last: datetime
    power_kw: float
    asked_kwh: float | None = None
    delivered_kwh: float = 0.0
    finished_at: datetime | None = None
    deadline: datetime | None = None
    reason: str = ""
    own_start: datetime | None = None
    max_kw: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Open:
        values = dict(data)
        for key in ("start", "last", "finished_at", "deadline", "own_start"):
            if values.get(key) is not None:
                values[key] = datetime.fromisoformat(values[key])
        return cls(**values)

    def hold_until(self, moment: datetime, running_kw: float) -> None:
        """The last reading's energy up to ``moment`` (none across a gap)."""
        if timedelta(0) < moment - self.last <= MAX_HOLD:
            self.delivered_kwh += self.power_kw * (moment - self.last).total_seconds() / 3600.0
            if self.power_kw > running_kw:
                self.finished_at = moment
        self.last = moment


@dataclass(kw_only=True)
class Window:
    """An appliance's window as it goes: whether a plan had its run in it, and the plan's reason."""

    opens: datetime
    closes: datetime
    planned: bool = False
    reason: str = ""


@dataclass
class Goals:
    """Stays and runs in progress (``open``) and finished (``done``), and each appliance's window
    in progress (``windows``: a window that closes without the run a plan had in it is a miss)."""

    open: dict[str, Open] = field(default_factory=dict)
    done: list[Goal] = field(default_factory=list)
    windows: dict[str, Window] = field(default_factory=dict)

    def window(
        self,
        device_id: str,
        window: tuple[datetime, datetime] | None,
        *,
        planned: bool,
        asked_kwh: float,
        reason: str,
    ) -> Goal | None:
        """An appliance's window now (None outside one); answers the miss when one closed without
        the run a plan had in it."""
        previous = self.windows.get(device_id)
        missed: Goal | None = None
        if previous is not None and (window is None or window[0] != previous.opens):
            del self.windows[device_id]
            ran = device_id in self.open or any(
                g.device_id == device_id and g.own_start == previous.opens for g in self.done
            )
            if previous.planned and not ran:
                missed = Goal(
                    device_id=device_id,
                    kind="appliance",
                    start=previous.opens,
                    end=previous.closes,
                    asked_kwh=asked_kwh,
                    delivered_kwh=0.0,
                    finished_at=None,
                    deadline=previous.closes,
                    shortfall_kwh=asked_kwh,
                    met=False,
                    reason=previous.reason or "not_run",
                    own_start=previous.opens,
                )
                self.done.append(missed)
        if window is not None:
            current = self.windows.setdefault(device_id, Window(opens=window[0], closes=window[1]))
            current.planned = current.planned or planned
            current.reason = reason or current.reason
        return missed

    def car(
        self,
        moment: datetime,
        device_id: str,
        *,
        plugged: bool,
        power_kw: float,
        asked_kwh: float | None,
        deadline: datetime | None,
        reason: str,
        max_kw: float,
    ) -> Goal | None:
        """A charger's read: a stay opens at plug-in and is answered as a goal at unplug."""
        session = self.open.get(device_id)
        if session is not None:
            session.hold_until(moment, CHARGING_KW)
            session.power_kw = power_kw
        if not plugged:
            return self._close(device_id, moment) if session is not None else None
        if session is None:
            session = self.open[device_id] = Open(
                kind="ev_charger", start=moment, last=moment, power_kw=power_kw
            )
        if session.asked_kwh is None and asked_kwh is not None:
            # The first plan of the stay may come a little after plug-in: what the car took
            # before it was still part of what it was asked for.
            session.asked_kwh = asked_kwh + session.delivered_kwh
            session.deadline = deadline
        session.reason = reason or session.reason
        session.max_kw = max(session.max_kw, max_kw)
        return None

    def appliance(
        self,
        moment: datetime,
        device_id: str,
        *,
        power_kw: float,
        window: tuple[datetime, datetime] | None,
        asked_kwh: float,
        reason: str,
    ) -> Goal | None:
        """An appliance's read: a run opens when it draws power and is answered once it rests."""
        run = self.open.get(device_id)
        if run is not None:
            run.hold_until(moment, RUNNING_KW)
            run.power_kw = power_kw
            run.reason = reason or run.reason
            rested = run.finished_at is None or moment - run.finished_at >= RUN_REST
            if power_kw <= RUNNING_KW and rested and moment - run.start >= RUN_REST:
                return self._close(device_id, moment)
            return None
        if power_kw > RUNNING_KW:
            own_start, deadline = window if window is not None else (moment, None)
            self.open[device_id] = Open(
                kind="appliance",
                start=moment,
                last=moment,
                power_kw=power_kw,
                asked_kwh=asked_kwh,
                deadline=deadline,
                reason=reason,
                own_start=min(own_start, moment),
                finished_at=moment,
            )
        return None

    def _close(self, device_id: str, moment: datetime) -> Goal:
        session = self.open.pop(device_id)
        asked = session.asked_kwh or 0.0
        if session.kind == "appliance":
            finished = session.finished_at or moment
            met = session.deadline is None or finished <= session.deadline
            shortfall = 0.0 if met else asked
        else:
            shortfall = max(asked - session.delivered_kwh, 0.0)
            met = shortfall <= max(MET_TOLERANCE_KWH, MET_TOLERANCE_SHARE * asked)
        goal = Goal(
            device_id=device_id,
            kind=session.kind,
            start=session.start,
            end=moment,
            asked_kwh=asked,
            delivered_kwh=session.delivered_kwh,
            finished_at=session.finished_at,
            deadline=session.deadline,
            shortfall_kwh=0.0 if met else shortfall,
            met=met,
            reason="" if met else session.reason,
            own_start=session.own_start,
            max_kw=session.max_kw,
        )
        self.done.append(goal)
        return goal

    def earliest_open(self) -> datetime | None:
        """Where the counterfactual cannot be settled yet: the start of what is still in progress
        (an appliance from its window's opening, where its own run would have been)."""
        starts = [min(s.start, s.own_start or s.start) for s in self.open.values()]
        return min(starts) if starts else None
