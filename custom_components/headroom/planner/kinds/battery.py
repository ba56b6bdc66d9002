"""A home battery; power is AC-side, positive when charging. Its operation modes speak S2/EOS.

MILP: soc[t+1] = soc[t] + charge_eff * charge[t] * dt - discharge[t] / discharge_eff * dt.
A binary per step forbids charging and discharging at once: prices alone would make that
pointless but not impossible (a MIP gap, negative prices, flat prices). A required end SoC
is soft (a steep penalty per kWh missed) so that an unreachable one never sinks the plan.
Business as usual and the greedy fallback both run it in plain self-consumption on whatever
the other devices leave (``follow``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..context import Context
from ..lp import BINARY, IntArray
from ..plan import BatteryMode, DevicePlan, FloatArray, Reason
from ..reader import ProblemError, Reader
from ..views import ProblemView, Room, Scene

POWER_EPS_KW = 1e-4


@dataclass(frozen=True, kw_only=True)
class Battery:
    """A home battery; power is AC-side, positive when charging."""

    id: str
    capacity_kwh: float
    soc_kwh: float
    min_soc_kwh: float
    max_soc_kwh: float
    max_charge_kw: float
    max_discharge_kw: float
    charge_efficiency: float = 0.95
    discharge_efficiency: float = 0.95
    final_soc_kwh: float | None = None
    grid_charge: bool = True
    grid_export: bool = True
    cycle_cost_per_kwh: float = 0.0
    # What a kWh still stored at the horizon's end is worth (currency/kWh): without it a rolling plan
    # empties the battery at the edge of every horizon, as if the world ended there.
    stored_value_per_kwh: float = 0.0
    phases: tuple[int, ...] = (1, 2, 3)
    previous_power_kw: FloatArray | None = None


@dataclass
class BatteryVars:
    """A battery's part of the program: charge and discharge power (kW) and SoC (kWh) per step; the site
    sees charge minus discharge."""

    battery: Battery
    charge: IntArray
    discharge: IntArray
    soc: IntArray
    steps: int

    @property
    def phases(self) -> tuple[int, ...]:
        return self.battery.phases

    @property
    def supply_kw(self) -> float:
        return self.battery.max_discharge_kw

    @property
    def export_only_pv(self) -> bool:
        return not self.battery.grid_export

    def power_terms(self) -> tuple[IntArray, IntArray, FloatArray]:
        t = np.arange(self.steps, dtype=np.int64)
        return (
            np.r_[t, t],
            np.r_[self.charge, self.discharge],
            np.r_[np.ones(self.steps), -np.ones(self.steps)],
        )

    def extract(self, x: FloatArray) -> DevicePlan:
        charge = np.clip(x[self.charge], 0.0, None)
        discharge = np.clip(x[self.discharge], 0.0, None)
        power = charge - discharge
        power[np.abs(power) < 1e-6] = 0.0
        soc = np.r_[self.battery.soc_kwh, x[self.soc]]
        soc = np.clip(soc, self.battery.min_soc_kwh, self.battery.max_soc_kwh)
        return DevicePlan(power_kw=power, soc_kwh=soc)

    def notes(self, plan: DevicePlan) -> list[str]:
        return []

    def wear_cost(self, plan: DevicePlan, dt: float) -> float:
        return self.battery.cycle_cost_per_kwh * float(np.abs(plan.power_kw).sum()) * dt


def soc_series(battery: Battery, charge: FloatArray, discharge: FloatArray, dt: float) -> FloatArray:
    """SoC at each step boundary (steps + 1 values) for given AC charge and discharge power."""
    delta = battery.charge_efficiency * charge * dt - discharge / battery.discharge_efficiency * dt
    soc: FloatArray = np.r_[battery.soc_kwh, battery.soc_kwh + np.cumsum(delta)]
    return soc


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
        mode, factor = _mode(battery, float(p), float(rest_kw[t]), float(export_kw[t]))
        modes.append(mode)
        factors[t] = min(max(factor, 0.0), 1.0)
    return modes, factors


def _mode(battery: Battery, p: float, rest: float, export: float) -> tuple[BatteryMode, float]:
    surplus = max(0.0, -rest)
    deficit = max(0.0, rest)
    if p > POWER_EPS_KW:
        factor = p / battery.max_charge_kw if battery.max_charge_kw else 0.0
        if p > surplus + POWER_EPS_KW:
            return "forced_charge", factor
        if p >= min(surplus, battery.max_charge_kw) - POWER_EPS_KW:
            return "self_consumption", 1.0
        return "non_export", factor
    if p < -POWER_EPS_KW:
        factor = -p / battery.max_discharge_kw if battery.max_discharge_kw else 0.0
        if export > POWER_EPS_KW:
            return "forced_discharge", factor
        if -p >= min(deficit, battery.max_discharge_kw) - POWER_EPS_KW:
            factor = 1.0
        return "self_consumption", factor
    return ("non_export" if deficit > POWER_EPS_KW else "idle"), 0.0


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


# No battery is this lossy; below it the SoC balance's coefficients (1 / efficiency) break the solver.
MIN_EFFICIENCY = 0.05


def _efficiency(r: Reader, key: str) -> float:
    return r.number(key, 0.95, minimum=MIN_EFFICIENCY, maximum=1.0)


def _soc_bounds(r: Reader, capacity: float) -> tuple[float, float, float]:
    """(min, max, now): the SoC now within [min, max], a hair outside clipped onto them."""
    min_soc = r.number("min_soc_kwh", 0.0, minimum=0.0, maximum=capacity)
    max_soc = r.number("max_soc_kwh", capacity, minimum=min_soc, maximum=capacity)
    soc = r.number("soc_kwh", required=True)
    tolerance = 1e-6 * capacity
    if not min_soc - tolerance <= soc <= max_soc + tolerance:
        raise ProblemError(r.sub("soc_kwh"), f"must be within [{min_soc:g}, {max_soc:g}] (min/max SoC)")
    return min_soc, max_soc, min(max(soc, min_soc), max_soc)


def _build_balance(
    ctx: Context, battery: Battery, charge: IntArray, discharge: IntArray, soc: IntArray
) -> None:
    """SoC follows the efficiencies; a wanted end SoC is soft; never charge and discharge at once."""
    lp, dt, n = ctx.lp, ctx.dt, ctx.steps
    rows = np.arange(n)
    rhs = np.zeros(n)
    rhs[0] = battery.soc_kwh
    lp.add_rows(
        n,
        np.r_[rows, rows[1:], rows, rows],
        np.r_[soc, soc[:-1], charge, discharge],
        np.r_[
            np.ones(n),
            -np.ones(n - 1),
            np.full(n, -battery.charge_efficiency * dt),
            np.full(n, dt / battery.discharge_efficiency),
        ],
        lb=rhs,
        ub=rhs,
    )
    if battery.final_soc_kwh is not None and battery.final_soc_kwh > battery.min_soc_kwh:
        missed = lp.add_vars(1, 0.0, battery.final_soc_kwh - battery.min_soc_kwh, 2.0 * ctx.weights.base)
        lp.add_rows(1, [0, 0], np.r_[soc[-1], missed], [1.0, 1.0], lb=battery.final_soc_kwh)
    if battery.max_charge_kw > 0 and battery.max_discharge_kw > 0:
        charging = lp.add_vars(n, 0.0, 1.0, 0.0, BINARY)
        lp.add_rows(
            n,
            np.r_[rows, rows],
            np.r_[charge, charging],
            np.r_[np.ones(n), np.full(n, -battery.max_charge_kw)],
            ub=0.0,
        )
        lp.add_rows(
            n,
            np.r_[rows, rows],
            np.r_[discharge, charging],
            np.r_[np.ones(n), np.full(n, battery.max_discharge_kw)],
            ub=battery.max_discharge_kw,
        )


class BatteryKind:
    """The ``battery`` kind (see the module's docstring)."""

    name = "battery"
    model = Battery

    def parse(self, r: Reader, steps: int, site_phases: int) -> Battery:
        capacity = r.number("capacity_kwh", minimum=0.0, required=True)
        if capacity <= 0:
            raise ProblemError(r.sub("capacity_kwh"), "must be positive")
        min_soc, max_soc, soc = _soc_bounds(r, capacity)
        final = None
        if r.has("final_soc_kwh"):
            final = r.number("final_soc_kwh", minimum=min_soc, maximum=max_soc)
        else:
            r.used.add("final_soc_kwh")
        return Battery(
            id=r.string("id"),
            capacity_kwh=capacity,
            soc_kwh=soc,
            min_soc_kwh=min_soc,
            max_soc_kwh=max_soc,
            max_charge_kw=r.number("max_charge_kw", minimum=0.0, required=True),
            max_discharge_kw=r.number("max_discharge_kw", minimum=0.0, required=True),
            charge_efficiency=_efficiency(r, "charge_efficiency"),
            discharge_efficiency=_efficiency(r, "discharge_efficiency"),
            final_soc_kwh=final,
            grid_charge=r.boolean("grid_charge", True),
            grid_export=r.boolean("grid_export", True),
            cycle_cost_per_kwh=r.number("cycle_cost_per_kwh", 0.0, minimum=0.0),
            stored_value_per_kwh=r.number("stored_value_per_kwh", 0.0, minimum=0.0),
            phases=r.phases(site_phases),
            previous_power_kw=r.previous(steps),
        )

    def dump(self, battery: Battery) -> dict[str, Any]:
        out: dict[str, Any] = {
            "capacity_kwh": battery.capacity_kwh,
            "soc_kwh": battery.soc_kwh,
            "min_soc_kwh": battery.min_soc_kwh,
            "max_soc_kwh": battery.max_soc_kwh,
            "max_charge_kw": battery.max_charge_kw,
            "max_discharge_kw": battery.max_discharge_kw,
            "charge_efficiency": battery.charge_efficiency,
            "discharge_efficiency": battery.discharge_efficiency,
            "final_soc_kwh": battery.final_soc_kwh,
            "grid_charge": battery.grid_charge,
            "grid_export": battery.grid_export,
            "cycle_cost_per_kwh": battery.cycle_cost_per_kwh,
            "stored_value_per_kwh": battery.stored_value_per_kwh,
        }
        if battery.previous_power_kw is not None:
            out["previous_power_kw"] = [float(v) for v in battery.previous_power_kw]
        return out

    def committed(self, battery: Battery, steps: int) -> None:
        return None

    def build(self, ctx: Context, battery: Battery) -> BatteryVars:
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
        _build_balance(ctx, battery, charge, discharge, soc)
        if battery.stored_value_per_kwh > 0:
            lp.add_cost(soc[-1:], -battery.stored_value_per_kwh)
        t = np.arange(n, dtype=np.int64)
        ctx.add_stability(
            np.r_[t, t], np.r_[charge, discharge], np.r_[np.ones(n), -np.ones(n)], battery.previous_power_kw
        )
        return BatteryVars(battery=battery, charge=charge, discharge=discharge, soc=soc, steps=n)

    def baseline(self, problem: ProblemView, battery: Battery) -> None:
        return None  # it follows the net load

    def greedy_rank(self, battery: Battery) -> tuple[int, int, int, str]:
        return (3, 0, 0, "")

    def greedy(self, problem: ProblemView, battery: Battery, room: Room, notes: list[str]) -> None:
        return None  # self-consumption only ever lowers the import: it follows the net load

    def follow(self, problem: ProblemView, battery: Battery, net_kw: FloatArray) -> DevicePlan:
        dt = problem.step_hours
        power = self_consumption(battery, net_kw, dt)
        return DevicePlan(
            power_kw=power,
            soc_kwh=soc_series(battery, np.clip(power, 0, None), np.clip(-power, 0, None), dt),
        )

    def explain(self, scene: Scene, battery: Battery, plan: DevicePlan) -> list[Reason]:
        """Names each step's operation mode (``plan.mode``), then why it charges or holds."""
        grid = scene.plan
        rest = grid.grid_import_kw - grid.grid_export_kw - plan.power_kw
        plan.mode, plan.mode_factor = operation_modes(battery, plan.power_kw, rest, grid.grid_export_kw)
        reasons: list[Reason] = []
        for code, mode in (("charge_cheap", "forced_charge"), ("discharge_expensive", "forced_discharge")):
            steps = [t for t, m in enumerate(plan.mode) if m == mode]
            if steps:
                reasons.append({"code": code, "steps": steps})
        charging_surplus = (plan.power_kw > scene.tolerance_kw) & (scene.net_without_devices < 0)
        if charging_surplus.any():
            reasons.append({"code": "pv_surplus", "steps": scene.steps(charging_surplus)})
        holding = [t for t, m in enumerate(plan.mode) if m == "non_export"]
        if holding:
            reasons.append({"code": "holding", "steps": holding})
        return reasons

    def ceiling(self, problem: ProblemView, battery: Battery, planned: FloatArray) -> FloatArray:
        return np.full(problem.steps, battery.max_charge_kw)

    def size(self, battery: Battery, steps: int) -> int:
        return steps * (14 + 2 * len(battery.phases))


KIND = BatteryKind()
