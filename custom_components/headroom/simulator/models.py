"""The simulated home's parts (seed 004): the sun, the weather, PV arrays behind an inverter, a
battery, chargers with cars, appliances, the house's own load, and the grid with its fuse and
outages. Each part holds its own state and moves on with ``step``; powers are kW, positive
when drawn from the home's AC bus (consumption, charging), times are UTC datetimes.

Simple, standard physics: the sun from the declination and hour angle, clear-sky irradiance
after Haurwitz, cloud attenuation after Kasten & Czeplak, plane-of-array irradiance by
isotropic transposition.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from ..const import PHASE_NAMES
from ..planner.units import kw_from_amps


def on_phases(kw: float, phase: str | None, count: int, wires: int | None = None) -> list[float]:
    """``kw`` over a ``count``-phase supply: all of it on ``phase`` (L1, L2, L3) when one is named,
    else evenly over the first ``wires`` phases (all of them unless said)."""
    if count <= 1:
        return [kw]
    out = [0.0] * count
    if phase in PHASE_NAMES and (wires is None or wires == 1):
        out[min(PHASE_NAMES.index(phase), count - 1)] = kw
        return out
    n = min(wires or count, count)
    for index in range(n):
        out[index] = kw / n
    return out


# ------------------------------------------------------------------------- sun and weather


def sun_position(moment: datetime, latitude: float, longitude: float) -> tuple[float, float]:
    """Solar elevation and azimuth (degrees; azimuth from north, clockwise)."""
    day = moment.timetuple().tm_yday
    hours = moment.hour + moment.minute / 60 + moment.second / 3600  # UTC
    gamma = 2 * math.pi / 365 * (day - 1 + (hours - 12) / 24)
    decl = (
        0.006918
        - 0.399912 * math.cos(gamma)
        + 0.070257 * math.sin(gamma)
        - 0.006758 * math.cos(2 * gamma)
        + 0.000907 * math.sin(2 * gamma)
        - 0.002697 * math.cos(3 * gamma)
        + 0.00148 * math.sin(3 * gamma)
    )
    eqtime = 229.18 * (
        0.000075
        + 0.001868 * math.cos(gamma)
        - 0.032077 * math.sin(gamma)
        - 0.014615 * math.cos(2 * gamma)
        - 0.040849 * math.sin(2 * gamma)
    )
    solar_minutes = hours * 60 + eqtime + 4 * longitude
    hour_angle = math.radians(solar_minutes / 4 - 180)
    lat = math.radians(latitude)
    sin_el = math.sin(lat) * math.sin(decl) + math.cos(lat) * math.cos(decl) * math.cos(hour_angle)
    elevation = math.asin(max(-1.0, min(1.0, sin_el)))
    cos_az = (math.sin(decl) - math.sin(elevation) * math.sin(lat)) / max(
        math.cos(elevation) * math.cos(lat), 1e-9
    )
    azimuth = math.degrees(math.acos(max(-1.0, min(1.0, cos_az))))
    if hour_angle > 0:
        azimuth = 360 - azimuth
    return math.degrees(elevation), azimuth


def clear_sky_ghi(elevation_deg: float) -> float:
    """Global horizontal irradiance under a clear sky, W/m² (Haurwitz)."""
    if elevation_deg <= 0:
        return 0.0
    sin_el = math.sin(math.radians(elevation_deg))
    return 1098.0 * sin_el * math.exp(-0.057 / sin_el)


@dataclass
class Weather:
    """Cloud cover (0..1) that wanders through the day: a seeded random walk per hour around a
    daily mean, so some days are sunny and some grey."""

    seed: int = 1
    mean_cloud: float = 0.4
    _cache: dict[int, float] = field(default_factory=dict, repr=False)

    def cloud(self, moment: datetime) -> float:
        hour = int(moment.timestamp() // 3600)
        if hour not in self._cache:
            day = hour // 24
            day_mean = random.Random(f"{self.seed}-day-{day}").betavariate(2, 2) * 0.6 + self.mean_cloud - 0.3
            previous = self._cache.get(hour - 1, day_mean)
            step = random.Random(f"{self.seed}-hour-{hour}").gauss(0, 0.15)
            self._cache[hour] = float(min(1.0, max(0.0, 0.6 * previous + 0.4 * day_mean + step)))
        return self._cache[hour]

    def irradiance_factor(self, moment: datetime) -> float:
        """Kasten & Czeplak: share of clear-sky irradiance that reaches the ground."""
        return float(1.0 - 0.75 * self.cloud(moment) ** 3.4)


@dataclass
class PvArray:
    """A PV array of ``kwp`` kWp at a tilt and azimuth (degrees, 180 = south), less ``losses``: its DC
    power (kW) from irradiance (W/m²) and the sun's position."""

    kwp: float
    tilt_deg: float = 35.0
    azimuth_deg: float = 180.0
    losses: float = 0.14

    def dc_kw(self, ghi: float, elevation_deg: float, sun_azimuth_deg: float) -> float:
        if ghi <= 0 or elevation_deg <= 0:
            return 0.0
        el, tilt = math.radians(elevation_deg), math.radians(self.tilt_deg)
        diffuse = 0.15 * ghi
        beam_normal = (ghi - diffuse) / max(math.sin(el), 0.05)
        cos_incidence = math.sin(el) * math.cos(tilt) + math.cos(el) * math.sin(tilt) * math.cos(
            math.radians(sun_azimuth_deg - self.azimuth_deg)
        )
        poa = (
            beam_normal * max(cos_incidence, 0.0)
            + diffuse * (1 + math.cos(tilt)) / 2
            + ghi * 0.2 * (1 - math.cos(tilt)) / 2
        )
        return self.kwp * poa / 1000.0 * (1.0 - self.losses)


