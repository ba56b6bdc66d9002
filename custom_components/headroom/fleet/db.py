"""Seed 002's tables for batch runs: a run plans allocations, each a site with its vehicles,
chargers and routes; the results (half-hourly charge demand per vehicle, a summary per allocation)
go back into tables beside them.

Any SQLAlchemy URL works (PostgreSQL for a real deployment); a plain path is an SQLite file.
``create`` makes the tables and loads them from CSV files (one per table, ``<table>.csv``) or one
JSON file (``{"<table>": [rows]}``). Times are stored as UTC.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    insert,
    select,
)

from .model import DEFAULT_PRICE_PER_KWH, ProblemError

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("run_id", Integer, primary_key=True),
    Column("client_id", String, nullable=True),
    Column("scheduling_version", String, nullable=True),
    Column("charging_mode", String, nullable=False, default="opt,bau"),
    Column("start", DateTime, nullable=False),
    Column("step_minutes", Integer, nullable=False, default=30),
    Column("num_days", Integer, nullable=False),
    Column("day_start_hour", Integer, nullable=False, default=6),
    Column("asc_margin", Float, nullable=False, default=0.2),
)
run_allocations = Table(
    "run_allocations",
    metadata,
    Column("run_id", Integer, primary_key=True),
    Column("allocation_id", Integer, primary_key=True),
)
allocations = Table(
    "allocations",
    metadata,
    Column("allocation_id", Integer, primary_key=True),
    Column("site_id", String, nullable=False),
    Column("description", String, nullable=True),
)
sites = Table(
    "sites",
    metadata,
    Column("site_id", String, primary_key=True),
    Column("asc_kw", Float, nullable=False),
    Column("distribution_id", String, nullable=True),
    Column("min_to_connect_minutes", Float, nullable=False, default=0.0),
)
site_load = Table(
    "site_load",
    metadata,
    Column("site_id", String, primary_key=True),
    Column("time", DateTime, primary_key=True),
    Column("load_kw", Float, nullable=False),
)
prices = Table(
    "prices",
    metadata,
    Column("distribution_id", String, primary_key=True),
    Column("time", DateTime, primary_key=True),
    Column("price", Float, nullable=False),
)
vehicle_specs = Table(
    "vehicle_specs",
    metadata,
    Column("spec_id", String, primary_key=True),
    Column("battery_kwh", Float, nullable=False),
    Column("ac_kw", Float, nullable=False, default=0.0),
    Column("dc_kw", Float, nullable=False, default=0.0),
)
allocation_chargers = Table(
    "allocation_chargers",
    metadata,
    Column("allocation_id", Integer, primary_key=True),
    Column("charger_id", String, primary_key=True),
    Column("kind", String, nullable=False),
    Column("max_kw", Float, nullable=False),
)
allocation_vehicles = Table(
    "allocation_vehicles",
    metadata,
    Column("allocation_id", Integer, primary_key=True),
    Column("vehicle_id", String, primary_key=True),
    Column("spec_id", String, nullable=False),
    Column("soc_kwh", Float, nullable=False),
    Column("kwh_per_km", Float, nullable=False, default=0.0),
)
routes = Table(
    "routes",
    metadata,
    Column("allocation_id", Integer, primary_key=True),
    Column("route_id", String, primary_key=True),
    Column("vehicle_id", String, nullable=False),
    Column("depart_at", DateTime, nullable=False),
    Column("return_at", DateTime, nullable=False),
    Column("km", Float, nullable=True),
    Column("energy_kwh", Float, nullable=True),
)
charge_demand = Table(
    "charge_demand",
    metadata,
    Column("run_id", Integer, primary_key=True),
    Column("allocation_id", Integer, primary_key=True),
    Column("mode", String, primary_key=True),
    Column("vehicle_id", String, primary_key=True),
    Column("time", DateTime, primary_key=True),
    Column("charge_kw", Float, nullable=False),
    Column("charger_id", String, nullable=True),
    Column("soc_kwh", Float, nullable=False),
)
allocation_summary = Table(
    "allocation_summary",
    metadata,
    Column("run_id", Integer, primary_key=True),
    Column("allocation_id", Integer, primary_key=True),
    Column("smart_cost", Float, nullable=True),
    Column("bau_cost", Float, nullable=True),
    Column("saving", Float, nullable=True),
    Column("smart_peak_kw", Float, nullable=True),
    Column("bau_peak_kw", Float, nullable=True),
    Column("breach_days", Integer, nullable=True),
    Column("catch_all_days", Integer, nullable=True),
    Column("smart_unmet_kwh", Float, nullable=True),
    Column("bau_unmet_kwh", Float, nullable=True),
    Column("smart_breach_kwh", Float, nullable=True),
    Column("bau_breach_kwh", Float, nullable=True),
    Column("energy_kwh", Float, nullable=True),
    Column("seconds", Float, nullable=False),
    Column("error", String, nullable=True),
)
INPUT_TABLES = (
    runs,
    run_allocations,
    allocations,
    sites,
    site_load,
    prices,
    vehicle_specs,
    allocation_chargers,
    allocation_vehicles,
    routes,
)


def engine_for(url: str) -> Engine:
    """An engine for a SQLAlchemy URL, or for an SQLite file when ``url`` is a plain path."""
    return create_engine(url if "://" in url else f"sqlite:///{url}")


def utc(value: Any, where: str) -> datetime:
    """A stored or written time as naive UTC (how the tables keep it)."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise ProblemError(where, f"is not an ISO-8601 date and time: {value!r}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def create(url: str, source: str | dict[str, list[dict[str, Any]]] | None = None) -> Engine:
    """Make the tables (those missing) and load ``source``: a folder of ``<table>.csv`` files, a
    JSON file of ``{"<table>": [rows]}`` or one fleet document (run 1, allocation 1), or the
    tables themselves."""
    engine = engine_for(url)
    metadata.create_all(engine)
    if source is None:
        return engine
    tables = _read_source(Path(source)) if isinstance(source, str) else source
    with engine.begin() as conn:
        for table in INPUT_TABLES:
            rows = [
                _typed(table, row, f"{table.name}[{i}]") for i, row in enumerate(tables.get(table.name, []))
            ]
            if rows:
                conn.execute(insert(table), rows)
    return engine


