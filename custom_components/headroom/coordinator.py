"""The planning cycle: HA states -> Readings -> policy -> Problem -> solve (executor) -> Plan ->
setpoints and entities.

Replans on its interval and, debounced, when an input that matters changes. Requested refreshes
share one debouncer; a direct refresh (an action, the replan button) may run beside an interval
one, so requests that promise headroom take ``promise_lock`` and are decided one at a time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time as time_mod
from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import (
    CONF_CHARGER_POWER_ENTITY,
    CONF_CONTROL_MODE,
    CONF_EXPORT_PRICE_ENTITY,
    CONF_GRID_POWER_ENTITY,
    CONF_HOUSE_POWER_ENTITY,
    CONF_KNOWN_LOAD_CALENDAR,
    CONF_PLUGGED_ENTITY,
    CONF_POWER_ENTITY,
    CONF_PRICE_ENTITY,
    CONF_PV_FORECAST_ENTRIES,
    CONF_PV_POWER_ENTITY,
    CONF_REPLAN_MINUTES,
    DEFAULT_REPLAN_MINUTES,
    DOMAIN,
    SOLVE_TIME_LIMIT_S,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
    ControlMode,
    PlanState,
)
from .controller import ControllerHooks, DeviceController
from .data import HeadroomData, site_settings
from .devices import configs, read_devices
from .ledger import Ledger, LedgerHooks
from .meter import read_meter
from .planner import Ev, Plan, Problem, problem_to_json, solve
from .planner.envelope import allocations
from .policy import appliance as appliance_policy
from .policy.bookings import take_over
from .policy.checks import inverted_readings
from .policy.intents import EvGoal, Intents
from .policy.problem import DeviceConfig, PreviousPlan, build_problem, timeline_for
from .policy.readings import ApplianceReading, ChargerReading, Readings
from .repairs import clear_issue, raise_issue
from .sources.base_load import BaseLoadProfile, async_hourly_means, house_hours, profile_from_hours
from .sources.forecasts import Inputs, pv_forecast_entities, read_forecasts
from .sources.known_loads import async_calendar_loads
from .sources.price_services import ServicePrices
from .sources.prices import sibling_entities, sibling_points
from .sources.pv import async_energy_forecast
from .sources.stored import async_read_store, storable

_LOGGER = logging.getLogger(__name__)
STORAGE_VERSION = 1
REPLAN_DEBOUNCE_S = 10.0
ISSUE_PRICE_UNAVAILABLE = "price_unavailable"
ISSUE_READING_INVERTED = "reading_inverted"
# A reading must look inverted this many cycles in a row (sensors lag each other) before a repair.
SIGN_CYCLES = 3
BASE_LOAD_REFRESH = timedelta(hours=1)

type HeadroomConfigEntry = ConfigEntry[HeadroomCoordinator]


class HeadroomCoordinator(DataUpdateCoordinator[HeadroomData]):
    """One planning cycle per replan interval (and, debounced, when a price, a PV forecast or a plug
    changes): read HA states -> policy -> solve in an executor (time-limited) -> publish to the entities,
    events and the controller. It also keeps people's intents and the control mode in the Store."""

    config_entry: HeadroomConfigEntry

    def __init__(self, hass: HomeAssistant, entry: HeadroomConfigEntry) -> None:
        minutes = float(
            entry.options.get(
                CONF_REPLAN_MINUTES, entry.data.get(CONF_REPLAN_MINUTES, DEFAULT_REPLAN_MINUTES)
            )
        )
        super().__init__(
            hass,
            _LOGGER,
            name=DOMAIN,
            config_entry=entry,
            update_interval=timedelta(minutes=minutes),
            request_refresh_debouncer=Debouncer(hass, _LOGGER, cooldown=REPLAN_DEBOUNCE_S, immediate=False),
        )
        self.store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}")
        self.intents = Intents()
        self.control_mode = ControlMode(self.config.get(CONF_CONTROL_MODE, ControlMode.ADVISORY))
        self._running_settings = self._running()
        # Requests that promise headroom (reservations, grid requests) are decided one at a
        # time against the plan that includes every earlier promise.
        self.promise_lock = asyncio.Lock()
        self._previous: PreviousPlan | None = None
        self._service_prices = ServicePrices(hass)
        self._base_load: tuple[datetime, BaseLoadProfile | None] | None = None
        self.controller = DeviceController(
            hass,
            ControllerHooks(
                entry=entry,
                data=lambda: self.data,
                intents=lambda: self.intents,
                control_mode=lambda: self.control_mode,
                replan_now=self.async_replan_now,
                request_refresh=self.async_request_refresh,
                save_and_refresh=self.async_goal_changed,
                entities_changed=self.async_update_listeners,
                poorly_following=lambda: self.ledger.poorly_following(dt_util.now()),
                forgive=lambda device_id: self.ledger.forgive(device_id),  # noqa: PLW0108 (made below)
            ),
        )
        self.ledger = Ledger(
            hass,
            entry.entry_id,
            LedgerHooks(
                data=lambda: self.data,
                config=lambda: self.config,
                subentries=lambda: self.config_entry.subentries,
                state_of=self.controller.state_of,
                told_kw=lambda: self.controller.told_kw,
                changed=self.async_update_listeners,
            ),
        )
        self._unreachable: set[str] = set()
        # Cycles in a row each reading has looked inverted.
        self._inverted: dict[str, int] = {}

    @property
    def config(self) -> dict[str, Any]:
        """Site settings: the entry's data, overridden by its options."""
        return site_settings(self.config_entry)

    async def _async_setup(self) -> None:
        """Intents, the control mode and the last plan from the Store. A file that cannot be read is
        moved aside and the entry starts without it; parts that are not valid are left out; a repair
        says which and where the old file is (``sources.stored``). Setup goes on either way."""
        stored = await async_read_store(self.hass, self.store, self.config_entry.entry_id)
        self.intents = stored.intents
        if stored.control_mode is not None and stored.control_mode != self.control_mode:
            # Before 0.6 the select kept the mode in the Store, over the entry's settings: it moves
            # into the entry's options once, where the select and the Configure form both keep it.
            self.control_mode = stored.control_mode
            self._write_control_mode(stored.control_mode)
        # The plan from before the restart keeps the first new plan from jumping about.
        if stored.previous is not None:
            self._previous = stored.previous

    async def async_save(self) -> None:
        await self.store.async_save(self._stored())

    def _write_control_mode(self, mode: ControlMode) -> None:
        entry = self.config_entry
        self.hass.config_entries.async_update_entry(
            entry, options={**entry.data, **entry.options, CONF_CONTROL_MODE: mode.value}
        )

    async def async_set_control_mode(self, mode: ControlMode) -> None:
        """The select's change: kept in the entry's options (one place: the Configure form shows
        what the select set, and a mode picked in the form is the one that runs). Applied at once,
        without reloading the entry."""
        self.control_mode = mode
        self._write_control_mode(mode)
        self.async_update_listeners()

    def needs_reload(self) -> bool:
        """Whether the entry's settings or devices differ from those this coordinator runs with in
        more than the control mode (a mode change alone is applied in place)."""
        return self._running() != self._running_settings

    def _running(self) -> tuple[dict[str, Any], dict[str, Any]]:
        entry = self.config_entry
        settings = {k: v for k, v in site_settings(entry).items() if k != CONF_CONTROL_MODE}
        devices = {i: (s.subentry_type, s.title, dict(s.data)) for i, s in entry.subentries.items()}
        return settings, devices

    def _stored(self) -> dict[str, Any]:
        data: dict[str, Any] = {"intents": storable(self.intents)}
        if self.data is not None:
            data["last_plan"] = self.data.plan.to_json()
            data["last_problem"] = problem_to_json(self.data.problem)
        return data

    def goal(self, subentry_id: str) -> EvGoal:
        return self.intents.goal(subentry_id)

    async def async_goal_changed(self) -> None:
        await self.async_save()
        await self.async_request_refresh()

    async def async_replan_now(self) -> HeadroomData:
        """Save what changed and replan at once (services answer with the new plan)."""
        await self.async_save()
        await self.async_refresh()
        if not self.last_update_success or self.data is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="replan_failed",
                translation_placeholders={"error": str(self.last_exception or "no plan")},
            ) from self.last_exception
        return self.data

    async def _async_update_data(self) -> HeadroomData:
        """One cycle; a fault in it is a translated ``UpdateFailed`` (the entities go unavailable
        and the next cycle tries again), never a half-made plan."""
        try:
            return await self._async_cycle()
        except UpdateFailed:
            raise
        except Exception as err:
            _LOGGER.exception("Headroom's planning cycle failed")
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cycle_failed",
                translation_placeholders={"error": str(err)},
            ) from err

    async def _async_cycle(self) -> HeadroomData:
        started = time_mod.perf_counter()
        now = dt_util.now()
        for reservation_id in self.intents.expire(now):
            self.hass.bus.async_fire(
                f"{DOMAIN}_reservation_changed", {"id": reservation_id, "status": "expired"}
            )
        if self.data is not None:
            self._previous = PreviousPlan(
                self.data.problem.start,
                self.data.problem.step_minutes,
                {k: [float(v) for v in d.power_kw] for k, d in self.data.plan.devices.items()},
            )
        devices = configs(self.config_entry.subentries)
        readings = self._read(now, devices)
        self._check_signs(devices, readings)
        self._note_appliance_runs(now, devices, readings)
        self._note_arrivals(now, devices, readings)
        inputs = await self._async_inputs(now)
        timeline = timeline_for(self.config, now)
        forecasts = read_forecasts(self.hass, self.config, inputs, timeline)
        intents = self.intents
        if calendar := self.config.get(CONF_KNOWN_LOAD_CALENDAR):
            found = await async_calendar_loads(self.hass, calendar, timeline.start, timeline.end)
            intents = dataclasses.replace(intents, known_loads={**found, **intents.known_loads})
        snapshot = build_problem(
            self.config,
            devices,
            readings,
            forecasts,
            intents,
            self._previous,
            self.controller.not_following,
            self.controller.told_kw,
        )
        plan = await self.hass.async_add_executor_job(
            # The price signals (the plan's duals) in the same job as the solve, once a cycle.
            lambda: solve(snapshot.problem, time_limit=SOLVE_TIME_LIMIT_S, price_signals=True)
        )
        status = PlanState(plan.status)
        price_entity = self.config.get(CONF_PRICE_ENTITY)
        if price_entity and price_entity in snapshot.stale:
            status = PlanState.STALE_INPUTS
            raise_issue(
                self.hass, ISSUE_PRICE_UNAVAILABLE, self.config_entry.entry_id, entity_id=price_entity
            )
        else:
            clear_issue(self.hass, ISSUE_PRICE_UNAVAILABLE, self.config_entry.entry_id)
        data = HeadroomData(
            status=status,
            problem=snapshot.problem,
            plan=plan,
            planned_at=now,
            readings=readings,
            devices=devices,
            stale=snapshot.stale,
            assumptions=snapshot.assumptions,
            price_description=snapshot.price_description,
            cycle_seconds=time_mod.perf_counter() - started,
            allocated_kw=allocations(snapshot.problem, plan),
        )
        self.hass.bus.async_fire(
            f"{DOMAIN}_plan_updated", {"status": status.value, "cost": round(plan.cost, 4)}
        )
        self._fire_goal_events(snapshot.problem, plan)
        if plan.status in ("breach", "over_limit", "fallback"):
            self.hass.bus.async_fire(
                f"{DOMAIN}_limit_risk",
                {
                    "status": plan.status,
                    "breach_kwh": round(plan.breach_kwh, 3),
                    "over_limit_kwh": round(plan.over_limit_kwh, 3),
                    "over_limit_steps": list(plan.over_limit_steps),
                    "notes": plan.notes,
                },
            )
        self.store.async_delay_save(self._stored, 60)
        self.config_entry.async_create_background_task(
            self.hass, self.controller.async_apply(data), "headroom apply plan"
        )
        return data

    def _read(self, now: datetime, devices: dict[str, DeviceConfig]) -> Readings:
        """The one read of the house this cycle: the meters and every device, by its kind's reader."""
        meter = read_meter(self.hass, self.config)
        return Readings(
            now=now,
            house_power_kw=meter.house_kw,
            grid_power_kw=meter.grid_kw,
            grid_phase_kw=meter.phase_kw,
            pv_power_kw=meter.pv_kw,
            devices=read_devices(self.hass, devices),
            stale=meter.stale,
        )

    def _check_signs(self, devices: dict[str, DeviceConfig], readings: Readings) -> None:
        """A repair for a reading that has looked the wrong way round for ``SIGN_CYCLES`` cycles in a
        row (a sign setting that does not match the sensor); removed once it looks right."""
        entry_id = self.config_entry.entry_id
        flagged = set(inverted_readings(devices, readings))
        for role in flagged | set(self._inverted):
            owner = f"{entry_id}_{role}"
            if role not in flagged:
                self._inverted.pop(role, None)
                clear_issue(self.hass, ISSUE_READING_INVERTED, owner)
                continue
            self._inverted[role] = self._inverted.get(role, 0) + 1
            entity_id = self._sign_entity(role)
            if self._inverted[role] == SIGN_CYCLES and entity_id:
                raise_issue(self.hass, ISSUE_READING_INVERTED, owner, entity_id=entity_id)

    def _sign_entity(self, role: str) -> str | None:
        """The sensor behind a reading the sign check names."""
        site_keys = {
            "house": CONF_HOUSE_POWER_ENTITY,
            "pv": CONF_PV_POWER_ENTITY,
            "grid": CONF_GRID_POWER_ENTITY,
        }
        if role in site_keys:
            return self.config.get(site_keys[role])
        subs = self.config_entry.subentries
        if role == "battery":
            found = [
                s.data.get(CONF_POWER_ENTITY) for s in subs.values() if s.subentry_type == SUBENTRY_BATTERY
            ]
            return ", ".join(e for e in found if e) or None
        sub = subs.get(role)
        return (sub.data.get(CONF_CHARGER_POWER_ENTITY) or sub.data.get(CONF_POWER_ENTITY)) if sub else None

    async def _async_inputs(self, now: datetime) -> Inputs:
        """What the readers cannot read from states: action answers, energy platforms, history."""
        inputs = Inputs()
        if price_entity := self.config.get(CONF_PRICE_ENTITY):
            points = await self._service_prices.async_points(price_entity)
            if points is None:
                points = sibling_points(self.hass, price_entity) or None
            inputs.price_points = points
        for entry_id in self.config.get(CONF_PV_FORECAST_ENTRIES) or []:
            points = await async_energy_forecast(self.hass, entry_id)
            if points:
                inputs.pv_arrays[entry_id] = points
            else:
                source = self.hass.config_entries.async_get_entry(entry_id)
                inputs.pv_missing.append(source.title if source else entry_id)
        if self._base_load is None or now - self._base_load[0] >= BASE_LOAD_REFRESH:
            self._base_load = (now, await self._async_base_load(now))
        inputs.base_load = self._base_load[1]
        return inputs

    async def _async_base_load(self, now: datetime) -> BaseLoadProfile | None:
        config = self.config
        subs = self.config_entry.subentries.values()
        batteries = [
            s.data[CONF_POWER_ENTITY]
            for s in subs
            if s.subentry_type == SUBENTRY_BATTERY and s.data.get(CONF_POWER_ENTITY)
        ]
        devices: list[str] = [
            d
            for s in subs
            if s.subentry_type != SUBENTRY_BATTERY
            if (d := s.data.get(CONF_CHARGER_POWER_ENTITY) or s.data.get(CONF_POWER_ENTITY))
        ]
        house, grid, pv = (
            config.get(CONF_HOUSE_POWER_ENTITY),
            config.get(CONF_GRID_POWER_ENTITY),
            config.get(CONF_PV_POWER_ENTITY),
        )
        if not house and not grid:
            return None
        wanted = {e for e in (house, grid, pv, *batteries, *devices) if e}
        means = await async_hourly_means(self.hass, wanted, now)
        return profile_from_hours(
            house_hours(means, house=house, grid=grid, pv=pv, battery=batteries, devices=devices)
        )

    def _note_appliance_runs(
        self, now: datetime, devices: dict[str, DeviceConfig], readings: Readings
    ) -> None:
        for device_id, config in devices.items():
            reading = readings.devices.get(device_id)
            if config.kind == SUBENTRY_APPLIANCE and isinstance(reading, ApplianceReading):
                appliance_policy.note_started(self.intents, device_id, config.data, reading, now)

    def _note_arrivals(self, now: datetime, devices: dict[str, DeviceConfig], readings: Readings) -> None:
        """A car plugged in when a booking on its charger is due takes the booking over."""
        chargers = {i: c.data for i, c in devices.items() if c.kind == SUBENTRY_EV_CHARGER}
        plugged = [
            i for i in chargers if isinstance(r := readings.devices.get(i), ChargerReading) and r.plugged
        ]
        for booking in take_over(self.intents, plugged, chargers, now):
            self.hass.bus.async_fire(f"{DOMAIN}_booking_changed", {"id": booking.id, "status": "arrived"})

    def _fire_goal_events(self, problem: Problem, plan: Plan) -> None:
        """``headroom_goal_unreachable`` once when a car's goal becomes unreachable."""
        unreachable: set[str] = set()
        for ev in problem.of_kind(Ev):
            shortfall = plan.devices[ev.id].shortfall_kwh or 0.0
            if shortfall > 0.05:
                unreachable.add(ev.id)
                if ev.id not in self._unreachable:
                    sub = self.config_entry.subentries.get(ev.id)
                    self.hass.bus.async_fire(
                        f"{DOMAIN}_goal_unreachable",
                        {
                            "device": sub.title if sub else ev.id,
                            "subentry_id": ev.id,
                            "shortfall_kwh": round(shortfall, 2),
                        },
                    )
        self._unreachable = unreachable

    @callback
    def async_start_listening(self) -> CALLBACK_TYPE:
        """Replan (debounced) when an input that matters changes: a price or PV forecast, a car
        plugging in or out. Powers and SoCs drift every few seconds; the interval catches those."""
        entities = {self.config.get(k) for k in (CONF_PRICE_ENTITY, CONF_EXPORT_PRICE_ENTITY)}
        entities.update(pv_forecast_entities(self.config))
        for price_entity in (self.config.get(CONF_PRICE_ENTITY), self.config.get(CONF_EXPORT_PRICE_ENTITY)):
            if price_entity:
                entities.update(sibling_entities(self.hass, price_entity))
        for sub in self.config_entry.subentries.values():
            if sub.subentry_type == SUBENTRY_EV_CHARGER:
                # Without a plug sensor, the charger's power is how a plug-in shows.
                entities.add(sub.data.get(CONF_PLUGGED_ENTITY) or sub.data.get(CONF_CHARGER_POWER_ENTITY))
        watched = sorted(e for e in entities if e)

        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            old, new = event.data["old_state"], event.data["new_state"]
            if (
                old is not None
                and new is not None
                and old.state == new.state
                and old.attributes == new.attributes
            ):
                return
            self.hass.async_create_task(self.async_request_refresh())

        return async_track_state_change_event(self.hass, watched, changed)
