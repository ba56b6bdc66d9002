"""Fleets written by hand for the tests, and the invariants every plan must keep, checked from the
input document itself (times, chargers, batteries), not from the planner's own bookkeeping."""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta
from typing import Any

START = "2026-01-05T06:00:00+00:00"
TOLERANCE = 1e-4


def at(hours: float, start: str = START) -> str:
    """The ISO time ``hours`` after ``start``."""
    return (datetime.fromisoformat(start) + timedelta(hours=hours)).isoformat()


def document(
    *,
    vehicles: list[dict[str, Any]],
    routes: list[dict[str, Any]],
    chargers: list[dict[str, Any]],
    specs: list[dict[str, Any]] | None = None,
    asc_kw: float = 1000.0,
    margin: float = 0.2,
    days: int = 1,
    step_minutes: int = 30,
    price: list[float] | None = None,
    load: list[float] | None = None,
    min_to_connect: float = 0.0,
    start: str = START,
    day_start_hour: int = 6,
) -> dict[str, Any]:
    site: dict[str, Any] = {"asc_kw": asc_kw, "asc_margin": margin, "min_to_connect_minutes": min_to_connect}
    if price is not None:
        site["price"] = price
    if load is not None:
        site["load_kw"] = load
    return {
        "version": 1,
        "start": start,
        "step_minutes": step_minutes,
        "days": days,
        "day_start_hour": day_start_hour,
        "site": site,
        "chargers": chargers,
        "vehicle_specs": specs or [{"id": "van", "battery_kwh": 75.0, "ac_kw": 22.0, "dc_kw": 50.0}],
        "vehicles": vehicles,
        "routes": routes,
        "modes": ["opt", "bau"],
    }


def chargeable(doc: dict[str, Any], vehicle: str) -> list[bool]:
    """Per step: is the vehicle at the depot and plugged in (``min_to_connect`` after it came back)
    for the whole step? From the document's own times."""
    start = datetime.fromisoformat(doc["start"])
    step = timedelta(minutes=doc["step_minutes"])
    steps = doc["days"] * 1440 // doc["step_minutes"]
    delay = timedelta(minutes=doc["site"].get("min_to_connect_minutes", 0))
    away = [
        (datetime.fromisoformat(r["depart"]), datetime.fromisoformat(r["return"]) + delay)
        for r in doc["routes"]
        if r["vehicle"] == vehicle
    ]
    out = []
    for t in range(steps):
        lo, hi = start + t * step, start + (t + 1) * step
        out.append(all(hi <= leave or lo >= back for leave, back in away))
    return out


def stays_of(doc: dict[str, Any], vehicle: str) -> list[list[int]]:
    """The vehicle's stays as lists of steps between its departures."""
    start = datetime.fromisoformat(doc["start"])
    steps = doc["days"] * 1440 // doc["step_minutes"]
    departures = sorted(
        math.floor((datetime.fromisoformat(r["depart"]) - start).total_seconds() / 60 / doc["step_minutes"])
        for r in doc["routes"]
        if r["vehicle"] == vehicle
    )
    bounds = [0, *departures, steps]
    return [list(range(a, b)) for a, b in itertools.pairwise(bounds)]


def check_plan(doc: dict[str, Any], mode: dict[str, Any], *, smart: bool) -> None:
    """Every invariant a plan keeps whatever the fleet: one vehicle per charger and step, DC in use
    within the DC chargers, one charger and one session per stay, charging only while plugged in
    and within the charger's and vehicle's power, SoC within the battery, and (smart) the site
    within ASC, or ASC and its margin on a breach day."""
    chargers = {c["id"]: c for c in doc["chargers"]}
    specs = {s["id"]: s for s in doc["vehicle_specs"]}
    steps = doc["days"] * 1440 // doc["step_minutes"]
    by_step: list[list[str]] = [[] for _ in range(steps)]
    for v in doc["vehicles"]:
        plan = mode["vehicles"][v["id"]]
        spec = specs[v["spec"]]
        can = chargeable(doc, v["id"])
        for t, (kw, where) in enumerate(zip(plan["charge_kw"], plan["charger"], strict=True)):
            if where is not None:
                by_step[t].append(where)
                assert can[t], f"{v['id']} plugged in at step {t} while away or not yet connected"
            if kw > TOLERANCE:
                assert where is not None, f"{v['id']} charges at step {t} on no charger"
                charger = chargers[where]
                own = spec["ac_kw"] if charger["kind"] == "ac" else spec["dc_kw"]
                assert kw <= min(own, charger["max_kw"]) + TOLERANCE
        for stay in stays_of(doc, v["id"]):
            used = [t for t in stay if plan["charger"][t] is not None]
            assert len({plan["charger"][t] for t in used}) <= 1, f"{v['id']} changes charger in a stay"
            assert used == list(range(used[0], used[-1] + 1)) if used else True, f"{v['id']} plugs in twice"
        assert all(-TOLERANCE <= s <= spec["battery_kwh"] + TOLERANCE for s in plan["soc_kwh"])
    dc_count = sum(1 for c in doc["chargers"] if c["kind"] == "dc")
    for t, used in enumerate(by_step):
        assert len(used) == len(set(used)), f"two vehicles on one charger at step {t}"
        assert sum(1 for c in used if chargers[c]["kind"] == "dc") <= dc_count
    if smart:
        _check_site(doc, mode)


def _check_site(doc: dict[str, Any], mode: dict[str, Any]) -> None:
    site = doc["site"]
    steps = doc["days"] * 1440 // doc["step_minutes"]
    load = site.get("load_kw", [0.0] * steps)
    per_day = steps // len(mode["days"]) if len(mode["days"]) == doc["days"] else None
    for t, kw in enumerate(mode["site_import_kw"]):
        limit = max(site["asc_kw"], load[t])
        status = mode["days"][t // per_day] if per_day else mode["status"]
        if status == "breach":
            limit = max(site["asc_kw"] * (1 + site["asc_margin"]), load[t])
        if status != "catch_all":
            assert kw <= limit + TOLERANCE, f"site import {kw} kW above {limit} kW at step {t}"
