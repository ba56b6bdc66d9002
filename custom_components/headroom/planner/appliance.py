"""The appliance's part of the program: one binary per allowed start, exactly one chosen.

power[t] = sum_s start[s] * profile[t - s] is tighter than on/off plus start detection
(EMHASS's "sequence" loads), and the profile's shape is kept exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .context import Context
from .lp import BINARY, FloatArray, IntArray
from .model import Appliance, DevicePlan


@dataclass
class ApplianceVars:
    appliance: Appliance
    starts: IntArray
    chosen: IntArray
    steps: int

    @property
    def phases(self) -> tuple[int, ...]:
        return self.appliance.phases

    def power_terms(self) -> tuple[IntArray, IntArray, FloatArray]:
        profile = self.appliance.profile_kw
        length = len(profile)
        t = (self.starts[:, None] + np.arange(length)[None, :]).ravel()
        cols = np.repeat(self.chosen, length)
        vals = np.tile(profile, len(self.starts))
        keep = t < self.steps
        return t[keep], cols[keep], vals[keep]

    def extract(self, x: FloatArray) -> DevicePlan:
        start = int(self.starts[int(np.argmax(x[self.chosen]))])
        return DevicePlan(power_kw=self.appliance.power_for_start(start, self.steps), start=start)


def build(ctx: Context, appliance: Appliance) -> ApplianceVars:
    lp, n = ctx.lp, ctx.steps
    starts = appliance.allowed_starts(n)
    cost = ctx.weights.tie_break * starts / max(n, 1)
    if appliance.previous_power_kw is not None:
        previous = appliance.previous_power_kw
        moved = np.array([np.abs(appliance.power_for_start(int(s), n) - previous).sum() for s in starts])
        cost = cost + ctx.weights.stability * ctx.dt * moved
    chosen = lp.add_vars(len(starts), 0.0, 1.0, cost, BINARY)
    lp.add_rows(1, np.zeros(len(starts), dtype=np.int64), chosen, 1.0, lb=1.0, ub=1.0)
    return ApplianceVars(appliance=appliance, starts=starts, chosen=chosen, steps=n)
