"""Actions for automations: goals, feasibility, reservations, grid requests, overrides, what-if.

Registered once in ``async_setup``. Schemas only check types; what is wrong in energy terms
(a past departure, an end before its start, a negative energy, a charger that is not a
charger) is a translated ``ServiceValidationError`` raised before anything changes.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util

from .const import (
    CONF_RUN_MINUTES,
    DOMAIN,
    SOLVE_TIME_LIMIT_S,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
    ChargeMode,
)
from .coordinator import HeadroomConfigEntry, HeadroomCoordinator
from .data import HeadroomData
from .planner import Battery, Ev, Plan, Problem, check_feasibility, solve
from .planner.model import ImportCap
from .planner.reservation import grant_capacity
from .planner.units import amps_from_kw
from .planner.whatif import compare
from .policy.intents import PRIORITIES, GridRequest, Override, Reservation
from .policy.problem import RESERVATION_PREFIX
from .simulator import Scenario
from .simulator import run as run_simulation
from .whatif import scenario_from_home

ATTR_DEVICE_ID = "device_id"
MAX_SIMULATED_DAYS = 7
TOLERANCE = 1e-3

SERVICE_REPLAN = "replan"
SERVICE_GET_PLAN = "get_plan"
SERVICE_SET_EV_GOAL = "set_ev_goal"
SERVICE_CHECK_FEASIBILITY = "check_feasibility"
SERVICE_RESERVE_CAPACITY = "reserve_capacity"
SERVICE_RELEASE_CAPACITY = "release_capacity"
SERVICE_FLEX_REQUEST = "flex_request"
SERVICE_OVERRIDE = "override"
SERVICE_SCHEDULE_APPLIANCE = "schedule_appliance"
SERVICE_SIMULATE = "simulate"

_number = vol.Coerce(float)

SET_EV_GOAL_SCHEMA = vol.Schema({
    vol.Required(ATTR_DEVICE_ID): cv.string,
    vol.Optional("energy_kwh"): _number,
    vol.Optional("target_soc"): _number,
    vol.Optional("departure"): cv.datetime,
    vol.Optional("mode"): vol.In(["cheapest", "fastest"]),
    vol.Optional("priority"): vol.In(list(PRIORITIES)),
    vol.Optional("clear", default=False): cv.boolean,
})
CHECK_FEASIBILITY_SCHEMA = vol.Schema({
    vol.Required("arrival"): cv.datetime,
    vol.Required("departure"): cv.datetime,
    vol.Required("energy_kwh"): _number,
    vol.Required("max_power_kw"): _number,
    vol.Optional("min_power_kw", default=0.0): _number,
})
RESERVE_CAPACITY_SCHEMA = vol.Schema({
    vol.Required("id"): cv.string,
    vol.Required("start"): cv.datetime,
    vol.Required("end"): cv.datetime,
    vol.Required("power_kw"): _number,
    vol.Optional("energy_kwh"): _number,
    vol.Optional("force", default=False): cv.boolean,
})
RELEASE_CAPACITY_SCHEMA = vol.Schema({vol.Required("id"): cv.string})
FLEX_REQUEST_SCHEMA = vol.Schema({
    vol.Required("id"): cv.string,
    vol.Required("start"): cv.datetime,
    vol.Required("end"): cv.datetime,
    vol.Optional("limit_kw"): _number,
    vol.Optional("energy_kwh"): _number,
    vol.Optional("dry_run", default=False): cv.boolean,
})
OVERRIDE_SCHEMA = vol.Schema({
    vol.Required(ATTR_DEVICE_ID): cv.string,
    vol.Required("action"): vol.In(["block", "force", "release"]),
    vol.Optional("until"): cv.datetime,
})
SCHEDULE_APPLIANCE_SCHEMA = vol.Schema({
    vol.Required(ATTR_DEVICE_ID): cv.string,
    vol.Optional("windows"): [vol.Schema({vol.Required("start"): cv.datetime, vol.Required("end"): cv.datetime})],
    vol.Optional("earliest_start"): cv.datetime,
    vol.Optional("deadline"): cv.datetime,
})
SIMULATE_SCHEMA = vol.Schema({
    vol.Optional("battery_capacity_kwh"): _number,
    vol.Optional("battery_power_kw"): _number,
    vol.Optional("import_limit_kw"): _number,
    vol.Optional("import_price"): _number,
    vol.Optional("price_factor"): _number,
    vol.Optional("ev_arrival"): cv.datetime,
    vol.Optional("ev_departure"): cv.datetime,
    vol.Optional("ev_energy_kwh"): _number,
    vol.Optional("ev_max_power_kw"): _number,
    vol.Optional("days"): vol.Coerce(int),
})


def _invalid(key: str, **placeholders: Any) -> ServiceValidationError:
    return ServiceValidationError(translation_domain=DOMAIN, translation_key=key,
                                  translation_placeholders={k: str(v) for k, v in placeholders.items()} or None)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt_util.get_default_time_zone())
    return moment


def _entry(hass: HomeAssistant) -> HeadroomConfigEntry:
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            return entry
    raise _invalid("not_loaded")


def _subentry(hass: HomeAssistant, entry: HeadroomConfigEntry, device_id: str, *kinds: str) -> ConfigSubentry:
    """The device subentry behind a Headroom device id (one of ``kinds``)."""
    device = dr.async_get(hass).async_get(device_id)
    ids = {i for d, i in device.identifiers if d == DOMAIN} if device else set()
    subentry = next((s for s in entry.subentries.values() if s.subentry_id in ids), None)
    if subentry is None:
        raise _invalid("unknown_device", device_id=device_id)
    if subentry.subentry_type not in kinds:
        raise _invalid("wrong_device_kind", device=subentry.title, kinds=", ".join(kinds))
    return subentry


def _window(data: HeadroomData, start: datetime, end: datetime) -> tuple[int, int]:
    """Steps [first, end) of the current horizon covering [start, end); errors if outside."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        raise _invalid("end_before_start", start=start.isoformat(), end=end.isoformat())
    if end <= dt_util.now():
        raise _invalid("in_the_past", end=end.isoformat())
    problem = data.problem
    first, last = data.timeline.steps_before(start), data.timeline.first_step_from(end)
    if first >= problem.steps or last <= first:
        raise _invalid("outside_horizon", end=data.step_start(problem.steps).isoformat())
    return first, last


