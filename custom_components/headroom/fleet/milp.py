"""One planning day of a fleet as a MILP (HiGHS through the planner's ``LinearProgram``).

The model is kept small by deciding chargers per *class* (chargers of one kind and power are
interchangeable) and per stay, never per charger and step:

* ``o[s, k, t]`` (binary): stay ``s`` is plugged into a charger of class ``k`` in step ``t``;
* ``p[s, t]`` (kW): what it draws, at most the vehicle's power on that class while plugged in;
* ``start[s, k, t]`` (continuous): ``o`` rises there; one rise per stay in all, so a stay has one
  contiguous session on one class (a vehicle is never moved from AC to DC or between chargers);
* at most as many stays plugged into class ``k`` per step as it has chargers.

Sessions are intervals and no more of them overlap in a class than it has chargers, so they can be
dealt out to the class's physical chargers in order of their start (an interval graph needs no more
colours than its largest clique): ``assign`` below does, and a vehicle then keeps its charger for
the whole session, across days too.

SoC is carried per stay (``e``: the SoC when it leaves), with a shortfall per route where the
energy cannot be on board. Objective, lexicographic by weights of the day's dearest price ``P``:
a route's shortfall (``ROUTE_WEIGHT``), energy delivered (``ENERGY_WEIGHT``), cost, then earlier.
In breach mode the vehicles may take up to ``asc_margin`` x ASC above what ASC leaves them, at
``BREACH_WEIGHT`` per kWh: dearer than filling a battery, cheaper than a route left short, so the
margin is used only for routes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..planner.lp import BINARY, IntArray, LinearProgram, LpResult
from ..planner.plan import FloatArray
from .day import Carried, ChargerClass, Link, charger_classes
from .model import Fleet, Stay
from .queue import Sessions, cheapest_sessions, queue_sessions

ENERGY_WEIGHT = 10.0
BREACH_WEIGHT = 50.0
ROUTE_WEIGHT = 100.0
# "Then earlier": at most this share of P per kWh, from the day's first step to its last.
EARLIER_WEIGHT = 1e-4
POWER_TOLERANCE_KW = 1e-6
# Up to this many plug-in binaries a day is solved exactly; beyond, the queue deals out the sessions.
EXACT_BINARIES = 1500


@dataclass(kw_only=True)
class Session:
    """A planned session: stay, class, steps ``[first, last]`` (LP steps) and power per LP step."""

    stay: int
    klass: int
    first: int
    last: int
    charger: int | None = None


@dataclass(kw_only=True)
class DayPlan:
    """The model's answer for one day, over steps ``[w0, end)`` (the day and what it looks ahead)."""

    w0: int
    end: int
    charge_kw: dict[int, FloatArray]  # stay -> kW over [w0, end)
    sessions: list[Session]
    unmet_kwh: float
    result: LpResult
    exact: bool = True


def links(fleet: Fleet, classes: tuple[ChargerClass, ...], w0: int, w1: int, carried: Carried) -> list[Link]:
    """Every vehicle's stays the day ``[w0, w1)`` plans: from the one it is in (or returns to) at
    ``w0`` through the one before its first departure after ``w1``, seen up to a day ahead."""
    horizon = min(w1 + fleet.steps_per_day, fleet.steps)
    by_vehicle: dict[int, list[Stay]] = {}
    for stay in fleet.stays:
        by_vehicle.setdefault(stay.vehicle, []).append(stay)
    out: list[Link] = []
    for v, stays in by_vehicle.items():
        spec = fleet.vehicles[v].spec
        options = [
            (k, cap)
            for k, c in enumerate(classes)
            if (cap := spec.power_kw(fleet.chargers[c.chargers[0]])) > POWER_TOLERANCE_KW
        ]
        for stay in stays:
            after = None if stay.route_after is None else fleet.routes[stay.route_after]
            if after is not None and after.depart_step < w0:
                continue  # gone before this day
            lo, hi = max(stay.charge_from, w0), min(stay.charge_until, horizon)
            mine = options
            if stay.index in carried.ended:
                hi = lo
            elif stay.index in carried.ongoing:
                charger = carried.ongoing[stay.index]
                mine = [(k, cap) for k, cap in options if charger in classes[k].chargers]
            seen = after is not None and after.depart_step < horizon
            out.append(
                Link(
                    stay=stay,
                    lo=lo,
                    hi=max(lo, hi),
                    classes=tuple(k for k, _ in mine),
                    caps_kw=tuple(cap for _, cap in mine),
                    route_after=stay.route_after if seen else None,
                )
            )
            if after is None or after.depart_step >= w1:
                break
    return out


