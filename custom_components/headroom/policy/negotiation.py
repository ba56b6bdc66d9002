"""Capacity as a negotiation (seed 000's option A, seed 001's Power Supply review): a named requester
asks for a power profile, is offered what the room can hold and a token that holds it for
``HOLD_MINUTES``, and commits exactly that offer with the token.

While a hold is valid it counts against the room every other requester of the same or a lower
priority is offered from, so two requesters deciding at once are never together offered more than the
room; a request of a higher priority does not see lower holds, and the lower holds it leaves no room
for are dropped (their tokens are refused). A requester holds one thing at a time: a later request
from the same name replaces its earlier hold. Holds live in memory only: they are minutes long.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from ..planner.model import FloatArray
from ..planner.offers import ROOM_TOLERANCE_KW, Offer, Offers, offers_in

# How long an offer is held for its requester to commit it (minutes).
HOLD_MINUTES = 5


@dataclass(frozen=True, kw_only=True)
class Hold:
    """An offer held for ``requester`` until ``expires``: ``power_kw`` per step from ``start``."""

    requester: str
    token: str
    priority: int
    kind: str
    start: datetime
    step_minutes: int
    power_kw: tuple[float, ...]
    requested_kw: float
    expires: datetime

    def on(self, horizon_start: datetime, steps: int, step_minutes: int) -> FloatArray:
        """The held power per step of a horizon starting at ``horizon_start`` (kW; 0 outside it)."""
        held = np.zeros(steps)
        offset = round((self.start - horizon_start).total_seconds() / 60 / step_minutes)
        for index, power in enumerate(self.power_kw):
            if 0 <= offset + index < steps:
                held[offset + index] = power
        return held


@dataclass
class Holds:
    """The holds by requester name."""

    by_requester: dict[str, Hold] = field(default_factory=dict)

    def expire(self, now: datetime) -> None:
        self.by_requester = {k: h for k, h in self.by_requester.items() if h.expires > now}

    def held_kw(
        self, horizon_start: datetime, steps: int, step_minutes: int, *, besides: str, priority: int
    ) -> FloatArray:
        """What the other requesters of ``priority`` or above hold per step (kW)."""
        held = np.zeros(steps)
        for hold in self.by_requester.values():
            if hold.requester != besides and hold.priority >= priority:
                held += hold.on(horizon_start, steps, step_minutes)
        return held

    def place(self, hold: Hold, room_kw: FloatArray, horizon_start: datetime) -> list[str]:
        """Hold ``hold`` (replacing its requester's earlier one); drop the lower holds the room no longer
        has space for, lowest first, and return their requesters."""
        self.by_requester[hold.requester] = hold
        steps, minutes = len(room_kw), hold.step_minutes
        dropped: list[str] = []
        for lower in sorted(self.by_requester.values(), key=lambda h: h.priority):
            if lower.priority >= hold.priority:
                continue
            above = self.held_kw(
                horizon_start, steps, minutes, besides=lower.requester, priority=lower.priority
            )
            mine = lower.on(horizon_start, steps, minutes)
            if (above + mine > room_kw + ROOM_TOLERANCE_KW).any():
                del self.by_requester[lower.requester]
                dropped.append(lower.requester)
        return dropped

    def take(self, token: str, now: datetime) -> Hold | None:
        """The valid hold behind ``token``, removed from the book; None for one unknown or expired."""
        self.expire(now)
        found = next((h for h in self.by_requester.values() if secrets.compare_digest(h.token, token)), None)
        if found is not None:
            del self.by_requester[found.requester]
        return found


@dataclass(frozen=True, kw_only=True)
class Answer:
    """The offer (None when nothing fits) and the counter-offers and all-available profile behind it."""

    offer: Offer | None
    offers: Offers


def negotiate(room_kw: FloatArray, first: int, end: int, *, power_kw: float | None, cap_kw: float) -> Answer:
    """What to offer for ``power_kw`` over [first, end), or for all the power available (``power_kw``
    None, up to ``cap_kw``): as asked when it fits, else the first counter-offer; all available power
    is offered as the profile that follows the room."""
    asked = cap_kw if power_kw is None else power_kw
    answer = offers_in(room_kw, first, end, power_kw=asked)
    if power_kw is None:
        available = answer.all_available
        return Answer(
            offer=available if available.power_kw.max() > ROOM_TOLERANCE_KW else None, offers=answer
        )
    return Answer(offer=answer.counter[0] if answer.counter else None, offers=answer)


def new_hold(
    requester: str,
    offer: Offer,
    *,
    priority: int,
    start: datetime,
    step_minutes: int,
    requested_kw: float,
    now: datetime,
) -> Hold:
    """A hold of ``offer`` (starting at ``start``, the beginning of its first step) for ``HOLD_MINUTES``."""
    return Hold(
        requester=requester,
        token=secrets.token_urlsafe(16),
        priority=priority,
        kind=offer.kind,
        start=start,
        step_minutes=step_minutes,
        power_kw=tuple(round(float(v), 3) for v in offer.power_kw),
        requested_kw=requested_kw,
        expires=now + timedelta(minutes=HOLD_MINUTES),
    )
