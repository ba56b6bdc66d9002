"""Actions for automations: goals, feasibility, reservations, grid requests, overrides, what-if.

Registered once in ``async_setup``. The schemas refuse what can never be right with a translated
``ServiceValidationError`` naming the field: a number that is not finite or lies outside the range its
selector in ``services.yaml`` declares (``RANGES`` is the one source; a test holds the two together),
an empty id, a time that is not one. What is wrong in energy terms (a past departure, an end before
its start, a charger that is not a charger, forced promises beyond the limit and its margin) is refused
in the handler, also before anything changes; when the replan that follows a change fails, the change
is undone.

Who may call what: actions that only answer (``get_plan``, ``check_feasibility``, ``simulate``,
``replan``) are open to every user. Actions on one device (``set_ev_goal``, ``override``,
``schedule_appliance``, ``book_session``, ``cancel_booking``) need control permission on every entity of that device and every entity
Headroom drives for it, as HA asks of the device's own entities. Actions that promise the site's
capacity or change its limit (``reserve_capacity``, ``request_capacity``, ``release_capacity``, ``flex_request`` unless
``dry_run``) need an administrator. Calls without a user (automations, scripts) may do all.

Each handler validates, turns times into steps of the published plan, calls the HA-free
planner (``feasibility``, ``reservation``, ``grid_request``, ``whatif``) in the executor, keeps
what was promised in the coordinator's intents and answers; the closed-loop simulation's
scenario is built in ``whatif.py``. ``request_capacity`` negotiates: it offers what the room holds and
holds it under a token (``policy/negotiation.py``) that ``reserve_capacity`` commits as offered.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
import voluptuous as vol
from homeassistant.auth.models import User
from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import ServiceValidationError, Unauthorized, UnknownUser
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util import ulid as ulid_util

from .const import (
    CONF_BREACH_MARGIN,
    CONF_RUN_MINUTES,
    DEFAULT_BREACH_MARGIN,
    DOMAIN,
    SOLVE_TIME_LIMIT_S,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
    SUBENTRY_THERMAL,
    ChargeMode,
)
from .coordinator import HeadroomConfigEntry, HeadroomCoordinator
from .data import HeadroomData
from .devices import KINDS
from .planner import Ev, FeasibilityAnswer, Fixed, Problem, check_feasibility, solve
from .planner.grid_request import answer_grid_request
from .planner.offers import Offer, room_kw
from .planner.plan import DevicePlan
from .planner.reservation import Grant, grant_capacity
from .planner.whatif import Change, compare, variant
from .policy import bookings
from .policy.ev_charger import ChargerConfig
from .policy.intents import PRIORITIES, Booking, EvGoal, GridRequest, Override, Reservation
from .policy.negotiation import HOLD_MINUTES, Answer, Hold, Holds, negotiate, new_hold
from .policy.problem import RESERVATION_PREFIX
from .whatif import async_closed_loop

ATTR_DEVICE_ID = "device_id"
MAX_SIMULATED_DAYS = 7
MAX_ID_LENGTH = 64
MAX_WINDOWS = 20
REACHABLE_SHORTFALL_KWH = 0.05  # a goal missed by less than this is reached
PROMISE_TOLERANCE_KW = 1e-3  # a forced promise this little above the room still fits

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
SERVICE_BOOK_SESSION = "book_session"
SERVICE_CANCEL_BOOKING = "cancel_booking"
SERVICE_ADD_KNOWN_LOAD = "add_known_load"
SERVICE_REQUEST_CAPACITY = "request_capacity"
HOLD_PREFIX = "hold:"  # a hold as fixed load in the problem a token-less reservation is decided on
HOLDS_KEY = f"{DOMAIN}_holds"  # hass.data: the capacity holds (policy/negotiation.py) by config entry

# Every numeric field of every action: (min, max), both inclusive. The one source of these ranges:
# the schemas below are built from it and services.yaml's number selectors say the same.
RANGES: dict[str, dict[str, tuple[float, float]]] = {
    SERVICE_SET_EV_GOAL: {"energy_kwh": (0, 200), "target_soc": (0, 100)},
    SERVICE_CHECK_FEASIBILITY: {"energy_kwh": (0, 500), "max_power_kw": (0, 400), "min_power_kw": (0, 400)},
    SERVICE_RESERVE_CAPACITY: {"power_kw": (0, 400), "energy_kwh": (0, 1000)},
    SERVICE_FLEX_REQUEST: {"limit_kw": (0, 1000), "energy_kwh": (0, 1000)},
    SERVICE_ADD_KNOWN_LOAD: {"power_kw": (0, 400)},
    SERVICE_REQUEST_CAPACITY: {"power_kw": (0, 400)},
    SERVICE_SIMULATE: {
        "battery_capacity_kwh": (0, 200),
        "battery_power_kw": (0, 100),
        "import_limit_kw": (0, 1000),
        "import_price": (-100, 1000),
        "price_factor": (0, 10),
        "ev_energy_kwh": (0, 200),
        "ev_max_power_kw": (0, 50),
        "days": (1, MAX_SIMULATED_DAYS),
    },
    SERVICE_BOOK_SESSION: {"energy_kwh": (0, 200), "target_soc": (0, 100), "arrival_soc": (0, 100)},
}
# Numeric fields that take whole numbers only.
WHOLE = {(SERVICE_SIMULATE, "days")}


def _invalid(key: str, **placeholders: Any) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()} or None,
    )


def _shown(value: Any) -> str:
    """A refused value as the error shows it (a long one cut short)."""
    try:
        text = repr(value) if isinstance(value, str) else str(value)
    except ValueError:  # an integer with more digits than Python prints
        return "(too long to show)"
    return text if len(text) <= 40 else f"{text[:37]}..."


def _bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _number(service: str, field: str) -> Callable[[Any], float | int]:
    """A finite number within the field's range in ``RANGES``, else a translated refusal naming the field."""
    low, high = RANGES[service][field]
    whole = (service, field) in WHOLE

    def check(value: Any) -> float | int:
        if isinstance(value, bool):
            raise _invalid("not_a_number", field=field, value=_shown(value))
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            raise _invalid("not_a_number", field=field, value=_shown(value)) from None
        if not math.isfinite(number):
            raise _invalid("not_finite", field=field, value=_shown(value))
        if not low <= number <= high:
            raise _invalid(
                "out_of_range", field=field, value=_shown(value), min=_bound(low), max=_bound(high)
            )
        if whole:
            if not number.is_integer():
                raise _invalid("not_whole", field=field, value=_shown(value))
            return int(number)
        return number + 0.0

    return check


