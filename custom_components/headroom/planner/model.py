"""Problem and plan for one planning horizon, and their JSON form (format version 1).

Everything the solver needs is here as plain, validated data: per-step series are numpy
arrays of length ``steps``, steps are indices into the horizon and ends are exclusive.
Parsing is strict: an unknown field or a wrong value is a ``ProblemError`` naming the
field's path, so a bad input never reaches the solver.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from .units import MIN_CURRENT_A, VOLTAGE_V, kw_from_amps


FORMAT_VERSION = 1

FloatArray = NDArray[np.float64]
EvMode = Literal["cheapest", "fastest"]
PlanStatus = Literal["optimal", "feasible", "breach", "fallback"]
BatteryMode = Literal["idle", "self_consumption", "forced_charge", "forced_discharge", "non_export"]


class ProblemError(ValueError):
    """Input that cannot be planned; ``path`` names the field (e.g. ``devices[1].soc_kwh``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


@dataclass(frozen=True, kw_only=True)
class Phases:
    """A per-phase main fuse; devices name the phases (1-based) they draw from."""

    count: int = 3
    voltage_v: float = VOLTAGE_V
    fuse_a: float


@dataclass(frozen=True, kw_only=True)
class ImportCap:
    """At most ``max_kwh`` imported over steps [first, end): energy moved out of a window for a
    grid operator or an aggregator. Soft: honoured before prices, never at the cost of EV goals."""

    first: int
    end: int
    max_kwh: float


@dataclass(frozen=True, kw_only=True)
class Site:
    import_limit_kw: FloatArray
    export_limit_kw: FloatArray
    breach_margin: float = 0.0
    phases: Phases | None = None
    import_caps: tuple[ImportCap, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Tariff:
    import_price: FloatArray
    export_price: FloatArray
    peak_price_per_kw: float = 0.0
    peak_kw_so_far: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Ev:
    """A charging session. Charging power is 0 or within [min_kw, max_kw]."""

    id: str
    arrival: int
    departure: int
    energy_kwh: float
    max_kw: float
    min_kw: float
    mode: EvMode = "cheapest"
    priority: int = 1
    phases: tuple[int, ...] = (1, 2, 3)
    power_now_kw: float = 0.0
    start_penalty: float = 0.02
    min_on_steps: int = 1
    previous_power_kw: FloatArray | None = None
    # A per-step ceiling below max_kw, e.g. the PV surplus for "solar only" charging.
    max_kw_per_step: FloatArray | None = None


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
    phases: tuple[int, ...] = (1, 2, 3)
    previous_power_kw: FloatArray | None = None


@dataclass(frozen=True, kw_only=True)
class Appliance:
    """A fixed power profile that runs exactly once, wholly inside one window."""

    id: str
    profile_kw: FloatArray
    windows: tuple[tuple[int, int], ...]
    started_step: int | None = None
    phases: tuple[int, ...] = (1, 2, 3)
    previous_power_kw: FloatArray | None = None

    def allowed_starts(self, steps: int) -> NDArray[np.int64]:
        """Start steps whose whole run lies inside one window (a run may outlast the horizon)."""
        length = len(self.profile_kw)
        starts: set[int] = set()
        for first, end in self.windows:
            starts.update(range(max(first, 0), min(end - length, steps - 1) + 1))
        return np.array(sorted(starts), dtype=np.int64)

    def power_for_start(self, start: int, steps: int) -> FloatArray:
        """The appliance's power per horizon step if it starts (or started) at ``start``."""
        power = np.zeros(steps)
        for k, value in enumerate(self.profile_kw):
            t = start + k
            if 0 <= t < steps:
                power[t] = value
        return power


@dataclass(frozen=True, kw_only=True)
class Fixed:
    """Power already promised to someone: a reservation, or a device that plans itself."""

    id: str
    power_kw: FloatArray
    phases: tuple[int, ...] = (1, 2, 3)


Device = Ev | Battery | Appliance | Fixed


@dataclass(frozen=True, kw_only=True)
class Problem:
    start: datetime
    step_minutes: int
    steps: int
    site: Site
    tariff: Tariff
    base_load_kw: FloatArray
    pv_kw: FloatArray
    devices: tuple[Device, ...] = ()

    @property
    def step_hours(self) -> float:
        return self.step_minutes / 60.0

    def of_kind[T](self, kind: type[T]) -> list[T]:
        return [d for d in self.devices if isinstance(d, kind)]

    def fixed_load_kw(self) -> FloatArray:
        """Base load plus every fixed device and every already-running appliance."""
        total = self.base_load_kw.copy()
        for dev in self.devices:
            if isinstance(dev, Fixed):
                total += dev.power_kw
            elif isinstance(dev, Appliance) and dev.started_step is not None:
                total += dev.power_for_start(dev.started_step, self.steps)
        return total


@dataclass(kw_only=True)
class DevicePlan:
    power_kw: FloatArray
    energy_kwh: float | None = None
    shortfall_kwh: float | None = None
    finish_step: int | None = None
    soc_kwh: FloatArray | None = None
    mode: list[BatteryMode] | None = None
    mode_factor: FloatArray | None = None
    start: int | None = None
    reasons: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"power_kw": _rounded(self.power_kw)}
        if self.energy_kwh is not None:
            out["energy_kwh"] = round(self.energy_kwh, 4)
            out["shortfall_kwh"] = round(self.shortfall_kwh or 0.0, 4)
            out["finish_step"] = self.finish_step
        if self.soc_kwh is not None:
            out["soc_kwh"] = _rounded(self.soc_kwh)
        if self.mode is not None and self.mode_factor is not None:
            out["mode"] = list(self.mode)
            out["mode_factor"] = _rounded(self.mode_factor, 3)
        if self.start is not None:
            out["start"] = self.start
        return out


@dataclass(kw_only=True)
class Plan:
    status: PlanStatus
    cost: float
    objective: float
    mip_gap: float | None
    solve_seconds: float
    grid_import_kw: FloatArray
    grid_export_kw: FloatArray
    pv_used_kw: FloatArray
    devices: dict[str, DevicePlan]
    baseline_cost: float = 0.0
    baseline_limit_exceeded_steps: int = 0
    breach_kwh: float = 0.0
    battery_wear_cost: float = 0.0
    limit_binding: list[bool] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "status": self.status,
            "cost": round(self.cost, 6),
            "objective": round(self.objective, 6),
            "mip_gap": None if self.mip_gap is None else round(self.mip_gap, 6),
            "solve_seconds": round(self.solve_seconds, 4),
            "breach_kwh": round(self.breach_kwh, 4),
            "battery_wear_cost": round(self.battery_wear_cost, 6),
            "grid_import_kw": _rounded(self.grid_import_kw),
            "grid_export_kw": _rounded(self.grid_export_kw),
            "pv_used_kw": _rounded(self.pv_used_kw),
            "devices": {k: v.to_json() for k, v in self.devices.items()},
            "baseline": {
                "cost": round(self.baseline_cost, 6),
                "limit_exceeded_steps": self.baseline_limit_exceeded_steps,
            },
            "explain": {
                "import_limit_binding": list(self.limit_binding),
                "devices": {k: v.reasons for k, v in self.devices.items()},
                "notes": list(self.notes),
            },
        }