def _read_source(path: Path) -> dict[str, list[dict[str, Any]]]:
    known = {t.name for t in INPUT_TABLES}
    if path.is_dir():
        out: dict[str, list[dict[str, Any]]] = {}
        for file in sorted(path.glob("*.csv")):
            if file.stem not in known:
                raise ProblemError(file.name, f"is not one of the tables: {', '.join(sorted(known))}")
            with file.open(newline="", encoding="utf-8") as handle:
                out[file.stem] = [dict(row) for row in csv.DictReader(handle)]
        return out
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ProblemError("", f"cannot read {path}: {err}") from err
    if isinstance(data, dict) and "version" in data:
        return fleet_tables([data])
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ProblemError("", f"{path} must be an object of tables, each a list of rows")
    unknown = sorted(set(data) - known)
    if unknown:
        raise ProblemError(unknown[0], "is not one of the tables")
    return data


def _typed(table: Table, row: Any, where: str) -> dict[str, Any]:
    """A CSV or JSON row as the table's column types ('' and null are missing)."""
    if not isinstance(row, dict):
        raise ProblemError(where, "must be an object")
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key not in table.c:
            raise ProblemError(f"{where}.{key}", "is not a column of the table")
        if value is None or value == "":
            continue
        column = table.c[key]
        path = f"{where}.{key}"
        try:
            if isinstance(column.type, DateTime):
                out[key] = utc(value, path)
            elif isinstance(column.type, Integer):
                out[key] = int(value)
            elif isinstance(column.type, Float):
                out[key] = float(value)
            else:
                out[key] = str(value)
        except (TypeError, ValueError):
            raise ProblemError(path, f"must be a {column.type}") from None
    # Every row names every column (one INSERT for them all): the default, else null.
    for column in table.columns:
        if column.name not in out:
            default = getattr(column.default, "arg", None)
            if default is None and not column.nullable:
                raise ProblemError(f"{where}.{column.name}", "is required")
            out[column.name] = default
    return out


