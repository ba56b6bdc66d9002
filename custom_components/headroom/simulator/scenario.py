"""A simulated home described in JSON (see ``examples/simulator/``), and the home it builds."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..const import PHASE_NAMES
from .models import (
    Appliance,
    BaseLoad,
    Battery,
    Charger,
    Grid,
    Inverter,
    PvArray,
    Visit,
    WaterHeater,
    Weather,
    clear_sky_ghi,
    on_phases,
    sun_position,
)

APPLIANCE_PROFILES_KW = {
    # Per 5 minutes: heat the water, wash, heat again to dry.
    "dishwasher": [2.0] * 4 + [0.15] * 12 + [2.0] * 3 + [0.1] * 5,
    "washing_machine": [2.1] * 3 + [0.3] * 12 + [0.6] * 3,
    "dryer": [2.4] * 18,
}


class ScenarioError(ValueError):
    """A scenario that cannot be read: a missing or wrong field."""


# Sensors that may read nothing now and then (``Faults.unavailable``).
SENSOR_KINDS = ("charger_power", "ev_soc", "house_power", "pv_power", "grid_phase")


@dataclass
class Faults:
    """What goes wrong with the home's sensors: the chargers' own power sensors lag the meter by
    ``charger_lag_ticks`` ticks, and each kind of sensor in ``unavailable`` (``SENSOR_KINDS``) reads
    nothing (unavailable) for that share of the ticks, seeded. The meter's total never fails."""

    charger_lag_ticks: int = 0
    unavailable: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Faults:
        unavailable = {str(k): float(v) for k, v in data.get("unavailable", {}).items()}
        if bad := [k for k in unavailable if k not in SENSOR_KINDS]:
            raise ValueError(f"unavailable sensor {bad[0]!r} is none of {', '.join(SENSOR_KINDS)}")
        if any(not 0.0 <= v <= 1.0 for v in unavailable.values()):
            raise ValueError("an unavailable share is between 0 and 1")
        lag = int(data.get("charger_lag_ticks", 0))
        if lag < 0:
            raise ValueError("charger_lag_ticks is 0 or more")
        return cls(charger_lag_ticks=lag, unavailable=unavailable)


