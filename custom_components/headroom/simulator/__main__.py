"""CLI: run a scenario with one policy, or business as usual and Headroom against the bound (``--compare``)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from .quality import evaluate, ways, ways_summary
from .run import COORDINATION_POLICIES, Result, run
from .scenario import Scenario, ScenarioError


def _print_table(results: list[Result]) -> None:
    rows = [r.table() for r in results]
    keys = list(rows[0])
    width = max(len(k) for k in keys)
    print(f"{'':{width}}  " + "  ".join(f"{r.policy:>12}" for r in results))
    for key in keys:
        print(f"{key:{width}}  " + "  ".join(f"{row[key]!s:>12}" for row in rows))


def _write_png(result: Result, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; no chart written", file=sys.stderr)
        return
    times = list(range(len(result.rows)))
    fig, (power, price) = plt.subplots(2, 1, figsize=(12, 6), sharex=True)
    for key in ("pv_kw", "house_kw", "ev_kw", "battery_kw", "grid_kw"):
        power.plot(times, [r[key] for r in result.rows], label=key.removesuffix("_kw"), linewidth=0.8)
    power.set_ylabel("kW")
    power.legend(loc="upper right", ncol=5)
    price.plot(times, [r["price"] for r in result.rows], color="black", linewidth=0.8)
    price.set_ylabel("price per kWh")
    price.set_xlabel("tick")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as err:
        raise argparse.ArgumentTypeError("seeds are whole numbers separated by commas, e.g. 1,2,3") from err
    if not seeds:
        raise argparse.ArgumentTypeError("at least one seed")
    return seeds


def _print_quality(answer: dict[str, Any]) -> None:
    print(f"bound (the least any policy could pay): {answer['bound']:.2f}")
    for name, p in answer["policies"].items():
        print(
            f"{name:>9}: comparison cost {p['cost']:.2f} (energy {p['energy_cost']:.2f}), capture mean "
            f"{p['capture']['mean']:.3f} worst {p['capture']['worst']:.3f}, trips {p['trips']}, goals "
            f"{p['goals_met']}/{p['goals_total']}, fallbacks {p['fallbacks']}, {p['cpu_seconds']:.1f} s CPU"
        )


def _policies(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names or any(n not in COORDINATION_POLICIES for n in names):
        raise argparse.ArgumentTypeError(f"policies are some of {','.join(COORDINATION_POLICIES)}")
    return names


def _write_ways_png(results: dict[str, Result], path: Path, limit_kw: float) -> None:
    """One panel per policy: the grid import, the cars' power and the limit, over the run."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; no chart written", file=sys.stderr)
        return
    fig, axes = plt.subplots(len(results), 1, figsize=(12, 2.4 * len(results)), sharex=True, squeeze=False)
    for ax, (name, result) in zip(axes[:, 0], results.items(), strict=True):
        ticks = list(range(len(result.rows)))
        ax.plot(ticks, [r["grid_kw"] for r in result.rows], label="grid", linewidth=0.9)
        ax.plot(ticks, [r["ev_kw"] for r in result.rows], label="cars", linewidth=0.9)
        ax.axhline(limit_kw, color="red", linestyle="--", linewidth=0.8, label="limit")
        ax.set_title(f"{name}: cost {result.fair_cost:.2f}, trips {result.fuse_trips}", fontsize=9)
        ax.set_ylabel("kW")
        ax.legend(loc="upper right", ncol=3, fontsize=8)
    axes[-1, 0].set_xlabel("tick")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _compare_ways(args: argparse.Namespace, scenario: Scenario) -> int:
    days = args.days if args.days is not None else float(scenario.data.get("days", 1))
    results = ways(scenario, days, args.policies, record=bool(args.png))
    answer = ways_summary(results)
    if args.json:
        print(json.dumps(answer, indent=2))
    else:
        print(f"{scenario.name}: {days:g} days")
        print(f"{'policy':>12}  {'cost':>8}  {'energy':>8}  {'trips':>5}  {'s over limit':>12}  {'goals':>6}")
        for name, p in answer["policies"].items():
            goals = f"{p['goals_met']}/{p['goals_total']}"
            print(
                f"{name:>12}  {p['cost']:8.2f}  {p['energy_cost']:8.2f}  {p['trips']:5d}  "
                f"{p['seconds_over_limit']:12d}  {goals:>6}"
            )
    if args.png:
        _write_ways_png(results, args.png, scenario.import_limit_kw)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``run`` a scenario for ``--days`` under one policy (bau, headroom), or ``--compare`` business as
    usual and Headroom (per ``--noise-seeds``) against the bound; prints a table (or ``--json``),
    optionally writes a CSV or chart. Exit code 2 when the scenario cannot be read."""
    parser = argparse.ArgumentParser(prog="python -m custom_components.headroom.simulator")
    sub = parser.add_subparsers(dest="command", required=True)
    runner = sub.add_parser("run", help="run a scenario")
    runner.add_argument("scenario", type=Path)
    runner.add_argument("--days", type=float, default=7.0)
    runner.add_argument("--policy", choices=["bau", "headroom"], default="headroom")
    runner.add_argument("--compare", action="store_true", help="bau and headroom against the bound")
    runner.add_argument(
        "--error",
        "--forecast-error",
        dest="error",
        type=float,
        default=None,
        help="forecast error (0.2: 20 %%)",
    )
    runner.add_argument("--noise-seeds", type=_seeds, default=None, help="forecast-noise seeds, e.g. 1,2,3")
    runner.add_argument("--json", action="store_true", help="print the comparison as JSON")
    runner.add_argument("--csv", type=Path, help="write the time series (one policy)")
    runner.add_argument("--png", type=Path, help="draw the time series (needs matplotlib)")
    ways_parser = sub.add_parser("compare", help="seed 000: ways of sharing the connection, side by side")
    ways_parser.add_argument("scenario", type=Path)
    ways_parser.add_argument("--policies", type=_policies, default=list(COORDINATION_POLICIES))
    ways_parser.add_argument("--days", type=float, default=None, help="the scenario's days unless given")
    ways_parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    ways_parser.add_argument("--png", type=Path, help="one panel per policy (needs matplotlib)")
    args = parser.parse_args(argv)
    try:
        scenario = Scenario.from_json(json.loads(args.scenario.read_text()))
    except (OSError, json.JSONDecodeError, ScenarioError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.command == "compare":
        return _compare_ways(args, scenario)
    if args.compare:
        answer = evaluate(scenario, args.days, args.error, args.noise_seeds or [scenario.seed])
        if args.json:
            print(json.dumps(answer, indent=2))
        else:
            print(f"{scenario.name}: {args.days:g} days")
            _print_quality(answer)
        return 0
    print(f"{scenario.name}: {args.days:g} days")
    result = run(
        scenario,
        args.policy,
        args.days,
        forecast_error=args.error,
        record=bool(args.csv or args.png),
        noise_seed=(args.noise_seeds or [None])[0],
    )
    _print_table([result])
    if result.statuses:
        statuses = ", ".join(f"{status} {count}" for status, count in sorted(result.statuses.items()))
        print(f"plans: {statuses}; fuse cuts: {result.cuts}")
    if args.csv:
        with args.csv.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(result.rows[0]))
            writer.writeheader()
            writer.writerows(result.rows)
    if args.png:
        _write_png(result, args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