def fleet_tables(docs: list[dict[str, Any]], run_id: int = 1) -> dict[str, list[dict[str, Any]]]:
    """Fleet documents (docs/fleet-format.md) as the rows of one run, allocation ``i + 1`` on site
    ``site<i + 1>`` for the ``i``-th; the run's settings are the first document's."""
    first = docs[0]
    out: dict[str, list[dict[str, Any]]] = {t.name: [] for t in INPUT_TABLES}
    out["runs"].append(
        {
            "run_id": run_id,
            "charging_mode": ",".join(first.get("modes", ["opt", "bau"])),
            "start": first["start"],
            "step_minutes": first.get("step_minutes", 30),
            "num_days": first.get("days", 1),
            "day_start_hour": first.get("day_start_hour", 0),
            "asc_margin": first["site"].get("asc_margin", 0.2),
        }
    )
    specs: dict[str, dict[str, Any]] = {}
    for i, doc in enumerate(docs, start=1):
        site_id = f"site{i}"
        out["run_allocations"].append({"run_id": run_id, "allocation_id": i})
        out["allocations"].append({"allocation_id": i, "site_id": site_id})
        site = doc["site"]
        out["sites"].append(
            {
                "site_id": site_id,
                "asc_kw": site["asc_kw"],
                "distribution_id": site_id if "price" in site else None,
                "min_to_connect_minutes": site.get("min_to_connect_minutes", 0.0),
            }
        )
        start = datetime.fromisoformat(doc["start"])
        step = timedelta(minutes=doc.get("step_minutes", 30))
        for key, table, column, by in (
            ("load_kw", "site_load", "load_kw", "site_id"),
            ("price", "prices", "price", "distribution_id"),
        ):
            for t, value in enumerate(site.get(key, [])):
                out[table].append({by: site_id, "time": (start + t * step).isoformat(), column: value})
        out["allocation_chargers"] += [
            {"allocation_id": i, "charger_id": c["id"], "kind": c["kind"], "max_kw": c["max_kw"]}
            for c in doc["chargers"]
        ]
        for spec in doc["vehicle_specs"]:
            specs[spec["id"]] = {
                "spec_id": spec["id"],
                "battery_kwh": spec["battery_kwh"],
                "ac_kw": spec.get("ac_kw", 0.0),
                "dc_kw": spec.get("dc_kw", 0.0),
            }
        out["allocation_vehicles"] += [
            {
                "allocation_id": i,
                "vehicle_id": v["id"],
                "spec_id": v["spec"],
                "soc_kwh": v["soc_kwh"],
                "kwh_per_km": v.get("kwh_per_km", 0.0),
            }
            for v in doc["vehicles"]
        ]
        out["routes"] += [
            {
                "allocation_id": i,
                "route_id": r["id"],
                "vehicle_id": r["vehicle"],
                "depart_at": r["depart"],
                "return_at": r["return"],
                "km": r.get("km"),
                "energy_kwh": r.get("energy_kwh"),
            }
            for r in doc.get("routes", [])
        ]
    out["vehicle_specs"] = list(specs.values())
    return out


