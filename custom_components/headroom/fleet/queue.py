"""Sessions for a day too large for the exact model: a need-aware queue, and the cheapest windows.

The exact model (``milp``) decides who is plugged in where, step by step; on a large depot (a
hundred vehicles on fifty chargers) HiGHS finds no good plan of that in seconds. There the sessions
are dealt out by this queue and only the power within them is optimised (the same model with every
plug-in binary fixed: a linear program, solved in well under a second):

* a vehicle that can charge takes a free charger of the slowest class that can fill it before it
  leaves (AC before DC), else of the fastest free class, else waits, those that leave first
  served first;
* it keeps the charger until it leaves, or until someone waits for it and it has been plugged in
  long enough to be filled at full power: so the smart plan may still move its charging to the
  cheap hours of a session, and nobody waits on a vehicle that has had its share.

``cheapest_sessions`` places them instead where power is cheapest (``plan_day`` keeps whichever
of the two plans, and the exact one where it runs, is best by the model's objective).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..planner.lp import IntArray

if TYPE_CHECKING:
    from .day import Carried, ChargerClass, Link
    from .model import Fleet

# stay -> (index into its link's classes, first step, last step)
Sessions = dict[int, tuple[int, int, int]]


def queue_sessions(
    fleet: Fleet, classes: tuple[ChargerClass, ...], day: list[Link], end: int, carried: Carried
) -> Sessions:
    """One session per link that can charge, no more per class and step than it has chargers."""
    dt = fleet.step_hours
    free = {k: len(c.chargers) for k, c in enumerate(classes)}
    by_stay = {link.stay.index: link for link in day}
    share: dict[int, list[int]] = {}  # stay -> steps to fill it on each of its classes
    plugged: dict[int, tuple[int, int]] = {}  # stay -> (class index in link, first step)
    sessions: Sessions = {}
    soc_guess = _soc_guess(fleet, day, carried)
    for link in day:
        if not link.classes or link.hi <= link.lo:
            continue
        room = fleet.vehicles[link.stay.vehicle].spec.battery_kwh - soc_guess[link.stay.index]
        share[link.stay.index] = [max(1, math.ceil(room / (cap * dt) - 1e-9)) for cap in link.caps_kw]
        if link.stay.index in carried.ongoing:
            plugged[link.stay.index] = (0, link.lo)
            free[link.classes[0]] -= 1
    waiting = sorted(
        (link for link in day if link.classes and link.hi > link.lo and link.stay.index not in plugged),
        key=lambda link: (link.hi, link.lo, link.stay.index),  # who leaves first, first
    )
    w0 = min((link.lo for link in day), default=end)
    for t in range(w0, end):
        queue = [link for link in waiting if link.lo <= t < link.hi]
        wanted = {k for link in queue for k in link.classes}
        for s, (j, first) in list(plugged.items()):
            link = by_stay[s]
            k = link.classes[j]
            if t >= link.hi or (k in wanted and free[k] == 0 and t - first >= share[s][j]):
                sessions[s] = (j, first, min(t, link.hi) - 1)
                del plugged[s]
                free[k] += 1
        for link in queue:
            choice = _choose(link, free, share[link.stay.index], t)
            if choice is not None:
                plugged[link.stay.index] = (choice, t)
                free[link.classes[choice]] -= 1
                waiting.remove(link)
        waiting = [link for link in waiting if link.hi > t + 1]
    for s, (j, first) in plugged.items():
        sessions[s] = (j, first, by_stay[s].hi - 1)
    return sessions


def _choose(link: Link, free: dict[int, int], share: list[int], t: int) -> int | None:
    """The class a waiting link plugs into now: the slowest free one that fills it before it
    leaves, else the fastest free one; None: none is free."""
    options = sorted(
        (cap, j) for j, (k, cap) in enumerate(zip(link.classes, link.caps_kw, strict=True)) if free[k] > 0
    )
    if not options:
        return None
    for _, j in options:
        if share[j] <= link.hi - t:
            return j
    return options[-1][1]


def _soc_guess(fleet: Fleet, day: list[Link], carried: Carried) -> dict[int, float]:
    """What each link's vehicle arrives with: the carried SoC for its first link of the day, else a
    full battery less the route it comes back from (the queue's estimate; the model then knows)."""
    out: dict[int, float] = {}
    seen: set[int] = set()
    for link in day:
        v = link.stay.vehicle
        battery = fleet.vehicles[v].spec.battery_kwh
        if v not in seen:
            out[link.stay.index] = float(carried.soc_kwh[v])
            seen.add(v)
        else:
            used = 0.0 if link.stay.route_before is None else fleet.routes[link.stay.route_before].energy_kwh
            out[link.stay.index] = max(battery - used, 0.0)
    return out


def cheapest_sessions(
    fleet: Fleet, classes: tuple[ChargerClass, ...], day: list[Link], end: int, carried: Carried
) -> Sessions:
    """Sessions placed where power is cheap: the least flexible stay first, each in the window of its
    stay (as long as filling it at full power takes) with the lowest price on a class with a charger
    free all along it, site room counted; then every session widened while its charger stays free,
    so the model can still move power within it. A stay going on from yesterday keeps its start."""
    dt = fleet.step_hours
    w0 = min((link.lo for link in day), default=end)
    steps = end - w0
    price = fleet.site.price[w0:end]
    room = np.clip(fleet.site.asc_kw - fleet.site.load_kw[w0:end], 0.0, None)
    used: dict[int, IntArray] = {k: np.zeros(steps, dtype=np.int64) for k in range(len(classes))}
    drawn = np.zeros(steps)
    soc_guess = _soc_guess(fleet, day, carried)
    placed: dict[int, tuple[int, int, int]] = {}
    order = []
    for link in day:
        if not link.classes or link.hi <= link.lo:
            continue
        room_kwh = fleet.vehicles[link.stay.vehicle].spec.battery_kwh - soc_guess[link.stay.index]
        need = [
            min(link.hi - link.lo, max(1, math.ceil(room_kwh / (cap * dt) - 1e-9))) for cap in link.caps_kw
        ]
        order.append((link.hi - link.lo - min(need), link.hi, link.stay.index, link, need))
    for _, _, _, link, need in sorted(order, key=lambda x: x[:3]):
        best: tuple[float, int, int] | None = None
        ongoing = link.stay.index in carried.ongoing
        for j, k in enumerate(link.classes):
            cap = link.caps_kw[j]
            starts = [link.lo] if ongoing else range(link.lo, link.hi - need[j] + 1)
            for a in starts:
                window = slice(a - w0, a - w0 + need[j])
                if np.any(used[k][window] >= len(classes[k].chargers)):
                    continue
                over = np.clip(drawn[window] + cap - room[window], 0.0, None)
                # Price per kWh over the window, what it would ask above the site's room, and a
                # touch of the class's power: the slower class on a tie, DC kept for who needs it.
                score = float(
                    np.mean(price[window]) + ENERGY_PENALTY * np.sum(over) / max(cap * need[j], 1e-9)
                )
                score += SLOWER_FIRST * cap
                if best is None or score < best[0]:
                    best = (score, j, a)
        if best is None:
            continue
        _, j, a = best
        k = link.classes[j]
        placed[link.stay.index] = (j, a, a + need[j] - 1)
        used[k][a - w0 : a - w0 + need[j]] += 1
        drawn[a - w0 : a - w0 + need[j]] += link.caps_kw[j]
    return _widen(day, classes, placed, used, w0, carried)


ENERGY_PENALTY = 100.0  # per kW a session would ask above the site's room: placed elsewhere if it can
SLOWER_FIRST = 1e-6


def _widen(
    day: list[Link],
    classes: tuple[ChargerClass, ...],
    placed: Sessions,
    used: dict[int, IntArray],
    w0: int,
    carried: Carried,
) -> Sessions:
    by_stay = {link.stay.index: link for link in day}
    for s, (j, first, last) in sorted(placed.items(), key=lambda x: x[1][1]):
        link = by_stay[s]
        k = link.classes[j]
        count = len(classes[k].chargers)
        while last + 1 < link.hi and used[k][last + 1 - w0] < count:
            last += 1
            used[k][last - w0] += 1
        while s not in carried.ongoing and first - 1 >= link.lo and used[k][first - 1 - w0] < count:
            first -= 1
            used[k][first - w0] += 1
        placed[s] = (j, first, last)
    return placed
