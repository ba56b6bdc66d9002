"""What-if: the same home planned twice, summed up side by side."""

from __future__ import annotations

from typing import Any

import numpy as np

from .model import Ev, Plan, Problem
from .solve import DEFAULT_TIME_LIMIT_S, solve


def summary(problem: Problem, plan: Plan) -> dict[str, Any]:
    dt = problem.step_hours
    shortfall = sum(plan.devices[e.id].shortfall_kwh or 0.0 for e in problem.of_kind(Ev))
    return {
        "status": plan.status,
        "cost": round(plan.cost, 4),
        "baseline_cost": round(plan.baseline_cost, 4),
        "peak_import_kw": round(float(np.max(plan.grid_import_kw, initial=0.0)), 3),
        "import_kwh": round(float(plan.grid_import_kw.sum() * dt), 3),
        "export_kwh": round(float(plan.grid_export_kw.sum() * dt), 3),
        "ev_shortfall_kwh": round(shortfall, 3),
        "breach_kwh": round(plan.breach_kwh, 3),
    }


def compare(current: Problem, variant: Problem, *, time_limit: float = DEFAULT_TIME_LIMIT_S) -> dict[str, Any]:
    now = summary(current, solve(current, time_limit=time_limit))
    then = summary(variant, solve(variant, time_limit=time_limit))
    keys = ("cost", "peak_import_kw", "import_kwh", "export_kwh", "ev_shortfall_kwh")
    return {"current": now, "variant": then,
            "difference": {k: round(then[k] - now[k], 4) for k in keys}}
