"""Why the plan is what it is (seed 001: easy to reason about and debug).

Each device gets a few machine-readable reasons, each a dict with a ``code`` and the steps
it concerns, from its kind's ``explain``; the site gets, per step, whether the import limit
binds. Dashboards and the ``get_plan`` service turn these into sentences.
"""

from __future__ import annotations

from .kinds import kind_of
from .model import Plan, Problem
from .views import BINDING_TOLERANCE_KW, Scene


def explain(problem: Problem, plan: Plan) -> None:
    """Fill ``plan.limit_binding`` and every device's ``reasons`` (and battery modes) in place."""
    limit = problem.site.import_limit_kw
    binding = plan.grid_import_kw >= limit - BINDING_TOLERANCE_KW
    plan.limit_binding = [bool(b) for b in binding]
    fixed_load = problem.fixed_load_kw()
    scene = Scene(
        problem=problem,
        plan=plan,
        price=problem.tariff.import_price,
        limit=limit,
        surplus=plan.pv_used_kw > fixed_load + BINDING_TOLERANCE_KW,
        net_without_devices=fixed_load - plan.pv_used_kw,
    )
    for dev in problem.devices:
        device = plan.devices.get(dev.id)
        if device is not None:
            device.reasons = kind_of(dev).explain(scene, dev, device)