def _positive(call: ServiceCall, *keys: str) -> None:
    for key in keys:
        if key in call.data and call.data[key] <= 0:
            raise _invalid("not_positive", field=key, value=call.data[key])


def _series(data: HeadroomData, values: Any, first: int = 0) -> list[dict[str, Any]]:
    return [{"start": data.step_start(first + t).isoformat(), "value": round(float(v), 3) + 0.0}
            for t, v in enumerate(values)]


async def _solve(hass: HomeAssistant, func: Any, *args: Any, **kwargs: Any) -> Any:
    return await hass.async_add_executor_job(partial(func, *args, time_limit=SOLVE_TIME_LIMIT_S, **kwargs))


def plan_response(coordinator: HeadroomCoordinator) -> dict[str, Any]:
    """The plan per step and per device, with its explanation (also what ``get_plan`` answers)."""
    data = coordinator.data
    problem, plan = data.problem, data.plan
    plan_json = plan.to_json()
    subentries = coordinator.config_entry.subentries
    devices: list[dict[str, Any]] = []
    for key, device in plan_json["devices"].items():
        sub = subentries.get(key)
        entry: dict[str, Any] = {
            "id": key, "name": sub.title if sub else key,
            "kind": sub.subentry_type if sub else "reservation" if key.startswith(RESERVATION_PREFIX) else "fixed",
            **device, "reasons": plan_json["explain"]["devices"].get(key, []),
        }
        if device.get("finish_step") is not None:
            entry["finish"] = data.step_start(device["finish_step"]).isoformat()
        if device.get("start") is not None:
            entry["start_time"] = data.step_start(device["start"]).isoformat()
        devices.append(entry)
    return {
        "status": data.status.value,
        "planned_at": data.planned_at.isoformat(),
        "start": problem.start.isoformat(),
        "step_minutes": problem.step_minutes,
        "cost": plan_json["cost"],
        "baseline_cost": plan_json["baseline"]["cost"],
        "currency": coordinator.hass.config.currency,
        "control_mode": coordinator.control_mode.value,
        "steps": [
            {"start": data.step_start(t).isoformat(), "price": round(float(problem.tariff.import_price[t]), 5),
             "export_price": round(float(problem.tariff.export_price[t]), 5),
             "import_limit_kw": round(float(problem.site.import_limit_kw[t]), 3),
             "base_load_kw": round(float(problem.base_load_kw[t]), 3), "pv_kw": round(float(problem.pv_kw[t]), 3),
             "grid_import_kw": plan_json["grid_import_kw"][t], "grid_export_kw": plan_json["grid_export_kw"][t],
             "limit_binding": plan.limit_binding[t] if t < len(plan.limit_binding) else False}
            for t in range(problem.steps)
        ],
        "devices": devices,
        "reservations": [r.to_dict() for r in coordinator.intents.reservations.values()],
        "grid_requests": [g.to_dict() for g in coordinator.intents.grid_requests.values()],
        "notes": plan.notes,
        "assumptions": data.assumptions,
        "stale_inputs": data.stale,
    }


