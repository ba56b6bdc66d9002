"""A hot-water tank (geyser) or heat-pump buffer: a leaky store of heat.

Heat is counted in kWh above the coldest usable state, so a store that runs below it holds
"negative" heat (water colder than usable); each step
``E[t+1] = E[t] + (efficiency * p[t] - loss_kw - draw_kw[t]) * dt`` with ``E[0] = energy_kwh``.
``soc_kwh[t]`` in the plan is the heat at the end of step t and ``comfort_kwh[t]`` the floor for
it. The capacity is a hard ceiling (the element's thermostat cuts out); the floors (comfort,
and 0) are soft: heat short of them is a shortfall priced like an EV's missing energy, far above
any price, so cold water is the last resort but never makes the plan infeasible, even when the
draws outrun the element.

An element behind a switch (``on_off``) runs at 0 or ``max_kw``: its power is ``max_kw`` times an
on/off variable, the tightest form of the big-M ``p <= max_kw * on``. The integers are the running
count of steps on so far, not the on/off steps themselves: heat comes in whole ``max_kw`` steps,
so what a floor needs is a count by its step, and branching on counts ("at most 3 steps on by
step 20") beats branching on single steps among equally priced ones: in the benchmark home (192
steps, two cars, a battery) it proves the optimum in about a second where a binary per step
sometimes ran into a 20 s time limit. A modulating heat pump runs anywhere in [0, max_kw].
Business as usual is a thermostat; the greedy fallback heats in the cheapest steps before each
comfort floor that the import headroom leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..context import Context
from ..lp import INTEGER, IntArray
from ..plan import BoolArray, DevicePlan, FloatArray, Reason
from ..reader import ProblemError, Reader, listed
from ..views import ProblemView, Room, Scene

POWER_EPS_KW = 1e-6
HEAT_EPS_KWH = 1e-6
# The thermostat of business as usual switches on below capacity minus this share of it.
THERMOSTAT_BAND = 0.1


@dataclass(frozen=True, kw_only=True)
class ThermalStorage:
    """A hot-water tank or heat-pump buffer as a leaky store of heat (kWh above the coldest usable state)."""

    id: str
    capacity_kwh: float  # heat held between the lowest and the highest allowed temperature
    energy_kwh: float  # heat held now (may be below comfort, never negative)
    max_kw: float  # electrical power of the element / heat pump at full power
    on_off: bool = True  # True: element is off or at max_kw (a resistive element behind a switch); False: modulating 0..max_kw
    efficiency: float = 1.0  # heat per electrical kWh (a heat pump's COP; 1.0 for a resistive element)
    loss_kw: float = 0.0  # standing loss, heat kW, constant
    draw_kw: FloatArray | None = None  # forecast hot-water use per step, heat kW (None = none)
    comfort_kwh: FloatArray | None = None  # per-step minimum heat to hold (soft; None = 0)
    phases: tuple[int, ...] = (1, 2, 3)
    previous_power_kw: FloatArray | None = None


def leaving_kw(store: ThermalStorage, steps: int) -> FloatArray:
    """Heat leaving per step: the hot water drawn plus the standing loss, kW."""
    draw = np.zeros(steps) if store.draw_kw is None else store.draw_kw
    return draw + store.loss_kw


def floor_kwh(store: ThermalStorage, steps: int) -> FloatArray:
    """The least heat to hold at the end of each step (comfort; 0 when none is asked)."""
    return np.zeros(steps) if store.comfort_kwh is None else store.comfort_kwh


def heat_kwh(store: ThermalStorage, power_kw: FloatArray, dt: float) -> FloatArray:
    """Heat held at the end of each step when the element runs at ``power_kw``."""
    gain = (store.efficiency * power_kw - leaving_kw(store, len(power_kw))) * dt
    heat: FloatArray = store.energy_kwh + np.cumsum(gain)
    return heat


def thermal_plan(store: ThermalStorage, power: FloatArray, dt: float) -> DevicePlan:
    """The plan of a power series: heat per step and the shortfall below the floors, summed over steps."""
    heat = heat_kwh(store, power, dt)
    short = np.clip(floor_kwh(store, len(power)) - heat, 0.0, None)
    short[short < HEAT_EPS_KWH] = 0.0
    return DevicePlan(power_kw=power, soc_kwh=heat, shortfall_kwh=float(short.sum()))


@dataclass
class ThermalVars:
    """A heat store's part of the program: one column per step, the element's power (kW) or, behind a
    switch, on/off times ``max_kw``."""

    store: ThermalStorage
    power: IntArray  # one column per step: the power itself, or on/off (0..1)
    per_unit_kw: float  # kW per unit of the column: max_kw for on/off, 1 for power
    steps: int
    dt: float
    supply_kw = 0.0
    export_only_pv = False

    @property
    def phases(self) -> tuple[int, ...]:
        return self.store.phases

    def power_terms(self) -> tuple[IntArray, IntArray, FloatArray]:
        return np.arange(self.steps, dtype=np.int64), self.power, np.full(self.steps, self.per_unit_kw)

    def extract(self, x: FloatArray) -> DevicePlan:
        values = x[self.power]
        if self.store.on_off:
            power = np.where(values > 0.5, self.store.max_kw, 0.0)
        else:
            power = np.clip(values, 0.0, self.store.max_kw)
            power[power < POWER_EPS_KW] = 0.0
        return thermal_plan(self.store, power, self.dt)

    def notes(self, plan: DevicePlan) -> list[str]:
        return []

    def wear_cost(self, plan: DevicePlan, dt: float) -> float:
        return 0.0


def _bounds(store: ThermalStorage, steps: int, dt: float) -> tuple[FloatArray, FloatArray]:
    """The least and the most heat each step can hold: never heating, and heating flat out
    (cut off at the capacity). Every plan lies between them."""
    lowest = heat_kwh(store, np.zeros(steps), dt)
    highest = np.empty(steps)
    level = store.energy_kwh
    gain = (store.efficiency * store.max_kw - leaving_kw(store, steps)) * dt
    for t in range(steps):
        level = min(store.capacity_kwh, level + gain[t])
        highest[t] = level
    return lowest, highest


def _count_steps_on(ctx: Context, on: IntArray) -> None:
    """count[t] = count[t-1] + on[t], count integer: makes each on[t] a whole 0 or 1 (see above)."""
    lp, n = ctx.lp, ctx.steps
    count = lp.add_vars(n, 0.0, n, 0.0, INTEGER)
    rows = np.arange(n)
    lp.add_rows(
        n,
        np.r_[rows, rows[1:], rows],
        np.r_[count, count[:-1], on],
        np.r_[np.ones(n), -np.ones(n - 1), -np.ones(n)],
        lb=0.0,
        ub=0.0,
    )


def _heat_balance(ctx: Context, store: ThermalStorage, power: IntArray, per_unit_kw: float) -> IntArray:
    """heat[t] - heat[t-1] - efficiency * p[t] * dt = -(draw + loss) * dt; heat <= capacity."""
    lp, n, dt = ctx.lp, ctx.steps, ctx.dt
    heat = lp.add_vars(n, -np.inf, store.capacity_kwh)
    rows = np.arange(n)
    rhs = -leaving_kw(store, n) * dt
    rhs[0] += store.energy_kwh
    lp.add_rows(
        n,
        np.r_[rows, rows[1:], rows],
        np.r_[heat, heat[:-1], power],
        np.r_[np.ones(n), -np.ones(n - 1), np.full(n, -store.efficiency * per_unit_kw * dt)],
        lb=rhs,
        ub=rhs,
    )
    return heat


def _shortfall(ctx: Context, store: ThermalStorage, heat: IntArray) -> None:
    """heat[t] + short[t] >= floor[t], each kWh short per step priced like an EV's missing kWh.

    Only the avoidable part is a variable: what even flat-out heating leaves short is a constant
    that would only inflate the objective (and HiGHS's relative gap); steps that cannot be short
    get no variable at all.
    """
    n = ctx.steps
    floor = floor_kwh(store, n)
    lowest, highest = _bounds(store, n, ctx.dt)
    unavoidable = np.clip(floor - highest, 0.0, None)
    most = np.clip(floor - lowest, 0.0, None) - unavoidable
    steps = np.nonzero(most > HEAT_EPS_KWH)[0]
    k = len(steps)
    if k == 0:
        return
    # Heat short costs more than any price could save, also for an element below 100 % efficiency.
    value = ctx.weights.base / min(store.efficiency, 1.0)
    short = ctx.lp.add_vars(k, 0.0, most[steps], value)
    r = np.arange(k)
    ctx.lp.add_rows(
        k,
        np.r_[r, r],
        np.r_[heat[steps], short],
        np.r_[np.ones(k), np.ones(k)],
        lb=floor[steps] - unavoidable[steps],
    )


def _parse_floor(r: Reader, steps: int, capacity: float) -> FloatArray | None:
    comfort = r.optional_series("comfort_kwh", steps)
    if comfort is not None and np.any(comfort > capacity):
        i = int(np.argmax(comfort > capacity))
        raise ProblemError(f"{r.sub('comfort_kwh')}[{i}]", f"must not exceed capacity_kwh ({capacity:g})")
    return comfort


def _parse_levels(r: Reader) -> tuple[float, float]:
    """(capacity, heat now): heat now within [0, capacity], a hair above clipped onto it."""
    capacity = r.number("capacity_kwh", minimum=0.0, required=True)
    if capacity <= 0:
        raise ProblemError(r.sub("capacity_kwh"), "must be positive")
    energy = r.number("energy_kwh", minimum=0.0, required=True)
    if energy > capacity * (1 + 1e-6):
        raise ProblemError(r.sub("energy_kwh"), f"must not exceed capacity_kwh ({capacity:g})")
    return capacity, min(energy, capacity)


def _cheapest_fill(
    store: ThermalStorage,
    power: FloatArray,
    by: int,
    deficit: float,
    room: FloatArray,
    price: FloatArray,
    dt: float,
) -> tuple[int, float] | None:
    """The cheapest step up to ``by`` that can still heat (latest among equals), and how many kW
    more: within the element, the headroom and the capacity of every later step."""
    if store.max_kw <= POWER_EPS_KW:
        return None
    heat = heat_kwh(store, power, dt)
    later_max = np.maximum.accumulate(heat[::-1])[::-1]
    spare = np.minimum.reduce(
        [store.max_kw - power, room, (store.capacity_kwh - later_max) / (store.efficiency * dt)]
    )[: by + 1]
    if store.on_off:
        usable = (power[: by + 1] == 0) & (spare >= store.max_kw - POWER_EPS_KW)
    else:
        usable = spare > POWER_EPS_KW
    candidates = np.nonzero(usable)[0]
    if len(candidates) == 0:
        return None
    t = int(candidates[np.lexsort((-candidates, price[candidates]))[0]])
    kw = store.max_kw if store.on_off else min(float(spare[t]), deficit / (store.efficiency * dt))
    return t, kw


def _needed_by(store: ThermalStorage, plan: DevicePlan, on: BoolArray, dt: float) -> dict[int, list[int]]:
    """Heating steps grouped by the first step whose floor the heat would miss without them."""
    assert plan.soc_kwh is not None
    heat = plan.soc_kwh
    floor = floor_kwh(store, len(heat))
    gain = store.efficiency * plan.power_kw * dt
    groups: dict[int, list[int]] = {}
    for t in np.nonzero(on)[0]:
        missed = np.nonzero(heat[t:] - gain[t] < floor[t:] - HEAT_EPS_KWH)[0]
        if len(missed):
            groups.setdefault(int(t + missed[0]), []).append(int(t))
    return groups


class ThermalKind:
    """The ``thermal_storage`` kind (see the module's docstring)."""

    name = "thermal_storage"
    model = ThermalStorage

    def parse(self, r: Reader, steps: int, site_phases: int) -> ThermalStorage:
        capacity, energy = _parse_levels(r)
        return ThermalStorage(
            id=r.string("id"),
            capacity_kwh=capacity,
            energy_kwh=energy,
            max_kw=r.number("max_kw", minimum=0.0, required=True),
            on_off=r.boolean("on_off", True),
            efficiency=r.number("efficiency", 1.0, minimum=0.1, maximum=10.0),
            loss_kw=r.number("loss_kw", 0.0, minimum=0.0),
            draw_kw=r.optional_series("draw_kw", steps),
            comfort_kwh=_parse_floor(r, steps, capacity),
            phases=r.phases(site_phases),
            previous_power_kw=r.previous(steps),
        )

    def dump(self, store: ThermalStorage) -> dict[str, Any]:
        out: dict[str, Any] = {
            "capacity_kwh": store.capacity_kwh,
            "energy_kwh": store.energy_kwh,
            "max_kw": store.max_kw,
            "on_off": store.on_off,
            "efficiency": store.efficiency,
            "loss_kw": store.loss_kw,
        }
        for key, values in (
            ("draw_kw", store.draw_kw),
            ("comfort_kwh", store.comfort_kwh),
            ("previous_power_kw", store.previous_power_kw),
        ):
            if values is not None:
                out[key] = listed(values)
        return out

    def committed(self, store: ThermalStorage, steps: int) -> None:
        return None

    def build(self, ctx: Context, store: ThermalStorage) -> ThermalVars:
        lp, n, dt = ctx.lp, ctx.steps, ctx.dt
        # A whisper of "later is better" per kW: at equal prices, heat just in time, not hours ahead.
        later = ctx.weights.tie_break * (1.0 - np.arange(n) / max(n, 1)) * dt
        if store.on_off:
            power = lp.add_vars(n, 0.0, 1.0, later * store.max_kw)
            _count_steps_on(ctx, power)
            per_unit = store.max_kw
        else:
            power = lp.add_vars(n, 0.0, store.max_kw, later)
            per_unit = 1.0
        heat = _heat_balance(ctx, store, power, per_unit)
        _shortfall(ctx, store, heat)
        ctx.add_stability(np.arange(n, dtype=np.int64), power, np.full(n, per_unit), store.previous_power_kw)
        return ThermalVars(store=store, power=power, per_unit_kw=per_unit, steps=n, dt=dt)

    def baseline(self, problem: ProblemView, store: ThermalStorage) -> DevicePlan:
        """A thermostat: full power from below comfort or below the band under full, until full."""
        n, dt = problem.steps, problem.step_hours
        leaving, floor = leaving_kw(store, n) * dt, floor_kwh(store, n)
        switch_on = store.capacity_kwh * (1.0 - THERMOSTAT_BAND)
        power = np.zeros(n)
        heat, heating = store.energy_kwh, False
        for t in range(n):
            heating = heating or heat < floor[t] or heat < switch_on
            if heating:
                # Within the step it cuts out on reaching full: the step's mean power is less.
                to_full = (store.capacity_kwh - heat + leaving[t]) / (store.efficiency * dt)
                power[t] = min(store.max_kw, max(to_full, 0.0))
                heating = power[t] < to_full - POWER_EPS_KW
            heat += store.efficiency * power[t] * dt - leaving[t]
        return thermal_plan(store, power, dt)

    def greedy_rank(self, store: ThermalStorage) -> tuple[int, int, int, str]:
        return (1, 0, 0, "")  # after appliances, before cars: hot water is a household's need

    def greedy(self, problem: ProblemView, store: ThermalStorage, room: Room, notes: list[str]) -> DevicePlan:
        """Meet each floor in turn with the cheapest steps before it that the headroom allows."""
        n, dt = problem.steps, problem.step_hours
        price, floor = problem.tariff.import_price, floor_kwh(store, n)
        power = np.zeros(n)
        for by in range(n):
            deficit = float(floor[by] - heat_kwh(store, power, dt)[by])
            while deficit > HEAT_EPS_KWH:
                pick = _cheapest_fill(store, power, by, deficit, room.available_kw(store.phases), price, dt)
                if pick is None:
                    break
                t, kw = pick
                power[t] += kw
                room.take(t, store.phases, kw)
                deficit -= store.efficiency * kw * dt
        plan = thermal_plan(store, power, dt)
        if (plan.shortfall_kwh or 0.0) > 1e-3:
            notes.append(
                f"{store.id}: heat short of comfort by {plan.shortfall_kwh:.3f} kWh (summed over steps)"
            )
        return plan

    def follow(self, problem: ProblemView, store: ThermalStorage, net_kw: FloatArray) -> None:
        return None

    def explain(self, scene: Scene, store: ThermalStorage, plan: DevicePlan) -> list[Reason]:
        """Heats when it is cheap, because a comfort floor needs the heat by step k, or on PV surplus."""
        n, price = scene.problem.steps, scene.price
        on = plan.power_kw > scene.tolerance_kw
        bought = on & ~scene.surplus
        reasons: list[Reason] = []
        if bought.any():
            reasons.append(
                {
                    "code": "cheapest_steps",
                    "steps": scene.steps(bought),
                    "mean_price": round(float(price[bought].mean()), 5),
                    "window_mean_price": round(float(price.mean()), 5),
                }
            )
        for k, steps in sorted(_needed_by(store, plan, on, scene.problem.step_hours).items()):
            reasons.append({"code": "comfort", "needed_by": k, "steps": steps})
        if (on & scene.surplus).any():
            reasons.append({"code": "pv_surplus", "steps": scene.steps(on & scene.surplus)})
        if (plan.shortfall_kwh or 0.0) > 1e-3 and plan.soc_kwh is not None:
            cold = plan.soc_kwh < floor_kwh(store, n) - 1e-3
            reasons.append(
                {
                    "code": "comfort_shortfall",
                    "shortfall_kwh": round(plan.shortfall_kwh or 0.0, 4),
                    "steps": scene.steps(cold),
                }
            )
        return reasons

    def ceiling(self, problem: ProblemView, store: ThermalStorage, planned: FloatArray) -> FloatArray:
        return np.full(problem.steps, store.max_kw)

    def size(self, store: ThermalStorage, steps: int) -> int:
        return steps * (12 + len(store.phases))


KIND = ThermalKind()
