"""An EV charging session: power 0 or within [min_kw, max_kw] between arrival and departure.

MILP: an on/off binary per step (whose big-M is the power's own bound); energy not delivered
by departure is a shortfall worth far more than any price, weighted by priority. ``fastest``
adds a cost that grows each step after arrival, larger than any price difference, so energy
comes as early as it can. Business as usual charges at full power from arrival; the greedy
fallback serves the highest priority first, within the import headroom.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..context import Context, Weights
from ..lp import BINARY, IntArray
from ..plan import BoolArray, DevicePlan, FloatArray, Reason
from ..reader import ProblemError, Reader, listed
from ..units import MIN_CURRENT_A, kw_from_amps
from ..views import ProblemView, Room, Scene

EvMode = Literal["cheapest", "fastest"]

POWER_EPS_KW = 1e-6
STARTS_COUNTED_STEPS = 8


@dataclass(frozen=True, kw_only=True)
class Ev:
    """A charging session. Charging power is 0 or within [min_kw, max_kw]."""

    id: str
    arrival: int
    departure: int
    energy_kwh: float
    max_kw: float
    min_kw: float
    mode: EvMode = "cheapest"
    priority: int = 1
    phases: tuple[int, ...] = (1, 2, 3)
    power_now_kw: float = 0.0
    start_penalty: float = 0.02
    min_on_steps: int = 1
    previous_power_kw: FloatArray | None = None
    # A per-step ceiling below max_kw, e.g. the PV surplus for "solar only" charging.
    max_kw_per_step: FloatArray | None = None


@dataclass
class EvVars:
    """An EV session's part of the program: one power column (kW) per step of its window, from arrival to
    departure."""

    ev: Ev
    window: IntArray
    power: IntArray
    steps: int
    dt: float
    supply_kw = 0.0
    export_only_pv = False

    @property
    def phases(self) -> tuple[int, ...]:
        return self.ev.phases

    def power_terms(self) -> tuple[IntArray, IntArray, FloatArray]:
        return self.window, self.power, np.ones(len(self.window))

    def extract(self, x: FloatArray) -> DevicePlan:
        power = np.zeros(self.steps)
        values = x[self.power]
        values[values < POWER_EPS_KW] = 0.0
        power[self.window] = values
        return ev_plan(self.ev, power, self.dt)

    def notes(self, plan: DevicePlan) -> list[str]:
        return []

    def wear_cost(self, plan: DevicePlan, dt: float) -> float:
        return 0.0


def value_per_kwh(w: Weights, ev: Ev, steps: int) -> float:
    """What one kWh delivered is worth to the objective (before any time penalty)."""
    value = w.base + w.priority_gap * w.ev_rank[ev.priority]
    if ev.mode == "fastest":
        value += w.fastest_per_step * steps
    return value


def ev_plan(ev: Ev, power: FloatArray, dt: float) -> DevicePlan:
    """Energy, shortfall and finish step of an EV power series."""
    delivered = np.cumsum(power) * dt
    energy = float(delivered[-1]) if len(delivered) else 0.0
    shortfall = max(0.0, ev.energy_kwh - energy)
    finish: int | None = None
    if shortfall <= 1e-4:
        reached = np.nonzero(delivered >= ev.energy_kwh - 1e-4)[0]
        finish = int(reached[0]) + 1 if ev.energy_kwh > 0 and len(reached) else ev.arrival
    return DevicePlan(power_kw=power, energy_kwh=energy, shortfall_kwh=shortfall, finish_step=finish)


def _on_off(ctx: Context, ev: Ev, window: IntArray, power: IntArray) -> None:
    """Power is 0 or within [min, max]; starts cost ``start_penalty``; a start stays on
    ``min_on_steps``."""
    lp, n, max_kw = ctx.lp, len(window), ev.max_kw
    on = lp.add_vars(n, 0.0, 1.0, 0.0, BINARY)
    rows = np.arange(n)
    # power <= max * on ; power >= min * on
    lp.add_rows(n, np.r_[rows, rows], np.r_[power, on], np.r_[np.ones(n), -max_kw * np.ones(n)], ub=0.0)
    if ev.min_kw > 0:
        lp.add_rows(
            n, np.r_[rows, rows], np.r_[power, on], np.r_[np.ones(n), -ev.min_kw * np.ones(n)], lb=0.0
        )
    # start_t >= on_t - on_{t-1}; charging now counts as "on" before the window. Starts
    # cost only in the near term (what runs before the next replans): charged over the
    # whole horizon they made homes several times slower, for plans replanned anyway.
    near = (window < STARTS_COUNTED_STEPS).astype(float)
    start = lp.add_vars(n, 0.0, 1.0, ev.start_penalty * near)
    was_on = 1.0 if ev.power_now_kw > 0 and ev.arrival == 0 else 0.0
    lb = np.zeros(n)
    lb[0] = -was_on
    lp.add_rows(
        n,
        np.r_[rows, rows, rows[1:]],
        np.r_[start, on, on[:-1]],
        np.r_[np.ones(n), -np.ones(n), np.ones(n - 1)],
        lb=lb,
    )
    # Minimum on-time: a start at t keeps it on for min_on_steps (within the window).
    for j in range(1, min(ev.min_on_steps, n)):
        k = n - j
        r = np.arange(k)
        lp.add_rows(k, np.r_[r, r], np.r_[on[j:], start[:k]], np.r_[np.ones(k), -np.ones(k)], lb=0.0)


def _ceiling(ev: Ev, window: IntArray) -> FloatArray:
    if ev.max_kw_per_step is None:
        return np.full(len(window), ev.max_kw)
    return np.minimum(ev.max_kw, ev.max_kw_per_step[window])


def _min_kw(r: Reader, phases: tuple[int, ...], max_kw: float) -> float:
    """Default: the least current a charger runs at (6 A per phase), never above max_kw."""
    min_kw = r.number("min_kw", min(kw_from_amps(MIN_CURRENT_A, len(phases)), max_kw), minimum=0.0)
    if min_kw > max_kw:
        raise ProblemError(r.sub("min_kw"), "must not exceed max_kw")
    return min_kw


def _reasons_for_power(scene: Scene, ev: Ev, plan: DevicePlan, window: BoolArray) -> list[Reason]:
    """When it charges, when it waits, where the limit held it back, where PV fed it."""
    price, on = scene.price, plan.power_kw > scene.tolerance_kw
    reasons: list[Reason] = []
    if on.any():
        reasons.append(
            {
                "code": "cheapest_steps" if ev.mode == "cheapest" else "fastest",
                "steps": scene.steps(on),
                "mean_price": round(float(price[on].mean()), 5),
                "window_mean_price": round(float(price[window].mean()), 5),
            }
        )
    waiting = window & ~on
    if waiting.any() and (plan.finish_step is None or waiting[: plan.finish_step].any()):
        reasons.append({"code": "waiting", "steps": scene.steps(waiting[: plan.finish_step or None])})
    limited = _limited(scene, ev, plan, window)
    if limited.any():
        reasons.append({"code": "import_limit_binding", "steps": scene.steps(limited)})
    if (on & scene.surplus).any():
        reasons.append({"code": "pv_surplus", "steps": scene.steps(on & scene.surplus)})
    return reasons


def _limited(scene: Scene, ev: Ev, plan: DevicePlan, window: BoolArray) -> BoolArray:
    """Steps before the goal where full power would not have fit under the import limit."""
    tol = scene.tolerance_kw
    missing = ev.max_kw - plan.power_kw
    limited = window & (missing > tol) & (scene.plan.grid_import_kw + missing > scene.limit + tol)
    if plan.finish_step is not None:
        limited[plan.finish_step :] = False
    return limited


def _reasons_for_shortfall(scene: Scene, ev: Ev, plan: DevicePlan, window: BoolArray) -> list[Reason]:
    """Why energy is missing: the window is too short, or higher priorities took the room."""
    problem = scene.problem
    reasons: list[Reason] = []
    if (plan.shortfall_kwh or 0) <= 1e-3:
        return reasons
    if ev.max_kw * (ev.departure - ev.arrival) * problem.step_hours < ev.energy_kwh - 1e-6:
        reasons.append({"code": "window", "shortfall_kwh": round(plan.shortfall_kwh or 0, 4)})
    limited = _limited(scene, ev, plan, window)
    rivals = [
        e.id
        for e in problem.of_kind(Ev)
        if e.priority > ev.priority and (scene.plan.devices[e.id].power_kw[limited] > 0).any()
    ]
    if rivals:
        reasons.append({"code": "priority", "served_first": rivals})
    return reasons


class EvKind:
    """The ``ev`` kind (see the module's docstring)."""

    name = "ev"
    model = Ev

    def parse(self, r: Reader, steps: int, site_phases: int) -> Ev:
        arrival = r.integer("arrival", 0, minimum=0, maximum=steps)
        departure = r.integer("departure", steps, minimum=0, maximum=steps)
        if departure < arrival:
            raise ProblemError(r.sub("departure"), "must not be before arrival")
        phases = r.phases(site_phases)
        max_kw = r.number("max_kw", minimum=0.0, required=True)
        min_kw = _min_kw(r, phases, max_kw)
        return Ev(
            id=r.string("id"),
            arrival=arrival,
            departure=departure,
            energy_kwh=r.number("energy_kwh", minimum=0.0, required=True),
            max_kw=max_kw,
            min_kw=min_kw,
            mode=r.string("mode", "cheapest", ("cheapest", "fastest")),  # type: ignore[arg-type]
            priority=r.integer("priority", 1, minimum=0, maximum=10),
            phases=phases,
            power_now_kw=r.number("power_now_kw", 0.0, minimum=0.0),
            start_penalty=r.number("start_penalty", 0.02, minimum=0.0),
            min_on_steps=r.integer("min_on_steps", 1, minimum=1, maximum=max(steps, 1)),
            previous_power_kw=r.previous(steps),
            max_kw_per_step=r.optional_series("max_kw_per_step", steps),
        )

    def dump(self, ev: Ev) -> dict[str, Any]:
        out: dict[str, Any] = {
            "arrival": ev.arrival,
            "departure": ev.departure,
            "energy_kwh": ev.energy_kwh,
            "max_kw": ev.max_kw,
            "min_kw": ev.min_kw,
            "mode": ev.mode,
            "priority": ev.priority,
            "power_now_kw": ev.power_now_kw,
            "start_penalty": ev.start_penalty,
            "min_on_steps": ev.min_on_steps,
        }
        if ev.max_kw_per_step is not None:
            out["max_kw_per_step"] = listed(ev.max_kw_per_step)
        if ev.previous_power_kw is not None:
            out["previous_power_kw"] = listed(ev.previous_power_kw)
        return out

    def committed(self, ev: Ev, steps: int) -> None:
        return None

    def build(self, ctx: Context, ev: Ev) -> EvVars:
        lp, w, dt, steps = ctx.lp, ctx.weights, ctx.dt, ctx.steps
        window = np.arange(ev.arrival, ev.departure, dtype=np.int64)
        n = len(window)
        # Per-kW costs: a whisper of "earlier is better", or for `fastest` a steep one.
        if ev.mode == "fastest":
            time_cost = w.fastest_per_step * (window - ev.arrival) * dt
        else:
            time_cost = w.tie_break * (window / max(steps, 1)) * dt
        ceiling = _ceiling(ev, window)
        power = lp.add_vars(n, 0.0, ceiling, time_cost)
        if n and ev.max_kw > 0 and (ev.min_kw > 0 or ev.start_penalty > 0 or ev.min_on_steps > 1):
            _on_off(ctx, ev, window, power)
        # Energy: dt * sum(power) + shortfall = wanted; the shortfall is what the objective fights.
        # Only the reachable part counts, so an impossible goal does not inflate the objective (and
        # with it HiGHS's relative gap) by a constant.
        # Up to one step at minimum power beyond the goal is allowed: the last few hundred Wh of a
        # goal may be less than a charger can deliver in a step, and must not be left undelivered.
        wanted = min(ev.energy_kwh, float(ceiling.sum()) * dt)
        shortfall = lp.add_vars(1, 0.0, wanted, value_per_kwh(w, ev, steps))
        lp.add_rows(
            1,
            np.zeros(n + 1, dtype=np.int64),
            np.r_[power, shortfall],
            np.r_[np.full(n, dt), 1.0],
            lb=wanted,
            ub=wanted + ev.min_kw * dt if wanted > 0 else 0.0,
        )
        ctx.add_stability(window, power, np.ones(n), ev.previous_power_kw)
        return EvVars(ev=ev, window=window, power=power, steps=steps, dt=dt)

    def baseline(self, problem: ProblemView, ev: Ev) -> DevicePlan:
        """Full power from arrival until the car has its energy."""
        n, dt = problem.steps, problem.step_hours
        power = np.zeros(n)
        remaining = ev.energy_kwh
        for t in range(ev.arrival, ev.departure):
            p = min(ev.max_kw, remaining / dt)
            power[t] = p
            remaining -= p * dt
            if remaining <= 1e-9:
                break
        return ev_plan(ev, power, dt)

    def greedy_rank(self, ev: Ev) -> tuple[int, int, int, str]:
        return (2, -ev.priority, ev.arrival, ev.id)

    def greedy(self, problem: ProblemView, ev: Ev, room: Room, notes: list[str]) -> DevicePlan:
        """As early as the headroom allows, never below the charger's minimum."""
        n, dt = problem.steps, problem.step_hours
        power = np.zeros(n)
        remaining = ev.energy_kwh
        for t in range(ev.arrival, ev.departure):
            if remaining <= 1e-9:
                break
            ceiling = (
                ev.max_kw if ev.max_kw_per_step is None else min(ev.max_kw, float(ev.max_kw_per_step[t]))
            )
            p = min(ceiling, room.available(t, ev.phases), remaining / dt)
            if p < ev.min_kw or p <= 1e-9:
                continue
            power[t] = p
            room.take(t, ev.phases, p)
            remaining -= p * dt
        return ev_plan(ev, power, dt)

    def follow(self, problem: ProblemView, ev: Ev, net_kw: FloatArray) -> None:
        return None

    def explain(self, scene: Scene, ev: Ev, plan: DevicePlan) -> list[Reason]:
        window = np.zeros(scene.problem.steps, dtype=bool)
        window[ev.arrival : ev.departure] = True
        return _reasons_for_power(scene, ev, plan, window) + _reasons_for_shortfall(scene, ev, plan, window)

    def ceiling(self, problem: ProblemView, ev: Ev, planned: FloatArray) -> FloatArray:
        most: FloatArray = np.zeros(problem.steps)
        most[ev.arrival : ev.departure] = ev.max_kw
        return most

    def size(self, ev: Ev, steps: int) -> int:
        # Power, on/off and starts (about 8 per step) plus a row per extra step of minimum on-time.
        n = max(ev.departure - ev.arrival, 0)
        return n * (8 + len(ev.phases)) + 2 * n * max(min(ev.min_on_steps, n) - 1, 0)


KIND = EvKind()