def async_setup_services(hass: HomeAssistant) -> None:
    async def replan(call: ServiceCall) -> None:
        await _entry(hass).runtime_data.async_replan_now()

    async def get_plan(call: ServiceCall) -> ServiceResponse:
        return plan_response(_entry(hass).runtime_data)

    async def set_ev_goal(call: ServiceCall) -> ServiceResponse:
        entry = _entry(hass)
        coordinator = entry.runtime_data
        sub = _subentry(hass, entry, call.data[ATTR_DEVICE_ID], SUBENTRY_EV_CHARGER)
        if "energy_kwh" in call.data and "target_soc" in call.data:
            raise _invalid("energy_or_soc")
        if call.data.get("energy_kwh", 1.0) < 0:
            raise _invalid("not_positive", field="energy_kwh", value=call.data["energy_kwh"])
        if not 0 <= call.data.get("target_soc", 50.0) <= 100:
            raise _invalid("soc_range", value=call.data["target_soc"])
        departure = _aware(call.data["departure"]) if "departure" in call.data else None
        if departure is not None and departure <= dt_util.now():
            raise _invalid("in_the_past", end=departure.isoformat())
        if call.data["clear"]:
            coordinator.intents.goals.pop(sub.subentry_id, None)
        else:
            goal = coordinator.goal(sub.subentry_id)
            if "energy_kwh" in call.data:
                goal.energy_kwh = call.data["energy_kwh"]
            if "target_soc" in call.data:
                goal.target_soc, goal.energy_kwh = call.data["target_soc"], None
            if departure is not None:
                goal.departure_at = departure
            if "mode" in call.data:
                goal.mode = ChargeMode.FASTEST if call.data["mode"] == "fastest" else ChargeMode.SMART
            if "priority" in call.data:
                goal.priority = PRIORITIES[call.data["priority"]]
        data = await coordinator.async_replan_now()
        device = data.plan.devices.get(sub.subentry_id)
        if device is None:
            return {"planned": False, "reason": "not plugged in or charging is off"}
        return {
            "planned": True,
            "planned_energy_kwh": round(device.energy_kwh or 0.0, 3),
            "shortfall_kwh": round(device.shortfall_kwh or 0.0, 3),
            "finish": None if device.finish_step is None else data.step_start(device.finish_step).isoformat(),
            "reachable": (device.shortfall_kwh or 0.0) <= 0.05,
        }

    async def feasibility(call: ServiceCall) -> ServiceResponse:
        coordinator = _entry(hass).runtime_data
        data = coordinator.data
        _positive(call, "energy_kwh", "max_power_kw")
        first, end = _window(data, call.data["arrival"], call.data["departure"])
        # Ranked below every car already here: it is promised only what they can spare.
        lowest = min((e.priority for e in data.problem.of_kind(Ev)), default=1)
        request = Ev(id="prospective", arrival=first, departure=end, energy_kwh=call.data["energy_kwh"],
                     max_kw=call.data["max_power_kw"], min_kw=min(call.data["min_power_kw"], call.data["max_power_kw"]),
                     priority=max(lowest - 1, 0), start_penalty=0.0)
        answer = await _solve(hass, check_feasibility, data.problem, request)
        return {
            "feasible": answer.feasible,
            "max_energy_kwh": round(answer.max_energy_kwh, 3),
            "earliest_finish": None if answer.earliest_finish_step is None
            else data.step_start(answer.earliest_finish_step).isoformat(),
            "extra_cost": round(answer.extra_cost, 4),
            "limited_by": answer.limited_by,
            "planned_power_kw": _series(data, answer.planned_power_kw[first:end], first),
        }

    async def reserve(call: ServiceCall) -> ServiceResponse:
        coordinator = _entry(hass).runtime_data
        _positive(call, "power_kw", "energy_kwh")
        async with coordinator.promise_lock:
            # Against the plan that holds every earlier promise, less this id's old one.
            intents = coordinator.intents
            old = intents.reservations.pop(call.data["id"], None)
            try:
                data = await coordinator.async_replan_now()
                first, end = _window(data, call.data["start"], call.data["end"])
                grant = await _solve(hass, grant_capacity, data.problem, call.data["id"], first, end,
                                     power_kw=call.data["power_kw"], energy_kwh=call.data.get("energy_kwh"),
                                     force=call.data["force"], before=data.plan)
            except Exception:
                if old is not None:
                    intents.reservations[old.id] = old
                raise
            if grant.status != "rejected":
                intents.reservations[call.data["id"]] = Reservation(
                    id=call.data["id"], start=data.step_start(first), step_minutes=data.problem.step_minutes,
                    granted_kw=[round(float(v), 3) for v in grant.granted_kw], requested_kw=call.data["power_kw"],
                    energy_kwh=call.data.get("energy_kwh"), force=call.data["force"], status=grant.status)
            await coordinator.async_replan_now()
        hass.bus.async_fire(f"{DOMAIN}_reservation_changed", {"id": call.data["id"], "status": grant.status})
        subentries = coordinator.config_entry.subentries
        return {
            "status": grant.status,
            "granted_kw": _series(data, grant.granted_kw, first),
            "granted_kwh": round(float(grant.granted_kw.sum()) * data.problem.step_hours, 3),
            "requested_kwh": round(grant.requested_kwh, 3),
            "extra_cost": round(grant.extra_cost, 4),
            "squeezed_kwh": {subentries[k].title if k in subentries else k: round(v, 3)
                             for k, v in grant.squeezed_kwh.items()},
            "breach_kw": _series(data, grant.breach_kw, first) if grant.breach_kw.any() else [],
        }

    async def release(call: ServiceCall) -> None:
        coordinator = _entry(hass).runtime_data
        async with coordinator.promise_lock:
            if coordinator.intents.reservations.pop(call.data["id"], None) is None:
                raise _invalid("unknown_reservation", id=call.data["id"])
            await coordinator.async_replan_now()
        hass.bus.async_fire(f"{DOMAIN}_reservation_changed", {"id": call.data["id"], "status": "released"})

    async def flex_request(call: ServiceCall) -> ServiceResponse:
        coordinator = _entry(hass).runtime_data
        if ("limit_kw" in call.data) == ("energy_kwh" in call.data):
            raise _invalid("limit_or_energy")
        if call.data.get("limit_kw", 0.0) < 0:
            raise _invalid("not_positive", field="limit_kw", value=call.data["limit_kw"])
        _positive(call, "energy_kwh")
        async with coordinator.promise_lock:
            data = coordinator.data
            first, end = _window(data, call.data["start"], call.data["end"])
            answer = await hass.async_add_executor_job(
                _flex, data.problem, data.plan, first, end, call.data.get("limit_kw"), call.data.get("energy_kwh"))
            applied = not call.data["dry_run"] and answer["status"] != "rejected"
            if applied:
                start, stop = _aware(call.data["start"]), _aware(call.data["end"])
                coordinator.intents.grid_requests[call.data["id"]] = GridRequest(
                    id=call.data["id"], start=start, end=stop,
                    limit_kw=answer.pop("_limit_kw"), max_import_kwh=answer.pop("_max_import_kwh"))
                await coordinator.async_replan_now()
        answer.pop("_limit_kw", None)
        answer.pop("_max_import_kwh", None)
        answer["planned_import_kw"] = _series(data, answer["planned_import_kw"], first)
        return {**answer, "applied": applied}

    async def override(call: ServiceCall) -> None:
        entry = _entry(hass)
        coordinator = entry.runtime_data
        sub = _subentry(hass, entry, call.data[ATTR_DEVICE_ID], SUBENTRY_EV_CHARGER, SUBENTRY_BATTERY,
                        SUBENTRY_APPLIANCE)
        if call.data["action"] == "release":
            coordinator.intents.overrides.pop(sub.subentry_id, None)
            await coordinator.controller.async_release(sub.subentry_id)
        else:
            if "until" not in call.data:
                raise _invalid("until_required")
            until = _aware(call.data["until"])
            if until <= dt_util.now():
                raise _invalid("in_the_past", end=until.isoformat())
            coordinator.intents.overrides[sub.subentry_id] = Override(action=call.data["action"], until=until)
        await coordinator.async_replan_now()

    async def schedule_appliance(call: ServiceCall) -> ServiceResponse:
        entry = _entry(hass)
        coordinator = entry.runtime_data
        sub = _subentry(hass, entry, call.data[ATTR_DEVICE_ID], SUBENTRY_APPLIANCE)
        now = dt_util.now()
        if "windows" in call.data:
            windows = [(_aware(w["start"]), _aware(w["end"])) for w in call.data["windows"]]
        elif "deadline" in call.data:
            windows = [(_aware(call.data.get("earliest_start", now)), _aware(call.data["deadline"]))]
        else:
            raise _invalid("windows_or_deadline")
        run = timedelta(minutes=float(sub.data[CONF_RUN_MINUTES]))
        for start, end in windows:
            if end <= start:
                raise _invalid("end_before_start", start=start.isoformat(), end=end.isoformat())
        if not any(min(end, now + timedelta(days=3)) - max(start, now) >= run for start, end in windows):
            raise _invalid("window_too_short", minutes=int(run.total_seconds() // 60))
        coordinator.intents.appliance_runs[sub.subentry_id] = windows
        data = await coordinator.async_replan_now()
        device = data.plan.devices.get(sub.subentry_id)
        if device is None or device.start is None:
            return {"planned_start": None, "planned_finish": None}
        length = int(np.count_nonzero(device.power_kw[device.start:]))
        return {"planned_start": data.step_start(device.start).isoformat(),
                "planned_finish": data.step_start(device.start + max(length, 1)).isoformat()}

    async def simulate(call: ServiceCall) -> ServiceResponse:
        coordinator = _entry(hass).runtime_data
        data = coordinator.data
        _positive(call, "battery_capacity_kwh", "battery_power_kw", "import_limit_kw", "ev_energy_kwh",
                  "ev_max_power_kw")
        variant = data.problem
        n = variant.steps
        if "import_limit_kw" in call.data:
            variant = dataclasses.replace(variant, site=dataclasses.replace(
                variant.site, import_limit_kw=np.full(n, call.data["import_limit_kw"])))
        if "import_price" in call.data or "price_factor" in call.data:
            prices = variant.tariff.import_price * call.data.get("price_factor", 1.0)
            if "import_price" in call.data:
                prices = np.full(n, call.data["import_price"])
            variant = dataclasses.replace(variant, tariff=dataclasses.replace(variant.tariff, import_price=prices))
        if "battery_capacity_kwh" in call.data:
            capacity = call.data["battery_capacity_kwh"]
            power = call.data.get("battery_power_kw", capacity / 2)
            extra = Battery(id="what_if_battery", capacity_kwh=capacity, soc_kwh=capacity * 0.1,
                            min_soc_kwh=capacity * 0.1, max_soc_kwh=capacity, max_charge_kw=power,
                            max_discharge_kw=power)
            variant = dataclasses.replace(variant, devices=(*variant.devices, extra))
        if "ev_energy_kwh" in call.data:
            if "ev_arrival" not in call.data or "ev_departure" not in call.data:
                raise _invalid("ev_window_required")
            first, end = _window(data, call.data["ev_arrival"], call.data["ev_departure"])
            max_kw = call.data.get("ev_max_power_kw", 11.0)
            session = Ev(id="what_if_ev", arrival=first, departure=end, energy_kwh=call.data["ev_energy_kwh"],
                         max_kw=max_kw, min_kw=min(4.1, max_kw))
            variant = dataclasses.replace(variant, devices=(*variant.devices, session))
        if variant is data.problem:
            raise _invalid("nothing_to_simulate")
        if "days" in call.data:
            if not 1 <= call.data["days"] <= MAX_SIMULATED_DAYS:
                raise _invalid("days_range", value=call.data["days"], most=MAX_SIMULATED_DAYS)
            return await _closed_loop(hass, coordinator, dict(call.data))
        return await _solve(hass, compare, data.problem, variant)  # type: ignore[no-any-return]

    hass.services.async_register(DOMAIN, SERVICE_REPLAN, replan, schema=vol.Schema({}))
    hass.services.async_register(DOMAIN, SERVICE_GET_PLAN, get_plan, schema=vol.Schema({}),
                                 supports_response=SupportsResponse.ONLY)
    for name, handler, schema, response in (
        (SERVICE_SET_EV_GOAL, set_ev_goal, SET_EV_GOAL_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_CHECK_FEASIBILITY, feasibility, CHECK_FEASIBILITY_SCHEMA, SupportsResponse.ONLY),
        (SERVICE_RESERVE_CAPACITY, reserve, RESERVE_CAPACITY_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_FLEX_REQUEST, flex_request, FLEX_REQUEST_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_SCHEDULE_APPLIANCE, schedule_appliance, SCHEDULE_APPLIANCE_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_SIMULATE, simulate, SIMULATE_SCHEMA, SupportsResponse.ONLY),
    ):
        hass.services.async_register(DOMAIN, name, handler, schema=schema, supports_response=response)
    hass.services.async_register(DOMAIN, SERVICE_RELEASE_CAPACITY, release, schema=RELEASE_CAPACITY_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_OVERRIDE, override, schema=OVERRIDE_SCHEMA)


async def _closed_loop(hass: HomeAssistant, coordinator: HeadroomCoordinator, change: dict[str, Any]) -> ServiceResponse:
    """The home and the changed home, each simulated for ``days`` with Headroom planning in closed loop."""
    current, assumptions = scenario_from_home(hass, coordinator)
    variant = json.loads(json.dumps(current))
    if "battery_capacity_kwh" in change:
        capacity = change["battery_capacity_kwh"]
        power = change.get("battery_power_kw", capacity / 2)
        now = current.get("battery") or {"initial_soc": 20, "min_soc": 10}  # the same state of charge
        variant["battery"] = {"capacity_kwh": capacity, "max_charge_kw": power, "max_discharge_kw": power,
                              "initial_soc": now["initial_soc"], "min_soc": now["min_soc"]}
    if "import_limit_kw" in change:
        variant["grid"]["fuse_a"] = round(amps_from_kw(change["import_limit_kw"], variant["grid"]["phases"]), 1)
    prices = variant["prices"]
    if "price_factor" in change:
        prices["profile"] = [p * change["price_factor"] for p in prices["profile"]]
    if "import_price" in change:
        prices["profile"] = [change["import_price"]] * len(prices["profile"])
    if "ev_energy_kwh" in change:
        arrive, leave = _aware(change["ev_arrival"]), _aware(change["ev_departure"])
        capacity = max(60.0, change["ev_energy_kwh"] / 0.8)
        variant["chargers"].append({
            "name": "what_if_ev", "phases": 3, "min_a": 6,
            "max_a": round(amps_from_kw(change.get("ev_max_power_kw", 11.0), 3)), "car_capacity_kwh": capacity,
            "schedule": [{"arrive": dt_util.as_local(arrive).strftime("%H:%M"),
                          "leave": dt_util.as_local(leave).strftime("%H:%M"),
                          "arrival_soc": 80 - change["ev_energy_kwh"] / capacity * 100, "target_soc": 80}]})
    days = change["days"]

    def simulate() -> dict[str, Any]:
        now = run_simulation(Scenario.from_json(current), "headroom", days)
        then = run_simulation(Scenario.from_json(variant), "headroom", days)
        keys = ("energy cost", "import kWh", "export kWh", "peak kW")
        a, b = now.table(), then.table()
        return {"mode": "closed_loop", "days": days, "current": a, "variant": b,
                "difference": {k: round(b[k] - a[k], 3) for k in keys}, "assumptions": assumptions}

    return await hass.async_add_executor_job(simulate)


def _flex(problem: Problem, current: Plan, first: int, end: int, limit_kw: float | None,
          energy_kwh: float | None) -> dict[str, Any]:
    """What the home can do for a grid request over steps [first, end), and at what cost, against
    ``current``, the problem's published plan."""
    dt = problem.step_hours
    site = problem.site
    if limit_kw is not None:
        limit = site.import_limit_kw.copy()
        limit[first:end] = np.minimum(limit[first:end], limit_kw)
        # Allow going back up to the normal limit in the window, at the breach penalty: the
        # plan then shows the lowest import the home can manage.
        room = float(np.max(site.import_limit_kw[first:end]) / max(limit_kw, 0.1) - 1.0)
        variant = dataclasses.replace(problem, site=dataclasses.replace(
            site, import_limit_kw=limit, breach_margin=max(room, 0.0)))
    else:
        assert energy_kwh is not None
        before_kwh = float(current.grid_import_kw[first:end].sum() * dt)
        cap = ImportCap(first=first, end=end, max_kwh=max(before_kwh - energy_kwh, 0.0))
        variant = dataclasses.replace(problem, site=dataclasses.replace(site, import_caps=(*site.import_caps, cap)))
    plan = solve(variant, time_limit=SOLVE_TIME_LIMIT_S)
    window = plan.grid_import_kw[first:end]
    shortfall_before = sum(current.devices[e.id].shortfall_kwh or 0.0 for e in problem.of_kind(Ev))
    shortfall_after = sum(plan.devices[e.id].shortfall_kwh or 0.0 for e in problem.of_kind(Ev))
    out: dict[str, Any] = {
        "extra_cost": round(plan.cost - current.cost, 4),
        "ev_shortfall_change_kwh": round(shortfall_after - shortfall_before, 3),
        "planned_import_kw": [float(v) for v in window],
        "_limit_kw": None, "_max_import_kwh": None,
    }
    if limit_kw is not None:
        achieved = float(np.max(window, initial=0.0))
        ok = achieved <= limit_kw + TOLERANCE
        normal = float(np.max(site.import_limit_kw[first:end]))
        out.update({"status": "accepted" if ok else "partial" if achieved < normal - TOLERANCE else "rejected",
                    "lowest_limit_kw": round(max(achieved, limit_kw), 3), "_limit_kw": max(achieved, limit_kw)})
    else:
        assert energy_kwh is not None
        moved = float((current.grid_import_kw[first:end].sum() - window.sum()) * dt)
        ok = moved >= energy_kwh - TOLERANCE
        out.update({"status": "accepted" if ok else "partial" if moved > TOLERANCE else "rejected",
                    "moved_kwh": round(moved, 3),
                    "_max_import_kwh": float(window.sum() * dt) + TOLERANCE})
    return out
