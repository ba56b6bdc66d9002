"""Batch runs on a real database: tables made from CSV files, every allocation of a run planned
(on a Dask local cluster, or one after another) and the results written back beside them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from custom_components.headroom.fleet import fleet_from_json, plan_fleet
from custom_components.headroom.fleet.__main__ import main
from custom_components.headroom.fleet.batch import run_sequentially
from custom_components.headroom.fleet.db import (
    allocation_summary,
    charge_demand,
    engine_for,
    fleet_document,
    fleet_tables,
    write_csv,
)

from .helpers import at, document

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "fleet" / "tables"


def two_allocations() -> list[dict[str, Any]]:
    shared: dict[str, Any] = {
        "chargers": [{"id": "ac1", "kind": "ac", "max_kw": 22.0}],
        "price": [0.3] * 13 + [0.1] * 35,
    }
    vans = [{"id": f"v{i}", "spec": "van", "soc_kwh": 5.0, "kwh_per_km": 0.25} for i in (1, 2)]
    first = document(
        vehicles=vans,
        routes=[
            {"id": f"r{i}", "vehicle": f"v{i}", "depart": at(10), "return": at(24), "energy_kwh": 60.0}
            for i in (1, 2)
        ],
        **shared,
    )
    second = document(
        vehicles=vans[:1],
        routes=[{"id": "long", "vehicle": "v1", "depart": at(6), "return": at(12), "km": 400.0}],
        **shared,
    )
    return [first, second]


def make_db(tmp_path: Path, docs: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> str:
    folder = tmp_path / "tables"
    write_csv(fleet_tables(docs), folder)
    url = str(tmp_path / "fleet.sqlite")
    assert main(["db", "create", url, "--from", str(folder)]) == 0
    capsys.readouterr()
    return url


def test_a_run_on_a_dask_local_cluster_writes_demand_and_summaries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """From the shell, as a person runs it (Dask's cluster keeps threads and sockets: its own process)."""
    docs = two_allocations()
    url = make_db(tmp_path, docs, capsys)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "custom_components.headroom.fleet",
            "run",
            url,
            "--run-id",
            "1",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "2/2 allocations" in done.stderr
    assert done.stdout.startswith("allocation 1: smart 28.0 vs BAU 41.2 (saving 13.2)")
    engine = engine_for(url)
    with engine.connect() as conn:
        summaries = [
            dict(r)
            for r in conn.execute(
                select(allocation_summary).order_by(allocation_summary.c.allocation_id)
            ).mappings()
        ]
    assert [s["allocation_id"] for s in summaries] == [1, 2]
    for allocation_id, doc in enumerate(docs, start=1):
        # What the database gave the planner is the document the tables were made from.
        read = fleet_document(engine, 1, allocation_id)
        assert read["site"]["price"] == doc["site"]["price"]
        assert len(read["routes"]) == len(doc["routes"])
        expected = plan_fleet(fleet_from_json(doc)).to_json()["modes"]
        summary = summaries[allocation_id - 1]
        assert summary["smart_cost"] == pytest.approx(expected["opt"]["cost"])
        assert summary["bau_cost"] == pytest.approx(expected["bau"]["cost"])
        assert summary["saving"] == pytest.approx(expected["bau"]["cost"] - expected["opt"]["cost"])
        assert summary["smart_unmet_kwh"] == pytest.approx(expected["opt"]["unmet_kwh"])
        with engine.connect() as conn:
            rows = conn.execute(
                select(charge_demand.c.vehicle_id, func.sum(charge_demand.c.charge_kw), func.count())
                .where(charge_demand.c.allocation_id == allocation_id, charge_demand.c.mode == "opt")
                .group_by(charge_demand.c.vehicle_id)
            ).all()
        for vehicle, kw, count in rows:
            assert count == 48  # half-hourly, one day
            assert kw == pytest.approx(sum(expected["opt"]["vehicles"][vehicle]["charge_kw"]), abs=1e-4)
    assert summaries[1]["smart_unmet_kwh"] == pytest.approx(25.0)  # 100 kWh for a 75 kWh battery


def test_a_bad_allocation_is_reported_and_the_others_are_planned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = two_allocations()
    docs[1]["routes"][0]["return"] = at(5)  # before it leaves
    url = make_db(tmp_path, docs, capsys)
    summaries = run_sequentially(url, 1)
    assert summaries[0]["error"] is None and summaries[0]["smart_cost"] == pytest.approx(28.0, abs=1e-2)
    assert summaries[1]["error"].startswith("routes[0].return: must be after depart")
    # Planned again, a run replaces its own results.
    run_sequentially(url, 1)
    with engine_for(url).connect() as conn:
        assert conn.execute(select(func.count()).select_from(allocation_summary)).scalar() == 2


def test_the_example_database_loads_and_reads_back_as_valid_fleets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(tmp_path / "example.sqlite")
    assert main(["db", "create", url, "--from", str(EXAMPLE)]) == 0
    engine = engine_for(url)
    for allocation_id in (1, 2, 3):
        fleet = fleet_from_json(fleet_document(engine, 1, allocation_id))
        assert len(fleet.vehicles) == 12 and len(fleet.chargers) == 6 and fleet.days == 3
    assert main(["run", url, "--run-id", "9"]) == 2
    assert "there is no run 9" in capsys.readouterr().err


def test_a_fleet_file_becomes_run_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = two_allocations()[0]
    file = tmp_path / "fleet.json"
    file.write_text(json.dumps(doc))
    url = f"sqlite:///{tmp_path / 'one.sqlite'}"
    assert main(["db", "create", url, "--from", str(file)]) == 0
    assert fleet_document(engine_for(url), 1, 1)["vehicles"] == doc["vehicles"]
