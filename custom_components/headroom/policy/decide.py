"""Plan + readings -> what each driven device should do now, and the fast fuse cut.

Both run between plans as well as after them: ``setpoints`` on every cycle, ``fuse_cut`` the
moment the meter shows more than the limit (it does not wait for a plan).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from ..planner.model import Plan, Problem
from .cycle import Moment
from .intents import Intents
from .kinds import policy_for
from .problem import DeviceConfig
from .readings import Readings
from .setpoints import Setpoint
from .timeline import Timeline

# Any excess over the limit is cut: the limit is a promise, not a target with slack.
LIMIT_TOLERANCE_KW = 0.0


def moment_of(problem: Problem, plan: Plan, now: datetime) -> Moment:
    """The plan's step that runs now and the room it leaves under the import limit."""
    step = Timeline(problem.start, problem.step_minutes, problem.steps).step_of(now)
    headroom = float(problem.site.import_limit_kw[step] - plan.grid_import_kw[step])
    return Moment(now=now, step=step, headroom_kw=max(headroom, 0.0))


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
    """A load the cut may lower: what it draws by the best account there is."""

    device_id: str
    kind: str
    power_kw: float
    priority: int


def drawing_now(
    devices: Mapping[str, DeviceConfig],
    readings: Readings,
    intents: Intents,
    commanded_kw: Mapping[str, float],
    driven: Iterable[str],
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
            out.append(Drawing(device_id=device_id, kind=config.kind, power_kw=power, priority=rank))
    return out


def fuse_cut(
    meter_kw: float,
    limit_kw: float,
    loads: list[Drawing],
    devices: Mapping[str, DeviceConfig],
    readings: Readings,
) -> list[Setpoint]:
    """Lower the loads by the meter's excess over the limit, at once, in the kinds' turn (heat stores,
    then batteries charging from the grid, then cars from the lowest priority up). Empty when the
    meter is within the limit."""
    excess = meter_kw - limit_kw
    if excess <= LIMIT_TOLERANCE_KW + 1e-9:
        return []
    out: list[Setpoint] = []
    for load in sorted(loads, key=lambda d: d.priority):
        if excess <= 0:
            break
        keep = max(load.power_kw - excess, 0.0)
        cut = policy_for(load.kind).cut_to(
            load.device_id,
            devices[load.device_id].data,
            readings.devices[load.device_id],
            keep,
            load.power_kw,
        )
        out.append(cut)
        excess -= load.power_kw - cut.power_kw
    return out
