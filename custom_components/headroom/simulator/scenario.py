"""A simulated home described in JSON (see ``examples/simulator/``), and the home it builds."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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


@dataclass
class Scenario:
    """A simulated home as its JSON describes it: location and time zone, start, tick and plan step
    lengths, horizon, replan interval, forecast error, grid limits (kW, from the fuse unless given) and
    prices."""

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
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ScenarioError(f"scenario: {err}") from err
        if scenario.plan_step_minutes % scenario.tick_minutes:
            raise ScenarioError("scenario: plan_step_minutes must be a multiple of tick_minutes")
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
            base=BaseLoad(scale=float(d.get("base_load", {}).get("scale", 1.0)), seed=self.seed),
            grid=Grid(fuse_a=float(grid["fuse_a"]), phases=int(grid.get("phases", 1)), outages=outages),
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
        )


FUSE_TRIP_FACTOR = 1.13  # a gG fuse carries 1.13 x its rating indefinitely, trips above it


@dataclass
class Tick:
    """One step's flows (kW), after the commands: ``grid`` is + import, 0 while the grid is down."""

    pv: float
    house: float
    evs: float
    battery: float
    grid: float
    grid_up: bool
    unserved: float


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

    def settle(self, now: datetime, dt_h: float, heater_kw: float, pv_kw: float | None = None) -> Tick:
        """One step of the home's physics once the chargers, battery and appliances have their
        commands: the balance, islanding in an outage, the fuse, and the stored energy moving on."""
        local = now.astimezone(self.scenario.tz)
        grid_up = self.grid.available(now, local)
        pv = self.pv_kw(now) if pv_kw is None else pv_kw
        house = self.base.kw(local) + heater_kw + sum(a.power_at(now) for a in self.appliances)
        if not grid_up:
            for charger in self.chargers:
                charger.drawing_a = 0.0
        evs = sum(c.power_kw for c in self.chargers)
        net = house + evs - pv
        battery = 0.0
        if self.battery is not None:
            mode = self.battery.mode
            if not grid_up:
                self.battery.mode = "self_consumption"  # islanded: it holds the balance alone
            battery = self.battery.power_for(net, dt_h)
            self.battery.mode = mode
        grid = net + battery
        unserved = 0.0
        if not grid_up:
            unserved = max(grid, 0.0)  # the house goes dark for what is missing
            grid = 0.0  # surplus PV is curtailed, nothing is imported
        elif grid > self.grid.rating_kw * FUSE_TRIP_FACTOR:
            self.grid.check(now, grid / FUSE_TRIP_FACTOR)
        if self.battery is not None:
            self.battery.apply(battery, dt_h)
        for charger in self.chargers:
            charger.charge(dt_h)
        return Tick(
            pv=pv, house=house, evs=evs, battery=battery, grid=grid, grid_up=grid_up, unserved=unserved
        )