def _id(field: str) -> Callable[[Any], str]:
    """A name given by the caller: text, not blank, at most ``MAX_ID_LENGTH`` characters."""

    def check(value: Any) -> str:
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise _invalid("invalid_id", field=field, most=MAX_ID_LENGTH)
        text = str(value)
        if not text.strip():
            raise _invalid("empty_id", field=field)
        if len(text) > MAX_ID_LENGTH or not text.isprintable():
            raise _invalid("invalid_id", field=field, most=MAX_ID_LENGTH)
        return text

    return check


def _moment(field: str) -> Callable[[Any], datetime]:
    def check(value: Any) -> datetime:
        try:
            return cv.datetime(value)
        except vol.Invalid:
            raise _invalid("not_a_time", field=field, value=_shown(value)) from None

    return check


def _windows(value: Any) -> list[tuple[datetime, datetime]]:
    """Appliance windows: a list of 1 to ``MAX_WINDOWS`` mappings, each with a start and an end."""
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_WINDOWS:
        raise _invalid("invalid_windows", most=MAX_WINDOWS)
    windows = []
    for window in value:
        if not isinstance(window, Mapping) or set(window) != {"start", "end"}:
            raise _invalid("invalid_windows", most=MAX_WINDOWS)
        windows.append((_moment("windows.start")(window["start"]), _moment("windows.end")(window["end"])))
    return windows


def _numbers(service: str) -> dict[Any, Any]:
    """The service's numeric fields, all optional here (a schema marks the required ones again)."""
    return {vol.Optional(field): _number(service, field) for field in RANGES[service]}


SET_EV_GOAL_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): _id(ATTR_DEVICE_ID),
        **_numbers(SERVICE_SET_EV_GOAL),
        vol.Optional("departure"): _moment("departure"),
        vol.Optional("mode"): vol.In(["cheapest", "fastest"]),
        vol.Optional("priority"): vol.In(list(PRIORITIES)),
        vol.Optional("clear", default=False): cv.boolean,
    }
)
CHECK_FEASIBILITY_SCHEMA = vol.Schema(
    {
        vol.Required("arrival"): _moment("arrival"),
        vol.Required("departure"): _moment("departure"),
        vol.Required("energy_kwh"): _number(SERVICE_CHECK_FEASIBILITY, "energy_kwh"),
        vol.Required("max_power_kw"): _number(SERVICE_CHECK_FEASIBILITY, "max_power_kw"),
        vol.Optional("min_power_kw", default=0.0): _number(SERVICE_CHECK_FEASIBILITY, "min_power_kw"),
    }
)
RESERVE_CAPACITY_SCHEMA = vol.Schema(
    {
        vol.Optional("token"): _id("token"),
        vol.Optional("id"): _id("id"),
        vol.Optional("start"): _moment("start"),
        vol.Optional("end"): _moment("end"),
        vol.Optional("power_kw"): _number(SERVICE_RESERVE_CAPACITY, "power_kw"),
        vol.Optional("energy_kwh"): _number(SERVICE_RESERVE_CAPACITY, "energy_kwh"),
        vol.Optional("force", default=False): cv.boolean,
    }
)
REQUEST_CAPACITY_SCHEMA = vol.Schema(
    {
        vol.Required("requester"): _id("requester"),
        vol.Required("start"): _moment("start"),
        vol.Required("end"): _moment("end"),
        vol.Optional("power_kw"): _number(SERVICE_REQUEST_CAPACITY, "power_kw"),
        vol.Optional("all_available", default=False): cv.boolean,
        vol.Optional("priority", default="normal"): vol.In(list(PRIORITIES)),
    }
)
RELEASE_CAPACITY_SCHEMA = vol.Schema({vol.Required("id"): _id("id")})
FLEX_REQUEST_SCHEMA = vol.Schema(
    {
        vol.Required("id"): _id("id"),
        vol.Required("start"): _moment("start"),
        vol.Required("end"): _moment("end"),
        **_numbers(SERVICE_FLEX_REQUEST),
        vol.Optional("dry_run", default=False): cv.boolean,
    }
)
OVERRIDE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): _id(ATTR_DEVICE_ID),
        vol.Required("action"): vol.In(["block", "force", "release"]),
        vol.Optional("until"): _moment("until"),
    }
)
SCHEDULE_APPLIANCE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): _id(ATTR_DEVICE_ID),
        vol.Optional("windows"): _windows,
        vol.Optional("earliest_start"): _moment("earliest_start"),
        vol.Optional("deadline"): _moment("deadline"),
    }
)
SIMULATE_SCHEMA = vol.Schema(
    {
        **_numbers(SERVICE_SIMULATE),
        vol.Optional("ev_arrival"): _moment("ev_arrival"),
        vol.Optional("ev_departure"): _moment("ev_departure"),
    }
)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt_util.get_default_time_zone())
    return moment


def _entry(hass: HomeAssistant) -> HeadroomConfigEntry:
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            return entry
    raise _invalid("not_loaded")


# The device kinds as a person calls them, for messages (the subentry types are internal keys).
KIND_NAMES = {
    SUBENTRY_EV_CHARGER: "an EV charger",
    SUBENTRY_BATTERY: "a battery",
    SUBENTRY_APPLIANCE: "an appliance",
    SUBENTRY_THERMAL: "a heat store",
}