@dataclass
class Inverter:
    """Turns DC into AC at ``efficiency``, clipped at ``ac_limit_kw``."""

    ac_limit_kw: float = 10.0
    efficiency: float = 0.97

    def ac_kw(self, dc_kw: float) -> float:
        return min(dc_kw * self.efficiency, self.ac_limit_kw)


# ------------------------------------------------------------------------- storage and cars


@dataclass
class Battery:
    """Obeys a mode and a setpoint as a hybrid inverter does: ``self_consumption`` follows the
    net load, ``forced_charge``/``forced_discharge`` hold the setpoint, ``non_export`` takes
    surplus only, ``idle`` rests. It never goes below its reserve or above full."""

    capacity_kwh: float
    soc_kwh: float
    max_charge_kw: float
    max_discharge_kw: float
    min_soc_kwh: float = 0.0
    efficiency: float = 0.95
    mode: str = "self_consumption"
    setpoint_kw: float = 0.0
    last_kw: float = 0.0  # what it did last tick (its power sensor)

    def power_for(self, net_load_kw: float, dt_h: float) -> float:
        """AC power (+ charge) this step, given the rest of the home's net load (+ deficit)."""
        if self.mode == "self_consumption":
            wanted = -net_load_kw
        elif self.mode == "non_export":
            wanted = max(-net_load_kw, 0.0)
        elif self.mode in ("forced_charge", "forced_discharge"):
            wanted = self.setpoint_kw
        else:
            wanted = 0.0
        room_in = (self.capacity_kwh - self.soc_kwh) / self.efficiency / dt_h
        room_out = max(self.soc_kwh - self.min_soc_kwh, 0.0) * self.efficiency / dt_h
        return max(-min(self.max_discharge_kw, room_out), min(wanted, self.max_charge_kw, room_in))

    def apply(self, power_kw: float, dt_h: float) -> None:
        self.last_kw = power_kw
        if power_kw >= 0:
            self.soc_kwh += power_kw * dt_h * self.efficiency
        else:
            self.soc_kwh += power_kw * dt_h / self.efficiency
        self.soc_kwh = min(max(self.soc_kwh, 0.0), self.capacity_kwh)


@dataclass
class Visit:
    """A car's stay: it arrives with ``arrival_soc`` and should leave with ``target_soc``."""

    arrival: datetime
    departure: datetime
    arrival_soc: float
    target_soc: float


