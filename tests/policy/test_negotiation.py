"""The hold book on its own: holds count against others of their priority or below, a higher priority
drops the lower holds it leaves no room for, a requester holds one thing, and holds expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from custom_components.headroom.planner.offers import Offer
from custom_components.headroom.policy.negotiation import HOLD_MINUTES, Hold, Holds, negotiate, new_hold

NOW = datetime(2026, 11, 22, 18, tzinfo=UTC)
STEP = 15
ROOM = np.full(8, 10.0)


def hold(requester: str, power_kw: float, *, priority: int = 1, first: int = 2, steps: int = 4) -> Hold:
    offer = Offer(kind="as_asked", first=first, end=first + steps, power_kw=np.full(steps, power_kw))
    start = NOW + timedelta(minutes=STEP * first)
    return new_hold(
        requester, offer, priority=priority, start=start, step_minutes=STEP, requested_kw=power_kw, now=NOW
    )


def test_a_hold_counts_against_the_next_requester() -> None:
    holds = Holds()
    holds.place(hold("sauna", 8.0), ROOM, NOW)
    free = ROOM - holds.held_kw(NOW, 8, STEP, besides="kiln", priority=1)
    answer = negotiate(free, 2, 6, power_kw=8.0, cap_kw=10.0)
    assert answer.offers.fits is False
    assert answer.offer is not None and (answer.offer.power_kw + 8.0 <= 10.0 + 1e-9).all()
    assert holds.held_kw(NOW, 8, STEP, besides="sauna", priority=1).sum() == 0.0  # not against itself


def test_a_higher_priority_drops_the_lower_hold_it_leaves_no_room_for() -> None:
    holds = Holds()
    holds.place(hold("pool", 8.0), ROOM, NOW)
    holds.place(hold("small", 1.0, first=0, steps=2), ROOM, NOW)
    dropped = holds.place(hold("medical", 8.0, priority=3), ROOM, NOW)
    assert dropped == ["pool"] and set(holds.by_requester) == {"small", "medical"}


def test_a_requester_holds_one_thing_and_holds_expire() -> None:
    holds = Holds()
    first = hold("heater", 3.0)
    holds.place(first, ROOM, NOW)
    second = hold("heater", 5.0)
    holds.place(second, ROOM, NOW)
    assert holds.take(first.token, NOW) is None
    assert holds.take(second.token, NOW + timedelta(minutes=HOLD_MINUTES, seconds=1)) is None
    again = hold("heater", 5.0)
    holds.place(again, ROOM, NOW)
    assert holds.take(again.token, NOW) == again and holds.take(again.token, NOW) is None


def test_all_available_power_is_the_room_up_to_the_cap() -> None:
    room = np.array([0.0, 2.0, 6.0, 9.0, 4.0, 0.0])
    answer = negotiate(room, 0, 6, power_kw=None, cap_kw=7.0)
    assert answer.offer is not None and answer.offer.kind == "all_available"
    assert answer.offer.power_kw.tolist() == [0.0, 2.0, 6.0, 7.0, 4.0, 0.0]
    assert negotiate(np.zeros(4), 0, 4, power_kw=None, cap_kw=7.0).offer is None
