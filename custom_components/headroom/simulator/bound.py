"""The bound: the least comparison cost any policy could reach on a scenario's days.

The whole simulated period is one linear program on the realised values (the house's load, the
PV, the prices, the cars' stays, the showers) at the simulator's own tick, so no policy, whatever
it knows, can do better. It is a *relaxation* of the simulated home, so it stays a lower bound:

- the battery, the cars and the water heater take any power within their limits (no minimum
  charge current, no on/off, no ramp), the battery with the simulator's efficiency both ways;
- an appliance's run may be spread over its possible starts in its window (a mix of starts);
- the phases are summed: import stays within the phases' fuses at the trip threshold
  (``FUSE_TRIP_FACTOR``), exports within the export limit, PV may be spilled;
- in an outage nothing is imported or exported; what the battery and PV cannot cover is
  energy not served.

It is valued as ``accounting.Outcome`` values a run (the same stated prices), so
``capture = (bau - policy) / (bau - bound)`` compares like with like. Its one assumption against
the simulated physics: it never trips the fuse, which the stated trip price makes dearer than
anything a tick above the fuse could save.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from ..planner.lp import BINARY, FloatArray, IntArray, LinearProgram
from .accounting import WATER_KJ_PER_L_K, Accounting, accounting_for, heat_kwh, ticks
from .models import Appliance, Visit, WaterHeater
from .scenario import FUSE_TRIP_FACTOR, Home, Scenario


@dataclass(frozen=True, kw_only=True)
class Window:
    """One day's window for an appliance's run: starts in [first, last] (ticks), ``required``
    when the whole window lies in the accounted days."""

    first: int
    last: int
    required: bool


@dataclass(frozen=True, kw_only=True)
class Bound:
    """The bound's comparison cost, its energy cost and the prices it was valued at."""

    cost: float
    energy_cost: float
    accounting: Accounting
    status: str
    seconds: float


def appliance_windows(
    appliance: Appliance, scenario: Scenario, moments: list[datetime]
) -> list[tuple[datetime, datetime, bool]]:
    """Each local day's window [earliest, latest finish) for ``appliance`` that opens inside the
    accounted ticks, and whether it closes inside them too (then a run is due)."""
    if not moments:
        return []
    end = moments[-1] + (moments[1] - moments[0] if len(moments) > 1 else timedelta(minutes=5))
    first_day = moments[0].astimezone(scenario.tz).date()
    last_day = moments[-1].astimezone(scenario.tz).date()
    out = []
    day = first_day
    while day <= last_day:
        opens = datetime.combine(day, appliance.earliest, scenario.tz)
        closes = datetime.combine(day, appliance.latest_finish, scenario.tz)
        if closes <= opens:
            closes += timedelta(days=1)
        if opens >= moments[0] and opens < end:
            out.append((opens, closes, closes <= end))
        day += timedelta(days=1)
    return out