def _subentry(hass: HomeAssistant, entry: HeadroomConfigEntry, device_id: str, *kinds: str) -> ConfigSubentry:
    """The device subentry behind a Headroom device id (one of ``kinds``)."""
    device = dr.async_get(hass).async_get(device_id)
    ids = {i for d, i in device.identifiers if d == DOMAIN} if device else set()
    subentry = next((s for s in entry.subentries.values() if s.subentry_id in ids), None)
    if subentry is None:
        raise _invalid("unknown_device", device_id=device_id)
    if subentry.subentry_type not in kinds:
        raise _invalid(
            "wrong_device_kind", device=subentry.title, kinds=" or ".join(KIND_NAMES[k] for k in kinds)
        )
    return subentry


async def _caller(call: ServiceCall) -> User | None:
    """The user behind the call; None for a call without one (an automation, a script)."""
    if not call.context.user_id:
        return None
    user = await call.hass.auth.async_get_user(call.context.user_id)
    if user is None:
        raise UnknownUser(context=call.context, permission=POLICY_CONTROL)
    return user


async def _require_admin(call: ServiceCall) -> None:
    """Promises of the site's capacity and its limit are an administrator's to make."""
    user = await _caller(call)
    if user is not None and not user.is_admin:
        raise Unauthorized(context=call.context, permission=POLICY_CONTROL)


def device_entities(hass: HomeAssistant, sub: ConfigSubentry) -> set[str]:
    """The entities that stand for a device: those Headroom drives for it and Headroom's own on it."""
    driven = {sub.data[key] for key in KINDS[sub.subentry_type].KEYS if sub.data.get(key)}
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, sub.subentry_id)})
    own = (
        {e.entity_id for e in er.async_entries_for_device(er.async_get(hass), device.id)}
        if device is not None
        else set()
    )
    return driven | own


async def _require_control(call: ServiceCall, sub: ConfigSubentry) -> None:
    """What a device does is for those who may control each of its entities."""
    user = await _caller(call)
    if user is None or user.is_admin:
        return
    for entity_id in sorted(device_entities(call.hass, sub)):
        if not user.permissions.check_entity(entity_id, POLICY_CONTROL):
            raise Unauthorized(context=call.context, entity_id=entity_id, permission=POLICY_CONTROL)


@asynccontextmanager
async def _undone_on_failure(
    coordinator: HeadroomCoordinator, *slots: tuple[str, str]
) -> AsyncIterator[None]:
    """What the block changes in the intents at ``slots`` (table, key) is put back, and saved, when it
    fails (the replan after a change failing): a failed call leaves what was asked before."""
    saved = []
    for table, key in slots:
        held: dict[str, Any] = getattr(coordinator.intents, table)
        saved.append((table, key, key in held, copy.deepcopy(held.get(key))))
    try:
        yield
    except BaseException:
        for table, key, had, old in saved:
            # Looked up again: a planning cycle replaces some of the tables as it expires them.
            held = getattr(coordinator.intents, table)
            if had:
                held[key] = old
            else:
                held.pop(key, None)
        await coordinator.async_save()
        raise


def money(value: float) -> float:
    """An amount of money as an answer gives it: to the cent, and the solver's rounding noise
    (-0.0006) as the zero it is."""
    return round(value, 2) + 0.0


def _horizon_notes(data: HeadroomData, end: datetime) -> list[str]:
    """Say so when an asked window ends after the plan's horizon (the answer covers it up to there)."""
    horizon_end = data.step_start(data.problem.steps)
    if _aware(end) > horizon_end:
        return [
            f"asked until {_aware(end).isoformat()}; the plan ends {horizon_end.isoformat()}: answered up to then"
        ]
    return []


def _window(data: HeadroomData, start: datetime, end: datetime) -> tuple[int, int]:
    """Steps [first, end) of the current horizon covering [start, end); errors if outside (a window
    that ends after the horizon is cut there: ``_horizon_notes`` says so in the answer)."""
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
    return [
        {"start": data.step_start(first + t).isoformat(), "value": round(float(v), 3) + 0.0}
        for t, v in enumerate(values)
    ]


async def _solve[T](hass: HomeAssistant, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func`` (a planner function that solves) in the executor, within the actions' time limit."""
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
            "id": key,
            "name": sub.title if sub else _booked_name(coordinator, key),
            "kind": sub.subentry_type
            if sub
            else "reservation"
            if key.startswith(RESERVATION_PREFIX)
            else "booking"
            if key.startswith(bookings.BOOKING_PREFIX)
            else "fixed",
            **device,
            "reasons": plan_json["explain"]["devices"].get(key, []),
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
        "cost": money(plan_json["cost"]),
        "baseline_cost": money(plan_json["baseline"]["cost"]),
        "currency": coordinator.hass.config.currency,
        "control_mode": coordinator.control_mode.value,
        "steps": [
            {
                "start": data.step_start(t).isoformat(),
                "price": round(float(problem.tariff.import_price[t]), 5),
                "export_price": round(float(problem.tariff.export_price[t]), 5),
                "import_limit_kw": round(float(problem.site.import_limit_kw[t]), 3),
                "base_load_kw": round(float(problem.base_load_kw[t]), 3),
                "pv_kw": round(float(problem.pv_kw[t]), 3),
                "grid_import_kw": plan_json["grid_import_kw"][t],
                "grid_export_kw": plan_json["grid_export_kw"][t],
                "limit_binding": plan.limit_binding[t] if t < len(plan.limit_binding) else False,
            }
            for t in range(problem.steps)
        ],
        "devices": devices,
        "reservations": [r.to_dict() for r in coordinator.intents.reservations.values()],
        "grid_requests": [g.to_dict() for g in coordinator.intents.grid_requests.values()],
        "notes": plan.notes,
        "assumptions": data.assumptions,
        "stale_inputs": data.stale,
    }


def _booked_name(coordinator: HeadroomCoordinator, key: str) -> str:
    """A booked session by the car and charger a person gave it ("Booked: Van 1 on Street"); any
    other device without a subentry by its key."""
    booking_id = key.removeprefix(bookings.BOOKING_PREFIX)
    booking = coordinator.intents.bookings.get(booking_id) if key != booking_id else None
    if booking is None:
        return key
    charger = coordinator.config_entry.subentries.get(booking.charger)
    return f"Booked: {booking.vehicle or booking.id} on {charger.title if charger else booking.charger}"


