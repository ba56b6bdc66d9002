"""Capacity envelopes (seed 000, options A and C): the kW each device may draw, per step.

Some devices plan themselves and should only be told their share. A device's allocation is
what the plan gives it, plus an equal share of the spare room up to its own maximum; where
PV or a battery lets the plan exceed the room, allocations are scaled down. They never add
up to more than the import limit minus base load and promised loads (reservations, runs
already under way).
"""

from __future__ import annotations

import numpy as np

from .model import Appliance, Battery, Ev, FloatArray, Plan, Problem


def allocations(problem: Problem, plan: Plan) -> dict[str, FloatArray]:
    n = problem.steps
    room = np.clip(problem.site.import_limit_kw - problem.fixed_load_kw(), 0.0, None)
    takers: dict[str, FloatArray] = {}
    ceiling: dict[str, FloatArray] = {}
    for dev in problem.devices:
        if dev.id not in plan.devices:
            continue
        planned = np.clip(plan.devices[dev.id].power_kw, 0.0, None)
        if isinstance(dev, Ev):
            most: FloatArray = np.zeros(n)
            most[dev.arrival:dev.departure] = dev.max_kw
        elif isinstance(dev, Battery):
            most = np.full(n, dev.max_charge_kw)
        elif isinstance(dev, Appliance) and dev.started_step is None:
            most = planned.copy()  # an appliance's profile is fixed: no more than planned
        else:
            continue
        takers[dev.id] = planned
        ceiling[dev.id] = np.maximum(most, planned)
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
