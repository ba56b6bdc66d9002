"""The CLI under bad input (issue 13): every one exits 2 with exactly one line on stderr.

About a hundred malformed inputs: text that is not JSON (or not UTF-8, or nested past any
parser's depth), a top level that is not an object, every field of a valid problem set to NaN,
infinities, numbers too large, negative or wrong-length lists, wrong types and unknown fields;
too large a problem; bad requests and bad arguments. They run through ``main`` in this process
(a traceback would fail the test, a SIGABRT would end it); a few also as a real process, where
the exit code and stderr are the operating system's.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from custom_components.headroom.planner import ProblemError, problem_from_json, problem_to_json, solve
from custom_components.headroom.planner.__main__ import main

from .helpers import problem

# Wrong for every numeric field (a negative number is right for a price).
BAD_NUMBERS: list[Any] = [float("nan"), float("inf"), float("-inf"), 1e308, 10**400, "7"]


def valid() -> dict[str, Any]:
    data = problem_to_json(
        problem(
            devices=[
                {
                    "type": "battery",
                    "id": "bat",
                    "capacity_kwh": 10.0,
                    "soc_kwh": 5.0,
                    "max_charge_kw": 3.0,
                    "max_discharge_kw": 3.0,
                },
                {"type": "ev", "id": "car", "energy_kwh": 10.0, "max_kw": 7.0, "phases": [2]},
                {"type": "appliance", "id": "dish", "profile_kw": [1.0, 1.0], "windows": [[0, 4]]},
                {
                    "type": "thermal_storage",
                    "id": "tank",
                    "capacity_kwh": 8.0,
                    "energy_kwh": 4.0,
                    "max_kw": 3.0,
                },
                {"type": "fixed", "id": "promised", "power_kw": [0.0, 1.0, 0.0, 0.0]},
            ],
            base_load_kw=[0.5] * 4,
            site={"phases": {"count": 3, "fuse_a": 25.0, "base_share": [0.4, 0.3, 0.3]}},
        )
    )
    return json.loads(json.dumps(data))


def numeric_paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every number in the JSON, by its path (lists: their first element only)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from numeric_paths(value, (*path, key))
    elif isinstance(data, list) and data:
        yield from numeric_paths(data[0], (*path, 0))
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        yield path


def replaced(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    here: Any = out
    for key in path[:-1]:
        here = here[key]
    here[path[-1]] = value
    return out


def texts() -> list[tuple[str, bytes]]:
    """(name, file content) of each malformed problem."""
    base = valid()
    cases: list[tuple[str, bytes]] = [
        ("empty", b""),
        ("truncated", json.dumps(base).encode()[:200]),
        ("trailing comma", b'{"version": 1,}'),
        ("not utf-8", b'{"version": 1, "start": "\xff\xfe"}'),
        ("binary", bytes(range(256))),
        ("deeply nested list", b"[" * 200_000 + b"]" * 200_000),
        ("deeply nested object", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
        ("huge integer literal", b'{"version": 1, "steps": 1' + b"0" * 5000 + b"}"),
        ("huge exponent", json.dumps(base).replace('"version": 1', '"version": 1e999').encode()),
        ("NaN literal", json.dumps(base).replace('"breach_margin": 0.0', '"breach_margin": NaN').encode()),
        (
            "Infinity literal",
            json.dumps(base).replace('"breach_margin": 0.0', '"breach_margin": Infinity').encode(),
        ),
        ("long string", b'{"version": 1, "start": "' + b"x" * 100_000 + b'"}'),
    ]
    for top in ([], 1, "problem", None, True, [base]):
        cases.append((f"top level {top!r:.20}", json.dumps(top).encode()))
    for path in numeric_paths(base):
        for value in BAD_NUMBERS:
            text = json.dumps(replaced(base, path, value)).replace("Infinity", "1e999")
            cases.append((f"{'.'.join(map(str, path))}={value!r:.12}", text.encode()))
    structural: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
        ("steps negative", lambda d: d.update(steps=-4)),
        ("steps huge", lambda d: d.update(steps=10**9)),
        ("steps float", lambda d: d.update(steps=4.5)),
        ("steps string", lambda d: d.update(steps="4")),
        ("series too short", lambda d: d.update(base_load_kw=[0.5])),
        ("series empty", lambda d: d.update(pv_kw=[])),
        ("series of lists", lambda d: d.update(pv_kw=[[1.0]] * 4)),
        ("devices not a list", lambda d: d.update(devices={"a": 1})),
        ("device not an object", lambda d: d["devices"].append(3)),
        ("device type unknown", lambda d: d["devices"][0].update(type="rocket")),
        ("device without type", lambda d: d["devices"][0].pop("type")),
        ("unknown top field", lambda d: d.update(colour="red")),
        ("unknown site field", lambda d: d["site"].update(fuse=3)),
        ("unknown device field", lambda d: d["devices"][1].update(colour="red")),
        ("site a list", lambda d: d.update(site=[1])),
        ("tariff missing", lambda d: d.pop("tariff")),
        ("window negative length", lambda d: d["devices"][2].update(windows=[[3, 1]])),
        ("window huge", lambda d: d["devices"][2].update(windows=[[0, 10**400]])),
        ("window NaN", lambda d: d["devices"][2].update(windows=[[0, float("nan")]])),
        ("profile empty", lambda d: d["devices"][2].update(profile_kw=[])),
        ("profile huge", lambda d: d["devices"][2].update(profile_kw=[1e300])),
        ("phases zero", lambda d: d["devices"][1].update(phases=[0])),
        ("phases string", lambda d: d["devices"][1].update(phases="L1")),
        ("started step huge", lambda d: d["devices"][2].update(started_step=-(10**400))),
        ("min on steps huge", lambda d: d["devices"][1].update(min_on_steps=10**400)),
        ("id empty", lambda d: d["devices"][1].update(id="")),
        ("id twice", lambda d: d["devices"][1].update(id="bat")),
        ("start naive", lambda d: d.update(start="2026-01-15T00:00:00")),
        ("start a number", lambda d: d.update(start=5)),
        ("version 2", lambda d: d.update(version=2)),
        ("import caps not a list", lambda d: d["site"].update(import_caps=5)),
        ("base share wrong length", lambda d: d["site"]["phases"].update(base_share=[1.0])),
    ]
    for name, change in structural:
        data = copy.deepcopy(base)
        change(data)
        cases.append((name, json.dumps(data).replace("NaN", "1e999").encode()))
    return cases


def too_large() -> dict[str, Any]:
    """A valid problem the size cap refuses: 200 cars over 2,000 steps."""
    data = valid()
    steps = 2000
    data.update(steps=steps, base_load_kw=0.5, pv_kw=0.0)
    data["site"] = {"import_limit_kw": 100.0}
    data["tariff"] = {"import_price": 0.2}
    data["devices"] = [{"type": "ev", "id": f"car{i}", "energy_kwh": 10.0, "max_kw": 7.0} for i in range(200)]
    return data


def one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        sys.exit(main(argv))
    err = capsys.readouterr().err
    assert exited.value.code == 2, (argv, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_about_a_hundred_malformed_problems_each_exit_2_with_one_line(tmp_path, capsys):
    cases = texts()
    assert len(cases) >= 100
    for i, (name, content) in enumerate(cases):
        path = tmp_path / f"{i}.json"
        path.write_bytes(content)
        line = one_line_exit_2(capsys, ["solve", str(path), "--time-limit", "5"])
        assert "Traceback" not in line, name


def test_valid_json_with_a_bad_field_is_refused_before_planning():
    # Every replaced number is either still valid or refused naming its own field.
    base = valid()
    for path in numeric_paths(base):
        for value in (float("nan"), float("inf"), float("-inf")):
            with pytest.raises(ValueError) as err:
                problem_from_json(replaced(base, path, value))
            assert str(path[-2] if isinstance(path[-1], int) else path[-1]) in str(err.value), (path, err)


def test_too_large_a_problem_is_refused_before_it_is_built(tmp_path, capsys):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(too_large()))
    line = one_line_exit_2(capsys, ["solve", str(path)])
    assert "too large" in line


def test_bad_requests_and_arguments_exit_2_with_one_line(tmp_path, capsys):
    prob = tmp_path / "p.json"
    prob.write_text(json.dumps(valid()))
    for i, request in enumerate(
        [
            b"",
            b"[]",
            b'{"arrival": 0}',
            b'{"arrival": 0, "departure": 4, "energy_kwh": NaN, "max_kw": 7}',
            b'{"arrival": 0, "departure": 4, "energy_kwh": 5, "max_kw": 7, "id": "car"}',
            b'{"arrival": 0, "departure": 4, "energy_kwh": 5, "max_kw": 1e999}',
        ]
    ):
        req = tmp_path / f"r{i}.json"
        req.write_bytes(request)
        one_line_exit_2(capsys, ["feasibility", str(prob), str(req)])
    for argv in (
        [],
        ["plan", str(prob)],
        ["solve"],
        ["solve", str(tmp_path / "missing.json")],
        ["solve", str(tmp_path)],
        ["solve", str(prob), "--time-limit", "abc"],
        ["solve", str(prob), "--time-limit", "nan"],
        ["solve", str(prob), "--time-limit", "inf"],
        ["solve", str(prob), "--time-limit", "-1"],
        ["solve", str(prob), "--time-limit", "0"],
        ["solve", str(prob), "--time-limit", "1e308"],
        ["solve", str(prob), "--colour", "red"],
    ):
        one_line_exit_2(capsys, argv)


def test_as_a_real_process_bad_input_is_one_line_and_exit_2(tmp_path, request):
    root: Path = request.config.rootpath
    for i, content in enumerate([b"[" * 200_000, b'{"version": 1, "steps": 1' + b"0" * 5000 + b"}"]):
        path = tmp_path / f"{i}.json"
        path.write_bytes(content)
        out = subprocess.run(
            [sys.executable, "-m", "custom_components.headroom.planner", "solve", str(path)],
            capture_output=True,
            text=True,
            cwd=root,
            check=False,
        )
        assert out.returncode == 2, out.stderr
        assert len(out.stderr.splitlines()) == 1 and out.stderr.startswith("error: "), out.stderr


def test_solve_holds_its_time_limit_for_build_solve_and_fallback_together():
    # A valid 2,000-step home with 45 cars (within the size cap): too much to solve in 2 s.
    steps = 2000
    data = {
        "version": 1,
        "start": "2026-01-15T00:00:00+01:00",
        "step_minutes": 15,
        "steps": steps,
        "site": {"import_limit_kw": 40.0, "phases": {"count": 3, "fuse_a": 63.0}},
        "tariff": {"import_price": [0.1 + 0.3 * ((t // 8) % 3 == 2) for t in range(steps)]},
        "base_load_kw": [0.5 + (t % 7) / 10 for t in range(steps)],
        "devices": [
            {
                "type": "ev",
                "id": f"car{i}",
                "arrival": i * 40,
                "departure": min(steps, i * 40 + 400),
                "energy_kwh": 20.0,
                "max_kw": 7.4,
                "phases": [1 + i % 3],
            }
            for i in range(45)
        ],
    }
    prob = problem_from_json(data)
    started = time.monotonic()
    plan = solve(prob, time_limit=2.0)
    assert time.monotonic() - started < 2.0 + 0.5
    assert plan.status in ("feasible", "fallback", "optimal")
    # A solver the watchdog abandoned finishes on its own; Home Assistant's test plugin wants no
    # thread left over.
    for thread in threading.enumerate():
        if thread.name == "headroom-milp":
            thread.join()


def test_numbers_beyond_the_format_s_range_are_refused_naming_the_field():
    base = valid()
    for change, field in (
        (lambda d: d["devices"][1].update(max_kw=2e6), "devices[1].max_kw"),
        (lambda d: d["tariff"].update(import_price=-2e6), "tariff.import_price"),
        (lambda d: d["devices"][2].update(started_step=-(10**12)), "devices[2].started_step"),
        (lambda d: d["devices"][1].update(min_on_steps=5), "devices[1].min_on_steps"),
        (lambda d: d["devices"][2].update(windows=[[0, 10**12]]), "devices[2].windows[0][1]"),
        (lambda d: d["devices"][0].update(discharge_efficiency=1e-300), "devices[0].discharge_efficiency"),
    ):
        data = copy.deepcopy(base)
        change(data)
        with pytest.raises(ProblemError) as err:
            problem_from_json(data)
        assert err.value.path == field