@dataclass
class Charger:
    """A charger with a car when one is plugged in. The car takes what the charger allows
    (0, or min..max A), starting from the next step (ramping), until it is full."""

    name: str
    phases: int = 3
    min_a: float = 6.0
    max_a: float = 16.0
    car_capacity_kwh: float = 60.0
    visits: list[Visit] = field(default_factory=list)
    allowed_a: float = 0.0
    drawing_a: float = 0.0
    soc: float = 0.0
    visit: Visit | None = None
    goals_met: int = 0
    goals_missed: int = 0
    departures: list[tuple[datetime, float, float]] = field(default_factory=list)
    ramp_s: float = 30.0
    _last_a: float = 0.0
    # The phase a 1-phase charger is wired to (L1 unless said); a 3-phase one draws from all.
    phase: str = "L1"

    def kw(self, amps: float) -> float:
        return kw_from_amps(amps, self.phases)

    def on_phases(self, kw: float, count: int) -> list[float]:
        """``kw`` drawn by this charger, per phase of a ``count``-phase supply."""
        return on_phases(kw, self.phase, count, self.phases)

    @property
    def power_kw(self) -> float:
        return self.kw(self.drawing_a) if self.visit is not None else 0.0

    def arrive_and_leave(self, now: datetime) -> None:
        if self.visit is not None and now >= self.visit.departure:
            self.departures.append((self.visit.departure, self.soc, self.visit.target_soc))
            if self.soc >= self.visit.target_soc - 0.5:
                self.goals_met += 1
            else:
                self.goals_missed += 1
            self.visit = None
        if self.visit is None:
            for visit in self.visits:
                if visit.arrival <= now < visit.departure:
                    self.visit, self.soc = visit, visit.arrival_soc
                    self.visits = [v for v in self.visits if v is not visit]
                    break

    def step(self, dt_h: float) -> None:
        """This step's current: what the charger allows (0 below the minimum), until the car's own
        limit; a rise takes ``ramp_s`` to reach, a cut is immediate."""
        wanted = min(self.allowed_a, self.max_a) if self.allowed_a >= self.min_a else 0.0
        if self.visit is None or self.soc >= self.visit.target_soc:
            wanted = 0.0  # the car's own charge limit stops it
        if wanted > self._last_a:
            share = max(0.0, 1.0 - self.ramp_s / (dt_h * 3600))
            self.drawing_a = self._last_a + (wanted - self._last_a) * share
        else:
            self.drawing_a = wanted
        self._last_a = wanted
        if dt_h > 0 and self.drawing_a > 0:
            # A car about to be full draws only what it still takes this tick, as its charger tapers.
            self.drawing_a = min(self.drawing_a, self.needed_kwh / dt_h / self.kw(1.0))

    def charge(self, dt_h: float) -> None:
        if self.visit is not None:
            self.soc = min(
                self.visit.target_soc if self.power_kw > 0 else self.soc,
                self.soc + self.power_kw * dt_h / self.car_capacity_kwh * 100.0,
            )

    @property
    def needed_kwh(self) -> float:
        if self.visit is None:
            return 0.0
        return max(0.0, (self.visit.target_soc - self.soc) / 100.0 * self.car_capacity_kwh)


# ------------------------------------------------------------------------- appliances and house