def async_setup_services(hass: HomeAssistant) -> None:
    """Register Headroom's actions (once, in ``async_setup``)."""
    hass.services.async_register(DOMAIN, SERVICE_REPLAN, _async_replan, schema=vol.Schema({}))
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_PLAN,
        _async_get_plan,
        schema=vol.Schema({}),
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_SET_EV_GOAL,
        _async_set_ev_goal,
        schema=SET_EV_GOAL_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_CHECK_FEASIBILITY,
        _async_check_feasibility,
        schema=CHECK_FEASIBILITY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_RESERVE_CAPACITY,
        _async_reserve_capacity,
        schema=RESERVE_CAPACITY_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_REQUEST_CAPACITY,
        _async_request_capacity,
        schema=REQUEST_CAPACITY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_RELEASE_CAPACITY, _async_release_capacity, schema=RELEASE_CAPACITY_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_FLEX_REQUEST,
        _async_flex_request,
        schema=FLEX_REQUEST_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(DOMAIN, SERVICE_OVERRIDE, _async_override, schema=OVERRIDE_SCHEMA)
    hass.services.async_register(
        DOMAIN,
        SERVICE_SCHEDULE_APPLIANCE,
        _async_schedule_appliance,
        schema=SCHEDULE_APPLIANCE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_SIMULATE,
        _async_simulate,
        schema=SIMULATE_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_BOOK_SESSION,
        _async_book_session,
        schema=BOOK_SESSION_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_CANCEL_BOOKING, _async_cancel_booking, schema=CANCEL_BOOKING_SCHEMA
    )


async def _async_replan(call: ServiceCall) -> None:
    await _entry(call.hass).runtime_data.async_replan_now()


async def _async_get_plan(call: ServiceCall) -> ServiceResponse:
    return plan_response(_entry(call.hass).runtime_data)


async def _async_set_ev_goal(call: ServiceCall) -> ServiceResponse:
    entry = _entry(call.hass)
    coordinator = entry.runtime_data
    sub = _subentry(call.hass, entry, call.data[ATTR_DEVICE_ID], SUBENTRY_EV_CHARGER)
    await _require_control(call, sub)
    departure = _checked_goal(call)
    async with _undone_on_failure(coordinator, ("goals", sub.subentry_id)):
        if call.data["clear"]:
            coordinator.intents.goals.pop(sub.subentry_id, None)
        else:
            _update_goal(coordinator.goal(sub.subentry_id), call.data, departure)
        data = await coordinator.async_replan_now()
    device = data.plan.devices.get(sub.subentry_id)
    if device is None:
        return {"planned": False, "reason": "not plugged in or charging is off"}
    return _goal_response(data, device)


def _checked_goal(call: ServiceCall) -> datetime | None:
    """Refuse a goal that cannot be one; its departure, if it has one."""
    if "energy_kwh" in call.data and "target_soc" in call.data:
        raise _invalid("energy_or_soc")
    departure = _aware(call.data["departure"]) if "departure" in call.data else None
    if departure is not None and departure <= dt_util.now():
        raise _invalid("in_the_past", end=departure.isoformat())
    return departure


def _update_goal(goal: EvGoal, fields: Mapping[str, Any], departure: datetime | None) -> None:
    """The fields given change the goal; the others keep what it had."""
    if "energy_kwh" in fields:
        goal.energy_kwh = fields["energy_kwh"]
    if "target_soc" in fields:
        goal.target_soc, goal.energy_kwh = fields["target_soc"], None
    if departure is not None:
        goal.departure_at = departure
    if "mode" in fields:
        goal.mode = ChargeMode.FASTEST if fields["mode"] == "fastest" else ChargeMode.SMART
    if "priority" in fields:
        goal.priority = PRIORITIES[fields["priority"]]


def _goal_response(data: HeadroomData, device: DevicePlan) -> dict[str, Any]:
    shortfall = device.shortfall_kwh or 0.0
    return {
        "planned": True,
        "planned_energy_kwh": round(device.energy_kwh or 0.0, 3),
        "shortfall_kwh": round(shortfall, 3),
        "finish": None if device.finish_step is None else data.step_start(device.finish_step).isoformat(),
        "reachable": shortfall <= REACHABLE_SHORTFALL_KWH,
    }


async def _async_check_feasibility(call: ServiceCall) -> ServiceResponse:
    data = _entry(call.hass).runtime_data.data
    _positive(call, "energy_kwh", "max_power_kw")
    first, end = _window(data, call.data["arrival"], call.data["departure"])
    # Ranked below every car already here: it is promised only what they can spare.
    lowest = min((e.priority for e in data.problem.of_kind(Ev)), default=1)
    request = Ev(
        id="prospective",
        arrival=first,
        departure=end,
        energy_kwh=call.data["energy_kwh"],
        max_kw=call.data["max_power_kw"],
        min_kw=min(call.data["min_power_kw"], call.data["max_power_kw"]),
        priority=max(lowest - 1, 0),
        start_penalty=0.0,
    )
    answer = await _solve(call.hass, check_feasibility, data.problem, request)
    return {
        **_feasibility_response(data, answer, first, end),
        "currency": call.hass.config.currency,
        "notes": _horizon_notes(data, call.data["departure"]),
    }


def _feasibility_response(
    data: HeadroomData, answer: FeasibilityAnswer, first: int, end: int
) -> dict[str, Any]:
    return {
        "feasible": answer.feasible,
        "max_energy_kwh": round(answer.max_energy_kwh, 3),
        "earliest_finish": None
        if answer.earliest_finish_step is None
        else data.step_start(answer.earliest_finish_step).isoformat(),
        "extra_cost": money(answer.extra_cost),
        # What stops more energy: only when the answer is no.
        "limited_by": None if answer.feasible else answer.limited_by,
        "planned_power_kw": _series(data, answer.planned_power_kw[first:end], first),
    }


