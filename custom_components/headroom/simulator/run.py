"""Closed loop: the simulated home ticks on, a policy chooses the commands every tick.

- ``bau``: business as usual. Cars charge at full power when plugged in, appliances start
  when their window opens, the battery runs self-consumption.
- ``headroom``: the real planner, replanning every ``replan_minutes`` (and when a car comes
  or goes) on forecasts that differ from what then happens by ``forecast_error``; between
  plans it follows the current step and cuts the chargers when the fuse is at stake, as the
  integration's controller does.
- ``oracle``: the same planner with perfect foresight, the lower bound on cost.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np

from ..planner import Appliance as PlannedAppliance
from ..planner import Battery as PlannedBattery
from ..planner import Ev, Plan, Problem, Site, Tariff, solve
from ..planner.units import charger_amps
from .models import Charger, WaterHeater
from .scenario import Home, Scenario

Policy = Literal["bau", "headroom", "oracle"]


@dataclass
class Result:
    policy: str
    days: float
    cost: float = 0.0
    import_kwh: float = 0.0
    export_kwh: float = 0.0
    peak_kw: float = 0.0
    fuse_trips: int = 0
    ev_goals_met: int = 0
    ev_goals: int = 0
    appliance_runs: int = 0
    outage_minutes: int = 0
    outage_minutes_covered: int = 0
    unserved_kwh: float = 0.0
    value_of_lost_load: float = 0.0
    solves: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total_cost(self) -> float:
        """Energy cost plus energy not served (outages, a tripped fuse) at the value of lost load."""
        return self.cost + self.unserved_kwh * self.value_of_lost_load

    def table(self) -> dict[str, Any]:
        return {
            "energy cost": round(self.cost, 2), "unserved kWh": round(self.unserved_kwh, 1),
            "cost incl. unserved": round(self.total_cost, 2), "import kWh": round(self.import_kwh, 1),
            "export kWh": round(self.export_kwh, 1), "peak kW": round(self.peak_kw, 2),
            "fuse trips": self.fuse_trips, "EV goals met": f"{self.ev_goals_met}/{self.ev_goals}",
            "appliance runs": self.appliance_runs,
            "outage minutes covered": f"{self.outage_minutes_covered}/{self.outage_minutes}",
        }


class _Bau:
    def act(self, now: datetime, home: Home, sim: Simulation) -> None:
        for charger in home.chargers:
            charger.allowed_a = charger.max_a
        for appliance in home.appliances:
            local = now.astimezone(home.scenario.tz)
            if local.time() >= appliance.earliest and not sim.ran_today(appliance, local):
                appliance.start(now)
        if home.battery is not None:
            home.battery.mode = "self_consumption"


class _Planner:
    """Plans like the integration: a Problem from what is known now, solved, then followed."""

    def __init__(self, scenario: Scenario, error: float, seed: int) -> None:
        self.scenario = scenario
        self.error = error
        self.seed = seed
        self.plan: Plan | None = None
        self.problem: Problem | None = None
        self.planned_at: datetime | None = None
        self.plugged: tuple[bool, ...] = ()
        self.solves = 0
        self.statuses: dict[str, int] = {}

    # -------------------------------------------------------------- forecasting

    def _noise(self, key: str) -> float:
        if self.error <= 0:
            return 0.0
        return random.Random(f"{self.seed}-{key}").gauss(0.0, self.error)

    def _problem(self, now: datetime, home: Home, sim: Simulation) -> Problem:
        sc = self.scenario
        step = timedelta(minutes=sc.plan_step_minutes)
        steps = sc.horizon_hours * 60 // sc.plan_step_minutes
        start = now
        times = [start + t * step for t in range(steps)]
        # Forecasts: the truth, plus seeded error per hour (none for the oracle).
        heater = dataclasses.replace(home.water_heater) if home.water_heater else None
        base, pv = np.zeros(steps), np.zeros(steps)
        for t, moment in enumerate(times):
            hour_key = moment.strftime("%Y%m%d%H")
            truth = 0.0
            for k in range(sc.plan_step_minutes // sc.tick_minutes):
                sub = moment + timedelta(minutes=k * sc.tick_minutes)
                truth += home.base.kw(sub.astimezone(sc.tz)) if self.error <= 0 else \
                    home.base.expected_kw(sub.astimezone(sc.tz))
                truth += _heater_step(heater, sub.astimezone(sc.tz), sc.tick_minutes / 60)
            base[t] = max(truth / (sc.plan_step_minutes // sc.tick_minutes) * (1 + self._noise(f"b{hour_key}")), 0.0)
            pv[t] = max(sim.pv_mean(home, moment, sc.plan_step_minutes) * (1 + self._noise(f"p{hour_key}")), 0.0)
        limit = np.full(steps, sc.import_limit_kw)
        export = np.full(steps, sc.export_limit_kw)
        for t, moment in enumerate(times):
            clock = moment.astimezone(sc.tz).time()
            if any(a <= clock < b for a, b in home.grid.outages):
                limit[t] = export[t] = 0.0
                base[t] = min(base[t], home.battery.max_discharge_kw if home.battery else 0.0)
                pv[t] = min(pv[t], base[t] + (home.battery.max_charge_kw if home.battery else 0.0))
        devices: list[Any] = []
        for charger in home.chargers:
            devices += self._sessions(charger, start, steps, step)
        if home.battery is not None:
            b = home.battery
            devices.append(PlannedBattery(
                id="battery", capacity_kwh=b.capacity_kwh, soc_kwh=max(b.soc_kwh, b.min_soc_kwh),
                min_soc_kwh=b.min_soc_kwh, max_soc_kwh=b.capacity_kwh, max_charge_kw=b.max_charge_kw,
                max_discharge_kw=b.max_discharge_kw, charge_efficiency=b.efficiency,
                discharge_efficiency=b.efficiency))
        for appliance in home.appliances:
            planned = self._appliance(appliance, now, home, sim, start, steps, step)
            if planned is not None:
                devices.append(planned)
        prices = np.array([sc.import_price(m) for m in times])
        return Problem(
            start=start, step_minutes=sc.plan_step_minutes, steps=steps,
            site=Site(import_limit_kw=limit, export_limit_kw=export),
            tariff=Tariff(import_price=prices, export_price=np.array([sc.export_price(m) for m in times])),
            base_load_kw=base, pv_kw=pv, devices=tuple(devices))

    def _sessions(self, charger: Charger, start: datetime, steps: int, step: timedelta) -> list[Ev]:
        out: list[Ev] = []
        max_kw, min_kw = charger.kw(charger.max_a), charger.kw(charger.min_a)
        end = start + steps * step

        def index(moment: datetime) -> int:
            return max(0, min(steps, int(-(-(moment - start).total_seconds() // step.total_seconds()))))

        if charger.visit is not None:
            # Planned to be done a step early: a car starts drawing a tick after it is allowed to.
            out.append(Ev(id=f"{charger.name}#now", arrival=0,
                          departure=max(index(charger.visit.departure) - 1, 1),
                          energy_kwh=charger.needed_kwh, max_kw=max_kw, min_kw=min_kw, phases=(1, 2, 3),
                          power_now_kw=charger.power_kw))
        for visit in charger.visits:
            if visit.arrival >= end:
                break
            key = f"{charger.name}{visit.arrival.isoformat()}"
            shift = timedelta(minutes=round(self._noise("a" + key) * 120))
            soc = min(100.0, max(0.0, visit.arrival_soc + self._noise("s" + key) * 20))
            arrival = index(visit.arrival + shift)
            if arrival >= steps:
                continue
            energy = max(0.0, (visit.target_soc - soc) / 100 * charger.car_capacity_kwh)
            out.append(Ev(id=f"{charger.name}#{visit.arrival.isoformat()}", arrival=arrival,
                          departure=max(index(visit.departure), arrival + 1), energy_kwh=energy, max_kw=max_kw,
                          min_kw=min_kw, phases=(1, 2, 3)))
        return out

    def _appliance(self, appliance: Any, now: datetime, home: Home, sim: Simulation, start: datetime, steps: int,
                   step: timedelta) -> PlannedAppliance | None:
        sc = self.scenario
        per_step = sc.plan_step_minutes // 5
        profile = np.array([float(np.mean(appliance.profile_kw[k:k + per_step]))
                            for k in range(0, len(appliance.profile_kw), per_step)])
        if appliance.running(now):
            done = int((now - appliance.started).total_seconds() // step.total_seconds())
            return PlannedAppliance(id=appliance.name, profile_kw=profile[done:] if done < len(profile) else profile[-1:],
                                    windows=((0, 1),), started_step=0)
        # The window that is open or opens next and in which it has not run yet.
        local = now.astimezone(sc.tz)
        for offset in (-1, 0, 1, 2):
            day = local.date() + timedelta(days=offset)
            opens = datetime.combine(day, appliance.earliest, sc.tz)
            closes = datetime.combine(day, appliance.latest_finish, sc.tz)
            if closes <= opens:
                closes += timedelta(days=1)
            ran = appliance.started is not None and appliance.started >= opens
            if closes - timedelta(minutes=appliance.minutes) >= now and not ran:
                break
        else:
            return None
        first = max(0, int(-(-(opens - start).total_seconds() // step.total_seconds())))
        end = int((closes - start).total_seconds() // step.total_seconds())
        if end - first < len(profile) or first >= steps:
            return None
        return PlannedAppliance(id=appliance.name, profile_kw=profile, windows=((first, min(end, steps + len(profile))),))

    # -------------------------------------------------------------- following the plan

    def act(self, now: datetime, home: Home, sim: Simulation) -> None:
        sc = self.scenario
        plugged = tuple(c.visit is not None for c in home.chargers)
        due = self.planned_at is None or now - self.planned_at >= timedelta(minutes=sc.replan_minutes)
        if (due or plugged != self.plugged) and now.minute % sc.plan_step_minutes == 0:
            self.problem = self._problem(now, home, sim)
            self.plan = solve(self.problem, time_limit=10.0)
            self.planned_at, self.plugged = now, plugged
            self.solves += 1
            self.statuses[self.plan.status] = self.statuses.get(self.plan.status, 0) + 1
        if self.plan is None or self.problem is None:
            return
        t = min(int((now - self.problem.start).total_seconds() // (sc.plan_step_minutes * 60)), self.problem.steps - 1)
        local = now.astimezone(sc.tz)
        for appliance in home.appliances:
            planned_app = self.plan.devices.get(appliance.name)
            if planned_app is not None and planned_app.start == t and planned_app.start is not None \
                    and not appliance.running(now):
                appliance.start(now)
        # The other loads as measured now: what the chargers and a grid-charging battery may
        # have without the fuse at risk (the controller's fast path).
        other = (home.base.kw(local) + sim.heater_kw + sum(a.power_at(now) for a in home.appliances)
                 - home.pv_kw(now))
        battery_plan = self.plan.devices.get("battery")
        forced_charge = 0.0
        if home.battery is not None and battery_plan is not None and battery_plan.mode is not None:
            home.battery.mode = battery_plan.mode[t]
            home.battery.setpoint_kw = float(battery_plan.power_kw[t])
            expected = home.battery.power_for(other, sc.tick_minutes / 60)
            if home.battery.mode == "forced_charge":
                forced_charge = max(expected, 0.0)
            else:
                other += expected
        room = sc.import_limit_kw - other - forced_charge
        for charger in home.chargers:
            planned = next((d.power_kw[t] for key, d in self.plan.devices.items()
                            if key == f"{charger.name}#now"), 0.0)
            target = min(float(planned), max(room, 0.0)) if charger.visit is not None else 0.0
            amps = charger_amps(target, charger.phases, charger.min_a, charger.max_a)
            # At least the planned power where the fuse allows the next amp: a plan's kW rarely
            # fall on whole amps, and rounding down every step would leave the car short.
            if 0 < amps < charger.max_a and charger.kw(amps) < target - 1e-6 and charger.kw(amps + 1) <= room:
                amps += 1
            charger.allowed_a = amps
            room -= charger.kw(charger.allowed_a)
        if forced_charge > 0 and home.battery is not None:
            home.battery.setpoint_kw = max(min(forced_charge, room + forced_charge), 0.0)


def _heater_step(heater: WaterHeater | None, local: datetime, dt_h: float) -> float:
    return heater.step(local, dt_h) if heater is not None else 0.0


class Simulation:
    def __init__(self, scenario: Scenario, policy: Policy, forecast_error: float | None = None) -> None:
        self.scenario = scenario
        self.home = scenario.build()
        self.policy_name = policy
        error = scenario.forecast_error if forecast_error is None else forecast_error
        self.policy: _Bau | _Planner = _Bau() if policy == "bau" else _Planner(
            scenario, 0.0 if policy == "oracle" else error, scenario.seed)
        self.heater_kw = 0.0
        self._pv_cache: dict[datetime, float] = {}

    def pv_mean(self, home: Home, moment: datetime, minutes: int) -> float:
        ticks = minutes // self.scenario.tick_minutes
        return sum(self.pv_at(home, moment + timedelta(minutes=k * self.scenario.tick_minutes))
                   for k in range(ticks)) / ticks

    def pv_at(self, home: Home, moment: datetime) -> float:
        if moment not in self._pv_cache:
            self._pv_cache[moment] = home.pv_kw(moment)
        return self._pv_cache[moment]

    @staticmethod
    def ran_today(appliance: Any, local: datetime) -> bool:
        started = appliance.started
        return started is not None and started.astimezone(local.tzinfo).date() == local.date()

    def run(self, days: float, record: bool = False) -> Result:
        sc, home = self.scenario, self.home
        dt_h = sc.tick_minutes / 60
        result = Result(policy=self.policy_name, days=days,
                        value_of_lost_load=float(sc.data.get("value_of_lost_load", 0.0)))
        now = sc.start
        end = sc.start + timedelta(days=days)
        while now < end:
            local = now.astimezone(sc.tz)
            for charger in home.chargers:
                charger.arrive_and_leave(now)
            self.heater_kw = _heater_step(home.water_heater, local, dt_h)
            self.policy.act(now, home, self)
            for charger in home.chargers:
                charger.step(dt_h)
            tick = home.settle(now, dt_h, self.heater_kw, self.pv_at(home, now))
            if not tick.grid_up:
                result.outage_minutes += sc.tick_minutes
                if tick.unserved > 1e-6:
                    result.unserved_kwh += tick.unserved * dt_h
                else:
                    result.outage_minutes_covered += sc.tick_minutes
            imp, exp = max(tick.grid, 0.0), min(max(-tick.grid, 0.0), sc.export_limit_kw)
            price, export_price = sc.import_price(now), sc.export_price(now)
            result.cost += (imp * price - exp * export_price) * dt_h
            result.import_kwh += imp * dt_h
            result.export_kwh += exp * dt_h
            result.peak_kw = max(result.peak_kw, imp)
            if record:
                result.rows.append({
                    "time": local.isoformat(), "price": price, "pv_kw": round(tick.pv, 3),
                    "house_kw": round(tick.house, 3), "ev_kw": round(tick.evs, 3), "battery_kw": round(tick.battery, 3),
                    "battery_soc_kwh": round(home.battery.soc_kwh, 3) if home.battery else None,
                    "grid_kw": round(tick.grid, 3), "grid_up": tick.grid_up,
                })
            now += timedelta(minutes=sc.tick_minutes)
        result.fuse_trips = home.grid.trips
        for charger in home.chargers:
            result.ev_goals_met += charger.goals_met
            result.ev_goals += charger.goals_met + charger.goals_missed
        result.appliance_runs = sum(a.runs for a in home.appliances)
        result.solves = self.policy.solves if isinstance(self.policy, _Planner) else 0
        return result


def run(scenario: Scenario, policy: Policy, days: float, *, forecast_error: float | None = None,
        record: bool = False) -> Result:
    return Simulation(scenario, policy, forecast_error).run(days, record)


def compare(scenario: Scenario, days: float, *, forecast_error: float | None = None) -> dict[str, Any]:
    """All three policies on the same days; the saving and the capture ratio
    ((cost_bau - cost_headroom) / (cost_bau - cost_oracle)), on cost including unserved energy."""
    results = {p: run(scenario, p, days, forecast_error=forecast_error) for p in ("bau", "headroom", "oracle")}
    bau, headroom, oracle = (results[p].total_cost for p in ("bau", "headroom", "oracle"))
    possible = bau - oracle
    return {"results": results, "saving": bau - headroom,
            "capture_ratio": (bau - headroom) / possible if abs(possible) > 1e-9 else 1.0}
