"""Moments and plan steps, with one meaning each.

A plan covers ``steps`` steps of ``step_minutes`` from ``start`` (a step boundary in local
time). Two questions are asked of it, and they have different answers for a moment inside a
step, so each has its own name:

- ``step_of(moment)``: the step whose interval holds the moment (what runs *now*);
- ``first_step_from(moment)``: the first step that begins at or after it (a window that
  opens, or a deadline: a car leaving at 07:10 can use steps up to the one starting 07:00,
  exclusive end ``first_step_from(07:10)``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta


def floor_to_step(moment: datetime, step_minutes: int) -> datetime:
    """The start of the step that holds ``moment``, on the local clock of ``moment``."""
    moment = moment.replace(second=0, microsecond=0)
    return moment - timedelta(minutes=moment.minute % step_minutes)


def next_occurrence(now: datetime, at: time) -> datetime:
    """The next time the local clock of ``now`` shows ``at`` (strictly after ``now``)."""
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


@dataclass(frozen=True)
class Timeline:
    """A plan's horizon: ``steps`` steps of ``step_minutes`` from ``start`` (a step boundary, local time),
    and the conversions between moments and steps."""

    start: datetime
    step_minutes: int
    steps: int

    @classmethod
    def at(cls, now: datetime, step_minutes: int, horizon_hours: float) -> Timeline:
        """The horizon that starts with the step holding ``now``."""
        return cls(floor_to_step(now, step_minutes), step_minutes, int(horizon_hours * 60) // step_minutes)

    @property
    def step(self) -> timedelta:
        return timedelta(minutes=self.step_minutes)

    @property
    def step_hours(self) -> float:
        return self.step_minutes / 60.0

    @property
    def end(self) -> datetime:
        return self.start + self.steps * self.step

    def _position(self, moment: datetime) -> float:
        return (moment - self.start).total_seconds() / 60 / self.step_minutes

    def step_of(self, moment: datetime) -> int:
        """The step whose interval holds ``moment``, clamped to [0, steps - 1]."""
        return max(0, min(self.steps - 1, math.floor(self._position(moment) + 1e-9)))

    def first_step_from(self, moment: datetime) -> int:
        """The first step that begins at or after ``moment``, clamped to [0, steps]."""
        return max(0, min(self.steps, math.ceil(self._position(moment) - 1e-9)))

    def steps_before(self, moment: datetime) -> int:
        """How many whole steps lie between the start and ``moment`` (an exclusive end), in [0, steps]."""
        return max(0, min(self.steps, math.floor(self._position(moment) + 1e-9)))

    def whole_steps_until(self, moment: datetime) -> int:
        """Whole steps from the start to ``moment``, not clamped (a window may end past the horizon)."""
        return math.floor(self._position(moment) + 1e-9)

    def moment(self, step: int) -> datetime:
        """When step ``step`` begins."""
        return self.start + step * self.step

    def moments(self) -> list[datetime]:
        return [self.moment(t) for t in range(self.steps)]
