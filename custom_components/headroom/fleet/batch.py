"""Batch runs on a database, on Dask distributed (``requirements_fleet.txt``).

    python -m custom_components.headroom.fleet db create DB_URL [--from CSV_DIR_OR_JSON]
    python -m custom_components.headroom.fleet run DB_URL --run-id N [--scheduler ADDRESS]

``run`` plans every allocation of the run in its modes, each allocation one Dask task (they are
independent): on a local cluster by default (``--workers``, one thread each: HiGHS is
single-threaded here), on a real one with ``--scheduler``. Workers read their allocation from the
database themselves; the client writes each result back (the half-hourly charge demand per vehicle
and a summary per allocation) as it arrives, one writer for SQLite's sake, with a progress bar on
stderr. An allocation whose input is wrong gets a summary row with the error and the others go on.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from typing import Any

from .db import create, engine_for, fleet_document, run_allocation_ids, utc, write_results
from .model import ProblemError, fleet_from_json
from .plan import DEFAULT_DAY_TIME_LIMIT_S, FleetResult, plan_fleet

Result = tuple[int, list[dict[str, Any]], dict[str, Any]]


def plan_allocation(url: str, run_id: int, allocation_id: int, day_time_limit: float) -> Result:
    """One allocation, read, planned and turned into rows (a Dask task: everything it needs is in
    its arguments)."""
    started = time.perf_counter()
    try:
        doc = fleet_document(engine_for(url), run_id, allocation_id)
        result = plan_fleet(fleet_from_json(doc), day_time_limit=day_time_limit)
    except ProblemError as err:
        return (
            allocation_id,
            [],
            {
                "run_id": run_id,
                "allocation_id": allocation_id,
                "seconds": time.perf_counter() - started,
                "error": str(err),
            },
        )
    demand = _demand_rows(run_id, allocation_id, result)
    return allocation_id, demand, _summary(run_id, allocation_id, result, time.perf_counter() - started)


def _demand_rows(run_id: int, allocation_id: int, result: FleetResult) -> list[dict[str, Any]]:
    fleet = result.fleet
    start = utc(fleet.start, "start")
    times = [start + timedelta(minutes=fleet.step_minutes * t) for t in range(fleet.steps)]
    rows = []
    for name, mode in result.modes.items():
        for i, vehicle in enumerate(fleet.vehicles):
            for t, moment in enumerate(times):
                c = int(mode.charger[i, t])
                rows.append(
                    {
                        "run_id": run_id,
                        "allocation_id": allocation_id,
                        "mode": name,
                        "vehicle_id": vehicle.id,
                        "time": moment,
                        "charge_kw": round(float(mode.charge_kw[i, t]), 6),
                        "charger_id": None if c < 0 else fleet.chargers[c].id,
                        "soc_kwh": round(float(mode.soc_kwh[i, t + 1]), 6),
                    }
                )
    return rows


def _summary(run_id: int, allocation_id: int, result: FleetResult, seconds: float) -> dict[str, Any]:
    out = result.to_json()["modes"]
    opt, bau = out.get("opt"), out.get("bau")
    row: dict[str, Any] = {
        "run_id": run_id,
        "allocation_id": allocation_id,
        "seconds": seconds,
        "error": None,
    }
    if opt is not None:
        row |= {
            "smart_cost": opt["cost"],
            "smart_peak_kw": opt["peak_kw"],
            "breach_days": opt["days"].count("breach"),
            "catch_all_days": opt["days"].count("catch_all"),
            "smart_unmet_kwh": opt["unmet_kwh"],
            "smart_breach_kwh": opt["breach_kwh"],
            "energy_kwh": opt["energy_kwh"],
        }
    if bau is not None:
        row |= {"bau_cost": bau["cost"], "bau_peak_kw": bau["peak_kw"], "bau_unmet_kwh": bau["unmet_kwh"]}
        row |= {"bau_breach_kwh": bau["breach_kwh"]}
    if opt is not None and bau is not None:
        row["saving"] = round(bau["cost"] - opt["cost"], 4)
    return row


def run(
    url: str,
    run_id: int,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    day_time_limit: float = DEFAULT_DAY_TIME_LIMIT_S,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """Plan every allocation of ``run_id`` on Dask and write the results; returns the summaries."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ProblemError("run", "needs Dask distributed: pip install -r requirements_fleet.txt") from None

    engine = engine_for(url)
    ids = run_allocation_ids(engine, run_id)
    summaries: list[dict[str, Any]] = []
    cluster = None
    if not scheduler:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)  # type: ignore[no-untyped-call]
    try:
        with Client(scheduler or cluster) as client:  # type: ignore[no-untyped-call]
            futures = [
                client.submit(
                    plan_allocation, url, run_id, a, day_time_limit, pure=False, key=f"allocation-{a}"
                )
                for a in ids
            ]
            _bar(0, len(ids), progress)
            for done, future in enumerate(as_completed(futures), start=1):  # type: ignore[no-untyped-call]
                allocation_id, demand, summary = future.result()
                write_results(engine, run_id, allocation_id, demand, summary)
                summaries.append(summary)
                _bar(done, len(ids), progress)
    finally:
        if cluster is not None:
            cluster.close()
    return sorted(summaries, key=lambda s: int(s["allocation_id"]))


