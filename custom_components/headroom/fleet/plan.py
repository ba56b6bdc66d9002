"""Plan a fleet day by day, in the modes of seed 002, and say what came of it.

Each planning day (from ``day_start_hour`` to the next) is one MILP (``milp.plan_day``) that sees
the next day's first departures; only the day itself is kept, and the next day starts from the SoC
and the sessions still plugged in that it left. A day is planned

* ``normal``: within ASC; if a route is left short there and the site has a margin,
* ``breach``: again with ``asc_margin`` x ASC more at a steep penalty, kept only if it leaves
  less short (a route no charger could have met stays short in normal mode, and nothing else pays
  for it);
* ``catch_all``: when the solver gives no plan in time, a constant rate over each stay
  (``bau.simulate``).

Business as usual (``bau``) is simulated over the whole horizon on the chargers the smart plan
gave each stay.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..planner.lp import IntArray
from ..planner.plan import FloatArray
from .bau import Simulated, simulate, trajectory
from .milp import EXACT_BINARIES, Carried, ChargerClass, DayPlan, assign, charger_classes, plan_day
from .model import FORMAT_VERSION, Fleet

DayStatus = Literal["normal", "breach", "catch_all"]
STATUS_ORDER: tuple[DayStatus, ...] = ("normal", "breach", "catch_all")
DEFAULT_DAY_TIME_LIMIT_S = 10.0
DEFAULT_GAP = 1e-3
UNMET_TOLERANCE_KWH = 1e-3
BREACH_TOLERANCE_KW = 1e-6


@dataclass(kw_only=True)
class ModeResult:
    """One mode's answer over the horizon."""

    days: list[DayStatus]
    charge_kw: FloatArray  # vehicles x steps
    charger: IntArray  # vehicles x steps, charger index or -1
    soc_kwh: FloatArray = field(default_factory=lambda: np.zeros(0))
    shortfall_kwh: FloatArray = field(default_factory=lambda: np.zeros(0))
    seconds_per_day: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class FleetResult:
    """Every mode the fleet asked for."""

    fleet: Fleet
    modes: dict[str, ModeResult]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "start": self.fleet.start.isoformat(),
            "step_minutes": self.fleet.step_minutes,
            "notes": list(self.fleet.notes),
            "modes": {name: mode_json(self.fleet, mode) for name, mode in self.modes.items()},
        }


def plan_fleet(
    fleet: Fleet,
    *,
    day_time_limit: float = DEFAULT_DAY_TIME_LIMIT_S,
    gap: float = DEFAULT_GAP,
    exact_binaries: int = EXACT_BINARIES,
) -> FleetResult:
    """The smart plan and business as usual, as the fleet's ``modes`` ask (BAU uses the smart plan's
    chargers when both are asked for). Days with more plug-in decisions than ``exact_binaries`` get
    their sessions from the queue."""
    modes: dict[str, ModeResult] = {}
    smart = (
        plan_smart(fleet, day_time_limit=day_time_limit, gap=gap, exact_binaries=exact_binaries)
        if "opt" in fleet.modes
        else None
    )
    for name in fleet.modes:
        if name == "opt" and smart is not None:
            modes["opt"] = smart
        elif name == "bau":
            modes["bau"] = plan_bau(fleet, smart)
    return FleetResult(fleet=fleet, modes=modes)


def plan_smart(
    fleet: Fleet, *, day_time_limit: float, gap: float, exact_binaries: int = EXACT_BINARIES
) -> ModeResult:
    """Day by day: normal, breach where it helps a route, catch-all where the solver gives nothing."""
    classes = charger_classes(fleet.chargers)
    n, steps = len(fleet.vehicles), fleet.steps
    out = ModeResult(days=[], charge_kw=np.zeros((n, steps)), charger=np.full((n, steps), -1, np.int64))
    ongoing: dict[int, int] = {}
    ended: set[int] = set()
    for window in fleet.windows:
        started = time.perf_counter()
        soc, _ = trajectory(fleet, out.charge_kw)
        carried = Carried(soc_kwh=soc[:, window[0]], ongoing=dict(ongoing), ended=frozenset(ended))
        status, day = _solve_day(fleet, classes, window, carried, day_time_limit, gap, exact_binaries)
        if day is None:
            status = "catch_all"
            sim = simulate(
                fleet,
                window,
                carried.soc_kwh,
                occupants={c: s for s, c in carried.ongoing.items()},
                ended=carried.ended,
                catch_all=True,
            )
            ongoing, just_ended = _commit_simulated(fleet, window, sim, out)
        else:
            ongoing, just_ended = _commit_day(fleet, classes, window, carried, day, out)
        ended |= just_ended | (set(carried.ongoing) - set(ongoing))
        out.days.append(status)
        out.seconds_per_day.append(time.perf_counter() - started)
    out.soc_kwh, out.shortfall_kwh = trajectory(fleet, out.charge_kw)
    return out


def _solve_day(
    fleet: Fleet,
    classes: tuple[ChargerClass, ...],
    window: tuple[int, int],
    carried: Carried,
    time_limit: float,
    gap: float,
    exact_binaries: int,
) -> tuple[DayStatus, DayPlan | None]:
    def day(breach: bool, exact: int = exact_binaries) -> DayPlan | None:
        return plan_day(
            fleet,
            classes,
            window,
            carried,
            breach=breach,
            time_limit=time_limit,
            gap=gap,
            exact_binaries=exact,
        )

    normal = day(False)
    if normal is not None and normal.unmet_kwh <= UNMET_TOLERANCE_KWH:
        return "normal", normal
    if fleet.site.asc_margin <= 0 or fleet.site.asc_kw <= 0:
        return "normal", normal
    # The queue's sessions say fast whether the margin helps at all (a route no charger can meet
    # stays short with it): only then is the exact model run again with it.
    quick = day(True, exact=0)
    if normal is not None and (quick is None or quick.unmet_kwh >= normal.unmet_kwh - UNMET_TOLERANCE_KWH):
        return "normal", normal
    breach = day(True)
    if breach is not None and (normal is None or breach.unmet_kwh < normal.unmet_kwh - UNMET_TOLERANCE_KWH):
        return "breach", breach
    return "normal", normal


