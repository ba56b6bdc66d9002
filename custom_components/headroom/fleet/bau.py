"""Charging without a plan, step by step: business as usual, and a day's catch-all.

Both are a depot without a scheduler: a vehicle that can charge joins a first-come-first-served
queue, takes its charger when that charger is free (the one the smart plan gave its stay, else the
most powerful free one it can use), and keeps it for one session.

* Business as usual (seed 002's "BAU"): full power from the moment it is plugged in, regardless of
  price or site capacity, until the battery is full (then the charger is free for the next) or it
  leaves.
* Catch-all (seed 002's last mode, for a day the solver gave no plan): a constant rate over the
  rest of the stay, whatever fills the battery by departure, regardless of price or site capacity;
  it keeps the charger until it leaves.

Neither puts two vehicles on one charger or charges a vehicle away from the depot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..planner.lp import IntArray
from ..planner.plan import FloatArray
from .model import Fleet, Stay

FULL_TOLERANCE_KWH = 1e-9


@dataclass(kw_only=True)
class Simulated:
    """Steps ``[w0, w1)``: kW and charger index (-1: none) per vehicle and step; who is still plugged
    in at ``w1`` (charger -> stay) and the stays whose session is over."""

    charge_kw: FloatArray
    charger: IntArray
    occupants: dict[int, int]
    served: set[int] = field(default_factory=set)


def trajectory(fleet: Fleet, charge_kw: FloatArray) -> tuple[FloatArray, FloatArray]:
    """SoC per vehicle at each step boundary (``soc[:, t]``: before the departures of step ``t``)
    and each route's shortfall, from what was charged: a route takes its energy when it leaves, and
    what the battery does not hold is short."""
    index = {v.id: i for i, v in enumerate(fleet.vehicles)}
    soc = np.zeros((len(fleet.vehicles), fleet.steps + 1))
    soc[:, 0] = [v.soc_kwh for v in fleet.vehicles]
    capacity = np.array([v.spec.battery_kwh for v in fleet.vehicles])
    leaving: dict[int, list[int]] = {}
    for r, route in enumerate(fleet.routes):
        leaving.setdefault(route.depart_step, []).append(r)
    shortfall = np.zeros(len(fleet.routes))
    dt = fleet.step_hours
    now = soc[:, 0].copy()
    for t in range(fleet.steps):
        for r in leaving.get(t, []):
            route = fleet.routes[r]
            v = index[route.vehicle]
            shortfall[r] = max(route.energy_kwh - now[v], 0.0)
            now[v] = max(now[v] - route.energy_kwh, 0.0)
        now = np.minimum(now + charge_kw[:, t] * dt, capacity)
        soc[:, t + 1] = now
    return soc, shortfall


def simulate(
    fleet: Fleet,
    window: tuple[int, int],
    soc_kwh: FloatArray,
    *,
    occupants: dict[int, int] | None = None,
    ended: set[int] | frozenset[int] = frozenset(),
    preferred: dict[int, int] | None = None,
    catch_all: bool,
) -> Simulated:
    """Charge the depot first come, first served over ``window`` from ``soc_kwh`` (after the routes
    under way), with ``occupants`` (charger -> stay) plugged in from before."""
    w0, w1 = window
    stays = fleet.stays
    preferred = preferred or {}
    occ = dict(occupants or {})
    served = set(occ.values()) | set(ended)
    soc = soc_kwh.astype(float).copy()
    out = Simulated(
        charge_kw=np.zeros((len(fleet.vehicles), w1 - w0)),
        charger=np.full((len(fleet.vehicles), w1 - w0), -1, dtype=np.int64),
        occupants=occ,
        served=served,
    )
    index = {v.id: i for i, v in enumerate(fleet.vehicles)}
    leaving: dict[int, list[tuple[int, float]]] = {}
    for route in fleet.routes:
        leaving.setdefault(route.depart_step, []).append((index[route.vehicle], route.energy_kwh))
    arrivals = sorted(
        (s for s in stays if s.charge_until > w0 and s.charge_from < w1 and s.index not in served),
        key=lambda s: (max(s.charge_from, w0), s.index),
    )
    queue: list[Stay] = []
    rate: dict[int, float] = {}
    nxt = 0
    for t in range(w0, w1):
        for v, need in leaving.get(t, []):
            soc[v] = max(soc[v] - need, 0.0)
        for c, s in list(occ.items()):
            if stays[s].charge_until <= t:
                del occ[c]
        while nxt < len(arrivals) and max(arrivals[nxt].charge_from, w0) <= t:
            queue.append(arrivals[nxt])
            nxt += 1
        queue = [s for s in queue if s.charge_until > t]
        for stay in list(queue):
            pick = _pick(fleet, stay, occ, preferred.get(stay.index))
            if pick is not None:
                occ[pick] = stay.index
                served.add(stay.index)
                queue.remove(stay)
        _charge(fleet, t, w0, occ, soc, rate, out, catch_all)
    return out


def _pick(fleet: Fleet, stay: Stay, occ: dict[int, int], preferred: int | None) -> int | None:
    """The charger a waiting stay takes now: its preferred one if free; without a preference the
    most powerful free one its vehicle can use; None: it waits."""
    spec = fleet.vehicles[stay.vehicle].spec
    if preferred is not None:
        return preferred if preferred not in occ and spec.power_kw(fleet.chargers[preferred]) > 0 else None
    free = [
        (spec.power_kw(c), -i) for i, c in enumerate(fleet.chargers) if i not in occ and spec.power_kw(c) > 0
    ]
    return -max(free)[1] if free else None


def _charge(
    fleet: Fleet,
    t: int,
    w0: int,
    occ: dict[int, int],
    soc: FloatArray,
    rate: dict[int, float],
    out: Simulated,
    catch_all: bool,
) -> None:
    dt = fleet.step_hours
    for c, s in list(occ.items()):
        stay = fleet.stays[s]
        v = stay.vehicle
        spec = fleet.vehicles[v].spec
        room = max(spec.battery_kwh - soc[v], 0.0)
        power = spec.power_kw(fleet.chargers[c])
        if catch_all:
            if s not in rate:
                rate[s] = min(power, room / ((stay.charge_until - t) * dt))
            kw = min(rate[s], room / dt)
        else:
            kw = min(power, room / dt)
        out.charge_kw[v, t - w0] = kw
        out.charger[v, t - w0] = c
        soc[v] += kw * dt
        if not catch_all and soc[v] >= spec.battery_kwh - FULL_TOLERANCE_KWH:
            del occ[c]  # full: the next in the queue may plug in
