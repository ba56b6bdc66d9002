"""Plan + readings -> what each driven device should do now, and the fast fuse cut.

Both run between plans as well as after them: ``setpoints`` on every cycle, ``fuse_cut`` the
moment the meter shows more than the limit (it does not wait for a plan).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..planner.limits import phase_currents
from ..planner.model import Phases, Plan, Problem
from ..planner.units import kw_from_amps
from .cycle import Moment
from .intents import Intents
from .kinds import policy_for
from .problem import DeviceConfig
from .readings import Readings
from .setpoints import Setpoint
from .timeline import Timeline
from .wiring import wired_phases

# Any excess over the limit is cut: the limit is a promise, not a target with slack.
LIMIT_TOLERANCE_KW = 0.0
# A cut device goes back up only as far as leaves this much room on the meter: none, since the
# plan itself may run at the limit (a raise that fits under it is what the plan asked for).
RELEASE_MARGIN_KW = 0.0


def moment_of(problem: Problem, plan: Plan, now: datetime) -> Moment:
    """The plan's step that runs now and the room it leaves under the import limit and, with a
    per-phase fuse, under each phase's fuse."""
    step = Timeline(problem.start, problem.step_minutes, problem.steps).step_of(now)
    headroom = float(problem.site.import_limit_kw[step] - plan.grid_import_kw[step])
    phases = problem.site.phases
    per_phase: tuple[float, ...] = ()
    if phases is not None:
        currents = phase_currents(problem, plan)[:, step]
        per_phase = tuple(max(float(phases.fuse_a - a) / phases.amps_per_kw, 0.0) for a in currents)
    return Moment(
        now=now,
        step=step,
        headroom_kw=max(headroom, 0.0),
        phase_headroom_kw=per_phase,
        step_minutes=float(problem.step_minutes),
    )


def setpoints(
    problem: Problem,
    plan: Plan,
    devices: Mapping[str, DeviceConfig],
    readings: Readings,
    driven: Iterable[str],
) -> list[Setpoint]:
    """What the plan's current step asks of every device Headroom drives."""
    moment = moment_of(problem, plan, readings.now)
    out: list[Setpoint] = []
    for device_id in driven:
        config, reading = devices.get(device_id), readings.devices.get(device_id)
        if config is None or reading is None:
            continue
        wanted = policy_for(config.kind).setpoint(
            moment, device_id, config.data, reading, plan.devices.get(device_id)
        )
        if wanted is not None:
            out.append(wanted)
    return out


@dataclass(frozen=True, kw_only=True)
class Drawing:
    """A load the cut may lower: what it draws by the best account there is, and on which phases."""

    device_id: str
    kind: str
    power_kw: float
    priority: int
    phases: tuple[int, ...] = (1, 2, 3)


@dataclass(frozen=True, kw_only=True)
class Excess:
    """How far the meter is over its limits now (kW; negative: room left), site-wide and per phase
    (index 0 is L1). The cut lowers loads until none is positive; a held cut is released only
    when there is room for the raise."""

    site_kw: float
    phase_kw: tuple[float, ...] = ()

    @property
    def over(self) -> bool:
        return self.site_kw > LIMIT_TOLERANCE_KW + 1e-9 or any(
            p > LIMIT_TOLERANCE_KW + 1e-9 for p in self.phase_kw
        )

    def needed_kw(self, phases: tuple[int, ...]) -> float:
        """How much a load on ``phases`` must shed to clear the site and each of its phases."""
        need = self.site_kw
        for phase in phases:
            if phase <= len(self.phase_kw):
                need = max(need, self.phase_kw[phase - 1] * len(phases))
        return need

    def less(self, phases: tuple[int, ...], kw: float) -> Excess:
        """The excess once a load on ``phases`` draws ``kw`` less (more, when negative)."""
        per_phase = list(self.phase_kw)
        for phase in phases:
            if phase <= len(per_phase):
                per_phase[phase - 1] -= kw / len(phases)
        return Excess(site_kw=self.site_kw - kw, phase_kw=tuple(per_phase))


def excess_at(
    meter_kw: float | None, phase_kw: Sequence[float | None], limit_kw: float, phases: Phases | None
) -> Excess:
    """The meter against the import limit and, with per-phase readings, each phase against its
    fuse. A phase that cannot be read says nothing (the site's total still holds)."""
    site = meter_kw - limit_kw if meter_kw is not None else 0.0
    per_phase: tuple[float, ...] = ()
    if phases is not None and phase_kw:
        fuse_kw = kw_from_amps(phases.fuse_a, 1, phases.voltage_v)
        per_phase = tuple(p - fuse_kw if p is not None else -math.inf for p in phase_kw)
    return Excess(site_kw=site, phase_kw=per_phase)


