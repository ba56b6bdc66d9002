"""Problem for one planning horizon, and its JSON form (format version 1).

Everything the solver needs is here as plain, validated data: per-step series are numpy
arrays of length ``steps``, steps are indices into the horizon and ends are exclusive.
Parsing is strict: an unknown field or a wrong value is a ``ProblemError`` naming the
field's path, so a bad input never reaches the solver. The site, the tariff and the horizon
are read here; each device by its kind (``kinds/``), chosen by its JSON ``type``. The device
dataclasses and the plan are re-exported so that ``planner.model`` stays the one place to
import data types from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from .kinds import (
    Appliance,
    Battery,
    Device,
    Ev,
    Fixed,
    ThermalStorage,
    committed,
    kind_named,
    kind_of,
    names,
)
from .kinds import size as kind_size
from .kinds.ev import EvMode
from .plan import FORMAT_VERSION, BatteryMode, DevicePlan, FloatArray, Plan, PlanStatus
from .reader import ProblemError, Reader, listed, number
from .units import VOLTAGE_V

__all__ = [
    "FORMAT_VERSION",
    "Appliance",
    "Battery",
    "BatteryMode",
    "Device",
    "DevicePlan",
    "Ev",
    "EvMode",
    "Fixed",
    "FloatArray",
    "ImportCap",
    "Phases",
    "Plan",
    "PlanStatus",
    "Problem",
    "ProblemError",
    "Site",
    "Tariff",
    "ThermalStorage",
    "check_size",
    "energy_cost",
    "problem_from_json",
    "problem_to_json",
    "program_size",
]


# The size cap, checked before anything is built: the horizon, the horizon times the devices, and
# the program's estimated nonzeros (``program_size``). Beyond them a solve takes gigabytes and more
# than any time limit (200 cars over 2,000 steps: 2.1 GB, 84 s with a 10 s limit).
MAX_STEPS = 2000
MAX_DEVICE_STEPS = 100_000
MAX_PROGRAM_SIZE = 2_000_000

# How far a phase split given in JSON may be from summing to 1 (three shares rounded to 0.333).
SHARE_SUM_TOLERANCE = 1e-2


@dataclass(frozen=True, kw_only=True)
class Phases:
    """A per-phase main fuse; devices name the phases (1-based) they draw from.

    ``base_share`` is how the base load splits over the phases (one share per phase, summing to 1):
    an integration that measures each phase can say that one phase carries the kitchen. None
    is an even split. Shares that sum to nearly 1 are scaled to sum to exactly 1.
    """

    count: int = 3
    voltage_v: float = VOLTAGE_V
    fuse_a: float
    base_share: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.base_share is None:
            return
        path = "site.phases.base_share"
        shares = tuple(float(v) for v in self.base_share)
        if len(shares) != self.count:
            raise ProblemError(path, f"must have {self.count} values (one per phase), not {len(shares)}")
        if not all(math.isfinite(v) and v >= 0.0 for v in shares):
            raise ProblemError(path, "every share must be a finite number, at least 0")
        total = sum(shares)
        if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
            raise ProblemError(path, f"must sum to 1, not {total:g}")
        object.__setattr__(self, "base_share", tuple(v / total for v in shares))

    def shares(self) -> FloatArray:
        """The base load's share on each phase (an even split unless ``base_share`` says otherwise)."""
        if self.base_share is None:
            return np.full(self.count, 1.0 / self.count)
        return np.array(self.base_share, dtype=float)

    @property
    def amps_per_kw(self) -> float:
        """Amps on one phase per kW drawn on it."""
        return 1000.0 / self.voltage_v


@dataclass(frozen=True, kw_only=True)
class ImportCap:
    """At most ``max_kwh`` imported over steps [first, end): energy moved out of a window for a
    grid operator or an aggregator. Soft: honoured before prices, never at the cost of EV goals."""

    first: int
    end: int
    max_kwh: float


