"""An appliance: a fixed power profile that runs exactly once, wholly inside one window.

MILP: one binary per allowed start, exactly one chosen; power[t] = sum_s start[s] *
profile[t - s] is tighter than on/off plus start detection (EMHASS's "sequence" loads), and
the profile's shape is kept exactly. A run already under way is committed: it stays where
it is and counts as load. Business as usual starts it as early as it may; the greedy fallback
at the first start whose whole run fits the headroom, or not at all (and says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..context import Context
from ..lp import BINARY, IntArray
from ..plan import DevicePlan, FloatArray, Reason
from ..reader import ProblemError, Reader, listed, number, whole_number
from ..views import ProblemView, Room, Scene


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


@dataclass
class ApplianceVars:
    """An appliance's part of the program: one binary per allowed start step, exactly one chosen; its
    power is the profile from that start."""

    appliance: Appliance
    starts: IntArray
    chosen: IntArray
    left_out: IntArray
    steps: int
    supply_kw = 0.0
    export_only_pv = False

    @property
    def phases(self) -> tuple[int, ...]:
        return self.appliance.phases

    def power_terms(self) -> tuple[IntArray, IntArray, FloatArray]:
        profile = self.appliance.profile_kw
        length = len(profile)
        t = (self.starts[:, None] + np.arange(length)[None, :]).ravel()
        cols = np.repeat(self.chosen, length)
        vals = np.tile(profile, len(self.starts))
        keep = t < self.steps
        return t[keep], cols[keep], vals[keep]

    def extract(self, x: FloatArray) -> DevicePlan:
        if float(x[self.left_out[0]]) > 0.5:
            return DevicePlan(power_kw=np.zeros(self.steps))
        start = int(self.starts[int(np.argmax(x[self.chosen]))])
        return DevicePlan(power_kw=self.appliance.power_for_start(start, self.steps), start=start)

    def notes(self, plan: DevicePlan) -> list[str]:
        return [] if plan.start is not None else [not_scheduled_note(self.appliance)]

    def wear_cost(self, plan: DevicePlan, dt: float) -> float:
        return 0.0


def not_scheduled_note(appliance: Appliance) -> str:
    """The note for a run that fits under the import limit nowhere in its windows."""
    return f"{appliance.id}: no start fits under the import limit; not scheduled"


def _profile(r: Reader) -> FloatArray:
    raw = r.raw("profile_kw")
    path = r.sub("profile_kw")
    if not isinstance(raw, list) or not raw:
        raise ProblemError(path, "must be a non-empty list")
    return np.array([number(v, f"{path}[{i}]", 0.0) for i, v in enumerate(raw)])


def _windows(r: Reader, steps: int) -> tuple[tuple[int, int], ...]:
    raw = r.raw("windows", [[0, steps]])
    path = r.sub("windows")
    if not isinstance(raw, list) or not raw:
        raise ProblemError(path, "must be a non-empty list of [first_start_step, end_step]")
    windows = []
    for i, w in enumerate(raw):
        if (
            not isinstance(w, list)
            or len(w) != 2
            or any(isinstance(x, bool) or not isinstance(x, int) for x in w)
        ):
            raise ProblemError(f"{path}[{i}]", "must be [first_start_step, end_step] (whole numbers)")
        first, end = (whole_number(x, f"{path}[{i}][{k}]") for k, x in enumerate(w))
        if end <= first:
            raise ProblemError(f"{path}[{i}]", "must end after it starts")
        windows.append((first, end))
    return tuple(windows)


def _started(r: Reader, steps: int, length: int) -> int | None:
    if not r.has("started_step"):
        r.used.add("started_step")
        return None
    started = r.integer("started_step", maximum=steps - 1)
    if started + length <= 0:
        raise ProblemError(r.sub("started_step"), "the run has already finished")
    return started


def _run_costs(appliance: Appliance, starts: IntArray, problem: ProblemView) -> list[float]:
    """What each allowed start's run costs at the import price (money, not the plan's cost)."""
    price = problem.tariff.import_price
    return [
        float(np.sum(appliance.power_for_start(int(s), problem.steps) * price) * problem.step_hours)
        for s in starts
    ]


class ApplianceKind:
    """The ``appliance`` kind (see the module's docstring)."""

    name = "appliance"
    model = Appliance

    def parse(self, r: Reader, steps: int, site_phases: int) -> Appliance:
        profile = _profile(r)
        windows = _windows(r, steps)
        started = _started(r, steps, len(profile))
        appliance = Appliance(
            id=r.string("id"),
            profile_kw=profile,
            windows=windows,
            started_step=started,
            phases=r.phases(site_phases),
            previous_power_kw=r.previous(steps),
        )
        if started is None and len(appliance.allowed_starts(steps)) == 0:
            raise ProblemError(
                r.sub("windows"), f"no window fits the {len(profile)}-step run inside the horizon"
            )
        return appliance

    def dump(self, appliance: Appliance) -> dict[str, Any]:
        out: dict[str, Any] = {
            "profile_kw": listed(appliance.profile_kw),
            "windows": [list(w) for w in appliance.windows],
            "started_step": appliance.started_step,
        }
        if appliance.previous_power_kw is not None:
            out["previous_power_kw"] = listed(appliance.previous_power_kw)
        return out

    def committed(self, appliance: Appliance, steps: int) -> DevicePlan | None:
        """A run already under way stays where it is."""
        if appliance.started_step is None:
            return None
        return DevicePlan(
            power_kw=appliance.power_for_start(appliance.started_step, steps), start=appliance.started_step
        )

    def build(self, ctx: Context, appliance: Appliance) -> ApplianceVars:
        lp, n = ctx.lp, ctx.steps
        starts = appliance.allowed_starts(n)
        cost = ctx.weights.tie_break * starts / max(n, 1)
        if appliance.previous_power_kw is not None:
            previous = appliance.previous_power_kw
            moved = np.array([np.abs(appliance.power_for_start(int(s), n) - previous).sum() for s in starts])
            cost = cost + ctx.weights.stability * ctx.dt * moved
        chosen = lp.add_vars(len(starts), 0.0, 1.0, cost, BINARY)
        # Left out only when no start fits (at a price above breaching the limit for its whole run),
        # so that a run that fits nowhere never leaves the program without a solution. Exactly one
        # start or left out: a continuous variable that the binaries make whole.
        run_kwh = float(appliance.profile_kw.sum()) * ctx.dt
        left_out = lp.add_vars(1, 0.0, 1.0, ctx.weights.unscheduled_per_kwh * run_kwh + ctx.weights.base)
        lp.add_rows(
            1, np.zeros(len(starts) + 1, dtype=np.int64), np.r_[chosen, left_out], 1.0, lb=1.0, ub=1.0
        )
        return ApplianceVars(appliance=appliance, starts=starts, chosen=chosen, left_out=left_out, steps=n)

    def baseline(self, problem: ProblemView, appliance: Appliance) -> DevicePlan:
        """The earliest start it may take."""
        start = int(appliance.allowed_starts(problem.steps)[0])
        return DevicePlan(power_kw=appliance.power_for_start(start, problem.steps), start=start)

    def greedy_rank(self, appliance: Appliance) -> tuple[int, int, int, str]:
        return (0, 0, 0, "")  # first: a run either fits whole or not at all

    def greedy(self, problem: ProblemView, appliance: Appliance, room: Room, notes: list[str]) -> DevicePlan:
        n = problem.steps
        for start in appliance.allowed_starts(n):
            power = appliance.power_for_start(int(start), n)
            on = np.nonzero(power)[0]
            if all(power[t] <= room.available(t, appliance.phases) + 1e-9 for t in on):
                for t in on:
                    room.take(int(t), appliance.phases, float(power[t]))
                return DevicePlan(power_kw=power, start=int(start))
        notes.append(not_scheduled_note(appliance))
        return DevicePlan(power_kw=np.zeros(n))

    def follow(self, problem: ProblemView, appliance: Appliance, net_kw: FloatArray) -> None:
        return None

    def explain(self, scene: Scene, appliance: Appliance, plan: DevicePlan) -> list[Reason]:
        """Why this start: the cheapest whole run, or the limit kept it from an earlier one."""
        if appliance.started_step is not None:
            return [{"code": "running", "start": appliance.started_step}]
        if plan.start is None:
            return [{"code": "not_scheduled"}]
        problem = scene.problem
        starts = appliance.allowed_starts(problem.steps)
        run_cost = _run_costs(appliance, starts, problem)
        chosen = int(np.nonzero(starts == plan.start)[0][0])
        earliest = appliance.power_for_start(int(starts[0]), problem.steps)
        reasons: list[Reason] = [
            {
                "code": "cheapest_window" if chosen == int(np.argmin(run_cost)) else "chosen_start",
                "start": plan.start,
                "earliest_start": int(starts[0]),
                "run_price_cost": round(run_cost[chosen], 5),
                "earliest_price_cost": round(run_cost[0], 5),
            }
        ]
        if ((scene.plan.grid_import_kw - plan.power_kw + earliest) > scene.limit + scene.tolerance_kw).any():
            reasons.append({"code": "import_limit_binding", "steps": scene.steps(earliest > 0)})
        return reasons

    def ceiling(self, problem: ProblemView, appliance: Appliance, planned: FloatArray) -> FloatArray:
        return planned.copy()  # its profile is fixed: no more than planned

    def size(self, appliance: Appliance, steps: int) -> int:
        # Each allowed start puts the whole profile into the balance and each phase's rows.
        starts = len(appliance.allowed_starts(steps)) if appliance.started_step is None else 0
        return starts * (1 + len(appliance.profile_kw) * (1 + len(appliance.phases)))


KIND = ApplianceKind()