def drawing_now(
    devices: Mapping[str, DeviceConfig],
    readings: Readings,
    intents: Intents,
    commanded_kw: Mapping[str, float],
    driven: Iterable[str],
    phase_count: int = 1,
) -> list[Drawing]:
    """The loads Headroom drives that the cut may lower (each kind says whether and in which turn),
    each counted at what it was last told to draw, else at what its own sensor reads. A charger's
    power sensor lags the meter by 10-60 s: one that reads 0 while the meter is over may well be
    drawing what it was told, and one that still reads its old power after a cut already draws less."""
    out: list[Drawing] = []
    for device_id in driven:
        config, reading = devices.get(device_id), readings.devices.get(device_id)
        if config is None or reading is None:
            continue
        kind = policy_for(config.kind)
        rank = kind.cut_rank(intents, device_id)
        if rank is None:
            continue
        told = commanded_kw.get(device_id)
        power = told if told is not None else (kind.measured_kw(reading) or 0.0)
        if power > 0:
            out.append(
                Drawing(
                    device_id=device_id,
                    kind=config.kind,
                    power_kw=power,
                    priority=rank,
                    phases=wired_phases(config.data, phase_count),
                )
            )
    return out


def fuse_cut(
    excess: Excess,
    loads: list[Drawing],
    devices: Mapping[str, DeviceConfig],
    readings: Readings,
) -> list[Setpoint]:
    """Lower the loads by the meter's excess, at once, in the kinds' turn (heat stores, then batteries
    charging from the grid, then cars from the lowest priority up); a load on an overloaded phase
    sheds that phase's excess (a 1-phase load all of it, a 3-phase one a third per phase). Empty
    when the meter is within its limits."""
    if not excess.over:
        return []
    out: list[Setpoint] = []
    for load in sorted(loads, key=lambda d: d.priority):
        need = excess.needed_kw(load.phases)
        if need <= LIMIT_TOLERANCE_KW + 1e-9:
            continue
        cut = _lowered(load, max(load.power_kw - need, 0.0), devices, readings)
        out.append(cut)
        excess = excess.less(load.phases, load.power_kw - cut.power_kw)
    return out


def _lowered(
    load: Drawing, keep_kw: float, devices: Mapping[str, DeviceConfig], readings: Readings
) -> Setpoint:
    return policy_for(load.kind).cut_to(
        load.device_id, devices[load.device_id].data, readings.devices[load.device_id], keep_kw, load.power_kw
    )


def held(
    wanted: list[Setpoint],
    holds: Mapping[str, float],
    room: Excess,
    devices: Mapping[str, DeviceConfig],
    readings: Readings,
    phase_count: int = 1,
) -> tuple[list[Setpoint], dict[str, float]]:
    """A cut holds until the meter shows room: a setpoint above a device's held level goes up only
    as far as the meter's room under every limit allows, less ``RELEASE_MARGIN_KW`` (while the
    kettle is on, not at all), and the hold ends once the whole raise fits. Returns the setpoints
    to send and the holds that remain."""
    out: list[Setpoint] = []
    remaining: dict[str, float] = {}
    for setpoint in wanted:
        hold = holds.get(setpoint.device_id)
        config = devices.get(setpoint.device_id)
        reading = readings.devices.get(setpoint.device_id)
        if hold is None or setpoint.power_kw <= hold + 1e-9 or config is None or reading is None:
            out.append(setpoint)
            if hold is not None and setpoint.power_kw <= hold + 1e-9:
                remaining[setpoint.device_id] = setpoint.power_kw
            continue
        phases = wired_phases(config.data, phase_count)
        free = -room.needed_kw(phases) - RELEASE_MARGIN_KW
        raise_kw = setpoint.power_kw - hold
        if raise_kw <= free:
            out.append(setpoint)
            room = room.less(phases, -raise_kw)
            continue
        level = hold + max(free, 0.0)
        # From the held level: a partial raise is still a raise (paced like any other).
        lowered = policy_for(config.kind).cut_to(setpoint.device_id, config.data, reading, level, hold)
        remaining[setpoint.device_id] = max(lowered.power_kw, hold)
        room = room.less(phases, hold - lowered.power_kw)
        out.append(lowered)
    return out, remaining