class _Builder:
    """The program, a block of variables per part of the home, and its valuation."""

    def __init__(self, scenario: Scenario, days: float) -> None:
        self.sc = scenario
        self.home: Home = scenario.build()
        self.moments = ticks(scenario.start, days, scenario.tick_minutes)
        self.n = len(self.moments)
        self.dt = scenario.tick_minutes / 60.0
        self.acc = accounting_for(scenario, days)
        self.lp = LinearProgram()
        self.price = np.array([scenario.import_price(m) for m in self.moments])
        self.export_price = np.array([scenario.export_price(m) for m in self.moments])
        locals_ = [m.astimezone(scenario.tz) for m in self.moments]
        self.up = np.array(
            [self.home.grid.available(m, loc) for m, loc in zip(self.moments, locals_, strict=True)]
        )
        self.base = np.array([self.home.base.kw(loc) for loc in locals_])
        self.pv = np.array([self.home.pv_kw(m) for m in self.moments])
        self.locals = locals_
        # Per tick: (columns, coefficients) drawn from the AC bus (+) on top of the base load.
        self.draws: list[tuple[IntArray, IntArray, FloatArray]] = []
        self.constant_stored = 0.0
        # The columns whose values are energy held at the end, and kWh per unit of each.
        self.stored: list[tuple[IntArray, FloatArray]] = []
        # Stored energy gained whatever the program does (an undriven water heater's), kWh.
        self.fixed_stored_gain = 0.0

    def draw(self, t: IntArray, cols: IntArray, coef: FloatArray) -> None:
        self.draws.append(
            (np.asarray(t, dtype=np.int64), np.asarray(cols, dtype=np.int64), np.asarray(coef, dtype=float))
        )

    # ---------------------------------------------------------------- parts

    def grid(self) -> tuple[IntArray, IntArray, IntArray]:
        g = self.home.grid
        limit = g.phases * g.phase_rating_kw * FUSE_TRIP_FACTOR
        up = self.up.astype(float)
        imp = self.lp.add_vars(self.n, 0.0, limit * up, self.price * self.dt)
        exp = self.lp.add_vars(self.n, 0.0, self.sc.export_limit_kw * up, -self.export_price * self.dt)
        unserved = self.lp.add_vars(self.n, 0.0, np.where(self.up, 0.0, np.inf), 0.0)
        self.lp.add_cost(unserved, self.acc.value_of_lost_load * self.dt)
        # One meter: a tick imports or exports, never both. Only where export pays more than
        # import would the program do both at once, so only there it takes a binary.
        both = np.nonzero(self.up & (self.export_price > self.price))[0]
        if len(both):
            k = len(both)
            importing = self.lp.add_vars(k, 0.0, 1.0, 0.0, BINARY)
            rows = np.arange(k)
            self.lp.add_rows(
                k,
                np.r_[rows, rows],
                np.r_[imp[both], importing],
                np.r_[np.ones(k), -limit * np.ones(k)],
                ub=0.0,
            )
            export_kw = self.sc.export_limit_kw
            self.lp.add_rows(
                k,
                np.r_[rows, rows],
                np.r_[exp[both], importing],
                np.r_[np.ones(k), export_kw * np.ones(k)],
                ub=export_kw,
            )
        return imp, exp, unserved

    def battery(self) -> None:
        b = self.home.battery
        if b is None:
            return
        n, dt, lp = self.n, self.dt, self.lp
        charge = lp.add_vars(n, 0.0, b.max_charge_kw)
        discharge = lp.add_vars(n, 0.0, b.max_discharge_kw)
        soc = lp.add_vars(n, b.min_soc_kwh, b.capacity_kwh)  # SoC after each tick
        rows = np.arange(n)
        # soc_t - soc_{t-1} - eff dt charge_t + dt/eff discharge_t = 0 (soc_{-1} the start)
        cols = [soc, charge, discharge]
        vals = [np.ones(n), -b.efficiency * dt * np.ones(n), dt / b.efficiency * np.ones(n)]
        rhs = np.zeros(n)
        rhs[0] = b.soc_kwh
        lp.add_rows(
            n,
            np.r_[rows, rows, rows, rows[1:]],
            np.r_[*cols, soc[:-1]],
            np.r_[*vals, -np.ones(n - 1)],
            lb=rhs,
            ub=rhs,
        )
        # The start's SoC is above the reserve the simulator keeps: the end is valued against it.
        lp.add_cost(soc[-1:], -self.acc.stored_per_kwh)
        self.stored.append((soc[-1:], np.ones(1)))
        self.constant_stored += b.soc_kwh
        self.draw(rows, charge, np.ones(n))
        self.draw(rows, discharge, -np.ones(n))

    def chargers(self) -> None:
        for charger in self.home.chargers:
            max_kw = charger.kw(charger.max_a)
            for visit in charger.visits:
                self._visit(visit, max_kw, charger.car_capacity_kwh)

    def _visit(self, visit: Visit, max_kw: float, capacity_kwh: float) -> None:
        present = np.array([visit.arrival <= m < visit.departure for m in self.moments])
        t = np.nonzero(present & self.up)[0]
        if not present.any():
            return
        needed = max(0.0, (visit.target_soc - visit.arrival_soc) / 100.0 * capacity_kwh)
        departs = bool(self.moments[-1] >= visit.departure)
        power = self.lp.add_vars(len(t), 0.0, max_kw)
        self.lp.add_rows(1, np.zeros(len(t)), power, self.dt, ub=needed)
        if departs:
            # shortfall >= needed - delivered
            short = self.lp.add_vars(1, 0.0, np.inf, self.acc.shortfall_per_kwh)
            self.lp.add_rows(
                1, np.zeros(len(t) + 1), np.r_[power, short], np.r_[[self.dt] * len(t), 1.0], lb=needed
            )
        else:
            self.lp.add_cost(power, -self.acc.stored_per_kwh * self.dt)
            self.stored.append((power, np.full(len(t), self.dt)))
        self.draw(t, power, np.ones(len(t)))

    def appliances(self) -> None:
        tick = self.sc.tick_minutes
        for appliance in self.home.appliances:
            profile = appliance.profile_kw  # per 5 minutes
            length = max(1, round(appliance.minutes / tick))
            shape = np.array([profile[min(int(k * tick // 5), len(profile) - 1)] for k in range(length)])
            energy = float(shape.sum() * self.dt)
            for opens, closes, required in appliance_windows(appliance, self.sc, self.moments):
                first = self._index(opens, up=True)
                last = self._index(closes - timedelta(minutes=appliance.minutes), up=False)
                starts: IntArray = np.arange(first, max(first, last) + 1, dtype=np.int64)
                starts = starts[starts < self.n]
                if not len(starts):
                    continue
                weight = self.lp.add_vars(len(starts), 0.0, 1.0)
                missed = self.lp.add_vars(
                    1, 0.0, 1.0, energy * self.acc.missed_run_per_kwh if required else 0.0
                )
                self.lp.add_rows(1, np.zeros(len(starts) + 1), np.r_[weight, missed], 1.0, lb=1.0, ub=1.0)
                for k, kw in enumerate(shape):
                    at = starts + k
                    keep = at < self.n
                    self.draw(at[keep], weight[keep], kw * np.ones(int(keep.sum())))

    def water_heater(self) -> None:
        heater = self.home.water_heater
        if heater is None:
            return
        if not heater.driven:
            # Its own thermostat, whatever the policy does: a load like the house's, and the heat it
            # holds at the end the same for every policy.
            copy = dataclasses.replace(heater)
            self.base = self.base + np.array([copy.step(loc, self.dt) for loc in self.locals])
            self.fixed_stored_gain += heat_kwh(copy.litres, copy.temperature_c, heater.temperature_c)
            return
        self._driven_heater(heater)

    def _driven_heater(self, heater: WaterHeater) -> None:
        n, dt, lp = self.n, self.dt, self.lp
        gain = dt * 3600 / (WATER_KJ_PER_L_K * heater.litres)  # kelvin per kW over a tick
        power = lp.add_vars(n, 0.0, heater.power_kw)
        temp = lp.add_vars(n, -np.inf, heater.max_c + heater.power_kw * gain)  # after each tick
        share = np.array(
            [
                heater.shower_litres / heater.litres if (loc.hour, loc.minute // 5) in heater.SHOWERS else 0.0
                for loc in self.locals
            ]
        )
        # T_t = (1 - share_t) T_{t-1} + share_t cold - loss dt + gain power_t
        rows = np.arange(n)
        rhs = share * heater.COLD_WATER_C - heater.LOSS_C_PER_HOUR * dt
        rhs[0] += (1 - share[0]) * heater.temperature_c
        lp.add_rows(
            n,
            np.r_[rows, rows, rows[1:]],
            np.r_[temp, power, temp[:-1]],
            np.r_[np.ones(n), -gain * np.ones(n), -(1 - share[1:])],
            lb=rhs,
            ub=rhs,
        )
        # A shower below comfort is cold: cold >= (comfort - T before it) / comfort.
        showers = np.nonzero(share)[0]
        if len(showers):
            cold = lp.add_vars(len(showers), 0.0, np.inf, self.acc.cold_shower)
            for i, s in enumerate(showers):
                if s == 0:
                    lb = heater.comfort_c - heater.temperature_c
                    lp.add_rows(1, [0], [cold[i]], [heater.comfort_c], lb=lb)
                else:
                    lp.add_rows(
                        1, [0, 0], [cold[i], temp[s - 1]], [heater.comfort_c, 1.0], lb=heater.comfort_c
                    )
        per_kelvin = heat_kwh(heater.litres, 1.0, 0.0)
        lp.add_cost(temp[-1:], -self.acc.stored_per_kwh * per_kelvin)
        self.stored.append((temp[-1:], np.full(1, per_kelvin)))
        self.constant_stored += heater.temperature_c * per_kelvin
        self.draw(rows, power, np.ones(n))

    def _index(self, moment: datetime, *, up: bool) -> int:
        """The tick at (or after, ``up``; else before) ``moment``."""
        position = (moment - self.moments[0]).total_seconds() / 60 / self.sc.tick_minutes
        return max(0, int(np.ceil(position - 1e-9) if up else np.floor(position + 1e-9)))

    def pin_stored_gain(self, gain_kwh: float) -> None:
        """The energy held at the end, less that held at the start, is exactly ``gain_kwh``."""
        if not self.stored:
            return
        cols = np.concatenate([c for c, _ in self.stored])
        kwh = np.concatenate([k for _, k in self.stored])
        total = gain_kwh + self.constant_stored - self.fixed_stored_gain
        self.lp.add_rows(1, np.zeros(len(cols), dtype=np.int64), cols, kwh, lb=total, ub=total)

    # ---------------------------------------------------------------- balance and solve

    def balance(self, imp: IntArray, exp: IntArray, unserved: IntArray) -> None:
        """Per tick: import - export + unserved + PV used = base + what the parts draw."""
        n, lp = self.n, self.lp
        pv_used = lp.add_vars(n, 0.0, self.pv)
        cols: list[IntArray] = [imp, exp, unserved, pv_used]
        rows_l: list[IntArray] = [np.arange(n, dtype=np.int64) for _ in cols]
        vals_l: list[FloatArray] = [np.full(n, v) for v in (1.0, -1.0, 1.0, 1.0)]
        for t, c, coef in self.draws:
            rows_l.append(t)
            cols.append(c)
            vals_l.append(-coef)
        lp.add_rows(
            n,
            np.concatenate(rows_l),
            np.concatenate(cols),
            np.concatenate(vals_l),
            lb=self.base,
            ub=self.base,
        )


def bound(
    scenario: Scenario, days: float, *, time_limit: float = 120.0, stored_gain_kwh: float | None = None
) -> Bound:
    """The least comparison cost over ``days`` of ``scenario`` (see the module's docstring).

    ``stored_gain_kwh`` (a diagnosis, not the bound): the least cost of ending the days with exactly
    that much more energy held than at the start (a policy's ``Outcome.stored_gain_kwh``). The
    bound's difference to it is what the days' end is worth to perfect foresight (stored energy is
    valued at the stated price, above the cheapest hours' price), which no rolling plan, however
    good, can see; what is left is the policy's own loss against the same end.
    """
    b = _Builder(scenario, days)
    imp, exp, unserved = b.grid()
    b.battery()
    b.chargers()
    b.appliances()
    b.water_heater()
    b.balance(imp, exp, unserved)
    if stored_gain_kwh is not None:
        b.pin_stored_gain(stored_gain_kwh)
    result = b.lp.solve(time_limit)
    if result.x is None:
        raise RuntimeError(f"the bound has no solution: {result.status} ({result.message})")
    x = result.x
    energy = float(np.dot(x[imp], b.price * b.dt) - np.dot(x[exp], b.export_price * b.dt))
    cost = result.objective + (b.constant_stored - b.fixed_stored_gain) * b.acc.stored_per_kwh
    return Bound(
        cost=cost, energy_cost=energy, accounting=b.acc, status=result.status, seconds=result.seconds
    )