@dataclass
class Appliance:
    """Runs its power profile once a day inside [earliest, latest finish] when started."""

    name: str
    profile_kw: list[float]  # per 5 minutes
    earliest: time
    latest_finish: time
    started: datetime | None = None
    runs: int = 0
    phase: str | None = None  # the phase it is wired to (None: spread over all)
    starts: list[datetime] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return 5 * len(self.profile_kw)

    def power_at(self, now: datetime) -> float:
        if self.started is None:
            return 0.0
        index = int((now - self.started).total_seconds() // 300)
        return self.profile_kw[index] if 0 <= index < len(self.profile_kw) else 0.0

    def running(self, now: datetime) -> bool:
        return self.started is not None and now < self.started + timedelta(minutes=self.minutes)

    def start(self, now: datetime) -> None:
        if not self.running(now):
            self.started = now
            self.runs += 1
            self.starts.append(now)


@dataclass
class WaterHeater:
    """A geyser: heats at ``power_kw`` while the water is below its setpoint (thermostat with a
    dead band); showers in the morning and evening cool it, the tank loses heat all day.

    ``driven``: its element is switched by Headroom (``command_on``) instead of the thermostat,
    which then only cuts out at ``max_c``. A shower below ``comfort_c`` is counted as cold."""

    power_kw: float = 3.0
    litres: float = 150.0
    setpoint_c: float = 60.0
    band_c: float = 5.0
    temperature_c: float = 60.0
    heating: bool = False
    driven: bool = False
    command_on: bool = False
    max_c: float = 65.0
    comfort_c: float = 45.0
    shower_litres: float = 40.0
    showers: int = 0
    cold_showers: int = 0
    phase: str | None = None  # the phase its element is wired to (None: spread over all)

    SHOWERS = ((7, 0), (19, 0))
    LOSS_C_PER_HOUR = 0.6
    COLD_WATER_C = 15.0

    def will_heat(self) -> bool:
        """Whether it heats this step, as far as its command and safety thermostat go."""
        return self.command_on and self.temperature_c < self.max_c

    def step(self, local: datetime, dt_h: float) -> float:
        # Two showers a day draw ~40 l each of hot water, replaced by cold water.
        if (local.hour, local.minute // 5) in self.SHOWERS:
            self.showers += 1
            self.cold_showers += self.temperature_c < self.comfort_c
            self.temperature_c -= self.shower_litres / self.litres * (self.temperature_c - self.COLD_WATER_C)
        self.temperature_c -= self.LOSS_C_PER_HOUR * dt_h  # standing losses
        if self.driven:
            self.heating = self.will_heat()
        elif self.temperature_c < self.setpoint_c - self.band_c:
            self.heating = True
        elif self.temperature_c >= self.setpoint_c:
            self.heating = False
        if self.heating:
            self.temperature_c += self.power_kw * dt_h * 3600 / (4.186 * self.litres)  # kJ / (kJ/K)
        return self.power_kw if self.heating else 0.0


HOUSE_PROFILE_KW = [
    0.25,
    0.22,
    0.2,
    0.2,
    0.2,
    0.25,
    0.45,
    0.7,
    0.55,
    0.4,
    0.35,
    0.4,
    0.45,
    0.4,
    0.35,
    0.4,
    0.55,
    0.8,
    1.1,
    1.0,
    0.85,
    0.7,
    0.5,
    0.35,
]


@dataclass
class BaseLoad:
    """The house's own load: a daily profile (lights, fridge, TV) with noise, a kettle now and
    then, and the oven most evenings. ``share``: how the profile splits over the phases (even
    unless said); ``spike_phase``: the kettle and oven's phase (else they split as the rest)."""

    scale: float = 1.0
    seed: int = 1
    kettle_kw: float = 2.0
    kettle_chance: float = 0.25  # per tick in the kettle hours
    kettle_hours: tuple[int, ...] = (7, 13, 16, 21)
    oven_kw: float = 2.2
    oven_chance: float = 0.7  # per evening
    oven_hour: int = 17
    share: tuple[float, ...] | None = None
    spike_phase: str | None = None

    def parts(self, local: datetime) -> tuple[float, float]:
        """The profile's load and the kettle and oven's (kW) at ``local``."""
        rng = random.Random(f"{self.seed}-{local.isoformat()}")
        value = HOUSE_PROFILE_KW[local.hour] * self.scale * (1.0 + rng.gauss(0, 0.15))
        spike = 0.0
        if local.hour in self.kettle_hours and rng.random() < self.kettle_chance:
            spike += self.kettle_kw
        day = random.Random(f"{self.seed}-oven-{local.date().isoformat()}")
        if day.random() < self.oven_chance and local.hour == self.oven_hour:
            spike += self.oven_kw
        return max(value, 0.05), spike

    def kw(self, local: datetime) -> float:
        """The house's own load now (kW)."""
        value, spike = self.parts(local)
        return value + spike

    def on_phases(self, local: datetime, count: int) -> list[float]:
        """The house's own load now, per phase of a ``count``-phase supply."""
        value, spike = self.parts(local)
        if count <= 1:
            return [value + spike]
        share = self.share if self.share is not None and len(self.share) == count else (1.0 / count,) * count
        total = sum(share) or 1.0
        out = [value * s / total for s in share]
        if self.spike_phase is not None:
            spikes = on_phases(spike, self.spike_phase, count)
        else:
            spikes = [spike * s / total for s in share]
        return [a + b for a, b in zip(out, spikes, strict=True)]

    def expected_kw(self, local: datetime) -> float:
        """What a forecaster who knows the habits but not the day would say."""
        oven = self.oven_kw * self.oven_chance if local.hour == self.oven_hour else 0.0
        kettle = self.kettle_kw * self.kettle_chance if local.hour in self.kettle_hours else 0.0
        return HOUSE_PROFILE_KW[local.hour] * self.scale + oven + kettle


@dataclass
class Grid:
    """The connection: a main fuse per phase that trips when import on any phase stays above its
    rating (times ``FUSE_TRIP_FACTOR``) for a whole tick (it then stays off ``reset_minutes``), and
    outages (load shedding) on a daily schedule. ``meter_export_positive``: the grid meter counts
    export as positive (its reader must be told); ``meter_phases``: it reports each phase too."""

    fuse_a: float
    phases: int
    outages: list[tuple[time, time]] = field(default_factory=list)
    reset_minutes: int = 30
    tripped_until: datetime | None = None
    trips: int = 0
    meter_export_positive: bool = False
    meter_phases: bool = True

    @property
    def rating_kw(self) -> float:
        return kw_from_amps(self.fuse_a, self.phases)

    @property
    def phase_rating_kw(self) -> float:
        """One phase's fuse (kW)."""
        return kw_from_amps(self.fuse_a, 1)

    def available(self, now: datetime, local: datetime) -> bool:
        if self.tripped_until is not None and now < self.tripped_until:
            return False
        clock = local.time()
        return not any(start <= clock < end for start, end in self.outages)

    def check(self, now: datetime, import_kw: float) -> None:
        """Trip when the whole connection's import is above its rating."""
        if import_kw > self.rating_kw + 1e-6:
            self.trip(now)

    def check_phases(self, now: datetime, phase_kw: list[float], factor: float = 1.0) -> None:
        """Trip when any phase's import is above ``factor`` times its fuse."""
        if phase_kw and max(phase_kw) > self.phase_rating_kw * factor + 1e-6:
            self.trip(now)

    def trip(self, now: datetime) -> None:
        """The fuse blows: no grid for ``reset_minutes``."""
        self.trips += 1
        self.tripped_until = now + timedelta(minutes=self.reset_minutes)
