"""The EV charging session's part of the program.

Power is 0 or within [min_kw, max_kw] inside the window (an on/off binary per step, whose
big-M is the power's own bound); energy not delivered by departure is a shortfall worth
far more than any price, weighted by priority. ``fastest`` adds a cost that grows each step
after arrival, larger than any price difference, so energy comes as early as it can.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .context import Context
from .lp import BINARY, FloatArray, IntArray
from .model import DevicePlan, Ev

POWER_EPS_KW = 1e-6
STARTS_COUNTED_STEPS = 8


@dataclass
class EvVars:
    ev: Ev
    window: IntArray
    power: IntArray
    steps: int
    dt: float

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


def build(ctx: Context, ev: Ev) -> EvVars:
    lp, w, dt, steps = ctx.lp, ctx.weights, ctx.dt, ctx.steps
    window = np.arange(ev.arrival, ev.departure, dtype=np.int64)
    n = len(window)
    max_kw = ev.max_kw
    # Per-kW costs: a whisper of "earlier is better", or for `fastest` a steep one.
    if ev.mode == "fastest":
        time_cost = w.fastest_per_step * (window - ev.arrival) * dt
    else:
        time_cost = w.tie_break * (window / max(steps, 1)) * dt
    ceiling = np.full(n, max_kw) if ev.max_kw_per_step is None else np.minimum(max_kw, ev.max_kw_per_step[window])
    power = lp.add_vars(n, 0.0, ceiling, time_cost)

    if n and max_kw > 0 and (ev.min_kw > 0 or ev.start_penalty > 0 or ev.min_on_steps > 1):
        on = lp.add_vars(n, 0.0, 1.0, 0.0, BINARY)
        rows = np.arange(n)
        # power <= max * on ; power >= min * on
        lp.add_rows(n, np.r_[rows, rows], np.r_[power, on], np.r_[np.ones(n), -max_kw * np.ones(n)], ub=0.0)
        if ev.min_kw > 0:
            lp.add_rows(n, np.r_[rows, rows], np.r_[power, on], np.r_[np.ones(n), -ev.min_kw * np.ones(n)], lb=0.0)
        # start_t >= on_t - on_{t-1}; charging now counts as "on" before the window. Starts
        # cost only in the near term (what runs before the next replans): charged over the
        # whole horizon they made homes several times slower, for plans replanned anyway.
        near = (window < STARTS_COUNTED_STEPS).astype(float)
        start = lp.add_vars(n, 0.0, 1.0, ev.start_penalty * near)
        was_on = 1.0 if ev.power_now_kw > 0 and ev.arrival == 0 else 0.0
        lb = np.zeros(n)
        lb[0] = -was_on
        lp.add_rows(
            n, np.r_[rows, rows, rows[1:]], np.r_[start, on, on[:-1]],
            np.r_[np.ones(n), -np.ones(n), np.ones(n - 1)], lb=lb,
        )
        # Minimum on-time: a start at t keeps it on for min_on_steps (within the window).
        for j in range(1, min(ev.min_on_steps, n)):
            k = n - j
            r = np.arange(k)
            lp.add_rows(k, np.r_[r, r], np.r_[on[j:], start[:k]], np.r_[np.ones(k), -np.ones(k)], lb=0.0)

    # Energy: dt * sum(power) + shortfall = wanted; the shortfall is what the objective fights.
    # Only the reachable part counts, so an impossible goal does not inflate the objective (and
    # with it HiGHS's relative gap) by a constant.
    # Up to one step at minimum power beyond the goal is allowed: the last few hundred Wh of a
    # goal may be less than a charger can deliver in a step, and must not be left undelivered.
    wanted = min(ev.energy_kwh, float(ceiling.sum()) * dt)
    shortfall = lp.add_vars(1, 0.0, wanted, w.ev_value_per_kwh(ev, steps))
    lp.add_rows(
        1, np.zeros(n + 1, dtype=np.int64), np.r_[power, shortfall], np.r_[np.full(n, dt), 1.0],
        lb=wanted, ub=wanted + ev.min_kw * dt if wanted > 0 else 0.0,
    )
    ctx.add_stability(window, power, np.ones(n), ev.previous_power_kw)
    return EvVars(ev=ev, window=window, power=power, steps=steps, dt=dt)