async def _async_reserve_capacity(call: ServiceCall) -> ServiceResponse:
    coordinator = _entry(call.hass).runtime_data
    await _require_admin(call)
    if "token" in call.data:
        return await _async_commit_hold(call, coordinator)
    if any(key not in call.data for key in ("id", "start", "end", "power_kw")):
        raise _invalid("token_or_request")
    _positive(call, "power_kw", "energy_kwh")
    reservation_id = call.data["id"]
    async with coordinator.promise_lock:
        # Refused at once if the window cannot be one, before a plan is made.
        _window(coordinator.data, call.data["start"], call.data["end"])
        data = await coordinator.async_replan_now()
        first, end = _window(data, call.data["start"], call.data["end"])
        # Against the plan that holds every earlier promise, less this id's old one: left out of the
        # problem, not out of the intents, so that a refusal keeps it.
        replaced = reservation_id in coordinator.intents.reservations
        problem = _without_reservation(data.problem, reservation_id) if replaced else data.problem
        # What others hold while they decide counts as load that cannot move (policy/negotiation.py).
        problem, held = _with_holds(call.hass, coordinator, data, problem, besides=reservation_id)
        grant = await _solve(
            call.hass,
            grant_capacity,
            problem,
            reservation_id,
            first,
            end,
            power_kw=call.data["power_kw"],
            energy_kwh=call.data.get("energy_kwh"),
            force=call.data["force"],
            before=None if replaced or held else data.plan,
        )
        breach = _checked_promise(coordinator, problem, grant, force=call.data["force"])
        if grant.status != "rejected":
            async with _undone_on_failure(coordinator, ("reservations", reservation_id)):
                coordinator.intents.reservations[reservation_id] = Reservation(
                    id=reservation_id,
                    start=data.step_start(first),
                    step_minutes=data.problem.step_minutes,
                    granted_kw=[round(float(v), 3) for v in grant.granted_kw],
                    requested_kw=call.data["power_kw"],
                    energy_kwh=call.data.get("energy_kwh"),
                    force=call.data["force"],
                    status=grant.status,
                )
                await coordinator.async_replan_now()
    call.hass.bus.async_fire(
        f"{DOMAIN}_reservation_changed", {"id": reservation_id, "status": grant.status, "breach": breach}
    )
    return _grant_response(coordinator, data, grant, breach)


def _with_holds(
    hass: HomeAssistant,
    coordinator: HeadroomCoordinator,
    data: HeadroomData,
    problem: Problem,
    *,
    besides: str,
) -> tuple[Problem, bool]:
    """The problem with every valid hold but ``besides``'s as fixed load; whether there was one."""
    holds = _holds(hass, coordinator)
    holds.expire(dt_util.utcnow())
    held = [
        Fixed(
            id=f"{HOLD_PREFIX}{h.requester}",
            power_kw=h.on(data.step_start(0), problem.steps, problem.step_minutes),
        )
        for h in holds.by_requester.values()
        if h.requester != besides
    ]
    if not held:
        return problem, False
    return dataclasses.replace(problem, devices=(*problem.devices, *held)), True


def _holds(hass: HomeAssistant, coordinator: HeadroomCoordinator) -> Holds:
    """The capacity holds of this config entry (in memory: a hold lasts minutes)."""
    books: dict[str, Holds] = hass.data.setdefault(HOLDS_KEY, {})
    return books.setdefault(coordinator.config_entry.entry_id, Holds())


async def _async_request_capacity(call: ServiceCall) -> ServiceResponse:
    """Offer the requester what the room holds (less what others of its priority or above hold, plus
    its own reservation, which the offer would replace) and hold it for ``HOLD_MINUTES``."""
    coordinator = _entry(call.hass).runtime_data
    await _require_admin(call)
    if "power_kw" not in call.data and not call.data["all_available"]:
        raise _invalid("power_or_all_available")
    _positive(call, "power_kw")
    requester, priority = call.data["requester"], PRIORITIES[call.data["priority"]]
    async with coordinator.promise_lock:
        data = coordinator.data
        first, end = _window(data, call.data["start"], call.data["end"])
        problem, now, holds = data.problem, dt_util.utcnow(), _holds(call.hass, coordinator)
        holds.expire(now)
        horizon = data.step_start(0)
        room = room_kw(problem, data.plan)
        own = data.plan.devices.get(f"{RESERVATION_PREFIX}{requester}")
        if own is not None:
            room = room + own.power_kw
        held = holds.held_kw(
            horizon, problem.steps, problem.step_minutes, besides=requester, priority=priority
        )
        free = np.maximum(room - held, 0.0)
        power_kw = None if call.data["all_available"] else call.data["power_kw"]
        cap_kw = call.data.get("power_kw", float(problem.site.import_limit_kw.max()))
        answer = negotiate(free, first, end, power_kw=power_kw, cap_kw=cap_kw)
        holds.by_requester.pop(requester, None)
        hold, dropped = None, []
        if answer.offer is not None:
            hold = new_hold(
                requester,
                answer.offer,
                priority=priority,
                start=data.step_start(answer.offer.first),
                step_minutes=problem.step_minutes,
                requested_kw=cap_kw,
                now=now,
            )
            dropped = holds.place(hold, np.maximum(room, 0.0), horizon)
    for gone in dropped:  # a requester whose hold a higher priority took hears of it
        call.hass.bus.async_fire(f"{DOMAIN}_hold_dropped", {"requester": gone, "by": requester})
    return _offer_response(data, answer, hold, dropped)


def _offer_response(
    data: HeadroomData, answer: Answer, hold: Hold | None, dropped: list[str]
) -> dict[str, Any]:
    def shown(offer: Offer) -> dict[str, Any]:
        return {"kind": offer.kind, "power_kw": _series(data, offer.power_kw, offer.first)}

    return {
        "fits": answer.offers.fits,
        "offer": None if answer.offer is None else shown(answer.offer),
        "token": None if hold is None else hold.token,
        "expires": None if hold is None else hold.expires.isoformat(),
        "hold_minutes": HOLD_MINUTES,
        "counter_offers": [] if answer.offers.fits else [shown(o) for o in answer.offers.counter],
        "all_available_kw": _series(
            data, answer.offers.all_available.power_kw, first=answer.offers.all_available.first
        ),
        "dropped_holds": dropped,
    }