@dataclass(kw_only=True)
class _Blocks:
    """Variable indices of one link."""

    p: IntArray
    o: IntArray  # (classes, steps)
    start: IntArray
    e: int
    short: int | None


def plan_day(
    fleet: Fleet,
    classes: tuple[ChargerClass, ...],
    window: tuple[int, int],
    carried: Carried,
    *,
    breach: bool,
    time_limit: float,
    gap: float,
    exact_binaries: int = EXACT_BINARIES,
) -> DayPlan | None:
    """Plan one day; None when the solver gives no plan (then the day is the catch-all). A day with
    more plug-in binaries than ``exact_binaries`` gets its sessions from the queue (``queue``) and
    only its power optimised."""
    w0, w1 = window
    day = links(fleet, classes, w0, w1, carried)
    end = max([w1, *(link.hi for link in day)])
    if not day:  # no vehicle: nothing to plan
        return DayPlan(w0=w0, end=end, charge_kw={}, sessions=[], unmet_kwh=0.0, result=_NOTHING)
    binaries = sum((link.hi - link.lo) * len(link.classes) for link in day)
    highs = {"mip_abs_gap": max(_cost_scale(fleet, day, w0, end) * gap, 1e-6)}
    best: DayPlan | None = None
    # The queue's sessions first (a linear program: fast, and a plan to beat), then, on a day small
    # enough, the exact model; the better objective is kept.
    heuristics = (
        queue_sessions(fleet, classes, day, end, carried),
        cheapest_sessions(fleet, classes, day, end, carried),
    )
    for fixed in (*heuristics, None):
        if fixed is None and binaries > exact_binaries:
            break
        lp, blocks = _build(fleet, classes, day, w0, end, carried, breach, fixed)
        with warnings.catch_warnings():
            # scipy passes options it does not know (mip_abs_gap) to HiGHS as they are, with a warning.
            warnings.filterwarnings("ignore", message="Unrecognized options detected")
            result = lp.solve(time_limit, gap * 1e-2, highs_options=highs)
        if result.x is not None and (best is None or result.objective < best.result.objective):
            best = _extract(fleet, day, blocks, result, w0, end, carried)
            best.exact = fixed is None
    return best


_NOTHING = LpResult(np.zeros(0), 0.0, None, "optimal", 0.0, "nothing to plan")


def _weights(fleet: Fleet, w0: int, end: int) -> tuple[float, FloatArray]:
    """``P`` (the day's dearest price, at least 0.01) and each step's cost per kWh, earlier cheaper."""
    price = fleet.site.price[w0:end]
    scale = float(np.max(np.abs(price))) + 0.01 if price.size else 1.0
    earlier = EARLIER_WEIGHT * scale * np.arange(end - w0) / max(end - w0, 1)
    return scale, price + earlier


def _cost_scale(fleet: Fleet, day: list[Link], w0: int, end: int) -> float:
    """What all the energy the day could take would cost at its mean price: the MIP gap's unit."""
    price = fleet.site.price[w0:end]
    mean = float(np.mean(np.abs(price))) + 0.01 if price.size else 1.0
    dt = fleet.step_hours
    energy = sum(
        min(
            fleet.vehicles[link.stay.vehicle].spec.battery_kwh,
            max(link.caps_kw, default=0.0) * (link.hi - link.lo) * dt,
        )
        for link in day
    )
    return mean * max(energy, 1.0)


