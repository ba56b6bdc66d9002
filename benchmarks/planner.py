"""Planner benchmark: solve time, cost against business as usual, and MIP gap.

    .venv/bin/python -m benchmarks.planner [--homes 20] [--depots 3] [--profile]

Prints a table; asserts nothing (speed is measured here, never in tests).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from custom_components.headroom.planner import problem_from_json, solve
from custom_components.headroom.planner.formulation import formulate

from .scenarios import depot, home_with_geyser, random_home

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(name: str, problems: list[dict[str, Any]], time_limit: float) -> dict[str, Any]:
    seconds, build, saving, gaps, statuses = [], [], [], [], []
    for data in problems:
        problem = problem_from_json(data)
        t0 = time.perf_counter()
        formulate(problem)
        build.append(time.perf_counter() - t0)
        plan = solve(problem, time_limit=time_limit)
        seconds.append(plan.solve_seconds)
        saving.append(plan.baseline_cost - plan.cost)
        gaps.append(plan.mip_gap or 0.0)
        statuses.append(plan.status)
    row = {
        "case": name,
        "n": len(problems),
        "p50_s": _percentile(seconds, 0.5),
        "p95_s": _percentile(seconds, 0.95),
        "build_p50_s": _percentile(build, 0.5),
        "mean_saving": statistics.mean(saving),
        "max_gap": max(gaps),
        "statuses": ",".join(sorted(set(statuses))),
    }
    print(
        f"{name:40s} n={row['n']:3d}  p50 {row['p50_s']:7.3f} s  p95 {row['p95_s']:7.3f} s  "
        f"(build {row['build_p50_s']:.3f} s)  saving vs BAU {row['mean_saving']:9.3f}  "
        f"max gap {row['max_gap']:.1e}  {row['statuses']}",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--homes", type=int, default=20)
    parser.add_argument("--depots", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--profile", action="store_true", help="pyinstrument one 100-EV depot")
    args = parser.parse_args()

    cases: list[tuple[str, Callable[[], list[dict[str, Any]]]]] = [
        (f"example {p.stem}", lambda p=p: [json.loads(p.read_text())])
        for p in sorted(EXAMPLES.glob("*.json"))
        if "request" not in p.stem
    ]
    cases += [
        ("home 2 EV+battery+PV+2 appl, 192x15min", lambda: [random_home(s) for s in range(args.homes)]),
        ("home + geyser, 192x15min", lambda: [home_with_geyser(s) for s in range(args.homes)]),
        ("depot 30 EVs, 96x30min", lambda: [depot(30, seed=s) for s in range(args.depots)]),
        (
            "depot 30 EVs, 96x15min",
            lambda: [depot(30, seed=s, steps=96, step_minutes=15) for s in range(args.depots)],
        ),
        ("depot 100 EVs, 96x30min", lambda: [depot(100, seed=s) for s in range(args.depots)]),
    ]
    for name, make in cases:
        run(name, make(), args.time_limit)
    if args.profile:
        from pyinstrument import Profiler

        problem = problem_from_json(depot(100))
        with Profiler() as profiler:
            solve(problem, time_limit=args.time_limit)
        print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