async def _check_hold_fits(hass: HomeAssistant, data: HeadroomData, hold: Hold) -> None:
    """Refuse a hold the plan can no longer keep under the import limit (load that cannot move grew
    into the room it was offered from): the problem with it as fixed load, instead of the requester's
    own reservation, is solved aside, and nothing is published."""
    problem = _without_reservation(data.problem, hold.requester)
    held = hold.on(data.step_start(0), problem.steps, problem.step_minutes)
    trial = dataclasses.replace(problem, devices=(*problem.devices, Fixed(id=HOLD_PREFIX, power_kw=held)))
    plan = await _solve(hass, solve, trial)
    over = plan.grid_import_kw > problem.site.import_limit_kw + PROMISE_TOLERANCE_KW
    if (over & (held > 0)).any():
        raise _invalid("hold_no_longer_fits", requester=hold.requester)


async def _async_commit_hold(call: ServiceCall, coordinator: HeadroomCoordinator) -> ServiceResponse:
    """Reserve exactly the held offer behind the token, as offered; an unknown or expired token, or a
    hold the plan can no longer keep under the limit, changes nothing."""
    async with coordinator.promise_lock:
        holds = _holds(call.hass, coordinator)
        hold = holds.take(call.data["token"], dt_util.utcnow())
        if hold is None:
            raise _invalid("unknown_token")
        try:
            await _check_hold_fits(call.hass, coordinator.data, hold)
        except ServiceValidationError:
            holds.by_requester.setdefault(hold.requester, hold)  # kept, to be asked again or to expire
            raise
        async with _undone_on_failure(coordinator, ("reservations", hold.requester)):
            coordinator.intents.reservations[hold.requester] = Reservation(
                id=hold.requester,
                start=hold.start,
                step_minutes=hold.step_minutes,
                granted_kw=list(hold.power_kw),
                requested_kw=hold.requested_kw,
                status="granted",
            )
            await coordinator.async_replan_now()
    call.hass.bus.async_fire(
        f"{DOMAIN}_reservation_changed", {"id": hold.requester, "status": "granted", "breach": False}
    )
    step = timedelta(minutes=hold.step_minutes)
    return {
        "status": "granted",
        "id": hold.requester,
        "kind": hold.kind,
        "granted_kw": [
            {"start": (hold.start + i * step).isoformat(), "value": v} for i, v in enumerate(hold.power_kw)
        ],
        "granted_kwh": round(sum(hold.power_kw) * hold.step_minutes / 60, 3),
    }


def _without_reservation(problem: Problem, reservation_id: str) -> Problem:
    """The problem without the reservation ``reservation_id`` (which a new request replaces)."""
    key = f"{RESERVATION_PREFIX}{reservation_id}"
    return dataclasses.replace(problem, devices=tuple(d for d in problem.devices if d.id != key))


def _margin(coordinator: HeadroomCoordinator) -> float:
    """The site's breach margin, a share of the limit in [0, 1]."""
    try:
        margin = float(coordinator.config.get(CONF_BREACH_MARGIN, DEFAULT_BREACH_MARGIN) or 0.0)
    except (TypeError, ValueError):
        return 0.0
    return min(max(margin, 0.0), 1.0) if math.isfinite(margin) else 0.0


def _checked_promise(
    coordinator: HeadroomCoordinator, problem: Problem, grant: Grant, *, force: bool
) -> bool:
    """Refuse a forced grant that would take what cannot move beyond the import limit and its breach
    margin in any step; whether the grant goes beyond the import limit (a breach).

    What cannot move is the problem's (without this id's old reservation): the forecast base load,
    which already leaves Headroom's devices and running reservations out, so nothing is counted
    twice, plus every other reservation, forced or not, devices a person drives and appliance runs
    under way. PV is not counted on: a forced promise holds when the sun does not come."""
    window = slice(grant.first, grant.end)
    planned_breach = bool((grant.breach_kw > PROMISE_TOLERANCE_KW).any())
    if not force or grant.status == "rejected":
        return planned_breach
    limit = problem.site.import_limit_kw[window]
    ceiling = limit * (1.0 + _margin(coordinator))
    committed = problem.fixed_load_kw()[window]
    total = committed + grant.granted_kw
    if (total > ceiling + PROMISE_TOLERANCE_KW).any():
        raise _invalid(
            "forced_beyond_limit",
            left=f"{max(float((ceiling - committed).min()), 0.0):.2f}",
            asked=f"{float(grant.granted_kw.max()):.2f}",
            limit=f"{float(limit.min()):.2f}",
        )
    return planned_breach or bool((total > limit + PROMISE_TOLERANCE_KW).any())


def _grant_response(
    coordinator: HeadroomCoordinator, data: HeadroomData, grant: Grant, breach: bool
) -> dict[str, Any]:
    """The grant per step, and the cars it squeezes by their names."""
    subentries = coordinator.config_entry.subentries
    return {
        "status": grant.status,
        "breach": breach,
        "granted_kw": _series(data, grant.granted_kw, grant.first),
        "granted_kwh": round(float(grant.granted_kw.sum()) * data.problem.step_hours, 3),
        "requested_kwh": round(grant.requested_kwh, 3),
        "extra_cost": money(grant.extra_cost),
        "currency": coordinator.hass.config.currency,
        "squeezed_kwh": {
            subentries[k].title if k in subentries else k: round(v, 3) for k, v in grant.squeezed_kwh.items()
        },
        "breach_kw": _series(data, grant.breach_kw, grant.first) if grant.breach_kw.any() else [],
    }


async def _async_release_capacity(call: ServiceCall) -> None:
    coordinator = _entry(call.hass).runtime_data
    await _require_admin(call)
    reservation_id = call.data["id"]
    async with coordinator.promise_lock:
        if reservation_id not in coordinator.intents.reservations:
            raise _invalid("unknown_reservation", id=reservation_id)
        async with _undone_on_failure(coordinator, ("reservations", reservation_id)):
            del coordinator.intents.reservations[reservation_id]
            await coordinator.async_replan_now()
    call.hass.bus.async_fire(f"{DOMAIN}_reservation_changed", {"id": reservation_id, "status": "released"})


