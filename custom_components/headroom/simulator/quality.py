"""Decision quality over forecast-noise seeds: each policy's comparison cost against the bound.

One ``evaluate`` runs business as usual once (it forecasts nothing) and Headroom once per noise
seed, solves the bound once (it knows the realised days), and answers per policy the mean
comparison cost, the capture ratio's mean and worst over the seeds, fuse trips, EV goals met,
plans that fell back to the greedy plan, and CPU seconds per run. For Headroom also the capture
against the bound at the same end (``capture_same_end``): the bound asked to end each run holding
what that run held, so what the days' end is worth to perfect foresight is split off the gap.
"""

from __future__ import annotations

from typing import Any

from .bound import bound as lower_bound
from .run import Result, capture, run
from .scenario import Scenario


def _summary(results: list[Result], bau_cost: float, floor: float) -> dict[str, Any]:
    ratios = [capture(bau_cost, r.fair_cost, floor) for r in results]
    return {
        "cost": round(sum(r.fair_cost for r in results) / len(results), 2),
        "energy_cost": round(sum(r.cost for r in results) / len(results), 2),
        "capture": {"mean": round(sum(ratios) / len(ratios), 3), "worst": round(min(ratios), 3)},
        "trips": max(r.fuse_trips for r in results),
        "goals_met": min(r.ev_goals_met for r in results),
        "goals_total": max(r.ev_goals for r in results),
        "fallbacks": max(r.statuses.get("fallback", 0) for r in results),
        "solves": max(r.solves for r in results),
        "cpu_seconds": round(sum(r.cpu_seconds for r in results) / len(results), 1),
    }


def evaluate(scenario: Scenario, days: float, error: float | None, seeds: list[int]) -> dict[str, Any]:
    """``{"bound", "accounting", "policies": {name: summary}}`` (see the module's docstring)."""
    floor = lower_bound(scenario, days)
    bau = run(scenario, "bau", days)
    headroom = [run(scenario, "headroom", days, forecast_error=error, noise_seed=s) for s in seeds]
    same_end = [
        capture(
            bau.fair_cost,
            r.fair_cost,
            lower_bound(scenario, days, stored_gain_kwh=r.outcome.stored_gain_kwh if r.outcome else 0.0).cost,
        )
        for r in headroom
    ]
    summary = _summary(headroom, bau.fair_cost, floor.cost) | {
        "capture_same_end": {
            "mean": round(sum(same_end) / len(same_end), 3),
            "worst": round(min(same_end), 3),
        }
    }
    return {
        "bound": round(floor.cost, 2),
        "accounting": floor.accounting.as_dict(),
        "policies": {
            "bau": _summary([bau], bau.fair_cost, floor.cost),
            "headroom": summary,
        },
    }


def ways(scenario: Scenario, days: float, policies: list[str], *, record: bool = False) -> dict[str, Result]:
    """Seed 000's comparison: each way of sharing the connection (``run.COORDINATION_POLICIES``)
    on the same days and the same forecasts."""
    return {name: run(scenario, name, days, record=record) for name in policies}  # type: ignore[arg-type]


def ways_summary(results: dict[str, Result]) -> dict[str, Any]:
    """``{"policies": {name: {"cost", "energy_cost", "trips", "seconds_over_limit", "goals_met",
    "goals_total"}}}``: the comparison cost (``accounting.py``) and the energy bill alone."""
    return {
        "policies": {
            name: {
                "cost": round(r.fair_cost, 2),
                "energy_cost": round(r.cost, 2),
                "trips": r.fuse_trips,
                "seconds_over_limit": r.seconds_over_limit,
                "goals_met": r.goals_met,
                "goals_total": r.goals_total,
            }
            for name, r in results.items()
        }
    }