def _rounded(values: FloatArray, digits: int = 4) -> list[float]:
    # +0.0 turns -0.0 into 0.0 so that JSON never shows "-0.0".
    return [round(float(v), digits) + 0.0 for v in values]


# --------------------------------------------------------------------------- parsing


class _Reader:
    """Reads one JSON object, remembering which keys were used so leftovers are rejected."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ProblemError(path, "must be an object")
        self.data = data
        self.path = path
        self.used: set[str] = set()

    def sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: str, default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.data or self.data[key] is None:
            if default is ...:
                raise ProblemError(self.sub(key), "is required")
            return default
        return self.data[key]

    def number(
        self, key: str, default: float | None = None, *, minimum: float | None = None,
        maximum: float | None = None, required: bool = False,
    ) -> float:
        value = self.raw(key, ... if required or default is None else default)
        return _number(value, self.sub(key), minimum, maximum)

    def integer(
        self, key: str, default: int | None = None, *, minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        value = self.raw(key, ... if default is None else default)
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise ProblemError(self.sub(key), "must be a whole number")
        if minimum is not None and value < minimum:
            raise ProblemError(self.sub(key), f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise ProblemError(self.sub(key), f"must be at most {maximum}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise ProblemError(self.sub(key), "must be true or false")
        return value

    def string(self, key: str, default: str | None = None, choices: Sequence[str] = ()) -> str:
        value = self.raw(key, ... if default is None else default)
        if not isinstance(value, str) or not value:
            raise ProblemError(self.sub(key), "must be a non-empty string")
        if choices and value not in choices:
            raise ProblemError(self.sub(key), f"must be one of {', '.join(choices)}")
        return value

    def series(
        self, key: str, steps: int, default: float | None = None, *, minimum: float | None = None,
        scalar_ok: bool = False,
    ) -> FloatArray:
        value = self.raw(key, ... if default is None else default)
        return _series(value, self.sub(key), steps, minimum=minimum, scalar_ok=scalar_ok)

    def done(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            raise ProblemError(self.sub(extra[0]), "is not a known field")


def _number(value: Any, path: str, minimum: float | None = None, maximum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProblemError(path, "must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise ProblemError(path, "must be a finite number")
    if minimum is not None and number < minimum:
        raise ProblemError(path, f"must be at least {minimum:g}")
    if maximum is not None and number > maximum:
        raise ProblemError(path, f"must be at most {maximum:g}")
    return number


def _series(
    value: Any, path: str, steps: int, *, minimum: float | None = None, scalar_ok: bool = False
) -> FloatArray:
    if scalar_ok and not isinstance(value, list):
        return np.full(steps, _number(value, path, minimum))
    if not isinstance(value, list):
        raise ProblemError(path, "must be a list" + (" or a number" if scalar_ok else ""))
    if len(value) != steps:
        raise ProblemError(path, f"must have {steps} values (one per step), not {len(value)}")
    return np.array([_number(v, f"{path}[{i}]", minimum) for i, v in enumerate(value)], dtype=float)


def _phases(reader: _Reader, site_phases: int) -> tuple[int, ...]:
    value = reader.raw("phases", list(range(1, site_phases + 1)))
    path = reader.sub("phases")
    if isinstance(value, int) and not isinstance(value, bool):
        if value not in (1, 2, 3) or value > site_phases:
            raise ProblemError(path, f"must be between 1 and {site_phases}")
        return tuple(range(1, value + 1))
    if not isinstance(value, list) or not value:
        raise ProblemError(path, "must be a phase count or a list of phase numbers")
    out = []
    for i, ph in enumerate(value):
        if isinstance(ph, bool) or not isinstance(ph, int) or not 1 <= ph <= site_phases:
            raise ProblemError(f"{path}[{i}]", f"must be a phase number from 1 to {site_phases}")
        out.append(ph)
    if len(set(out)) != len(out):
        raise ProblemError(path, "names a phase twice")
    return tuple(sorted(out))


def _previous(reader: _Reader, steps: int) -> FloatArray | None:
    if not reader.has("previous_power_kw"):
        reader.used.add("previous_power_kw")
        return None
    return reader.series("previous_power_kw", steps)


def _parse_ev(r: _Reader, steps: int, site_phases: int) -> Ev:
    arrival = r.integer("arrival", 0, minimum=0, maximum=steps)
    departure = r.integer("departure", steps, minimum=0, maximum=steps)
    if departure < arrival:
        raise ProblemError(r.sub("departure"), "must not be before arrival")
    phases = _phases(r, site_phases)
    max_kw = r.number("max_kw", minimum=0.0, required=True)
    default_min = kw_from_amps(MIN_CURRENT_A, len(phases))
    min_kw = r.number("min_kw", min(default_min, max_kw), minimum=0.0)
    if min_kw > max_kw:
        raise ProblemError(r.sub("min_kw"), "must not exceed max_kw")
    return Ev(
        id=r.string("id"),
        arrival=arrival,
        departure=departure,
        energy_kwh=r.number("energy_kwh", minimum=0.0, required=True),
        max_kw=max_kw,
        min_kw=min_kw,
        mode=r.string("mode", "cheapest", ("cheapest", "fastest")),  # type: ignore[arg-type]
        priority=r.integer("priority", 1, minimum=0, maximum=10),
        phases=phases,
        power_now_kw=r.number("power_now_kw", 0.0, minimum=0.0),
        start_penalty=r.number("start_penalty", 0.02, minimum=0.0),
        min_on_steps=r.integer("min_on_steps", 1, minimum=1),
        previous_power_kw=_previous(r, steps),
        max_kw_per_step=_optional_series(r, "max_kw_per_step", steps),
    )


def _optional_series(r: _Reader, key: str, steps: int) -> FloatArray | None:
    if not r.has(key):
        r.used.add(key)
        return None
    return r.series(key, steps, minimum=0.0)


def _parse_battery(r: _Reader, steps: int, site_phases: int) -> Battery:
    capacity = r.number("capacity_kwh", minimum=0.0, required=True)
    if capacity <= 0:
        raise ProblemError(r.sub("capacity_kwh"), "must be positive")
    min_soc = r.number("min_soc_kwh", 0.0, minimum=0.0, maximum=capacity)
    max_soc = r.number("max_soc_kwh", capacity, minimum=min_soc, maximum=capacity)
    soc = r.number("soc_kwh", required=True)
    tolerance = 1e-6 * capacity
    if not min_soc - tolerance <= soc <= max_soc + tolerance:
        raise ProblemError(r.sub("soc_kwh"), f"must be within [{min_soc:g}, {max_soc:g}] (min/max SoC)")
    soc = min(max(soc, min_soc), max_soc)
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
        phases=_phases(r, site_phases),
        previous_power_kw=_previous(r, steps),
    )


def _efficiency(r: _Reader, key: str) -> float:
    value = r.number(key, 0.95, minimum=0.0, maximum=1.0)
    if value <= 0:
        raise ProblemError(r.sub(key), "must be above 0")
    return value


def _parse_appliance(r: _Reader, steps: int, site_phases: int) -> Appliance:
    profile_raw = r.raw("profile_kw")
    path = r.sub("profile_kw")
    if not isinstance(profile_raw, list) or not profile_raw:
        raise ProblemError(path, "must be a non-empty list")
    profile = np.array([_number(v, f"{path}[{i}]", 0.0) for i, v in enumerate(profile_raw)])
    windows_raw = r.raw("windows", [[0, steps]])
    wpath = r.sub("windows")
    if not isinstance(windows_raw, list) or not windows_raw:
        raise ProblemError(wpath, "must be a non-empty list of [first_start_step, end_step]")
    windows = []
    for i, w in enumerate(windows_raw):
        if (
            not isinstance(w, list) or len(w) != 2
            or any(isinstance(x, bool) or not isinstance(x, int) for x in w)
        ):
            raise ProblemError(f"{wpath}[{i}]", "must be [first_start_step, end_step] (whole numbers)")
        if w[1] <= w[0]:
            raise ProblemError(f"{wpath}[{i}]", "must end after it starts")
        windows.append((int(w[0]), int(w[1])))
    started = None
    if r.has("started_step"):
        started = r.integer("started_step", maximum=steps - 1)
        if started + len(profile) <= 0:
            raise ProblemError(r.sub("started_step"), "the run has already finished")
    else:
        r.used.add("started_step")
    appliance = Appliance(
        id=r.string("id"),
        profile_kw=profile,
        windows=tuple(windows),
        started_step=started,
        phases=_phases(r, site_phases),
        previous_power_kw=_previous(r, steps),
    )
    if started is None and len(appliance.allowed_starts(steps)) == 0:
        raise ProblemError(wpath, f"no window fits the {len(profile)}-step run inside the horizon")
    return appliance


def _parse_fixed(r: _Reader, steps: int, site_phases: int) -> Fixed:
    return Fixed(
        id=r.string("id"),
        power_kw=r.series("power_kw", steps),
        phases=_phases(r, site_phases),
    )


_DEVICE_PARSERS: dict[str, Callable[[_Reader, int, int], Device]] = {
    "ev": _parse_ev,
    "battery": _parse_battery,
    "appliance": _parse_appliance,
    "fixed": _parse_fixed,
}


def problem_from_json(data: Any) -> Problem:
    """Build a validated ``Problem`` from format-1 JSON data (already decoded)."""
    r = _Reader(data, "")
    version = r.integer("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ProblemError("version", f"must be {FORMAT_VERSION}")
    start_raw = r.string("start")
    try:
        start = datetime.fromisoformat(start_raw)
    except ValueError as err:
        raise ProblemError("start", "must be an ISO-8601 date and time") from err
    if start.tzinfo is None:
        raise ProblemError("start", "must carry a UTC offset")
    step_minutes = r.integer("step_minutes", 15, minimum=5, maximum=60)
    steps = r.integer("steps", minimum=1, maximum=2000)

    sr = _Reader(r.raw("site"), "site")
    phases = None
    if sr.has("phases"):
        pr = _Reader(sr.raw("phases"), "site.phases")
        phases = Phases(
            count=pr.integer("count", 3, minimum=1, maximum=3),
            voltage_v=pr.number("voltage_v", VOLTAGE_V, minimum=1.0),
            fuse_a=pr.number("fuse_a", minimum=0.0, required=True),
        )
        pr.done()
    else:
        sr.used.add("phases")
    caps: list[ImportCap] = []
    caps_raw = sr.raw("import_caps", [])
    if not isinstance(caps_raw, list):
        raise ProblemError("site.import_caps", "must be a list")
    for i, raw in enumerate(caps_raw):
        cr = _Reader(raw, f"site.import_caps[{i}]")
        first = cr.integer("first", minimum=0, maximum=steps - 1)
        caps.append(ImportCap(first=first, end=cr.integer("end", minimum=first + 1, maximum=steps),
                              max_kwh=cr.number("max_kwh", minimum=0.0, required=True)))
        cr.done()
    site = Site(
        import_limit_kw=sr.series("import_limit_kw", steps, minimum=0.0, scalar_ok=True),
        export_limit_kw=sr.series("export_limit_kw", steps, 1e3, minimum=0.0, scalar_ok=True),
        breach_margin=sr.number("breach_margin", 0.0, minimum=0.0, maximum=1.0),
        phases=phases,
        import_caps=tuple(caps),
    )
    sr.done()
    site_phases = phases.count if phases else 3

    tr = _Reader(r.raw("tariff"), "tariff")
    tariff = Tariff(
        import_price=tr.series("import_price", steps, scalar_ok=True),
        export_price=tr.series("export_price", steps, 0.0, scalar_ok=True),
        peak_price_per_kw=tr.number("peak_price_per_kw", 0.0, minimum=0.0),
        peak_kw_so_far=tr.number("peak_kw_so_far", 0.0, minimum=0.0),
    )
    tr.done()

    devices_raw = r.raw("devices", [])
    if not isinstance(devices_raw, list):
        raise ProblemError("devices", "must be a list")
    devices: list[Device] = []
    seen: set[str] = set()
    for i, raw in enumerate(devices_raw):
        dr = _Reader(raw, f"devices[{i}]")
        kind = dr.string("type", choices=tuple(_DEVICE_PARSERS))
        device = _DEVICE_PARSERS[kind](dr, steps, site_phases)
        dr.done()
        if device.id in seen:
            raise ProblemError(f"devices[{i}].id", f"'{device.id}' is used twice")
        seen.add(device.id)
        devices.append(device)

    problem = Problem(
        start=start,
        step_minutes=step_minutes,
        steps=steps,
        site=site,
        tariff=tariff,
        base_load_kw=r.series("base_load_kw", steps, 0.0, minimum=0.0, scalar_ok=True),
        pv_kw=r.series("pv_kw", steps, 0.0, minimum=0.0, scalar_ok=True),
        devices=tuple(devices),
    )
    r.done()
    return problem


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """The format-1 JSON of a problem (round-trips through ``problem_from_json``)."""

    def arr(values: FloatArray) -> list[float]:
        return [float(v) for v in values]

    site: dict[str, Any] = {
        "import_limit_kw": arr(problem.site.import_limit_kw),
        "export_limit_kw": arr(problem.site.export_limit_kw),
        "breach_margin": problem.site.breach_margin,
    }
    if problem.site.import_caps:
        site["import_caps"] = [{"first": c.first, "end": c.end, "max_kwh": c.max_kwh}
                               for c in problem.site.import_caps]
    if problem.site.phases:
        p = problem.site.phases
        site["phases"] = {"count": p.count, "voltage_v": p.voltage_v, "fuse_a": p.fuse_a}
    devices: list[dict[str, Any]] = []
    for dev in problem.devices:
        out: dict[str, Any]
        if isinstance(dev, Ev):
            out = {
                "type": "ev", "id": dev.id, "arrival": dev.arrival, "departure": dev.departure,
                "energy_kwh": dev.energy_kwh, "max_kw": dev.max_kw, "min_kw": dev.min_kw,
                "mode": dev.mode, "priority": dev.priority, "power_now_kw": dev.power_now_kw,
                "start_penalty": dev.start_penalty, "min_on_steps": dev.min_on_steps,
            }
            if dev.max_kw_per_step is not None:
                out["max_kw_per_step"] = arr(dev.max_kw_per_step)
        elif isinstance(dev, Battery):
            out = {
                "type": "battery", "id": dev.id, "capacity_kwh": dev.capacity_kwh,
                "soc_kwh": dev.soc_kwh, "min_soc_kwh": dev.min_soc_kwh,
                "max_soc_kwh": dev.max_soc_kwh, "max_charge_kw": dev.max_charge_kw,
                "max_discharge_kw": dev.max_discharge_kw,
                "charge_efficiency": dev.charge_efficiency,
                "discharge_efficiency": dev.discharge_efficiency,
                "final_soc_kwh": dev.final_soc_kwh, "grid_charge": dev.grid_charge,
                "grid_export": dev.grid_export, "cycle_cost_per_kwh": dev.cycle_cost_per_kwh,
            }
        elif isinstance(dev, Appliance):
            out = {
                "type": "appliance", "id": dev.id, "profile_kw": arr(dev.profile_kw),
                "windows": [list(w) for w in dev.windows], "started_step": dev.started_step,
            }
        else:
            out = {"type": "fixed", "id": dev.id, "power_kw": arr(dev.power_kw)}
        out["phases"] = list(dev.phases)
        previous = getattr(dev, "previous_power_kw", None)
        if previous is not None:
            out["previous_power_kw"] = arr(previous)
        devices.append(out)
    return {
        "version": FORMAT_VERSION,
        "start": problem.start.isoformat(),
        "step_minutes": problem.step_minutes,
        "steps": problem.steps,
        "site": site,
        "tariff": {
            "import_price": arr(problem.tariff.import_price),
            "export_price": arr(problem.tariff.export_price),
            "peak_price_per_kw": problem.tariff.peak_price_per_kw,
            "peak_kw_so_far": problem.tariff.peak_kw_so_far,
        },
        "base_load_kw": arr(problem.base_load_kw),
        "pv_kw": arr(problem.pv_kw),
        "devices": devices,
    }


def energy_cost(problem: Problem, grid_import_kw: FloatArray, grid_export_kw: FloatArray) -> float:
    """Money only: energy bought minus energy sold, plus the capacity charge on the peak."""
    tariff = problem.tariff
    energy = float(
        np.sum(tariff.import_price * grid_import_kw - tariff.export_price * grid_export_kw)
        * problem.step_hours
    )
    peak = max(tariff.peak_kw_so_far, float(np.max(grid_import_kw, initial=0.0)))
    return energy + tariff.peak_price_per_kw * peak