def run_sequentially(
    url: str, run_id: int, *, day_time_limit: float = DEFAULT_DAY_TIME_LIMIT_S
) -> list[dict[str, Any]]:
    """The same as ``run`` in this process, one allocation after the other (the benchmark's baseline)."""
    engine = engine_for(url)
    summaries = []
    for a in run_allocation_ids(engine, run_id):
        allocation_id, demand, summary = plan_allocation(url, run_id, a, day_time_limit)
        write_results(engine, run_id, allocation_id, demand, summary)
        summaries.append(summary)
    return summaries


def _bar(done: int, total: int, show: bool) -> None:
    if not show:
        return
    width = 30
    filled = width * done // max(total, 1)
    end = "\n" if done >= total else ""
    print(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} allocations",
        end=end,
        file=sys.stderr,
        flush=True,
    )


def add_commands(sub: Any) -> None:
    """The ``db create`` and ``run`` commands on the fleet command line."""
    db = sub.add_parser("db", help="make the batch tables")
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=type(db))
    make = db_sub.add_parser("create", help="create the tables, loading CSV files or a JSON file")
    make.add_argument("url", metavar="DB_URL", help="a SQLAlchemy URL, or a path for an SQLite file")
    make.add_argument("--from", dest="source", metavar="CSV_DIR_OR_JSON")
    make.set_defaults(run=_create_command)
    planner = sub.add_parser("run", help="plan every allocation of a run and write the results back")
    planner.add_argument("url", metavar="DB_URL")
    planner.add_argument("--run-id", type=int, required=True)
    planner.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler (default: a local cluster)")
    planner.add_argument("--workers", type=int, default=2, help="local cluster workers (default 2)")
    planner.add_argument("--day-time-limit", type=float, default=DEFAULT_DAY_TIME_LIMIT_S, metavar="SECONDS")
    planner.set_defaults(run=_run_command)


def _create_command(args: argparse.Namespace) -> int:
    create(args.url, args.source)
    print(f"created the fleet tables in {args.url}" + (f" from {args.source}" if args.source else ""))
    return 0


def _run_command(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise ProblemError("--workers", "must be at least 1")
    summaries = run(
        args.url,
        args.run_id,
        scheduler=args.scheduler,
        workers=args.workers,
        day_time_limit=args.day_time_limit,
    )
    for s in summaries:
        if s.get("error"):
            print(f"allocation {s['allocation_id']}: {s['error']}")
        else:
            print(
                f"allocation {s['allocation_id']}: smart {s.get('smart_cost')} vs BAU {s.get('bau_cost')} "
                f"(saving {s.get('saving')}), unmet {s.get('smart_unmet_kwh')} kWh, "
                f"breach days {s.get('breach_days')}, catch-all days {s.get('catch_all_days')}"
            )
    return 2 if any(s.get("error") for s in summaries) else 0