def _build(
    fleet: Fleet,
    classes: tuple[ChargerClass, ...],
    day: list[Link],
    w0: int,
    end: int,
    carried: Carried,
    breach: bool,
    fixed: Sessions | None = None,
) -> tuple[LinearProgram, list[_Blocks]]:
    dt = fleet.step_hours
    steps = end - w0
    scale, cost_per_kwh = _weights(fleet, w0, end)
    lp = LinearProgram()
    blocks: list[_Blocks] = []
    count_rows: list[tuple[IntArray, IntArray]] = []
    site_cols: list[tuple[IntArray, IntArray]] = []
    previous: dict[int, int] = {}  # vehicle -> its last link's e, short and route energy
    prev_route: dict[int, tuple[int | None, float]] = {}
    for link in day:
        n, nk = link.hi - link.lo, len(link.classes)
        local = np.arange(link.lo - w0, link.hi - w0)
        cap = max(link.caps_kw, default=0.0)
        p = lp.add_vars(n, 0.0, cap, (cost_per_kwh[local] - ENERGY_WEIGHT * scale) * dt)
        o_ub = _plug_bounds(link, fixed, nk, n)
        o_lb = o_ub if fixed is not None else 0.0
        o = (
            lp.add_vars(n * nk, o_lb, o_ub, 0.0, BINARY).reshape(nk, n)
            if n and nk
            else np.zeros((0, n), np.int64)
        )
        start = lp.add_vars(n * nk, 0.0, 1.0).reshape(nk, n) if n and nk else np.zeros((0, n), np.int64)
        battery = fleet.vehicles[link.stay.vehicle].spec.battery_kwh
        e = int(lp.add_vars(1, 0.0, battery)[0])
        short = None
        if link.route_after is not None:
            need = fleet.routes[link.route_after].energy_kwh
            short = int(lp.add_vars(1, 0.0, need, ROUTE_WEIGHT * scale)[0])
            # The route's energy on board when it leaves (what is missing is the shortfall).
            lp.add_rows(1, [0, 0], [e, short], [1.0, 1.0], lb=need)
        blocks.append(_Blocks(p=p, o=o, start=start, e=e, short=short))
        if n:
            _session_rows(lp, link, p, o, start, carried)
            site_cols.append((local, p))
            for j, k in enumerate(link.classes):
                count_rows.append((k * steps + local, o[j]))
        # SoC: e = (SoC when it arrived) + what it charged; the first link starts from the carried SoC.
        v = link.stay.vehicle
        cols: list[int] = [e, *(int(i) for i in p)]
        vals = [1.0, *([-dt] * n)]
        if v in previous:
            before_short, before_need = prev_route[v]
            cols.append(previous[v])
            vals.append(-1.0)
            if before_short is not None:
                cols.append(before_short)
                vals.append(-1.0)
            rhs = -before_need
        else:
            rhs = float(carried.soc_kwh[v])
        lp.add_rows(1, np.zeros(len(cols), np.int64), cols, vals, lb=rhs, ub=rhs)
        previous[v] = e
        after_need = 0.0 if link.stay.route_after is None else fleet.routes[link.stay.route_after].energy_kwh
        prev_route[v] = (short, after_need)
    _count_and_site_rows(fleet, classes, lp, count_rows, site_cols, w0, end, scale, breach)
    return lp, blocks


def _plug_bounds(link: Link, fixed: Sessions | None, nk: int, n: int) -> FloatArray:
    """The plug-in binaries' upper bounds: 1, or with fixed sessions 1 in the session and 0 elsewhere
    (then they are their lower bounds too)."""
    if fixed is None:
        return np.ones(nk * n)
    ub = np.zeros((nk, n))
    if link.stay.index in fixed:
        j, first, last = fixed[link.stay.index]
        ub[j, first - link.lo : last - link.lo + 1] = 1.0
    return ub.ravel()


def _session_rows(
    lp: LinearProgram, link: Link, p: IntArray, o: IntArray, start: IntArray, carried: Carried
) -> None:
    """Power only while plugged in; one contiguous session on one class per stay (one that goes on
    from yesterday may only go on, never start again)."""
    n, nk = link.hi - link.lo, len(link.classes)
    if not nk:
        lp.add_rows(n, np.arange(n), p, 1.0, ub=0.0)
        return
    rows = np.concatenate([np.arange(n)] * (nk + 1))
    cols = np.concatenate([p, *o])
    vals = np.concatenate([np.ones(n), *(-np.full(n, cap) for cap in link.caps_kw)])
    lp.add_rows(n, rows, cols, vals, ub=0.0)
    ongoing = link.stay.index in carried.ongoing
    for j in range(nk):
        # o[t] - o[t-1] - start[t] <= 0; before the first step o is 1 if it goes on from yesterday.
        r = np.concatenate([np.arange(n), np.arange(1, n), np.arange(n)])
        c = np.concatenate([o[j], o[j][:-1], start[j]])
        vv = np.concatenate([np.ones(n), -np.ones(n - 1), -np.ones(n)])
        ub = np.zeros(n)
        ub[0] = 1.0 if ongoing else 0.0
        lp.add_rows(n, r, c, vv, ub=ub)
    lp.add_rows(1, np.zeros(n * nk, np.int64), start.ravel(), 1.0, ub=0.0 if ongoing else 1.0)


