"""Closed loop: the simulated home ticks on, a policy chooses the commands every tick.

- ``bau``: business as usual. Cars charge at full power when plugged in, appliances start
  when their window opens, the battery runs self-consumption.
- ``headroom``: the integration's own policy (``policy/``) and planner: it replans every
  ``replan_minutes`` (and when a car comes or goes, or after a fuse cut) on forecasts that differ
  from what then happens by ``forecast_error``, applies the plan's step as it comes, cuts loads
  when the meter (total or any phase) shows more than the limit and holds them there until the
  meter shows room, calling the same policy functions in the same order as the integration's
  controller does.

Each run is valued at the fair accounting's stated prices (``accounting.py``) and compared with
the bound (``bound.py``): the whole period as one perfect-foresight linear program, a true lower
bound on what any policy could reach. Headroom on perfect forecasts is ``forecast_error=0``.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from ..planner import Plan, Problem, solve
from ..planner.limits import LIMIT_TOLERANCE_KW
from ..policy import appliance as appliance_policy
from ..policy.decide import Excess, drawing_now, excess_at, fuse_cut, held, setpoints
from ..policy.intents import EvGoal, Intents
from ..policy.problem import PreviousPlan, build_problem, timeline_for
from ..policy.readings import ApplianceReading, Forecasts, Readings
from ..policy.setpoints import Setpoint, paced
from ..policy.timeline import Timeline
from . import coordination, sensors
from .accounting import Outcome, accounting_for, heat_kwh, ticks
from .bound import appliance_windows
from .bound import bound as lower_bound
from .models import WaterHeater, on_phases
from .scenario import Faults, Flows, Home, Scenario, Tick

Policy = Literal["bau", "headroom", "central", "price_follow", "negotiated", "signals"]
# Seed 000's ways of sharing the connection (``coordination.py``); ``central`` is Headroom.
COORDINATION_POLICIES = ("bau", "price_follow", "negotiated", "signals", "central")


@dataclass
class Result:
    """One simulated run's outcome: energy cost, import and export (kWh), peak (kW), fuse trips, EV goals
    met, the energy the cars lacked at their departures (kWh) and the largest shortfall (SoC %),
    appliance runs, cold showers, outage minutes covered, energy not served (kWh), and the per-tick rows
    when recorded. Per phase: the highest current (A), the ticks with a phase above its fuse, and of
    those the ticks where a load Headroom could lower (a car, a battery charging, a driven water heater)
    still drew on that phase. For Headroom: the fuse cuts and the plan statuses."""

    policy: str
    days: float
    cost: float = 0.0
    import_kwh: float = 0.0
    export_kwh: float = 0.0
    peak_kw: float = 0.0
    fuse_trips: int = 0
    ev_goals_met: int = 0
    ev_goals: int = 0
    ev_short_kwh: float = 0.0
    ev_worst_short_percent: float = 0.0
    appliance_runs: int = 0
    showers: int = 0
    cold_showers: int = 0
    outage_minutes: int = 0
    outage_minutes_covered: int = 0
    unserved_kwh: float = 0.0
    value_of_lost_load: float = 0.0
    solves: int = 0
    peak_phase_a: float = 0.0
    over_fuse_ticks: int = 0
    over_fuse_ticks_with_loads: int = 0
    cuts: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    # What the energy bill does not say, and the comparison cost at the stated prices.
    outcome: Outcome | None = None
    fair_cost: float = 0.0
    cpu_seconds: float = 0.0
    # Time with the import above the limit of the moment (the connection's, or a grid request's)
    # or a phase above its fuse, while the grid was up; and the appliance runs that were due.
    seconds_over_limit: int = 0
    appliance_goals: int = 0

    @property
    def goals_met(self) -> int:
        """Energy goals met: cars full enough at departure, and appliance runs done when due."""
        missed = self.outcome.missed_runs if self.outcome is not None else 0
        return self.ev_goals_met + self.appliance_goals - missed

    @property
    def goals_total(self) -> int:
        return self.ev_goals + self.appliance_goals

    @property
    def total_cost(self) -> float:
        """Energy cost plus energy not served (outages, a tripped fuse) at the value of lost load."""
        return self.cost + self.unserved_kwh * self.value_of_lost_load

    def table(self) -> dict[str, Any]:
        return {
            "energy cost": round(self.cost, 2),
            "unserved kWh": round(self.unserved_kwh, 1),
            "cost incl. unserved": round(self.total_cost, 2),
            "import kWh": round(self.import_kwh, 1),
            "export kWh": round(self.export_kwh, 1),
            "peak kW": round(self.peak_kw, 2),
            "fuse trips": self.fuse_trips,
            "peak phase A": round(self.peak_phase_a, 1),
            "ticks over a phase fuse": self.over_fuse_ticks,
            "comparison cost": round(self.fair_cost, 2),
            "EV goals met": f"{self.ev_goals_met}/{self.ev_goals}",
            "EV short kWh": round(self.ev_short_kwh, 1),
            "appliance runs": self.appliance_runs,
            "cold showers": f"{self.cold_showers}/{self.showers}",
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
        if home.water_heater is not None:
            # Its own thermostat, as it works without Headroom.
            home.water_heater.command_on = home.water_heater.temperature_c < (
                home.water_heater.setpoint_c - home.water_heater.band_c
            ) or (
                home.water_heater.heating and home.water_heater.temperature_c < home.water_heater.setpoint_c
            )


@dataclass(frozen=True)
class Decision:
    """One application of the plan: what the sensors read, what was forecast (when it replanned),
    the goals it planned for, and the setpoints the policy chose."""

    readings: Readings
    forecasts: Forecasts | None
    setpoints: list[Setpoint]
    goals: dict[str, EvGoal]


class _Headroom:
    """Headroom's own decisions in closed loop: every cycle the policy builds the Problem from what
    the home's sensors read and its forecasters say, the planner solves it, and the policy's
    setpoints drive the devices; at every tick the meter is read as the controller reads it: over
    the limit (total or a phase), the policy's fuse cut, and the cut devices held at their level
    until the meter shows room. Nothing here decides: it reads, calls ``policy/``, and applies."""

    # Whether something watches the meter and cuts: Headroom does; self-planning devices do not.
    defends_fuse = True

    def __init__(
        self,
        scenario: Scenario,
        home: Home,
        error: float,
        seed: int,
        sim: Simulation,
        faults: Faults | None = None,
        load_history: bool = True,
        noise_seed: int | None = None,
    ) -> None:
        self.scenario = scenario
        self.config = sensors.site_config(scenario)
        self.devices = sensors.device_configs(home)
        self.sensors = sensors.Sensors(home, faults or scenario.faults, self.config, seed)
        self.forecaster = sensors.Forecaster(
            scenario,
            error,
            seed if noise_seed is None else noise_seed,
            lambda moment: sim.pv_at(home, moment),
            load_history,
        )
        self.intents = Intents()
        self.plan: Plan | None = None
        self.problem: Problem | None = None
        self.planned_at: datetime | None = None
        self.applied_step: int | None = None
        self.plugged: tuple[bool, ...] = ()
        self.replan_wanted = False
        self.told_kw: dict[str, float] = {}
        # Devices cut for the fuse, at the level (kW) they stay at until the meter shows room.
        self.holds: dict[str, float] = {}
        self.solves = 0
        self.statuses: dict[str, int] = {}
        self.cuts = 0
        self.decisions: list[Decision] = []

    def house_kw(self, now: datetime, home: Home, sim: Simulation) -> float:
        """The house's consumption sensor as most homes have it: everything the house draws, the
        cars, appliances and water heater Headroom drives included (the policy takes them out)."""
        heater = home.water_heater
        heater_kw = sim.heater_kw if heater is not None else 0.0
        return (
            home.base.kw(now.astimezone(self.scenario.tz))
            + heater_kw
            + sum(a.power_at(now) for a in home.appliances)
            + sum(c.power_kw for c in home.chargers if c.visit is not None)
        )

    @property
    def phase_count(self) -> int:
        phases = self.problem.site.phases if self.problem is not None else None
        return phases.count if phases is not None else 1

    def act(self, now: datetime, home: Home, sim: Simulation) -> None:
        sc = self.scenario
        readings = self.sensors.read(now, self.house_kw(now, home, sim), sim.meter_preview(now, home))
        for device_id, config in self.devices.items():
            reading = readings.devices[device_id]
            if isinstance(reading, ApplianceReading):
                appliance_policy.note_started(self.intents, device_id, config.data, reading, readings.now)
        plugged = tuple(c.visit is not None for c in home.chargers)
        due = self.planned_at is None or now - self.planned_at >= timedelta(minutes=sc.replan_minutes)
        forecasts = None
        if self.replan_wanted or plugged != self.plugged or (due and now.minute % sc.plan_step_minutes == 0):
            forecasts = self._plan(readings, home)
            self.plugged, self.replan_wanted = plugged, False
        if self.plan is None or self.problem is None:
            return
        step = Timeline(self.problem.start, self.problem.step_minutes, self.problem.steps).step_of(
            readings.now
        )
        if step != self.applied_step:
            # The controller's ``async_apply``: the step's setpoints, held where a cut holds.
            self.applied_step = step
            sent = self._apply_plan(readings, home, now)
            self.decisions.append(
                Decision(
                    readings=readings, forecasts=forecasts, setpoints=sent, goals=dict(self.intents.goals)
                )
            )
        self._defend_fuse(now, home, sim, readings)

    def _plan(self, readings: Readings, home: Home) -> Forecasts:
        sensors.goals(home, self.intents)
        timeline = timeline_for(self.config, readings.now)
        sensors.outage_requests(self.scenario, home, timeline, self.intents)
        previous = None
        if self.plan is not None and self.problem is not None:
            previous = PreviousPlan(
                self.problem.start,
                self.problem.step_minutes,
                {k: [float(v) for v in d.power_kw] for k, d in self.plan.devices.items()},
            )
        forecasts = self.forecaster.forecasts(home, timeline)
        snapshot = build_problem(
            self.config, self.devices, readings, forecasts, self.intents, previous, commanded_kw=self.told_kw
        )
        self.problem, self.plan = snapshot.problem, self._solve(snapshot.problem, readings.now)
        self.planned_at, self.applied_step = readings.now, None
        self.solves += 1
        self.statuses[self.plan.status] = self.statuses.get(self.plan.status, 0) + 1
        return forecasts

    def _solve(self, problem: Problem, now: datetime) -> Plan:
        """The plan for the cycle: Headroom's own planner on the whole home."""
        return solve(problem, time_limit=10.0)

    def _excess(self, meter_kw: float | None, phase_kw: tuple[float | None, ...]) -> Excess | None:
        """The controller's ``_excess``: the meter against the current step's limit and each phase's
        fuse; None without a meter reading."""
        if self.problem is None or meter_kw is None:
            return None
        limit = float(self.problem.site.import_limit_kw[self.applied_step or 0])
        return excess_at(meter_kw, phase_kw, limit, self.problem.site.phases)

    def _apply_plan(self, readings: Readings, home: Home, now: datetime) -> list[Setpoint]:
        """The plan's current step, as the controller's ``async_apply``: a device held since a cut goes
        up only as far as the meter's room allows (``held``)."""
        assert self.problem is not None and self.plan is not None
        wanted = setpoints(self.problem, self.plan, self.devices, readings, self.devices)
        if self.holds:
            room = self._excess(readings.grid_power_kw, readings.grid_phase_kw)
            if room is None:
                self.holds.clear()  # no meter to judge by: the plan (within the limit) holds
            else:
                wanted, self.holds = held(wanted, self.holds, room, self.devices, readings, self.phase_count)
        self._apply(wanted, home, now)
        return wanted

    def _apply(self, wanted: list[Setpoint], home: Home, now: datetime) -> None:
        chargers = {c.name: c for c in home.chargers}
        appliances = {a.name: a for a in home.appliances}
        for setpoint in paced(wanted, {}, now, urgent=True):
            self.told_kw[setpoint.device_id] = setpoint.power_kw
            if setpoint.device_id in chargers:
                chargers[setpoint.device_id].allowed_a = float(setpoint.amps or 0.0)
            elif setpoint.device_id == sensors.BATTERY_ID and home.battery is not None:
                if setpoint.mode is not None:
                    home.battery.mode = setpoint.mode
                home.battery.setpoint_kw = setpoint.power_kw
            elif setpoint.device_id == sensors.HEATER_ID and home.water_heater is not None:
                home.water_heater.command_on = bool(setpoint.on)
            elif setpoint.device_id in appliances and setpoint.on:
                appliances[setpoint.device_id].start(now)
                self.intents.appliance_started[setpoint.device_id] = now.astimezone(self.scenario.tz)

    def _defend_fuse(self, now: datetime, home: Home, sim: Simulation, readings: Readings) -> None:
        """The meter a moment after this tick's loads switch on, as the controller's ``_meter_changed``
        sees it: over the limit (total or a phase), the policy cuts (within the tick, as the
        integration's cut follows the meter within seconds) and the cut devices are held at their
        level; within it, devices held since a cut go back up as far as the room allows."""
        if not self.defends_fuse:
            return
        meter_kw, phase_kw = self.sensors.meter(sim.meter_preview(now, home), now)
        excess = self._excess(meter_kw, phase_kw)
        if excess is None or self.problem is None or self.plan is None:
            return
        if not excess.over:
            if self.holds:
                self._apply_plan(
                    dataclasses.replace(readings, grid_power_kw=meter_kw, grid_phase_kw=phase_kw), home, now
                )
            return
        # ``_async_cut``: what Headroom drives, lowered by the excess; each cut held; then a replan.
        loads = drawing_now(
            self.devices, readings, self.intents, self.told_kw, self.devices, self.phase_count
        )
        cuts = fuse_cut(excess, loads, self.devices, readings)
        if cuts:
            self.cuts += 1
            self._apply(cuts, home, now)
            for cut in cuts:
                self.holds[cut.device_id] = min(cut.power_kw, self.holds.get(cut.device_id, math.inf))
        self.replan_wanted = True


