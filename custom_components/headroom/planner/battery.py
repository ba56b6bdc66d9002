"""The home battery's part of the program, and its operation modes in the S2/EOS vocabulary.

soc[t+1] = soc[t] + charge_eff * charge[t] * dt - discharge[t] / discharge_eff * dt.
A binary per step forbids charging and discharging at once: prices alone would make that
pointless but not impossible (a MIP gap, negative prices, flat prices). A required end
SoC is soft (a steep penalty per kWh missed) so that an unreachable one never sinks the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .context import Context
from .lp import BINARY, FloatArray, IntArray
from .model import Battery, BatteryMode, DevicePlan

POWER_EPS_KW = 1e-4


@dataclass
class BatteryVars:
    battery: Battery
    charge: IntArray
    discharge: IntArray
    soc: IntArray
    steps: int

    @property
    def phases(self) -> tuple[int, ...]:
        return self.battery.phases

    def power_terms(self) -> tuple[IntArray, IntArray, FloatArray]:
        t = np.arange(self.steps, dtype=np.int64)
        return np.r_[t, t], np.r_[self.charge, self.discharge], np.r_[np.ones(self.steps), -np.ones(self.steps)]

    def extract(self, x: FloatArray) -> DevicePlan:
        charge = np.clip(x[self.charge], 0.0, None)
        discharge = np.clip(x[self.discharge], 0.0, None)
        power = charge - discharge
        power[np.abs(power) < 1e-6] = 0.0
        soc = np.r_[self.battery.soc_kwh, x[self.soc]]
        soc = np.clip(soc, self.battery.min_soc_kwh, self.battery.max_soc_kwh)
        return DevicePlan(power_kw=power, soc_kwh=soc)


def soc_series(battery: Battery, charge: FloatArray, discharge: FloatArray, dt: float) -> FloatArray:
    """SoC at each step boundary (steps + 1 values) for given AC charge and discharge power."""
    delta = battery.charge_efficiency * charge * dt - discharge / battery.discharge_efficiency * dt
    soc: FloatArray = np.r_[battery.soc_kwh, battery.soc_kwh + np.cumsum(delta)]
    return soc


def build(ctx: Context, battery: Battery) -> BatteryVars:
    lp, dt, n = ctx.lp, ctx.dt, ctx.steps
    problem = ctx.problem
    charge_ub = np.full(n, battery.max_charge_kw)
    if not battery.grid_charge:
        # Without grid charging the battery may only take the PV surplus over the base load.
        charge_ub = np.minimum(charge_ub, np.clip(problem.pv_kw - ctx.fixed_load_kw, 0.0, None))
    # Wear, plus a whisper so that flat or zero prices never make a pointless round trip free.
    wear = (battery.cycle_cost_per_kwh + ctx.weights.tie_break) * dt
    charge = lp.add_vars(n, 0.0, charge_ub, wear)
    discharge = lp.add_vars(n, 0.0, battery.max_discharge_kw, wear)
    soc = lp.add_vars(n, battery.min_soc_kwh, battery.max_soc_kwh)

    rows = np.arange(n)
    rhs = np.zeros(n)
    rhs[0] = battery.soc_kwh
    lp.add_rows(
        n,
        np.r_[rows, rows[1:], rows, rows],
        np.r_[soc, soc[:-1], charge, discharge],
        np.r_[np.ones(n), -np.ones(n - 1), np.full(n, -battery.charge_efficiency * dt),
              np.full(n, dt / battery.discharge_efficiency)],
        lb=rhs, ub=rhs,
    )
    if battery.final_soc_kwh is not None and battery.final_soc_kwh > battery.min_soc_kwh:
        missed = lp.add_vars(1, 0.0, battery.final_soc_kwh - battery.min_soc_kwh, 2.0 * ctx.weights.base)
        lp.add_rows(1, [0, 0], np.r_[soc[-1], missed], [1.0, 1.0], lb=battery.final_soc_kwh)
    if battery.max_charge_kw > 0 and battery.max_discharge_kw > 0:
        charging = lp.add_vars(n, 0.0, 1.0, 0.0, BINARY)
        lp.add_rows(n, np.r_[rows, rows], np.r_[charge, charging],
                    np.r_[np.ones(n), np.full(n, -battery.max_charge_kw)], ub=0.0)
        lp.add_rows(n, np.r_[rows, rows], np.r_[discharge, charging],
                    np.r_[np.ones(n), np.full(n, battery.max_discharge_kw)], ub=battery.max_discharge_kw)
    t = np.arange(n, dtype=np.int64)
    ctx.add_stability(np.r_[t, t], np.r_[charge, discharge], np.r_[np.ones(n), -np.ones(n)],
                      battery.previous_power_kw)
    return BatteryVars(battery=battery, charge=charge, discharge=discharge, soc=soc, steps=n)


def operation_modes(
    battery: Battery, power: FloatArray, rest_kw: FloatArray, export_kw: FloatArray
) -> tuple[list[BatteryMode], FloatArray]:
    """Name each step's battery power as an S2/EOS operation mode with its factor (0..1).

    ``rest_kw`` is the home's net load without this battery (positive: a deficit the battery
    could cover; negative: a surplus it could take). Following the net load is
    ``self_consumption``; charging beyond the surplus is ``forced_charge``; discharging into
    export is ``forced_discharge``; holding charge while there is a deficit is ``non_export``
    (take any surplus, give nothing); standing still otherwise is ``idle``.
    """
    modes: list[BatteryMode] = []
    factors = np.zeros(len(power))
    for t, p in enumerate(power):
        surplus = max(0.0, -rest_kw[t])
        deficit = max(0.0, rest_kw[t])
        if p > POWER_EPS_KW:
            factor = p / battery.max_charge_kw if battery.max_charge_kw else 0.0
            if p > surplus + POWER_EPS_KW:
                modes.append("forced_charge")
            elif p >= min(surplus, battery.max_charge_kw) - POWER_EPS_KW:
                modes.append("self_consumption")
                factor = 1.0
            else:
                modes.append("non_export")
        elif p < -POWER_EPS_KW:
            factor = -p / battery.max_discharge_kw if battery.max_discharge_kw else 0.0
            if export_kw[t] > POWER_EPS_KW:
                modes.append("forced_discharge")
            else:
                modes.append("self_consumption")
                if -p >= min(deficit, battery.max_discharge_kw) - POWER_EPS_KW:
                    factor = 1.0
        else:
            factor = 0.0
            modes.append("non_export" if deficit > POWER_EPS_KW else "idle")
        factors[t] = min(max(factor, 0.0), 1.0)
    return modes, factors


def self_consumption(battery: Battery, net_load_kw: FloatArray, dt: float) -> FloatArray:
    """Plain self-consumption: take the surplus, cover the deficit, within power and SoC limits."""
    power = np.zeros(len(net_load_kw))
    soc = battery.soc_kwh
    for t, net in enumerate(net_load_kw):
        if net < 0:
            room = (battery.max_soc_kwh - soc) / (battery.charge_efficiency * dt)
            p = min(-net, battery.max_charge_kw, max(room, 0.0))
            soc += battery.charge_efficiency * p * dt
        else:
            stored = (soc - battery.min_soc_kwh) * battery.discharge_efficiency / dt
            p = -min(net, battery.max_discharge_kw, max(stored, 0.0))
            soc += p / battery.discharge_efficiency * dt
        power[t] = p
    return power