def write_csv(tables: dict[str, list[dict[str, Any]]], folder: Path) -> None:
    """Tables as ``<table>.csv`` files, the form ``create`` reads."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in INPUT_TABLES:
        rows = tables.get(table.name, [])
        with (folder / f"{table.name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=[c.name for c in table.columns])
            writer.writeheader()
            writer.writerows(rows)


def run_allocation_ids(engine: Engine, run_id: int) -> list[int]:
    """The allocations of a run, in order; a ``ProblemError`` when there is no such run."""
    with engine.connect() as conn:
        if conn.execute(select(runs.c.run_id).where(runs.c.run_id == run_id)).first() is None:
            raise ProblemError("--run-id", f"there is no run {run_id}")
        rows = conn.execute(
            select(run_allocations.c.allocation_id)
            .where(run_allocations.c.run_id == run_id)
            .order_by(run_allocations.c.allocation_id)
        )
        return [int(r[0]) for r in rows]


def fleet_document(engine: Engine, run_id: int, allocation_id: int) -> dict[str, Any]:
    """One allocation of a run as a fleet document (docs/fleet-format.md): missing site load is 0,
    missing prices the flat default tariff (said in the fleet's notes by the planner, or here when
    only some steps lack one)."""
    with engine.connect() as conn:
        run = conn.execute(select(runs).where(runs.c.run_id == run_id)).mappings().one()
        alloc = (
            conn.execute(select(allocations).where(allocations.c.allocation_id == allocation_id))
            .mappings()
            .first()
        )
        if alloc is None:
            raise ProblemError(f"allocation {allocation_id}", "is not in allocations")
        site = conn.execute(select(sites).where(sites.c.site_id == alloc["site_id"])).mappings().first()
        if site is None:
            raise ProblemError(f"allocation {allocation_id}.site_id", f"{alloc['site_id']!r} is not in sites")
        start = utc(run["start"], "runs.start")
        steps = int(run["num_days"]) * 1440 // int(run["step_minutes"])
        step = timedelta(minutes=int(run["step_minutes"]))
        load = _series(
            conn.execute(
                select(site_load.c.time, site_load.c.load_kw).where(site_load.c.site_id == site["site_id"])
            ),
            start,
            step,
            steps,
        )
        price = _series(
            conn.execute(
                select(prices.c.time, prices.c.price).where(
                    prices.c.distribution_id == site["distribution_id"]
                )
            ),
            start,
            step,
            steps,
        )
        chargers = conn.execute(
            select(allocation_chargers).where(allocation_chargers.c.allocation_id == allocation_id)
        ).mappings()
        vehicles = list(
            conn.execute(
                select(allocation_vehicles).where(allocation_vehicles.c.allocation_id == allocation_id)
            ).mappings()
        )
        spec_ids = {v["spec_id"] for v in vehicles}
        specs = conn.execute(select(vehicle_specs).where(vehicle_specs.c.spec_id.in_(spec_ids))).mappings()
        trips = conn.execute(select(routes).where(routes.c.allocation_id == allocation_id)).mappings()
        doc_site: dict[str, Any] = {
            "asc_kw": site["asc_kw"],
            "asc_margin": run["asc_margin"],
            "min_to_connect_minutes": site["min_to_connect_minutes"],
        }
        if any(not math.isnan(x) for x in load):
            doc_site["load_kw"] = [0.0 if math.isnan(x) else x for x in load]
        if any(not math.isnan(x) for x in price):
            doc_site["price"] = [DEFAULT_PRICE_PER_KWH if math.isnan(x) else x for x in price]
        return {
            "version": 1,
            "start": start.replace(tzinfo=UTC).isoformat(),
            "step_minutes": int(run["step_minutes"]),
            "days": int(run["num_days"]),
            "day_start_hour": int(run["day_start_hour"]),
            "site": doc_site,
            "chargers": [{"id": c["charger_id"], "kind": c["kind"], "max_kw": c["max_kw"]} for c in chargers],
            "vehicle_specs": [
                {
                    "id": s["spec_id"],
                    "battery_kwh": s["battery_kwh"],
                    "ac_kw": s["ac_kw"],
                    "dc_kw": s["dc_kw"],
                }
                for s in specs
            ],
            "vehicles": [
                {
                    "id": v["vehicle_id"],
                    "spec": v["spec_id"],
                    "soc_kwh": v["soc_kwh"],
                    "kwh_per_km": v["kwh_per_km"],
                }
                for v in vehicles
            ],
            "routes": [_route(r) for r in trips],
            "modes": _modes(str(run["charging_mode"])),
        }


def _series(rows: Iterable[Any], start: datetime, step: timedelta, steps: int) -> list[float]:
    """Rows of (time, value) as one value per step (the mean of those in it; NaN: none)."""
    sums, counts = [0.0] * steps, [0] * steps
    for moment, value in rows:
        t = math.floor((utc(moment, "time") - start) / step)
        if 0 <= t < steps:
            sums[t] += float(value)
            counts[t] += 1
    return [s / c if c else math.nan for s, c in zip(sums, counts, strict=True)]


def _route(row: Any) -> dict[str, Any]:
    out = {
        "id": row["route_id"],
        "vehicle": row["vehicle_id"],
        "depart": utc(row["depart_at"], "depart_at").replace(tzinfo=UTC).isoformat(),
        "return": utc(row["return_at"], "return_at").replace(tzinfo=UTC).isoformat(),
    }
    if row["energy_kwh"] is not None:
        out["energy_kwh"] = row["energy_kwh"]
    if row["km"] is not None:
        out["km"] = row["km"]
    return out


def _modes(text: str) -> list[str]:
    """``charging_mode`` as seed 002 writes it (``["opt", "BAU"]``) or plainly (``opt,bau``)."""
    try:
        value = json.loads(text)
    except ValueError:
        value = text.split(",")
    items = value if isinstance(value, list) else [value]
    return [str(m).strip().lower() for m in items if str(m).strip()]


def write_results(
    engine: Engine, run_id: int, allocation_id: int, demand: list[dict[str, Any]], summary: dict[str, Any]
) -> None:
    """Replace an allocation's results for this run (a run planned again overwrites its own)."""
    with engine.begin() as conn:
        for table in (charge_demand, allocation_summary):
            conn.execute(
                delete(table).where(table.c.run_id == run_id, table.c.allocation_id == allocation_id)
            )
        if demand:
            conn.execute(insert(charge_demand), demand)
        conn.execute(insert(allocation_summary), [summary])