def _count_and_site_rows(
    fleet: Fleet,
    classes: tuple[ChargerClass, ...],
    lp: LinearProgram,
    count_rows: list[tuple[IntArray, IntArray]],
    site_cols: list[tuple[IntArray, IntArray]],
    w0: int,
    end: int,
    scale: float,
    breach: bool,
) -> None:
    steps = end - w0
    if count_rows:
        rows = np.concatenate([r for r, _ in count_rows])
        cols = np.concatenate([c for _, c in count_rows])
        counts = np.repeat([float(len(c.chargers)) for c in classes], steps)
        lp.add_rows(len(classes) * steps, rows, cols, 1.0, ub=counts)
    if not site_cols:
        return
    # The vehicles get what ASC leaves after the other load (nothing where that load alone is above).
    room = np.clip(fleet.site.asc_kw - fleet.site.load_kw[w0:end], 0.0, None)
    rows = np.concatenate([r for r, _ in site_cols])
    cols = np.concatenate([c for _, c in site_cols])
    vals: FloatArray = np.ones(rows.size)
    if breach:
        # Up to ASC x (1 + margin) in all, other load included.
        widened = np.clip(
            fleet.site.asc_kw * (1 + fleet.site.asc_margin) - fleet.site.load_kw[w0:end], 0.0, None
        )
        extra = lp.add_vars(steps, 0.0, widened - room, BREACH_WEIGHT * scale * fleet.step_hours)
        rows = np.concatenate([rows, np.arange(steps)])
        cols = np.concatenate([cols, extra])
        vals = np.concatenate([vals, -np.ones(steps)])
    lp.add_rows(steps, rows, cols, vals, ub=room)


def _extract(
    fleet: Fleet,
    day: list[Link],
    blocks: list[_Blocks],
    result: LpResult,
    w0: int,
    end: int,
    carried: Carried,
) -> DayPlan:
    """Power per stay, and sessions trimmed to the steps that charge (a session that goes on from
    yesterday keeps its start)."""
    x = result.x
    assert x is not None
    charge: dict[int, FloatArray] = {}
    sessions: list[Session] = []
    unmet = 0.0
    for link, b in zip(day, blocks, strict=True):
        if b.short is not None:
            unmet += float(x[b.short])
        if link.hi <= link.lo or not link.classes:
            continue
        kw = np.where(x[b.p] > POWER_TOLERANCE_KW, x[b.p], 0.0)
        on = np.nonzero(kw)[0]
        ongoing = link.stay.index in carried.ongoing
        if not on.size and not ongoing:
            continue
        plugged = x[b.o].sum(axis=1)
        j = int(np.argmax(plugged))
        first = link.lo if ongoing else link.lo + int(on[0])
        last = link.lo + int(on[-1]) if on.size else link.lo - 1
        if last < first:
            continue  # yesterday's session ends where this day starts
        series = np.zeros(end - w0)
        series[link.lo - w0 : link.hi - w0] = kw
        charge[link.stay.index] = series
        sessions.append(Session(stay=link.stay.index, klass=link.classes[j], first=first, last=last))
    return DayPlan(w0=w0, end=end, charge_kw=charge, sessions=sessions, unmet_kwh=unmet, result=result)


def assign(sessions: list[Session], classes: tuple[ChargerClass, ...], carried: Carried) -> list[Session]:
    """Deal sessions out to physical chargers: those going on from yesterday keep theirs, the others
    take a free one of their class in order of their start. Returns those that found none (none do
    when the class counts held)."""
    free_from: dict[int, int] = {}
    homeless: list[Session] = []
    for s in sorted(sessions, key=lambda s: (s.first, s.stay not in carried.ongoing, s.stay)):
        if s.stay in carried.ongoing:
            s.charger = carried.ongoing[s.stay]
        else:
            free = [c for c in classes[s.klass].chargers if free_from.get(c, -1) <= s.first]
            if not free:
                homeless.append(s)
                continue
            s.charger = max(free, key=lambda c: (free_from.get(c, -1), -c))
        free_from[s.charger] = s.last + 1
    return homeless


__all__ = [
    "Carried",
    "ChargerClass",
    "DayPlan",
    "Link",
    "Session",
    "assign",
    "charger_classes",
    "links",
    "plan_day",
]