async def _async_flex_request(call: ServiceCall) -> ServiceResponse:
    coordinator = _entry(call.hass).runtime_data
    if not call.data["dry_run"]:
        await _require_admin(call)
    if ("limit_kw" in call.data) == ("energy_kwh" in call.data):
        raise _invalid("limit_or_energy")
    _positive(call, "energy_kwh")
    async with coordinator.promise_lock:
        data = coordinator.data
        first, end = _window(data, call.data["start"], call.data["end"])
        answer = await _solve(
            call.hass,
            answer_grid_request,
            data.problem,
            data.plan,
            first,
            end,
            limit_kw=call.data.get("limit_kw"),
            energy_kwh=call.data.get("energy_kwh"),
        )
        applied = not call.data["dry_run"] and answer.status != "rejected"
        if applied:
            async with _undone_on_failure(coordinator, ("grid_requests", call.data["id"])):
                # What the home showed it can do, which for a partial answer is less than asked.
                coordinator.intents.grid_requests[call.data["id"]] = GridRequest(
                    id=call.data["id"],
                    start=_aware(call.data["start"]),
                    end=_aware(call.data["end"]),
                    limit_kw=answer.lowest_limit_kw,
                    max_import_kwh=answer.max_import_kwh,
                )
                await coordinator.async_replan_now()
    return {
        **answer.to_json(),
        "planned_import_kw": _series(data, answer.planned_import_kw, first),
        "applied": applied,
    }


async def _async_override(call: ServiceCall) -> None:
    entry = _entry(call.hass)
    coordinator = entry.runtime_data
    sub = _subentry(call.hass, entry, call.data[ATTR_DEVICE_ID], *KINDS)
    await _require_control(call, sub)
    key = sub.subentry_id
    if call.data["action"] == "release":
        async with _undone_on_failure(coordinator, ("overrides", key), ("manual", key)):
            coordinator.intents.overrides.pop(key, None)
            await coordinator.controller.async_release(key)
            await coordinator.async_replan_now()
        return
    if "until" not in call.data:
        raise _invalid("until_required")
    until = _aware(call.data["until"])
    if until <= dt_util.now():
        raise _invalid("in_the_past", end=until.isoformat())
    async with _undone_on_failure(coordinator, ("overrides", key)):
        coordinator.intents.overrides[key] = Override(action=call.data["action"], until=until)
        await coordinator.async_replan_now()


async def _async_schedule_appliance(call: ServiceCall) -> ServiceResponse:
    entry = _entry(call.hass)
    coordinator = entry.runtime_data
    sub = _subentry(call.hass, entry, call.data[ATTR_DEVICE_ID], SUBENTRY_APPLIANCE)
    await _require_control(call, sub)
    windows = _appliance_windows(call, timedelta(minutes=float(sub.data[CONF_RUN_MINUTES])))
    async with _undone_on_failure(coordinator, ("appliance_runs", sub.subentry_id)):
        coordinator.intents.appliance_runs[sub.subentry_id] = windows
        data = await coordinator.async_replan_now()
    device = data.plan.devices.get(sub.subentry_id)
    if device is None or device.start is None:
        return {"planned_start": None, "planned_finish": None}
    length = int(np.count_nonzero(device.power_kw[device.start :]))
    return {
        "planned_start": data.step_start(device.start).isoformat(),
        "planned_finish": data.step_start(device.start + max(length, 1)).isoformat(),
    }


def _appliance_windows(call: ServiceCall, run: timedelta) -> list[tuple[datetime, datetime]]:
    """The windows asked for; refused unless one of them holds a whole run within three days."""
    now = dt_util.now()
    if "windows" in call.data:
        windows = [(_aware(start), _aware(end)) for start, end in call.data["windows"]]
    elif "deadline" in call.data:
        windows = [(_aware(call.data.get("earliest_start", now)), _aware(call.data["deadline"]))]
    else:
        raise _invalid("windows_or_deadline")
    for start, end in windows:
        if end <= start:
            raise _invalid("end_before_start", start=start.isoformat(), end=end.isoformat())
    if not any(min(end, now + timedelta(days=3)) - max(start, now) >= run for start, end in windows):
        raise _invalid("window_too_short", minutes=int(run.total_seconds() // 60))
    return windows


async def _async_simulate(call: ServiceCall) -> ServiceResponse:
    coordinator = _entry(call.hass).runtime_data
    data = coordinator.data
    _positive(
        call,
        "battery_capacity_kwh",
        "battery_power_kw",
        "import_limit_kw",
        "ev_energy_kwh",
        "ev_max_power_kw",
    )
    changed = variant(data.problem, _what_if(data, call.data))
    if changed is data.problem:
        raise _invalid("nothing_to_simulate")
    if "days" in call.data:
        return await async_closed_loop(call.hass, coordinator, dict(call.data))
    return await _solve(call.hass, compare, data.problem, changed)


def _what_if(data: HeadroomData, fields: Mapping[str, Any]) -> Change:
    """The action's fields as the planner's what-if change; a car's window as steps of the horizon."""
    arrival = departure = None
    if "ev_energy_kwh" in fields:
        if "ev_arrival" not in fields or "ev_departure" not in fields:
            raise _invalid("ev_window_required")
        arrival, departure = _window(data, fields["ev_arrival"], fields["ev_departure"])
    return Change(
        import_limit_kw=fields.get("import_limit_kw"),
        import_price=fields.get("import_price"),
        price_factor=fields.get("price_factor"),
        battery_capacity_kwh=fields.get("battery_capacity_kwh"),
        battery_power_kw=fields.get("battery_power_kw"),
        ev_energy_kwh=fields.get("ev_energy_kwh"),
        ev_arrival=arrival,
        ev_departure=departure,
        ev_max_power_kw=fields.get("ev_max_power_kw"),
    )


# Bookings: charging sessions known before the car arrives (``policy.bookings`` plans them).

BOOK_SESSION_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): _id(ATTR_DEVICE_ID),
        vol.Optional("id"): _id("id"),
        vol.Optional("vehicle"): _id("vehicle"),
        vol.Required("arrival"): _moment("arrival"),
        vol.Required("departure"): _moment("departure"),
        **_numbers(SERVICE_BOOK_SESSION),
        vol.Optional("priority"): vol.In(list(PRIORITIES)),
    }
)
CANCEL_BOOKING_SCHEMA = vol.Schema({vol.Required("id"): _id("id")})