def _commit_day(
    fleet: Fleet,
    classes: tuple[ChargerClass, ...],
    window: tuple[int, int],
    carried: Carried,
    day: DayPlan,
    out: ModeResult,
) -> tuple[dict[int, int], set[int]]:
    """Keep the day's own steps; return the sessions that go on past it and those that ended in it."""
    w0, w1 = window
    homeless = assign(day.sessions, classes, carried)
    if homeless:
        out.notes.append(f"{len(homeless)} sessions found no free charger on day {w0}; left out")
    ongoing: dict[int, int] = {}
    ended: set[int] = set()
    for session in day.sessions:
        if session.charger is None or session.first >= w1:
            continue  # none found, or it starts in what the day only looked ahead to: tomorrow decides
        stay = fleet.stays[session.stay]
        v = stay.vehicle
        lo, hi = max(session.first, w0), min(session.last + 1, w1)
        out.charge_kw[v, lo:hi] = day.charge_kw[session.stay][lo - w0 : hi - w0]
        out.charger[v, lo:hi] = session.charger
        if session.last >= w1:
            ongoing[session.stay] = session.charger
        else:
            ended.add(session.stay)
    return ongoing, ended


def _commit_simulated(
    fleet: Fleet, window: tuple[int, int], sim: Simulated, out: ModeResult
) -> tuple[dict[int, int], set[int]]:
    w0, w1 = window
    out.charge_kw[:, w0:w1] = sim.charge_kw
    out.charger[:, w0:w1] = sim.charger
    ongoing = {s: c for c, s in sim.occupants.items()}
    return ongoing, set(sim.served) - set(ongoing)


def plan_bau(fleet: Fleet, smart: ModeResult | None) -> ModeResult:
    """Business as usual over the whole horizon, each stay on the charger the smart plan gave it."""
    preferred: dict[int, int] = {}
    if smart is not None:
        for stay in fleet.stays:
            used = smart.charger[stay.vehicle, stay.charge_from : stay.charge_until]
            used = used[used >= 0]
            if used.size:
                preferred[stay.index] = int(used[0])
    started = time.perf_counter()
    soc0 = np.array([v.soc_kwh for v in fleet.vehicles])
    sim = simulate(fleet, (0, fleet.steps), soc0, preferred=preferred, catch_all=False)
    out = ModeResult(days=[], charge_kw=sim.charge_kw, charger=sim.charger)
    out.soc_kwh, out.shortfall_kwh = trajectory(fleet, out.charge_kw)
    room = _room_kw(fleet)
    for w0, w1 in fleet.windows:
        above = np.sum(out.charge_kw[:, w0:w1], axis=0) > room[w0:w1] + BREACH_TOLERANCE_KW
        out.days.append("breach" if above.any() else "normal")
    out.seconds_per_day = [time.perf_counter() - started]
    return out


def _room_kw(fleet: Fleet) -> FloatArray:
    """What ASC leaves the vehicles per step after the other load."""
    return np.clip(fleet.site.asc_kw - fleet.site.load_kw, 0.0, None)


def mode_json(fleet: Fleet, mode: ModeResult) -> dict[str, Any]:
    """One mode as the format's JSON (numbers rounded to what a meter could tell apart)."""
    dt = fleet.step_hours
    vehicles_kw = np.sum(mode.charge_kw, axis=0)
    breach_kw = np.clip(vehicles_kw - _room_kw(fleet), 0.0, None)
    breach_kw[breach_kw <= BREACH_TOLERANCE_KW] = 0.0
    site_kw = fleet.site.load_kw + vehicles_kw
    worst = max(mode.days, key=STATUS_ORDER.index) if mode.days else "normal"
    return {
        "status": worst,
        "days": list(mode.days),
        "cost": round(float(np.sum(vehicles_kw * fleet.site.price) * dt), 4),
        "energy_kwh": _r(float(np.sum(vehicles_kw) * dt)),
        "peak_kw": _r(float(np.max(site_kw))) if site_kw.size else 0.0,
        "site_import_kw": [_r(x) for x in site_kw],
        "breach_kw": [_r(x) for x in breach_kw],
        "breach_kwh": _r(float(np.sum(breach_kw) * dt)),
        "unmet_kwh": _r(float(np.sum(mode.shortfall_kwh))),
        "seconds_per_day": [round(s, 3) for s in mode.seconds_per_day],
        "notes": list(mode.notes),
        "vehicles": {
            v.id: {
                "charge_kw": [_r(x) for x in mode.charge_kw[i]],
                "soc_kwh": [_r(x) for x in mode.soc_kwh[i]],
                "charger": [None if c < 0 else fleet.chargers[c].id for c in mode.charger[i]],
            }
            for i, v in enumerate(fleet.vehicles)
        },
        "routes": {
            r.id: {"shortfall_kwh": _r(float(mode.shortfall_kwh[i]))} for i, r in enumerate(fleet.routes)
        },
    }


def _r(value: float) -> float:
    """Six decimals: no solver noise (1e-9 kW) in the answer."""
    out = round(float(value), 6)
    return 0.0 if out == 0 else out
