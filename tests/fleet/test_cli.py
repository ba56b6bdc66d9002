"""The command line as a person runs it: a fleet file in, the result JSON out; bad input is one
line naming the field, exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from custom_components.headroom.fleet.__main__ import main

from .helpers import at, document

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "custom_components.headroom.fleet", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def small() -> dict[str, Any]:
    return document(
        vehicles=[{"id": "v1", "spec": "van", "soc_kwh": 10.0, "kwh_per_km": 0.25}],
        routes=[{"id": "r1", "vehicle": "v1", "depart": at(3), "return": at(9), "km": 120.0}],
        chargers=[{"id": "ac1", "kind": "ac", "max_kw": 22.0}],
    )


def test_plan_prints_both_modes_as_the_format_says(tmp_path: Path) -> None:
    path = tmp_path / "fleet.json"
    path.write_text(json.dumps(small()))
    done = cli("plan", str(path))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["version"] == 1 and set(out["modes"]) == {"opt", "bau"}
    opt = out["modes"]["opt"]
    assert opt["days"] == ["normal"] and opt["routes"] == {"r1": {"shortfall_kwh": 0.0}}
    assert len(opt["site_import_kw"]) == 48
    assert len(opt["vehicles"]["v1"]["soc_kwh"]) == 49
    assert "flat default tariff" in out["notes"][0]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["site"].update(asc_kw=-1), "site.asc_kw"),
        (lambda d: d["routes"][0].update(vehicle="ghost"), "routes[0].vehicle"),
        (lambda d: d["routes"][0].update(energy_kwh=3.0), "routes[0].km"),
        (lambda d: d["routes"][0].update({"return": at(2)}), "routes[0].return"),
        (lambda d: d["chargers"][0].update(kind="ac/dc"), "chargers[0].kind"),
        (lambda d: d["vehicles"][0].update(soc_kwh=80.0), "vehicles[0].soc_kwh"),
        (lambda d: d["site"].update(price=[0.2] * 47), "site.price"),
        (lambda d: d.update(modes=["opt", "smart"]), "modes[1]"),
        (lambda d: d.update(colour="red"), "colour"),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, path: str
) -> None:
    doc = small()
    change(doc)
    file = tmp_path / "fleet.json"
    file.write_text(json.dumps(doc))
    assert main(["plan", str(file)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"error: {path}: ") and err.count("\n") == 1


def test_a_file_that_is_not_json_exits_2_from_the_shell(tmp_path: Path) -> None:
    file = tmp_path / "fleet.json"
    file.write_text("{")
    done = cli("plan", str(file))
    assert done.returncode == 2 and "is not JSON" in done.stderr and done.stdout == ""


def test_a_depot_without_vehicles_or_chargers_is_planned_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = small()
    doc["chargers"] = []
    file = tmp_path / "fleet.json"
    file.write_text(json.dumps(doc))
    assert main(["plan", str(file)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["modes"]["opt"]["routes"]["r1"]["shortfall_kwh"] == pytest.approx(20.0)  # 30 kWh, 10 on board
    doc["vehicles"], doc["routes"] = [], []
    file.write_text(json.dumps(doc))
    assert main(["plan", str(file)]) == 0
    assert json.loads(capsys.readouterr().out)["modes"]["opt"]["cost"] == 0.0