class _Coordinated(_Headroom):
    """Devices that plan themselves (``coordination.py``): the same readings, Problem and setpoints
    as Headroom's, but each device's plan is its own solve (alone, through a broker, or against
    price and capacity signals), and nothing watches the meter to cut."""

    defends_fuse = False

    def __init__(self, way: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.way = way
        # When each device first asked (a car: when it was plugged in), for the broker's order.
        self.arrived: dict[str, datetime] = {}

    def _solve(self, problem: Problem, now: datetime) -> Plan:
        present = {d.id for d in problem.devices}
        self.arrived = {k: v for k, v in self.arrived.items() if k in present}
        for device in problem.devices:
            self.arrived.setdefault(device.id, now)
        if self.way == "price_follow":
            return coordination.price_follow(problem)
        if self.way == "negotiated":
            return coordination.negotiated(problem, self.arrived)[0]
        return coordination.signals(problem)[0]


def _heater_step(heater: WaterHeater | None, local: datetime, dt_h: float) -> float:
    return heater.step(local, dt_h) if heater is not None else 0.0


class Simulation:
    """A scenario's home ticked forward under one policy (bau, headroom), which commands its
    devices every tick; ``run`` gives the ``Result``."""

    def __init__(
        self,
        scenario: Scenario,
        policy: Policy,
        forecast_error: float | None = None,
        sensor_lag: int = 0,
        load_history: bool = True,
        faults: Faults | None = None,
        noise_seed: int | None = None,
    ) -> None:
        """``faults``: the sensors' faults (the scenario's unless given); ``sensor_lag``: ticks by which
        the chargers' own power sensors lag the meter, over the faults' own; ``noise_seed``: the
        forecast errors' seed (the scenario's unless given)."""
        self.scenario = scenario
        self.home = scenario.build()
        self.policy_name = policy
        error = scenario.forecast_error if forecast_error is None else forecast_error
        faults = faults if faults is not None else scenario.faults
        if sensor_lag:
            faults = dataclasses.replace(faults, charger_lag_ticks=sensor_lag)
        args = (scenario, self.home, error, scenario.seed, self, faults, load_history, noise_seed)
        self.policy: _Bau | _Headroom
        if policy == "bau":
            self.policy = _Bau()
        elif policy in ("headroom", "central"):
            self.policy = _Headroom(*args)
        else:
            self.policy = _Coordinated(policy, *args)
        self.heater_kw = 0.0
        self._pv_cache: dict[datetime, float] = {}
        battery, heater = self.home.battery, self.home.water_heater
        self._stored_at_start = (battery.soc_kwh if battery else 0.0) + (
            heat_kwh(heater.litres, heater.temperature_c, heater.COLD_WATER_C) if heater else 0.0
        )

    def pv_at(self, home: Home, moment: datetime) -> float:
        if moment not in self._pv_cache:
            self._pv_cache[moment] = home.pv_kw(moment)
        return self._pv_cache[moment]

    def meter_preview(self, now: datetime, home: Home) -> Flows:
        """The home's balance once this tick's loads are on as commanded, before the fuse acts on it:
        what the grid meter shows (total and per phase) a moment later."""
        heater = home.water_heater
        heater_kw = (
            heater.power_kw if heater is not None and heater.driven and heater.will_heat() else self.heater_kw
        )
        evs = [
            c.kw(min(c.allowed_a, c.max_a))
            if c.visit is not None and c.allowed_a >= c.min_a and c.needed_kwh > 0
            else 0.0
            for c in home.chargers
        ]
        return home.flows(now, heater_kw, self.pv_at(home, now), evs, self.scenario.tick_minutes / 60)

    @staticmethod
    def ran_today(appliance: Any, local: datetime) -> bool:
        started = appliance.started
        return started is not None and started.astimezone(local.tzinfo).date() == local.date()

    def run(self, days: float, record: bool = False) -> Result:
        sc, home = self.scenario, self.home
        started = time.process_time()
        dt_h = sc.tick_minutes / 60
        result = Result(
            policy=self.policy_name,
            days=days,
            value_of_lost_load=float(sc.data.get("value_of_lost_load", 0.0)),
        )
        now = sc.start
        end = sc.start + timedelta(days=days)
        while now < end:
            local = now.astimezone(sc.tz)
            for charger in home.chargers:
                charger.arrive_and_leave(now)
            if home.water_heater is not None and home.water_heater.driven:
                # Headroom switches the element first; it heats (or not) as switched.
                self.policy.act(now, home, self)
                self.heater_kw = _heater_step(home.water_heater, local, dt_h)
            else:
                self.heater_kw = _heater_step(home.water_heater, local, dt_h)
                self.policy.act(now, home, self)
            for charger in home.chargers:
                charger.step(dt_h)
            tick = home.settle(now, dt_h, self.heater_kw, self.pv_at(home, now))
            if isinstance(self.policy, _Headroom):
                self.policy.sensors.tick()
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
            self._count_phases(tick, result)
            if tick.grid_up and self._over_limit(now, imp, tick.phases):
                result.seconds_over_limit += sc.tick_minutes * 60
            if record:
                result.rows.append(
                    {
                        "time": local.isoformat(),
                        "price": price,
                        "pv_kw": round(tick.pv, 3),
                        "house_kw": round(tick.house, 3),
                        "ev_kw": round(tick.evs, 3),
                        "battery_kw": round(tick.battery, 3),
                        "battery_soc_kwh": round(home.battery.soc_kwh, 3) if home.battery else None,
                        "grid_kw": round(tick.grid, 3),
                        "grid_up": tick.grid_up,
                    }
                    | {
                        f"grid_l{i + 1}_kw": round(kw, 3)
                        for i, kw in enumerate(tick.phases)
                        if len(tick.phases) > 1
                    }
                )
            now += timedelta(minutes=sc.tick_minutes)
        result.fuse_trips = home.grid.trips
        for charger in home.chargers:
            result.ev_goals_met += charger.goals_met
            result.ev_goals += charger.goals_met + charger.goals_missed
            short = [max(target - soc, 0.0) for _, soc, target in charger.departures]
            result.ev_short_kwh += sum(short) / 100.0 * charger.car_capacity_kwh
            result.ev_worst_short_percent = max([result.ev_worst_short_percent, *short])
        result.appliance_runs = sum(a.runs for a in home.appliances)
        if home.water_heater is not None:
            result.showers, result.cold_showers = home.water_heater.showers, home.water_heater.cold_showers
        if isinstance(self.policy, _Headroom):
            result.solves, result.cuts = self.policy.solves, self.policy.cuts
            result.statuses = dict(self.policy.statuses)
        result.outcome = self._outcome(result, days)
        result.fair_cost = result.outcome.cost(accounting_for(sc, days))
        result.cpu_seconds = time.process_time() - started
        return result

    def _over_limit(self, now: datetime, import_kw: float, phases: tuple[float, ...]) -> bool:
        """The import above the limit of the moment, or a phase above its fuse (no trip factor)."""
        fuse_kw = self.home.grid.phase_rating_kw
        return import_kw > self.scenario.limit_at(now) + LIMIT_TOLERANCE_KW or any(
            kw > fuse_kw + LIMIT_TOLERANCE_KW for kw in phases
        )

    def _outcome(self, result: Result, days: float) -> Outcome:
        """The run's energy bill and what it leaves undone or stored (``accounting.Outcome``)."""
        home, sc = self.home, self.scenario
        moments = ticks(sc.start, days, sc.tick_minutes)
        missed, missed_kwh = 0, 0.0
        for appliance in home.appliances:
            energy = sum(appliance.profile_kw) * 5 / 60
            for opens, closes, required in appliance_windows(appliance, sc, moments):
                result.appliance_goals += int(required)
                if required and not any(opens <= s < closes for s in appliance.starts):
                    missed, missed_kwh = missed + 1, missed_kwh + energy
        stored = 0.0
        if home.battery is not None:
            stored += home.battery.soc_kwh
        heater = home.water_heater
        if heater is not None:
            stored += heat_kwh(heater.litres, heater.temperature_c, heater.COLD_WATER_C)
        for charger in home.chargers:
            if charger.visit is not None:
                stored += max(0.0, charger.soc - charger.visit.arrival_soc) / 100.0 * charger.car_capacity_kwh
        return Outcome(
            energy_cost=result.cost,
            unserved_kwh=result.unserved_kwh,
            ev_short_kwh=result.ev_short_kwh,
            trips=result.fuse_trips,
            missed_run_kwh=missed_kwh,
            missed_runs=missed,
            cold_showers=float(result.cold_showers),
            stored_gain_kwh=stored - self._stored_at_start,
        )

    def _count_phases(self, tick: Tick, result: Result) -> None:
        """The tick's highest phase current; whether a phase was above its fuse, and whether a load
        Headroom could have lowered (a car, a battery charging, a driven water heater) drew on it."""
        home = self.home
        if not tick.grid_up or not tick.phases:
            return
        count = len(tick.phases)
        fuse_kw = home.grid.phase_rating_kw
        result.peak_phase_a = max(result.peak_phase_a, max(tick.phases) / fuse_kw * home.grid.fuse_a)
        over = [i for i, kw in enumerate(tick.phases) if kw > fuse_kw + 1e-6]
        if not over:
            return
        result.over_fuse_ticks += 1
        lowerable = [max(tick.battery, 0.0) / count] * count
        for charger in home.chargers:
            lowerable = [
                a + b for a, b in zip(lowerable, charger.on_phases(charger.power_kw, count), strict=True)
            ]
        heater = home.water_heater
        if heater is not None and heater.driven and self.heater_kw:
            drawn = on_phases(self.heater_kw, heater.phase, count)
            lowerable = [a + b for a, b in zip(lowerable, drawn, strict=True)]
        if any(lowerable[i] > 1e-6 for i in over):
            result.over_fuse_ticks_with_loads += 1


def run(
    scenario: Scenario,
    policy: Policy,
    days: float,
    *,
    forecast_error: float | None = None,
    record: bool = False,
    sensor_lag: int = 0,
    faults: Faults | None = None,
    noise_seed: int | None = None,
) -> Result:
    """``sensor_lag``: ticks by which the chargers' own power sensors lag the meter; ``faults``: the
    sensors' faults instead of the scenario's; ``noise_seed``: the forecast errors' seed."""
    return Simulation(scenario, policy, forecast_error, sensor_lag, faults=faults, noise_seed=noise_seed).run(
        days, record
    )


def compare(scenario: Scenario, days: float, *, forecast_error: float | None = None) -> dict[str, Any]:
    """Business as usual and Headroom on the same days, and the bound; the saving and the capture
    ratio ((bau - headroom) / (bau - bound)), both on the comparison cost (``accounting.py``)."""
    results = {p: run(scenario, p, days, forecast_error=forecast_error) for p in ("bau", "headroom")}
    floor = lower_bound(scenario, days)
    bau, headroom = results["bau"].fair_cost, results["headroom"].fair_cost
    return {
        "results": results,
        "bound": floor,
        "saving": bau - headroom,
        "capture_ratio": capture(bau, headroom, floor.cost),
    }


def capture(bau: float, policy: float, bound: float) -> float:
    """The share of the possible saving a policy reached: (bau - policy) / (bau - bound); 1 when
    business as usual is already at the bound."""
    possible = bau - bound
    return (bau - policy) / possible if abs(possible) > 1e-9 else 1.0
