"""A depot's fleet for one run, and its JSON form (fleet format version 1).

Everything the fleet planner needs is here as plain, validated data on the step grid: per-step
series are numpy arrays of ``steps`` values, times are step indices from ``start`` and ends are
exclusive. Reading is strict, with the planner's own reader: an unknown field or a wrong value is
a ``ProblemError`` naming the field's path (``routes[3].return``), so bad input never reaches the
solver.

Times are rounded the cautious way: a vehicle can charge in a step only if it is at the depot,
plugged in (``min_to_connect_minutes`` after it arrived), for the whole step. So an arrival rounds
up to the next step and a departure down.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np

from ..planner.plan import FloatArray
from ..planner.reader import ProblemError, Reader

FORMAT_VERSION = 1
Kind = Literal["ac", "dc"]
Mode = Literal["opt", "bau"]
MODES: tuple[Mode, ...] = ("opt", "bau")
# The tariff used when a run gives no prices (seed 002: "filled with a flat default tariff"), in the
# run's currency per kWh; the answer says so in its notes.
DEFAULT_PRICE_PER_KWH = 0.25
MAX_DAYS = 366
MAX_STEPS = 366 * 96
MAX_ITEMS = 5000


@dataclass(frozen=True, kw_only=True)
class Charger:
    """One charge point: AC or DC, at most ``max_kw``, one vehicle at a time."""

    id: str
    kind: Kind
    max_kw: float


@dataclass(frozen=True, kw_only=True)
class VehicleSpec:
    """A vehicle type: usable battery and the power it takes on AC and on DC (0: cannot)."""

    id: str
    battery_kwh: float
    ac_kw: float
    dc_kw: float

    def power_kw(self, charger: Charger) -> float:
        """What this vehicle draws at most on ``charger``: the lower of the two."""
        own = self.ac_kw if charger.kind == "ac" else self.dc_kw
        return min(own, charger.max_kw)


@dataclass(frozen=True, kw_only=True)
class Route:
    """One trip: the vehicle leaves during step ``depart_step`` and can charge again from
    ``back_step``; ``energy_kwh`` must be on board when it leaves."""

    id: str
    vehicle: str
    depart_step: int
    back_step: int
    energy_kwh: float


@dataclass(frozen=True, kw_only=True)
class Vehicle:
    """One vehicle: its type, state of charge at ``start`` and consumption."""

    id: str
    spec: VehicleSpec
    soc_kwh: float
    kwh_per_km: float


@dataclass(frozen=True, kw_only=True)
class Stay:
    """A vehicle's time at the depot between two routes: it may charge in steps
    ``[charge_from, charge_until)``, on one charger; ``route_before``/``route_after`` are indices
    into ``Fleet.routes`` (None: the horizon's start or end)."""

    index: int
    vehicle: int
    charge_from: int
    charge_until: int
    route_before: int | None
    route_after: int | None


@dataclass(frozen=True, kw_only=True)
class Site:
    """The depot's connection: ASC, the breach margin, the plug-in delay, other load and prices."""

    asc_kw: float
    asc_margin: float
    min_to_connect_steps: int
    load_kw: FloatArray
    price: FloatArray
    price_given: bool


@dataclass(frozen=True, kw_only=True)
class Fleet:
    """A run, validated and on the step grid."""

    start: datetime
    step_minutes: int
    steps: int
    days: int
    day_start_hour: int
    site: Site
    chargers: tuple[Charger, ...]
    vehicles: tuple[Vehicle, ...]
    routes: tuple[Route, ...]
    stays: tuple[Stay, ...]
    modes: tuple[Mode, ...]
    windows: tuple[tuple[int, int], ...]
    notes: tuple[str, ...]

    @property
    def step_hours(self) -> float:
        return self.step_minutes / 60.0

    @property
    def steps_per_day(self) -> int:
        return 24 * 60 // self.step_minutes

    def time_of(self, step: int) -> datetime:
        return self.start + timedelta(minutes=self.step_minutes * step)


def fleet_from_json(data: Any) -> Fleet:
    """Read a fleet document (format version 1); a ``ProblemError`` names the first bad field."""
    top = Reader(data, "")
    version = top.integer("version")
    if version != FORMAT_VERSION:
        raise ProblemError("version", f"must be {FORMAT_VERSION}")
    start = _time(top.raw("start"), "start", None)
    step_minutes = top.integer("step_minutes", 30, minimum=1, maximum=1440)
    if 1440 % step_minutes:
        raise ProblemError("step_minutes", "must divide a day (1440 minutes)")
    days = top.integer("days", 1, minimum=1, maximum=MAX_DAYS)
    steps = days * 1440 // step_minutes
    if steps > MAX_STEPS:
        raise ProblemError("step_minutes", f"makes more than {MAX_STEPS} steps over {days} days")
    day_start_hour = top.integer("day_start_hour", 0, minimum=0, maximum=23)
    notes: list[str] = []
    site = _site(top.raw("site"), steps, step_minutes, notes)
    chargers = _chargers(top.raw("chargers"))
    specs = _specs(top.raw("vehicle_specs"))
    vehicles = _vehicles(top.raw("vehicles"), specs)
    routes = _routes(top.raw("routes", []), vehicles, start, step_minutes, steps, site, notes)
    modes = _modes(top.raw("modes", list(MODES)))
    top.done()
    windows = _windows(start, step_minutes, steps, day_start_hour)
    stays = _stays(vehicles, routes, steps)
    return Fleet(
        start=start,
        step_minutes=step_minutes,
        steps=steps,
        days=days,
        day_start_hour=day_start_hour,
        site=site,
        chargers=chargers,
        vehicles=vehicles,
        routes=routes,
        stays=stays,
        modes=modes,
        windows=windows,
        notes=tuple(notes),
    )


def _time(value: Any, path: str, like: datetime | None) -> datetime:
    if not isinstance(value, str):
        raise ProblemError(path, "must be an ISO-8601 date and time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ProblemError(path, f"is not an ISO-8601 date and time: {value!r}") from None
    if like is not None and (moment.tzinfo is None) != (like.tzinfo is None):
        raise ProblemError(path, "must give a UTC offset exactly when start does")
    return moment


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProblemError(path, "must be a list")
    if len(value) > MAX_ITEMS:
        raise ProblemError(path, f"must have at most {MAX_ITEMS} entries")
    return value


def _id(reader: Reader, seen: set[str]) -> str:
    ident = reader.string("id")
    if ident in seen:
        raise ProblemError(reader.sub("id"), f"{ident!r} is used twice")
    seen.add(ident)
    return ident


def _site(value: Any, steps: int, step_minutes: int, notes: list[str]) -> Site:
    r = Reader(value, "site")
    asc_kw = r.number("asc_kw", required=True, minimum=0.0)
    margin = r.number("asc_margin", 0.2, minimum=0.0, maximum=10.0)
    minutes = r.number("min_to_connect_minutes", 0.0, minimum=0.0, maximum=24 * 60)
    load = r.optional_series("load_kw", steps, minimum=0.0)
    price = r.optional_series("price", steps, minimum=None)
    r.done()
    if price is None:
        notes.append(f"no prices given: a flat default tariff of {DEFAULT_PRICE_PER_KWH} per kWh")
    return Site(
        asc_kw=asc_kw,
        asc_margin=margin,
        min_to_connect_steps=math.ceil(minutes / step_minutes - 1e-9),
        load_kw=np.zeros(steps) if load is None else load,
        price=np.full(steps, DEFAULT_PRICE_PER_KWH) if price is None else price,
        price_given=price is not None,
    )


def _chargers(value: Any) -> tuple[Charger, ...]:
    seen: set[str] = set()
    out = []
    for i, item in enumerate(_list(value, "chargers")):
        r = Reader(item, f"chargers[{i}]")
        ident = _id(r, seen)
        kind = r.string("kind", choices=("ac", "dc"))
        max_kw = r.number("max_kw", required=True, minimum=0.0)
        r.done()
        out.append(Charger(id=ident, kind="ac" if kind == "ac" else "dc", max_kw=max_kw))
    return tuple(out)


def _specs(value: Any) -> dict[str, VehicleSpec]:
    seen: set[str] = set()
    out = {}
    for i, item in enumerate(_list(value, "vehicle_specs")):
        r = Reader(item, f"vehicle_specs[{i}]")
        ident = _id(r, seen)
        out[ident] = VehicleSpec(
            id=ident,
            battery_kwh=r.number("battery_kwh", required=True, minimum=0.0),
            ac_kw=r.number("ac_kw", 0.0, minimum=0.0),
            dc_kw=r.number("dc_kw", 0.0, minimum=0.0),
        )
        r.done()
    return out


def _vehicles(value: Any, specs: dict[str, VehicleSpec]) -> tuple[Vehicle, ...]:
    seen: set[str] = set()
    out = []
    for i, item in enumerate(_list(value, "vehicles")):
        r = Reader(item, f"vehicles[{i}]")
        ident = _id(r, seen)
        spec_id = r.string("spec")
        if spec_id not in specs:
            raise ProblemError(r.sub("spec"), f"{spec_id!r} is not in vehicle_specs")
        spec = specs[spec_id]
        soc = r.number("soc_kwh", required=True, minimum=0.0)
        if soc > spec.battery_kwh:
            raise ProblemError(r.sub("soc_kwh"), f"must be at most the battery's {spec.battery_kwh:g} kWh")
        per_km = r.number("kwh_per_km", 0.0, minimum=0.0, maximum=100.0)
        r.done()
        out.append(Vehicle(id=ident, spec=spec, soc_kwh=soc, kwh_per_km=per_km))
    return tuple(out)


def _offset_steps(moment: datetime, start: datetime, step_minutes: int) -> float:
    return (moment - start).total_seconds() / 60.0 / step_minutes


def _routes(
    value: Any,
    vehicles: tuple[Vehicle, ...],
    start: datetime,
    step_minutes: int,
    steps: int,
    site: Site,
    notes: list[str],
) -> tuple[Route, ...]:
    by_id = {v.id: v for v in vehicles}
    seen: set[str] = set()
    read: list[tuple[float, float, int, Route]] = []
    for i, item in enumerate(_list(value, "routes")):
        r = Reader(item, f"routes[{i}]")
        ident = _id(r, seen)
        vehicle = r.string("vehicle")
        if vehicle not in by_id:
            raise ProblemError(r.sub("vehicle"), f"{vehicle!r} is not in vehicles")
        depart = _time(r.raw("depart"), r.sub("depart"), start)
        back = _time(r.raw("return"), r.sub("return"), start)
        if depart < start:
            raise ProblemError(r.sub("depart"), "must be at or after start")
        if back <= depart:
            raise ProblemError(r.sub("return"), "must be after depart")
        energy = _route_energy(r, by_id[vehicle])
        r.done()
        leave = _offset_steps(depart, start, step_minutes)
        plugged = _offset_steps(back, start, step_minutes) + site.min_to_connect_steps
        route = Route(
            id=ident,
            vehicle=vehicle,
            depart_step=math.floor(leave + 1e-9),
            back_step=math.ceil(plugged - 1e-9),
            energy_kwh=energy,
        )
        read.append((leave, _offset_steps(back, start, step_minutes), i, route))
    _check_overlaps(read)
    kept = [route for leave, _, _, route in sorted(read, key=lambda x: (x[3].vehicle, x[0])) if leave < steps]
    if len(kept) < len(read):
        notes.append(f"{len(read) - len(kept)} routes leave after the horizon and are not planned")
    return tuple(kept)


def _route_energy(r: Reader, vehicle: Vehicle) -> float:
    if r.has("km") == r.has("energy_kwh"):
        raise ProblemError(r.sub("km"), "give either km or energy_kwh")
    if r.has("energy_kwh"):
        return r.number("energy_kwh", minimum=0.0)
    r.used.add("energy_kwh")
    return r.number("km", minimum=0.0) * vehicle.kwh_per_km


def _check_overlaps(read: list[tuple[float, float, int, Route]]) -> None:
    last: dict[str, tuple[float, int]] = {}
    for leave, back, i, route in sorted(read, key=lambda x: (x[3].vehicle, x[0])):
        if route.vehicle in last and leave < last[route.vehicle][0]:
            other = last[route.vehicle][1]
            raise ProblemError(
                f"routes[{i}].depart", f"is before routes[{other}] of the same vehicle returns"
            )
        last[route.vehicle] = (back, i)


def _modes(value: Any) -> tuple[Mode, ...]:
    items = _list(value, "modes")
    if not items:
        raise ProblemError("modes", "must name at least one mode")
    out: list[Mode] = []
    for i, item in enumerate(items):
        if item not in MODES:
            raise ProblemError(f"modes[{i}]", f"must be one of {', '.join(MODES)}")
        if item in out:
            raise ProblemError(f"modes[{i}]", f"{item!r} is named twice")
        out.append("opt" if item == "opt" else "bau")
    return tuple(out)


def _windows(
    start: datetime, step_minutes: int, steps: int, day_start_hour: int
) -> tuple[tuple[int, int], ...]:
    """The planning days: from ``day_start_hour`` to the next, the first from ``start``, the last to
    the horizon's end; each boundary on the step at or after that hour."""
    first = start.replace(hour=day_start_hour, minute=0, second=0, microsecond=0)
    if first <= start:
        first += timedelta(days=1)
    bounds = [0]
    moment = first
    while True:
        step = math.ceil(_offset_steps(moment, start, step_minutes) - 1e-9)
        if step >= steps:
            break
        if step > bounds[-1]:
            bounds.append(step)
        moment += timedelta(days=1)
    bounds.append(steps)
    return tuple(itertools.pairwise(bounds))


def _stays(vehicles: tuple[Vehicle, ...], routes: tuple[Route, ...], steps: int) -> tuple[Stay, ...]:
    index = {v.id: i for i, v in enumerate(vehicles)}
    by_vehicle: dict[int, list[int]] = {i: [] for i in range(len(vehicles))}
    for r, route in enumerate(routes):
        by_vehicle[index[route.vehicle]].append(r)
    stays: list[Stay] = []
    for v, own in by_vehicle.items():
        before: int | None = None
        for after in [*own, None]:
            charge_from = 0 if before is None else min(routes[before].back_step, steps)
            charge_until = steps if after is None else routes[after].depart_step
            stays.append(
                Stay(
                    index=len(stays),
                    vehicle=v,
                    charge_from=charge_from,
                    charge_until=max(charge_from, charge_until),
                    route_before=before,
                    route_after=after,
                )
            )
            before = after
    return tuple(stays)


__all__ = [
    "DEFAULT_PRICE_PER_KWH",
    "FORMAT_VERSION",
    "MODES",
    "Charger",
    "Fleet",
    "Mode",
    "ProblemError",
    "Route",
    "Site",
    "Stay",
    "Vehicle",
    "VehicleSpec",
    "fleet_from_json",
]