@dataclass
class Scenario:
    """A simulated home as its JSON describes it: location and time zone, start, tick and plan step
    lengths, horizon, replan interval, forecast error, grid limits (kW, from the fuse unless given),
    prices, the sensors' faults and the settings a person gave Headroom."""

    name: str
    data: dict[str, Any]
    tz: ZoneInfo
    start: datetime
    latitude: float
    longitude: float
    tick_minutes: int = 5
    plan_step_minutes: int = 15
    horizon_hours: int = 24
    replan_minutes: int = 30
    forecast_error: float = 0.2
    seed: int = 1
    import_limit_kw: float = 0.0
    export_limit_kw: float = 0.0
    prices: dict[str, Any] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    # Headroom's settings where the person set them otherwise than the home is (the grid meter's
    # direction set wrong, a lower limit): merged over what ``sensors.site_config`` derives.
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scenario:
        try:
            location = data["location"]
            tz = ZoneInfo(location["timezone"])
            start = datetime.combine(date.fromisoformat(data["start"]), time(0), tz)
            grid = data["grid"]
            rating = grid["fuse_a"] * grid.get("phases", 1) * 230.0 / 1000.0
            scenario = cls(
                name=data["name"],
                data=data,
                tz=tz,
                start=start,
                latitude=float(location["latitude"]),
                longitude=float(location["longitude"]),
                tick_minutes=int(data.get("tick_minutes", 5)),
                plan_step_minutes=int(data.get("plan_step_minutes", 15)),
                horizon_hours=int(data.get("horizon_hours", 24)),
                replan_minutes=int(data.get("replan_minutes", 30)),
                forecast_error=float(data.get("forecast_error", 0.2)),
                seed=int(data.get("seed", 1)),
                import_limit_kw=float(grid.get("import_limit_kw", rating)),
                export_limit_kw=float(grid.get("export_limit_kw", rating)),
                prices=data["prices"],
                faults=Faults.from_json(data.get("faults", {})),
                settings=dict(data.get("settings", {})),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ScenarioError(f"scenario: {err}") from err
        if scenario.plan_step_minutes % scenario.tick_minutes:
            raise ScenarioError("scenario: plan_step_minutes must be a multiple of tick_minutes")
        named = [
            *(c.get("phase") for c in data.get("chargers", [])),
            *(a.get("phase") for a in data.get("appliances", [])),
            (data.get("water_heater") or {}).get("phase"),
            data.get("base_load", {}).get("spike_phase"),
        ]
        if bad := [p for p in named if p is not None and p not in PHASE_NAMES]:
            raise ScenarioError(f"scenario: phase {bad[0]!r} is none of {', '.join(PHASE_NAMES)}")
        return scenario

    # ------------------------------------------------------------------ prices

    def import_price(self, moment: datetime) -> float:
        """The tariff: day-ahead style dynamic prices (seeded), time-of-use, or fixed."""
        p = self.prices
        local = moment.astimezone(self.tz)
        if p["kind"] == "fixed":
            return float(p["price"])
        if p["kind"] == "profile":
            # A day of prices by local time of day (e.g. the day-ahead prices a home has now).
            profile = p["profile"]
            minutes = local.hour * 60 + local.minute
            return float(profile[int(minutes // (1440 / len(profile))) % len(profile)])
        if p["kind"] == "tou":
            start, end = time.fromisoformat(p["off_peak_start"]), time.fromisoformat(p["off_peak_end"])
            clock = local.time()
            off = (start <= clock < end) if start <= end else (clock >= start or clock < end)
            return float(p["off_peak"] if off else p["peak"])
        resolution = int(p.get("resolution_minutes", 60))
        slot = local.replace(minute=local.minute - local.minute % resolution, second=0, microsecond=0)
        rng = random.Random(f"{p.get('seed', 1)}-{slot.isoformat()}")
        hour = slot.hour + slot.minute / 60
        # Cheap nights and solar middays, dear mornings and evenings, and day-to-day noise.
        shape = (
            0.55 * math.exp(-(((hour - 19) / 2.2) ** 2))
            + 0.3 * math.exp(-(((hour - 8) / 1.5) ** 2))
            - 0.35 * math.exp(-(((hour - 13.5) / 2.5) ** 2))
            - 0.2 * math.exp(-(((hour - 3) / 2.5) ** 2))
        )
        return round(
            float(p["base"]) + float(p["amplitude"]) * shape + rng.gauss(0, float(p.get("noise", 0.01))), 5
        )

    def grid_requests(self) -> list[tuple[time, time, float]]:
        """An aggregator's or grid operator's daily requests for a lower import limit (local start,
        end, kW), from the scenario's ``grid.requests``."""
        return [
            (time.fromisoformat(r["start"]), time.fromisoformat(r["end"]), float(r["limit_kw"]))
            for r in self.data["grid"].get("requests", [])
        ]

    def limit_at(self, moment: datetime) -> float:
        """The import limit (kW) at ``moment``: the connection's, lowered where a request asks."""
        clock = moment.astimezone(self.tz).time()
        limits = [kw for start, end, kw in self.grid_requests() if start <= clock < end]
        return min([self.import_limit_kw, *limits])

    def export_price(self, moment: datetime) -> float:
        rule = self.prices.get("export", {})
        return float(rule.get("factor", 0.0)) * self.import_price(moment) + float(rule.get("offset", 0.0))

    # ------------------------------------------------------------------ the home

    def build(self) -> Home:
        d = self.data
        grid = d["grid"]
        outages = [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in grid.get("outages", [])]
        battery = None
        if b := d.get("battery"):
            capacity = float(b["capacity_kwh"])
            battery = Battery(
                capacity_kwh=capacity,
                soc_kwh=capacity * float(b.get("initial_soc", 50)) / 100,
                max_charge_kw=float(b["max_charge_kw"]),
                max_discharge_kw=float(b["max_discharge_kw"]),
                min_soc_kwh=capacity * float(b.get("min_soc", 10)) / 100,
                efficiency=float(b.get("efficiency", 0.95)),
            )
        chargers = [self._charger(c) for c in d.get("chargers", [])]
        appliances = [
            Appliance(
                name=a["name"],
                profile_kw=list(a.get("profile_kw") or APPLIANCE_PROFILES_KW[a["kind"]]),
                earliest=time.fromisoformat(a["earliest"]),
                latest_finish=time.fromisoformat(a["latest_finish"]),
                phase=a.get("phase"),
            )
            for a in d.get("appliances", [])
        ]
        heater = WaterHeater(**d["water_heater"]) if d.get("water_heater") else None
        return Home(
            scenario=self,
            weather=Weather(**d.get("weather", {})),
            pv=[PvArray(**a) for a in d.get("pv", [])],
            inverter=Inverter(**d.get("inverter", {})),
            battery=battery,
            chargers=chargers,
            appliances=appliances,
            water_heater=heater,
            base=self._base_load(d.get("base_load", {})),
            grid=Grid(
                fuse_a=float(grid["fuse_a"]),
                phases=int(grid.get("phases", 1)),
                outages=outages,
                meter_export_positive=bool(grid.get("meter_export_positive", False)),
                meter_phases=bool(grid.get("meter_phases", True)),
            ),
        )

    def _base_load(self, b: dict[str, Any]) -> BaseLoad:
        """The house's own load; kettle and oven as large and as often as the scenario says."""
        defaults = BaseLoad()
        share = b.get("phase_share")
        return BaseLoad(
            scale=float(b.get("scale", 1.0)),
            seed=self.seed,
            kettle_kw=float(b.get("kettle_kw", defaults.kettle_kw)),
            kettle_chance=float(b.get("kettle_chance", defaults.kettle_chance)),
            kettle_hours=tuple(int(h) for h in b.get("kettle_hours", defaults.kettle_hours)),
            oven_kw=float(b.get("oven_kw", defaults.oven_kw)),
            oven_chance=float(b.get("oven_chance", defaults.oven_chance)),
            oven_hour=int(b.get("oven_hour", defaults.oven_hour)),
            share=tuple(float(v) for v in share) if share else None,
            spike_phase=b.get("spike_phase"),
        )

    def _charger(self, c: dict[str, Any]) -> Charger:
        visits: list[Visit] = []
        days = int(self.data.get("days", 7)) + 2
        for day in range(-1, days):
            when = self.start + timedelta(days=day)
            for rule in c.get("schedule", []):
                if when.weekday() not in rule.get("days", range(7)):
                    continue
                arrive = datetime.combine(when.date(), time.fromisoformat(rule["arrive"]), self.tz)
                leave = datetime.combine(when.date(), time.fromisoformat(rule["leave"]), self.tz)
                if leave <= arrive:
                    leave += timedelta(days=1)
                rng = random.Random(f"{self.seed}-{c['name']}-{when.date()}")
                jitter = timedelta(minutes=5 * round(rng.gauss(0, 3)))
                soc = min(95.0, max(5.0, float(rule["arrival_soc"]) + rng.gauss(0, 8)))
                if c.get("exact_schedule", False):
                    # A toy scenario's car (seed 000): it comes when and as full as it says.
                    jitter, soc = timedelta(0), float(rule["arrival_soc"])
                visits.append(
                    Visit(
                        arrival=arrive + jitter,
                        departure=leave,
                        arrival_soc=soc,
                        target_soc=float(rule["target_soc"]),
                    )
                )
        return Charger(
            name=c["name"],
            phases=int(c.get("phases", 3)),
            min_a=float(c.get("min_a", 6)),
            max_a=float(c.get("max_a", 16)),
            car_capacity_kwh=float(c.get("car_capacity_kwh", 60)),
            visits=sorted(visits, key=lambda v: v.arrival),
            phase=str(c.get("phase", "L1")),
        )


FUSE_TRIP_FACTOR = 1.13  # a gG fuse carries 1.13 x its rating indefinitely, trips above it


@dataclass
class Tick:
    """One step's flows (kW), after the commands: ``grid`` is + import, 0 while the grid is down;
    ``phases`` the grid's import per phase (L1 first)."""

    pv: float
    house: float
    evs: float
    battery: float
    grid: float
    grid_up: bool
    unserved: float
    phases: tuple[float, ...] = ()


@dataclass(frozen=True)
class Flows:
    """The home's balance at one moment (kW): the house's own load with its appliances and water
    heater, the cars, PV, the battery (+ charging) and the grid (+ import), total and per phase."""

    house: float
    evs: float
    pv: float
    battery: float
    grid: float
    phases: tuple[float, ...]


@dataclass
class Home:
    """The simulated home's devices, weather, base load and grid; ``settle`` moves its physics on one
    tick."""

    scenario: Scenario
    weather: Weather
    pv: list[PvArray]
    inverter: Inverter
    battery: Battery | None
    chargers: list[Charger]
    appliances: list[Appliance]
    water_heater: WaterHeater | None
    base: BaseLoad
    grid: Grid

    def pv_kw(self, moment: datetime) -> float:
        """What the arrays deliver through the inverter at ``moment`` (sun x weather)."""
        elevation, azimuth = sun_position(moment, self.scenario.latitude, self.scenario.longitude)
        ghi = clear_sky_ghi(elevation) * self.weather.irradiance_factor(moment)
        return self.inverter.ac_kw(sum(a.dc_kw(ghi, elevation, azimuth) for a in self.pv))

    def flows(
        self,
        now: datetime,
        heater_kw: float,
        pv_kw: float,
        charger_kw: list[float],
        dt_h: float,
        battery_mode: str | None = None,
    ) -> Flows:
        """The balance once the loads draw what they draw (``charger_kw`` per charger): the battery
        answers the net load (in ``battery_mode``, else its own), the grid carries the rest; per
        phase, each load on the phases it is wired to, PV and battery spread over all."""
        local = now.astimezone(self.scenario.tz)
        count = max(self.grid.phases, 1)
        phases = self.base.on_phases(local, count)
        heater = self.water_heater
        loads = [(heater_kw, heater.phase if heater is not None else None)]
        loads += [(a.power_at(now), a.phase) for a in self.appliances]
        for kw, phase in loads:
            if kw:
                phases = [p + q for p, q in zip(phases, on_phases(kw, phase, count), strict=True)]
        house = sum(phases)
        for charger, kw in zip(self.chargers, charger_kw, strict=True):
            if kw:
                phases = [p + q for p, q in zip(phases, charger.on_phases(kw, count), strict=True)]
        evs = sum(charger_kw)
        net = house + evs - pv_kw
        battery = 0.0
        if self.battery is not None:
            mode = self.battery.mode
            self.battery.mode = battery_mode or mode
            battery = self.battery.power_for(net, dt_h)
            self.battery.mode = mode
        phases = [p + (battery - pv_kw) / count for p in phases]
        return Flows(
            house=house, evs=evs, pv=pv_kw, battery=battery, grid=net + battery, phases=tuple(phases)
        )

    def settle(self, now: datetime, dt_h: float, heater_kw: float, pv_kw: float | None = None) -> Tick:
        """One step of the home's physics once the chargers, battery and appliances have their
        commands: the balance, islanding in an outage, the fuse on each phase, and the stored energy
        moving on."""
        local = now.astimezone(self.scenario.tz)
        grid_up = self.grid.available(now, local)
        pv = self.pv_kw(now) if pv_kw is None else pv_kw
        if not grid_up:
            for charger in self.chargers:
                charger.drawing_a = 0.0
        # Islanded, the battery holds the balance alone.
        flows = self.flows(
            now,
            heater_kw,
            pv,
            [c.power_kw for c in self.chargers],
            dt_h,
            None if grid_up else "self_consumption",
        )
        grid, phases = flows.grid, flows.phases
        unserved = 0.0
        if not grid_up:
            unserved = max(grid, 0.0)  # the house goes dark for what is missing
            grid, phases = 0.0, tuple(0.0 for _ in phases)  # surplus PV is curtailed, nothing imported
        else:
            self.grid.check_phases(now, list(phases), FUSE_TRIP_FACTOR)
        if self.battery is not None:
            self.battery.apply(flows.battery, dt_h)
        for charger in self.chargers:
            charger.charge(dt_h)
        return Tick(
            pv=pv,
            house=flows.house,
            evs=flows.evs,
            battery=flows.battery,
            grid=grid,
            grid_up=grid_up,
            unserved=unserved,
            phases=phases,
        )
