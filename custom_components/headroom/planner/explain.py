"""Why the plan is what it is (seed 001: easy to reason about and debug).

Each device gets a few machine-readable reasons, each a dict with a ``code`` and the steps
it concerns, from its kind's ``explain``; the site gets, per step, whether the import limit
binds. Dashboards and the ``get_plan`` service turn these into sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kinds import kind_of
from .model import Plan, Problem
from .plan import BoolArray, FloatArray

BINDING_TOLERANCE_KW = 1e-3


@dataclass(frozen=True)
class Scene:
    """The site as the plan left it: what every device's explanation measures itself against."""

    problem: Problem
    plan: Plan
    price: FloatArray
    limit: FloatArray
    surplus: BoolArray              # PV used beyond the fixed load
    net_without_devices: FloatArray  # fixed load minus PV used
    tolerance_kw: float = BINDING_TOLERANCE_KW

    @staticmethod
    def steps(mask: BoolArray) -> list[int]:
        return [int(t) for t in np.nonzero(mask)[0]]


def explain(problem: Problem, plan: Plan) -> None:
    """Fill ``plan.limit_binding`` and every device's ``reasons`` (and battery modes) in place."""
    limit = problem.site.import_limit_kw
    binding = plan.grid_import_kw >= limit - BINDING_TOLERANCE_KW
    plan.limit_binding = [bool(b) for b in binding]
    fixed_load = problem.fixed_load_kw()
    scene = Scene(
        problem=problem, plan=plan, price=problem.tariff.import_price, limit=limit,
        surplus=plan.pv_used_kw > fixed_load + BINDING_TOLERANCE_KW,
        net_without_devices=fixed_load - plan.pv_used_kw,
    )
    for dev in problem.devices:
        device = plan.devices.get(dev.id)
        if device is not None:
            device.reasons = kind_of(dev).explain(scene, dev, device)
