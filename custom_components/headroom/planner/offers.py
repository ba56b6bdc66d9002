"""Counter-offers for a capacity request that the plan's room cannot meet (seed 001's negotiation).

A device asks for ``power_kw`` over steps [first, end). When the room the current plan leaves under the
import limit (the limit less the plan's import, per step) holds that everywhere, the request fits as
asked. When it does not, the answer carries what does fit, each within that room, so each holds if it
is committed with nothing else moving:

- ``until``: the full power from ``first`` for as long as the room holds it;
- ``lower``: the highest power the room holds over the whole window (at least ``min_kw``);
- ``later``: the earliest window of the same length, from ``first`` on, where the full power fits;

and ``all_available`` is the profile that follows the room (seed 001's "all available power"),
clipped to ``power_kw``, for a device that takes whatever is free.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import FloatArray, Plan, Problem

# Below this a step's room counts as none (kW).
ROOM_TOLERANCE_KW = 1e-3


@dataclass(frozen=True, kw_only=True)
class Offer:
    """A profile that fits: ``power_kw`` per step of [first, end)."""

    kind: str
    first: int
    end: int
    power_kw: FloatArray


@dataclass(frozen=True, kw_only=True)
class Offers:
    """Whether the request fits as asked, the counter-offers when it does not, and the profile of
    all the power available over the window."""

    fits: bool
    counter: tuple[Offer, ...]
    all_available: Offer


def room_kw(problem: Problem, plan: Plan) -> FloatArray:
    """The import room the plan leaves under the limit per step (kW, never below 0)."""
    return np.maximum(problem.site.import_limit_kw - plan.grid_import_kw, 0.0)


def offers(
    problem: Problem, plan: Plan, first: int, end: int, *, power_kw: float, min_kw: float = 0.0
) -> Offers:
    """The answer to ``power_kw`` over [first, end) against the room ``plan`` leaves (see the module)."""
    return offers_in(room_kw(problem, plan), first, end, power_kw=power_kw, min_kw=min_kw)


def offers_in(room: FloatArray, first: int, end: int, *, power_kw: float, min_kw: float = 0.0) -> Offers:
    """The answer to ``power_kw`` over [first, end) against ``room`` (kW per step of the horizon), for a
    caller that takes more out of the plan's room first (capacity others hold while they decide)."""
    window = room[first:end]
    available = Offer(kind="all_available", first=first, end=end, power_kw=np.minimum(window, power_kw))
    if (window >= power_kw - ROOM_TOLERANCE_KW).all():
        full = Offer(kind="as_asked", first=first, end=end, power_kw=np.full(end - first, power_kw))
        return Offers(fits=True, counter=(full,), all_available=available)
    counter: list[Offer] = []
    short = np.nonzero(window < power_kw - ROOM_TOLERANCE_KW)[0]
    if short[0] > 0:
        until = first + int(short[0])
        counter.append(Offer(kind="until", first=first, end=until, power_kw=np.full(until - first, power_kw)))
    lower = float(window.min())
    if lower > ROOM_TOLERANCE_KW and lower >= min_kw:
        counter.append(Offer(kind="lower", first=first, end=end, power_kw=np.full(end - first, lower)))
    length = end - first
    fits = room >= power_kw - ROOM_TOLERANCE_KW
    for start in range(first + 1, len(room) - length + 1):
        if fits[start : start + length].all():
            counter.append(
                Offer(kind="later", first=start, end=start + length, power_kw=np.full(length, power_kw))
            )
            break
    return Offers(fits=False, counter=tuple(counter), all_available=available)
