"""Fleet benchmark: a depot of 100 vehicles, 40 AC and 10 DC chargers, 7 days at 30 minutes.

    .venv/bin/python -m benchmarks.fleet [--vehicles 100] [--days 7] [--allocations 20] [--workers 2]

Prints the seconds each day took in each mode and the total, then (with ``--allocations``) the
same run's allocations planned one after another and on a Dask local cluster, and the ratio.
Asserts nothing: speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from custom_components.headroom.fleet import fleet_from_json, plan_fleet

START = datetime.fromisoformat("2026-03-02T06:00:00+00:00")
SPECS = [
    {"id": "van_75", "battery_kwh": 75.0, "ac_kw": 11.0, "dc_kw": 50.0},
    {"id": "van_110", "battery_kwh": 110.0, "ac_kw": 22.0, "dc_kw": 100.0},
    {"id": "truck_300", "battery_kwh": 300.0, "ac_kw": 22.0, "dc_kw": 150.0},
]


def depot(vehicles: int = 100, ac: int = 40, dc: int = 10, days: int = 7, seed: int = 1) -> dict[str, Any]:
    """A delivery depot: each vehicle leaves between 06:00 and 09:30 on most days and comes back
    between 14:00 and 20:00 having used 25-80 % of its battery; a time-of-use tariff with cheap
    nights, a workshop's load, and an ASC the vehicles cannot all draw on at once."""
    rng = random.Random(seed)
    step_minutes = 30
    steps = days * 48
    specs = SPECS
    fleet_vehicles, routes = [], []
    for i in range(vehicles):
        spec = specs[0] if i % 5 < 3 else specs[1] if i % 5 == 3 else specs[2]
        fleet_vehicles.append(
            {
                "id": f"v{i:03d}",
                "spec": spec["id"],
                "soc_kwh": round(rng.uniform(0.3, 0.9) * spec["battery_kwh"], 1),
                "kwh_per_km": 0.3,
            }
        )
        for d in range(days):
            if rng.random() < 0.15:
                continue  # a day off
            day = START.replace(hour=0) + timedelta(days=d)
            depart = day + timedelta(minutes=30 * rng.randint(12, 19))
            back = day + timedelta(minutes=30 * rng.randint(28, 40))
            routes.append(
                {
                    "id": f"v{i:03d}-d{d}",
                    "vehicle": f"v{i:03d}",
                    "depart": depart.isoformat(),
                    "return": back.isoformat(),
                    "energy_kwh": round(rng.uniform(0.25, 0.8) * spec["battery_kwh"], 1),
                }
            )
    price, load = [], []
    for t in range(steps):
        hour = (START + timedelta(minutes=step_minutes * t)).hour
        price.append(0.12 if hour < 6 or hour >= 23 else 0.38 if 16 <= hour < 20 else 0.24)
        load.append(120.0 + (80.0 if 8 <= hour < 18 else 0.0) + rng.uniform(-10, 10))
    return {
        "version": 1,
        "start": START.isoformat(),
        "step_minutes": step_minutes,
        "days": days,
        "day_start_hour": 6,
        "site": {
            "asc_kw": 800.0,
            "asc_margin": 0.2,
            "min_to_connect_minutes": 15,
            "load_kw": load,
            "price": price,
        },
        "chargers": [{"id": f"ac{i:02d}", "kind": "ac", "max_kw": 22.0} for i in range(ac)]
        + [{"id": f"dc{i:02d}", "kind": "dc", "max_kw": 150.0} for i in range(dc)],
        "vehicle_specs": specs,
        "vehicles": fleet_vehicles,
        "routes": routes,
        "modes": ["opt", "bau"],
    }


def allocations(count: int, workers: int, vehicles: int, days: int) -> None:
    """``count`` depots (one per seed) as one run in an SQLite file: planned one after another in this
    process, then on a Dask local cluster of ``workers`` (its start-up included)."""
    from custom_components.headroom.fleet.batch import run, run_sequentially
    from custom_components.headroom.fleet.db import create, fleet_tables

    docs = [depot(vehicles, days=days, seed=seed) for seed in range(1, count + 1)]
    with tempfile.TemporaryDirectory() as folder:
        url = str(Path(folder) / "fleet.sqlite")
        create(url, fleet_tables(docs))
        t0 = time.perf_counter()
        run_sequentially(url, 1)
        sequential = time.perf_counter() - t0
        t0 = time.perf_counter()
        run(url, 1, workers=workers, progress=False)
        parallel = time.perf_counter() - t0
    print(
        f"{count} allocations ({vehicles} vehicles, {days} days, both modes, results written): "
        f"sequential {sequential:.1f} s, Dask local cluster of {workers} workers {parallel:.1f} s, "
        f"ratio {sequential / parallel:.2f}"
    )


def write_example(folder: Path) -> None:
    """The example database's tables (examples/fleet/): three small depots in one run."""
    from custom_components.headroom.fleet.db import fleet_tables, write_csv

    docs = [depot(12, ac=5, dc=1, days=3, seed=seed) for seed in (1, 2, 3)]
    for doc, asc_kw in zip(docs, (400.0, 300.0, 235.0), strict=True):
        doc["site"]["asc_kw"] = asc_kw  # the last one tight: breach days
    for doc in docs:
        for route in doc["routes"]:
            route["energy_kwh"] = round(route["energy_kwh"], 1)
        doc["site"]["load_kw"] = [round(x, 1) for x in doc["site"]["load_kw"]]
    write_csv(fleet_tables(docs), folder)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fleet")
    parser.add_argument("--vehicles", type=int, default=100)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--day-time-limit", type=float, default=10.0)
    parser.add_argument("--allocations", type=int, default=20, help="0: skip the batch comparison")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--write-example", type=Path, metavar="FOLDER", help="write the example CSVs and stop"
    )
    args = parser.parse_args()
    if args.write_example:
        write_example(args.write_example)
        return
    data = depot(args.vehicles, days=args.days)
    started = time.perf_counter()
    fleet = fleet_from_json(data)
    result = plan_fleet(fleet, day_time_limit=args.day_time_limit)
    total = time.perf_counter() - started
    out = result.to_json()["modes"]
    for name, mode in out.items():
        per_day = " ".join(f"{s:.2f}" for s in mode["seconds_per_day"])
        print(f"{name:4s} days {','.join(mode['days'])}")
        print(f"     seconds per day: {per_day}")
        print(
            f"     cost {mode['cost']:.2f}  energy {mode['energy_kwh']:.1f} kWh  unmet {mode['unmet_kwh']:.1f} kWh  peak {mode['peak_kw']:.1f} kW  breach {mode['breach_kwh']:.1f} kWh"
        )
    print(f"total {total:.2f} s for {args.vehicles} vehicles, {args.days} days, both modes")
    if args.allocations:
        allocations(args.allocations, args.workers, args.vehicles, args.days)


if __name__ == "__main__":
    main()
