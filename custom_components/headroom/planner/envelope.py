"""Capacity envelopes (seed 000, options A and C): the kW each device may draw, per step.

Some devices plan themselves and should only be told their share. A device's allocation is
what the plan gives it, plus an equal share of the spare room up to its own maximum (its
kind's ``ceiling``); where PV or a battery lets the plan exceed the room, allocations are
scaled down. They never add up to more than the import limit minus base load and promised
loads (reservations, runs already under way), which get no envelope of their own.
"""

from __future__ import annotations

import numpy as np

from .kinds import committed, kind_of
from .model import FloatArray, Plan, Problem


def allocations(problem: Problem, plan: Plan) -> dict[str, FloatArray]:
    """Each device's capacity envelope per step (kW): what the plan gives it plus an equal share of the
    spare import room, up to what it can take; in total never more than the limit minus the fixed load."""
    room = np.clip(problem.site.import_limit_kw - problem.fixed_load_kw(), 0.0, None)
    takers: dict[str, FloatArray] = {}
    ceiling: dict[str, FloatArray] = {}
    for dev in problem.devices:
        kind = kind_of(dev)
        if dev.id not in plan.devices or committed(dev, problem.steps) is not None:
            continue
        planned = np.clip(plan.devices[dev.id].power_kw, 0.0, None)
        takers[dev.id] = planned
        ceiling[dev.id] = np.maximum(kind.ceiling(problem, dev, planned), planned)
    if not takers:
        return {}
    ids = list(takers)
    alloc = np.array([takers[i] for i in ids])
    top = np.array([ceiling[i] for i in ids])
    total = alloc.sum(axis=0)
    over = total > room
    alloc[:, over] *= room[over] / total[over]
    # Hand out the spare room equally among devices that can take more (water-filling).
    spare = np.clip(room - alloc.sum(axis=0), 0.0, None)
    for _ in range(len(ids)):
        can = top - alloc > 1e-9
        count = can.sum(axis=0)
        if not np.any((spare > 1e-9) & (count > 0)):
            break
        share = np.where(count > 0, spare / np.maximum(count, 1), 0.0)
        add = np.minimum(np.where(can, share, 0.0), top - alloc)
        alloc += add
        spare = np.clip(spare - add.sum(axis=0), 0.0, None)
    return {i: alloc[k] for k, i in enumerate(ids)}
