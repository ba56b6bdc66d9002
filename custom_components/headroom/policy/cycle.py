"""What every kind's policy sees of the cycle it is part of."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..planner.model import FloatArray
from .intents import Intents
from .timeline import Timeline


@dataclass(kw_only=True)
class Cycle:
    """One planning cycle: the horizon, what people asked, and the notes it gathers.
    ``surplus_kw``: forecast PV beyond the house's own load (for solar-only charging)."""

    timeline: Timeline
    now: datetime
    intents: Intents
    surplus_kw: FloatArray
    stale: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    # The import price per step (currency/kWh), for what energy stored at the horizon's end is worth.
    import_price: FloatArray | None = None


@dataclass(frozen=True, kw_only=True)
class Moment:
    """The step that runs now, and the room the plan leaves in it under the import limit and (with a
    per-phase fuse) under each phase's fuse (kW, index 0 is L1)."""

    now: datetime
    step: int
    headroom_kw: float
    phase_headroom_kw: tuple[float, ...] = ()
    step_minutes: float = 0.0  # the plan's step length (0: unknown)

    def room_kw(self, phases: tuple[int, ...]) -> float:
        """The room a load on ``phases`` may still take: the site's, and each of its phases' times
        the phases it spreads over."""
        room = self.headroom_kw
        for phase in phases:
            if phase <= len(self.phase_headroom_kw):
                room = min(room, self.phase_headroom_kw[phase - 1] * len(phases))
        return room