@dataclass(frozen=True, kw_only=True)
class Site:
    """The grid connection per step: import and export limits (kW), the share of the import limit a breach
    plan may add (0-1), the per-phase fuse, and import caps (kWh over a window)."""

    import_limit_kw: FloatArray
    export_limit_kw: FloatArray
    breach_margin: float = 0.0
    phases: Phases | None = None
    import_caps: tuple[ImportCap, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Tariff:
    """Import and export prices per step (currency per kWh), and a capacity charge per kW of peak import,
    counting the peak already reached this billing period."""

    import_price: FloatArray
    export_price: FloatArray
    peak_price_per_kw: float = 0.0
    peak_kw_so_far: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Problem:
    """Everything the solver needs for one horizon: ``steps`` steps of ``step_minutes`` from ``start``,
    the site, the tariff, base load and PV per step (kW), and the devices."""

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
        """Base load plus every committed device (fixed loads, appliances already running)."""
        total = self.base_load_kw.copy()
        for dev in self.devices:
            plan = committed(dev, self.steps)
            if plan is not None:
                total += plan.power_kw
        return total


# --------------------------------------------------------------------------- parsing


def _site(r: Reader, steps: int) -> Site:
    sr = Reader(r.raw("site"), "site")
    phases = None
    if sr.has("phases"):
        pr = Reader(sr.raw("phases"), "site.phases")
        count = pr.integer("count", 3, minimum=1, maximum=3)
        phases = Phases(
            count=count,
            voltage_v=pr.number("voltage_v", VOLTAGE_V, minimum=1.0),
            fuse_a=pr.number("fuse_a", minimum=0.0, required=True),
            base_share=_base_share(pr, count),
        )
        pr.done()
    else:
        sr.used.add("phases")
    caps: list[ImportCap] = []
    caps_raw = sr.raw("import_caps", [])
    if not isinstance(caps_raw, list):
        raise ProblemError("site.import_caps", "must be a list")
    for i, raw in enumerate(caps_raw):
        cr = Reader(raw, f"site.import_caps[{i}]")
        first = cr.integer("first", minimum=0, maximum=steps - 1)
        caps.append(
            ImportCap(
                first=first,
                end=cr.integer("end", minimum=first + 1, maximum=steps),
                max_kwh=cr.number("max_kwh", minimum=0.0, required=True),
            )
        )
        cr.done()
    site = Site(
        import_limit_kw=sr.series("import_limit_kw", steps, minimum=0.0, scalar_ok=True),
        export_limit_kw=sr.series("export_limit_kw", steps, 1e3, minimum=0.0, scalar_ok=True),
        breach_margin=sr.number("breach_margin", 0.0, minimum=0.0, maximum=1.0),
        phases=phases,
        import_caps=tuple(caps),
    )
    sr.done()
    return site


def _base_share(r: Reader, count: int) -> tuple[float, ...] | None:
    if not r.has("base_share"):
        r.used.add("base_share")
        return None
    raw = r.raw("base_share")
    path = r.sub("base_share")
    if not isinstance(raw, list) or len(raw) != count:
        raise ProblemError(path, f"must be a list of {count} shares (one per phase)")
    return tuple(number(v, f"{path}[{i}]", 0.0, 1.0) for i, v in enumerate(raw))


def _tariff(r: Reader, steps: int) -> Tariff:
    tr = Reader(r.raw("tariff"), "tariff")
    tariff = Tariff(
        import_price=tr.series("import_price", steps, scalar_ok=True),
        export_price=tr.series("export_price", steps, 0.0, scalar_ok=True),
        peak_price_per_kw=tr.number("peak_price_per_kw", 0.0, minimum=0.0),
        peak_kw_so_far=tr.number("peak_kw_so_far", 0.0, minimum=0.0),
    )
    tr.done()
    return tariff


def _devices(r: Reader, steps: int, site_phases: int) -> tuple[Device, ...]:
    devices_raw = r.raw("devices", [])
    if not isinstance(devices_raw, list):
        raise ProblemError("devices", "must be a list")
    devices: list[Device] = []
    seen: set[str] = set()
    for i, raw in enumerate(devices_raw):
        dr = Reader(raw, f"devices[{i}]")
        device: Device = kind_named(dr.string("type", choices=names())).parse(dr, steps, site_phases)
        dr.done()
        if device.id in seen:
            raise ProblemError(f"devices[{i}].id", f"'{device.id}' is used twice")
        seen.add(device.id)
        devices.append(device)
    return tuple(devices)


def _start(r: Reader) -> datetime:
    raw = r.string("start")
    try:
        start = datetime.fromisoformat(raw)
    except ValueError as err:
        raise ProblemError("start", "must be an ISO-8601 date and time") from err
    if start.tzinfo is None:
        raise ProblemError("start", "must carry a UTC offset")
    return start


def problem_from_json(data: Any) -> Problem:
    """Build a validated ``Problem`` from format-1 JSON data (already decoded)."""
    r = Reader(data, "")
    version = r.integer("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ProblemError("version", f"must be {FORMAT_VERSION}")
    start = _start(r)
    step_minutes = r.integer("step_minutes", 15, minimum=5, maximum=60)
    steps = r.integer("steps", minimum=1, maximum=MAX_STEPS)
    site = _site(r, steps)
    tariff = _tariff(r, steps)
    devices = _devices(r, steps, site.phases.count if site.phases else 3)
    problem = Problem(
        start=start,
        step_minutes=step_minutes,
        steps=steps,
        site=site,
        tariff=tariff,
        base_load_kw=r.series("base_load_kw", steps, 0.0, minimum=0.0, scalar_ok=True),
        pv_kw=r.series("pv_kw", steps, 0.0, minimum=0.0, scalar_ok=True),
        devices=devices,
    )
    r.done()
    check_size(problem)
    return problem


def program_size(problem: Problem) -> int:
    """Roughly how many nonzeros the problem's MILP takes: the site's rows and every device's part."""
    site_rows = 12 + (problem.site.phases.count if problem.site.phases else 0)
    return problem.steps * site_rows + sum(kind_size(dev, problem.steps) for dev in problem.devices)


def check_size(problem: Problem) -> None:
    """A ``ProblemError`` when the problem is beyond the size cap (``MAX_DEVICE_STEPS`` steps times
    devices, ``MAX_PROGRAM_SIZE`` estimated nonzeros)."""
    cells = problem.steps * len(problem.devices)
    if cells > MAX_DEVICE_STEPS:
        raise ProblemError(
            "devices",
            f"problem too large: {problem.steps} steps x {len(problem.devices)} devices, "
            f"at most {MAX_DEVICE_STEPS} in all",
        )
    size = program_size(problem)
    if size > MAX_PROGRAM_SIZE:
        raise ProblemError(
            "devices",
            f"problem too large: about {size} nonzeros to solve, at most {MAX_PROGRAM_SIZE} "
            "(long appliance windows, long minimum on-times or many devices over a long horizon)",
        )


def _device_json(dev: Device) -> dict[str, Any]:
    kind = kind_of(dev)
    return {"type": kind.name, "id": dev.id, **kind.dump(dev), "phases": list(dev.phases)}


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """The format-1 JSON of a problem (round-trips through ``problem_from_json``)."""
    site: dict[str, Any] = {
        "import_limit_kw": listed(problem.site.import_limit_kw),
        "export_limit_kw": listed(problem.site.export_limit_kw),
        "breach_margin": problem.site.breach_margin,
    }
    if problem.site.import_caps:
        site["import_caps"] = [
            {"first": c.first, "end": c.end, "max_kwh": c.max_kwh} for c in problem.site.import_caps
        ]
    if problem.site.phases:
        p = problem.site.phases
        site["phases"] = {"count": p.count, "voltage_v": p.voltage_v, "fuse_a": p.fuse_a}
        if p.base_share is not None:
            site["phases"]["base_share"] = list(p.base_share)
    return {
        "version": FORMAT_VERSION,
        "start": problem.start.isoformat(),
        "step_minutes": problem.step_minutes,
        "steps": problem.steps,
        "site": site,
        "tariff": {
            "import_price": listed(problem.tariff.import_price),
            "export_price": listed(problem.tariff.export_price),
            "peak_price_per_kw": problem.tariff.peak_price_per_kw,
            "peak_kw_so_far": problem.tariff.peak_kw_so_far,
        },
        "base_load_kw": listed(problem.base_load_kw),
        "pv_kw": listed(problem.pv_kw),
        "devices": [_device_json(dev) for dev in problem.devices],
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