def _booking(call: ServiceCall, sub: ConfigSubentry) -> Booking:
    """The booking asked for; refused, before anything changes, when it cannot be one."""
    fields = call.data
    if ("energy_kwh" in fields) == ("target_soc" in fields):
        raise _invalid("booking_energy_or_soc")
    _positive(call, "energy_kwh")
    arrival, departure = _aware(fields["arrival"]), _aware(fields["departure"])
    if departure <= arrival:
        raise _invalid(
            "departure_before_arrival", arrival=arrival.isoformat(), departure=departure.isoformat()
        )
    if departure <= dt_util.now():
        raise _invalid("in_the_past", end=departure.isoformat())
    if "target_soc" in fields and not bookings.knows_soc(sub.data):
        raise _invalid("target_needs_soc", charger=sub.title)
    return Booking(
        id=fields.get("id") or ulid_util.ulid_now(),
        charger=sub.subentry_id,
        arrival=arrival,
        departure=departure,
        energy_kwh=fields.get("energy_kwh"),
        target_soc=fields.get("target_soc"),
        arrival_soc=fields.get("arrival_soc"),
        priority=PRIORITIES[fields.get("priority", "normal")],
        vehicle=fields.get("vehicle"),
    )


async def _async_book_session(call: ServiceCall) -> ServiceResponse:
    entry = _entry(call.hass)
    coordinator = entry.runtime_data
    sub = _subentry(call.hass, entry, call.data[ATTR_DEVICE_ID], SUBENTRY_EV_CHARGER)
    await _require_control(call, sub)
    booking = _booking(call, sub)
    async with coordinator.promise_lock:
        if (other := bookings.overlapping(coordinator.intents, booking)) is not None:
            raise _invalid(
                "charger_booked",
                charger=sub.title,
                id=other.id,
                arrival=other.arrival.isoformat(),
                departure=other.departure.isoformat(),
            )
        data = coordinator.data
        answer = await _booking_feasibility(call.hass, data, booking, sub)
        async with _undone_on_failure(coordinator, ("bookings", booking.id)):
            coordinator.intents.bookings[booking.id] = booking
            data = await coordinator.async_replan_now()
    call.hass.bus.async_fire(f"{DOMAIN}_booking_changed", {"id": booking.id, "status": "booked"})
    planned = data.plan.devices.get(bookings.device_id(booking.id))
    if booking.id not in coordinator.intents.bookings:
        # The car on the charger took it over at once (it is due): its goal now holds the energy.
        planned = data.plan.devices.get(sub.subentry_id)
    config = ChargerConfig.from_data(sub.data)
    return {
        "id": booking.id,
        "charger": sub.title,
        "vehicle": booking.vehicle,
        "energy_kwh": round(bookings.planned_energy_kwh(booking, config), 3),
        **answer,
        "planned_energy_kwh": None if planned is None else round(planned.energy_kwh or 0.0, 3),
        "taken_over": booking.id not in coordinator.intents.bookings,
        "currency": call.hass.config.currency,
    }


async def _booking_feasibility(
    hass: HomeAssistant, data: HeadroomData, booking: Booking, sub: ConfigSubentry
) -> dict[str, Any]:
    """Whether the site can meet the booking with what the cars planned and booked already can spare
    (the session ranked below them all, as ``check_feasibility`` asks), against the plan without this
    booking's earlier version; no answer for a stay outside the horizon, said in the notes."""
    problem = data.problem
    count = problem.site.phases.count if problem.site.phases else None
    ev = bookings.session(booking, sub.data, data.timeline, count)
    notes = _horizon_notes(data, booking.departure)
    if ev is None:
        notes = [f"the stay lies beyond the plan, which ends {data.step_start(problem.steps).isoformat()}"]
        return {"feasible": None, "notes": notes}
    others = [d for d in problem.devices if d.id != ev.id]
    lowest = min((e.priority for e in problem.of_kind(Ev) if e.id != ev.id), default=1)
    request = dataclasses.replace(ev, priority=max(lowest - 1, 0), start_penalty=0.0)
    devices = bookings.make_way(others, [booking], data.timeline)
    answer = await _solve(
        hass, check_feasibility, dataclasses.replace(problem, devices=tuple(devices)), request
    )
    if not _energy_from_car(booking, sub):
        notes.append("planned with the charger's default energy until the car's state of charge is read")
    return {**_feasibility_response(data, answer, ev.arrival, ev.departure), "notes": notes}


def _energy_from_car(booking: Booking, sub: ConfigSubentry) -> bool:
    """Whether the energy planned for a target state of charge comes from the car (not a default)."""
    config = ChargerConfig.from_data(sub.data)
    return booking.energy_kwh is not None or (booking.arrival_soc is not None and bool(config.capacity_kwh))


async def _async_cancel_booking(call: ServiceCall) -> None:
    entry = _entry(call.hass)
    coordinator = entry.runtime_data
    booking_id = call.data["id"]
    booking = coordinator.intents.bookings.get(booking_id)
    if booking is None:
        raise _invalid("unknown_booking", id=booking_id)
    if (sub := entry.subentries.get(booking.charger)) is not None:
        await _require_control(call, sub)
    async with coordinator.promise_lock, _undone_on_failure(coordinator, ("bookings", booking_id)):
        coordinator.intents.bookings.pop(booking_id, None)
        await coordinator.async_replan_now()
    call.hass.bus.async_fire(f"{DOMAIN}_booking_changed", {"id": booking_id, "status": "cancelled"})
